"""Pictures: the Mermaid diagram, the SVG/HTML timeline export, and the dossier."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from casework import Casebook, CaseFileError, CaseworkError, TransitionDef, load_casebook
from casework.views.diagram import diagram
from casework.views.dossier import Dossier
from casework.views.export import export
from casework.views.timeline import Timeline
from tests.conftest import edit, render

EXPECTED = Path(__file__).parent / "expected"
SVG = "{http://www.w3.org/2000/svg}"


def svg_lines(text: str) -> list[str]:
    """The terminal lines drawn in a rich SVG: its text runs, placed by column."""
    root = ET.fromstring(text)
    lines: dict[int, list[tuple[float, str]]] = {}
    for node in root.iter(f"{SVG}text"):
        clip = re.fullmatch(r"url\(#casework-line-(\d+)\)", node.get("clip-path", ""))
        if clip:
            lines.setdefault(int(clip[1]), []).append((float(node.get("x", "0")), node.text or ""))
    out = []
    for n in range(max(lines) + 1 if lines else 0):
        line = ""
        for x, run in sorted(lines.get(n, [])):
            line = line.ljust(round(x / 12.2)) + run.replace("\xa0", " ")
        out.append(line.rstrip())
    while out and not out[-1]:  # the blank line under the last, which gives it room
        out.pop()
    return out


class _Code(HTMLParser):
    """Collects the text inside <pre><code> and the page <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.where: list[str] = []
        self.code = ""
        self.title = ""

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in ("meta", "link", "br"):  # void elements have no end tag
            self.where.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.where and self.where[-1] == tag, f"</{tag}> does not close <{self.where[-1:]}>"
        self.where.pop()

    def handle_data(self, data: str) -> None:
        if "code" in self.where:
            self.code += data
        elif self.where[-1:] == ["title"]:
            self.title += data


def html_code(text: str) -> _Code:
    parser = _Code()
    parser.feed(text)
    parser.close()
    assert parser.where == [], f"unclosed tags: {parser.where}"
    return parser


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours, from 1 to 21."""

    def luminance(color: str) -> float:
        def channel(v: int) -> float:
            c = v / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_ratio() -> None:
    """The contrast ratio of WCAG's own examples: black on white 21:1, #777 on white
    4.48:1 (just short of 4.5), equal colours 1:1."""
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#ffffff", "#777777"), 2) == 4.48
    assert contrast("#5b6472", "#5b6472") == 1.0


def flat(text: str) -> str:
    return " ".join(text.split())


class Mermaid:
    """A flowchart written by :func:`diagram`, read back: its edges in order (source,
    dest, label), each state's lines, the style of each edge index, each node's
    class. Entity codes (#8635;) are decoded."""

    EDGE = re.compile(r'  (\S+) (-->|-\.-)(?:\|"(.*)"\|)? (\S+)')
    NODE = re.compile(r'  (s_\w+)(?:\["|\(\[")(.*?)(?:"\]|"\]\))')

    def __init__(self, text: str) -> None:
        def decode(label: str) -> str:
            return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), label)

        self.edges: list[tuple[str, str, str]] = []
        self.nodes: dict[str, list[str]] = {}
        self.styles: dict[int, str] = {}
        self.classes: dict[str, str] = {}
        for line in text.splitlines():
            if m := self.EDGE.fullmatch(line):
                self.edges.append((m[1], m[4], decode(m[3] or "")))
            elif m := self.NODE.fullmatch(line):
                self.nodes[m[1]] = [decode(part) for part in m[2].split("<br>")]
            elif line.startswith("  linkStyle "):
                _, indices, css = line.split(" ", 4)[2:]
                self.styles.update(dict.fromkeys(map(int, indices.split(",")), css))
            elif line.startswith("  class "):
                _, ids, cls = line.split()
                self.classes.update(dict.fromkeys(ids.split(","), cls))

    def styled(self, css: str) -> list[tuple[str, str, str]]:
        """The edges drawn with a style that starts with ``css``."""
        return [e for n, e in enumerate(self.edges) if self.styles.get(n, "").startswith(css)]

    def of_class(self, cls: str) -> list[str]:
        return [node for node, c in self.classes.items() if c == cls]


