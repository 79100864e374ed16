"""Paths through the procedure: enumeration, reachability, traps, `casework paths`, `check`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from casework import Casebook, Procedure, StateDef, TransitionDef
from casework.analysis.paths import (
    dead_ends,
    outcome_states,
    reachable_states,
    route,
    shortest_paths,
    simple_paths,
    targets,
    traps,
    unreachable_states,
)
from casework.errors import UnknownName
from casework.model.procedure import Runner
from casework.testing import case_from_kinds, history_from_kinds

from .conftest import edit


@pytest.fixture(name="purge", scope="module")
def fixture_purge() -> Procedure:
    """The bundled procedure."""
    from casework import load_casebook

    return load_casebook().procedures["purge-1921"]


def machine_paths(procedure: Procedure) -> set[tuple[str, ...]]:
    """An independent oracle: every simple path found by asking the Machine what
    it allows (``may_<trigger>``), never reading the transition table."""
    found: set[tuple[str, ...]] = set()

    def walk(kinds: tuple[str, ...], states: tuple[str, ...]) -> None:
        found.add(kinds)
        for kind in runner_after(kinds).allowed():
            after = runner_after((*kinds, kind)).state
            if after not in states:
                walk((*kinds, kind), (*states, after))

    def runner_after(kinds: tuple[str, ...]) -> Runner:
        runner = procedure.runner()
        for event in case_from_kinds(procedure, kinds).events:
            runner.fire(event)
        return runner

    walk((), (procedure.initial,))
    return found


def with_requirement(procedure: Procedure, trigger: str, **requires: int) -> Procedure:
    changed = tuple(
        attrs.evolve(t, requires=tuple(sorted(requires.items()))) if t.trigger == trigger else t
        for t in procedure.transitions
    )
    return procedure.evolve(transitions=changed)


class TestOutcomes:
    def test_outcome_states(self, purge: Procedure) -> None:
        """Final states and states with an explicit outcome count; pending ones do not."""
        assert outcome_states(purge) == (
            "expulsion_upheld",
            "reinstated",
            "reinstated_candidate",
            "expulsion_annulled",
        )
        assert targets(purge, "pending") == (
            "member",
            "expelled",
            "appealed",
            "intercession",
            "verification_requested",
            "hearing_scheduled",
            "hearing_cancelled",
        )

    def test_a_state_name_is_a_target(self, purge: Procedure) -> None:
        """--to may name a state that is not an outcome."""
        assert targets(purge, "appealed") == ("appealed",)

    def test_unknown_target(self, purge: Procedure) -> None:
        """An unknown name lists outcomes and states."""
        with pytest.raises(UnknownName) as err:
            targets(purge, "restored")
        assert str(err.value) == (
            "no outcome or state 'restored' in procedure 'purge-1921'; expected one of: "
            "expulsion_upheld, reinstated, reinstated_candidate, expulsion_annulled, pending, "
            "member, expelled, appealed, intercession, verification_requested, "
            "hearing_scheduled, hearing_cancelled"
        )


class TestSimplePaths:
    def test_same_paths_as_the_machine_allows(self, purge: Procedure) -> None:
        """Enumeration from the data finds exactly the simple paths the Machine accepts."""
        mine = {p.triggers for p in simple_paths(purge, "pending")} | {
            p.triggers for p in simple_paths(purge)
        }
        assert mine == machine_paths(purge)

    def test_counts(self, purge: Procedure) -> None:
        """Paths per outcome (cross-checked by the oracle above) and their total."""
        counts = {o: len(simple_paths(purge, o)) for o in purge.outcomes}
        assert counts == {
            "expulsion_upheld": 52,
            "reinstated": 113,
            "reinstated_candidate": 113,
            "expulsion_annulled": 165,
            "pending": 115,
        }
        assert len(simple_paths(purge)) == 443

    def test_every_path_replays_to_its_outcome(self, purge: Procedure) -> None:
        """Each path is simple, starts at the initial state and replays to its states and outcome."""
        for path in simple_paths(purge):
            assert len(set(path.states)) == len(path.states)
            history = history_from_kinds(purge, path.triggers)
            assert (history.states, history.outcome) == (path.states, path.outcome)

    def test_shortest_first(self, purge: Procedure) -> None:
        """Shortest first; within a length, the order of the procedure file."""
        found = simple_paths(purge, "reinstated")
        assert [len(p.triggers) for p in found] == sorted(len(p.triggers) for p in found)
        assert [p.id for p in found[:3]] == [
            "expel-appeal-reinstate",
            "expel-intercede-reinstate",
            "expel-request_verification-reinstate",
        ]

    def test_the_historical_path_is_enumerated(self, purge: Procedure, book: Casebook) -> None:
        """Both bundled cases' state paths are among the simple paths to reinstated."""
        states = {p.states for p in simple_paths(purge, "reinstated")}
        for case_id in book.cases:
            assert book.replay(case_id).states in states

    def test_shortest_paths(self, purge: Procedure) -> None:
        """One shortest path per outcome, pending excluded."""
        assert {o: p.id for o, p in shortest_paths(purge).items()} == {
            "expulsion_upheld": "expel-appeal-uphold",
            "reinstated": "expel-appeal-reinstate",
            "reinstated_candidate": "expel-appeal-reinstate_as_candidate",
            "expulsion_annulled": "expel-appeal-annul",
        }

    def test_requires_inserts_loop_events(self, purge: Procedure) -> None:
        """A rule 'two intercessions before reinstatement' repeats intercede where it loops."""
        strict = with_requirement(purge, "reinstate", intercede=2)
        found = simple_paths(strict, "reinstated")
        assert found[0].triggers == ("expel", "intercede", "intercede", "reinstate")
        assert found[0].states == ("member", "expelled", "intercession", "reinstated")
        assert len(found) == 98  # the 15 paths that never reach intercession are gone
        assert all(p.triggers.count("intercede") >= 2 for p in found)
        for path in found:
            assert history_from_kinds(strict, path.triggers).outcome == "reinstated"

    def test_unsatisfiable_requirement(self, purge: Procedure) -> None:
        """A requirement no loop can meet leaves no path through that transition."""
        strict = with_requirement(purge, "annul", expel=2)
        assert simple_paths(strict, "expulsion_annulled") == ()


