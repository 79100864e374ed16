"""``casework browse``: the full-screen app, driven with Textual's pilot (keys
pressed, what is on the screen asserted), its SVG snapshots at 80x24 and
120x40, the pieces it shows (quotes inside their documents, the event's facts,
the state), and the command's wiring (Textual imported for browse only).

Snapshots live in tests/snapshots/: NAME.svg (what Textual exports) and NAME.txt
(the same screen as text, compared first: its diff reads). After a deliberate
change of the look, write them again with
``CASEWORK_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_browse.py`` and look
at the new pictures before committing them.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console

from casework import Casebook, load_casebook
from casework.model.dates import HistDate
from casework.model.documents import Document, flow
from casework.model.events import Event
from casework.model.evidence import Citation
from casework.views.browse import BrowseApp
from casework.views.browse.caselist import CaseListScreen
from casework.views.browse.evidence import _BREAK, EventFacts, Sources, StateView, quote_span
from casework.views.browse.pane import RichPane, render_lines
from casework.views.browse.screens import KEYS, HelpScreen
from casework.views.browse.sidebyside import WhatIfScreen
from casework.views.browse.timeline import TimelineScreen, matches
from tests.conftest import edit

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = bool(os.environ.get("CASEWORK_UPDATE_SNAPSHOTS"))
SIZES = [(80, 24), (120, 40)]


# -- driving the app -----------------------------------------------------------------


def screen_text(app: BrowseApp) -> str:
    """The screen as plain text, one line per row, without trailing spaces."""
    console = Console(
        width=app.size.width,
        file=io.StringIO(),
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    lines = console.file.getvalue().split("\n")  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"


class Run:
    """What a run of the app left: the screen's text and SVG when it ended, and
    what ``probe`` returned."""

    def __init__(self, text: str, svg: str, probed: Any) -> None:
        self.text, self.svg, self.probed = text, svg, probed


def drive(
    app: BrowseApp,
    keys: Sequence[str] = (),
    size: tuple[int, int] = (80, 24),
    probe: Callable[[BrowseApp], Any] | None = None,
) -> Run:
    """Run ``app`` headless at ``size``, press ``keys`` one by one, and keep the screen."""

    async def go() -> Run:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            await pilot.pause()
            await pilot.pause()
            probed = probe(app) if probe else None
            return Run(screen_text(app), app.export_screenshot(), probed)

    return asyncio.run(go())


def press(app: BrowseApp, steps: Callable[[Any], Awaitable[None]], size=(80, 24)) -> None:
    """Run ``app`` and let ``steps(pilot)`` press keys and assert as it goes."""

    async def go() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await steps(pilot)

    asyncio.run(go())


async def ask(pilot: Any, key: str, value: str) -> None:
    """Open the question with ``key`` (":" or "/"), put ``value`` in it and press Enter
    (typing it key by key is tested once; here it would only take time)."""
    await pilot.press(key)
    pilot.app.screen.query_one("#ask").value = value
    await pilot.press("enter")
    await pilot.pause()


def typed(text: str) -> list[str]:
    """The keys that type ``text`` (":" and "/" by their names)."""
    names = {":": "colon", "/": "slash", "?": "question_mark", " ": "space", "-": "minus"}
    return [names.get(char, char) for char in text]


@pytest.fixture(name="local")
def fixture_local(scenarios: Path, monkeypatch: pytest.MonkeyPatch) -> Casebook:
    """A copy of the bundled scenarios as ./scenarios (so that the screen names
    it the same wherever the tests run), colours on."""
    monkeypatch.chdir(scenarios.parent)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return load_casebook(Path("scenarios"), strict=False)


# -- the pieces ----------------------------------------------------------------------


class TestQuoteInDocument:
    def test_every_bundled_quote_is_found_where_the_check_finds_it(self, book: Casebook) -> None:
        """Each citation's span in its document's text reads as its quote, line breaks flowed."""
        for case in book.cases.values():
            for event in case.events:
                for cit in event.citations:
                    doc = book.documents[cit.document]
                    span = quote_span(doc, cit.quote)
                    assert span is not None, (case.id, event.id)
                    assert flow(doc.text[span[0] : span[1]]) == flow(cit.quote)
                    assert doc.flowed.find(flow(cit.quote)) == doc.find(cit.quote)

    def test_a_quote_across_a_line_break_spans_the_break(self) -> None:
        """A space of the quote matches a line break of the source and the spaces around it."""
        doc = Document(id="d", file="d.txt", title="D", text="one two  \n   three four\n")
        assert quote_span(doc, "two three") == (4, 18)
        assert quote_span(doc, "two\nthree four") == (4, 23)
        assert quote_span(doc, "two  three") is None  # as Document.find: the break is one space
        assert quote_span(doc, "   ") is None

    def test_line_breaks_are_read_as_the_model_reads_them(self) -> None:
        """The browser's reading of a line break is the documents' own."""
        text = "a \t\n \n\tb\r\nc  d\r\n\r\n e\rf\n"
        assert _BREAK.sub(" ", text) == flow(text) == "a b c  d e\rf "
        doc = Document(id="d", file="d.txt", title="D", text="one two\r\n  three\r\n")
        assert quote_span(doc, "two three") == (4, 16)

    def test_the_quote_under_the_cursor_is_the_anchor_and_the_others_are_underlined(
        self, book: Casebook
    ) -> None:
        """Event 5 of alliluyeva cites letter 1 twice: the current quote is where the pane scrolls."""
        event = book.replay("alliluyeva").steps[4].event
        strips, anchors = render_lines(Sources(event, book, 0), 60)
        lines = [strip.text for strip in strips]
        assert lines[0].rstrip() == ("Lenin to P. A. Zalutsky and A. A. Solts, 20 Dec 1921 (two")
        assert "I consider it my duty" in lines[anchors["quote"]]
        strips, anchors = render_lines(Sources(event, book, 1), 60)
        assert "I have personally seen" in strips[anchors["quote"]].text
        text = [strip.text.rstrip() for strip in strips]
        assert text[:7] == [
            "Lenin to P. A. Zalutsky and A. A. Solts, 20 Dec 1921 (two",
            "letters)",
            "(sources/lenin-1921-12-20-to-zalutsky-and-solts.txt, lines",
            "6–29)",
            " 6 Comrade Zalutsky and Comrade Solts",
            " 7",
            " 8 I have learned about the expulsion from the Party of",
        ]

    def test_text_from_a_source_is_shown_literally(self) -> None:
        """Markup and escapes in a document are shown as written, never acted on."""
        doc = Document(id="d", file="d.txt", title="[b]D[/b]", text="[red]x[/red] \x1b[31m y")
        refs = SimpleNamespace(documents={"d": doc}, people={})
        event = Event(
            id="e",
            case="c",
            seq=1,
            kind="background",
            date=HistDate.parse("1921"),
            summary="s",
            citations=[Citation("d", "", "[red]x[/red]")],
        )
        strips, anchors = render_lines(Sources(event, refs), 40)
        text = "\n".join(strip.text.rstrip() for strip in strips)
        assert text == "[b]D[/b] (d.txt)\n1 [red]x[/red] \\x1b[31m y"
        assert anchors == {"quote": 1}


class TestFactsAndState:
    def test_an_old_style_date_as_written_and_in_new_style(self, book: Casebook) -> None:
        """The July days: the date as written, New Style, EDTF and its basis."""
        history = book.replay("alliluyeva")
        step = history.steps[2]
        strips, _ = render_lines(EventFacts(step, 7, book, history.procedure), 76)
        text = "\n".join(strip.text.rstrip() for strip in strips)
        assert text.startswith(
            "Event 3 of 7 · background · july-days-shelter\n"
            "The Alliluyev family hides Lenin and Zinoviev and renders them other secret\n"
            "services.\n"
            "Date      Jul 1917 O.S. (14 Jul – 13 Aug 1917 N.S.)\n"
            "          Old Style as written; New Style 14 Jul – 13 Aug 1917\n"
            "          EDTF 1917-07\n"
            "          'during the July days': the letter gives no year or day. The\n"
        )
        assert "\nBasis     stated by the document's author\n" in text

    def test_a_reported_event_says_whose_account(self, book: Casebook) -> None:
        """Her expulsion is her own account, as Lenin reports her letter."""
        history = book.replay("kasparova-popova")
        strips, _ = render_lines(EventFacts(history.steps[5], 11, book, history.procedure), 76)
        text = "\n".join(strip.text.rstrip() for strip in strips)
        assert "Basis     reported: Y. Kasparova-Popova's account, as the document gives it" in text

    def test_an_inferred_part_and_an_inferred_event(self, book: Casebook) -> None:
        """Event 5 of alliluyeva infers its kind; event 6 is inferred as a whole."""
        history = book.replay("alliluyeva")
        facts = [
            "\n".join(
                s.text.rstrip()
                for s in render_lines(EventFacts(step, 7, book, history.procedure), 76)[0]
            )
            for step in history.steps[4:6]
        ]
        assert "Inferred  kind: Lenin asks for nothing in words:" in facts[0]
        assert (
            "Source 1▶ Lenin to Zalutsky and Solts, 20 Dec 1921, letter 1, ¶2, line 10"
            in (facts[0])
        )
        assert (
            "Source 2  Lenin to Zalutsky and Solts, 20 Dec 1921, letter 1, ¶1, line 8" in (facts[0])
        )
        assert (
            "Basis     inferred by the modeller\n          Lenin asks for no verification"
            in (facts[1])
        )
        assert facts[1].count("Lenin asks for no verification") == 1  # not again under its source

    def test_the_state_lists_the_transitions_leaving_it_with_their_requires(
        self, book: Casebook
    ) -> None:
        """Under a rule that wants two intercessions, the state says how many there were."""
        comparison = book.compare("second-testimonial-alliluyeva")
        h = comparison.counterfactual
        strips, _ = render_lines(StateView(h.steps, len(h.steps) - 1, h.procedure), 100)
        text = "\n".join(s.text.rstrip() for s in strips)
        assert text.startswith(
            "Event 6 intercession → verification_requested\n"
            "Path    member → expelled → intercession → verification_requested\n"
            "Outcome pending\n"  # the last step replayed: the case stops here
            "Next    intercede → intercession\n"
        )
        assert "        reinstate → reinstated; requires 2 × intercede (1 so far)\n" in text

    def test_a_final_state_allows_nothing(self, book: Casebook) -> None:
        """After the reinstatement nothing may follow."""
        history = book.replay("alliluyeva")
        strips, _ = render_lines(StateView(history.steps, 6, history.procedure), 100)
        text = "\n".join(s.text.rstrip() for s in strips)
        assert "Outcome reinstated\n" in text
        assert text.endswith("Next    nothing: no event may follow this state")
        strips, _ = render_lines(StateView(history.steps, 3, history.procedure), 100)
        assert "Outcome pending if the case stopped here\n" in "\n".join(
            s.text.rstrip() for s in strips
        )

    def test_search_reads_summaries_quotes_and_people(self, book: Casebook) -> None:
        """A name, an id, a word of a quote, in any case."""
        events = book.replay("kasparova-popova").events
        assert [e.seq for e in events if matches(e, book, "sverdlov")] == [5]
        assert [e.seq for e in events if matches(e, book, "Zalutsky")] == [8, 9]
        assert [e.seq for e in events if matches(e, book, "émigré")] == [3, 4]
        assert [e.seq for e in events if matches(e, book, "no such words")] == []


# -- the app, driven -------------------------------------------------------------------


class TestCaseList:
    def test_the_list_shows_each_case_then_its_whatifs_with_outcome_and_path(
        self, local: Casebook
    ) -> None:
        """The first entries: a case, its outcome and path; a what-if under it."""
        run = drive(BrowseApp(local), size=(100, 30))
        inside = [
            "alliluyeva  Nadezhda Sergeyevna Alliluyeva",
            "  reinstated: member → expelled → intercession → verification_requested → reinstated",
            "  ↳ no-intercession-alliluyeva  Without Lenin's intercession, where would "
            "Alliluyeva's case",
            "    stand?",
            "      pending: member → expelled",
        ]
        assert run.text.splitlines()[:8] == [
            " casework browse · scenarios · 2 cases, 11 what-ifs",
            " type to filter by id, title, outcome or state",
            "╭─ Cases and what-ifs " + "─" * 77 + "╮",
            *(f"│{line:<98}│" for line in inside),
        ]

    def test_typing_filters_the_list_and_enter_opens_the_case(self, local: Casebook) -> None:
        """Typed words filter by id, title, outcome and state; Enter opens the one under the cursor."""

        async def steps(pilot: Any) -> None:
            app = pilot.app
            await pilot.press(*typed("upheld kas"))
            await pilot.pause()
            shown = [e.id for e in app.screen.shown]
            assert shown == [  # the first by its path, through expulsion_upheld
                "late-intercession-kasparova",
                "no-intercession-upheld-kasparova",
                "upheld-after-verification-kasparova",
            ]
            await pilot.press("down", "down", "enter")
            await pilot.pause()
            assert isinstance(app.screen, WhatIfScreen)
            assert app.screen.comparison.whatif.id == "upheld-after-verification-kasparova"
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, CaseListScreen)
            await pilot.press("escape")  # clears the filter
            await pilot.pause()
            assert len(app.screen.shown) == 13
            await pilot.press(*typed("kasp"), "enter")
            await pilot.pause()
            assert isinstance(app.screen, TimelineScreen)
            assert app.screen.history.case.id == "kasparova-popova"

        press(BrowseApp(local), steps)

    def test_a_filter_that_matches_nothing_opens_nothing(self, local: Casebook) -> None:
        """Enter on an empty list does nothing; Esc twice quits."""

        async def steps(pilot: Any) -> None:
            await pilot.press(*typed("zzz"), "enter")
            await pilot.pause()
            assert isinstance(pilot.app.screen, CaseListScreen)
            assert pilot.app.screen.shown == []
            await pilot.press("escape", "escape")
            await pilot.pause()
            assert pilot.app.return_code == 0
            assert not pilot.app.is_running

        press(BrowseApp(local), steps)

    def test_the_problems_of_files_that_did_not_load_are_listed(
        self, local: Casebook, scenarios: Path
    ) -> None:
        """A broken case file: the other cases are listed, and its problem below them."""
        edit(scenarios / "cases" / "alliluyeva.toml", 'kind = "intercede"', 'kind = "intercession"')
        book = load_casebook(Path("scenarios"), strict=False)
        run = drive(BrowseApp(book), size=(120, 40))
        assert [p.path for p in book.problems] == ["scenarios/cases/alliluyeva.toml"]
        assert "1 problem in the scenarios folder: these files did not load" in run.text
        assert (
            "│scenarios/cases/alliluyeva.toml:71: event 'lenin-intercedes': unknown kind "
            "'intercession'; expected one of: vouch,"
        ) in run.text
        assert "kasparova-popova  Yevgenia Popova (Kasparova)" in run.text
        assert "alliluyeva  Nadezhda" not in run.text

    def test_a_folder_that_does_not_load_is_a_list_of_its_problems(self) -> None:
        """Broken people.toml: nothing to browse, the problems shown, q quits."""
        from casework.errors import Problem

        problem = Problem("scenarios/people.toml", 3, "no such thing", "expected another")
        run = drive(BrowseApp(None, [problem]))
        assert run.text.splitlines()[:5] == [
            " casework browse",
            "╭──────────────────────────────────────────────────────────────────────────────╮",
            "│The scenarios folder did not load: 1 problem.                                 │",
            "│casework check lists them too.                                                │",
            "│                                                                              │",
        ]
        assert "│scenarios/people.toml:3: no such thing; expected another" in run.text


class TestTimeline:
    def test_the_cursor_moves_event_by_event_and_to_the_first_and_last(
        self, local: Casebook
    ) -> None:
        """j/k and the arrows move one event; g/G and Home/End go to the ends."""

        async def steps(pilot: Any) -> None:
            screen = pilot.app.screen
            seen = []
            for key in ["j", "down", "k", "G", "j", "g", "k", "end", "home"]:
                await pilot.press(key)
                await pilot.pause()
                seen.append(screen.index + 1)
            assert seen == [2, 3, 2, 7, 7, 1, 1, 7, 1]

        press(BrowseApp(local, start="alliluyeva"), steps)

    def test_search_moves_to_each_matching_event_in_turn(self, local: Casebook) -> None:
        """/ finds the next event whose summary, quotes or people match; n and N go on."""

        async def steps(pilot: Any) -> None:
            screen = pilot.app.screen
            await pilot.press(*typed("/zalutsky"), "enter")
            await pilot.pause()
            assert screen.index + 1 == 8
            status = screen.query_one("#status")
            assert str(status.render()) == (
                "'zalutsky': event 8 (1 of 2 matching: 8, 9); n next, N previous"
            )
            await pilot.press("n")
            await pilot.pause()
            assert screen.index + 1 == 9
            await pilot.press("n")
            await pilot.pause()
            assert screen.index + 1 == 8
            await pilot.press("N")
            await pilot.pause()
            assert screen.index + 1 == 9
            await ask(pilot, "slash", "nobody at all")
            assert str(status.render()) == "No event matches 'nobody at all'."
            assert screen.index + 1 == 9

        press(BrowseApp(local, start="kasparova-popova"), steps)

    def test_a_jump_reads_an_event_number_or_a_date_as_until_does(self, local: Casebook) -> None:
        """5 is event 5, 1921 the year, 1921-12-19 is before event 1; a wrong value says why."""

        async def steps(pilot: Any) -> None:
            screen = pilot.app.screen
            status = screen.query_one("#status")
            said = []
            for value in ["5", "1921-12-19", "1921", "99", "Christmas"]:
                await ask(pilot, "colon", value)
                said.append((screen.index + 1, str(status.render())))
            assert said == [
                (5, "Until event 5: after event 5 of 7, state intercession."),
                (
                    3,  # the background events 1-3 are certainly before
                    "Until 19 Dec 1921: after event 3 of 7, state member. Event 4 (on or before "
                    "20 Dec 1921) is not certainly on or before 19 Dec 1921; a case is replayed "
                    "in its order, so no event after it is shown.",
                ),
                (
                    6,
                    "Until 1921 (1921 read as a year: an event number has 1-3 digits): after "
                    "event 6 of 7, state verification_requested. Event 7 (on or after 20 Dec "
                    "1921) is not certainly on or before 1921.",
                ),
                (7, "Until event 99 (there are 7): after event 7 of 7, state reinstated."),
                (
                    7,
                    "'Christmas' is neither an event number nor a date; expected e.g. "
                    "5 or 1921-12-20",
                ),
            ]

        press(BrowseApp(local, start="alliluyeva"), steps)

    def test_escape_closes_the_question_and_leaves_the_cursor(self, local: Casebook) -> None:
        """Esc while asking: nothing moves, the timeline has the keys again."""

        async def steps(pilot: Any) -> None:
            screen = pilot.app.screen
            await pilot.press(*typed(":5"), "escape")
            await pilot.pause()
            assert screen.index == 0
            assert not screen.query_one("#ask").display
            await pilot.press("j")
            await pilot.pause()
            assert screen.index == 1

        press(BrowseApp(local, start="alliluyeva"), steps)

    def test_c_moves_to_the_next_citation_in_its_source(self, local: Casebook) -> None:
        """Event 5 cites letter 1 twice: c marks the second and scrolls to it."""

        async def steps(pilot: Any) -> None:
            screen = pilot.app.screen
            await ask(pilot, "colon", "5")
            await pilot.press("c")
            await pilot.pause()
            await pilot.pause()
            source = screen.query_one("#source", RichPane)
            assert str(source.border_title) == "Source 2 of 2: letter 1, ¶1"
            top = int(source.scroll_y)
            assert top == source.anchors["quote"] - 2
            assert "I have personally seen" in source.lines[source.anchors["quote"]]
            await pilot.press("c")
            await pilot.pause()
            assert str(source.border_title) == "Source 1 of 2: letter 1, ¶2"

        press(BrowseApp(local, start="alliluyeva"), steps)

    def test_the_dossier_and_the_help_open_and_close(self, local: Casebook) -> None:
        """d opens the dossier, ? the help with every key; q goes back each time."""

        async def steps(pilot: Any) -> None:
            app = pilot.app
            await pilot.press("d")
            await pilot.pause()
            page = app.screen.query_one("#page", RichPane)
            assert "Family and relations" in page.lines
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            lines = "\n".join(app.screen.query_one("#page", RichPane).lines)
            for _title, keys in KEYS:
                for key, _what in keys:
                    assert f"\n{key}" in lines
            await pilot.press("q")
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, TimelineScreen)
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, CaseListScreen)

        press(BrowseApp(local, start="alliluyeva"), steps)


class TestWhatIf:
    def test_rows_are_aligned_as_whatif_aligns_them_and_the_cursor_moves_in_both(
        self, local: Casebook
    ) -> None:
        """An inserted event, then a re-dated one: one cursor, both sides shown below."""

        async def steps(pilot: Any) -> None:
            screen = pilot.app.screen
            await pilot.press("G")
            await pilot.pause()
            assert screen.index == 11
            await pilot.press(*["k"] * 4)
            await pilot.pause()
            assert screen.index == 7
            detail = "\n".join(screen.query_one("#row", RichPane).lines)
            assert detail.startswith("inserted\n")
            assert "hypothetical: the what-if's, not the sources'" in detail

        press(BrowseApp(local, start="late-intercession-kasparova"), steps, size=(120, 40))


class TestColourAndText:
    def test_no_color_means_no_colour_in_the_panes(
        self, local: Casebook, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With NO_COLOR, casework's styles keep bold and reverse, and lose their colours."""
        monkeypatch.setenv("NO_COLOR", "1")

        def colours(app: BrowseApp) -> set[str]:
            found = set()
            for pane in app.screen.query(RichPane):
                for strip in pane._pane_strips:
                    for segment in strip:
                        if segment.style is not None and segment.style.color is not None:
                            found.add(str(segment.style.color))
            return found

        run = drive(BrowseApp(local, start="alliluyeva"), ["j", "j"], probe=colours)
        assert run.probed == set()

    def test_markup_and_escapes_in_a_case_file_are_shown_as_written(
        self, local: Casebook, scenarios: Path
    ) -> None:
        """A title with [red] and an escape: shown literally in the list and the timeline."""
        edit(
            scenarios / "cases" / "alliluyeva.toml",
            'title = "Nadezhda Sergeyevna Alliluyeva"',
            'title = "[red]N. S.[/red] \\u001b[31mAlliluyeva"',
        )
        book = load_casebook(Path("scenarios"), strict=False)
        run = drive(BrowseApp(book), size=(100, 30))
        assert "│alliluyeva  [red]N. S.[/red] \\x1b[31mAlliluyeva" in run.text
        run = drive(BrowseApp(book, start="alliluyeva"), size=(100, 30))
        assert run.text.startswith(
            " [red]N. S.[/red] \\x1b[31mAlliluyeva · alliluyeva · reinstated"
        )


