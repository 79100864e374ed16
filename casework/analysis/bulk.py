"""Bulk replay: many cases folded through a transition table compiled from the Machine.

The ``transitions.Machine`` built by :meth:`Procedure.machine` stays the one
definition of the procedure. :func:`compile_procedure` builds that Machine once
and reads its table (for each state, each trigger's destination, in the
Machine's own order, with the ``requires`` rule behind any condition) into plain
dicts, so that replaying a million events costs a dict lookup per event instead
of a trip through transitions' callbacks. ``tests/test_bulk.py`` checks, for
random procedures and histories, that the result is what
:class:`~casework.model.procedure.Runner` gives: the same states and the same errors.

Rows are folded as they stream in (``case, kind, day``, ordered by case and
sequence), so memory does not grow with the archive.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from casework.model.events import BACKGROUND
from casework.model.procedure import Procedure, TransitionDef
from casework.model.steps import IllegalStep

__all__ = ["CaseResult", "CompiledProcedure", "compile_procedure"]

#: The key under which a state's node keeps its own name: no kind can be None.
_NAME = None

Node = dict[Any, Any]


# Results are NamedTuples rather than attrs records: one is made per case
# (hundreds of thousands per archive) and a tuple is several times cheaper to
# build. They are still immutable.
class CaseResult(NamedTuple):
    """One case folded: where it ended, the states it passed through, and any failure.

    ``states`` matches :attr:`History.states <casework.History.states>`;
    ``state`` is the last of them (where replay stopped, for a failed case).
    ``first_day`` and ``last_day`` are the days (whatever the caller passed
    with each row, None when unknown) of the first and the last event that
    changed the state; None when no event did.
    """

    case: Any
    state: str
    states: tuple[str, ...]
    failure: IllegalStep | None
    events: int
    first_day: Any
    last_day: Any


class CompiledProcedure:
    """A procedure's transition table as plain dicts, read once from its Machine.

    Each state is a node: a dict mapping an event kind to the next state's node
    (itself for background events and internal transitions). A kind that is
    not in a node is not allowed there, or is behind a ``requires`` rule; both
    go to a slow path that asks the rules, as the Machine's conditions do.
    """

    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure
        machine = procedure.machine(_Probe())
        self.triggers: tuple[str, ...] = tuple(machine.events)
        names = list(procedure.state_names)
        self.nodes: dict[str, Node] = {name: {_NAME: name} for name in names}
        self.initial: Node = self.nodes[procedure.initial]
        # (state, trigger) -> [(requires, dest or None)], in the Machine's order.
        self.rules: dict[tuple[str, str], list[tuple[tuple[tuple[str, int], ...], str | None]]] = {}
        by_trigger: dict[str, list[TransitionDef]] = {}
        for t in procedure.transitions:
            by_trigger.setdefault(t.trigger, []).append(t)
        for trigger, event in machine.events.items():
            defs = by_trigger.get(trigger, [])
            for source, transitions in event.transitions.items():
                matching = [t for t in defs if source in t.source]
                assert [t.dest for t in matching] == [t.dest for t in transitions], (
                    f"the Machine and the procedure disagree on {trigger!r} from {source!r}"
                )
                self.rules[(source, trigger)] = [(t.requires, t.dest) for t in matching]
        self.has_requires = any(t.requires for t in procedure.transitions)
        for (source, trigger), options in self.rules.items():
            requires, dest = options[0]
            if not requires:  # the first option always fires: no need to ask
                node = self.nodes[source]
                node[trigger] = node if dest is None else self.nodes[dest]
        for node in self.nodes.values():
            node[BACKGROUND] = node

    # -- the slow path: rules, and what a failure reports --------------------

    def _fire(self, state: str, kind: str, counts: Counter[str]) -> Node | None:
        """The node after ``kind`` when a rule allows it, else None."""
        for requires, dest in self.rules.get((state, kind), ()):
            if all(counts[k] >= n for k, n in requires):
                return self.nodes[state] if dest is None else self.nodes[dest]
        return None

    def allowed(self, state: str, counts: Counter[str] | None = None) -> tuple[str, ...]:
        """The kinds allowed in ``state`` given ``counts`` of earlier events, in the
        Machine's order (as ``Runner.allowed``)."""
        counts = counts if counts is not None else Counter()
        return tuple(t for t in self.triggers if self._fire(state, t, counts) is not None)

    def unmet(self, state: str, kind: str, counts: Counter[str] | None = None) -> str:
        """Why ``kind`` is not allowed in ``state`` beyond the state (as ``Runner.unmet``)."""
        counts = counts if counts is not None else Counter()
        for t in self.procedure.transitions:
            if t.trigger == kind and state in t.source and t.requires:
                missing = [f"{n} × {k} (found {counts[k]})" for k, n in t.requires if counts[k] < n]
                if missing:
                    return "requires " + ", ".join(missing) + " before it"
        return ""

    def failure(self, index: int, kind: str, state: str, counts: Counter[str]) -> IllegalStep:
        """The illegal step of ``kind`` at ``index`` (0 for a case's first event) in
        ``state``; its ``seq`` is ``index + 1`` and its event id unknown ("")."""
        return IllegalStep(
            seq=index + 1,
            event="",
            kind=kind,
            state=state,
            allowed=self.allowed(state, counts),
            unmet=self.unmet(state, kind, counts),
        )

    # -- folding -------------------------------------------------------------

    def fold(self, rows: Iterable[tuple[Any, str, Any]]) -> Iterator[CaseResult]:
        """Fold rows ``(case, kind, day)``, grouped by case and in case order, into
        one :class:`CaseResult` per case, as they stream in.

        A case stops at its first event the procedure does not allow; its later
        rows are skipped.
        """
        if self.has_requires:
            return self._fold_counting(rows)
        return self._fold(rows)

    def _fold(self, rows: Iterable[tuple[Any, str, Any]]) -> Iterator[CaseResult]:
        # The hot loop: one dict lookup per event; the path and days are only
        # touched when the state changes, and each result is built as a bare
        # tuple (tuple.__new__ skips NamedTuple's Python-level __new__). Keep it lean.
        initial = self.initial
        new, result, name_of = tuple.__new__, CaseResult, _name_of
        case: Any = _NO_CASE
        node: Node = initial
        path: list[Node] = []
        days: list[Any] = []
        start = 0
        failure = None
        i = -1
        for i, (key, kind, day) in enumerate(rows):
            if key != case:
                if case is not _NO_CASE:
                    if days:
                        yield new(
                            result,
                            (
                                case,
                                path[-1][_NAME],
                                tuple(map(name_of, path)),
                                failure,
                                i - start,
                                days[0],
                                days[-1],
                            ),
                        )
                    else:
                        yield new(
                            result,
                            (
                                case,
                                path[0][_NAME],
                                (path[0][_NAME],),
                                failure,
                                i - start,
                                None,
                                None,
                            ),
                        )
                case, node, path, days, start, failure = key, initial, [initial], [], i, None
            nxt = node.get(kind)
            if nxt is node:
                continue
            if nxt is not None:
                node = nxt
                path.append(nxt)
                days.append(day)
            elif node is not _DEAD:
                failure = self.failure(i - start, kind, node[_NAME], Counter())
                node = _DEAD
        if case is not _NO_CASE:
            yield _result(case, path, days, failure, i + 1 - start)

    def _fold_counting(self, rows: Iterable[tuple[Any, str, Any]]) -> Iterator[CaseResult]:
        # As _fold, with counts of earlier event kinds for ``requires`` rules.
        initial = self.initial
        case: Any = _NO_CASE
        node: Node = initial
        path: list[Node] = []
        days: list[Any] = []
        counts: Counter[str] = Counter()
        start = 0
        failure = None
        i = -1
        for i, (key, kind, day) in enumerate(rows):
            if key != case:
                if case is not _NO_CASE:
                    yield _result(case, path, days, failure, i - start)
                case, node, path, days, start, failure = key, initial, [initial], [], i, None
                counts = Counter()
            if node is _DEAD:
                continue
            nxt = node.get(kind)
            if nxt is None:
                nxt = self._fire(node[_NAME], kind, counts)
                if nxt is None:
                    failure = self.failure(i - start, kind, node[_NAME], counts)
                    node = _DEAD
                    continue
            if kind != BACKGROUND:
                counts[kind] += 1
            if nxt is not node:
                node = nxt
                path.append(nxt)
                days.append(day)
        if case is not _NO_CASE:
            yield _result(case, path, days, failure, i + 1 - start)


