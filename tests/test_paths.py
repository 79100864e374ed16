"""Paths through the procedure: enumeration, reachability, traps, `casework paths`, `check`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings

from casework import Casebook, Procedure, StateDef, TransitionDef
from casework.analysis.paths import (
    TooManyPaths,
    dead_ends,
    outcome_states,
    paths_report,
    reachable_states,
    route,
    shortest_paths,
    simple_paths,
    targets,
    traps,
    unreachable_states,
)
from casework.errors import UnknownName
from casework.load.procedure_file import graph_problems, read_procedure
from casework.model.procedure import Runner
from casework.testing import case_from_kinds, history_from_kinds

from .conftest import edit
from .test_bulk import procedures

FIRST = Path(__file__).parent / "procedures" / "purge-1921-first.toml"


@pytest.fixture(name="first")
def fixture_first(scenarios: Path) -> Path:
    """A scratch scenarios folder whose only procedure is the first release's."""
    shutil.copy(FIRST, scenarios / "procedure.toml")
    shutil.rmtree(scenarios / "procedures")
    shutil.rmtree(scenarios / "whatif")  # they name kinds the first procedure lacks
    return scenarios


@pytest.fixture(name="purge", scope="module")
def fixture_purge() -> Procedure:
    """The first release's purge procedure (11 states), kept as a fixture so that
    the counts below pin the enumeration, not the bundled data of the day."""
    from casework.load.procedure_file import read_procedure

    return read_procedure(FIRST)


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
        self, first: Path, cli: Callable[..., object]
    ) -> None:
        """Unreachable states, dead ends and traps, each at its state's line."""
        scenarios = first
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
    def test_summary(self, first: Path, cli: Callable[..., object]) -> None:
        """`casework paths`: per outcome the count and a shortest path, then the states."""
        result = cli("paths", "--scenarios", str(first))
        assert (result.code, result.err) == (0, "")
        assert result.out == SUMMARY

    def test_to_an_outcome(self, first: Path, cli: Callable[..., object]) -> None:
        """--to lists every simple path, numbered, wrapped with a hanging indent."""
        result = cli("paths", "--scenarios", str(first), "--to", "expulsion_upheld")
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

    def test_to_pending_names_its_states(self, first: Path, cli: Callable[..., object]) -> None:
        """An outcome held by several states says which."""
        result = cli("paths", "--scenarios", str(first), "--to", "pending")
        assert result.out.splitlines()[:4] == [
            "115 simple paths from member to pending (ending in member, expelled, appealed,",
            "intercession, verification_requested, hearing_scheduled, hearing_cancelled),",
            "shortest first:",
            "  1. member",
        ]

    def test_json(self, first: Path, cli: Callable[..., object]) -> None:
        """--json: the graph facts, the shortest path per outcome, and every path."""
        data = json.loads(cli("paths", "--scenarios", str(first), "--json").out)
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
        one = json.loads(
            cli("paths", "--scenarios", str(first), "--to", "reinstated", "--json").out
        )
        assert (one["to"], len(one["paths"])) == ("reinstated", 113)

    def test_unknown_outcome(self, first: Path, cli: Callable[..., object]) -> None:
        """Exit 1 with what is known."""
        result = cli("paths", "--scenarios", str(first), "--to", "restored")
        assert result.code == 1
        assert result.err.startswith(
            "casework: no outcome or state 'restored' in procedure 'purge-1921'; expected one of: "
        )

    def test_unknown_procedure(self, first: Path, cli: Callable[..., object]) -> None:
        """Exit 1 naming the procedures there are."""
        result = cli("paths", "--scenarios", str(first), "--procedure", "purge-1922")
        assert (result.code, result.err) == (
            1,
            "casework: no procedure 'purge-1922' (did you mean 'purge-1921'?); "
            "expected one of: purge-1921\n",
        )

    def test_several_procedures_default_to_procedure_toml(
        self, first: Path, cli: Callable[..., object]
    ) -> None:
        """With two procedures and no --procedure: procedure.toml's; the other on request."""
        (first / "procedures").mkdir()
        other = first / "procedures" / "other.toml"
        other.write_text((first / "procedure.toml").read_text(encoding="utf-8"), encoding="utf-8")
        edit(other, 'id = "purge-1921"', 'id = "purge-1922"')
        assert cli("paths", "--scenarios", str(first)).out == SUMMARY
        assert cli("paths", "--scenarios", str(first), "--procedure", "purge-1922").out == (
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

    def test_insertions_in_two_places(self) -> None:
        """The second kind goes in at its own state, counted after the first insertion."""
        chain = Procedure(
            "chain",
            "Chain",
            "a",
            (
                StateDef("a"),
                StateDef("b"),
                StateDef("c"),
                StateDef("d"),
                StateDef("done", final=True),
            ),
            (
                TransitionDef("start", ("a",), "b"),
                TransitionDef("detour", ("b",), "c"),
                TransitionDef("onward", ("c",), "d"),
                TransitionDef("note", ("b",), None),
                TransitionDef("wait", ("c",), "c"),
                TransitionDef("close", ("d",), "done", requires=(("note", 1), ("wait", 1))),
            ),
        )
        assert triggers(chain) == [("start", "note", "detour", "wait", "onward", "close")]

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


def levels_procedure(levels: int) -> str:
    """The appeal with ``levels`` levels of commission, each with its own appealed,
    intercession, verification_requested and expulsion_upheld: 7 + 4 × levels states
    (27 for five levels: the bundled one and four more)."""
    out = [
        '[procedure]\nid = "levels"\ntitle = "Appeals over several levels"\ninitial = "member"\n'
    ]

    def level(k: int) -> tuple[str, str, str, str]:
        return f"appealed_{k}", f"intercession_{k}", f"verification_{k}", f"upheld_{k}"

    names = ["member", "expelled", "hearing_scheduled", "hearing_cancelled"]
    for k in range(1, levels + 1):
        names += level(k)
    for n in names:
        out.append(
            f'[[states]]\nname = "{n}"\n' + ('outcome = "upheld"\n' if "upheld" in n else "")
        )
    for n in ("reinstated", "reinstated_candidate", "annulled"):
        out.append(f'[[states]]\nname = "{n}"\nfinal = true\n')

    def move(trigger: str, source: list[str], dest: str | None) -> None:
        to = "internal = true" if dest is None else f'dest = "{dest}"'
        out.append(
            f'[[transitions]]\ntrigger = "{trigger}"\nsource = {source}\n{to}\n'.replace("'", '"')
        )

    move("expel", ["member"], "expelled")
    for k in range(1, levels + 1):
        a, i, v, u = level(k)
        below = ["expelled", "hearing_cancelled"] if k == 1 else [level(k - 1)[3]]
        hearing = ["hearing_scheduled", "hearing_cancelled"] if k == 1 else []
        move("appeal", [*below, a] + ([i] if k == 1 else []), a)
        move("intercede", [*below, a, i] + ([v, "hearing_scheduled"] if k == 1 else []), i)
        move("request_verification", (["expelled", i] if k == 1 else []) + [a], v)
        move("request_information", [a, i, v, u], None)
        if k == 1:
            move("schedule_hearing", [a, i, v, "hearing_cancelled"], "hearing_scheduled")
            move("cancel_hearing", ["hearing_scheduled"], "hearing_cancelled")
        move("reinstate", [a, i, v, *hearing], "reinstated")
        move("reinstate_as_candidate", [a, i, v, *hearing], "reinstated_candidate")
        move("uphold", [a, i, v, *hearing], u)
        move("annul", [a, i, v, u, *hearing], "annulled")
    return "\n".join(out)


def complete_procedure(n: int) -> str:
    """``n`` states that all lead to each other, but for the last, which is final."""
    out = ['[procedure]\nid = "complete"\ntitle = "All to all"\ninitial = "s0"\n']
    for i in range(n):
        out.append(f'[[states]]\nname = "s{i}"\n' + ("final = true\n" if i == n - 1 else ""))
    for j in range(n):
        source = ", ".join(f'"s{i}"' for i in range(n - 1) if i != j)
        out.append(f'[[transitions]]\ntrigger = "go_{j}"\nsource = [{source}]\ndest = "s{j}"\n')
    return "\n".join(out)


class TestBounds:
    """`casework paths` answers within bounds: counts exact where a bounded search
    finishes, else lower bounds that say so; at most --limit paths listed."""

    @pytest.fixture(name="alone")
    def fixture_alone(self, tmp_path: Path) -> Callable[[str], Path]:
        """A scenarios folder holding only the given procedure (and the bundled
        people and documents)."""
        from casework import bundled_scenarios

        def make(text: str) -> Path:
            folder = tmp_path / "scenarios"
            shutil.copytree(bundled_scenarios(), folder)
            for sub in ("cases", "whatif", "procedures"):
                shutil.rmtree(folder / sub, ignore_errors=True)
            (folder / "procedure.toml").write_text(text, encoding="utf-8")
            return folder

        return make

    def test_27_states(self, alone: Callable[[str], Path], cli: Callable[..., object]) -> None:
        """Five levels of appeal (which took 244 s): every path counted, exactly."""
        folder = alone(levels_procedure(5))
        result = cli("paths", "--scenarios", str(folder))
        lines = result.out.splitlines()  # type: ignore[attr-defined]
        assert (result.code, result.err) == (0, "")  # type: ignore[attr-defined]
        assert [line for line in lines if "simple path" in line] == [
            "upheld: 17,732 simple paths; shortest 3 events:",
            "reinstated: 17,732 simple paths; shortest 3 events:",
            "reinstated_candidate: 17,732 simple paths; shortest 3 events:",
            "annulled: 35,464 simple paths; shortest 3 events:",
        ]
        assert "Counting stopped" not in result.out  # type: ignore[attr-defined]

    def test_27_states_listing(
        self, alone: Callable[[str], Path], cli: Callable[..., object]
    ) -> None:
        """--to lists the 1,000 shortest and says how many there are; --limit more or fewer."""
        folder = alone(levels_procedure(5))
        result = cli("paths", "--scenarios", str(folder), "--to", "reinstated")
        lines = result.out.splitlines()  # type: ignore[attr-defined]
        assert lines[:3] == [
            "17,732 simple paths from member to reinstated; showing the 1,000 shortest (use",
            "--limit for more):",
            "   1. member → expelled → appealed_1 → reinstated",
        ]
        assert sum(line[:6].strip().endswith(".") for line in lines) == 1000
        short = cli("paths", "--scenarios", str(folder), "--to", "reinstated", "--limit", "2")
        assert short.out.splitlines() == [  # type: ignore[attr-defined]
            "17,732 simple paths from member to reinstated; showing the 2 shortest (use",
            "--limit for more):",
            "1. member → expelled → appealed_1 → reinstated",
            "2. member → expelled → intercession_1 → reinstated",
        ]
        data = json.loads(
            cli("paths", "--scenarios", str(folder), "--to", "reinstated", "--json").out  # type: ignore[attr-defined]
        )
        assert len(data["paths"]) == 1000
        assert data["truncated"] == {
            "limit": 1000,
            "listed": 1000,
            "total": 17732,
            "exact": True,
            "looked_at": 106394,
            "counts": {
                "upheld": 17732,
                "reinstated": 17732,
                "reinstated_candidate": 17732,
                "annulled": 35464,
                "pending": 17734,
            },
        }

    def test_31_states(self, alone: Callable[[str], Path], cli: Callable[..., object]) -> None:
        """Six levels (which passed 300 s): still counted exactly."""
        folder = alone(levels_procedure(6))
        result = cli("paths", "--scenarios", str(folder))
        assert [line for line in result.out.splitlines() if "simple path" in line] == [  # type: ignore[attr-defined]
            "upheld: 70,980 simple paths; shortest 3 events:",
            "reinstated: 70,980 simple paths; shortest 3 events:",
            "reinstated_candidate: 70,980 simple paths; shortest 3 events:",
            "annulled: 141,960 simple paths; shortest 3 events:",
        ]

    def test_12_states_all_connected(
        self, alone: Callable[[str], Path], cli: Callable[..., object]
    ) -> None:
        """About 10⁸ simple paths (which ran past 30 s and 872 MB): counting stops at
        its bound and says the counts are lower bounds; the listing is still exact."""
        folder = alone(complete_procedure(12))
        result = cli("paths", "--scenarios", str(folder))
        assert result.code == 0  # type: ignore[attr-defined]
        assert result.out.splitlines()[2:4] == [  # type: ignore[attr-defined]
            "s11: at least 499,995 simple paths; shortest 1 event:",
            "  s0 → s11",
        ]
        assert result.out.splitlines()[-1] == (  # type: ignore[attr-defined]
            "Counting stopped after 1,000,000 paths; the counts are lower bounds."
        )
        listing = cli("paths", "--scenarios", str(folder), "--to", "s11", "--limit", "3")
        assert listing.out.splitlines() == [  # type: ignore[attr-defined]
            "at least 499,995 simple paths from s0 to s11 (counting stopped after 1,000,000",
            "paths); showing the 3 shortest (use --limit for more):",
            "1. s0 → s11",
            "2. s0 → s1 → s11",
            "3. s0 → s2 → s11",
        ]

    def test_simple_paths_refuses_to_return_part(self) -> None:
        """simple_paths promises every path: more than its limit is an error that says so."""
        from casework.analysis.paths import TooManyPaths

        states = tuple(StateDef(f"s{i}", final=i == 11) for i in range(12))
        moves = tuple(
            TransitionDef(f"go_{j}", tuple(f"s{i}" for i in range(11) if i != j), f"s{j}")
            for j in range(12)
        )
        complete = Procedure("complete", "All to all", "s0", states, moves)
        with pytest.raises(TooManyPaths) as err:
            simple_paths(complete, "s11")
        assert str(err.value) == (
            "the simple paths from s0 to s11 could not all be found: the search stopped "
            "after 100,000 paths; expected a procedure with fewer paths"
        )
        with pytest.raises(TooManyPaths) as err:
            simple_paths(complete, "s11", limit=1000)
        assert str(err.value) == (
            "more than 1,000 simple paths from s0 to s11; expected at most as many as the "
            "limit (simple_paths(..., limit=N))"
        )

    def test_a_huge_requirement_made_in_python(self) -> None:
        """A requires count the reader would refuse, set in Python, is refused too
        (ten million inserted events took 5.4 GB)."""
        from casework.model.procedure import InvalidProcedure

        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("b", final=True)),
            (
                TransitionDef("wait", ("a",), None),
                TransitionDef("go", ("a",), "b", requires=(("wait", 10_000_000),)),
            ),
        )
        with pytest.raises(InvalidProcedure) as err:
            simple_paths(proc, "b")
        assert str(err.value) == (
            "procedure 'p': requires 10,000,000 × wait, too many for a path "
            "through the procedure; expected at most 1,000"
        )


