"""The procedure: reading procedure.toml, its lookups, and firing events through it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from casework import (
    ILLEGAL,
    PENDING,
    IllegalTransition,
    Procedure,
    StateDef,
    TransitionDef,
    bundled_scenarios,
    load_casebook,
    replay,
)
from casework.load.procedure_file import graph_problems
from casework.testing import case_from_kinds, history_from_kinds

#: A procedure file's head and two states: a transition appended starts at line 13.
HEAD = """\
[procedure]
id = "p"
title = "A procedure"
initial = "a"

[[states]]
name = "a"

[[states]]
name = "b"
final = true
"""

GO = """
[[transitions]]
trigger = "go"
source = ["a"]
dest = "b"
"""


@pytest.fixture(name="folder")
def fixture_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scenarios folder with the bundled people and documents but no cases or
    what-ifs, so that any procedure can be put in it; the working directory is
    its parent, so that messages name ``scenarios/procedure.toml``."""
    target = tmp_path / "scenarios"
    shutil.copytree(bundled_scenarios(), target)
    shutil.rmtree(target / "cases")
    shutil.rmtree(target / "whatif")
    monkeypatch.chdir(tmp_path)
    return target


@pytest.fixture(name="check")
def fixture_check(folder: Path, cli: Callable[..., object]) -> Callable[[str], list[str]]:
    """Write a procedure file and return what `casework check` says of it (exit 1)."""

    def run(text: str) -> list[str]:
        (folder / "procedure.toml").write_text(text, encoding="utf-8")
        result = cli("check", "scenarios")
        assert (result.code, result.out) == (1, ""), result  # type: ignore[attr-defined]
        return result.err.splitlines()  # type: ignore[attr-defined,no-any-return]

    return run


def read(folder: Path, text: str) -> Procedure:
    """Write a procedure file and load it as a user would."""
    (folder / "procedure.toml").write_text(text, encoding="utf-8")
    return load_casebook(folder).procedures["p"]


#: An appeal in miniature: ``ask`` is internal, ``intercede`` loops in intercession.
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
        StateDef("upheld", outcome="upheld"),
    ),
    (
        TransitionDef("expel", ("member",), "expelled"),
        TransitionDef("appeal", ("expelled", "appealed", "upheld"), "appealed"),
        TransitionDef("intercede", ("expelled", "appealed", "intercession"), "intercession"),
        TransitionDef("ask", ("appealed", "intercession"), None),
        TransitionDef("reinstate", ("appealed", "intercession"), "reinstated"),
        TransitionDef("uphold", ("appealed", "intercession"), "upheld"),
    ),
)


def requiring(procedure: Procedure, trigger: str, **requires: int) -> Procedure:
    """``procedure`` with every ``trigger`` transition requiring ``requires``."""
    return procedure.evolve(
        transitions=tuple(
            attrs.evolve(t, requires=tuple(sorted(requires.items()))) if t.trigger == trigger else t
            for t in procedure.transitions
        )
    )


def fire_all(procedure: Procedure, kinds: list[str]) -> str:
    """Fire bare events of these kinds through a fresh runner; the state reached."""
    runner = procedure.runner()
    for event in case_from_kinds(procedure, kinds).events:
        runner.fire(event)
    return runner.state


