"""Reading a procedure file (``procedure.toml``, ``procedures/*.toml``) into a
:class:`~casework.Procedure`, every problem reported with its line; and the
problems of its graph of states that ``check`` reports."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from casework.errors import CaseFileError, Problem
from casework.load.schema import Where
from casework.load.tomlfile import TomlFile
from casework.model.graph import (
    dead_ends,
    outcome_states,
    reachable_states,
    traps,
    unreachable_states,
)
from casework.model.procedure import Procedure, StateDef, TransitionDef

__all__ = ["graph_problems", "read_procedure"]


def read_procedure(path: Path) -> Procedure:
    """Read and validate a procedure file; every problem found is reported."""
    return _Reader(TomlFile.read(path)).read()


class _Reader:
    """Checks a procedure file's tables and keys, collecting every problem."""

    def __init__(self, toml: TomlFile) -> None:
        self.toml = toml
        self.problems: list[Problem] = []

    def add(self, what: str, expected: str = "", **where: Any) -> None:
        self.problems.append(self.toml.problem(what, expected, **where))

    def read(self) -> Procedure:
        data = self.toml.data
        head = data.get("procedure")
        if not isinstance(head, Mapping):
            self.add("missing [procedure] table", "expected id, title and initial")
            raise CaseFileError(self.problems)
        for key in ("id", "title", "initial"):
            if not isinstance(head.get(key), str) or not head.get(key):
                self.add(
                    f"[procedure] {key} is missing or not a string",
                    "expected a non-empty string",
                    table="procedure",
                    key=key,
                )
        states = self._states(data.get("states"))
        names = {s.name for s in states}
        transitions = self._transitions(data.get("transitions"), names)
        initial = head.get("initial", "")
        if isinstance(initial, str) and initial and initial not in names:
            self.add(
                f"initial state {initial!r} is not a state",
                f"expected one of: {', '.join(sorted(names))}",
                table="procedure",
                key="initial",
            )
        if self.problems:
            raise CaseFileError(self.problems)
        return Procedure(
            id=head["id"],
            title=head["title"],
            initial=initial,
            states=tuple(states),
            transitions=tuple(transitions),
            origin=str(self.toml.path),
        )

    def _states(self, rows: Any) -> list[StateDef]:
        if not isinstance(rows, list) or not rows:
            self.add("no [[states]] tables", "expected at least one state")
            return []
        out: list[StateDef] = []
        seen: set[str] = set()
        for i, row in enumerate(rows):
            where: Where = {"table": "states", "index": i}
            name = row.get("name") if isinstance(row, Mapping) else None
            if not isinstance(name, str) or not name.isidentifier():
                self.add(
                    f"state name {name!r} is not valid",
                    "expected a name like verification_requested",
                    key="name",
                    **where,
                )
                continue
            if name in seen:
                self.add(f"state {name!r} is defined twice", "expected unique names", **where)
                continue
            seen.add(name)
            final = row.get("final", False)
            if not isinstance(final, bool):
                self.add(
                    f"state {name!r}: final is {final!r}",
                    "expected final = true or final = false",
                    key="final",
                    **where,
                )
                final = False
            out.append(
                StateDef(
                    name,
                    str(row.get("description", "")),
                    final,
                    str(row.get("outcome", "")),
                    origin=self.toml.origin("states", i, key="name"),
                )
            )
        return out

    def _transitions(self, rows: Any, names: set[str]) -> list[TransitionDef]:
        if not isinstance(rows, list) or not rows:
            self.add("no [[transitions]] tables", "expected at least one transition")
            return []
        allowed = ", ".join(sorted(names))
        out: list[TransitionDef] = []
        for i, row in enumerate(rows):
            where: Where = {"table": "transitions", "index": i}
            if not isinstance(row, Mapping):
                self.add("transition is not a table", **where)
                continue
            trigger = row.get("trigger")
            if not isinstance(trigger, str) or not trigger.isidentifier():
                self.add(
                    f"trigger {trigger!r} is not valid",
                    "expected a name like request_verification",
                    key="trigger",
                    **where,
                )
                continue
            if trigger == "background" or trigger.startswith(("may_", "to_")):
                self.add(
                    f"trigger {trigger!r} is reserved",
                    "expected another name",
                    key="trigger",
                    **where,
                )
                continue
            source = row.get("source")
            if isinstance(source, str):
                source = [source]
            if not isinstance(source, list) or not source:
                self.add("source is missing", "expected a list of states", key="source", **where)
                continue
            for s in source:
                if s not in names:
                    self.add(
                        f"source state {s!r} is not a state",
                        f"expected one of: {allowed}",
                        key="source",
                        **where,
                    )
            internal = row.get("internal", False) is True
            dest = row.get("dest")
            if internal:
                dest = None
            elif dest not in names:
                self.add(
                    f"dest state {dest!r} is not a state",
                    f"expected one of: {allowed} (or internal = true)",
                    key="dest",
                    **where,
                )
                continue
            requires = row.get("requires", {})
            if not isinstance(requires, Mapping) or not all(
                isinstance(v, int) and v > 0 for v in requires.values()
            ):
                self.add(
                    "requires must map event kinds to counts",
                    "expected e.g. requires = { intercede = 2 }",
                    key="requires",
                    **where,
                )
                requires = {}
            out.append(
                TransitionDef(
                    trigger,
                    tuple(source),
                    dest,
                    str(row.get("verb", "")),
                    str(row.get("description", "")),
                    tuple(sorted(requires.items())),
                )
            )
        return out


def graph_problems(procedure: Procedure) -> list[Problem]:
    """Unreachable states, dead ends and traps, one Problem each, at the state's line."""
    where = procedure.origin or procedure.id

    def at(state: str, what: str, expected: str) -> Problem:
        origin = procedure.state(state).origin
        if origin is None:
            return Problem.at(where, 0, what, expected)
        return Problem(origin.path, origin.line, what, expected)

    problems: list[Problem] = []
    for s in unreachable_states(procedure):
        problems.append(
            at(
                s,
                f"state {s!r} is unreachable from {procedure.initial!r}",
                "expected every state to be reachable",
            )
        )
    stuck = dead_ends(procedure)
    for s in stuck:
        problems.append(
            at(
                s,
                f"state {s!r} has no way out and is not final",
                "expected a transition from it, or final = true",
            )
        )
    outcomes = ", ".join(outcome_states(procedure)) or "none defined"
    for s in traps(procedure):
        if s in stuck:
            continue
        onward = ", ".join(x for x in reachable_states(procedure, s) if x != s)
        problems.append(
            at(
                s,
                f"state {s!r} is a trap: from it only {onward} can be reached, none an outcome",
                f"expected a way on to an outcome state ({outcomes})",
            )
        )
    return sorted(problems, key=lambda p: p.line)
