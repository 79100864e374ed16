"""The graph of a procedure's states: reachability, dead ends, traps, shortest routes.

These are questions about states and transitions only: they count no events,
so ``requires`` rules are not considered.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from casework.model.procedure import PENDING, Procedure

__all__ = [
    "dead_ends",
    "exits",
    "loop_triggers",
    "outcome_states",
    "reachable_states",
    "route",
    "traps",
    "unreachable_states",
]


def exits(procedure: Procedure) -> dict[str, list[tuple[str, str]]]:
    """For each state, the (trigger, dest) of every transition to another state, in file order."""
    out: dict[str, list[tuple[str, str]]] = {s: [] for s in procedure.state_names}
    for t in procedure.transitions:
        if t.dest is None:
            continue
        for s in t.source:
            if s != t.dest:
                out[s].append((t.trigger, t.dest))
    return out


def loop_triggers(procedure: Procedure) -> dict[str, set[str]]:
    """For each state, the triggers that leave it where it is (internal or self-transitions)."""
    out: dict[str, set[str]] = {s: set() for s in procedure.state_names}
    for t in procedure.transitions:
        for s in t.source:
            if t.dest is None or t.dest == s:
                out[s].add(t.trigger)
    return out


def outcome_states(procedure: Procedure) -> tuple[str, ...]:
    """The states a history can end in with an outcome other than ``pending``.

    >>> from casework import load_casebook
    >>> outcome_states(load_casebook().procedures["purge-1921"])
    ('expulsion_upheld', 'reinstated', 'reinstated_candidate', 'expulsion_annulled')
    """
    return tuple(s.name for s in procedure.states if s.outcome_label != PENDING)


def _closure(procedure: Procedure, start: Iterable[str]) -> list[str]:
    moves = exits(procedure)
    seen = dict.fromkeys(start)
    queue = deque(seen)
    while queue:
        for _trigger, dest in moves[queue.popleft()]:
            if dest not in seen:
                seen[dest] = None
                queue.append(dest)
    return list(seen)


def reachable_states(procedure: Procedure, start: str | None = None) -> tuple[str, ...]:
    """The states reachable from ``start`` (the initial state), itself included, in file order."""
    found = set(_closure(procedure, [start or procedure.initial]))
    return tuple(s for s in procedure.state_names if s in found)


def unreachable_states(procedure: Procedure) -> tuple[str, ...]:
    """The states no history can reach from the initial state, in file order."""
    found = set(reachable_states(procedure))
    return tuple(s for s in procedure.state_names if s not in found)


def dead_ends(procedure: Procedure) -> tuple[str, ...]:
    """Reachable states that are not final yet have no transition to another state."""
    moves = exits(procedure)
    return tuple(
        s for s in reachable_states(procedure) if not procedure.state(s).final and not moves[s]
    )


def traps(procedure: Procedure) -> tuple[str, ...]:
    """Reachable states, not outcomes themselves, from which no outcome state can be reached.

    A case that enters one can only ever end ``pending``: a dead end, or a set
    of states that lead only to each other.
    """
    ends = set(outcome_states(procedure))
    return tuple(
        s
        for s in reachable_states(procedure)
        if s not in ends and not ends.intersection(_closure(procedure, [s]))
    )


def route(procedure: Procedure, start: str, goal: Iterable[str]) -> tuple[str, ...] | None:
    """The states of a shortest way from ``start`` to any state in ``goal`` (None if none).

    Counts no events, so ``requires`` rules are not considered.
    """
    goals = set(goal)
    moves = exits(procedure)
    came: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if state in goals:
            out = [state]
            while (prev := came[out[-1]]) is not None:
                out.append(prev)
            return tuple(reversed(out))
        for _trigger, dest in moves[state]:
            if dest not in came:
                came[dest] = state
                queue.append(dest)
    return None