class TestPathsTheMachineTakes:
    """A path is listed only when the Machine takes its events through its states."""

    def test_the_rule_of_each_transition(self) -> None:
        """`go` has two transitions from a: to c once `wait` has happened, else to b.
        The path to b is `go` alone; `wait, go` goes to c."""
        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("b", final=True), StateDef("c", final=True)),
            (
                TransitionDef("wait", ("a",), None),
                TransitionDef("go", ("a",), "c", requires=(("wait", 1),)),
                TransitionDef("go", ("a",), "b"),
            ),
        )
        assert [(p.triggers, p.states) for p in simple_paths(proc)] == [
            (("go",), ("a", "b")),
            (("wait", "go"), ("a", "c")),
        ]

    def test_a_rule_met_earlier_changes_where_a_trigger_goes(self) -> None:
        """Once `wait` has been counted, `go` from m goes to c: no path `... go` to b."""
        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("m"), StateDef("b", final=True), StateDef("c", final=True)),
            (
                TransitionDef("wait", ("a",), None),
                TransitionDef("step", ("a",), "m", requires=(("wait", 1),)),
                TransitionDef("go", ("m",), "c", requires=(("wait", 1),)),
                TransitionDef("go", ("m",), "b"),
            ),
        )
        assert [(p.triggers, p.states) for p in simple_paths(proc)] == [
            (("wait", "step", "go"), ("a", "m", "c")),
        ]

    @settings(max_examples=150, deadline=None)
    @given(procedures())
    def test_every_path_is_what_the_machine_does(self, proc: Procedure) -> None:
        """For random procedures: each listed path, replayed through a Runner (the
        transitions Machine), passes exactly its states; no path is listed twice."""
        found = [*simple_paths(proc), *simple_paths(proc, "pending")]
        assert len({p.triggers for p in found}) == len(found)
        for path in found:
            runner = proc.runner()
            states = [runner.state]
            for kind in path.triggers:
                assert runner.try_fire(kind), path
                if runner.state != states[-1]:
                    states.append(runner.state)
            assert tuple(states) == path.states


