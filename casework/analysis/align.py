"""Explained deviations: the fewest events to add or remove for a procedure to
accept a history, and every way of doing it, in words a historian reads.

A history the procedure refuses is usually a record that is missing (an appeal
the archive did not keep) or, less often, one that does not belong (a decision
filed under the wrong case). :func:`align` finds the smallest repair exactly:
a shortest path over the nodes (events read, state, counts of the kinds that
``requires`` rules name), where reading the next event as it is (a *sync* move)
costs nothing, and adding an event the procedure allows (*missing*) or
dropping the next event (*extra*) cost one each. Counts are capped at the
largest number any rule asks for, so the graph is finite; costs are 0 or 1,
so the nodes are settled a cost at a time, in order of events read (no heap).

A procedure accepts any history whose every step it allows, a pending one too:
a repair only has to make each step legal, not reach an outcome.

Repairs that differ only in where an added event stands among events that do
not move the state (removed ones, background ones) are one repair: it is said
to stand between the kept events that do move it ("between events 2 and 5").
Every other difference makes a different repair: all the minimal ones are
counted, and the first few listed (fewest removals first).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from casework.analysis.bulk import CompiledProcedure, compile_procedure
from casework.model.case import Case
from casework.model.events import BACKGROUND
from casework.model.procedure import Procedure

__all__ = [
    "EXTRA",
    "MAX_EVENTS",
    "MISSING",
    "Aligner",
    "Alignment",
    "Edit",
    "Repair",
    "align",
    "repair_hint",
]

#: The longest history aligned: the search grows with its length, and a case of
#: thousands of events is a file to look at, not a missing record.
MAX_EVENTS = 1000
#: How many minimal repairs an alignment lists (the rest are counted).
LISTED = 5
#: How many minimal repairs are collected to pick the listed ones from.
_COLLECTED = 64

#: An edit that adds an event the history lacks.
MISSING = "missing"
#: An edit that removes an event of the history.
EXTRA = "extra"
_SYNC = "sync"


@attrs.frozen
class Edit:
    """One change of a repair.

    ``missing``: an event of ``kind`` is added between the kept events numbered
    ``after`` and ``before`` (the last kept event that moves the state before
    it, and the next one; 0 for none). ``extra``: the event numbered ``seq``
    (id ``event``, "" when unknown) is removed.
    """

    action: str
    kind: str
    seq: int = 0
    event: str = ""
    after: int = 0
    before: int = 0

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form: the action, the kind, and where."""
        if self.action == MISSING:
            return {
                "action": self.action,
                "kind": self.kind,
                "after": self.after or None,
                "before": self.before or None,
            }
        return {"action": self.action, "kind": self.kind, "seq": self.seq, "event": self.event}


def _where(after: int, before: int) -> str:
    if after and before:
        return f"between events {after} and {before}"
    if before:
        return f"before event {before}"
    if after:
        return f"after event {after}"
    return "in the history"


