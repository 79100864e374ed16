"""Replay: a case's events through its procedure, whole or stopped part-way."""

from __future__ import annotations

import attrs
import pytest

from casework import Casebook, HistDate, IllegalTransition, InvalidUntil, Procedure, replay
from casework.testing import case_from_kinds

#: The bundled Alliluyeva case: seven events, three of them background facts.
ALLILUYEVA_STATES = (
    "member",
    "member",
    "member",
    "expelled",
    "intercession",
    "verification_requested",
    "reinstated",
)


@pytest.fixture(name="purge", scope="module")
def fixture_purge(book: Casebook) -> Procedure:
    """The bundled procedure."""
    return book.procedures["purge-1921"]


class TestWhole:
    def test_steps_hold_each_event_with_its_states(self, book: Casebook) -> None:
        """Each step: the event, the state before and after; background steps stay put."""
        history = book.replay("alliluyeva")
        case = book.case("alliluyeva")
        assert history.events == case.events
        assert [s.event for s in history.steps] == list(case.events)
        assert [s.after for s in history.steps] == list(ALLILUYEVA_STATES)
        assert [s.before for s in history.steps] == ["member", *ALLILUYEVA_STATES[:-1]]
        assert [s.moved for s in history.steps] == [False, False, False, True, True, True, True]
        assert (history.initial, history.state, history.outcome) == (
            "member",
            "reinstated",
            "reinstated",
        )

    def test_states_are_passed_once_each(self, book: Casebook) -> None:
        """An internal event (the request for information) adds no state."""
        history = book.replay("kasparova-popova")
        assert history.steps[9].event.kind == "request_information"
        assert not history.steps[9].moved
        assert history.states == (
            "member",
            "expelled",
            "appealed",
            "intercession",
            "verification_requested",
            "reinstated",
        )

    def test_a_state_entered_again_is_listed_again(self, purge: Procedure) -> None:
        """states lists a state again when the case comes back to it."""
        case = case_from_kinds(purge, ["expel", "appeal", "uphold", "appeal", "uphold"])
        assert replay(case, purge).states == (
            "member",
            "expelled",
            "appealed",
            "expulsion_upheld",
            "appealed",
            "expulsion_upheld",
        )

    def test_a_full_replay_is_not_partial(self, book: Casebook) -> None:
        """Without until, nothing says where it stopped."""
        history = book.replay("alliluyeva")
        assert (history.stopped_after, history.is_partial) == (None, False)
        assert history.to_mapping()["partial"] is False

    def test_an_outcome_state_that_is_not_final(self, purge: Procedure) -> None:
        """A history may rest in expulsion_upheld; its outcome is that."""
        history = replay(case_from_kinds(purge, ["expel", "appeal", "uphold"]), purge)
        assert (history.state, history.outcome) == ("expulsion_upheld", "expulsion_upheld")


class TestUntilAnEvent:
    def test_until_the_last_event_is_not_partial(self, book: Casebook) -> None:
        """until=N with N events: every event replayed, and nothing left out."""
        history = book.replay("alliluyeva", until=7)
        assert len(history.steps) == 7
        assert (history.stopped_after, history.is_partial) == (7, False)
        assert history == book.replay("alliluyeva", until=7)
        assert history.outcome == "reinstated"

    def test_until_the_one_before_last_is_partial(self, book: Casebook) -> None:
        """until=N-1: the last event is left out, and the history says so."""
        history = book.replay("alliluyeva", until=6)
        assert [s.event.seq for s in history.steps] == [1, 2, 3, 4, 5, 6]
        assert (history.stopped_after, history.is_partial) == (6, True)
        assert (history.state, history.outcome) == ("verification_requested", "pending")

    def test_until_beyond_the_end_stops_at_the_end(self, book: Casebook) -> None:
        """until past the last event: the whole case, stopped after its last event."""
        history = book.replay("alliluyeva", until=99)
        assert (len(history.steps), history.stopped_after, history.is_partial) == (7, 7, False)

    def test_until_zero_replays_nothing(self, book: Casebook) -> None:
        """until=0: no step; the case rests in the initial state, pending."""
        history = book.replay("alliluyeva", until=0)
        assert history.steps == ()
        assert (history.state, history.states, history.outcome) == (
            "member",
            ("member",),
            "pending",
        )
        assert (history.stopped_after, history.is_partial) == (0, True)

    def test_json_form(self, book: Casebook) -> None:
        """to_mapping: the case, where it stands, and each event with its states."""
        data = book.replay("alliluyeva", until=5).to_mapping()
        events = data.pop("events")
        assert data == {
            "case": "alliluyeva",
            "title": "Nadezhda Sergeyevna Alliluyeva",
            "procedure": "purge-1921",
            "outcome": "pending",
            "state": "intercession",
            "states": ["member", "expelled", "intercession"],
            "partial": True,
            "illegal": None,
        }
        case = book.case("alliluyeva")
        assert events == [
            {**e.to_mapping(), "from": before, "to": after}
            for e, before, after in zip(
                case.events[:5],
                ["member", *ALLILUYEVA_STATES[:4]],
                ALLILUYEVA_STATES[:5],
                strict=True,
            )
        ]
        assert [(e["id"], e["from"], e["to"]) for e in events[3:]] == [
            ("expelled", "member", "expelled"),
            ("lenin-intercedes", "expelled", "intercession"),
        ]