class TestGraphProblemsStayLinear:
    def test_a_trap_names_at_most_ten_states(self) -> None:
        """In a ring of 15 states that never reaches an outcome, each state's problem
        names ten of the others, not all fourteen (with thousands of states the
        messages grew with the square of the procedure)."""
        from casework.load.procedure_file import graph_problems

        ring = [f"r{i:02}" for i in range(15)]
        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("end", final=True), *(StateDef(r) for r in ring)),
            (
                TransitionDef("finish", ("a",), "end"),
                TransitionDef("enter", ("a",), "r00"),
                *(TransitionDef(f"on_{i:02}", (ring[i],), ring[(i + 1) % 15]) for i in range(15)),
            ),
        )
        problems = [str(p) for p in graph_problems(proc)]
        assert len(problems) == 15
        assert problems[0] == (
            "p: state 'r00' is a trap: from it only r01, r02, r03, r04, r05, r06, r07, r08, "
            "r09, r10 and others can be reached, none an outcome; expected a way on to an "
            "outcome state (end)"
        )


class TestCountingAgreesWithListing:
    @settings(max_examples=150, deadline=None)
    @given(procedures())
    def test_counts(self, proc: Procedure) -> None:
        """For random procedures, with and without their rules: the paths counted
        (depth first, or by dynamic programming when there is no cycle) are those listed."""
        from casework.analysis.pathsearch import Bound, Search

        plain = proc.evolve(
            transitions=tuple(attrs.evolve(t, requires=()) for t in proc.transitions)
        )
        for p in (proc, plain):
            listed = [*simple_paths(p), *simple_paths(p, "pending")]
            expected = dict.fromkeys(p.state_names, 0)
            for path in listed:
                expected[path.end] += 1
            counted = Search(p).count(Bound(10**6, 10**7))
            assert (counted.counts, counted.exact) == (expected, True)


