"""Chains of what-ifs: each built on a case or on another what-if, resolved and
applied link by link, each link once.

A what-if's base may be another what-if, and so on down to a case. Following
the chain for every what-if and applying it whole would cost the square of its
length; here each what-if is applied once, its result kept (:class:`Built`),
and the what-ifs built on it start from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MemberDescriptorType
from typing import TYPE_CHECKING, Any

import attrs

from casework.errors import CaseFileError, Problem
from casework.model.case import Case
from casework.model.draft import MAX_LISTED, listing
from casework.model.events import Event
from casework.model.procedure import Procedure

if TYPE_CHECKING:
    from casework.model.whatif import WhatIf

__all__ = ["Built", "base_of", "in_line_order", "numbered", "resolve_whatifs"]


def in_line_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems sorted by file, then line (stable: one line keeps its order)."""
    return sorted(problems, key=lambda p: (p.path, p.line))


def numbered(events: Sequence[Event], case_id: str) -> tuple[Event, ...]:
    """The events numbered from 1 in their order, as events of ``case_id`` (an
    event already so numbered is kept as it is)."""
    return tuple(
        ev if ev.seq == n and ev.case == case_id else _renumbered(ev, case_id, n)
        for n, ev in enumerate(events, start=1)
    )


def _slots() -> list[tuple[Any, Any]] | None:
    """(get, set) of each field of an Event, or None when its class has no slots."""
    slots = [Event.__dict__.get(f.name) for f in attrs.fields(Event)]
    found = [s for s in slots if isinstance(s, MemberDescriptorType)]
    return [(s.__get__, s.__set__) for s in found] if len(found) == len(slots) else None


_SLOTS = _slots()
_SEQ = Event.__dict__.get("seq")
_CASE = Event.__dict__.get("case")


def _renumbered(ev: Event, case_id: str, seq: int) -> Event:
    """``ev`` as event ``seq`` of ``case_id``. A copy of its fields with those two
    changed: a checked event renumbered stays checked, and attrs.evolve would
    convert and check every field again (four times the cost, paid for each
    event of each what-if's history)."""
    if _SLOTS is None or _SEQ is None or _CASE is None:
        return attrs.evolve(ev, case=case_id, seq=seq)
    new = object.__new__(Event)
    for get, put in _SLOTS:
        put(new, get(ev))
    _SEQ.__set__(new, seq)
    _CASE.__set__(new, case_id)
    return new


class Built:
    """The what-ifs of one unchanging set of scenarios, each applied once: by
    id, the what-if, its base case, its events (numbered as in its base) and
    its procedure. A casebook keeps one, so that a chain of what-ifs is applied
    link by link once, not once for every what-if built on it."""

    def __init__(self) -> None:
        self._by_id: dict[str, tuple[WhatIf, Case, tuple[Event, ...], Procedure]] = {}

    def get(self, whatif: WhatIf) -> tuple[Case, tuple[Event, ...], Procedure] | None:
        """The base case, events and procedure of this very what-if, if kept."""
        entry = self._by_id.get(whatif.id)
        if entry is None or entry[0] is not whatif:
            return None
        return entry[1:]

    def put(
        self, whatif: WhatIf, case: Case, events: tuple[Event, ...], procedure: Procedure
    ) -> None:
        """Keep a what-if applied: its base case, its events and its procedure."""
        self._by_id[whatif.id] = (whatif, case, events, procedure)


