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
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from pathlib import Path as FilePath
from typing import Any

import attrs

from casework.errors import CaseFileError, IllegalTransition, Problem, UnknownName
from casework.load.tomlfile import TomlFile
from casework.model.procedure import PENDING, Procedure

__all__ = [
    "Path",
    "dead_ends",
    "outcome_states",
    "procedure_problems",
    "reachable_states",
    "route",
    "shortest_paths",
    "simple_paths",
    "targets",
    "traps",
    "unreachable_states",
]


@attrs.frozen
class Path:
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


# -- the graph of states -------------------------------------------------------


def _moves(procedure: Procedure) -> dict[str, list[tuple[str, str]]]:
    """For each state, the (trigger, dest) of every transition to another state, in file order."""
    out: dict[str, list[tuple[str, str]]] = {s: [] for s in procedure.state_names}
    for t in procedure.transitions:
        if t.dest is None:
            continue
        for s in t.source:
            if s != t.dest:
                out[s].append((t.trigger, t.dest))
    return out


def _loops(procedure: Procedure) -> dict[str, set[str]]:
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
    moves = _moves(procedure)
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
    moves = _moves(procedure)
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
    moves = _moves(procedure)
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
    moves = _moves(procedure)
    loops = _loops(procedure)
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
    try:
        for n, kind in enumerate(triggers, start=1):
            runner.fire(_Probe(f"step-{n}", kind))
    except IllegalTransition:
        return False
    return True


@attrs.frozen
class _Probe:
    """The least an event needs to be fired through a Runner."""

    id: str
    kind: str


def simple_paths(procedure: Procedure, to: str | None = None) -> tuple[Path, ...]:
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
def _all_paths(procedure: Procedure) -> tuple[Path, ...]:
    """Every accepted simple path to every state; cached, as each is replayed."""
    found = [
        Path(triggers, states, procedure.outcome_of(states[-1]))
        for triggers, states in _walk(procedure)
    ]
    found.sort(key=lambda p: len(p.triggers))  # stable: file order within a length
    return tuple(p for p in found if _accepted(procedure, p.triggers))


def shortest_paths(procedure: Procedure) -> dict[str, Path]:
    """The shortest simple path to each outcome that has one (``pending`` excluded)."""
    out: dict[str, Path] = {}
    for path in simple_paths(procedure):
        out.setdefault(path.outcome, path)
    return {o: out[o] for o in procedure.outcomes if o in out}


# -- problems for `casework check` ------------------------------------------------


def procedure_problems(procedure: Procedure) -> list[Problem]:
    """Unreachable states, dead ends and traps, one Problem each, at the state's line."""
    where = procedure.origin or procedure.id
    toml: TomlFile | None = None
    if procedure.origin:
        try:
            toml = TomlFile.read(FilePath(procedure.origin))
        except CaseFileError:
            toml = None
    index = {name: i for i, name in enumerate(procedure.state_names)}

    def at(state: str, what: str, expected: str) -> Problem:
        if toml is None:
            return Problem.at(where, 0, what, expected)
        return toml.problem(what, expected, table="states", index=index[state], key="name")

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
    for s in traps(procedure):
        if s in stuck:
            continue
        onward = ", ".join(x for x in reachable_states(procedure, s) if x != s)
        problems.append(
            at(
                s,
                f"state {s!r} is a trap: from it only {onward} can be reached, none an outcome",
                f"expected a way on to an outcome state ({outcomes})",
            )
        )
    return sorted(problems, key=lambda p: p.line)