class TestUntilADate:
    def test_stops_before_the_first_event_not_certainly_by_then(self, book: Casebook) -> None:
        """until 1917: the three facts of 1917 only (the expulsion is 'on or before 1921')."""
        history = book.replay("alliluyeva", until="1917")
        assert [s.event.id for s in history.steps] == [
            "family-known",
            "father-services",
            "july-days-shelter",
        ]
        assert (history.stopped_after, history.is_partial, history.state) == (3, True, "member")

    def test_a_date_after_every_known_date(self, book: Casebook) -> None:
        """The reinstatement is only 'on or after' the letter: no date covers it."""
        history = book.replay("alliluyeva", until="1990")
        assert (history.stopped_after, history.is_partial) == (6, True)

    def test_a_date_covering_every_event(self, purge: Procedure) -> None:
        """Every event known by the date: the whole case, stopped after its last event."""
        case = case_from_kinds(purge, ["expel", "appeal", "reinstate"])
        days = ["1921-10-01", "1921-11", "1921-12-20"]
        dated = attrs.evolve(
            case,
            events=tuple(
                attrs.evolve(e, date=HistDate.parse(d))
                for e, d in zip(case.events, days, strict=True)
            ),
        )
        history = replay(dated, purge, until=HistDate.parse("1921-12-20"))
        assert (len(history.steps), history.stopped_after, history.is_partial) == (3, 3, False)
        history = replay(dated, purge, until=HistDate.parse("1921-12-19"))
        assert (len(history.steps), history.stopped_after, history.is_partial) == (2, 2, True)
        history = replay(dated, purge, until=HistDate.parse("1921-11-29"))
        assert (len(history.steps), history.stopped_after, history.is_partial) == (1, 1, True)

    def test_an_undated_event_is_not_known_by_any_date(self, purge: Procedure) -> None:
        """An event the sources do not date stops a replay until a date, before it."""
        case = case_from_kinds(purge, ["expel", "appeal"])
        history = replay(case, purge, until=HistDate.parse("1990"))
        assert (history.steps, history.stopped_after, history.is_partial) == ((), 0, True)

    def test_a_date_with_an_open_end_stops_at_once(self, book: Casebook, purge: Procedure) -> None:
        """A date with no upper bound is never reached: replay stops before the first event."""
        history = replay(book.case("alliluyeva"), purge, until=HistDate.parse("1921-12-20/.."))
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
        history = book.replay("kasparova-popova", until="1921")
        assert (history.stopped_after, history.state) == (9, "verification_requested")
        assert book.replay("alliluyeva", until="1917").stopped_after == 3

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
    def test_strict_raises(self, purge: Procedure) -> None:
        """By default an event the procedure does not allow raises."""
        case = case_from_kinds(purge, ["expel", "reinstate", "appeal"])
        with pytest.raises(IllegalTransition) as err:
            replay(case, purge)
        assert err.value.event == case.events[1]

    def test_the_history_keeps_the_illegal_step(self, purge: Procedure) -> None:
        """strict=False: the history stops before the illegal event and keeps it."""
        case = case_from_kinds(purge, ["expel", "reinstate", "appeal"])
        history = replay(case, purge, strict=False)
        assert [s.event.seq for s in history.steps] == [1]
        assert (history.state, history.states, history.outcome) == (
            "expelled",
            ("member", "expelled"),
            "illegal",
        )
        assert history.illegal_event == case.events[1]
        assert history.illegal is not None
        assert (history.illegal.seq, history.illegal.event, history.illegal.kind) == (
            2,
            "generated-2",
            "reinstate",
        )
        assert (history.stopped_after, history.is_partial) == (None, False)
        assert history.to_mapping()["illegal"] == {
            "case": "",
            "seq": 2,
            "event": "generated-2",
            "kind": "reinstate",
            "state": "expelled",
            "allowed": ["appeal", "intercede", "request_verification"],
            "unmet": "",
            "message": "event 'generated-2' (reinstate) cannot follow state 'expelled'; "
            "allowed here: appeal, intercede, request_verification",
        }

    def test_a_legal_history_has_no_illegal_step(self, book: Casebook, purge: Procedure) -> None:
        """strict=False on a legal case is the strict replay."""
        case = book.case("alliluyeva")
        history = replay(case, purge, strict=False)
        assert history == replay(case, purge)
        assert (history.illegal, history.illegal_event, history.outcome) == (
            None,
            None,
            "reinstated",
        )

    def test_until_before_the_illegal_event(self, purge: Procedure) -> None:
        """Stopping before the illegal event: a partial, legal history."""
        case = case_from_kinds(purge, ["expel", "reinstate", "appeal"])
        history = replay(case, purge, strict=False, until=1)
        assert (history.illegal, history.outcome, history.stopped_after) == (None, "pending", 1)
        assert history.is_partial
