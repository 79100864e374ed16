"""The procedure: the states and transitions of a case, defined once as data.

A :class:`Procedure` is read from ``procedure.toml`` and handed to a
``transitions.Machine`` (no auto transitions, final states marked). Callers
never see the Machine: :meth:`Procedure.runner` gives a small cursor that
fires triggers and reports what is allowed, and replay turns its steps into
frozen histories.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs
from transitions import Machine, State

from casework.errors import CaseworkError
from casework.model.events import Event
from casework.model.evidence import Origin
from casework.model.names import name_problem
from casework.model.steps import IllegalStep, IllegalTransition

__all__ = [
    "ILLEGAL",
    "MAX_REQUIRED",
    "PENDING",
    "InvalidProcedure",
    "Procedure",
    "Runner",
    "StateDef",
    "TransitionDef",
]

#: The outcome of a history that stops in a state that is not an outcome.
PENDING = "pending"

#: The outcome of a history that an edit, a rule or an archive row has made illegal.
ILLEGAL = "illegal"

#: The largest count a ``requires`` rule may ask for: a path through the
#: procedure holds every required event, so the count bounds its length.
MAX_REQUIRED = 1000


class InvalidProcedure(CaseworkError, ValueError):
    """A procedure built in Python names a state or trigger that its state machine
    cannot hold (the procedure reader refuses these in files, at their line)."""

    def __init__(self, procedure: str, what: str, expected: str) -> None:
        super().__init__(f"procedure {procedure!r}: {what}; {expected}")


@attrs.frozen
class StateDef:
    """A state of the procedure; ``outcome`` is what a history ending here means."""

    name: str
    description: str = ""
    final: bool = False
    outcome: str = ""
    #: Where the state is defined (its ``name`` line), when read from a file.
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)

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
    #: Each state's definition by name, so that a lookup does not scan them all.
    _by_name: dict[str, StateDef] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        by_name: dict[str, StateDef] = {}
        for s in self.states:
            by_name.setdefault(s.name, s)  # the first of a name, as a scan would find
        object.__setattr__(self, "_by_name", by_name)

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
        return self._by_name[name]

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
        Raises InvalidProcedure for a name the Machine cannot hold (see
        :mod:`casework.model.names`).
        """
        self.check_names(diagram=False)
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

    def check_names(self, *, diagram: bool = True) -> None:
        """Raise InvalidProcedure for the first state or trigger whose name the
        state machine (and, with ``diagram``, a Mermaid diagram) cannot hold."""
        named = [(s.name, "state") for s in self.states] + [(t, "trigger") for t in self.triggers]
        for name, role in named:
            if not isinstance(name, str):
                raise InvalidProcedure(
                    self.id, f"{role} {name!r} is not a string", "expected a name"
                )
            bad = name_problem(name, role, diagram=diagram)
            if bad is not None:
                raise InvalidProcedure(self.id, *bad)

    def runner(self) -> Runner:
        """A fresh cursor at the initial state."""
        return Runner(self)

    def evolve(self, **changes: Any) -> Procedure:
        """A new procedure with some fields replaced (the original is unchanged)."""
        return attrs.evolve(self, **changes)


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

    def try_fire(self, kind: str) -> bool:
        """Fire a bare event kind if the procedure allows it now; False (and the
        state unchanged) when it does not."""
        may = getattr(self._cursor, f"may_{kind}", None)
        if may is None or not may():
            return False
        getattr(self._cursor, kind)()
        self._cursor.counts[kind] += 1
        return True

    def fire(self, event: Event) -> str:
        """Apply one event; return the new state or raise IllegalTransition."""
        before = self.state
        if not self.try_fire(event.kind):
            step = IllegalStep.of(event, before, self.allowed(), self.unmet(event.kind))
            raise IllegalTransition(event, step)
        return self.state