#: The node of a case that has failed: it allows nothing, so its later rows
#: fall through to a check that skips them.
_DEAD: Node = {}
_NO_CASE = object()


_name_of = operator.itemgetter(_NAME)


def _result(
    case: Any, path: list[Node], days: list[Any], failure: IllegalStep | None, n: int
) -> CaseResult:
    if days:
        return CaseResult(
            case, path[-1][_NAME], tuple(map(_name_of, path)), failure, n, days[0], days[-1]
        )
    return CaseResult(case, path[-1][_NAME], (path[0][_NAME],), failure, n, None, None)


class _Probe:
    """A model for the Machine that compilation reads (never fired)."""

    def __init__(self) -> None:
        self.state = ""
        self.counts: Counter[str] = Counter()


def compile_procedure(procedure: Procedure) -> CompiledProcedure:
    """Compile ``procedure``'s Machine into a table for :meth:`CompiledProcedure.fold`.

    >>> import casework
    >>> table = compile_procedure(casework.load_casebook().procedures["purge-1921"])
    >>> rows = [("a", "expel", None), ("a", "appeal", None), ("a", "reinstate", None),
    ...         ("b", "expel", None), ("b", "reinstate", None)]
    >>> [(r.case, r.state, r.failure and r.failure.kind) for r in table.fold(rows)]
    [('a', 'reinstated', None), ('b', 'expelled', 'reinstate')]
    """
    return CompiledProcedure(procedure)
