"""Bulk replay against the transitions Machine: the same states and the same errors."""

from __future__ import annotations

from collections import Counter
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
            allowed=(
                "intercede",
                "appeal",
                "refer",
                "request_verification",
                "reinstate_as_candidate",
                "uphold",
                "confirm_finally",
                "annul",
            ),
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


#: An appeal in miniature, with a rule: reinstatement after two intercessions.
APPEAL = Procedure(
    "appeal",
    "An appeal",
    "member",
    (
        StateDef("member"),
        StateDef("expelled"),
        StateDef("appealed"),
        StateDef("intercession"),
        StateDef("reinstated", final=True),
    ),
    (
        TransitionDef("expel", ("member",), "expelled"),
        TransitionDef("appeal", ("expelled",), "appealed"),
        TransitionDef("intercede", ("expelled", "appealed", "intercession"), "intercession"),
        TransitionDef("ask", ("appealed", "intercession"), None),
        TransitionDef("reinstate", ("intercession",), "reinstated", requires=(("intercede", 2),)),
        TransitionDef("reinstate", ("appealed",), "reinstated"),
    ),
)


class TestTable:
    def test_triggers_in_the_machines_order(self) -> None:
        """Each trigger once, in the order the procedure defines them."""
        table = compile_procedure(APPEAL)
        assert table.triggers == ("expel", "appeal", "intercede", "ask", "reinstate")
        assert table.procedure is APPEAL

    def test_allowed_counts_nothing_unless_told(self) -> None:
        """Without counts no earlier event is counted; with them, the rule is asked."""
        table = compile_procedure(APPEAL)
        assert table.allowed("intercession") == ("intercede", "ask")
        assert table.allowed("intercession", Counter(intercede=1)) == ("intercede", "ask")
        assert table.allowed("intercession", Counter(intercede=2)) == (
            "intercede",
            "ask",
            "reinstate",
        )
        assert table.allowed("appealed") == ("intercede", "ask", "reinstate")
        assert table.allowed("reinstated") == ()

    def test_unmet(self) -> None:
        """Why a rule stops a kind in a state: only where the rule's transition starts."""
        table = compile_procedure(APPEAL)
        assert table.unmet("intercession", "reinstate") == (
            "requires 2 × intercede (found 0) before it"
        )
        assert table.unmet("intercession", "reinstate", Counter(intercede=1)) == (
            "requires 2 × intercede (found 1) before it"
        )
        assert table.unmet("intercession", "reinstate", Counter(intercede=2)) == ""
        assert table.unmet("expelled", "reinstate") == ""
        assert table.unmet("intercession", "appeal") == ""

    def test_failure(self) -> None:
        """The illegal step at index i is event i + 1, with no id, as replay reports it."""
        table = compile_procedure(APPEAL)
        assert table.failure(3, "reinstate", "intercession", Counter(intercede=1)) == IllegalStep(
            seq=4,
            event="",
            kind="reinstate",
            state="intercession",
            allowed=("intercede", "ask"),
            unmet="requires 2 × intercede (found 1) before it",
        )


class TestFoldRows:
    def rows(self, *cases: tuple[str, list[str]]) -> list[tuple[str, str, int]]:
        """Rows for each case, the day of each row its place in the stream."""
        out: list[tuple[str, str, int]] = []
        for case, kinds in cases:
            for kind in kinds:
                out.append((case, kind, len(out)))
        return out

    def test_results_in_order_with_counts_and_days(self) -> None:
        """One result per case, in order: states, events, and the days of the first
        and last moves; a background row counts as an event but moves nothing."""
        table = compile_procedure(APPEAL)
        rows = self.rows(
            ("a", [BACKGROUND, "expel", "appeal", "ask", "reinstate", BACKGROUND]),
            ("b", [BACKGROUND]),
            ("c", ["expel", "intercede", "intercede", "reinstate"]),
        )
        assert list(table.fold(rows)) == [
            ("a", "reinstated", ("member", "expelled", "appealed", "reinstated"), None, 6, 1, 4),
            ("b", "member", ("member",), None, 1, None, None),
            (
                "c",
                "reinstated",
                ("member", "expelled", "intercession", "reinstated"),
                None,
                4,
                7,
                10,
            ),
        ]

    def test_a_failed_case_skips_its_later_rows(self) -> None:
        """After its first illegal row a case stops; its rows still count, the next case
        starts afresh, with no earlier events counted."""
        table = compile_procedure(APPEAL)
        rows = self.rows(
            ("a", ["expel", "intercede", "reinstate", "intercede", "reinstate"]),
            ("b", ["expel", "intercede", "reinstate"]),
        )
        a, b = table.fold(rows)
        assert (a.state, a.states, a.events, a.first_day, a.last_day) == (
            "intercession",
            ("member", "expelled", "intercession"),
            5,
            0,
            1,
        )
        assert a.failure == IllegalStep(
            seq=3,
            event="",
            kind="reinstate",
            state="intercession",
            allowed=("intercede", "ask"),
            unmet="requires 2 × intercede (found 1) before it",
        )
        assert b.failure is not None
        assert (b.failure.seq, b.failure.unmet) == (3, "requires 2 × intercede (found 1) before it")

    def test_without_rules(self) -> None:
        """A procedure with no rule folds the same rows to the same results."""
        plain = APPEAL.evolve(transitions=APPEAL.transitions[:4] + APPEAL.transitions[5:])
        table = compile_procedure(plain)
        rows = self.rows(
            ("a", [BACKGROUND, "expel", "appeal", "ask", "reinstate", "expel", "appeal"]),
            ("b", [BACKGROUND, BACKGROUND]),
            ("c", ["expel", "reinstate"]),
        )
        a, b, c = table.fold(rows)
        assert a == (
            "a",
            "reinstated",
            ("member", "expelled", "appealed", "reinstated"),
            IllegalStep(seq=6, event="", kind="expel", state="reinstated", allowed=()),
            7,
            1,
            4,
        )
        assert b == ("b", "member", ("member",), None, 2, None, None)
        assert c == (
            "c",
            "expelled",
            ("member", "expelled"),
            IllegalStep(
                seq=2, event="", kind="reinstate", state="expelled", allowed=("appeal", "intercede")
            ),
            2,
            9,
            9,
        )