class TestReadingTransitions:
    def test_a_good_file_loads(self, folder: Path) -> None:
        """A transition's keys become a TransitionDef; a lone source may be a string."""
        proc = read(
            folder,
            HEAD
            + '\n[[transitions]]\ntrigger = "go"\nsource = "a"\ndest = "b"\n'
            + 'verb = "goes to"\ndescription = "Moves on."\nrequires = { wait = 2, ask = 1 }\n'
            + '\n[[transitions]]\ntrigger = "wait"\nsource = ["a"]\ninternal = true\n'
            + '\n[[transitions]]\ntrigger = "ask"\nsource = ["a"]\ninternal = true\n',
        )
        assert proc.transitions == (
            TransitionDef("go", ("a",), "b", "goes to", "Moves on.", (("ask", 1), ("wait", 2))),
            TransitionDef("wait", ("a",), None),
            TransitionDef("ask", ("a",), None),
        )
        assert (proc.id, proc.title, proc.initial) == ("p", "A procedure", "a")
        assert proc.states == (StateDef("a"), StateDef("b", final=True))
        # where it was read from is not part of what a procedure is
        assert proc.origin == str(folder / "procedure.toml")
        assert proc == Procedure("p", "A procedure", "a", proc.states, proc.transitions)

    def test_internal_ignores_dest(self, folder: Path) -> None:
        """internal = true keeps the state, whatever dest says."""
        proc = read(folder, HEAD + GO + "internal = true\n")
        assert proc.transitions[0].dest is None

    def test_rows_that_are_not_tables(self, check: Callable[[str], list[str]]) -> None:
        """transitions = [1, "x"]: one line says so (no line number is known)."""
        text = 'transitions = [1, "x"]\n\n' + HEAD
        assert check(text) == ["scenarios/procedure.toml: transition is not a table"]

    def test_missing_trigger(self, check: Callable[[str], list[str]]) -> None:
        """A transition without a trigger is refused at its table's line."""
        assert check(HEAD + '\n[[transitions]]\nsource = ["a"]\ndest = "b"\n') == [
            "scenarios/procedure.toml:13: trigger None is not valid; "
            "expected a name like request_verification"
        ]

    @pytest.mark.parametrize("name", ["2nd", "go on", ""])
    def test_trigger_not_a_name(self, name: str, check: Callable[[str], list[str]]) -> None:
        """A trigger must be a Python-style name."""
        text = HEAD + GO.replace('"go"', f'"{name}"')
        assert check(text) == [
            f"scenarios/procedure.toml:14: trigger {name!r} is not valid; "
            "expected a name like request_verification"
        ]

    @pytest.mark.parametrize("name", ["background", "may_go", "to_b"])
    def test_reserved_trigger(self, name: str, check: Callable[[str], list[str]]) -> None:
        """'background' and the Machine's may_/to_ prefixes are reserved."""
        assert check(HEAD + GO.replace('"go"', f'"{name}"')) == [
            f"scenarios/procedure.toml:14: trigger {name!r} is reserved; expected another name"
        ]

    def test_names_that_merely_contain_a_prefix_are_free(self, folder: Path) -> None:
        """'go_to', 'maybe' and 'background_check' are ordinary triggers."""
        for name in ("go_to", "maybe", "background_check", "tomay_"):
            proc = read(folder, HEAD + GO.replace('"go"', f'"{name}"'))
            assert proc.triggers == (name,)

    def test_missing_source(self, check: Callable[[str], list[str]]) -> None:
        """A transition without a source is refused at its table's line."""
        assert check(HEAD + '\n[[transitions]]\ntrigger = "go"\ndest = "b"\n') == [
            "scenarios/procedure.toml:13: source is missing; expected a list of states"
        ]

    def test_empty_source(self, check: Callable[[str], list[str]]) -> None:
        """An empty source list is refused at its line."""
        assert check(HEAD + GO.replace('["a"]', "[]")) == [
            "scenarios/procedure.toml:15: source is missing; expected a list of states"
        ]

    def test_unknown_source_and_dest(self, check: Callable[[str], list[str]]) -> None:
        """Each unknown state is reported, with the states there are."""
        assert check(HEAD + GO.replace('["a"]', '["a", "z", "y"]').replace('"b"', '"x"')) == [
            "scenarios/procedure.toml:15: source state 'z' is not a state; expected one of: a, b",
            "scenarios/procedure.toml:15: source state 'y' is not a state; expected one of: a, b",
            "scenarios/procedure.toml:16: dest state 'x' is not a state; "
            "expected one of: a, b (or internal = true)",
            "3 problems",
        ]

    def test_missing_dest(self, check: Callable[[str], list[str]]) -> None:
        """No dest and not internal: refused."""
        assert check(HEAD + '\n[[transitions]]\ntrigger = "go"\nsource = ["a"]\n') == [
            "scenarios/procedure.toml:13: dest state None is not a state; "
            "expected one of: a, b (or internal = true)"
        ]

    def test_internal_must_be_true(self, check: Callable[[str], list[str]]) -> None:
        """internal = "yes" is not internal = true: the missing dest is reported."""
        text = HEAD + '\n[[transitions]]\ntrigger = "go"\nsource = ["a"]\ninternal = "yes"\n'
        assert check(text) == [
            "scenarios/procedure.toml:13: dest state None is not a state; "
            "expected one of: a, b (or internal = true)"
        ]

    @pytest.mark.parametrize(
        "requires", ["{ go = 0 }", "{ go = -1 }", '{ go = "2" }', "2", "{ go = 1, ask = 0 }"]
    )
    def test_bad_requires(self, requires: str, check: Callable[[str], list[str]]) -> None:
        """Counts must be whole numbers above zero (0 is for what-if rules only)."""
        assert check(HEAD + GO + f"requires = {requires}\n") == [
            "scenarios/procedure.toml:17: requires must map event kinds to counts; "
            "expected e.g. requires = { intercede = 2 }"
        ]

    def test_a_boolean_is_not_a_count(self, check: Callable[[str], list[str]]) -> None:
        """requires = { go = true } is refused like any count that is not a number."""
        assert check(HEAD + GO + "requires = { go = true }\n") == [
            "scenarios/procedure.toml:17: requires must map event kinds to counts; "
            "expected e.g. requires = { intercede = 2 }"
        ]

    def test_every_problem_is_reported(self, check: Callable[[str], list[str]]) -> None:
        """Problems in several transitions and the head all come out, in the order read."""
        text = (
            HEAD.replace('initial = "a"', 'initial = "z"')
            + GO.replace('["a"]', '["q"]')
            + '\n[[transitions]]\ndest = "b"\n'
            + GO.replace('"go"', '"background"')
        )
        assert check(text) == [
            "scenarios/procedure.toml:15: source state 'q' is not a state; expected one of: a, b",
            "scenarios/procedure.toml:18: trigger None is not valid; "
            "expected a name like request_verification",
            "scenarios/procedure.toml:22: trigger 'background' is reserved; expected another name",
            "scenarios/procedure.toml:4: initial state 'z' is not a state; expected one of: a, b",
            "4 problems",
        ]