class TestLimitsAndCounts:
    def test_a_limit_as_large_as_the_paths(self) -> None:
        """limit=N with exactly N paths lists them; one fewer refuses, saying so."""
        assert len(simple_paths(LOOPS, limit=2)) == 2
        with pytest.raises(TooManyPaths) as err:
            simple_paths(LOOPS, limit=1)
        assert str(err.value) == (
            "more than 1 simple paths from a to done; "
            "expected at most as many as the limit (simple_paths(..., limit=N))"
        )

    def test_report_counts(self) -> None:
        """Counts per outcome, the total to the ends asked for, 0 for an outcome no path has."""
        report = paths_report(LOOPS)
        assert (dict(report.counts), report.total, report.exact, report.truncated) == (
            {"done": 2, "pending": 3},
            2,
            True,
            False,
        )
        assert (report.count("done"), report.count("pending"), report.count("nothing")) == (
            2,
            3,
            0,
        )
        assert "truncated" not in report.to_mapping()

    def test_a_report_cut_at_its_limit(self) -> None:
        """limit=1: one path listed, and the JSON says how many there are."""
        report = paths_report(LOOPS, limit=1)
        assert [p.triggers for p in report.paths] == [("start", "finish")]
        assert (report.total, report.truncated) == (2, True)
        assert report.to_mapping()["truncated"] == {
            "limit": 1,
            "listed": 1,
            "total": 2,
            "exact": True,
            "looked_at": 5,
            "counts": {"done": 2, "pending": 3},
        }


