"""Paths through a procedure: every simple path to each outcome, reachability, traps.

In the spirit of XState's graph tools, but read from the procedure's own data.

What counts as an outcome. A history that stops in a *final* state, or in a
state with an explicit ``outcome`` (``expulsion_upheld``: an appeal to a higher
level is still possible, yet the case may rest there), has that outcome. A
history that stops anywhere else is ``pending``: the sources stop, the case
does not. So the *outcome states* are the final states and the states with an
``outcome``; :func:`simple_paths` enumerates paths to them by default, and
``to="pending"`` asks for paths to every other state.

A *simple path* passes through no state twice. Internal transitions (the state
stays) and transitions from a state to itself are loops: they appear on a path
only where a transition's ``requires`` needs them (e.g. a second intercession
before a reinstatement), inserted at the latest state on the path that has
them. Every path is replayed through the procedure's Machine before it is
returned, so a path listed here is one the procedure accepts.

Reachability, dead ends and traps are questions about the graph of states;
they do not count earlier events, so ``requires`` rules are not considered
there.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs

from casework.errors import UnknownName
from casework.model.graph import (
    dead_ends,
    exits,
    loop_triggers,
    outcome_states,
    reachable_states,
    route,
    traps,
    unreachable_states,
)
from casework.model.procedure import PENDING, Procedure

__all__ = [
    "PathsReport",
    "StatePath",
    "dead_ends",
    "outcome_states",
    "paths_report",
    "reachable_states",
    "route",
    "shortest_paths",
    "simple_paths",
    "targets",
    "traps",
    "unreachable_states",
]


@attrs.frozen
class StatePath:
    """One way through a procedure from its initial state.

    ``triggers`` are the event kinds fired, in order (loops included);
    ``states`` the distinct states passed, from the initial one, as
    ``History.states`` gives them; ``outcome`` what a history ending here means.
    """

    triggers: tuple[str, ...]
    states: tuple[str, ...]
    outcome: str

    @property
    def end(self) -> str:
        """The state the path ends in."""
        return self.states[-1]

    @property
    def id(self) -> str:
        """A readable id for test parameters: the event kinds joined by '-'."""
        return "-".join(self.triggers) or "(no events)"

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form printed by ``casework paths --json``."""
        return {
            "outcome": self.outcome,
            "triggers": list(self.triggers),
            "states": list(self.states),
        }


# -- simple paths --------------------------------------------------------------


def targets(procedure: Procedure, to: str | None = None) -> tuple[str, ...]:
    """The end states of paths ``to`` an outcome or a state (every outcome state when None).

    An outcome names every state with that outcome; ``pending`` names every
    state that is not an outcome state; a state's name names that state.
    Raises UnknownName for anything else.
    """
    if to is None:
        return outcome_states(procedure)
    if to in procedure.outcomes:
        return tuple(s for s in procedure.state_names if procedure.outcome_of(s) == to)
    if to in procedure.state_names:
        return (to,)
    known = list(dict.fromkeys((*procedure.outcomes, *procedure.state_names)))
    raise UnknownName("outcome or state", to, known, procedure.id)


def _walk(procedure: Procedure) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every feasible simple path from the initial state, depth first, in file order."""
    moves = exits(procedure)
    loops = loop_triggers(procedure)
    requires = {t.trigger: dict(t.requires) for t in procedure.transitions if t.requires}

    def walk(
        states: list[str], triggers: list[str], at: list[int], counts: Counter[str]
    ) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
        yield tuple(triggers), tuple(states)
        here = states[-1]
        for trigger, dest in moves[here]:
            if dest in states:
                continue
            fired, spots, tally = list(triggers), list(at), Counter(counts)
            for kind, n in sorted(requires.get(trigger, {}).items()):
                missing = n - tally[kind]
                if missing <= 0:
                    continue
                # the latest state on the path where `kind` can happen without moving
                where = next(
                    (i for i in range(len(states) - 1, -1, -1) if kind in loops[states[i]]),
                    None,
                )
                if where is None:
                    break
                pos = spots[where + 1] if where + 1 < len(spots) else len(fired)
                fired[pos:pos] = [kind] * missing
                spots = [p + missing if i > where else p for i, p in enumerate(spots)]
                tally[kind] += missing
            else:
                tally[trigger] += 1
                yield from walk([*states, dest], [*fired, trigger], [*spots, len(fired)], tally)

    # at[i] is the index in triggers of the event that entered states[i]
    yield from walk([procedure.initial], [], [0], Counter())


def _accepted(procedure: Procedure, triggers: tuple[str, ...]) -> bool:
    """True when the procedure's Machine accepts these event kinds in order."""
    runner = procedure.runner()
    return all(runner.try_fire(kind) for kind in triggers)