class TestReadingStatesAndHead:
    def test_missing_procedure_table(self, check: Callable[[str], list[str]]) -> None:
        """No [procedure] table: nothing else is read."""
        assert check(HEAD.replace("[procedure]\n", "[other]\n") + GO) == [
            "scenarios/procedure.toml: missing [procedure] table; expected id, title and initial"
        ]

    def test_head_keys(self, check: Callable[[str], list[str]]) -> None:
        """id, title and initial must be non-empty strings; each is reported at its line."""
        text = HEAD.replace('id = "p"', "id = 7").replace('title = "A procedure"', 'title = ""')
        assert check(text.replace('initial = "a"\n', "") + GO) == [
            "scenarios/procedure.toml:2: [procedure] id is missing or not a string; "
            "expected a non-empty string",
            "scenarios/procedure.toml:3: [procedure] title is missing or not a string; "
            "expected a non-empty string",
            "scenarios/procedure.toml:1: [procedure] initial is missing or not a string; "
            "expected a non-empty string",
            "3 problems",
        ]

    def test_unknown_initial(self, check: Callable[[str], list[str]]) -> None:
        """The initial state must be one of the states."""
        assert check(HEAD.replace('initial = "a"', 'initial = "z"') + GO) == [
            "scenarios/procedure.toml:4: initial state 'z' is not a state; expected one of: a, b"
        ]

    def test_no_states(self, check: Callable[[str], list[str]]) -> None:
        """No [[states]]: said once, and every state named is then unknown."""
        text = HEAD.split("\n[[states]]")[0] + GO
        assert check(text) == [
            "scenarios/procedure.toml: no [[states]] tables; expected at least one state",
            "scenarios/procedure.toml:8: source state 'a' is not a state; expected one of: ",
            "scenarios/procedure.toml:9: dest state 'b' is not a state; "
            "expected one of:  (or internal = true)",
            "scenarios/procedure.toml:4: initial state 'a' is not a state; expected one of: ",
            "4 problems",
        ]

    def test_no_transitions(self, check: Callable[[str], list[str]]) -> None:
        """No [[transitions]]: refused."""
        assert check(HEAD) == [
            "scenarios/procedure.toml: no [[transitions]] tables; expected at least one transition"
        ]

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ('name = "2nd"', "state name '2nd' is not valid"),
            ('description = "no name"', "state name None is not valid"),
        ],
    )
    def test_bad_state_name(
        self, row: str, message: str, check: Callable[[str], list[str]]
    ) -> None:
        """A state's name must be a Python-style name."""
        line = 14 if row.startswith("name") else 13
        assert check(HEAD + f"\n[[states]]\n{row}\n" + GO) == [
            f"scenarios/procedure.toml:{line}: {message}; "
            "expected a name like verification_requested"
        ]

    def test_state_defined_twice(self, check: Callable[[str], list[str]]) -> None:
        """A second state of the same name is refused at its table."""
        assert check(HEAD + '\n[[states]]\nname = "a"\n' + GO) == [
            "scenarios/procedure.toml:13: state 'a' is defined twice; expected unique names"
        ]

    def test_a_state_defined_twice_is_read_once(self, check: Callable[[str], list[str]]) -> None:
        """The second definition is not read further: its own mistakes are not reported."""
        assert check(HEAD + '\n[[states]]\nname = "a"\nfinal = "yes"\n' + GO) == [
            "scenarios/procedure.toml:13: state 'a' is defined twice; expected unique names"
        ]

    @pytest.mark.parametrize("value", ["[]", "3"])
    def test_an_empty_or_odd_list_of_states(
        self, value: str, check: Callable[[str], list[str]]
    ) -> None:
        """states = [] or states = 3 is as if there were no [[states]]."""
        text = f"states = {value}\n\n" + HEAD.split("\n[[states]]")[0] + GO
        assert check(text) == [
            "scenarios/procedure.toml: no [[states]] tables; expected at least one state",
            "scenarios/procedure.toml:10: source state 'a' is not a state; expected one of: ",
            "scenarios/procedure.toml:11: dest state 'b' is not a state; "
            "expected one of:  (or internal = true)",
            "scenarios/procedure.toml:6: initial state 'a' is not a state; expected one of: ",
            "4 problems",
        ]

    @pytest.mark.parametrize("value", ["[]", "3"])
    def test_an_empty_or_odd_list_of_transitions(
        self, value: str, check: Callable[[str], list[str]]
    ) -> None:
        """transitions = [] or transitions = 3 is as if there were no [[transitions]]."""
        assert check(f"transitions = {value}\n\n" + HEAD) == [
            "scenarios/procedure.toml: no [[transitions]] tables; expected at least one transition"
        ]

    def test_final_must_be_a_boolean(self, check: Callable[[str], list[str]]) -> None:
        """final = "yes" is refused at its line."""
        assert check(HEAD + '\n[[states]]\nname = "c"\nfinal = "yes"\n' + GO) == [
            "scenarios/procedure.toml:15: state 'c': final is 'yes'; "
            "expected final = true or final = false"
        ]

    def test_states_keep_description_and_outcome(self, folder: Path) -> None:
        """A state's description, final flag and outcome are read as written."""
        proc = read(
            folder,
            HEAD + '\n[[states]]\nname = "c"\ndescription = "Resting."\noutcome = "rested"\n' + GO,
        )
        assert proc.states == (
            StateDef("a"),
            StateDef("b", final=True),
            StateDef("c", "Resting.", False, "rested"),
        )


