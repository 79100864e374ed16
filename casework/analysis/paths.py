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
them. Every path is checked against the transition table of the procedure's
Machine before it is returned, so a path listed here is one the procedure
accepts, through exactly the states it lists.

Bounds. The number of simple paths grows exponentially with the procedure, so
no more than ``limit`` paths (:data:`LIMIT` unless asked) are listed, the
shortest first, and the searches stop at :data:`SEARCH` and :data:`COUNTING`
(see :mod:`casework.analysis.pathsearch`): a :class:`PathsReport` says whether
its counts are exact, and :func:`simple_paths` raises :class:`TooManyPaths`
rather than return part of what it was asked for.

Reachability, dead ends and traps are questions about the graph of states;
they do not count earlier events, so ``requires`` rules are not considered
there.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import attrs

from casework.analysis.pathsearch import Bound, Found, Ordered, Search
from casework.errors import CaseworkError, UnknownName
from casework.model.graph import (
    dead_ends,
    outcome_states,
    reachable_states,
    route,
    traps,
    unreachable_states,
)
from casework.model.procedure import PENDING, Procedure

__all__ = [
    "COUNTING",
    "LIMIT",
    "SEARCH",
    "PathsReport",
    "StatePath",
    "TooManyPaths",
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

#: How many paths are listed at most, unless asked for more (``casework paths --limit``).
LIMIT = 1000

#: Where the search that lists paths in order stops: it keeps every path it
#: generates, so this bounds its memory (about 60 MB) and time (about a second).
SEARCH = Bound(paths=100_000, events=2_000_000)

#: Where counting stops: it keeps only the path it is on, so this bounds its
#: time (under a second without ``requires`` rules, a few seconds with them).
COUNTING = Bound(paths=1_000_000, events=20_000_000)


class TooManyPaths(CaseworkError, ValueError):
    """More simple paths than were asked for, or than a search may look at."""


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


@functools.lru_cache(maxsize=16)
def _search(procedure: Procedure) -> Search:
    return Search(procedure)


@functools.lru_cache(maxsize=64)
def _ordered(procedure: Procedure, ends: frozenset[str], keep: int) -> Ordered:
    """The first ``keep`` paths to ``ends``, and the first to each state; cached."""
    return _search(procedure).ordered(ends, keep, SEARCH)


@functools.lru_cache(maxsize=16)
def _counted(procedure: Procedure) -> tuple[dict[str, int], bool, int]:
    """Paths to each state, whether exact, and how many paths were looked at."""
    counted = _search(procedure).count(COUNTING)
    return counted.counts, counted.exact, counted.seen


def _path(procedure: Procedure, found: Found) -> StatePath:
    triggers, states = found
    return StatePath(triggers, states, procedure.outcome_of(states[-1]))


def simple_paths(
    procedure: Procedure, to: str | None = None, *, limit: int | None = None
) -> tuple[StatePath, ...]:
    """Every simple path from the initial state to ``to`` (see :func:`targets`),
    shortest first, then in the order of the procedure file.

    Raises TooManyPaths when there are more than ``limit`` (if given), or when the
    search stops at its bound (:data:`SEARCH`) before it has found them all: it
    never returns part of what it was asked for.

    >>> from casework import load_casebook
    >>> discipline = load_casebook().procedures["discipline"]
    >>> len(simple_paths(discipline, "reinstated"))
    64
    >>> simple_paths(discipline, "expulsion_upheld")[0].states
    ('member', 'expelled', 'expulsion_upheld')
    """
    ends = targets(procedure, to)
    keep = SEARCH.paths + 1 if limit is None else limit + 1
    found = _ordered(procedure, frozenset(ends), keep)
    where = f"from {procedure.initial} to {to or ', '.join(ends) or 'no outcome state'}"
    if limit is not None and len(found.listed) > limit:
        raise TooManyPaths(
            f"more than {limit:,} simple paths {where}; "
            "expected at most as many as the limit (simple_paths(..., limit=N))"
        )
    if not found.complete:
        raise TooManyPaths(
            f"the simple paths {where} could not all be found: the search stopped after "
            f"{found.seen:,} paths; expected a procedure with fewer paths"
        )
    return tuple(_path(procedure, f) for f in found.listed)


def shortest_paths(procedure: Procedure) -> dict[str, StatePath]:
    """The shortest simple path to each outcome that has one (``pending`` excluded),
    among the paths a search looks at (:data:`SEARCH`)."""
    ordered = _ordered(procedure, frozenset(outcome_states(procedure)), LIMIT + 1)
    best: dict[str, tuple[int, Found]] = {}
    for state, (rank, found) in ordered.firsts.items():
        outcome = procedure.outcome_of(state)
        if outcome != PENDING and (outcome not in best or rank < best[outcome][0]):
            best[outcome] = (rank, found)
    return {o: _path(procedure, best[o][1]) for o in procedure.outcomes if o in best}


def _tuple_of_paths(items: Any) -> tuple[StatePath, ...]:
    return tuple(items)


def _tuple_of_str(items: Any) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class PathsReport:
    """What ``casework paths`` shows: for each outcome how many simple paths lead
    to it and a shortest one; which states are reachable, unreachable, dead ends
    and traps; and, asked ``to`` an outcome or state, the simple paths there.

    At most ``limit`` paths are listed, the shortest first; ``total`` says how
    many there are. When ``exact`` is False, counting stopped (:data:`COUNTING`)
    after looking at ``looked_at`` paths, and ``total`` and ``counts`` are lower
    bounds."""

    procedure: Procedure
    to: str | None
    #: The end states of the paths listed: those of ``to``, or every outcome state.
    ends: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    #: The paths to ``ends``, shortest first: the first ``limit`` of them.
    paths: tuple[StatePath, ...] = attrs.field(converter=_tuple_of_paths)
    shortest: tuple[StatePath, ...] = attrs.field(converter=_tuple_of_paths)
    #: The states a history is ``pending`` in.
    pending: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    reachable: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    unreachable: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    dead_ends: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    traps: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    #: How many simple paths lead to each outcome (``pending`` too).
    counts: Mapping[str, int]
    #: How many simple paths lead to ``ends``.
    total: int
    exact: bool
    looked_at: int
    limit: int

    @property
    def truncated(self) -> bool:
        """True when some paths to ``ends`` are not listed (or may not be)."""
        return len(self.paths) < self.total or not self.exact

    def count(self, outcome: str) -> int:
        """How many simple paths end with ``outcome`` (a lower bound unless ``exact``)."""
        return self.counts.get(outcome, 0)

    def shortest_to(self, outcome: str) -> StatePath | None:
        """A shortest path to ``outcome`` (None when none leads there)."""
        return next((p for p in self.shortest if p.outcome == outcome), None)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form printed by ``casework paths --json``: when not every path
        is listed, ``truncated`` says how many there are."""
        proc = self.procedure
        out: dict[str, Any] = {
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
        if self.truncated:
            out["truncated"] = {
                "limit": self.limit,
                "listed": len(self.paths),
                "total": self.total,
                "exact": self.exact,
                "looked_at": self.looked_at,
                "counts": dict(self.counts),
            }
        return out


def paths_report(procedure: Procedure, to: str | None = None, *, limit: int = LIMIT) -> PathsReport:
    """The paths of ``procedure`` (to ``to``, see :func:`targets`): the first
    ``limit`` of them and how many there are, with its graph's reachable states,
    dead ends and traps. Raises UnknownName for an unknown ``to``."""
    ends = targets(procedure, to)
    ordered = _ordered(procedure, frozenset(ends), limit + 1)
    if ordered.complete:
        per_state, exact, looked_at = ordered.counts, True, ordered.seen
    else:
        per_state, exact, looked_at = _counted(procedure)
        if not exact:  # the ordered search may have seen paths that counting did not
            per_state = {s: max(n, ordered.counts[s]) for s, n in per_state.items()}
    counts: dict[str, int] = dict.fromkeys(procedure.outcomes, 0)
    for state, n in per_state.items():
        counts[procedure.outcome_of(state)] += n
    return PathsReport(
        procedure=procedure,
        to=to,
        ends=ends,
        paths=[_path(procedure, f) for f in ordered.listed[:limit]],
        shortest=shortest_paths(procedure).values(),
        pending=targets(procedure, PENDING),
        reachable=reachable_states(procedure),
        unreachable=unreachable_states(procedure),
        dead_ends=dead_ends(procedure),
        traps=traps(procedure),
        counts=counts,
        total=sum(per_state[s] for s in ends),
        exact=exact,
        looked_at=looked_at,
        limit=limit,
    )
