"""The procedure: the states and transitions of a case, defined once as data.

A :class:`Procedure` is read from ``procedure.toml`` and handed to a
``transitions.Machine`` (no auto transitions, final states marked). Callers
never see the Machine: :meth:`Procedure.runner` gives a small cursor that
fires triggers and reports what is allowed, and replay turns its steps into
frozen histories.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from transitions import Machine, State

from casework.errors import CaseFileError, IllegalTransition, Problem
from casework.load.tomlfile import TomlFile

if TYPE_CHECKING:
    from casework.load.schema import Where

__all__ = ["ILLEGAL", "PENDING", "Procedure", "Runner", "StateDef", "TransitionDef"]

#: The outcome of a history that stops in a state that is not an outcome.
PENDING = "pending"

#: The outcome of a history that an edit, a rule or an archive row has made illegal.
ILLEGAL = "illegal"


@attrs.frozen
class StateDef:
    """A state of the procedure; ``outcome`` is what a history ending here means."""

    name: str
    description: str = ""
    final: bool = False
    outcome: str = ""

    @property
    def outcome_label(self) -> str:
        """The outcome of a history that ends in this state."""
        return self.outcome or (self.name if self.final else PENDING)


@attrs.frozen
class TransitionDef:
    """A trigger (an event kind) that moves a case from any of ``source`` to ``dest``.

    ``dest`` is None for an internal transition: the event is recorded but the
    state stays. ``requires`` maps event kinds to how many must have happened
    before (for rules such as "a second testimonial").
    """

    trigger: str
    source: tuple[str, ...]
    dest: str | None
    verb: str = ""
    description: str = ""
    requires: tuple[tuple[str, int], ...] = ()

    def to_mapping(self) -> dict[str, Any]:
        """The procedure-file form of this transition."""
        out: dict[str, Any] = {"trigger": self.trigger, "source": list(self.source)}
        if self.dest is None:
            out["internal"] = True
        else:
            out["dest"] = self.dest
        if self.verb:
            out["verb"] = self.verb
        if self.description:
            out["description"] = self.description
        if self.requires:
            out["requires"] = dict(self.requires)
        return out


class _Cursor:
    """The model object transitions writes its state and trigger methods onto."""

    def __init__(self) -> None:
        self.state = ""
        self.counts: Counter[str] = Counter()


@attrs.frozen
class Procedure:
    """The states and transitions of a kind of case; immutable."""

    id: str
    title: str
    initial: str
    states: tuple[StateDef, ...]
    transitions: tuple[TransitionDef, ...]
    origin: str = attrs.field(default="", eq=False)

    # -- lookups -----------------------------------------------------------

    @property
    def state_names(self) -> tuple[str, ...]:
        """Every state, in the order the procedure file gives them."""
        return tuple(s.name for s in self.states)

    @property
    def triggers(self) -> tuple[str, ...]:
        """Every event kind that can move a case, without repeats, in file order."""
        return tuple(dict.fromkeys(t.trigger for t in self.transitions))

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Every outcome a history can have, ``pending`` last."""
        labels = [s.outcome_label for s in self.states if s.outcome_label != PENDING]
        return (*dict.fromkeys(labels), PENDING)

    def state(self, name: str) -> StateDef:
        """The definition of state ``name`` (KeyError if unknown)."""
        for s in self.states:
            if s.name == name:
                return s
        raise KeyError(name)

    def outcome_of(self, state: str) -> str:
        """The outcome of a history that ends in ``state``."""
        return self.state(state).outcome_label

    def verb(self, trigger: str) -> str:
        """How the timeline says this kind of event ("intercedes with")."""
        for t in self.transitions:
            if t.trigger == trigger and t.verb:
                return t.verb
        return trigger.replace("_", " ")

    def describe(self, trigger: str) -> str:
        """The procedure's description of a trigger, or ""."""
        for t in self.transitions:
            if t.trigger == trigger and t.description:
                return t.description
        return ""

    # -- the machine -------------------------------------------------------

    def machine(self, model: object, *, cls: type[Machine] = Machine, **options: Any) -> Machine:
        """A ``transitions.Machine`` for this procedure, bound to ``model``.

        Rules with ``requires`` become transitions conditions reading the
        model's ``counts`` of earlier event kinds. ``cls`` and ``options`` pick
        another Machine class of transitions (the diagram uses its GraphMachine).
        """
        states = [State(s.name, final=s.final) for s in self.states]
        transitions = []
        for t in self.transitions:
            spec: dict[str, Any] = {
                "trigger": t.trigger,
                "source": list(t.source),
                "dest": t.dest,
            }
            if t.requires:
                spec["conditions"] = [_requirement(t.requires)]
            transitions.append(spec)
        return cls(
            model=model,
            states=states,
            transitions=transitions,
            initial=self.initial,
            auto_transitions=False,
            ignore_invalid_triggers=False,
            send_event=True,
            **options,
        )

    def runner(self) -> Runner:
        """A fresh cursor at the initial state."""
        return Runner(self)

    def evolve(self, **changes: Any) -> Procedure:
        """A new procedure with some fields replaced (the original is unchanged)."""
        return attrs.evolve(self, **changes)

    # -- reading -----------------------------------------------------------

    @classmethod
    def from_file(cls, path: Path) -> Procedure:
        """Read and validate a procedure file; every problem found is reported."""
        return _ProcedureReader(TomlFile.read(path)).read()


def _requirement(requires: tuple[tuple[str, int], ...]) -> Any:
    """A transitions condition: enough earlier events of each required kind."""

    def condition(event_data: Any) -> bool:
        counts = event_data.model.counts
        return all(counts[k] >= n for k, n in requires)

    return condition


class Runner:
    """Fires event kinds through the procedure's Machine, one at a time."""

    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self._cursor = _Cursor()
        self._machine = procedure.machine(self._cursor)

    @property
    def state(self) -> str:
        """The state the case is in now."""
        return str(self._cursor.state)

    def allowed(self) -> list[str]:
        """The event kinds the procedure allows in the current state, all conditions met."""
        out = []
        for trigger in self._machine.get_triggers(self.state):
            if getattr(self._cursor, f"may_{trigger}")():
                out.append(trigger)
        return out

    def unmet(self, kind: str) -> str:
        """Why ``kind`` is not allowed now, beyond the state ("requires ...")."""
        for t in self.procedure.transitions:
            if t.trigger == kind and self.state in t.source and t.requires:
                missing = [
                    f"{n} × {k} (found {self._cursor.counts[k]})"
                    for k, n in t.requires
                    if self._cursor.counts[k] < n
                ]
                if missing:
                    return "requires " + ", ".join(missing) + " before it"
        return ""

    def fire(self, event: Any) -> str:
        """Apply one event; return the new state or raise IllegalTransition."""
        kind = event.kind
        before = self.state
        may = getattr(self._cursor, f"may_{kind}", None)
        if may is None or not may():
            raise IllegalTransition(event, before, self.allowed(), self.unmet(kind))
        getattr(self._cursor, kind)()
        self._cursor.counts[kind] += 1
        return self.state


class _ProcedureReader:
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