def simple_paths(procedure: Procedure, to: str | None = None) -> tuple[StatePath, ...]:
    """Every simple path from the initial state to ``to`` (see :func:`targets`),
    shortest first, then in the order of the procedure file.

    >>> from casework import load_casebook
    >>> purge = load_casebook().procedures["purge-1921"]
    >>> len(simple_paths(purge, "reinstated"))
    113
    >>> simple_paths(purge, "expulsion_upheld")[0].states
    ('member', 'expelled', 'appealed', 'expulsion_upheld')
    """
    ends = set(targets(procedure, to))
    return tuple(p for p in _all_paths(procedure) if p.end in ends)


@functools.lru_cache(maxsize=16)
def _all_paths(procedure: Procedure) -> tuple[StatePath, ...]:
    """Every accepted simple path to every state; cached, as each is replayed."""
    found = [
        StatePath(triggers, states, procedure.outcome_of(states[-1]))
        for triggers, states in _walk(procedure)
    ]
    found.sort(key=lambda p: len(p.triggers))  # stable: file order within a length
    return tuple(p for p in found if _accepted(procedure, p.triggers))


def shortest_paths(procedure: Procedure) -> dict[str, StatePath]:
    """The shortest simple path to each outcome that has one (``pending`` excluded)."""
    out: dict[str, StatePath] = {}
    for path in simple_paths(procedure):
        out.setdefault(path.outcome, path)
    return {o: out[o] for o in procedure.outcomes if o in out}


def _tuple_of_paths(items: Any) -> tuple[StatePath, ...]:
    return tuple(items)


def _tuple_of_str(items: Any) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class PathsReport:
    """What ``casework paths`` shows: for each outcome how many simple paths lead
    to it and a shortest one; which states are reachable, unreachable, dead ends
    and traps; and, asked ``to`` an outcome or state, every simple path there."""

    procedure: Procedure
    to: str | None
    #: The end states of the paths listed: those of ``to``, or every outcome state.
    ends: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    #: The paths to ``ends``, shortest first.
    paths: tuple[StatePath, ...] = attrs.field(converter=_tuple_of_paths)
    shortest: tuple[StatePath, ...] = attrs.field(converter=_tuple_of_paths)
    #: The states a history is ``pending`` in.
    pending: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    reachable: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    unreachable: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    dead_ends: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    traps: tuple[str, ...] = attrs.field(converter=_tuple_of_str)

    def count(self, outcome: str) -> int:
        """How many of the paths listed end with ``outcome``."""
        return sum(1 for p in self.paths if p.outcome == outcome)

    def shortest_to(self, outcome: str) -> StatePath | None:
        """A shortest path to ``outcome`` (None when none leads there)."""
        return next((p for p in self.shortest if p.outcome == outcome), None)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form printed by ``casework paths --json``."""
        proc = self.procedure
        return {
            "procedure": proc.id,
            "initial": proc.initial,
            "to": self.to,
            "outcome_states": list(outcome_states(proc)),
            "reachable": list(self.reachable),
            "unreachable": list(self.unreachable),
            "dead_ends": list(self.dead_ends),
            "traps": list(self.traps),
            "shortest": {p.outcome: p.to_mapping() for p in self.shortest},
            "paths": [p.to_mapping() for p in self.paths],
        }


def paths_report(procedure: Procedure, to: str | None = None) -> PathsReport:
    """The paths of ``procedure`` (to ``to``, see :func:`targets`), with its graph's
    reachable states, dead ends and traps. Raises UnknownName for an unknown ``to``."""
    ends = targets(procedure, to)
    return PathsReport(
        procedure=procedure,
        to=to,
        ends=ends,
        paths=simple_paths(procedure, to),
        shortest=shortest_paths(procedure).values(),
        pending=targets(procedure, PENDING),
        reachable=reachable_states(procedure),
        unreachable=unreachable_states(procedure),
        dead_ends=dead_ends(procedure),
        traps=traps(procedure),
    )