@pytest.fixture(name="messages", scope="module")
def fixture_messages() -> dict[str, str]:
    """The graph problems of a procedure with two traps off its way to done: from t,
    twelve states s1..s12 (in a ring), reached in reverse file order; from u,
    exactly ten, v1..v10 (in a ring)."""
    ring = [f"s{i}" for i in range(1, 13)]
    tens = [f"v{i}" for i in range(1, 11)]
    states = (
        StateDef("a"),
        StateDef("t"),
        *map(StateDef, ring),
        StateDef("done", final=True),
        StateDef("u"),
        *map(StateDef, tens),
    )
    transitions = (
        TransitionDef("go", ("a",), "done"),
        TransitionDef("stray", ("a",), "t"),
        *(TransitionDef(f"g{s}", ("t",), s) for s in reversed(ring)),
        *(TransitionDef(f"n{s}", (s,), ring[(i + 1) % 12]) for i, s in enumerate(ring)),
        TransitionDef("wander", ("a",), "u"),
        *(TransitionDef(f"w{v}", ("u",), v) for v in tens),
        *(TransitionDef(f"x{v}", (v,), tens[(i + 1) % 10]) for i, v in enumerate(tens)),
    )
    procedure = Procedure("p", "P", "a", states, transitions)
    problems = [str(p) for p in graph_problems(procedure)]
    return {p.split("'")[1]: p for p in problems}