PATH_EDGE = "stroke:#1d4ed8"
BASE_EDGE = "stroke:#6b7280,stroke-width:2px,stroke-dasharray"
FADED_EDGE = "stroke:#9ca3af"


def covered(drawn: Mermaid) -> set[tuple[str, str, str]]:
    """Every (trigger, source, dest) a full diagram tells: an edge, an edge from the
    joined states, or words in a state (↻ in place; 'x → d' within the joined
    states; 'then x → d' after an outcome; '← x, from any of these')."""
    joined = {e[0].removeprefix("s_") for e in drawn.edges if e[1] == "stage"}
    found: set[tuple[str, str, str]] = set()

    def triggers(label: str) -> list[str]:
        return [part.split(" ")[0] for part in re.split(r", (?![0-9] ×)", label)]

    for source, dest, label in drawn.edges:
        for trigger in triggers(label) if label else []:
            sources = joined if source == "stage" else {source.removeprefix("s_")}
            found |= {(trigger, s, dest.removeprefix("s_")) for s in sources}
    for state, *notes in drawn.nodes.values():
        for note in notes:
            if note.startswith("↻ "):
                found.add((note[2:].split(" ")[0], state, state))
            elif note.startswith("← "):
                trigger = note[2:].split(",")[0]
                found |= {(trigger, s, state) for s in joined - {state}}
            elif " → " in note:
                trigger, dest = note.removeprefix("then ").split(" → ")
                found.add((trigger.split(" ")[0], state, dest))
    return found