class TestLookups:
    @pytest.fixture(name="proc")
    def fixture_proc(self) -> Procedure:
        """Four states: pending, final, final with its own outcome, resting with an outcome."""
        return Procedure(
            "p",
            "P",
            "a",
            (
                StateDef("a"),
                StateDef("b", final=True),
                StateDef("c", final=True, outcome="settled"),
                StateDef("d", outcome="settled"),
            ),
            (
                TransitionDef("go", ("a",), "b"),
                TransitionDef("settle_down", ("a",), "c", description="Settles."),
                TransitionDef("go", ("b",), "d", verb="goes on to", description="Goes on."),
                TransitionDef("go", ("d",), "a", verb="goes back to"),
            ),
        )

    def test_outcome_words(self, proc: Procedure) -> None:
        """The two outcomes no state names: pending, and illegal for a refused event."""
        assert (PENDING, ILLEGAL) == ("pending", "illegal")
        history = replay(case_from_kinds(proc, ["go", "settle_down"]), proc, strict=False)
        assert (history.state, history.outcome) == ("b", "illegal")

    def test_outcome_labels(self, proc: Procedure) -> None:
        """A state's outcome, else its name when final, else pending."""
        assert [s.outcome_label for s in proc.states] == ["pending", "b", "settled", "settled"]
        assert [proc.outcome_of(s) for s in ("a", "b", "c", "d")] == [
            PENDING,
            "b",
            "settled",
            "settled",
        ]

    def test_outcomes_and_triggers(self, proc: Procedure) -> None:
        """Outcomes without repeats, pending last; triggers without repeats, in file order."""
        assert proc.outcomes == ("b", "settled", "pending")
        assert proc.triggers == ("go", "settle_down")
        assert proc.state_names == ("a", "b", "c", "d")

    def test_state_lookup(self, proc: Procedure) -> None:
        """A state by name; KeyError for an unknown one."""
        assert proc.state("c") == StateDef("c", final=True, outcome="settled")
        with pytest.raises(KeyError, match="'z'"):
            proc.state("z")

    def test_verb_and_description(self, proc: Procedure) -> None:
        """The first transition of a trigger that has one; else the trigger's words, or ""."""
        assert proc.verb("go") == "goes on to"
        assert proc.verb("settle_down") == "settle down"
        assert proc.describe("go") == "Goes on."
        assert proc.describe("settle_down") == "Settles."
        assert proc.describe("nothing") == ""

    def test_to_mapping(self) -> None:
        """The procedure-file form: only the keys that say something."""
        full = TransitionDef("go", ("a", "b"), "c", "goes", "Goes.", (("x", 2),))
        assert full.to_mapping() == {
            "trigger": "go",
            "source": ["a", "b"],
            "dest": "c",
            "verb": "goes",
            "description": "Goes.",
            "requires": {"x": 2},
        }
        assert TransitionDef("wait", ("a",), None).to_mapping() == {
            "trigger": "wait",
            "source": ["a"],
            "internal": True,
        }

    def test_evolve_leaves_the_original(self, proc: Procedure) -> None:
        """evolve returns a changed copy."""
        other = proc.evolve(initial="b")
        assert (other.initial, proc.initial) == ("b", "a")
        assert other.states == proc.states


