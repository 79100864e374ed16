"""Real case patterns beyond the two letters, told as their sources tell them.

tests/scenarios/patterns holds invented case files (their source says so), one
for each pattern the two letters do not show, replayed against the bundled
procedures with no code special to any of them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from casework import Casebook, bundled_scenarios, load_casebook

PATTERNS = Path(__file__).parent / "scenarios" / "patterns"


@pytest.fixture(scope="module")
def patterns() -> Casebook:
    return load_casebook(PATTERNS)


def test_the_folder_uses_the_bundled_procedures() -> None:
    """The patterns are told in the bundled procedures, byte for byte."""
    bundled = bundled_scenarios()
    assert (PATTERNS / "procedure.toml").read_bytes() == (bundled / "procedure.toml").read_bytes()
    mine = PATTERNS / "procedures" / "discipline.toml"
    assert mine.read_bytes() == (bundled / "procedures" / "discipline.toml").read_bytes()


@pytest.mark.parametrize(
    ("case_id", "procedure", "states", "outcome"),
    [
        # 1. A member checked and kept: defended before any decision, kept.
        ("petrov", "purge-1921", ("member", "kept"), "kept"),
        # 2 and 5. A final expulsion, by the Politburo, outside a purge.
        ("sidorov", "discipline", ("member", "expelled_finally"), "expelled_finally"),
        # 3. Candidate status is not the end: an intercession, then full membership.
        (
            "ivanova",
            "purge-1921",
            (
                "member",
                "expelled",
                "appealed",
                "reinstated_candidate",
                "appealed",
                "intercession",
                "reinstated_member",
            ),
            "reinstated_member",
        ),
        # 4 and 5. A general meeting expels (1920); uyezd committee members refer the
        # case to the gubernia's representative, who annuls it.
        (
            "kuzmin",
            "discipline",
            ("member", "expelled", "referred", "expulsion_annulled"),
            "expulsion_annulled",
        ),
        # 6. A hearing set on one day for another.
        (
            "markova",
            "purge-1921",
            ("member", "expelled", "appealed", "hearing_scheduled", "reinstated"),
            "reinstated",
        ),
    ],
)
def test_each_pattern_replays_to_the_outcome_its_source_gives(
    patterns: Casebook, case_id: str, procedure: str, states: tuple[str, ...], outcome: str
) -> None:
    history = patterns.replay(case_id)
    assert (history.procedure.id, history.states, history.outcome) == (procedure, states, outcome)


def test_levels_are_data(patterns: Casebook) -> None:
    """Bodies of every level, volost to Politburo, as people.toml lists them."""
    levels = {p.level for p in patterns.people.values() if p.level}
    assert levels == {"volost", "district", "gubernia", "central", "politburo"}


def test_the_time_an_event_refers_to(patterns: Casebook, cli: Callable[..., Any]) -> None:
    """A hearing set on 9 Nov for 18.00 on 14 Nov: both dates, on screen and in JSON."""
    event = patterns.case("markova").event("hearing-set")
    assert (event.date.display(), event.refers_to and event.refers_to.display()) == (
        "9 Nov 1921",
        "14 Nov 1921, 18.00",
    )
    data = json.loads(cli("replay", "markova", "--scenarios", str(PATTERNS), "--json").out)
    hearing = data["events"][2]
    assert (hearing["date"], hearing["refers_to"]) == ("1921-11-09", "1921-11-14T18:00:00")


def test_a_quote_across_a_line_break(patterns: Casebook) -> None:
    """The source breaks the line inside the quote; the quote is written as one line."""
    event = patterns.case("ivanova").event("full-member")
    doc = patterns.documents["ivanova-note"]
    assert "\n" not in event.quote
    assert doc.contains(event.quote)
    assert doc.line_of(event.quote) == 16


def test_several_citations_each_verified(patterns: Casebook) -> None:
    """The Politburo's decision and the Central Committee's approval: two quotes."""
    event = patterns.case("sidorov").event("expelled")
    assert [c.quote for c in event.citations] == [
        "Resolved: to expel Comrade Sidorov from the Party.",
        "The decision was approved by the plenum of the Central Committee on 8 March 1922.",
    ]
    assert all(patterns.documents[c.document].contains(c.quote) for c in event.citations)


class TestBundledEvidence:
    def test_her_own_account_is_reported(self, book: Casebook) -> None:
        """What Kasparova wrote, as Lenin reports it, is hers, not his."""
        case = book.case("kasparova-popova")
        reported = {e.id: e.account_of for e in case.events if e.basis == "reported"}
        assert reported == {
            "interest-at-14": "kasparova-popova",
            "joins-party": "kasparova-popova",
            "husband-killed": "kasparova-popova",
            "expelled": "kasparova-popova",
            "information-requested": "lepeshinskaya",
        }

    def test_readings_are_marked(self, book: Casebook) -> None:
        """Who expelled them, that Lenin's letters are intercessions, and when the
        reinstatements came are the modeller's readings, each with its reasoning."""
        marked = {
            (c, e.id): tuple(part for part, _ in e.inferred)
            for c in ("alliluyeva", "kasparova-popova")
            for e in book.case(c).events
            if e.inferred
        }
        assert marked == {
            ("alliluyeva", "expelled"): ("actors",),
            ("alliluyeva", "lenin-intercedes"): ("kind",),
            ("alliluyeva", "reinstated"): ("date",),
            ("kasparova-popova", "expelled"): ("actors",),
            ("kasparova-popova", "lenin-intercedes"): ("kind",),
            ("kasparova-popova", "reinstated"): ("date",),
        }

    def test_the_outcome_says_no_more_than_the_note(self, book: Casebook) -> None:
        """'Reinstated in the Party': the outcome is reinstated, status not stated."""
        for case_id in book.cases:
            history = book.replay(case_id)
            assert history.outcome == "reinstated"
            assert "do not say" in history.procedure.state("reinstated").description

    def test_an_editors_sentence_cannot_pass_as_lenins(self, book: Casebook) -> None:
        """The letters and the editors' notes are parts of one file: each quote
        stands in its own part."""
        letters, notes = book.documents["lenin-1921-12-20"], book.documents["cw45-editors"]
        sentence = "Nadezhda Alliluyeva was reinstated in the Party."
        assert (letters.contains(sentence), notes.contains(sentence)) == (False, True)
        assert (letters.part, notes.part) == ((6, 29), (31, 33))