class TestDiagram:
    def test_case_diagram_exact(self, book: Casebook) -> None:
        """A case's diagram is its path, highlighted, and the other outcomes, exactly."""
        expected = (EXPECTED / "alliluyeva-diagram.mmd").read_text("utf-8")
        assert diagram(book.replay("alliluyeva")) == expected

    def test_cli_markdown_wraps_in_a_fence(self, cli: Callable[..., object]) -> None:
        """--format markdown is the same text in a fenced mermaid block."""
        expected = (EXPECTED / "alliluyeva-diagram.mmd").read_text("utf-8")
        result = cli("diagram", "alliluyeva", "--format", "markdown")
        assert (result.code, result.err) == (0, "")
        assert result.out == "```mermaid\n" + expected + "```\n"

    def test_cli_mermaid_lines_are_not_wrapped(self, cli: Callable[..., object]) -> None:
        """At 40 columns the long lines are still whole (the text is code, not prose)."""
        result = cli("diagram", "kasparova-popova", width=40)
        assert result.code == 0
        assert (
            "  %% path: member → expelled → appealed → intercession → verification_requested → reinstated\n"
            in result.out
        )
        assert (
            '  s_verification_requested["verification_requested<br>#8635; request_information (event 10)"]\n'
            in result.out
        )

    @pytest.mark.parametrize("case_id", ["alliluyeva", "kasparova-popova"])
    def test_path_is_highlighted_with_the_other_outcomes_faded(
        self, book: Casebook, case_id: str
    ) -> None:
        """The path's transitions (and the start) are the highlighted edges, each with
        its event numbers; its states are blue, the end green; each other outcome is
        faded, one edge from the last state of the path that leads to it."""
        history = book.replay(case_id)
        drawn = Mermaid(diagram(history))
        moved = [s for s in history.steps if s.moved]
        assert drawn.styled(PATH_EDGE) == [("start", "s_member", "")] + [
            (f"s_{s.before}", f"s_{s.after}", f"{s.event.kind} (event {s.event.seq})")
            for s in moved
        ]
        assert drawn.of_class("path") == [f"s_{s}" for s in history.states[:-1]]
        assert drawn.of_class("good") == ["s_reinstated"]
        procedure = history.procedure
        others = [
            s.name
            for s in procedure.states
            if s.outcome_label != "pending" and s.name not in history.states
        ]
        assert drawn.of_class("faded") == [f"s_{s}" for s in others]
        faded = drawn.styled(FADED_EDGE)
        assert [dest for _s, dest, _l in faded] == [f"s_{s}" for s in others]
        for source, dest, label in faded:
            ways = [t for t in procedure.transitions if t.dest == dest[2:]]
            last = next(s for s in reversed(history.states) if any(s in t.source for t in ways))
            assert source == f"s_{last}"
            assert label.split(", ") == [t.trigger for t in ways if last in t.source]
        assert len(drawn.edges) == 1 + len(moved) + len(others)  # nothing else

    def test_full_draws_every_transition_once_without_parallel_edges(
        self, book: Casebook, cli: Callable[..., object]
    ) -> None:
        """--full (and a procedure alone) tells every transition, as an edge or in
        words; parallel transitions share one edge; the states that share most
        ways out are joined, those ways drawn once; the path stays highlighted."""
        history = book.replay("alliluyeva")
        procedure = history.procedure
        every = {
            (t.trigger, source, t.dest or source)
            for t in procedure.transitions
            for source in t.source
        }
        result = cli("diagram", "alliluyeva", "--full")
        assert (result.code, result.err) == (0, "")
        drawn = Mermaid(result.out)
        assert covered(drawn) == every
        pairs = [(s, d) for s, d, _l in drawn.edges]
        assert len(pairs) == len(set(pairs))
        joined = [s for s, d, _l in drawn.edges if d == "stage"]
        assert joined == [
            "s_appealed",
            "s_referred",
            "s_intercession",
            "s_verification_requested",
            "s_hearing_scheduled",
            "s_hearing_cancelled",
        ]
        assert [(d, label) for s, d, label in drawn.edges if s == "stage"] == [
            ("s_expulsion_upheld", "uphold"),
            ("s_expelled_finally", "confirm_finally"),
            ("s_reinstated", "reinstate"),
            ("s_reinstated_member", "reinstate_as_member"),
            ("s_reinstated_candidate", "reinstate_as_candidate"),
            ("s_expulsion_annulled", "annul"),
        ]
        assert drawn.styled(PATH_EDGE)[1:] == [
            (f"s_{s.before}", f"s_{s.after}", f"{s.event.kind} (event {s.event.seq})")
            for s in history.steps
            if s.moved
        ]
        alone = Mermaid(diagram(procedure))
        assert covered(alone) == every
        assert alone.styled(PATH_EDGE) == []
        assert set(alone.classes.values()) == {"start", "plain"}
        # 78 pairs of states a transition joins, told in 22 labelled edges
        assert len({(s, d) for _t, s, d in every if s != d}) == 78
        assert len([e for e in alone.edges if e[2]]) == 22

    def test_discipline_procedure_full(self, book: Casebook) -> None:
        """The discipline procedure is drawn whole too, every transition told once."""
        procedure = book.procedures["discipline"]
        drawn = Mermaid(diagram(procedure))
        assert covered(drawn) == {
            (t.trigger, s, t.dest or s) for t in procedure.transitions for s in t.source
        }
        assert [s for s, d, _l in drawn.edges if d == "stage"] == [
            "s_appealed",
            "s_referred",
            "s_intercession",
        ]

    def test_whatif_draws_both_paths_and_where_they_part(self, cli: Callable[..., object]) -> None:
        """A what-if's diagram highlights its own path, dashes its base's, and marks
        the state where they part."""
        result = cli("diagram", "no-intercession-alliluyeva")
        assert (result.code, result.err) == (0, "")
        drawn = Mermaid(result.out)
        assert drawn.styled(PATH_EDGE) == [
            ("start", "s_member", ""),
            ("s_member", "s_expelled", "expel (event 4)"),
        ]
        assert drawn.styled(BASE_EDGE) == [
            ("s_expelled", "s_intercession", "intercede (base: event 5)"),
            ("s_intercession", "s_verification_requested", "request_verification (base: event 6)"),
            ("s_verification_requested", "s_reinstated", "reinstate (base: event 7)"),
        ]
        assert drawn.classes["s_expelled"] == "pending"  # where it ends: pending
        assert drawn.nodes["s_expelled"] == ["expelled", "the what-if parts from its base here"]
        assert drawn.of_class("base") == [
            "s_intercession",
            "s_verification_requested",
            "s_reinstated",
        ]

    def test_whatif_with_other_numbers_and_an_illegal_event(
        self, cli: Callable[..., object]
    ) -> None:
        """Where both paths take a transition under other numbers it is drawn once with
        both; an illegal event is written in the state that refused it."""
        drawn = Mermaid(cli("diagram", "late-intercession-kasparova").out)
        assert (
            "s_intercession",
            "s_verification_requested",
            "request_verification (event 10; base: event 9)",
        ) in drawn.styled(PATH_EDGE)
        assert drawn.classes["s_appealed"] == "parts"
        drawn = Mermaid(cli("diagram", "second-testimonial-alliluyeva").out)
        assert drawn.nodes["s_verification_requested"] == [
            "verification_requested",
            "✗ reinstate (event 7): illegal here, requires 2 × intercede (found 1) before it",
            "the what-if parts from its base here",
        ]
        assert drawn.classes["s_verification_requested"] == "bad"

    def test_requires_rule_is_spelled_out(self, book: Casebook) -> None:
        """A transition that requires earlier events says so on its edge."""
        history = book.replay("alliluyeva")
        proc = history.procedure
        rules = tuple(
            TransitionDef(t.trigger, t.source, t.dest, t.verb, t.description, (("intercede", 1),))
            if t.trigger == "reinstate"
            else t
            for t in proc.transitions
        )
        import attrs

        changed = attrs.evolve(history, procedure=proc.evolve(transitions=rules))
        assert (
            '  s_verification_requested -->|"reinstate (requires 1 × intercede) (event 7)"| s_reinstated\n'
            in diagram(changed)
        )
        assert '  stage -->|"reinstate (requires 1 × intercede)"| s_reinstated\n' in diagram(
            changed, full=True
        )

    def test_partial_history_marks_where_it_stopped(self, book: Casebook) -> None:
        """A replay stopped part-way ends, on the diagram, in the state it stopped in."""
        text = diagram(book.replay("alliluyeva", until=5))
        assert (
            'title: "Nadezhda Sergeyevna Alliluyeva (alliluyeva): stopped after event 5, intercession"'
            in text
        )
        drawn = Mermaid(text)
        assert drawn.classes["s_intercession"] == "pending"
        assert "s_reinstated" not in drawn.of_class("path")
        assert "classDef pending fill:#fef3c7" in text  # pending: amber

    def test_colours_read(self) -> None:
        """Each state's text reads at 4.5:1 on its fill, each edge label's on Mermaid's
        grey label background (#e8e8e8)."""
        from casework.views.diagram import _CLASSES, _EDGES

        def css(text: str) -> dict[str, str]:
            return dict(item.split(":", 1) for item in text.split(","))

        low = {}
        for name, style in _CLASSES.items():
            rules = css(style)
            if "color" in rules and contrast(rules["color"], rules["fill"]) < 4.5:
                low[name] = round(contrast(rules["color"], rules["fill"]), 2)
        for name, style in _EDGES.items():
            rules = css(style)
            if "color" in rules and contrast(rules["color"], "#e8e8e8") < 4.5:
                low[name] = round(contrast(rules["color"], "#e8e8e8"), 2)
        assert low == {}

    def test_unknown_case_and_format(self, cli: Callable[..., object]) -> None:
        """An unknown case is bad input (1); an unknown format is usage (2)."""
        result = cli("diagram", "nobody")
        assert (result.code, result.err) == (
            1,
            "casework: no case 'nobody'; known cases: alliluyeva, kasparova-popova\n",
        )
        assert cli("diagram", "--format", "png").code == 2
        with pytest.raises(ValueError, match="format 'png' is not known"):
            diagram(load_casebook().procedures["purge-1921"], format="png")


