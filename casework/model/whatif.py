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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from casework.errors import CaseFileError, Problem
from casework.model.case import Case
from casework.model.chains import Built, base_of, in_line_order, numbered, resolve_whatifs
from casework.model.dates import HistDate
from casework.model.draft import new_draft
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

__all__ = ["Applied", "Built", "Scenarios", "WhatIf", "in_line_order", "resolve_whatifs"]


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
        applied = self.applied(case, procedure)
        return applied.case, applied.procedure

    def applied(self, case: Case, procedure: Procedure) -> Applied:
        """:meth:`apply`, with what the edits did: the base event each added
        event takes the place of."""
        events, procedure, added = self.edited(case.events, procedure)
        return Applied(attrs.evolve(case, events=numbered(events, case.id)), procedure, added)

    def edited(
        self, events: Sequence[Event], procedure: Procedure
    ) -> tuple[tuple[Event, ...], Procedure, dict[str, str | None]]:
        """The edited events (numbered as they were: :meth:`apply` numbers
        them), the procedure, and the base event each added event takes the
        place of (None: inserted). Raises as :meth:`apply` does."""
        conflicts = self._conflicts()
        problems = [*self.pending, *(p for _i, p in conflicts)]
        skip = {i for i, _p in conflicts}
        work = len(self.edits) + sum(len(getattr(e, "events", ())) for e in self.edits)
        try:
            draft = new_draft(events, self.base, work)
        except EditProblem as err:
            raise CaseFileError(self.problem(None, err.what, err.expected)) from None
        for i, edit in enumerate(self.edits):
            if i in skip or isinstance(edit, Unread):
                continue  # reported already
            try:
                edit.edit(draft)
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
        return tuple(draft.events()), procedure, draft.added

    def base_of(self, book: Scenarios) -> tuple[Case, Procedure]:
        """The case and procedure this what-if edits: its base case, or its base
        what-if applied (followed down the chain; each what-if of ``book`` is
        applied once, and kept)."""
        memo = getattr(book, "built", None)
        return base_of(
            self,
            book.cases,
            book.whatifs,
            book.procedures,
            memo if isinstance(memo, Built) else Built(),
        )

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


@attrs.frozen
class Applied:
    """A what-if applied to its base: the edited case, the scenario's procedure,
    and for each event the what-if added (by id) the base event whose place it
    takes (None when it takes none: an inserted event). The base's own events
    keep their ids."""

    case: Case
    procedure: Procedure
    added: Mapping[str, str | None] = attrs.field(factory=dict)