# -- snapshots -------------------------------------------------------------------------

#: Each picture the issue asks for: how the app starts, and the keys pressed.
SCENES: dict[str, tuple[str | None, list[str]]] = {
    "case-list": (None, []),
    "timeline-first": ("alliluyeva", []),
    "timeline-last": ("alliluyeva", ["G"]),
    "evidence-middle": ("alliluyeva", ["j", "j"]),
    "whatif": ("late-intercession-kasparova", ["G", "k", "k", "k", "k"]),
    "help": (None, ["question_mark"]),
}


def _check_snapshot(name: str, run: Run) -> None:
    txt, svg = SNAPSHOTS / f"{name}.txt", SNAPSHOTS / f"{name}.svg"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        txt.write_text(run.text, encoding="utf-8")
        svg.write_text(run.svg, encoding="utf-8")
        return
    assert txt.is_file(), f"no snapshot {txt.name}; write it with CASEWORK_UPDATE_SNAPSHOTS=1"
    assert run.text == txt.read_text(encoding="utf-8")
    assert run.svg == svg.read_text(encoding="utf-8"), (
        f"{svg.name}: the screen's text is the same, its look is not; "
        "CASEWORK_UPDATE_SNAPSHOTS=1 writes it again"
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
def test_snapshot(scene: str, size: tuple[int, int], local: Casebook) -> None:
    """The screen, as text and as Textual's SVG, is the one committed in tests/snapshots."""
    start, keys = SCENES[scene]
    run = drive(BrowseApp(local, start=start), keys, size)
    _check_snapshot(f"{scene}-{size[0]}x{size[1]}", run)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_of_a_folder_with_a_broken_file(
    size: tuple[int, int], local: Casebook, scenarios: Path
) -> None:
    """A what-if whose base is not a case: listed among the problems."""
    edit(
        scenarios / "whatif" / "no-letter-kasparova.toml",
        'base = "kasparova-popova"',
        'base = "kasparova"',
    )
    book = load_casebook(Path("scenarios"), strict=False)
    run = drive(BrowseApp(book), (), size)
    _check_snapshot(f"broken-folder-{size[0]}x{size[1]}", run)


# -- the command -------------------------------------------------------------------------


def _python(code: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, **kwargs
    )


class TestCommand:
    def test_other_commands_do_not_import_textual(self) -> None:
        """Start-up of every other command does not pay for the browser."""
        done = _python(
            "import sys, io\n"
            "from rich.console import Console\n"
            "from casework.cli.main import main\n"
            "from casework.views.theme import THEME\n"
            "out = Console(file=io.StringIO(), theme=THEME)\n"
            "assert main(['replay', 'alliluyeva'], console=out, stderr=out) == 0\n"
            "assert main(['list'], console=out, stderr=out) == 0\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
        )
        assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")

    def test_browse_without_a_terminal_says_so(self, cli: Callable[..., Any]) -> None:
        """A pipe for standard input: one line, exit 1, nothing drawn."""
        done = subprocess.run(
            [sys.executable, "-m", "casework", "browse"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == (
            "casework: browse needs a terminal: its standard input and standard error are "
            "not both one; expected to run it in a terminal (replay, whatif and show print "
            "to pipes)\n"
        )

    def test_an_unknown_case_is_an_error_before_the_app_starts(
        self, cli: Callable[..., Any]
    ) -> None:
        """As for show: exit 1, the known ids listed."""
        result = cli("browse", "nobody")
        assert result.code == 1
        assert (result.out, result.err) == (
            "",
            "casework: no case 'nobody'; known cases: alliluyeva, kasparova-popova\n",
        )

    def test_browse_in_a_terminal_draws_and_quits_and_writes_nothing(self, tmp_path: Path) -> None:
        """In a pseudo-terminal: the list is drawn, Esc quits with 0, and no file is made."""
        import pty
        import select
        import signal
        import time

        home = tmp_path / "home"
        home.mkdir()
        env = {**os.environ, "HOME": str(home), "TERM": "xterm-256color"}
        env.pop("NO_COLOR", None)
        pid, fd = pty.fork()
        if pid == 0:  # the child: casework browse in the pseudo-terminal
            os.chdir(tmp_path)
            os.execve(sys.executable, [sys.executable, "-m", "casework", "browse"], env)
        seen = b""
        deadline = time.monotonic() + 60  # a bound on a hung child, not a timing
        while b"Cases and what-ifs" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
        os.write(fd, b"\x1b")
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    if not os.read(fd, 65536):
                        break
                except OSError:
                    break
        done, status = os.waitpid(pid, os.WNOHANG)
        while not done and time.monotonic() < deadline:
            time.sleep(0.05)
            done, status = os.waitpid(pid, os.WNOHANG)
        if not done:  # hung: end it, and fail below
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
        assert b"Cases and what-ifs" in seen
        assert os.waitstatus_to_exitcode(status) == 0
        assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == [Path("home")]