class TestRunner:
    def test_allowed_in_the_procedures_order(self) -> None:
        """What may follow, in the order of the transitions; nothing after a final state."""
        runner = APPEAL.runner()
        assert (runner.state, runner.allowed()) == ("member", ["expel"])
        for event in case_from_kinds(APPEAL, ["expel", "appeal"]).events:
            runner.fire(event)
        assert runner.allowed() == ["appeal", "intercede", "ask", "reinstate", "uphold"]
        runner.fire(case_from_kinds(APPEAL, ["reinstate"]).events[0])
        assert (runner.state, runner.allowed()) == ("reinstated", [])

    def test_fire_returns_the_new_state(self) -> None:
        """Each event moves the state; an internal one keeps it."""
        runner = APPEAL.runner()
        events = case_from_kinds(APPEAL, ["expel", "appeal", "ask", "intercede"]).events
        assert [runner.fire(e) for e in events] == [
            "expelled",
            "appealed",
            "appealed",
            "intercession",
        ]

    def test_a_state_only_a_diagram_cannot_hold(self) -> None:
        """A state named 'note' (a Mermaid word) is refused for diagrams only: replay works."""
        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("note", final=True)),
            (TransitionDef("go", ("a",), "note"),),
        )
        assert history_from_kinds(proc, ["go"]).outcome == "note"

    def test_try_fire(self) -> None:
        """try_fire says whether the kind was allowed; a refused one leaves the state."""
        runner = APPEAL.runner()
        assert (runner.try_fire("appeal"), runner.state) == (False, "member")
        assert (runner.try_fire("resign"), runner.state) == (False, "member")
        assert (runner.try_fire("expel"), runner.state) == (True, "expelled")

    def test_illegal_event(self) -> None:
        """An event the state does not allow: its id, kind, the state and what was allowed."""
        case = case_from_kinds(APPEAL, ["expel", "reinstate"])
        with pytest.raises(IllegalTransition) as err:
            history_from_kinds(APPEAL, ["expel", "reinstate"])
        assert err.value.event == case.events[1]
        assert (err.value.state, err.value.allowed, err.value.unmet) == (
            "expelled",
            ("appeal", "intercede"),
            "",
        )
        assert str(err.value) == (
            "event 'generated-2' (reinstate) cannot follow state 'expelled'; "
            "allowed here: appeal, intercede"
        )

    def test_after_a_final_state(self) -> None:
        """Nothing is allowed after a final state, and the message says so."""
        with pytest.raises(IllegalTransition) as err:
            history_from_kinds(APPEAL, ["expel", "appeal", "reinstate", "appeal"])
        assert str(err.value) == (
            "event 'generated-4' (appeal) cannot follow state 'reinstated'; "
            "allowed here: nothing (final state)"
        )

    def test_unknown_kind(self) -> None:
        """A kind the procedure does not define is illegal like any other."""
        with pytest.raises(IllegalTransition) as err:
            history_from_kinds(APPEAL, ["expel", "resign"])
        assert (err.value.state, err.value.allowed, err.value.unmet) == (
            "expelled",
            ("appeal", "intercede"),
            "",
        )

    def test_requirement_met_exactly(self) -> None:
        """requires = { intercede = 2 }: two intercessions are enough, one is not."""
        strict = requiring(APPEAL, "reinstate", intercede=2)
        assert fire_all(strict, ["expel", "intercede", "intercede", "reinstate"]) == "reinstated"
        with pytest.raises(IllegalTransition) as err:
            fire_all(strict, ["expel", "intercede", "reinstate"])
        assert err.value.unmet == "requires 2 × intercede (found 1) before it"
        assert err.value.allowed == ("intercede", "ask", "uphold")
        assert str(err.value) == (
            "event 'generated-3' (reinstate) cannot follow state 'intercession' "
            "(requires 2 × intercede (found 1) before it); allowed here: intercede, ask, uphold"
        )

    def test_every_event_counts(self) -> None:
        """Internal events count towards a requirement, each once."""
        strict = requiring(APPEAL, "reinstate", ask=2)
        assert fire_all(strict, ["expel", "appeal", "ask", "ask", "reinstate"]) == "reinstated"
        with pytest.raises(IllegalTransition) as err:
            fire_all(strict, ["expel", "appeal", "ask", "reinstate"])
        assert err.value.unmet == "requires 2 × ask (found 1) before it"

    def test_two_requirements(self) -> None:
        """Every unmet requirement is named, in the order of the kinds; met ones are not."""
        strict = requiring(APPEAL, "reinstate", intercede=2, ask=1, expel=1)
        with pytest.raises(IllegalTransition) as err:
            fire_all(strict, ["expel", "intercede", "reinstate"])
        assert err.value.unmet == "requires 1 × ask (found 0), 2 × intercede (found 1) before it"
        both = ["expel", "intercede", "intercede", "ask", "reinstate"]
        assert fire_all(strict, both) == "reinstated"

    def test_unmet_only_for_the_state_it_is_in(self) -> None:
        """A rule on a transition from other states does not explain an illegal event here."""
        strict = requiring(APPEAL, "reinstate", intercede=2)
        with pytest.raises(IllegalTransition) as err:
            fire_all(strict, ["expel", "reinstate"])
        assert err.value.unmet == ""

    def test_a_second_rule_for_the_same_trigger(self) -> None:
        """With two transitions of one trigger, the one whose rule is met fires."""
        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("b"), StateDef("c")),
            (
                TransitionDef("wait", ("a",), None),
                TransitionDef("go", ("a",), "c", requires=(("wait", 1),)),
                TransitionDef("go", ("a",), "b"),
            ),
        )
        assert fire_all(proc, ["go"]) == "b"
        assert fire_all(proc, ["wait", "go"]) == "c"


