"""The two bundled cases: their histories, outcomes, and that every quote is real."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import attrs
import pytest

from casework import (
    Casebook,
    CaseworkError,
    HistDate,
    IllegalTransition,
    InvalidUntil,
    bundled_scenarios,
    load_casebook,
)
from casework.model.replay import parse_until

YEAR_END = (1921, 12, 31)


class TestReplay:
    def test_alliluyeva_follows_the_historical_path(self, book: Casebook) -> None:
        """Expelled, Lenin intercedes, verification (inferred) is requested, reinstated."""
        h = book.replay("alliluyeva")
        assert h.states == (
            "member",
            "expelled",
            "intercession",
            "verification_requested",
            "reinstated",
        )
        assert h.outcome == "reinstated"
        assert [e.id for e in h.events] == [
            "family-known",
            "father-services",
            "july-days-shelter",
            "expelled",
            "lenin-intercedes",
            "reexamination-implied",
            "reinstated",
        ]

    def test_kasparova_popova_appeals_first(self, book: Casebook) -> None:
        """Her own letter to Lenin is an appeal; the information request leaves the state."""
        h = book.replay("kasparova-popova")
        assert h.states == (
            "member",
            "expelled",
            "appealed",
            "intercession",
            "verification_requested",
            "reinstated",
        )
        assert h.outcome == "reinstated"
        info = next(s for s in h.steps if s.event.kind == "request_information")
        assert (info.before, info.after) == ("verification_requested", "verification_requested")
        assert info.event.recipients == ("stalin", "safarov", "zinoviev", "kornblyum")

    def test_background_facts_do_not_move_the_state(self, book: Casebook) -> None:
        """The July days and the brother's death are on the timeline but change nothing."""
        for case_id in book.cases:
            for step in book.replay(case_id).steps:
                if step.event.kind == "background":
                    assert step.before == step.after == "member"

    def test_until_a_number_stops_after_that_event(self, book: Casebook) -> None:
        """--until 5 shows the state after the fifth event."""
        h = book.replay("alliluyeva", until=5)
        assert (h.state, h.outcome, h.is_partial) == ("intercession", "pending", True)

    def test_until_a_date_keeps_only_events_certainly_by_then(self, book: Casebook) -> None:
        """On 20 Dec 1921 the reinstatement ('after 20 Dec') has not certainly happened."""
        h = book.replay("kasparova-popova", until="1921-12-20")
        assert h.state == "verification_requested"
        assert h.events[-1].id == "verification-requested"

    def test_replay_is_immutable(self, book: Casebook) -> None:
        """Histories are frozen records."""
        h = book.replay("alliluyeva")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            h.steps = ()  # type: ignore[misc]

    def test_illegal_order_raises_with_the_event(self, book: Casebook) -> None:
        """Reinstating straight after expulsion is not in the procedure."""
        case = book.case("alliluyeva")
        events = tuple(e for e in case.events if e.kind in ("expel", "reinstate"))
        with pytest.raises(IllegalTransition) as info:
            from casework import replay

            replay(attrs.evolve(case, events=events), book.procedures["purge-1921"])
        assert info.value.state == "expelled"
        assert info.value.event.id == "reinstated"
        assert "reinstate" not in info.value.allowed
        assert info.value.allowed == (
            "intercede",
            "appeal",
            "refer",
            "request_verification",
            "reinstate_as_candidate",
            "uphold",
            "confirm_finally",
            "annul",
        )