class TestExport:
    @pytest.mark.parametrize("case_id", ["alliluyeva", "kasparova-popova"])
    def test_svg_is_the_terminal_view(self, book: Casebook, tmp_path: Path, case_id: str) -> None:
        """The SVG parses as XML and draws exactly the lines the terminal shows."""
        history = book.replay(case_id)
        path = export(Timeline(history, book), tmp_path / "t.svg", title=history.case.title)
        text = path.read_text("utf-8")
        assert svg_lines(text) == render(Timeline(history, book)).rstrip("\n").split("\n")
        title = ET.fromstring(text).find(f".//{SVG}text[@class='casework-title']")
        assert title is not None and title.text == history.case.title.replace(" ", "\xa0")
        drawn = flat(" ".join(svg_lines(text)))
        for event in history.events:
            assert flat(event.summary) in drawn

    def test_svg_keeps_the_last_line_whole(self, book: Casebook, tmp_path: Path) -> None:
        """Every text run has its line's clip path, the last line's too, and each
        clip leaves room below the baseline for an underscore (4.7 px at 20 px)."""
        path = export(Timeline(book.replay("alliluyeva"), book), tmp_path / "t.svg")
        root = ET.fromstring(path.read_text("utf-8"))
        clips = {c.get("id"): c.find(f"{SVG}rect") for c in root.iter(f"{SVG}clipPath")}
        runs = [t for t in root.iter(f"{SVG}text") if t.get("clip-path") and (t.text or "").strip()]
        last = max(runs, key=lambda t: (float(t.get("y", "0")), "_" in (t.text or "")))
        assert (last.text or "").replace("\xa0", " ") == (
            "member → expelled → intercession → verification_requested → reinstated"
        )
        for run in [*runs, last]:
            line = clips.get(run.get("clip-path", "")[5:-1])
            assert line is not None, f"no clip path for {run.text!r}"
            bottom = float(line.get("y", "0")) + float(line.get("height", "0"))
            assert bottom >= float(run.get("y", "0")) + 5
        terminal = clips["casework-clip-terminal"]
        assert terminal is not None
        assert float(terminal.get("height", "0")) >= float(last.get("y", "0")) + 5

    @pytest.mark.parametrize("suffix", [".svg", ".html"])
    def test_text_colours_read_on_white(self, book: Casebook, tmp_path: Path, suffix: str) -> None:
        """Every text colour, the notes' grey included, reads at 4.5:1 or better on
        the white page (rich's dim blends text into the page: 3.4:1 in HTML)."""
        path = export(Timeline(book.replay("alliluyeva"), book), tmp_path / f"t{suffix}")
        text = path.read_text("utf-8")
        rule = (
            r"\.casework-r\d+ \{ fill: (#[0-9a-f]{6})"
            if suffix == ".svg"
            else r"[{;]color: (#[0-9a-f]{6})"
        )
        colours = set(re.findall(rule, text))
        assert {
            c: round(contrast(c, "#ffffff"), 2) for c in colours if contrast(c, "#ffffff") < 4.5
        } == {}
        assert "#5b6472" in colours  # the notes' grey

    def test_html_is_the_terminal_view(self, book: Casebook, tmp_path: Path) -> None:
        """The HTML page parses, is titled, and holds exactly the terminal's text."""
        history = book.replay("kasparova-popova")
        path = export(Timeline(history, book), tmp_path / "t.html", title="<K & P>")
        page = html_code(path.read_text("utf-8"))
        assert page.title == "<K & P>"
        assert page.code == render(Timeline(history, book))
        for event in history.events:
            assert flat(event.summary) in flat(page.code)

    def test_untrusted_text_stays_text(self, book: Casebook, tmp_path: Path) -> None:
        """Markup and HTML in a title or in case text are written literally."""
        from rich.text import Text

        path = export(
            Text("[red]</code><script>x</script>{code}"), tmp_path / "x.html", title="{title}"
        )
        page = html_code(path.read_text("utf-8"))
        assert (page.title, page.code) == ("{title}", "[red]</code><script>x</script>{code}\n")

    def test_replaces_atomically_and_keeps_old_file_on_failure(
        self, book: Casebook, tmp_path: Path
    ) -> None:
        """An export replaces the file whole; a failed one leaves no temporary file."""
        target = tmp_path / "t.svg"
        target.write_text("old", "utf-8")
        export(Timeline(book.replay("alliluyeva"), book), target)
        assert target.read_text("utf-8").startswith("<svg")
        (tmp_path / "d.html").mkdir()
        with pytest.raises(
            CaseworkError,
            match=r"d\.html: cannot export over a folder; expected a new file or a regular file$",
        ):
            export(Timeline(book.replay("alliluyeva"), book), tmp_path / "d.html")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["d.html", "t.svg"]

    def test_other_suffix_is_refused(self, tmp_path: Path) -> None:
        """Only .svg and .html are written; another suffix is a CaseworkError."""
        with pytest.raises(
            CaseworkError,
            match=r"cannot export to '\.png'; expected a name ending in \.svg or \.html",
        ):
            export("x", tmp_path / "t.png")
        assert list(tmp_path.iterdir()) == []

    def test_cli_replay_export(
        self, book: Casebook, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """replay --export writes the file, says so, and prints no timeline."""
        target = tmp_path / "a.html"
        result = cli("replay", "alliluyeva", "--until", "5", "--export", str(target))
        assert (result.code, result.out, result.err) == (0, f"wrote {target} (5 events)\n", "")
        page = html_code(target.read_text("utf-8"))
        assert page.code == render(Timeline(book.replay("alliluyeva", until=5), book))
        assert "Stopped after event 5 of 7: state intercession" in page.code

    def test_cli_whatif_export(
        self, book: Casebook, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """whatif --export writes the comparison, exactly as the terminal shows it."""
        from casework.views.whatif import WhatIfView

        target = tmp_path / "w.html"
        result = cli("whatif", "late-intercession-kasparova", "--export", str(target))
        assert (result.code, result.out, result.err) == (
            0,
            f"wrote {target} (late-intercession-kasparova)\n",
            "",
        )
        page = html_code(target.read_text("utf-8"))
        comparison = book.compare("late-intercession-kasparova")
        assert page.code == render(WhatIfView(comparison))
        svg = tmp_path / "w.svg"
        assert cli("whatif", "second-testimonial-alliluyeva", "--export", str(svg)).code == 0
        assert "Outcome in what-if: illegal" in svg_lines(svg.read_text("utf-8"))

    def test_cli_export_every_case(self, cli: Callable[..., object], tmp_path: Path) -> None:
        """With no case, every case goes into one file, as on the terminal."""
        target = tmp_path / "all.svg"
        result = cli("replay", "--export", str(target))
        assert (result.code, result.out) == (0, f"wrote {target} (18 events)\n")
        lines = svg_lines(target.read_text("utf-8"))
        assert "Nadezhda Sergeyevna Alliluyeva · alliluyeva" in lines
        assert "Yevgenia Popova (Kasparova) · kasparova-popova" in lines
        assert "─" * 80 in lines

    @pytest.mark.parametrize(
        ("argv", "code", "err"),
        [
            (
                ["--export", "t.png"],
                2,
                "casework replay: argument --export: 't.png' is neither .svg nor .html; expected e.g. timeline.svg\n",
            ),
            (
                ["--export", "t.svg", "--json"],
                2,
                "casework replay: --export cannot be used with --json or --step\n",
            ),
            (
                ["--export", "no/such/folder/t.svg"],
                1,
                "casework: no/such/folder/t.svg: cannot write (No such file or directory); expected a file in an existing, writable folder\n",
            ),
        ],
    )
    def test_cli_export_errors(
        self,
        cli: Callable[..., object],
        argv: list[str],
        code: int,
        err: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Bad --export values are usage errors; an unwritable place is bad input."""
        monkeypatch.chdir(tmp_path)
        result = cli("replay", "alliluyeva", *argv)
        assert result.code == code
        assert result.err.endswith(err)
        assert list(tmp_path.iterdir()) == []


class TestDossier:
    @pytest.mark.parametrize("case_id", ["alliluyeva", "kasparova-popova"])
    def test_plain_rendering_at_80(
        self, book: Casebook, cli: Callable[..., object], case_id: str
    ) -> None:
        """`casework show CASE` prints the dossier exactly, at 80 columns."""
        expected = (EXPECTED / f"{case_id}-dossier-80.txt").read_text("utf-8")
        assert render(Dossier(book.replay(case_id), book)) == expected
        result = cli("show", case_id)
        assert (result.code, result.out, result.err) == (0, expected, "")

    def test_narrow_terminal_keeps_every_word(self, book: Casebook) -> None:
        """At 50 columns nothing is cut: every line fits and the relations' quotes are whole."""
        text = render(Dossier(book.replay("kasparova-popova"), book), width=50)
        assert max(len(line) for line in text.splitlines()) <= 50
        assert "“referring to her brother Slava Kasparov”" in flat(text)
        assert "Outcome: reinstated (event 11, on or after 20 Dec 1921)" in flat(text)

    def test_every_case_when_none_named(self, cli: Callable[..., object]) -> None:
        """`casework show` gives each dossier, divided by a rule."""
        result = cli("show")
        assert result.code == 0
        assert result.out.count("Documents cited") == 2
        assert "\n" + "─" * 80 + "\n" in result.out

    def test_relations_are_records_shared_by_id(self, book: Casebook) -> None:
        """Relations come from people.toml, each with its source and basis."""
        ties = {
            (r.person, r.relation, r.of, r.basis) for p in book.people.values() for r in p.relations
        }
        assert ties == {
            ("alliluyev-father", "father", "alliluyeva", "stated"),
            ("alliluyeva-mother", "mother", "alliluyeva", "inferred"),
            ("kasparov", "brother", "kasparova-popova", "stated"),
            ("popov", "husband", "kasparova-popova", "reported"),
            ("zalutsky", "member", "central-purge-commission", "inferred"),
            ("solts", "member", "central-purge-commission", "inferred"),
        }


class TestRelationChecks:
    def test_unknown_id(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """A relation naming nobody is reported at its line."""
        edit(
            scenarios / "people.toml",
            'person = "popov"\nrelation = "husband"',
            'person = "popof"\nrelation = "husband"',
        )
        result = cli("check", str(scenarios))
        line = (scenarios / "people.toml").read_text("utf-8").splitlines().index(
            'person = "popof"'
        ) + 1
        assert result.code == 1
        assert (
            result.err
            == f"{scenarios}/people.toml:{line}: relation 4: person 'popof' is not in people.toml; expected the id of a person or body defined there\n"
        )

    def test_quote_not_in_source(self, scenarios: Path) -> None:
        """A relation's quote must occur verbatim in its document."""
        edit(
            scenarios / "people.toml", 'quote = "her husband Popov"', 'quote = "her husband Popoff"'
        )
        with pytest.raises(CaseFileError) as err:
            load_casebook(scenarios)
        (problem,) = err.value.problems
        line = (scenarios / "people.toml").read_text("utf-8").splitlines().index(
            'quote = "her husband Popoff"'
        ) + 1
        assert (problem.line, problem.expected) == (line, "expected the exact words of the source")
        assert problem.what.startswith("quote not found in document 'lenin-1921-12-20'")

    def test_inferred_needs_reasoning(self, scenarios: Path) -> None:
        """basis = "inferred" without reasoning is refused."""
        edit(
            scenarios / "people.toml",
            'relation = "brother"\n',
            'relation = "brother"\nbasis = "inferred"\n',
        )
        with pytest.raises(CaseFileError) as err:
            load_casebook(scenarios)
        assert [p.what for p in err.value.problems] == [
            "relation 3: an inferred relation has no reasoning"
        ]


class TestWhatIfHooks:
    def test_diagram_title_and_dossier_question(self, book: Casebook) -> None:
        """A what-if's history is drawn under its own title, and its dossier says what it asks."""
        history = book.replay("alliluyeva", until=4)
        assert diagram(history, title="Without Lenin: pending").startswith(
            '---\ntitle: "Without Lenin: pending"\n---\n'
        )
        text = render(Dossier(history, book, whatif="Without Lenin (no-lenin)"))
        assert "\nWhat-if: Without Lenin (no-lenin)\n" in text
        assert text.endswith(
            "\nStopped after event 4: state expelled\nPath: member → expelled\n"
            "Evidence: 1 event moves the case (1 stated); 3 background facts\n"
        )