class TestWarnings:
    def test_dates_that_run_backwards_are_a_warning(
        self, scenarios: Path, cli: Callable[..., Any]
    ) -> None:
        """check warns (exit 0): the order of a case is its sequence."""
        from .conftest import edit

        edit(
            scenarios / "cases" / "alliluyeva.toml",
            'date = "1921-12-20/.."\ndate_basis = "The editors\' note gives no date."',
            'date = "1921-12-01"\ndate_basis = "The editors\' note gives no date."',
        )
        result = cli("check", str(scenarios), width=400)
        assert result.code == 0
        assert result.err == (
            f"warning: {scenarios}/cases/alliluyeva.toml:103: event 'reinstated' is dated "
            "1 Dec 1921, before event 'lenin-intercedes' (20 Dec 1921, 20.00), which "
            "comes earlier in the case; expected dates in the order of the events; the "
            "order of a case is its sequence, so check the dates and the order\n"
        )


def test_an_old_folder_with_one_procedure_still_loads(tmp_path: Path) -> None:
    """A folder written before procedures/ existed, with its own people levels."""
    folder = tmp_path / "old"
    shutil.copytree(bundled_scenarios(), folder)
    shutil.rmtree(folder / "procedures")
    book = load_casebook(folder)
    assert sorted(book.procedures) == ["purge-1921"]
    assert book.replay("alliluyeva").outcome == "reinstated"


def test_a_windows_line_break_matches_a_space() -> None:
    """CR LF in a source is a line break like LF: a quote across it matches."""
    from casework.model.documents import Document

    doc = Document(id="x", file="x.txt", title="X", text="one\r\ntwo three")
    assert (doc.contains("one two"), doc.line_of("two three")) == (True, 2)