class TestLowerBounds:
    def test_a_count_covers_the_paths_listed(self, tmp_path: Path) -> None:
        """When counting stops at its bound, a count is never below the number of
        paths the listing found: 1,001 paths to s1 (counting alone saw fewer)."""
        (tmp_path / "procedure.toml").write_text(complete_procedure(12), encoding="utf-8")
        report = paths_report(read_procedure(tmp_path / "procedure.toml"), to="s1")
        assert (len(report.paths), report.total, report.exact) == (1000, 1001, False)
        assert report.truncated


class TestTrapMessages:
    """A trap's problem names at most ten of the states reachable from it."""

    def test_more_than_ten(self, messages: dict[str, str]) -> None:
        """Ten named, in file order, from the first eleven found; 'and others' for the rest."""
        assert messages["t"] == (
            "p: state 't' is a trap: from it only s2, s3, s4, s5, s6, s7, s8, s9, s10, s11 "
            "and others can be reached, none an outcome; "
            "expected a way on to an outcome state (done)"
        )

    def test_exactly_ten(self, messages: dict[str, str]) -> None:
        """Exactly ten: all named, no 'and others'."""
        assert messages["u"] == (
            "p: state 'u' is a trap: from it only v1, v2, v3, v4, v5, v6, v7, v8, v9, v10 "
            "can be reached, none an outcome; expected a way on to an outcome state (done)"
        )
