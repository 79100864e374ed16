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
    few_reachable,
    outcome_states,
    traps,
    unreachable_states,
)
from casework.model.names import name_problem, shown
from casework.model.procedure import MAX_REQUIRED, Procedure, StateDef, TransitionDef
from casework.model.rules import is_id

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
        ident = head.get("id")
        if isinstance(ident, str) and ident and not is_id(ident):
            self.add(
                f"[procedure] id {shown(ident)} is not valid",
                "expected letters, digits, '-' or '_' (ASCII, at most 80)",
                table="procedure",
                key="id",
            )
        states = self._states(data.get("states"))
        names = {s.name for s in states}
        transitions = self._transitions(data.get("transitions"), names)
        initial = head.get("initial", "")
        if isinstance(initial, str) and initial and initial not in names:
            self.add(
                f"initial state {shown(initial)} is not a state",
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
            if not isinstance(name, str) or (name.isascii() and not name.isidentifier()):
                self.add(
                    f"state name {name!r} is not valid",
                    "expected a name like verification_requested",
                    key="name",
                    **where,
                )
                continue
            if bad := name_problem(name, "state"):
                self.add(*bad, key="name", **where)
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
            outcome = row.get("outcome", "")
            if not isinstance(outcome, str):
                self.add(
                    f"state {name!r}: outcome is {outcome!r}",
                    "expected a name like expulsion_upheld",
                    key="outcome",
                    **where,
                )
                outcome = ""
            elif outcome and (bad := name_problem(outcome, "outcome")):
                self.add(f"state {name!r}: {bad[0]}", bad[1], key="outcome", **where)
                outcome = ""
            out.append(
                StateDef(
                    name,
                    str(row.get("description", "")),
                    final,
                    outcome,
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
        rules: list[tuple[int, Mapping[str, Any]]] = []  # requires, checked once triggers are known
        for i, row in enumerate(rows):
            where: Where = {"table": "transitions", "index": i}
            if not isinstance(row, Mapping):
                self.add("transition is not a table", **where)
                continue
            trigger = row.get("trigger")
            if not isinstance(trigger, str) or (trigger.isascii() and not trigger.isidentifier()):
                self.add(
                    f"trigger {trigger!r} is not valid",
                    "expected a name like request_verification",
                    key="trigger",
                    **where,
                )
                continue
            if bad := name_problem(trigger, "trigger"):
                self.add(*bad, key="trigger", **where)
                continue
            source = row.get("source")
            if isinstance(source, str):
                source = [source]
            if not isinstance(source, list) or not source:
                self.add("source is missing", "expected a list of states", key="source", **where)
                continue
            for s in source:
                self._state_named(s, "source", names, allowed, **where)
            internal = row.get("internal", False) is True
            dest = row.get("dest")
            if internal:
                dest = None
            elif not self._state_named(dest, "dest", names, allowed, **where):
                continue
            requires = row.get("requires", {})
            if not isinstance(requires, Mapping) or not all(
                isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in requires.values()
            ):
                self.add(
                    "requires must map event kinds to counts",
                    "expected e.g. requires = { intercede = 2 }",
                    key="requires",
                    **where,
                )
                requires = {}
            rules.append((i, requires))
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
        triggers = list(dict.fromkeys(t.trigger for t in out))
        for i, requires in rules:
            self._requires(requires, triggers, table="transitions", index=i)
        return out

    def _state_named(
        self, name: Any, key: str, names: set[str], allowed: str, **where: Any
    ) -> bool:
        """True when ``name`` (a transition's source or dest) is a state; else says why."""
        if isinstance(name, str) and name in names:
            return True
        # a lookalike of a state's name is told apart from it
        bad = name_problem(name, "state") if isinstance(name, str) and not name.isascii() else None
        if bad is not None:
            self.add(bad[0].replace("state name", f"{key} state", 1), bad[1], key=key, **where)
        else:
            internal = " (or internal = true)" if key == "dest" else ""
            self.add(
                f"{key} state {shown(name)} is not a state",
                f"expected one of: {allowed}{internal}",
                key=key,
                **where,
            )
        return False

    def _requires(self, requires: Mapping[str, Any], triggers: list[str], **where: Any) -> None:
        """Each kind a rule counts must be a trigger, each count at most MAX_REQUIRED."""
        for kind, n in requires.items():
            if bad := name_problem(kind, "kind"):
                self.add(*bad, key="requires", **where)
            elif kind not in triggers:
                self.add(
                    f"required kind {kind!r} is not a trigger",
                    "expected one of: " + ", ".join(triggers),
                    key="requires",
                    **where,
                )
            elif n > MAX_REQUIRED:
                self.add(
                    f"requires {n:,} × {kind}, too many for a path through the procedure",
                    f"expected at most {MAX_REQUIRED:,}",
                    key="requires",
                    **where,
                )


#: How many states a trap's problem names, at most: with more, the message
#: would grow with the square of the procedure's size.
_NAMED = 10


def graph_problems(procedure: Procedure) -> list[Problem]:
    """Unreachable states, dead ends and traps, one Problem each, at the state's line.

    Takes time linear in the states and transitions: a trap's message names at
    most ten of the states that can be reached from it.
    """
    where = procedure.origin or procedure.id
    defs = {s.name: s for s in procedure.states}

    def at(state: str, what: str, expected: str) -> Problem:
        origin = defs[state].origin
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
    caught = [s for s in traps(procedure) if s not in set(stuck)]
    for s, (onward, more) in few_reachable(procedure, caught, _NAMED).items():
        names = ", ".join(onward) + (" and others" if more else "")
        problems.append(
            at(
                s,
                f"state {s!r} is a trap: from it only {names} can be reached, none an outcome",
                f"expected a way on to an outcome state ({outcomes})",
            )
        )
    return sorted(problems, key=lambda p: p.line)