class TestEvidence:
    def quotes(self) -> list[tuple[str, str, str]]:
        root = bundled_scenarios()
        out = []
        for file in sorted((root / "cases").glob("*.toml")):
            for ev in tomllib.loads(file.read_text("utf-8"))["events"]:
                out.append((file.name, ev["id"], ev["quote"]))
        return out

    def test_every_quote_occurs_verbatim_in_the_shipped_source(self) -> None:
        """Read independently of the loader: each quote is a substring of the text."""
        text = (
            bundled_scenarios() / "sources" / "lenin-1921-12-20-to-zalutsky-and-solts.txt"
        ).read_text("utf-8")
        quotes = self.quotes()
        assert len(quotes) == 18
        missing = [(f, i) for f, i, q in quotes if q not in text]
        assert missing == []

    def test_the_shipped_source_reads_solts_not_salts(self) -> None:
        """The project's copy is the one DOMAIN names (other copies read 'Salts')."""
        text = (
            bundled_scenarios() / "sources" / "lenin-1921-12-20-to-zalutsky-and-solts.txt"
        ).read_text("utf-8")
        assert "Comrade Zalutsky and Comrade Solts" in text
        assert "Salts" not in text and "lake an interest" not in text

    def test_inferences_carry_their_reasoning(self, book: Casebook) -> None:
        """The only inferred event is Alliluyeva's implied request to re-examine."""
        inferred = [e for c in book.cases.values() for e in c.events if e.basis == "inferred"]
        assert [e.id for e in inferred] == ["reexamination-implied"]
        assert "asks for no verification in words" in inferred[0].reasoning

    def test_events_cite_people_defined_once(self, book: Casebook) -> None:
        """Lenin is one record, referenced by both cases."""
        actors = {c: {a for e in book.cases[c].events for a in e.actors} for c in book.cases}
        assert "lenin" in actors["alliluyeva"] & actors["kasparova-popova"]
        assert book.person("lenin").name == "V. I. Lenin"


class TestLoading:
    def test_a_scenarios_folder_elsewhere_loads(self, scenarios: Path) -> None:
        """load_casebook(path) reads another folder the same way."""
        assert sorted(load_casebook(scenarios).cases) == ["alliluyeva", "kasparova-popova"]


class TestUntilReading:
    def test_one_to_three_digits_are_an_event_number(self) -> None:
        """'5', '42' and '007' are event numbers."""
        assert [parse_until(v) for v in ("5", "42", "007")] == [5, 42, 7]

    def test_four_digits_are_a_year(self) -> None:
        """'1921' is the year 1921, not event 1921."""
        date = parse_until("1921")
        assert isinstance(date, HistDate)
        assert (date.lower, date.upper) == ((1921, 1, 1), YEAR_END)

    def test_an_open_end_is_refused(self) -> None:
        """A date with no end cannot say where to stop."""
        with pytest.raises(InvalidUntil) as err:
            parse_until("1921-12-20/..")
        assert str(err.value) == (
            "'1921-12-20/..' has an open end; expected a date with an end, e.g. 1921-12-20"
        )

    def test_an_open_start_is_allowed(self) -> None:
        """'../1921-12-20' has an end, so it is a place to stop."""
        date = parse_until("../1921-12-20")
        assert isinstance(date, HistDate)
        assert date.upper == (1921, 12, 20)

    def test_a_bad_date_is_a_casework_error(self) -> None:
        """Neither a number nor a date: InvalidUntil, a CaseworkError (and a ValueError)."""
        with pytest.raises(InvalidUntil) as err:
            parse_until("Christmas")
        assert isinstance(err.value, CaseworkError)
        assert isinstance(err.value, ValueError)
        assert str(err.value) == (
            "'Christmas' is neither an event number nor a date; expected e.g. 5 or 1921-12-20"
        )


class TestReplayUntil:
    def test_digit_string_is_the_event_number(self, book: Casebook) -> None:
        """until="5" replays as until=5."""
        assert book.replay("alliluyeva", until="5") == book.replay("alliluyeva", until=5)

    def test_year_string_stops_before_the_first_event_not_certainly_in_it(
        self, book: Casebook
    ) -> None:
        """until="1921" keeps exactly the events known by 31 Dec 1921, in order."""
        for case_id in sorted(book.cases):
            case = book.cases[case_id]
            kept = 0
            for ev in case.events:
                if not ev.date.known_by(YEAR_END):
                    break
                kept += 1
            history = book.replay(case_id, until="1921")
            assert len(history.steps) == kept
            assert history.stopped_after == kept

    def test_year_1921_of_alliluyeva(self, book: Casebook) -> None:
        """The reinstatement (on or after 20 Dec 1921) is not certainly within 1921."""
        history = book.replay("alliluyeva", until="1921")
        assert (history.stopped_after, history.state) == (6, "verification_requested")

    @pytest.mark.parametrize("bad", ["Christmas", "1921-12-20/..", "1921-13"])
    def test_bad_date_string_raises_invalid_until(self, book: Casebook, bad: str) -> None:
        """A bad string is a CaseworkError, not a bare ValueError."""
        with pytest.raises(InvalidUntil, match=f"^{re.escape(repr(bad))} "):
            book.replay("alliluyeva", until=bad)
