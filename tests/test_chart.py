"""The timeline chart (`casework timeline`): cases and what-ifs on one New Style
time axis, read back from the SVG and HTML it writes."""

from __future__ import annotations

import datetime
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from casework import Casebook
from casework.views.chart import BAND, INK, TEXT_ON
from casework.views.chart_axis import day_of
from casework.views.chart_layout import Chart, Subject, layout
from tests.test_pictures import SVG, contrast, flat


def run(cli: Callable[..., object], tmp_path: Path, *names: str, suffix: str = ".svg") -> str:
    """Write the chart of ``names`` with the command and return the file's text."""
    target = tmp_path / f"chart{suffix}"
    result = cli("timeline", *names, "--export", str(target))
    assert (result.code, result.err) == (0, ""), result
    return target.read_text("utf-8")


def classes(node: ET.Element) -> list[str]:
    return node.get("class", "").split()


def find(root: ET.Element, cls: str) -> list[ET.Element]:
    """Every element with class ``cls``, in document order."""
    return [n for n in root.iter() if cls in classes(n)]


def iso(day: tuple[int, int, int] | None) -> str:
    return datetime.date(*day).isoformat() if day else ""


def plan(book: Casebook, *names: str) -> Chart:
    """The layout the command draws for cases ``names`` (no what-ifs)."""
    return layout([Subject(book.replay(n), n, n) for n in names], book)


def x(chart: Chart, ymd: tuple[int, int, int], plus: float = 0) -> float:
    return chart.axis.x(day_of(ymd) + plus)