class TestGraphProblems:
    def test_a_procedure_built_in_code(self) -> None:
        """With no file behind it, a problem names the procedure, with no line."""
        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("b", final=True), StateDef("orphan"), StateDef("stuck")),
            (TransitionDef("go", ("a",), "b"), TransitionDef("wait", ("a",), "stuck")),
        )
        assert [str(p) for p in graph_problems(proc)] == [
            "p: state 'orphan' is unreachable from 'a'; expected every state to be reachable",
            "p: state 'stuck' has no way out and is not final; "
            "expected a transition from it, or final = true",
        ]


class TestNamesTheMachineCannotHold:
    """Names are ids: plain ASCII, and none that the state machine, Python or a
    Mermaid diagram already uses. Each is refused at its line, with the reason."""

    @pytest.mark.parametrize(
        ("name", "reason"),
        [
            ("state", "the state machine keeps a case's state under that name"),
            ("counts", "casework keeps the counts of earlier events under that name"),
            ("trigger", "the state machine gives its model a method of that name"),
            ("may_trigger", "the state machine gives its model a method of that name"),
            ("get_graph", "the diagram's state machine gives its model a method of that name"),
            ("is_b", "the state machine names its test for each state is_<state>"),
            ("__init__", "Python gives every object its own __special__ names"),
            ("__class__", "Python gives every object its own __special__ names"),
            ("__repr__", "Python gives every object its own __special__ names"),
        ],
    )
    def test_reserved_triggers(
        self, name: str, reason: str, check: Callable[[str], list[str]]
    ) -> None:
        """Each name the Machine's model already has, or writes for every state."""
        assert check(HEAD + GO.replace('"go"', f'"{name}"')) == [
            f"scenarios/procedure.toml:14: trigger {name!r} is reserved: {reason}; "
            "expected another name"
        ]

    def test_the_reserved_names_are_what_a_machine_writes(self) -> None:
        """Every attribute a transitions Machine (or the diagram's GraphMachine) puts
        on its model, and every attribute of casework's own model, is refused."""
        from transitions import Machine
        from transitions.extensions.diagrams import GraphMachine

        from casework.model.names import name_problem
        from casework.model.procedure import _Cursor

        class Bare:
            pass

        written: set[str] = set()
        for cls in (Machine, GraphMachine):
            model = Bare()
            before = set(dir(model))
            options = {"graph_engine": "mermaid"} if cls is GraphMachine else {}
            cls(model=model, states=["s"], transitions=[["t", "s", "s"]], initial="s", **options)
            written |= set(dir(model)) - before
        written |= {n for n in dir(_Cursor()) if not n.startswith("__")}
        assert written >= {"state", "trigger", "may_trigger", "get_graph", "t", "may_t", "is_s"}
        # the trigger t and state s themselves are names the file chose: refused or not,
        # every name written for them starts with a reserved prefix
        refused = {n for n in written if name_problem(n, "trigger") is not None}
        assert written - refused == {"t"}

    def test_a_python_special_name_was_silently_ignored(self) -> None:
        """A procedure built in Python with such a name is refused when its Machine is
        built (the Machine would keep object.__class__: the state would never move)."""
        from casework.model.procedure import InvalidProcedure

        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("b", final=True)),
            (TransitionDef("__class__", ("a",), "b"),),
        )
        with pytest.raises(InvalidProcedure) as err:
            proc.runner()
        assert str(err.value) == (
            "procedure 'p': trigger '__class__' is reserved: Python gives every object its "
            "own __special__ names; expected another name"
        )

    @pytest.mark.parametrize("command", [["replay"], ["paths"], ["diagram"], ["list"]])
    def test_every_command_reports_it(
        self, command: list[str], folder: Path, cli: Callable[..., object]
    ) -> None:
        """A trigger named 'state' crashed every command (exit 70); now each says why."""
        (folder / "procedure.toml").write_text(
            HEAD + GO.replace('"go"', '"state"'), encoding="utf-8"
        )
        result = cli(*command, "--scenarios", "scenarios")
        assert (result.code, result.err) == (  # type: ignore[attr-defined]
            1,
            "scenarios/procedure.toml:14: trigger 'state' is reserved: the state machine "
            "keeps a case's state under that name; expected another name\n",
        )

    @pytest.mark.parametrize(
        ("name", "shown", "char"),
        [
            ("reinstat\u0435d", "reinstat\\u0435d", "U+0435 CYRILLIC SMALL LETTER IE"),
            ("caf\u00e9", "caf\\xe9", "U+00E9 LATIN SMALL LETTER E WITH ACUTE"),
            ("cafe\u0301", "cafe\\u0301", "U+0301 COMBINING ACUTE ACCENT"),
        ],
    )
    def test_lookalike_state_names(
        self, name: str, shown: str, char: str, check: Callable[[str], list[str]]
    ) -> None:
        """A Cyrillic е, a composed é and a decomposed é are all refused: each would be
        a state that prints like another. The message shows the escape."""
        assert check(HEAD + f'\n[[states]]\nname = "{name}"\n' + GO) == [
            f"scenarios/procedure.toml:14: state name '{shown}' is not valid: {char} "
            "is not ASCII; expected ASCII letters, digits and _"
        ]

    def test_lookalike_trigger_source_and_dest(self, check: Callable[[str], list[str]]) -> None:
        """Every name a transition gives goes through the same check."""
        text = (
            HEAD
            + '\n[[transitions]]\ntrigger = "g\u043e"\nsource = ["a"]\ndest = "b"\n'
            + '\n[[transitions]]\ntrigger = "go"\nsource = ["\u0430"]\ndest = "\u0184"\n'
        )
        assert check(text) == [
            "scenarios/procedure.toml:14: trigger 'g\\u043e' is not valid: U+043E CYRILLIC "
            "SMALL LETTER O is not ASCII; expected ASCII letters, digits and _",
            "scenarios/procedure.toml:20: source state '\\u0430' is not valid: U+0430 "
            "CYRILLIC SMALL LETTER A is not ASCII; expected ASCII letters, digits and _",
            "scenarios/procedure.toml:21: dest state '\\u0184' is not valid: U+0184 LATIN "
            "CAPITAL LETTER TONE SIX is not ASCII; expected ASCII letters, digits and _",
            "3 problems",
        ]

    def test_outcome_labels_are_names(self, check: Callable[[str], list[str]]) -> None:
        """An outcome is compared as a name too: ASCII, a string, and not 'illegal'."""
        states = (
            '\n[[states]]\nname = "c"\noutcome = "uph\u0435ld"\n'
            + '\n[[states]]\nname = "d"\noutcome = 3\n'
            + '\n[[states]]\nname = "e"\noutcome = "illegal"\n'
        )
        assert check(HEAD + states + GO) == [
            "scenarios/procedure.toml:15: state 'c': outcome 'uph\\u0435ld' is not valid: "
            "U+0435 CYRILLIC SMALL LETTER IE is not ASCII; expected ASCII letters, digits and _",
            "scenarios/procedure.toml:19: state 'd': outcome is 3; "
            "expected a name like expulsion_upheld",
            "scenarios/procedure.toml:23: state 'e': outcome 'illegal' is reserved: casework "
            "gives that outcome to a history made illegal; expected another name",
            "3 problems",
        ]

    @pytest.mark.parametrize("name", ["note", "Class", "classDef", "click", "style", "default"])
    def test_mermaid_words_are_not_state_names(
        self, name: str, check: Callable[[str], list[str]]
    ) -> None:
        """A state is a Mermaid id in `casework diagram`; these words open a statement."""
        assert check(HEAD + f'\n[[states]]\nname = "{name}"\n' + GO)[0] == (
            f"scenarios/procedure.toml:14: state name {name!r} is reserved: it opens a "
            "statement in a Mermaid state diagram; expected another name"
        )

    def test_procedure_id(self, check: Callable[[str], list[str]]) -> None:
        """The id names the procedure in case files: letters, digits, '-' or '_'."""
        assert check(HEAD.replace('id = "p"', 'id = "purge\u20131921"') + GO) == [
            "scenarios/procedure.toml:2: [procedure] id 'purge\\u20131921' is not valid; "
            "expected letters, digits, '-' or '_' (ASCII, at most 80)"
        ]


