"""casework.testing: the assertion helpers, their explanations, generated histories."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from types import ModuleType

import pytest
from hypothesis import given, settings

import casework.testing
from casework import Casebook, History, IllegalTransition, Procedure, replay
from casework.analysis.paths import StatePath
from casework.errors import UnknownName
from casework.strategies import illegal_cases, legal_cases, legal_kinds
from casework.testing import (
    assert_eventually,
    assert_never,
    assert_outcome,
    assert_path,
    assert_reached_before,
    history_from_kinds,
    path_cases,
)

#: The bundled procedure, for decorators that need it when the module is collected.
PURGE = casework.load_casebook().procedures["purge-1921"]
DISCIPLINE = casework.load_casebook().procedures["discipline"]


@pytest.fixture(name="plain", scope="module")
def fixture_plain() -> ModuleType:
    """casework.testing loaded as plain Python, without pytest's assertion rewriting."""
    spec = importlib.util.spec_from_file_location(
        "casework_testing_plain", casework.testing.__file__
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(name="alliluyeva", scope="module")
def fixture_alliluyeva(book: Casebook) -> History:
    """Alliluyeva's full history."""
    return book.replay("alliluyeva")


@pytest.fixture(name="purge", scope="module")
def fixture_purge() -> Procedure:
    """The bundled procedure."""
    return PURGE


def failure(helper: str, plain: ModuleType, *args: object) -> str:
    """The message of the plain AssertionError a helper raises."""
    with pytest.raises(AssertionError) as err:
        getattr(plain, helper)(*args)
    return str(err.value)


TIMELINE = """\
timeline of alliluyeva (Nadezhda Sergeyevna Alliluyeva):
    1-3  background            family-known, father-services, july-days-shelter
  {4}   4  expel                 member → expelled
  {5}   5  intercede             expelled → intercession
  {6}   6  request_verification  intercession → verification_requested
  {7}   7  reinstate             verification_requested → reinstated
path: member → expelled → intercession → verification_requested → reinstated"""


def timeline(mark: int) -> str:
    return TIMELINE.format(*[">" if n == mark else " " for n in range(8)])


class TestPassing:
    def test_true_statements_pass(self, alliluyeva: History, book: Casebook) -> None:
        """Each helper returns None when the history bears it out."""
        kasparova = book.replay("kasparova-popova")
        assert assert_outcome(alliluyeva, "reinstated") is None
        assert (
            assert_path(
                kasparova,
                [
                    "member",
                    "expelled",
                    "appealed",
                    "intercession",
                    "verification_requested",
                    "reinstated",
                ],
            )
            is None
        )
        assert assert_reached_before(kasparova, "appeal", "intercede") is None
        assert assert_reached_before(alliluyeva, "expelled", "reinstated") is None
        assert assert_never(alliluyeva, "appealed") is None
        assert assert_never(alliluyeva, "uphold") is None
        assert assert_eventually(alliluyeva, "verification_requested") is None
        assert assert_eventually(alliluyeva, "request_verification") is None

    def test_pending_is_an_outcome(self, book: Casebook) -> None:
        """A history stopped part-way is pending."""
        assert_outcome(book.replay("alliluyeva", until=5), "pending")


class TestExplanations:
    def test_outcome(self, plain: ModuleType, alliluyeva: History) -> None:
        """The claim, the event after which the outcome was out of reach, the timeline."""
        assert failure("assert_outcome", plain, alliluyeva, "expulsion_upheld") == (
            "outcome 'reinstated' == 'expulsion_upheld'\n"
            "they part at event 7 'reinstated' (reinstate):\n"
            "from 'reinstated' on, it can no longer end 'expulsion_upheld'\n" + timeline(7)
        )

    def test_outcome_stopped_short(self, plain: ModuleType, book: Casebook) -> None:
        """A history that stops before the outcome says how it could still get there."""
        history = book.replay("alliluyeva", until=5)
        assert failure("assert_outcome", plain, history, "reinstated").splitlines()[:3] == [
            "outcome 'pending' == 'reinstated'",
            "the history stops at 'intercession' after event 5; it could still end 'reinstated':",
            "  intercession → reinstated",
        ]

    def test_path(self, plain: ModuleType, alliluyeva: History) -> None:
        """Both paths, and the event where they part."""
        message = failure(
            "assert_path", plain, alliluyeva, ["member", "expelled", "appealed", "reinstated"]
        )
        assert message == (
            "path of 'alliluyeva' == the expected path\n"
            "expected: member → expelled → appealed → reinstated\n"
            "history:  member → expelled → intercession → verification_requested → reinstated\n"
            "they part after 'expelled': expected 'appealed' next, but\n"
            "event 5 'lenin-intercedes' (intercede) moves it to 'intercession'\n" + timeline(5)
        )

    def test_path_too_short_and_too_long(self, plain: ModuleType, alliluyeva: History) -> None:
        """A history that goes on past the expected end, or stops before it."""
        longer = failure("assert_path", plain, alliluyeva, ["member", "expelled"])
        assert longer.splitlines()[3:5] == [
            "the history goes on past 'expelled':",
            "event 5 'lenin-intercedes' (intercede) moves it to 'intercession'",
        ]
        shorter = failure(
            "assert_path", plain, alliluyeva, [*alliluyeva.states, "expulsion_annulled"]
        )
        assert shorter.splitlines()[4] == (
            "the history stops at 'reinstated' after event 7; expected 'expulsion_annulled' next"
        )

    def test_reached_before(self, plain: ModuleType, alliluyeva: History) -> None:
        """Which came first, or which never came."""
        assert failure(
            "assert_reached_before", plain, alliluyeva, "reinstated", "intercession"
        ) == (
            "'reinstated' before 'intercession' in 'alliluyeva'\n"
            "they part at event 5: 'intercession' is reached before 'reinstated' (at event 7)\n"
            + timeline(5)
        )
        assert failure(
            "assert_reached_before", plain, alliluyeva, "appeal", "reinstated"
        ).splitlines()[1] == ("'reinstated' is reached at event 7, and 'appeal' never is")
        assert failure(
            "assert_reached_before", plain, alliluyeva, "intercede", "uphold"
        ).splitlines()[1] == ("'intercede' is reached at event 5, but 'uphold' never is")

    def test_never(self, plain: ModuleType, alliluyeva: History) -> None:
        """The event that reaches the state."""
        assert failure("assert_never", plain, alliluyeva, "intercession") == (
            "'intercession' never in 'alliluyeva'\n"
            "'intercession' is reached at event 5 'lenin-intercedes' (intercede)\n" + timeline(5)
        )
        assert failure("assert_never", plain, alliluyeva, "member").splitlines()[1] == (
            "the history starts in 'member'"
        )

    def test_eventually(self, plain: ModuleType, alliluyeva: History) -> None:
        """The event after which it could no longer happen."""
        assert failure("assert_eventually", plain, alliluyeva, "appeal") == (
            "'appeal' eventually in 'alliluyeva'\n"
            "case 'alliluyeva' has no event 'appeal'\n"
            "they part at event 7 'reinstated' (reinstate):\n"
            "from 'reinstated' on, 'appeal' can no longer happen\n" + timeline(7)
        )

    def test_unknown_names_are_errors_not_failures(self, alliluyeva: History) -> None:
        """A typo in a test raises UnknownName, not a failed assertion."""
        with pytest.raises(
            UnknownName,
            match=r"^no outcome 'reinstatd' in procedure 'purge-1921' \(did you mean "
            r"'reinstated'\?\); expected one of: ",
        ):
            assert_outcome(alliluyeva, "reinstatd")
        with pytest.raises(UnknownName, match=r"^no state or event kind 'intercesion'"):
            assert_never(alliluyeva, "intercesion")
        with pytest.raises(UnknownName, match=r"^no state 'reinstatd'"):
            assert_path(alliluyeva, ["member", "reinstatd"])

    def test_without_pytest(self, plain: ModuleType, alliluyeva: History) -> None:
        """Run by plain Python, a helper raises AssertionError with the same explanation."""
        script = textwrap.dedent(
            """
            import casework
            from casework.testing import assert_outcome
            try:
                assert_outcome(casework.load_casebook().replay("alliluyeva"), "expulsion_upheld")
            except AssertionError as err:
                print(err)
            """
        )
        run = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        assert run.stdout == failure("assert_outcome", plain, alliluyeva, "expulsion_upheld") + "\n"


class TestGenerated:
    def test_history_from_kinds(self, purge: Procedure) -> None:
        """Bare kinds replay like a case file; a refused one raises IllegalTransition."""
        history = history_from_kinds(purge, ["expel", "appeal", "uphold", "appeal", "annul"])
        assert_path(
            history,
            [
                "member",
                "expelled",
                "appealed",
                "expulsion_upheld",
                "appealed",
                "expulsion_annulled",
            ],
        )
        with pytest.raises(
            IllegalTransition,
            match=r"^event 'generated-2' \(reinstate\) cannot follow state 'expelled'",
        ):
            history_from_kinds(purge, ["expel", "reinstate"])

    @pytest.mark.parametrize(**path_cases(DISCIPLINE, "expulsion_annulled"))
    def test_every_path_to_annulment(self, path: StatePath) -> None:
        """Generated from the procedure: each simple path to annulment replays to it."""
        history = history_from_kinds(DISCIPLINE, path.triggers)
        assert_path(history, path.states)
        assert_outcome(history, "expulsion_annulled")
        assert_eventually(history, "expel")

    def test_path_case_ids(self) -> None:
        """Readable, unique ids: the event kinds joined by '-'."""
        ids = path_cases(DISCIPLINE)["ids"]
        assert len(ids) == len(set(ids)) == 469
        assert ids[:4] == ["expel_finally", "expel-uphold", "expel-confirm_finally", "expel-annul"]

    @settings(max_examples=60, deadline=None)
    @given(data=legal_cases(PURGE, background=True))
    def test_legal_cases_replay(self, data: casework.Case) -> None:
        """A legal case replays; replay is deterministic."""
        assert replay(data, PURGE) == replay(data, PURGE)

    @settings(max_examples=60, deadline=None)
    @given(case=illegal_cases(PURGE))
    def test_illegal_cases_fail_at_the_illegal_event(self, case: casework.Case) -> None:
        """Replay refuses exactly the event marked illegal."""
        with pytest.raises(IllegalTransition) as err:
            replay(case, PURGE)
        assert err.value.event.id == "illegal"
        assert err.value.event.kind not in err.value.allowed

    @settings(max_examples=30, deadline=None)
    @given(kinds=legal_kinds(PURGE, max_events=4))
    def test_legal_kinds_respect_the_bound(self, kinds: list[str]) -> None:
        """At most max_events kinds, each a trigger of the procedure."""
        assert len(kinds) <= 4 and set(kinds) <= set(PURGE.triggers)