def _path(ids: Sequence[str]) -> str:
    """A chain of ids for a message, the middle left out when it is long."""
    if len(ids) > MAX_LISTED:
        ids = [*ids[: MAX_LISTED // 2], "…", *ids[-(MAX_LISTED // 2) :]]
    return " → ".join(ids)


def _walk(
    whatif: WhatIf,
    cases: Mapping[str, Case],
    whatifs: Mapping[str, WhatIf],
    stop: Callable[[str], bool] = lambda _id: False,
) -> tuple[list[WhatIf], str]:
    """The what-ifs from ``whatif`` down its chain of bases, and why the walk
    ended at the last: its base is a ``case``, a what-if to ``stop`` at, is
    ``unknown``, or is already in the chain (a ``loop``)."""
    chain = [whatif]
    ids = {whatif.id}
    while True:
        base = chain[-1].base
        if base in cases:
            return chain, "case"
        if stop(base):
            return chain, "stop"
        nxt = whatifs.get(base)
        if nxt is None:
            return chain, "unknown"
        if nxt.id in ids:
            return chain, "loop"
        chain.append(nxt)
        ids.add(nxt.id)


def _unknown_base(
    whatif: WhatIf, last: WhatIf, cases: Mapping[str, Case], whatifs: Mapping[str, WhatIf]
) -> Problem:
    """The base of ``last``, in the chain of ``whatif``, is neither a case nor a what-if."""
    return whatif.problem(
        last.origin if last is whatif else None,
        f"unknown base {last.base!r}" + ("" if last is whatif else f" (of what-if {last.id!r})"),
        "expected a case or what-if id: " + listing([*sorted(cases), *sorted(whatifs)]),
    )


def _loop(whatif: WhatIf, chain: Sequence[WhatIf]) -> Problem:
    """The chain of ``whatif`` comes back to a what-if already in it."""
    return whatif.problem(
        whatif.origin,
        f"the chain of bases loops: {_path([*(w.id for w in chain), chain[-1].base])}",
        "expected a chain of what-ifs that ends at a case",
    )


def base_of(
    whatif: WhatIf,
    cases: Mapping[str, Case],
    whatifs: Mapping[str, WhatIf],
    procedures: Mapping[str, Procedure],
    built: Built,
) -> tuple[Case, Procedure]:
    """The case and procedure ``whatif`` edits: its base case, or its base what-if
    applied (each link of the chain applied once, and kept in ``built``)."""
    if whatif.base in cases:
        case = cases[whatif.base]
        return case, procedures[case.procedure]

    def kept(whatif_id: str) -> bool:
        return whatif_id in whatifs and built.get(whatifs[whatif_id]) is not None

    chain, why = _walk(whatif, cases, whatifs, stop=kept)
    if why == "unknown":
        raise CaseFileError(_unknown_base(whatif, chain[-1], cases, whatifs))
    if why == "loop":
        raise CaseFileError(_loop(whatif, chain))
    case, events, procedure = _start(chain[-1].base, cases, whatifs, procedures, built)
    for link in reversed(chain[1:]):
        events, procedure, _added = link.edited(events, procedure)
        built.put(link, case, events, procedure)
    return attrs.evolve(case, events=numbered(events, case.id)), procedure


def _start(
    base: str,
    cases: Mapping[str, Case],
    whatifs: Mapping[str, WhatIf],
    procedures: Mapping[str, Procedure],
    built: Built,
) -> tuple[Case, tuple[Event, ...], Procedure]:
    """Where a chain of what-ifs starts: a case, or a what-if kept in ``built``."""
    if base in cases:
        case = cases[base]
        return case, case.events, procedures[case.procedure]
    kept = built.get(whatifs[base])
    assert kept is not None
    return kept


def resolve_whatifs(
    whatifs: Iterable[WhatIf],
    cases: Mapping[str, Case],
    procedures: Mapping[str, Procedure],
    problems: list[Problem],
    *,
    cases_incomplete: bool = False,
    built: Built | None = None,
) -> dict[str, WhatIf]:
    """The what-ifs whose base chain, edits and rules all apply; every
    problem found is added to ``problems``. Each what-if is applied once (and
    kept in ``built`` when given), so a chain of them costs its length.

    ``cases_incomplete``: some case files could not be read (their problems
    are reported already), so an unknown base is not reported again.
    """
    by_id: dict[str, WhatIf] = {}
    for w in whatifs:
        if w.id in cases:
            problems.append(
                w.problem(None, f"what-if id {w.id!r} is also a case id", "expected a new id")
            )
        elif w.id in by_id:
            other = by_id[w.id].origin
            problems.append(
                w.problem(
                    None,
                    f"what-if id {w.id!r} is also used by {other.path if other else '?'}",
                    "expected unique what-if ids",
                )
            )
        else:
            by_id[w.id] = w
    built = Built() if built is None else built
    failed: set[str] = set()  # did not apply: its own problems, or its base's
    dead_end: dict[str, WhatIf] = {}  # by id: the what-if down its chain whose base is unknown
    looping: set[str] = set()  # its chain of bases loops

    def known(whatif_id: str) -> bool:
        if whatif_id in failed or whatif_id in dead_end or whatif_id in looping:
            return True
        return whatif_id in by_id and built.get(by_id[whatif_id]) is not None

    good: dict[str, WhatIf] = {}
    for w in by_id.values():
        chain, why = _walk(w, cases, by_id, stop=known)
        end = chain[-1].base
        if why == "stop" and end in dead_end:
            why, last = "unknown", dead_end[end]
        elif why == "unknown":
            last = chain[-1]
        if why == "stop" and end in looping:
            chain, why = _walk(w, cases, by_id)  # again, to name the loop
        if why in ("unknown", "loop"):
            for link in chain:
                if why == "unknown":
                    dead_end.setdefault(link.id, last)
                else:
                    looping.add(link.id)
            found = w.own_problems()
            if why == "loop":
                found.append(_loop(w, chain))
            elif not cases_incomplete:
                found.append(_unknown_base(w, last, cases, by_id))
            problems.extend(in_line_order(found))
            continue
        failing: Sequence[WhatIf] = ()  # w and the links down to the one that does not apply
        own = False  # w's own edits or rules do not apply
        if why == "stop" and end in failed:
            failing = chain
        else:
            case, events, procedure = _start(end, cases, by_id, procedures, built)
            for i in range(len(chain) - 1, -1, -1):
                link = chain[i]
                try:
                    events, procedure, _added = link.edited(events, procedure)
                except CaseFileError as err:
                    failing, own = chain[: i + 1], link is w
                    if own:
                        problems.extend(err.problems)
                    break
                built.put(link, case, events, procedure)
        if not failing:
            good[w.id] = w
            continue
        failed.update(link.id for link in failing)
        if not own:
            base_problem = w.problem(
                w.origin,
                f"base what-if {w.base!r} has problems",
                "expected a base that applies (see its own problems)",
            )
            problems.extend(in_line_order([base_problem, *w.own_problems()]))
    return good
