"""Bulk replay against the transitions Machine: the same states and the same errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from casework import (
    BACKGROUND,
    Casebook,
    IllegalTransition,
    Procedure,
    StateDef,
    TransitionDef,
)
from casework.analysis.bulk import compile_procedure
from casework.model.steps import IllegalStep
from casework.testing import case_from_kinds

TRIGGERS = ["expel", "appeal", "intercede", "reinstate", "uphold"]
#: Kinds no procedure here defines: replay must refuse them like any illegal event.
UNKNOWN = ["reinstat", "nope"]
STATES = ["s0", "s1", "s2", "s3", "s4", "s5"]


@st.composite
def procedures(draw: st.DrawFn) -> Procedure:
    """Random procedures: states, some final; transitions with several sources,
    internal ones, repeated triggers and ``requires`` rules."""
    n = draw(st.integers(2, len(STATES)))
    names = STATES[:n]
    states = tuple(StateDef(s, final=draw(st.booleans())) for s in names)
    transitions = []
    for _ in range(draw(st.integers(1, 10))):
        trigger = draw(st.sampled_from(TRIGGERS))
        source = draw(st.lists(st.sampled_from(names), min_size=1, max_size=n, unique=True))
        dest = draw(st.none() | st.sampled_from(names))
        requires = draw(
            st.dictionaries(st.sampled_from([*TRIGGERS, BACKGROUND]), st.integers(1, 2), max_size=2)
            | st.just({})
        )
        transitions.append(
            TransitionDef(trigger, tuple(source), dest, requires=tuple(sorted(requires.items())))
        )
    return Procedure("random", "A random procedure", names[0], states, tuple(transitions))


histories = st.lists(
    st.lists(st.sampled_from([*TRIGGERS, BACKGROUND, *UNKNOWN]), max_size=12), max_size=6
)


def reference(procedure: Procedure, kinds: Sequence[str]) -> dict[str, Any]:
    """Replay one history through ``Runner`` (the transitions Machine), as replay does."""
    runner = procedure.runner()
    states = [runner.state]
    moved_at: list[int] = []
    failure = None
    events = case_from_kinds(procedure, kinds).events
    for i, kind in enumerate(kinds):
        if kind == BACKGROUND:
            continue
        try:
            after = runner.fire(events[i])
        except IllegalTransition as err:
            failure = IllegalStep(
                seq=i + 1,
                event="",
                kind=kind,
                state=err.state,
                allowed=err.allowed,
                unmet=err.unmet,
            )
            break
        if after != states[-1]:
            states.append(after)
            moved_at.append(i)
    return {
        "state": runner.state,
        "states": tuple(states),
        "failure": failure,
        "events": len(kinds),
        "first_day": moved_at[0] if moved_at else None,
        "last_day": moved_at[-1] if moved_at else None,
    }


def bulk(procedure: Procedure, cases: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """Fold every history as one stream of rows (the day of each row is its index)."""
    rows = [(n, kind, i) for n, kinds in enumerate(cases) for i, kind in enumerate(kinds)]
    results = list(compile_procedure(procedure).fold(rows))
    return [
        {
            k: getattr(r, k)
            for k in ("state", "states", "failure", "events", "first_day", "last_day")
        }
        for r in results
    ]


class TestDifferential:
    @settings(max_examples=300, deadline=None)
    @given(procedure=procedures(), cases=histories)
    def test_random_procedures(self, procedure: Procedure, cases: list[list[str]]) -> None:
        """Any procedure, any histories: bulk gives what the Machine gives."""
        cases = [c for c in cases if c]  # a case has at least one row
        assert bulk(procedure, cases) == [reference(procedure, c) for c in cases]

    @settings(max_examples=200, deadline=None)
    @given(cases=histories)
    def test_bundled_procedure(self, book: Casebook, cases: list[list[str]]) -> None:
        """The bundled procedure, random (mostly illegal) histories."""
        procedure = book.procedures["purge-1921"]
        cases = [c for c in cases if c]
        assert bulk(procedure, cases) == [reference(procedure, c) for c in cases]


class TestFold:
    def test_historical_path(self, book: Casebook) -> None:
        """The letters' path ends reinstated, with every state on the way."""
        table = compile_procedure(book.procedures["purge-1921"])
        rows = [
            ("a", k, d)
            for k, d in [
                ("background", 1),
                ("expel", 2),
                ("intercede", 3),
                ("request_verification", 4),
                ("request_information", 5),
                ("reinstate", 6),
            ]
        ]
        [result] = table.fold(rows)
        assert result.states == (
            "member",
            "expelled",
            "intercession",
            "verification_requested",
            "reinstated",
        )
        assert (result.failure, result.events, result.first_day, result.last_day) == (None, 6, 2, 6)

    def test_failure_reports_allowed(self, book: Casebook) -> None:
        """An illegal event stops the case and says what was allowed there."""
        table = compile_procedure(book.procedures["purge-1921"])
        rows = [("a", "expel", None), ("a", "reinstate", None), ("a", "appeal", None)]
        [result] = table.fold(rows)
        assert result.state == "expelled"
        assert result.failure == IllegalStep(
            seq=2,
            event="",
            kind="reinstate",
            state="expelled",
            allowed=("appeal", "intercede", "request_verification"),
        )

    def test_requires_rule(self, book: Casebook) -> None:
        """A ``requires`` rule is asked, and its unmet count reported, as the Machine does."""
        base = book.procedures["purge-1921"]
        strict = base.evolve(
            transitions=tuple(
                t
                if t.trigger != "reinstate"
                else TransitionDef(t.trigger, t.source, t.dest, requires=(("intercede", 2),))
                for t in base.transitions
            )
        )
        table = compile_procedure(strict)
        once = [("a", "expel", None), ("a", "intercede", None), ("a", "reinstate", None)]
        twice = [
            ("b", "expel", None),
            ("b", "intercede", None),
            ("b", "intercede", None),
            ("b", "reinstate", None),
        ]
        a, b = table.fold(once + twice)
        assert a.failure is not None
        assert a.failure.unmet == "requires 2 × intercede (found 1) before it"
        assert "reinstate" not in a.failure.allowed
        assert b.state == "reinstated"

    def test_empty_stream(self, book: Casebook) -> None:
        """No rows, no cases."""
        assert list(compile_procedure(book.procedures["purge-1921"]).fold([])) == []
