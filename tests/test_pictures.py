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


class TestDiagram:
    def test_case_diagram_exact(self, book: Casebook) -> None:
        """A case's diagram is transitions' mermaid text with the path marked, exactly."""
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
            "  verification_requested --> verification_requested: request_information (event 10) [internal]\n"
            in result.out
        )

    def test_procedure_alone_marks_nothing(
        self, book: Casebook, cli: Callable[..., object]
    ) -> None:
        """Without a case every state is plain and every transition is drawn."""
        result = cli("diagram")
        assert result.code == 0
        text = result.out
        procedure = book.procedures["purge-1921"]
        assert text.startswith(
            '---\ntitle: "Appeal against expulsion in the Party purge of 1921"\n---\n'
        )
        assert "s_previous" not in text and "s_active" not in text and "(event" not in text
        assert [f"  Class {s} s_default" for s in procedure.state_names] == re.findall(
            r"  Class \w+ \w+", text
        )
        edges = {(m[0], m[1]): m[2] for m in re.findall(r"^  (\w+) --> (\w+): (.*)$", text, re.M)}
        expected: dict[tuple[str, str], list[str]] = {}
        for t in procedure.transitions:
            for source in t.source:
                label = t.trigger if t.dest else f"{t.trigger} [internal]"
                expected.setdefault((source, t.dest or source), []).append(label)
        assert edges == {edge: " | ".join(labels) for edge, labels in expected.items()}
        assert text.endswith(
            "  reinstated --> [*]\n  reinstated_candidate --> [*]\n  expulsion_annulled --> [*]\n"
        )

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

        text = diagram(attrs.evolve(history, procedure=proc.evolve(transitions=rules)))
        assert (
            "  verification_requested --> reinstated: reinstate (requires 1 × intercede) (event 7)\n"
            in text
        )
        assert "  appealed --> reinstated: reinstate (requires 1 × intercede)\n" in text

    def test_partial_history_marks_where_it_stopped(self, book: Casebook) -> None:
        """A replay stopped part-way ends, on the diagram, in the state it stopped in."""
        text = diagram(book.replay("alliluyeva", until=5))
        assert (
            'title: "Nadezhda Sergeyevna Alliluyeva (alliluyeva): stopped after event 5, intercession"'
            in text
        )
        assert "  Class intercession s_active\n" in text
        assert "  Class reinstated s_default\n" in text
        assert "classDef s_active fill:#fef3c7" in text  # pending: amber

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