class TestGraph:
    def test_bundled_procedure_is_sound(self, purge: Procedure) -> None:
        """Every state reachable; no dead ends, no traps."""
        assert reachable_states(purge) == purge.state_names
        assert (unreachable_states(purge), dead_ends(purge), traps(purge)) == ((), (), ())

    def test_route(self, purge: Procedure) -> None:
        """A shortest way between two states, or None."""
        assert route(purge, "expulsion_upheld", ["reinstated"]) == (
            "expulsion_upheld",
            "appealed",
            "reinstated",
        )
        assert route(purge, "reinstated", ["expelled"]) is None

    def test_unreachable_dead_end_and_trap(self, purge: Procedure) -> None:
        """A state nothing leads to, a state with no way out, a loop with no way on."""
        from casework import StateDef, TransitionDef

        states = (
            *purge.states,
            StateDef("limbo"),
            StateDef("waiting"),
            StateDef("stuck"),
            StateDef("orphan"),
        )
        transitions = (
            *purge.transitions,
            TransitionDef("wander", ("expelled", "waiting"), "limbo"),
            TransitionDef("wait", ("limbo",), "waiting"),
            TransitionDef("give_up", ("appealed",), "stuck"),
        )
        odd = purge.evolve(states=states, transitions=transitions)
        assert unreachable_states(odd) == ("orphan",)
        assert dead_ends(odd) == ("stuck",)
        assert traps(odd) == ("limbo", "waiting", "stuck")