class TestRequiresKeys:
    """A requires rule counts earlier events of kinds the procedure defines."""

    def test_an_unknown_kind(self, check: Callable[[str], list[str]]) -> None:
        """A kind that is no trigger could never be counted."""
        assert check(HEAD + GO + "requires = { wiat = 1 }\n") == [
            "scenarios/procedure.toml:17: required kind 'wiat' is not a trigger; "
            "expected one of: go"
        ]

    def test_a_later_trigger_may_be_required(self, folder: Path) -> None:
        """The triggers are all known before any rule is checked."""
        proc = read(
            folder,
            HEAD
            + GO
            + "requires = { wait = 1 }\n"
            + '\n[[transitions]]\ntrigger = "wait"\nsource = ["a"]\ninternal = true\n',
        )
        assert proc.transitions[0].requires == (("wait", 1),)

    def test_mermaid_in_a_key(self, check: Callable[[str], list[str]]) -> None:
        """A quoted key holding a line break, a click and an init directive: one line,
        escaped, and never a diagram."""
        key = '"go\\nclick a href \\"javascript:alert(1)\\"\\n%%{init: {}}%%"'
        assert check(HEAD + GO + f"requires = {{ {key} = 1 }}\n") == [
            "scenarios/procedure.toml:17: required kind 'go\\nclick a href "
            '"javascript:alert(1)"\\n%%{init: {}}%%\' is not valid; '
            "expected ASCII letters, digits and _"
        ]

    def test_a_lookalike_kind(self, check: Callable[[str], list[str]]) -> None:
        """A Cyrillic о in a required kind."""
        assert check(HEAD + GO + 'requires = { "g\u043e" = 1 }\n') == [
            "scenarios/procedure.toml:17: required kind 'g\\u043e' is not valid: U+043E "
            "CYRILLIC SMALL LETTER O is not ASCII; expected ASCII letters, digits and _"
        ]

    @pytest.mark.parametrize(("count", "ok"), [(1000, True), (1001, False), (10_000_000, False)])
    def test_counts_are_capped(
        self, count: int, ok: bool, folder: Path, check: Callable[[str], list[str]]
    ) -> None:
        """A count over 1,000 is refused: a path holds every required event (ten
        million of them took 5.4 GB in `casework paths`)."""
        text = (
            HEAD
            + GO
            + f"requires = {{ wait = {count} }}\n"
            + '\n[[transitions]]\ntrigger = "wait"\nsource = ["a"]\ninternal = true\n'
        )
        if ok:
            assert read(folder, text).transitions[0].requires == (("wait", count),)
        else:
            assert check(text) == [
                f"scenarios/procedure.toml:17: requires {count:,} × wait, too many for a "
                "path through the procedure; expected at most 1,000"
            ]


