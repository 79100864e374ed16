"""What-if scenarios: a case history forked and edited under changed rules.

A :class:`WhatIf` names a base (a case, or another what-if) and a list of
edits that name events by their stable id: fork at an event, remove, insert,
replace, re-date; and rules that change the procedure for this scenario
(require earlier events, drop or add a transition's source states, drop a
transition). Every record is frozen: each builder method returns a new
what-if, applying one derives new events with ``attrs.evolve``, and the base
case is never changed. Events a what-if adds are ``basis = "hypothetical"``
and carry reasoning instead of a quote.

The edits and rules are in :mod:`casework.model.edits`; comparing a what-if
with its base is :func:`casework.model.compare.compare` (``book.compare``).

>>> import casework
>>> book = casework.load_casebook()
>>> strict = WhatIf("strict", base="alliluyeva", title="Two testimonials")
>>> case, procedure = strict.require("reinstate", intercede=2).build(book)
>>> {t.requires for t in procedure.transitions if t.trigger == "reinstate"}
{(('intercede', 2),)}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import attrs

from casework.errors import CaseFileError, Problem
from casework.model.case import Case
from casework.model.dates import HistDate
from casework.model.edits import (
    Edit,
    EditProblem,
    Fork,
    Insert,
    Redate,
    Remove,
    Replace,
    Rule,
    Unread,
)
from casework.model.events import Event
from casework.model.evidence import Origin
from casework.model.procedure import Procedure

__all__ = ["Scenarios", "WhatIf", "in_line_order", "resolve_whatifs"]


class Scenarios(Protocol):
    """What a what-if is built against: the cases, what-ifs and procedures of a
    scenarios folder (a :class:`~casework.Casebook`)."""

    @property
    def cases(self) -> Mapping[str, Case]: ...
    @property
    def whatifs(self) -> Mapping[str, WhatIf]: ...
    @property
    def procedures(self) -> Mapping[str, Procedure]: ...


def _tuple_of_edits(items: Iterable[Edit]) -> tuple[Edit, ...]:
    return tuple(items)


def _tuple_of_problems(items: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(items)


def _tuple_of_rules(items: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(items)


@attrs.frozen
class WhatIf:
    """A counterfactual: a base (case or what-if id), edits to its events, rule changes.

    Builder methods return a new what-if; nothing is ever changed in place.
    """

    id: str
    base: str = attrs.field(kw_only=True)
    title: str = attrs.field(default="", kw_only=True)
    description: str = attrs.field(default="", kw_only=True)
    edits: tuple[Edit, ...] = attrs.field(default=(), converter=_tuple_of_edits, kw_only=True)
    rules: tuple[Rule, ...] = attrs.field(default=(), converter=_tuple_of_rules, kw_only=True)
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    #: Problems found when its file was read (edits and rules it could not
    #: build); :meth:`apply` reports them with the others.
    pending: tuple[Problem, ...] = attrs.field(
        default=(), converter=_tuple_of_problems, eq=False, repr=False, kw_only=True
    )

    # -- building ----------------------------------------------------------

    def edit(self, edit: Edit) -> WhatIf:
        """This what-if with one more edit."""
        return attrs.evolve(self, edits=(*self.edits, edit))

    def fork(self, at: str, *events: Event) -> WhatIf:
        """Keep the history up to event ``at``, then continue with ``events``."""
        return self.edit(Fork(at, events))

    def remove(self, *event_ids: str) -> WhatIf:
        """Remove events by id."""
        out = self
        for event_id in event_ids:
            out = out.edit(Remove(event_id))
        return out

    def insert(self, *events: Event, before: str | None = None, after: str | None = None) -> WhatIf:
        """Insert events just before or just after an event."""
        return self.edit(Insert(events, before=before, after=after))

    def replace(self, event_id: str, by: Event) -> WhatIf:
        """Put ``by`` in the place of event ``event_id``."""
        return self.edit(Replace(event_id, by))

    def redate(
        self, event_id: str, date: str, reasoning: str, calendar: str = "gregorian"
    ) -> WhatIf:
        """Give event ``event_id`` another (EDTF) date, saying why."""
        return self.edit(Redate(event_id, HistDate.parse(date, calendar), reasoning))

    def rule(self, rule: Rule) -> WhatIf:
        """This what-if with one more procedure rule."""
        return attrs.evolve(self, rules=(*self.rules, rule))

    def require(self, trigger: str, **counts: int) -> WhatIf:
        """``trigger`` needs this many earlier events of each kind (``intercede=2``)."""
        return self.rule(Rule(trigger, requires=counts))

    def drop_source(self, trigger: str, *states: str) -> WhatIf:
        """``trigger`` may no longer follow these states."""
        return self.rule(Rule(trigger, drop_source=states))

    # -- applying ----------------------------------------------------------

    def _where(self, origin: Origin | None) -> tuple[str, int]:
        if origin is not None:
            return origin.path, origin.line
        if self.origin is not None:
            return self.origin.path, 0
        return f"what-if {self.id!r}", 0

    def problem(self, origin: Origin | None, what: str, expected: str = "") -> Problem:
        """A Problem at an edit's line (or naming the what-if when built in code)."""
        path, line = self._where(origin)
        return Problem(path, line, what, expected)

    def _conflicts(self) -> list[tuple[int, Problem]]:
        """(edit index, problem) for each edit naming an event an earlier edit names."""
        out = []
        first: dict[str, tuple[int, Edit]] = {}
        for n, edit in enumerate(self.edits, start=1):
            for name in edit.names:
                if name in first:
                    m, other = first[name]
                    out.append(
                        (
                            n - 1,
                            self.problem(
                                edit.origin,
                                f"edit {n} ({edit.op}) names event {name!r}, "
                                f"as edit {m} ({other.op}) does",
                                "expected one edit per event",
                            ),
                        )
                    )
                else:
                    first[name] = (n, edit)
        return out

    def conflicts(self) -> list[Problem]:
        """Two edits that name the same event: each pair, at the later edit."""
        return [p for _i, p in self._conflicts()]

    def own_problems(self) -> list[Problem]:
        """The problems found without the base: those found when the file was
        read and the conflicts, in line order."""
        return in_line_order([*self.pending, *self.conflicts()])

    def apply(self, case: Case, procedure: Procedure) -> tuple[Case, Procedure]:
        """The edited case and the scenario's procedure; ``case`` is not changed.

        Raises CaseFileError naming every edit and rule (file and line) that
        cannot be applied, with the conflicts and the problems found when the
        file was read, in line order.
        """
        conflicts = self._conflicts()
        problems = [*self.pending, *(p for _i, p in conflicts)]
        skip = {i for i, _p in conflicts}
        events = list(case.events)
        base_ids = frozenset(e.id for e in events)
        for i, edit in enumerate(self.edits):
            if i in skip or isinstance(edit, Unread):
                continue  # reported already
            try:
                events = edit.apply(events, base_ids, self.base)
            except EditProblem as err:
                where = err.origin if err.origin is not None else edit.origin
                problems.append(self.problem(where, err.what, err.expected))
        for rule in self.rules:
            try:
                procedure = rule.apply(procedure)
            except EditProblem as err:
                problems.append(self.problem(rule.origin, err.what, err.expected))
        if problems:
            raise CaseFileError(in_line_order(problems))
        renumbered = tuple(
            attrs.evolve(ev, case=case.id, seq=n) for n, ev in enumerate(events, start=1)
        )
        return attrs.evolve(case, events=renumbered), procedure

    def base_of(self, book: Scenarios) -> tuple[Case, Procedure]:
        """The case and procedure this what-if edits: its base case, or its base
        what-if applied (followed down the chain)."""
        return _base_of(self, book.cases, book.whatifs, book.procedures)

    def build(self, book: Scenarios) -> tuple[Case, Procedure]:
        """The base (followed through other what-ifs) with this what-if applied."""
        return self.apply(*self.base_of(book))

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form: id, base, title, description, edits and rules."""
        return {
            "id": self.id,
            "base": self.base,
            "title": self.title,
            "description": self.description,
            "edits": [e.to_mapping() for e in self.edits],
            "rules": [r.to_mapping() for r in self.rules],
        }


def in_line_order(problems: Iterable[Problem]) -> list[Problem]:
    """Problems sorted by file, then line (stable: one line keeps its order)."""
    return sorted(problems, key=lambda p: (p.path, p.line))


def _chain(
    whatif: WhatIf, cases: Mapping[str, Case], whatifs: Mapping[str, WhatIf]
) -> list[WhatIf]:
    """The what-ifs from ``whatif`` down to the one based on a case (loops and
    unknown bases raise CaseFileError at the ``base`` line)."""
    chain = [whatif]
    while chain[-1].base not in cases:
        last = chain[-1]
        nxt = whatifs.get(last.base)
        if nxt is None:
            known = sorted(cases) + sorted(whatifs)
            raise CaseFileError(
                whatif.problem(
                    last.origin if last is whatif else None,
                    f"unknown base {last.base!r}"
                    + ("" if last is whatif else f" (of what-if {last.id!r})"),
                    "expected a case or what-if id: " + ", ".join(known),
                )
            )
        if any(w.id == nxt.id for w in chain):
            path = " → ".join([*(w.id for w in chain), nxt.id])
            raise CaseFileError(
                whatif.problem(
                    whatif.origin,
                    f"the chain of bases loops: {path}",
                    "expected a chain of what-ifs that ends at a case",
                )
            )
        chain.append(nxt)
    return chain


def _base_of(
    whatif: WhatIf,
    cases: Mapping[str, Case],
    whatifs: Mapping[str, WhatIf],
    procedures: Mapping[str, Procedure],
) -> tuple[Case, Procedure]:
    """The case and procedure ``whatif`` edits: its base case, or its base what-if applied."""
    chain = _chain(whatif, cases, whatifs)
    case = cases[chain[-1].base]
    procedure = procedures[case.procedure]
    for w in reversed(chain[1:]):
        case, procedure = w.apply(case, procedure)
    return case, procedure


def resolve_whatifs(
    whatifs: Iterable[WhatIf],
    cases: Mapping[str, Case],
    procedures: Mapping[str, Procedure],
    problems: list[Problem],
    *,
    cases_incomplete: bool = False,
) -> dict[str, WhatIf]:
    """The what-ifs whose base chain, edits and rules all apply; every
    problem found is added to ``problems``.

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
    good: dict[str, WhatIf] = {}
    for w in by_id.values():
        try:
            chain = _chain(w, cases, by_id)
        except CaseFileError as err:
            found = w.own_problems()
            if not (cases_incomplete and "unknown base" in err.problems[0].what):
                found += err.problems
            problems.extend(in_line_order(found))
            continue
        case = cases[chain[-1].base]
        procedure = procedures[case.procedure]
        failed = False
        for link in reversed(chain):
            try:
                case, procedure = link.apply(case, procedure)
            except CaseFileError as err:
                if link is w:
                    problems.extend(err.problems)
                else:
                    base_problem = w.problem(
                        w.origin,
                        f"base what-if {w.base!r} has problems",
                        "expected a base that applies (see its own problems)",
                    )
                    problems.extend(in_line_order([base_problem, *w.own_problems()]))
                failed = True
                break
        if not failed:
            good[w.id] = w
    return good