class TestCheck:
    def test_check_reports_procedure_problems(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        """Unreachable states, dead ends and traps, each at its state's line."""
        proc = scenarios / "procedure.toml"
        text = proc.read_text(encoding="utf-8")
        proc.write_text(
            text
            + '\n[[states]]\nname = "orphan"\n'
            + '\n[[states]]\nname = "limbo"\n'
            + '\n[[states]]\nname = "waiting"\n'
            + '\n[[states]]\nname = "stuck"\n'
            + '\n[[transitions]]\ntrigger = "wander"\nsource = ["expelled", "waiting"]\ndest = "limbo"\n'
            + '\n[[transitions]]\ntrigger = "wait"\nsource = ["limbo"]\ndest = "waiting"\n'
            + '\n[[transitions]]\ntrigger = "give_up"\nsource = ["appealed"]\ndest = "stuck"\n',
            encoding="utf-8",
        )
        n = text.count("\n")
        result = cli("check", str(scenarios))
        assert result.code == 1
        assert result.err.splitlines() == [
            f"{proc}:{n + 3}: state 'orphan' is unreachable from 'member'; "
            "expected every state to be reachable",
            f"{proc}:{n + 6}: state 'limbo' is a trap: from it only waiting can be reached, "
            "none an outcome; expected a way on to an outcome state (expulsion_upheld, "
            "reinstated, reinstated_candidate, expulsion_annulled)",
            f"{proc}:{n + 9}: state 'waiting' is a trap: from it only limbo can be reached, "
            "none an outcome; expected a way on to an outcome state (expulsion_upheld, "
            "reinstated, reinstated_candidate, expulsion_annulled)",
            f"{proc}:{n + 12}: state 'stuck' has no way out and is not final; "
            "expected a transition from it, or final = true",
            "4 problems",
        ]

    def test_sound_procedure_passes(self, cli: Callable[..., object]) -> None:
        """The bundled procedure adds no problem to `check`."""
        assert cli("check").code == 0


SUMMARY = """\
Paths through purge-1921 from member

expulsion_upheld: 52 simple paths; shortest 3 events:
  member → expelled → appealed → expulsion_upheld
reinstated: 113 simple paths; shortest 3 events:
  member → expelled → appealed → reinstated
reinstated_candidate: 113 simple paths; shortest 3 events:
  member → expelled → appealed → reinstated_candidate
expulsion_annulled: 165 simple paths; shortest 3 events:
  member → expelled → appealed → expulsion_annulled
pending: a history that stops in member, expelled, appealed, intercession,
         verification_requested, hearing_scheduled or hearing_cancelled

Reachable: 11 of 11 states
Unreachable: none
Dead ends: none
Traps: none
"""


class TestCommand:
    def test_summary(self, cli: Callable[..., object]) -> None:
        """`casework paths`: per outcome the count and a shortest path, then the states."""
        result = cli("paths")
        assert (result.code, result.err) == (0, "")
        assert result.out == SUMMARY

    def test_to_an_outcome(self, cli: Callable[..., object]) -> None:
        """--to lists every simple path, numbered, wrapped with a hanging indent."""
        result = cli("paths", "--to", "expulsion_upheld")
        lines = result.out.splitlines()
        assert result.code == 0
        assert lines[:3] == [
            "52 simple paths from member to expulsion_upheld, shortest first:",
            " 1. member → expelled → appealed → expulsion_upheld",
            " 2. member → expelled → intercession → expulsion_upheld",
        ]
        assert lines[-2:] == [
            "52. member → expelled → verification_requested → hearing_scheduled →",
            "    hearing_cancelled → intercession → appealed → expulsion_upheld",
        ]
        assert sum(line[:3].strip().endswith(".") for line in lines[1:]) == 52
        assert max(len(line) for line in lines) <= 80

    def test_to_pending_names_its_states(self, cli: Callable[..., object]) -> None:
        """An outcome held by several states says which."""
        result = cli("paths", "--to", "pending")
        assert result.out.splitlines()[:4] == [
            "115 simple paths from member to pending (ending in member, expelled, appealed,",
            "intercession, verification_requested, hearing_scheduled, hearing_cancelled),",
            "shortest first:",
            "  1. member",
        ]

    def test_json(self, cli: Callable[..., object]) -> None:
        """--json: the graph facts, the shortest path per outcome, and every path."""
        data = json.loads(cli("paths", "--json").out)
        assert list(data) == [
            "procedure",
            "initial",
            "to",
            "outcome_states",
            "reachable",
            "unreachable",
            "dead_ends",
            "traps",
            "shortest",
            "paths",
        ]
        assert len(data["paths"]) == 443
        assert data["shortest"]["reinstated"] == {
            "outcome": "reinstated",
            "triggers": ["expel", "appeal", "reinstate"],
            "states": ["member", "expelled", "appealed", "reinstated"],
        }
        one = json.loads(cli("paths", "--to", "reinstated", "--json").out)
        assert (one["to"], len(one["paths"])) == ("reinstated", 113)

    def test_unknown_outcome(self, cli: Callable[..., object]) -> None:
        """Exit 1 with what is known."""
        result = cli("paths", "--to", "restored")
        assert result.code == 1
        assert result.err.startswith(
            "casework: no outcome or state 'restored' in procedure 'purge-1921'; expected one of: "
        )

    def test_unknown_procedure(self, cli: Callable[..., object]) -> None:
        """Exit 1 naming the procedures there are."""
        result = cli("paths", "--procedure", "purge-1922")
        assert (result.code, result.err) == (
            1,
            "casework: no procedure 'purge-1922'; expected one of: purge-1921\n",
        )

    def test_several_procedures_need_a_choice(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        """With two procedures and no --procedure: usage, exit 2."""
        (scenarios / "procedures").mkdir()
        other = scenarios / "procedures" / "other.toml"
        other.write_text(
            (scenarios / "procedure.toml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        edit(other, 'id = "purge-1921"', 'id = "purge-1922"')
        result = cli("paths", "--scenarios", str(scenarios))
        assert (result.code, result.err.splitlines()[-1]) == (
            2,
            "casework paths: there are several procedures (purge-1921, purge-1922); "
            "choose one with --procedure",
        )
        assert result.err.startswith("usage: casework paths ")
        assert cli("paths", "--scenarios", str(scenarios), "--procedure", "purge-1922").out == (
            SUMMARY.replace("purge-1921", "purge-1922")
        )


#: A small procedure for rules: ``note`` loops only in b, ``wait`` only in c, and
#: ``back`` leads from c to b, which a simple path has already passed.
LOOPS = Procedure(
    "loops",
    "Loops",
    "a",
    (StateDef("a"), StateDef("b"), StateDef("c"), StateDef("done", final=True)),
    (
        TransitionDef("start", ("a",), "b"),
        TransitionDef("detour", ("b",), "c"),
        TransitionDef("note", ("b",), None),
        TransitionDef("wait", ("c",), "c"),
        TransitionDef("finish", ("b", "c"), "done"),
        TransitionDef("back", ("c",), "b"),
    ),
)


def triggers(procedure: Procedure, to: str | None = None) -> list[tuple[str, ...]]:
    """The event kinds of each simple path, after checking that each replays to its states."""
    found = simple_paths(procedure, to)
    for path in found:
        history = history_from_kinds(procedure, path.triggers)
        assert (history.states, history.outcome) == (path.states, path.outcome)
    return [p.triggers for p in found]


class TestRequiresRules:
    def test_without_rules(self) -> None:
        """Loops appear on no path; a state passed is not entered again."""
        assert triggers(LOOPS) == [("start", "finish"), ("start", "detour", "finish")]
        assert triggers(LOOPS, "pending") == [(), ("start",), ("start", "detour")]

    def test_a_loop_inserted_where_it_happens(self) -> None:
        """A missing event goes in at the latest state on the path where it loops,
        even when the path has gone on from there."""
        strict = with_requirement(LOOPS, "finish", note=1)
        assert triggers(strict) == [
            ("start", "note", "finish"),
            ("start", "note", "detour", "finish"),
        ]

    def test_two_kinds_in_one_rule(self) -> None:
        """Each kind at its own loop; a path passing no state where one loops is dropped."""
        strict = with_requirement(LOOPS, "finish", note=1, wait=2)
        assert triggers(strict) == [("start", "note", "detour", "wait", "wait", "finish")]
        assert triggers(strict, "pending") == [(), ("start",), ("start", "detour")]

    def test_rules_on_two_transitions(self) -> None:
        """Each rule is asked where its transition is taken, counting what came before."""
        strict = with_requirement(with_requirement(LOOPS, "detour", note=1), "finish", note=2)
        assert triggers(strict) == [
            ("start", "note", "note", "finish"),
            ("start", "note", "note", "detour", "finish"),
        ]
        assert triggers(strict, "c") == [("start", "note", "detour")]

    def test_a_rule_met_by_an_earlier_insertion(self) -> None:
        """A note inserted for the detour also meets the finish's rule."""
        strict = with_requirement(with_requirement(LOOPS, "detour", note=1), "finish", note=1)
        assert triggers(strict) == [
            ("start", "note", "finish"),
            ("start", "note", "detour", "finish"),
        ]

    def test_a_rule_already_met(self) -> None:
        """A rule every path meets anyway (a start before the finish) changes nothing."""
        met = with_requirement(LOOPS, "finish", start=1)
        assert triggers(met) == [("start", "finish"), ("start", "detour", "finish")]

    def test_a_rule_no_loop_can_meet(self) -> None:
        """Two starts can never happen: no path to done."""
        assert triggers(with_requirement(LOOPS, "finish", start=2)) == []
        assert triggers(with_requirement(LOOPS, "finish", start=2), "pending") == [
            (),
            ("start",),
            ("start", "detour"),
        ]
