"""Replay: a case's events through its procedure, whole or stopped part-way.

Most tests replay generated cases through a small procedure of their own, so
that they pin what replay does rather than what the bundled data holds; a few
replay the bundled cases as a user does.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import pytest

from casework import (
    BACKGROUND,
    Case,
    Casebook,
    HistDate,
    IllegalTransition,
    InvalidUntil,
    Procedure,
    StateDef,
    TransitionDef,
    replay,
)
from casework.testing import case_from_kinds

#: An appeal in miniature: ``ask`` is internal, ``upheld`` an outcome that is not final.
APPEAL = Procedure(
    "appeal",
    "An appeal",
    "member",
    (
        StateDef("member"),
        StateDef("expelled"),
        StateDef("appealed"),
        StateDef("reinstated", final=True),
        StateDef("upheld", outcome="upheld"),
    ),
    (
        TransitionDef("expel", ("member",), "expelled"),
        TransitionDef("appeal", ("expelled", "upheld"), "appealed"),
        TransitionDef("ask", ("appealed",), None),
        TransitionDef("reinstate", ("appealed",), "reinstated"),
        TransitionDef("uphold", ("appealed",), "upheld"),
    ),
)

#: Four events: a background fact, then three that move the state.
KINDS = [BACKGROUND, "expel", "appeal", "reinstate"]


def dated(kinds: Sequence[str], days: Sequence[str]) -> Case:
    """A generated case whose events carry these EDTF dates."""
    case = case_from_kinds(APPEAL, kinds)
    events = tuple(
        attrs.evolve(e, date=HistDate.parse(d)) for e, d in zip(case.events, days, strict=True)
    )
    return attrs.evolve(case, events=events)


class TestWhole:
    def test_steps_hold_each_event_with_its_states(self) -> None:
        """Each step: the event, the state before and after; a background step stays put."""
        case = case_from_kinds(APPEAL, KINDS)
        history = replay(case, APPEAL)
        assert history.events == case.events
        assert [(s.event.seq, s.before, s.after, s.moved) for s in history.steps] == [
            (1, "member", "member", False),
            (2, "member", "expelled", True),
            (3, "expelled", "appealed", True),
            (4, "appealed", "reinstated", True),
        ]
        assert (history.initial, history.state, history.outcome) == (
            "member",
            "reinstated",
            "reinstated",
        )
        assert history.states == ("member", "expelled", "appealed", "reinstated")

    def test_an_internal_event_adds_no_state(self) -> None:
        """'ask' is recorded as a step but does not move the case."""
        history = replay(case_from_kinds(APPEAL, ["expel", "appeal", "ask", "ask"]), APPEAL)
        assert [s.moved for s in history.steps] == [True, True, False, False]
        assert history.states == ("member", "expelled", "appealed")
        assert (history.state, history.outcome) == ("appealed", "pending")

    def test_a_state_entered_again_is_listed_again(self) -> None:
        """states lists a state again when the case comes back to it."""
        kinds = ["expel", "appeal", "uphold", "appeal", "uphold"]
        assert replay(case_from_kinds(APPEAL, kinds), APPEAL).states == (
            "member",
            "expelled",
            "appealed",
            "upheld",
            "appealed",
            "upheld",
        )

    def test_an_outcome_state_that_is_not_final(self) -> None:
        """A history may rest in a state with an outcome of its own."""
        history = replay(case_from_kinds(APPEAL, ["expel", "appeal", "uphold"]), APPEAL)
        assert (history.state, history.outcome) == ("upheld", "upheld")

    def test_no_events(self) -> None:
        """A case with no events rests in the initial state, pending."""
        history = replay(case_from_kinds(APPEAL, []), APPEAL)
        assert (history.steps, history.state, history.states, history.outcome) == (
            (),
            "member",
            ("member",),
            "pending",
        )

    def test_a_full_replay_is_not_partial(self) -> None:
        """Without until, nothing says where it stopped."""
        history = replay(case_from_kinds(APPEAL, KINDS), APPEAL)
        assert (history.stopped_after, history.is_partial, history.illegal) == (None, False, None)

    def test_json_form(self) -> None:
        """to_mapping: the case, where it stands, and each event with its states."""
        case = case_from_kinds(APPEAL, KINDS)
        data = replay(case, APPEAL, until=3).to_mapping()
        events = data.pop("events")
        assert data == {
            "case": "generated",
            "title": "Generated case generated",
            "procedure": "appeal",
            "outcome": "pending",
            "state": "appealed",
            "states": ["member", "expelled", "appealed"],
            "partial": True,
            "illegal": None,
        }
        assert events == [
            {**case.events[0].to_mapping(), "from": "member", "to": "member"},
            {**case.events[1].to_mapping(), "from": "member", "to": "expelled"},
            {**case.events[2].to_mapping(), "from": "expelled", "to": "appealed"},
        ]


class TestUntilAnEvent:
    def test_until_the_last_event_is_not_partial(self) -> None:
        """until=N with N events: every event replayed, and nothing left out."""
        history = replay(case_from_kinds(APPEAL, KINDS), APPEAL, until=4)
        assert (len(history.steps), history.stopped_after, history.is_partial) == (4, 4, False)
        assert (history.outcome, history.to_mapping()["partial"]) == ("reinstated", False)

    def test_until_the_one_before_last_is_partial(self) -> None:
        """until=N-1: the last event is left out, and the history says so."""
        history = replay(case_from_kinds(APPEAL, KINDS), APPEAL, until=3)
        assert [s.event.seq for s in history.steps] == [1, 2, 3]
        assert (history.stopped_after, history.is_partial) == (3, True)
        assert (history.state, history.outcome) == ("appealed", "pending")

    def test_until_beyond_the_end_stops_at_the_end(self) -> None:
        """until past the last event: the whole case, stopped after its last event."""
        history = replay(case_from_kinds(APPEAL, KINDS), APPEAL, until=99)
        assert (len(history.steps), history.stopped_after, history.is_partial) == (4, 4, False)

    def test_until_zero_replays_nothing(self) -> None:
        """until=0: no step; the case rests in the initial state, pending."""
        history = replay(case_from_kinds(APPEAL, KINDS), APPEAL, until=0)
        assert (history.steps, history.state, history.outcome) == ((), "member", "pending")
        assert (history.stopped_after, history.is_partial) == (0, True)

    def test_a_bundled_case_to_its_last_event(self, book: Casebook) -> None:
        """The bundled cases: until their last event is whole, until the one before is not."""
        for case_id, case in book.cases.items():
            n = len(case.events)
            whole = book.replay(case_id, until=n)
            assert (whole.stopped_after, whole.is_partial) == (n, False)
            assert (whole.steps, whole.outcome) == (book.replay(case_id).steps, "reinstated")
            cut = book.replay(case_id, until=n - 1)
            assert (cut.stopped_after, cut.is_partial, len(cut.steps)) == (n - 1, True, n - 1)


class TestUntilADate:
    CASE = dated(KINDS, ["1917", "1921-10-01", "1921-11", "1921-12-20"])

    @pytest.mark.parametrize(
        ("until", "stopped", "partial"),
        [
            ("1921-12-20", 4, False),
            ("1921-12-31", 4, False),
            ("1921-12-19", 3, True),
            ("1921-11-30", 3, True),
            ("1921-11-29", 2, True),
            ("1921", 4, False),
            ("1917", 1, True),
            ("1916", 0, True),
        ],
    )
    def test_stops_before_the_first_event_not_certainly_by_then(
        self, until: str, stopped: int, partial: bool
    ) -> None:
        """A month counts by its last day: 1921-11 is not certainly by 29 November."""
        history = replay(self.CASE, APPEAL, until=HistDate.parse(until))
        assert [s.event.seq for s in history.steps] == list(range(1, stopped + 1))
        assert (history.stopped_after, history.is_partial) == (stopped, partial)

    def test_an_undated_event_is_not_known_by_any_date(self) -> None:
        """An event the sources do not date stops a replay until a date, before it."""
        history = replay(case_from_kinds(APPEAL, KINDS), APPEAL, until=HistDate.parse("1990"))
        assert (history.steps, history.stopped_after, history.is_partial) == ((), 0, True)

    def test_an_open_end_is_never_reached(self) -> None:
        """An event 'on or after' a day is not certainly by any date."""
        case = dated(["expel", "appeal"], ["1921-10-01", "1921-12-20/.."])
        history = replay(case, APPEAL, until=HistDate.parse("1990"))
        assert (history.stopped_after, history.state) == (1, "expelled")

    def test_a_date_with_no_end_stops_at_once(self) -> None:
        """Replay until a date with no upper bound stops before the first event."""
        history = replay(self.CASE, APPEAL, until=HistDate.parse("1921-12-20/.."))
        assert (history.steps, history.stopped_after) == ((), 0)


class TestUntilAString:
    @pytest.mark.parametrize(("until", "stopped"), [("5", 5), ("007", 7), ("0", 0)])
    def test_one_to_three_digits_are_an_event(
        self, until: str, stopped: int, book: Casebook
    ) -> None:
        """'5' and '007' are event numbers."""
        assert book.replay("alliluyeva", until=until) == book.replay("alliluyeva", until=stopped)

    def test_four_digits_are_a_year(self, book: Casebook) -> None:
        """'1921' is the end of 1921, not event 1921."""
        for case_id, case in book.cases.items():
            by_date = replay(case, book.procedure_of(case), until=HistDate.parse("1921"))
            assert book.replay(case_id, until="1921") == by_date
            assert by_date.stopped_after is not None and by_date.stopped_after < 1921

    @pytest.mark.parametrize(
        ("until", "message"),
        [
            (
                "Christmas",
                "'Christmas' is neither an event number nor a date; expected e.g. 5 or 1921-12-20",
            ),
            ("12a", "'12a' is neither an event number nor a date; expected e.g. 5 or 1921-12-20"),
            ("", "'' is neither an event number nor a date; expected e.g. 5 or 1921-12-20"),
            (
                "1921-12-20/..",
                "'1921-12-20/..' has an open end; expected a date with an end, e.g. 1921-12-20",
            ),
        ],
    )
    def test_what_is_refused(self, until: str, message: str, book: Casebook) -> None:
        """Neither an event number nor a date with an end: InvalidUntil, saying which."""
        with pytest.raises(InvalidUntil) as err:
            book.replay("alliluyeva", until=until)
        assert str(err.value) == message
        assert err.value.value == until


class TestNotStrict:
    CASE = case_from_kinds(APPEAL, ["expel", "reinstate", "appeal"])

    def test_strict_raises(self) -> None:
        """By default an event the procedure does not allow raises."""
        with pytest.raises(IllegalTransition) as err:
            replay(self.CASE, APPEAL)
        assert err.value.event == self.CASE.events[1]
        assert str(err.value) == (
            "event 'generated-2' (reinstate) cannot follow state 'expelled'; allowed here: appeal"
        )

    def test_the_history_keeps_the_illegal_step(self) -> None:
        """strict=False: the history stops before the illegal event and keeps it."""
        history = replay(self.CASE, APPEAL, strict=False)
        assert [s.event.seq for s in history.steps] == [1]
        assert (history.state, history.states, history.outcome) == (
            "expelled",
            ("member", "expelled"),
            "illegal",
        )
        assert history.illegal_event == self.CASE.events[1]
        assert (history.stopped_after, history.is_partial) == (None, False)
        assert history.to_mapping()["illegal"] == {
            "case": "",
            "seq": 2,
            "event": "generated-2",
            "kind": "reinstate",
            "state": "expelled",
            "allowed": ["appeal"],
            "unmet": "",
            "message": "event 'generated-2' (reinstate) cannot follow state 'expelled'; "
            "allowed here: appeal",
        }

    def test_the_illegal_event_is_found_by_its_number(self) -> None:
        """illegal_event is the case's event at the illegal step, later ones too."""
        case = case_from_kinds(APPEAL, ["expel", "appeal", "ask", "expel", "appeal"])
        history = replay(case, APPEAL, strict=False)
        assert history.illegal_event == case.events[3]
        assert len(history.steps) == 3

    def test_a_legal_history_has_no_illegal_step(self) -> None:
        """strict=False on a legal case is the strict replay."""
        case = case_from_kinds(APPEAL, KINDS)
        history = replay(case, APPEAL, strict=False)
        assert history == replay(case, APPEAL)
        assert (history.illegal, history.illegal_event, history.outcome) == (
            None,
            None,
            "reinstated",
        )

    def test_until_before_the_illegal_event(self) -> None:
        """Stopping before the illegal event: a partial, legal history."""
        history = replay(self.CASE, APPEAL, strict=False, until=1)
        assert (history.illegal, history.outcome, history.stopped_after) == (None, "pending", 1)
        assert history.is_partial
