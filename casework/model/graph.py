"""The graph of a procedure's states: reachability, dead ends, traps, shortest routes.

These are questions about states and transitions only: they count no events,
so ``requires`` rules are not considered. Each takes time linear in the states
and transitions (``casework check`` asks them of any procedure file).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from casework.model.procedure import PENDING, Procedure

__all__ = [
    "dead_ends",
    "exits",
    "few_reachable",
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
    >>> outcome_states(load_casebook().procedures["discipline"])[:4]
    ('expulsion_upheld', 'expelled_finally', 'reinstated', 'reinstated_member')
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
    final = {s.name for s in procedure.states if s.final}
    return tuple(s for s in reachable_states(procedure) if s not in final and not moves[s])


def traps(procedure: Procedure) -> tuple[str, ...]:
    """Reachable states, not outcomes themselves, from which no outcome state can be reached.

    A case that enters one can only ever end ``pending``: a dead end, or a set
    of states that lead only to each other.
    """
    into: dict[str, list[str]] = {s: [] for s in procedure.state_names}
    for source, moves in exits(procedure).items():
        for _trigger, dest in moves:
            into[dest].append(source)
    ends = outcome_states(procedure)
    # the states that can reach an outcome: a search backwards from the outcomes
    hopeful = set(ends)
    queue = deque(ends)
    while queue:
        for source in into[queue.popleft()]:
            if source not in hopeful:
                hopeful.add(source)
                queue.append(source)
    return tuple(s for s in reachable_states(procedure) if s not in hopeful)


def few_reachable(
    procedure: Procedure, starts: Iterable[str], limit: int
) -> dict[str, tuple[tuple[str, ...], bool]]:
    """For each of ``starts``: up to ``limit`` states reachable from it (itself
    excluded), in file order, and whether there are more. Each search stops once
    it has seen ``limit + 1`` other states, so asking it of every state stays
    linear in the size of the procedure."""
    order = {s: i for i, s in enumerate(procedure.state_names)}
    onward: dict[str, dict[str, None]] = {s: {} for s in order}
    for source, moves in exits(procedure).items():
        for _trigger, dest in moves:
            onward[source][dest] = None
    out: dict[str, tuple[tuple[str, ...], bool]] = {}
    for start in starts:
        seen = {start: None}
        queue = deque([start])
        while queue and len(seen) <= limit + 1:
            # each state's onward states are distinct: at most limit + 2 are looked at
            for dest in onward[queue.popleft()]:
                if dest not in seen:
                    seen[dest] = None
                    queue.append(dest)
                    if len(seen) > limit + 1:
                        break
        found = sorted((s for s in seen if s != start), key=order.__getitem__)
        out[start] = (tuple(found[:limit]), len(found) > limit)
    return out


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