@attrs.frozen
class Repair:
    """One minimal repair: its edits in the order of the history, and the
    history it makes (``kinds``: the kept events and the added ones)."""

    edits: tuple[Edit, ...]
    kinds: tuple[str, ...]

    @property
    def cost(self) -> int:
        """How many events are added or removed."""
        return len(self.edits)

    def summary(self) -> str:
        """The edits in short, without places: 'missing appeal; extra uphold'."""
        return "; ".join(f"{e.action} {e.kind}" for e in self.edits)

    def parts(self) -> list[str]:
        """Each change in words; added events that stand together are one part:
        "probably missing: an event of kind appeal between events 2 and 3",
        "event 4 'e4' (uphold) does not fit here"."""
        out: list[str] = []
        i = 0
        while i < len(self.edits):
            e = self.edits[i]
            i += 1
            if e.action == EXTRA:
                name = f"{e.seq} {e.event!r}" if e.event else f"{e.seq}"
                out.append(f"event {name} ({e.kind}) does not fit here")
                continue
            group = [e.kind]
            while (
                i < len(self.edits)
                and self.edits[i].action == MISSING
                and (self.edits[i].after, self.edits[i].before) == (e.after, e.before)
            ):
                group.append(self.edits[i].kind)
                i += 1
            what = (
                f"an event of kind {group[0]}"
                if len(group) == 1
                else f"events of kinds {', then '.join(group)},"
            )
            out.append(f"probably missing: {what} {_where(e.after, e.before)}")
        return out

    def describe(self) -> str:
        """The repair in one line, ending with what it makes of the history."""
        if not self.edits:
            return "the history is legal"
        if len(self.edits) == 1:
            tail = "with it" if self.edits[0].action == MISSING else "without it"
        else:
            tail = "with these changes"
        return "; ".join([*self.parts(), f"{tail} the history is legal"])

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form: edits, the repaired kinds and the one-line message."""
        return {
            "cost": self.cost,
            "edits": [e.to_mapping() for e in self.edits],
            "kinds": list(self.kinds),
            "message": self.describe(),
        }


@attrs.frozen
class Alignment:
    """A history against its procedure: the fewest edits (``cost``; 0 for a legal
    history) and its minimal repairs, ``count`` of them in all, the first
    :data:`LISTED` in ``repairs`` (fewest removals first, then the earliest
    changes, then kinds in the order the procedure names them). ``cost`` is None for a
    history longer than :data:`MAX_EVENTS`, which is not aligned."""

    kinds: tuple[str, ...]
    cost: int | None
    repairs: tuple[Repair, ...]
    count: int

    @property
    def legal(self) -> bool:
        """True when the procedure accepts the history as it is."""
        return self.cost == 0

    @property
    def more(self) -> int:
        """How many minimal repairs are not listed."""
        return self.count - len(self.repairs)

    def with_events(self, events: Sequence[str], numbers: Sequence[int] = ()) -> Alignment:
        """The same alignment, each removed event named by its id in ``events``
        (one id per kind, in order); with ``numbers``, events are numbered by
        them (an archive's seq) instead of by their place (1, 2, 3, ...)."""

        def number(place: int) -> int:
            return numbers[place - 1] if numbers and place else place

        def renamed(e: Edit) -> Edit:
            if e.action == EXTRA:
                return attrs.evolve(e, event=events[e.seq - 1], seq=number(e.seq))
            return attrs.evolve(e, after=number(e.after), before=number(e.before))

        repairs = tuple(
            attrs.evolve(r, edits=tuple(renamed(e) for e in r.edits)) for r in self.repairs
        )
        return attrs.evolve(self, repairs=repairs)

    def describe(self) -> str:
        """The first repair, and how many other minimal repairs there are."""
        if self.cost is None:
            return f"not aligned: {len(self.kinds):,} events, more than {MAX_EVENTS:,}"
        text = self.repairs[0].describe()
        if self.count > 1:
            others = self.count - 1
            text += f" (or {others:,} other repair{'s' if others != 1 else ''} as small)"
        return text

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form: cost, how many minimal repairs, the listed ones."""
        return {
            "cost": self.cost,
            "count": self.count,
            "more": self.more,
            "repairs": [r.to_mapping() for r in self.repairs],
            "message": self.describe(),
        }


# A node of the search: (events read, state, counts, may add here). An event may
# be added only at the start, after another added event or after a kept event
# that moves the state (see the module's docstring): each repair is one path.
_Node = tuple[int, str, tuple[int, ...], bool]
# A move into a node: (the node it comes from, sync/missing/extra, kind).
_Move = tuple[_Node, str, str]
_Next = tuple[str, tuple[int, ...]]


class Aligner:
    """Aligns histories against one procedure, remembering each distinct
    sequence of kinds (an archive repeats the same few deviations); each
    alignment lists at most ``listed`` repairs."""

    def __init__(
        self, procedure: Procedure, table: CompiledProcedure | None = None, *, listed: int = LISTED
    ) -> None:
        self.procedure = procedure
        self.listed = listed
        self.table = table if table is not None else compile_procedure(procedure)
        tracked: dict[str, int] = {}
        for t in procedure.transitions:
            for kind, n in t.requires:
                tracked[kind] = max(tracked.get(kind, 0), n)
        #: The kinds ``requires`` rules count, and the most any rule asks of each.
        self.tracked = tuple(tracked)
        self.caps = tuple(tracked.values())
        self._slot = {k: i for i, k in enumerate(self.tracked)}
        self._triggers = frozenset(self.table.triggers)
        # Listed repairs: fewest removals, earliest changes, kinds in the procedure's order.
        self._rank = {kind: i for i, kind in enumerate(self.table.triggers)}
        self._steps: dict[tuple[str, tuple[int, ...], str], _Next | None] = {}
        self._adds: dict[tuple[str, tuple[int, ...]], list[tuple[str, str, tuple[int, ...]]]] = {}
        self._memo: dict[tuple[str, ...], Alignment] = {}

    # -- the procedure, one step at a time ----------------------------------------

    def step(self, state: str, counts: tuple[int, ...], kind: str) -> _Next | None:
        """(state, counts) after ``kind``, or None when the procedure does not allow it."""
        key = (state, counts, kind)
        if key in self._steps:
            return self._steps[key]
        out: _Next | None = None
        if kind in self._triggers:
            have = dict(zip(self.tracked, counts, strict=True))
            for requires, dest in self.table.rules.get((state, kind), ()):
                if all(have.get(k, 0) >= n for k, n in requires):
                    after = counts
                    slot = self._slot.get(kind)
                    if slot is not None and counts[slot] < self.caps[slot]:
                        after = (*counts[:slot], counts[slot] + 1, *counts[slot + 1 :])
                    out = (state if dest is None else dest, after)
                    break
        self._steps[key] = out
        return out

    def _additions(
        self, state: str, counts: tuple[int, ...]
    ) -> list[tuple[str, str, tuple[int, ...]]]:
        """Every kind that may be added here: (kind, state after, counts after)."""
        key = (state, counts)
        found = self._adds.get(key)
        if found is None:
            found = []
            for kind in self.table.triggers:
                nxt = self.step(state, counts, kind)
                if nxt is not None:
                    found.append((kind, *nxt))
            self._adds[key] = found
        return found

    # -- alignment ------------------------------------------------------------------

    def align(
        self, kinds: Sequence[str], events: Sequence[str] = (), numbers: Sequence[int] = ()
    ) -> Alignment:
        """The alignment of a history given as its event kinds (``background``
        ones included); ``events``, when given, are their ids, and ``numbers``
        their numbers (an archive's seq), for the messages."""
        key = tuple(kinds)
        found = self._memo.get(key)
        if found is None:
            found = self._align(key)
            if len(self._memo) >= 10_000:
                self._memo.clear()
            self._memo[key] = found
        return found.with_events(events, numbers) if events else found

    def _align(self, kinds: tuple[str, ...]) -> Alignment:
        n = len(kinds)
        if n > MAX_EVENTS:
            return Alignment(kinds, None, (), 0)
        start: _Node = (0, self.procedure.initial, tuple(0 for _ in self.tracked), True)
        dist: dict[_Node, int] = {start: 0}
        moves: dict[_Node, list[_Move]] = {start: []}
        # layers[cost][events read]: the nodes reached at that cost.
        layers: list[list[list[_Node]]] = [[[] for _ in range(n + 1)]]
        layers[0][0].append(start)

        def reach(node: _Node, cost: int, move: _Move) -> None:
            known = dist.get(node)
            if known is None or cost < known:
                dist[node] = cost
                moves[node] = [move]
                while len(layers) <= cost:
                    layers.append([[] for _ in range(n + 1)])
                layers[cost][node[0]].append(node)
            elif cost == known:
                moves[node].append(move)

        cost = 0
        while True:
            layer = layers[cost]
            for i in range(n + 1):
                for node in layer[i]:  # moves of cost 0 lead to i + 1: this list stays
                    if dist[node] != cost:
                        continue  # reached more cheaply since
                    _, state, counts, may_add = node
                    if may_add:
                        for kind, after, c in self._additions(state, counts):
                            reach((i, after, c, True), cost + 1, (node, MISSING, kind))
                    if i == n:
                        continue
                    kind = kinds[i]
                    if kind == BACKGROUND:  # kept: it never makes a history illegal
                        reach((i + 1, state, counts, False), cost, (node, _SYNC, kind))
                        continue
                    nxt = self.step(state, counts, kind)
                    if nxt is not None:
                        reach((i + 1, *nxt, True), cost, (node, _SYNC, kind))
                    reach((i + 1, state, counts, False), cost + 1, (node, EXTRA, kind))
            goals = [g for g in dict.fromkeys(layer[n]) if dist[g] == cost]
            if goals:
                break
            cost += 1
        count = _count_paths(goals, moves, start)
        collected = []
        for path in _paths(goals, moves):
            collected.append(_repair(path))
            if len(collected) >= max(self.listed, _COLLECTED):
                break
        rank = self._rank
        collected.sort(
            key=lambda r: (
                sum(e.action == EXTRA for e in r.edits),
                [(e.seq or e.after, e.action == EXTRA, rank.get(e.kind, -1)) for e in r.edits],
            )
        )
        return Alignment(kinds, cost, tuple(collected[: self.listed]), count)


def _repair(path: list[_Move]) -> Repair:
    """The repair a path of moves (from the start) makes."""
    edits: list[tuple[str, str, int]] = []  # (action, kind, event number or anchor)
    kept: list[int] = []  # the numbers of the kept events that move the state
    out: list[str] = []
    for (i, *_), action, kind in path:
        if action == _SYNC:
            out.append(kind)
            if kind != BACKGROUND:
                kept.append(i + 1)
        elif action == MISSING:
            out.append(kind)
            edits.append((action, kind, kept[-1] if kept else 0))
        else:
            edits.append((action, kind, i + 1))
    made = []
    for action, kind, where in edits:
        if action == EXTRA:
            made.append(Edit(EXTRA, kind, seq=where))
        else:
            before = next((k for k in kept if k > where), 0)
            made.append(Edit(MISSING, kind, after=where, before=before))
    return Repair(tuple(made), tuple(out))


def _count_paths(goals: list[_Node], moves: Mapping[_Node, list[_Move]], start: _Node) -> int:
    """How many cheapest paths lead from the start to the goals (each a repair)."""
    ways: dict[_Node, int] = {start: 1}
    for goal in goals:  # depth first, without recursion: a node once its sources are done
        stack = [goal]
        while stack:
            node = stack[-1]
            if node in ways:
                stack.pop()
                continue
            waiting = [m[0] for m in moves[node] if m[0] not in ways]
            if waiting:
                stack.extend(waiting)
                continue
            ways[node] = sum(ways[m[0]] for m in moves[node])
            stack.pop()
    return sum(ways[g] for g in goals)


def _paths(goals: list[_Node], moves: Mapping[_Node, list[_Move]]) -> Iterator[list[_Move]]:
    """Each cheapest path as its moves from the start, one at a time."""
    for goal in goals:
        # (node, the moves after it as a linked list: (move, rest) or None)
        stack: list[tuple[_Node, Any]] = [(goal, None)]
        while stack:
            node, after = stack.pop()
            into = moves[node]
            if not into:  # the start
                path = []
                while after is not None:
                    move, after = after
                    path.append(move)
                yield path
                continue
            for move in reversed(into):
                stack.append((move[0], (move, after)))


def repair_hint(case: Case, procedure: Procedure) -> str:
    """The line ``casework check`` may print after the error of a case file the
    procedure refuses: 'hint: ' and its smallest repair (see :func:`align`)."""
    found = align(procedure, [e.kind for e in case.events], [e.id for e in case.events])
    return "hint: " + found.describe()


def align(procedure: Procedure, kinds: Sequence[str], events: Sequence[str] = ()) -> Alignment:
    """The fewest events to add or remove for ``procedure`` to accept a history
    (its event kinds in order, ``events`` their ids), every minimal repair counted.

    >>> import casework
    >>> purge = casework.load_casebook().procedures["purge-1921"]
    >>> found = align(purge, ["expel", "reinstate"], ["e1", "e2"])
    >>> found.cost, found.count
    (1, 5)
    >>> found.repairs[0].parts()
    ['probably missing: an event of kind intercede between events 1 and 2']
    >>> print(found.repairs[-1].describe())
    event 2 'e2' (reinstate) does not fit here; without it the history is legal
    """
    return Aligner(procedure).align(kinds, events)