class TestDiagramOfHostileText:
    """`casework diagram` writes no file text that Mermaid could read as a statement."""

    def test_labels_are_escaped(self) -> None:
        """A rule's kind with a line break, a click and an init directive (possible in
        a procedure built in Python) stays inside its label: the diagram is the one
        of a harmless kind, with only that label's text changed."""
        from casework.views.diagram import diagram

        def requiring(kind: str) -> Procedure:
            return Procedure(
                "p",
                "P",
                "a",
                (StateDef("a"), StateDef("b", final=True)),
                (TransitionDef("go", ("a",), "b", requires=((kind, 1),)),),
            )

        evil = 'ask\n  click a href "javascript:alert(1)"\n%%{init: {"theme": "dark"}}%%'
        escaped = (
            "ask#10;  click a href #34;javascript#58;alert(1)#34;#10;#37;#37;#123;init#58; "
            "#123;#34;theme#34;#58; #34;dark#34;#125;#125;#37;#37;"
        )
        text = diagram(requiring(evil))
        assert escaped in text
        assert text.replace(escaped, "ask") == diagram(requiring("ask"))

    def test_a_direction_in_a_label(self) -> None:
        """Mermaid reads any line holding 'direction TB' as a direction statement."""
        from casework.views.diagram import diagram

        def requiring(kind: str) -> Procedure:
            return Procedure(
                "p",
                "P",
                "a",
                (StateDef("a"), StateDef("b", final=True)),
                (TransitionDef("go", ("a",), "b", requires=((kind, 1),)),),
            )

        text = diagram(requiring("direction TB"))
        assert "direction#32;TB" in text
        assert text.replace("direction#32;TB", "x") == diagram(requiring("x"))

    def test_names_mermaid_cannot_hold(self) -> None:
        """A state named like a Mermaid statement, built in Python, is refused."""
        from casework.model.procedure import InvalidProcedure
        from casework.views.diagram import diagram

        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("note", final=True)),
            (TransitionDef("go", ("a",), "note"),),
        )
        with pytest.raises(InvalidProcedure) as err:
            diagram(proc)
        assert str(err.value) == (
            "procedure 'p': state name 'note' is reserved: it opens a statement in a Mermaid "
            "state diagram; expected another name"
        )

    def test_not_a_procedure(self) -> None:
        """diagram('x') is a TypeError that says what diagram() draws."""
        from casework.views.diagram import diagram

        with pytest.raises(TypeError) as err:
            diagram("x")  # type: ignore[arg-type]
        assert str(err.value) == "diagram() draws a Procedure or a History, not str"


class TestWhatIfRuleNames:
    def test_lookalikes_are_told_apart(self) -> None:
        """A what-if rule's trigger, states and required kinds get the same check as the
        procedure's own names: a lookalike is shown escaped, with the reason."""
        from casework.model.draft import EditProblem
        from casework.model.edits import Rule

        proc = Procedure(
            "p",
            "P",
            "a",
            (StateDef("a"), StateDef("b", final=True)),
            (TransitionDef("go", ("a",), "b"),),
        )
        cases = [
            (Rule("g\u043e"), "trigger 'g\\u043e' is not valid: U+043E CYRILLIC SMALL LETTER O"),
            (
                Rule("go", add_source=["\u0430"]),
                "state name '\\u0430' is not valid: U+0430 CYRILLIC SMALL LETTER A",
            ),
            (
                Rule("go", requires={"g\u043e": 1}),
                "required kind 'g\\u043e' is not valid: U+043E CYRILLIC SMALL LETTER O",
            ),
        ]
        for rule, what in cases:
            with pytest.raises(EditProblem) as err:
                rule.apply(proc)
            assert (err.value.what, err.value.expected) == (
                f"{what} is not ASCII",
                "expected ASCII letters, digits and _",
            )
