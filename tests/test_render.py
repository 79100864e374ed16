"""The terminal timeline: exact plain text at 80 columns, literal text from files."""

from __future__ import annotations

from pathlib import Path

import pytest

from casework import Casebook, load_casebook
from casework.views.theme import safe
from casework.views.timeline import Timeline

from .conftest import edit, render

EXPECTED = Path(__file__).parent / "expected"


class TestTimeline:
    @pytest.mark.parametrize("case_id", ["alliluyeva", "kasparova-popova"])
    def test_plain_text_at_80_columns(self, book: Casebook, case_id: str) -> None:
        """The whole timeline matches the reviewed text exactly."""
        expected = (EXPECTED / f"{case_id}-80.txt").read_text("utf-8")
        assert render(Timeline(book.replay(case_id), book)) == expected

    def test_no_line_is_wider_than_80_or_ends_in_spaces(self, book: Casebook) -> None:
        """Plain output fits the width and has no trailing padding."""
        for case_id in book.cases:
            for line in render(Timeline(book.replay(case_id), book)).splitlines():
                assert len(line) <= 80
                assert line == line.rstrip()

    def test_narrow_terminal_moves_the_state_change_below_the_date(self, book: Casebook) -> None:
        """At 40 columns the date and the state change no longer share a line."""
        text = render(Timeline(book.replay("alliluyeva"), book), width=40)
        assert "  6 20 Dec 1921, 20.00\n    intercession →\n    verification_requested\n" in text
        assert max(len(line) for line in text.splitlines()) <= 40

    def test_plain_text_at_200_columns(self, book: Casebook) -> None:
        """A wide terminal keeps a readable measure: prose wrapped at 100 columns, and
        the state change in a column three spaces after the longest date."""
        expected = (EXPECTED / "alliluyeva-200.txt").read_text("utf-8")
        assert render(Timeline(book.replay("alliluyeva"), book), width=200) == expected

    @pytest.mark.parametrize("case_id", ["alliluyeva", "kasparova-popova"])
    def test_wide_terminals_keep_to_100_columns(self, book: Casebook, case_id: str) -> None:
        """At 120 and 300 columns no line of a timeline or a dossier passes 100."""
        from casework.views.dossier import Dossier

        history = book.replay(case_id)
        for width in (120, 300):
            for view in (Timeline(history, book), Dossier(history, book)):
                assert max(len(line) for line in render(view, width).splitlines()) == 100

    def test_from_81_columns_the_state_change_stands_near_the_date(self, book: Casebook) -> None:
        """Wider than 80 the state changes stand in a column after the dates, when it
        fits; alliluyeva's column needs 91 columns, so at 90 they stay right-aligned."""
        text = render(Timeline(book.replay("kasparova-popova"), book), width=81)
        assert "  6 on or before 20 Dec 1921   member → expelled\n" in text
        assert "  9 20 Dec 1921, 20.00         intercession → verification_requested\n" in text
        text = render(Timeline(book.replay("alliluyeva"), book), width=90)
        assert "  4 on or before 20 Dec 1921" + " " * 45 + "member → expelled\n" in text
        text = render(Timeline(book.replay("alliluyeva"), book), width=91)
        assert "  4 on or before 20 Dec 1921" + " " * 26 + "member → expelled\n" in text

    def test_part_way_replay_ends_with_the_state_there(self, book: Casebook) -> None:
        """--until shows where the case stands, not an outcome."""
        text = render(Timeline(book.replay("alliluyeva", until=4), book))
        assert text.endswith(
            "\nStopped after event 4 of 7: state expelled\nPath: member → expelled\n"
        )


class TestUntrustedText:
    def test_markup_and_escapes_are_shown_literally(self, scenarios: Path) -> None:
        """'[red]' and an ANSI escape in a summary are printed as written."""
        case = scenarios / "cases" / "alliluyeva.toml"
        edit(
            case,
            'summary = "She is reinstated in the Party."',
            'summary = "[red]Reinstated[/red] \\u001b[31mred\\u001b[0m [link=x]y[/link]"',
        )
        book = load_casebook(scenarios)
        text = render(Timeline(book.replay("alliluyeva"), book))
        assert "    [red]Reinstated[/red] \\x1b[31mred\\x1b[0m [link=x]y[/link]\n" in text
        assert "\x1b" not in text

    def test_safe_makes_control_characters_visible(self) -> None:
        """Control characters become their escapes; a line break too, but in prose
        it is a space (tests/test_terminal.py: every command, every field)."""
        assert safe("a\x1b[2Jb\x07\nc\td") == "a\\x1b[2Jb\\x07\\nc\\td"
        assert safe("a\x1b[2Jb\x07\nc\td", prose=True) == "a\\x1b[2Jb\\x07 c    d"