class TestAxis:
    def test_both_cases_share_an_axis_with_breaks(
        self, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """1905, 1917 and Dec 1921 are stretches to scale, with the 12 and 4 empty
        years between them cut out and named; the stretches and breaks tile the axis."""
        root = ET.fromstring(run(cli, tmp_path, "alliluyeva", "kasparova-popova"))
        axis = find(root, "axis")[0]
        assert (axis.get("data-start"), axis.get("data-end")) == ("1904-12-01", "1922-01-01")
        segments = find(axis, "segment")
        breaks = find(axis, "break")
        assert [(s.get("data-from"), s.get("data-to")) for s in segments] == [
            ("1904-12-01", "1905-02-01"),
            ("1917-02-01", "1918-02-01"),
            ("1921-12-01", "1922-01-01"),
        ]
        assert [(b.get("data-from"), b.get("data-to")) for b in breaks] == [
            ("1905-02-01", "1917-02-01"),
            ("1918-02-01", "1921-12-01"),
        ]
        assert [b.findtext(f"{SVG}text") for b in breaks] == ["12 years", "4 years"]
        edges = [
            float(n.get(k, ""))
            for n in (segments[0], breaks[0], segments[1], breaks[1], segments[2])
            for k in ("data-x0", "data-x1")
        ]
        assert edges == sorted(edges) and all(
            a == b for a, b in zip(edges[1::2], edges[2::2], strict=False)
        )
        width = edges[-1] - edges[0]
        december = float(segments[2].get("data-x1", "")) - float(segments[2].get("data-x0", ""))
        assert december >= 0.2 * width  # not a sliver

    def test_one_case_draws_only_its_own_years(
        self, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """Alliluyeva's chart has no 1905 (Kasparova's brother's): 1917, a break, Dec 1921."""
        root = ET.fromstring(run(cli, tmp_path, "alliluyeva"))
        axis = find(root, "axis")[0]
        assert [(s.get("data-from"), s.get("data-to")) for s in find(axis, "segment")] == [
            ("1917-02-01", "1918-01-01"),
            ("1921-12-01", "1922-01-01"),
        ]
        assert [(b.get("data-from"), b.get("data-to")) for b in find(axis, "break")] == [
            ("1918-01-01", "1921-12-01")
        ]
        ticks = [t.text for t in find(find(axis, "segment")[0], "tick")]
        assert ticks == ["Mar 1917", "May", "Jul", "Sep", "Nov"]

    def test_days_are_placed_in_order(self, book: Casebook) -> None:
        """Every day of the axis, in the stretches and across the breaks, lies to the
        right of the day before."""
        axis = plan(book, "alliluyeva", "kasparova-popova").axis
        places = [axis.x(day) for day in range(axis.start, axis.end + 1)]
        assert all(a < b for a, b in itertools.pairwise(places))
        assert (places[0], places[-1]) == (axis.x0, axis.x1)


class TestMarks:
    def test_one_mark_per_event_in_each_lane(
        self, book: Casebook, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """A lane per case, in the order asked, with one mark per event in the case's order."""
        root = ET.fromstring(run(cli, tmp_path, "kasparova-popova", "alliluyeva"))
        lanes = find(root, "lane")
        assert [lane.get("data-id") for lane in lanes] == ["kasparova-popova", "alliluyeva"]
        for lane in lanes:
            events = book.replay(lane.get("data-id", "")).events
            marks = find(lane, "mark")
            assert [m.get("data-event") for m in marks] == [e.id for e in events]
            assert [m.get("data-seq") for m in marks] == [str(e.seq) for e in events]

    def test_each_date_is_drawn_by_its_new_style_bounds(
        self, book: Casebook, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """An exact day is a point, an interval a bar, an open end a bar fading out;
        each mark carries its New Style bounds."""
        root = ET.fromstring(run(cli, tmp_path, "alliluyeva", "kasparova-popova"))
        for lane in find(root, "lane"):
            for mark, event in zip(
                find(lane, "mark"), book.replay(lane.get("data-id", "")).events, strict=True
            ):
                lower, upper = event.date.lower, event.date.upper
                shape = (
                    ("point" if lower == upper else "range")
                    if lower and upper
                    else "before"
                    if upper
                    else "after"
                )
                assert shape in classes(mark), (event.id, classes(mark))
                assert (mark.get("data-lower"), mark.get("data-upper")) == (iso(lower), iso(upper))

    def test_ranges_span_their_days(
        self, book: Casebook, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """The July days (Jul 1917 O.S.) run from 14 Jul to the end of 13 Aug 1917 N.S.,
        labelled in both styles; 'on or before 20 Dec 1921' fades in from the lane's
        last date before it (6 Nov 1917) to the end of 20 Dec; Lenin's letter is a
        point at 20.00; 'on or after' fades out to the end of the axis."""
        chart = plan(book, "alliluyeva", "kasparova-popova")
        root = ET.fromstring(run(cli, tmp_path, "alliluyeva", "kasparova-popova"))
        marks = {m.get("data-event"): m for m in find(find(root, "lane")[0], "mark")}
        july = marks["july-days-shelter"]
        assert {"range", "old-style", "background"} <= set(classes(july))
        bar = july.find(f"{SVG}rect[@class='shape']")
        assert bar is not None
        left, width = float(bar.get("x", "")), float(bar.get("width", ""))
        assert left == pytest.approx(x(chart, (1917, 7, 14)), abs=0.05)
        assert left + width == pytest.approx(x(chart, (1917, 8, 13), 1), abs=0.1)
        assert "Jul 1917 O.S. (14 Jul – 13 Aug 1917 N.S.)" in "".join(july.itertext())

        gradients = {g.get("id"): g for g in root.iter(f"{SVG}linearGradient")}

        def fade(mark: ET.Element) -> tuple[float, float]:
            shape = mark.find(f"{SVG}rect[@class='shape']")
            assert shape is not None
            gradient = gradients[re.fullmatch(r"url\(#(.+)\)", shape.get("fill", ""))[1]]  # type: ignore[index]
            return float(gradient.get("x1", "")), float(gradient.get("x2", ""))

        start, end = fade(marks["expelled"])
        assert start == pytest.approx(x(chart, (1917, 11, 6)), abs=0.05)
        assert end == pytest.approx(x(chart, (1921, 12, 20), 1), abs=0.05)
        start, end = fade(marks["reinstated"])
        assert (start, end) == (pytest.approx(x(chart, (1921, 12, 20)), abs=0.05), 1340)
        point = marks["lenin-intercedes"].find(f"{SVG}circle")
        assert point is not None
        assert float(point.get("cx", "")) == pytest.approx(
            x(chart, (1921, 12, 20), 20 / 24), abs=0.05
        )

    def test_approximate_and_hypothetical_dates_are_marked(
        self, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """A what-if's 'c. Dec 1921' is a dashed bar over December, marked approximate
        and hypothetical, and says so in words."""
        root = ET.fromstring(run(cli, tmp_path, "late-intercession-kasparova"))
        (upheld,) = [
            m
            for m in find(root, "mark")
            if "approximate" in classes(m) and "inserted" in classes(m)
        ]
        assert {"range", "hypothetical"} <= set(classes(upheld))
        assert (upheld.get("data-lower"), upheld.get("data-upper")) == ("1921-12-01", "1921-12-31")
        bar = upheld.find(f"{SVG}rect[@class='shape']")
        assert bar is not None and bar.get("stroke-dasharray")
        assert "c. Dec 1921 · hypothetical event · inserted" in "".join(upheld.itertext())


class TestLanes:
    def test_states_as_bands_in_order(
        self, book: Casebook, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """Each lane's bands are its history's states in turn, in the outcome colours
        of the terminal; an illegal what-if ends in an illegal, hatched band."""
        names = ("kasparova-popova", "late-intercession-kasparova", "second-testimonial-kasparova")
        root = ET.fromstring(run(cli, tmp_path, *names))
        lanes = find(root, "lane")
        assert [lane.get("data-outcome") for lane in lanes] == [
            "reinstated",
            "reinstated",
            "illegal",
        ]
        for lane, name in zip(lanes, names, strict=True):
            history, _ = book.subject(name)
            bands = find(lane, "band")
            expected = list(history.states) + (["illegal"] if history.illegal else [])
            assert [b.get("data-state") for b in bands] == expected
        tones = [classes(b)[1] for b in find(lanes[2], "band")]
        assert tones == [
            "tone-neutral",
            "tone-pending",
            "tone-pending",
            "tone-pending",
            "tone-pending",
            "tone-bad",
        ]
        hatched = find(lanes[2], "band")[-1].find(f"{SVG}rect")
        assert hatched is not None and hatched.get("fill") == "url(#hatch)"
        # reinstated on or after 20 Dec 1921: green, fading in from that day
        (fade_in,) = find(lanes[0], "band")[-1].iter(f"{SVG}rect")
        gradient = root.find(f".//{SVG}linearGradient[@id='{fade_in.get('fill', '')[5:-1]}']")
        assert gradient is not None
        assert [s.get("stop-color") for s in gradient] == [BAND["good"]] * 2

    def test_whatif_lane_shows_what_it_removed_and_where_it_parts(
        self, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """Without Lenin's intercession, events 5-7 are drawn as removed, and the
        lane marks that it parts from its base after event 4."""
        root = ET.fromstring(run(cli, tmp_path, "alliluyeva", "no-intercession-alliluyeva"))
        lane = find(root, "lane")[1]
        removed = [m.get("data-seq") for m in find(lane, "mark") if "removed" in classes(m)]
        assert removed == ["5", "6", "7"]
        (parts,) = find(lane, "parts")
        assert parts.get("data-row") == "4"
        assert "the what-if parts from its base here" in "".join(parts.itertext())

    def test_illegal_event_is_crossed_and_says_why(
        self, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """The reinstatement a stricter rule refuses is crossed out, with the rule."""
        root = ET.fromstring(run(cli, tmp_path, "second-testimonial-alliluyeva"))
        marks = find(root, "mark")
        illegal = [m for m in marks if "illegal" in classes(m)]
        assert [m.get("data-event") for m in illegal] == ["reinstated"]
        assert find(illegal[0], "illegal-cross")
        assert "reinstate: illegal here, requires 2 × intercede (found 1) before it" in "".join(
            illegal[0].itertext()
        )


def words(node: ET.Element) -> str:
    """The text of an element, its lines joined as the wrapped prose they were."""
    return flat(" ".join(t.text or "" for t in node.iter(f"{SVG}text")))


class TestWords:
    def test_svg_legend_tells_each_events_words(
        self, book: Casebook, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """The numbered legend gives every event its summary, quotes and date basis;
        a second lane's events that the first told are named, not repeated."""
        root = ET.fromstring(run(cli, tmp_path, "alliluyeva", "no-intercession-alliluyeva"))
        (legend,) = find(root, "legend")
        entries = find(legend, "entry")
        history = book.replay("alliluyeva")
        assert [e.get("data-seq") for e in entries] == [*map(str, range(1, 8)), "5", "6", "7"]
        for entry, event in zip(entries, history.events, strict=False):
            text = words(entry)
            assert text.startswith(f"{event.seq}. {event.date.display()}")
            assert flat(event.summary) in text and flat(event.date_basis) in text
            for citation in event.citations:
                assert f"“{flat(citation.quote)}”" in text
        assert "Events 1–4: as in “Nadezhda Sergeyevna Alliluyeva” above." in words(legend)
        assert words(entries[-1]).startswith(
            "7. on or after 20 Dec 1921 — reinstate: removed in this what-if"
        )

    def test_html_page_tells_each_event_on_hover(
        self, book: Casebook, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """The HTML page holds the chart (its rows with <title> tooltips, no script)
        and the legend as text; the SVG inside it is well-formed."""
        page = run(cli, tmp_path, "kasparova-popova", suffix=".html")
        assert "<script" not in page
        root = ET.fromstring(re.search(r"<svg .*?</svg>", page, re.S)[0])  # type: ignore[index]
        assert find(root, "legend") == []
        events = book.replay("kasparova-popova").events
        marks = find(root, "mark")
        assert len(marks) == len(events)
        for mark, event in zip(marks, events, strict=True):
            title = flat(mark.findtext(f"{SVG}title", ""))
            assert title.startswith(f"{event.seq}. {event.date.display()}")
            assert flat(event.summary) in title and flat(event.date_basis) in title
            assert flat(event.quote) in title
        assert page.count("<li value=") == len(events)

    def test_text_is_text_in_readable_colours(
        self, cli: Callable[..., object], tmp_path: Path
    ) -> None:
        """Every word is an SVG <text>, in one of the chart's ink colours, each of
        which reads at 4.5:1 or better on all it is drawn on; the state bands
        differ in lightness, so grayscale tells them apart (a bad one is hatched)."""
        text = run(cli, tmp_path, "alliluyeva", "second-testimonial-alliluyeva")
        root = ET.fromstring(text)
        assert all("".join(t.itertext()).strip() for t in root.iter(f"{SVG}text"))
        style = root.findtext(f"{SVG}style", "")
        assert set(re.findall(r"fill: (#[0-9a-f]{6})", style)) <= set(INK.values())
        low = {
            (ink, on): round(contrast(INK[ink], on), 2)
            for ink, backgrounds in TEXT_ON.items()
            for on in backgrounds
            if contrast(INK[ink], on) < 4.5
        }
        assert low == {}

        def lightness(colour: str) -> float:
            return (contrast(colour, "#000000") * 0.05) - 0.05

        plain = sorted(lightness(BAND[t]) for t in ("good", "pending", "neutral"))
        assert all(b - a >= 0.1 for a, b in itertools.pairwise(plain))


class TestCommand:
    def test_says_what_it_wrote(self, cli: Callable[..., object], tmp_path: Path) -> None:
        """The command names the file, its lanes and events, and prints nothing else."""
        target = tmp_path / "t.svg"
        result = cli("timeline", "alliluyeva", "no-intercession-kasparova", "--export", str(target))
        assert (result.code, result.out, result.err) == (
            0,
            f"wrote {target} (2 lanes, 18 events)\n",
            "",
        )

    @pytest.mark.parametrize(
        ("argv", "code", "err"),
        [
            (
                ["alliluyeva"],
                2,
                "casework timeline: the following arguments are required: --export\n",
            ),
            (
                ["alliluyeva", "--export", "t.png"],
                2,
                "casework timeline: argument --export: 't.png' is neither .svg nor .html; expected e.g. timeline.svg\n",
            ),
            (
                ["nobody", "--export", "t.svg"],
                1,
                "casework: no case 'nobody'; known cases: alliluyeva, kasparova-popova\n",
            ),
        ],
    )
    def test_usage_and_input_errors(
        self,
        cli: Callable[..., object],
        argv: list[str],
        code: int,
        err: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """No --export or another suffix is usage (2); an unknown case is bad input (1);
        nothing is written."""
        monkeypatch.chdir(tmp_path)
        result = cli("timeline", *argv)
        assert result.code == code
        assert result.err.endswith(err)
        assert list(tmp_path.iterdir()) == []

    def test_never_writes_over_its_inputs(
        self, cli: Callable[..., object], scenarios: Path
    ) -> None:
        """A link to a case file of the scenarios folder is refused as the target, and
        the case file kept."""
        case = scenarios / "cases" / "alliluyeva.toml"
        before = case.read_bytes()
        link = scenarios / "link.svg"
        link.symlink_to(case)
        result = cli("timeline", "alliluyeva", "--scenarios", str(scenarios), "--export", str(link))
        assert result.code == 1
        assert "cannot export over a file this command reads" in result.err
        assert case.read_bytes() == before
