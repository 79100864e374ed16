"""The search behind :mod:`casework.analysis.paths`: simple paths, in order, within bounds.

The simple paths of a procedure are the nodes of a tree: the empty path at the
initial state is its root, and a path's children take one more transition to a
state not yet on it. A transition whose ``requires`` rule is not met by the
events so far gets the missing events inserted where they loop (see
:mod:`casework.analysis.paths`). Their number grows exponentially with the
procedure (twelve states that all lead to each other have about 10⁸), and
counting them is #P-hard in general, so every search here has a bound and
says when it reached it:

* :meth:`Search.ordered` pops paths shortest first (fewest events, then the
  order of the procedure file) from a heap, so that the paths it has popped
  when it stops are exactly the first ones of the full ordering;
* :meth:`Search.count` counts the paths to each state: by dynamic programming
  when the transitions form no cycle and no rule counts events, else by a
  depth-first search that keeps only the path it is on.

Each path is checked against the procedure's transition table, compiled from
its ``transitions.Machine`` (:mod:`casework.analysis.bulk`): a path is listed
only when the Machine takes exactly its events through exactly its states.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter

import attrs

from casework.analysis.bulk import compile_procedure
from casework.model.graph import loop_triggers
from casework.model.procedure import MAX_REQUIRED, InvalidProcedure, Procedure

__all__ = ["Bound", "Counted", "Found", "Ordered", "Search"]

#: A path as the search yields it: its events and the distinct states it passes.
Found = tuple[tuple[str, ...], tuple[str, ...]]

Requires = tuple[tuple[str, int], ...]


class _Node:
    """One simple path: ``at[i]`` is the index in ``triggers`` of the event that
    entered ``states[i]``; ``counts`` the events of each kind so far (only kept
    when some rule counts them); ``key`` the indices of the transitions taken,
    three bytes each, so that comparing keys compares paths in file order."""

    __slots__ = ("accepted", "at", "counts", "key", "mask", "states", "triggers")

    def __init__(
        self,
        states: tuple[str, ...],
        triggers: tuple[str, ...],
        at: tuple[int, ...],
        counts: dict[str, int],
        mask: int,
        key: bytes,
        accepted: bool,
    ) -> None:
        self.states = states
        self.triggers = triggers
        self.at = at
        self.counts = counts
        self.mask = mask
        self.key = key
        self.accepted = accepted

    @property
    def cost(self) -> int:
        """What keeping this path costs a search: one for the path, one per event."""
        return len(self.triggers) + 1

    def found(self) -> Found:
        return self.triggers, self.states


@attrs.frozen
class Bound:
    """Where a search stops: after generating ``paths`` paths, or paths holding
    ``events`` events in all (a path's ``requires`` rules may make it long)."""

    paths: int
    events: int


@attrs.frozen
class Ordered:
    """The first paths of the ordering (shortest first, then file order).

    ``listed`` holds, in that order, up to ``keep`` accepted paths that end in
    one of the states asked for; ``firsts`` the first accepted path to each state
    reached, with its place in the ordering. ``complete`` is True when the
    search saw every simple path: then ``counts`` holds how many accepted paths
    end in each state. ``seen`` is how many paths the search generated.
    """

    listed: tuple[Found, ...]
    firsts: dict[str, tuple[int, Found]]
    complete: bool
    counts: dict[str, int]
    seen: int


@attrs.frozen
class Counted:
    """How many accepted simple paths end in each state; exact when ``exact``,
    else the counts found among the first ``seen`` paths the search looked at."""

    counts: dict[str, int]
    exact: bool
    seen: int


class Search:
    """The simple paths of one procedure, generated on demand."""

    def __init__(self, procedure: Procedure) -> None:
        too_many = [
            (n, k) for t in procedure.transitions for k, n in t.requires if n > MAX_REQUIRED
        ]
        if too_many:
            n, kind = max(too_many)
            raise InvalidProcedure(
                procedure.id,
                f"requires {n:,} × {kind}, too many for a path through the procedure",
                f"expected at most {MAX_REQUIRED:,}",
            )
        self.procedure = procedure
        self.table = compile_procedure(procedure)
        self.names = procedure.state_names
        self.bits = {s: 1 << i for i, s in enumerate(self.names)}
        # each state's moves to another state, in file order, with their rules
        self.moves: dict[str, list[tuple[str, str, Requires]]] = {s: [] for s in self.names}
        for t in procedure.transitions:
            if t.dest is None:
                continue
            for s in t.source:
                if s != t.dest:
                    self.moves[s].append((t.trigger, t.dest, t.requires))
        self.loops = loop_triggers(procedure)
        self.counting = any(t.requires for t in procedure.transitions)

    # -- the Machine's table -----------------------------------------------

    def step(self, state: str, kind: str, counts: dict[str, int]) -> str | None:
        """Where the Machine goes from ``state`` on ``kind`` after ``counts``
        earlier events (None: not allowed): the first transition whose rule is met."""
        for requires, dest in self.table.rules.get((state, kind), ()):
            if all(counts.get(k, 0) >= n for k, n in requires):
                return state if dest is None else dest
        return None

    def replay(self, triggers: tuple[str, ...]) -> tuple[str, ...] | None:
        """The distinct states the Machine passes on these events (None if it refuses one)."""
        state = self.procedure.initial
        states = [state]
        counts: dict[str, int] = {}
        for kind in triggers:
            after = self.step(state, kind, counts)
            if after is None:
                return None
            counts[kind] = counts.get(kind, 0) + 1
            if after != state:
                states.append(after)
                state = after
        return tuple(states)

    # -- the tree of simple paths ------------------------------------------

    def root(self) -> _Node:
        start = self.procedure.initial
        return _Node((start,), (), (0,), {}, self.bits[start], b"", True)

    def children(self, node: _Node) -> Iterator[_Node]:
        """The paths one transition longer than ``node``, in file order, each with
        the events its rule needs inserted, and whether the Machine accepts it."""
        states = node.states
        here = states[-1]
        made: set[tuple[tuple[str, ...], str]] = set()  # two transitions alike make one path
        for index, (trigger, dest, rule) in enumerate(self.moves[here]):
            bit = self.bits[dest]
            if node.mask & bit:
                continue
            fired, at, counts, inserted = node.triggers, node.at, node.counts, False
            if rule:
                planned = self._insert(node, rule)
                if planned is None:
                    continue  # a rule that no loop on the path can meet
                fired, at, counts, inserted = planned
            triggers = (*fired, trigger)
            if (triggers, dest) in made:
                continue
            made.add((triggers, dest))
            path = (*states, dest)
            if inserted:
                accepted = self.replay(triggers) == path
            else:
                accepted = node.accepted and self.step(here, trigger, counts) == dest
            if self.counting:
                counts = {**counts, trigger: counts.get(trigger, 0) + 1}
            yield _Node(
                path,
                triggers,
                (*at, len(fired)),
                counts,
                node.mask | bit,
                node.key + index.to_bytes(3, "big"),
                accepted,
            )

    def _insert(
        self, node: _Node, rule: Requires
    ) -> tuple[tuple[str, ...], tuple[int, ...], dict[str, int], bool] | None:
        """The events of ``node`` with those ``rule`` still misses inserted, each at
        the latest state on the path where it loops; None when one cannot be."""
        states = node.states
        fired, at, counts = list(node.triggers), list(node.at), dict(node.counts)
        inserted = False
        for kind, n in rule:
            missing = n - counts.get(kind, 0)
            if missing <= 0:
                continue
            where = next(
                (i for i in range(len(states) - 1, -1, -1) if kind in self.loops[states[i]]),
                None,
            )
            if where is None:
                return None
            pos = at[where + 1] if where + 1 < len(at) else len(fired)
            fired[pos:pos] = [kind] * missing
            at = [p + missing if i > where else p for i, p in enumerate(at)]
            counts[kind] = counts.get(kind, 0) + missing
            inserted = True
        return tuple(fired), tuple(at), counts, inserted

    # -- the searches ----------------------------------------------------------

    def ordered(self, ends: frozenset[str], keep: int, bound: Bound) -> Ordered:
        """Pop paths shortest first until ``keep`` paths to ``ends`` are listed and
        a first path to every reachable state is known, until every path is seen,
        or until the paths generated pass ``bound``."""
        root = self.root()
        heap: list[tuple[int, bytes, _Node]] = [(0, root.key, root)]
        listed: list[Found] = []
        firsts: dict[str, tuple[int, Found]] = {}
        counts: dict[str, int] = dict.fromkeys(self.names, 0)
        unfound = self._reachable()  # the states no path has been found to yet
        events, seen, popped = root.cost, 1, 0
        while heap:
            node = heapq.heappop(heap)[2]
            popped += 1
            end = node.states[-1]
            if node.accepted:
                counts[end] += 1
                if end not in firsts:
                    firsts[end] = (popped, node.found())
                    unfound.discard(end)
                if end in ends and len(listed) < keep:
                    listed.append(node.found())
            if len(listed) >= keep and not unfound:
                return Ordered(tuple(listed), firsts, False, counts, seen)
            for child in self.children(node):
                events += child.cost
                seen += 1
                if seen > bound.paths or events > bound.events:
                    return Ordered(tuple(listed), firsts, False, counts, seen - 1)
                heapq.heappush(heap, (len(child.triggers), child.key, child))
        return Ordered(tuple(listed), firsts, True, counts, seen)

    def _reachable(self) -> set[str]:
        found = {self.procedure.initial}
        queue = [self.procedure.initial]
        while queue:
            for _trigger, dest, _rule in self.moves[queue.pop()]:
                if dest not in found:
                    found.add(dest)
                    queue.append(dest)
        return found

    def count(self, bound: Bound) -> Counted:
        """How many accepted simple paths end in each state: exact, unless the
        search had to stop at ``bound``."""
        if not self.counting:
            exact = self._count_acyclic()
            if exact is not None:
                return Counted(exact, True, 0)
            return self._count_plain(bound)
        return self._count_general(bound)

    def _machine_moves(self) -> dict[str, list[str]]:
        """Without rules, the moves the Machine really takes: a trigger with several
        transitions from one state takes only the first."""
        out: dict[str, list[str]] = {s: [] for s in self.names}
        for s, moves in self.moves.items():
            taken = dict.fromkeys((t, d) for t, d, _rule in moves if self.step(s, t, {}) == d)
            out[s] = [d for _t, d in taken]  # each (trigger, dest) once, in file order
        return out

    def _count_acyclic(self) -> dict[str, int] | None:
        """Paths to each state by dynamic programming, when no cycle makes it wrong."""
        moves = self._machine_moves()
        graph = moves
        into: dict[str, list[str]] = {s: [] for s in self.names}
        for s, dests in graph.items():
            for d in dests:
                into[d].append(s)
        try:
            order = list(TopologicalSorter(into).static_order())
        except CycleError:
            return None
        paths = dict.fromkeys(self.names, 0)
        paths[self.procedure.initial] = 1
        for s in order:
            for d in graph[s]:
                paths[d] += paths[s]
        return paths

    def _count_plain(self, bound: Bound) -> Counted:
        """Depth first over the Machine's moves, a path as a bit mask: no rules."""
        moves = self._machine_moves()
        index = {s: i for i, s in enumerate(self.names)}
        # for each state, its onward states as (bit, index); a path is a bit mask
        onward = [[(1 << index[d], index[d]) for d in moves[s]] for s in self.names]
        counts = [0] * len(self.names)
        start = index[self.procedure.initial]
        counts[start] = 1
        seen, limit = 1, bound.paths
        stack = [(1 << start, iter(onward[start]))]
        push, pop = stack.append, stack.pop
        while stack:
            mask, it = stack[-1]
            for bit, dest in it:
                if not mask & bit:
                    if seen == limit:
                        return Counted(dict(zip(self.names, counts, strict=True)), False, seen)
                    seen += 1
                    counts[dest] += 1
                    push((mask | bit, iter(onward[dest])))
                    break
            else:
                pop()
        return Counted(dict(zip(self.names, counts, strict=True)), True, seen)

    def _count_general(self, bound: Bound) -> Counted:
        """Depth first through :meth:`children`, for procedures with rules."""
        root = self.root()
        counts = dict.fromkeys(self.names, 0)
        counts[root.states[-1]] = 1
        events, seen = root.cost, 1
        stack = [self.children(root)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            events += child.cost
            seen += 1
            if seen > bound.paths or events > bound.events:
                return Counted(counts, False, seen - 1)
            if child.accepted:
                counts[child.states[-1]] += 1
            stack.append(self.children(child))
        return Counted(counts, True, seen)
