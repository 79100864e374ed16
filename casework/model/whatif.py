"""What-if scenarios: a case history forked and edited, replayed, and compared.

A :class:`WhatIf` names a base (a case, or another what-if) and a list of
edits that name events by their stable id: fork at an event, remove, insert,
replace, re-date; and rules that change the procedure for this scenario
(require earlier events, drop or add a transition's source states, drop a
transition). Every record is frozen: each builder method returns a new
what-if, applying one derives new events with ``attrs.evolve``, and the base
case is never changed. Events a what-if adds are ``basis = "hypothetical"``
and carry reasoning instead of a quote.

When an edit or a rule makes the history illegal, that is the finding:
:func:`run` stops at the illegal event and keeps it (outcome ``illegal``)
instead of raising.

>>> import casework
>>> book = casework.load_casebook()
>>> strict = WhatIf("strict", base="alliluyeva", title="Two testimonials")
>>> comparison = strict.require("reinstate", intercede=2).compare(book)
>>> comparison.outcomes
('reinstated', 'illegal')
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from casework.errors import CaseFileError, IllegalTransition, Problem
from casework.load.cases import Case, Context
from casework.model.dates import HistDate
from casework.model.events import Event, Origin
from casework.model.procedure import ILLEGAL, Procedure, TransitionDef
from casework.model.replay import History, Step, replay

if TYPE_CHECKING:
    from casework.load.casebook import Casebook

__all__ = [
    "ILLEGAL",
    "Comparison",
    "Fork",
    "Illegal",
    "Insert",
    "Redate",
    "Remove",
    "Replace",
    "Row",
    "Rule",
    "Run",
    "WhatIf",
    "hypothetical",
    "load_whatif",
    "read_whatif",
    "resolve_whatifs",
    "run",
]

#: The folder of a scenarios folder that holds what-if files.
WHATIF_DIR = "whatif"


def _tuple_of_events(items: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(items)


def _tuple_of_str(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _tuple_of_origins(items: Iterable[Origin | None]) -> tuple[Origin | None, ...]:
    return tuple(items)


def _sorted_requires(
    counts: Mapping[str, int] | Iterable[tuple[str, int]],
) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(dict(counts).items()))


class _EditProblem(Exception):
    """An edit cannot be applied: what is wrong and what was expected."""

    def __init__(self, what: str, expected: str = "", origin: Origin | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.expected = expected
        self.origin = origin  # where it is, when not at the edit's own line


def hypothetical(
    id: str,
    kind: str,
    *,
    summary: str,
    reasoning: str,
    date: str | None = None,
    calendar: str = "gregorian",
    date_basis: str = "",
    actors: Sequence[str] = (),
    recipients: Sequence[str] = (),
    note: str = "",
) -> Event:
    """A what-if's own event: ``basis = "hypothetical"``, reasoning and no quote.

    >>> hypothetical("upheld", "uphold", summary="Upheld.", reasoning="Why not.").basis
    'hypothetical'
    """
    if not reasoning.strip():
        raise ValueError(f"hypothetical event {id!r} has no reasoning")
    return Event(
        id=id,
        case="",
        seq=0,
        kind=kind,
        date=HistDate.parse(date, calendar) if date else HistDate.unknown(),
        summary=summary,
        actors=actors,
        recipients=recipients,
        basis="hypothetical",
        reasoning=reasoning,
        date_basis=date_basis,
        note=note,
    )


# -- edits ---------------------------------------------------------------------


def _index(events: Sequence[Event], event_id: str, base_ids: frozenset[str], base: str) -> int:
    for i, ev in enumerate(events):
        if ev.id == event_id:
            return i
    if event_id in base_ids:
        raise _EditProblem(
            f"event {event_id!r} is no longer in the history (an earlier edit dropped it)",
            "expected an event still in the history: " + ", ".join(e.id for e in events),
        )
    raise _EditProblem(
        f"unknown event {event_id!r} in {base!r}",
        "expected one of: " + ", ".join(e.id for e in events),
    )


def _new_ids(
    events: Sequence[Event],
    new: Sequence[Event],
    id_origins: Sequence[Origin | None],
    keep: str = "",
) -> None:
    """Each of ``new`` has an id not yet in ``events`` (nor in ``new`` before it);
    a clash is reported where that event's id is set, if known."""
    taken = {e.id for e in events} - {keep}
    seen: set[str] = set()
    for n, ev in enumerate(new):
        if ev.id in taken or ev.id in seen:
            raise _EditProblem(
                f"new event {ev.id!r} has the id of an event already in the history",
                "expected a new id",
                origin=id_origins[n] if n < len(id_origins) else None,
            )
        seen.add(ev.id)


def _splice(events: list[Event], i: int, *new: Event) -> list[Event]:
    """``events`` with the one at ``i`` replaced by ``new`` (removed when there is none)."""
    return [*events[:i], *new, *events[i + 1 :]]


class _OnEvent:
    """An edit of one event of the history, named by ``event``."""

    __slots__ = ()
    event: str

    @property
    def names(self) -> tuple[str, ...]:
        """The ids of existing events this edit names."""
        return (self.event,)


@attrs.frozen
class Fork:
    """Keep the history up to and including event ``at``, then continue with ``events``."""

    at: str
    events: tuple[Event, ...] = attrs.field(default=(), converter=_tuple_of_events)
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)
    #: Where each of ``events`` sets its id, when read from a file (None: not known).
    id_origins: tuple[Origin | None, ...] = attrs.field(
        default=(), converter=_tuple_of_origins, eq=False, repr=False, kw_only=True
    )
    op = "fork"

    @property
    def names(self) -> tuple[str, ...]:
        """The ids of existing events this edit names."""
        return (self.at,)

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        i = _index(events, self.at, base_ids, base)
        kept = events[: i + 1]
        _new_ids(kept, self.events, self.id_origins)
        return [*kept, *self.events]

    def describe(self) -> str:
        """One line for the terminal."""
        then = ", ".join(e.id for e in self.events) or "nothing"
        return f"fork at {self.at!r}: keep the history up to it, then {then}"

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""
        return {"op": self.op, "at": self.at, "events": [e.id for e in self.events]}


@attrs.frozen
class Remove(_OnEvent):
    """Remove one event from the history."""

    event: str
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)
    op = "remove"

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        return _splice(events, _index(events, self.event, base_ids, base))

    def describe(self) -> str:
        """One line for the terminal."""
        return f"remove {self.event!r}"

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""
        return {"op": self.op, "event": self.event}


@attrs.frozen
class Insert:
    """Insert hypothetical events just ``before`` or just ``after`` an event (one of the two)."""

    events: tuple[Event, ...] = attrs.field(converter=_tuple_of_events)
    before: str | None = None
    after: str | None = None
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)
    #: Where each of ``events`` sets its id, when read from a file (None: not known).
    id_origins: tuple[Origin | None, ...] = attrs.field(
        default=(), converter=_tuple_of_origins, eq=False, repr=False, kw_only=True
    )
    op = "insert"

    def __attrs_post_init__(self) -> None:
        if (self.before is None) == (self.after is None):
            raise ValueError("insert needs exactly one of before= and after=")
        if not self.events:
            raise ValueError("insert needs at least one event")

    @property
    def anchor(self) -> str:
        """The event the new ones go next to."""
        return self.before if self.before is not None else str(self.after)

    @property
    def names(self) -> tuple[str, ...]:
        """The ids of existing events this edit names."""
        return (self.anchor,)

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        i = _index(events, self.anchor, base_ids, base) + (self.after is not None)
        _new_ids(events, self.events, self.id_origins)
        return [*events[:i], *self.events, *events[i:]]

    def describe(self) -> str:
        """One line for the terminal."""
        where = "before" if self.before is not None else "after"
        return f"insert {', '.join(e.id for e in self.events)} {where} {self.anchor!r}"

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""
        where = "before" if self.before is not None else "after"
        return {"op": self.op, where: self.anchor, "events": [e.id for e in self.events]}


@attrs.frozen
class Replace(_OnEvent):
    """Put a hypothetical event in the place of an existing one."""

    event: str
    by: Event
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)
    #: Where ``by`` sets its id, when read from a file (None: not known).
    id_origins: tuple[Origin | None, ...] = attrs.field(
        default=(), converter=_tuple_of_origins, eq=False, repr=False, kw_only=True
    )
    op = "replace"

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        i = _index(events, self.event, base_ids, base)
        _new_ids(events, [self.by], self.id_origins, keep=self.event)
        return _splice(events, i, self.by)

    def describe(self) -> str:
        """One line for the terminal."""
        return f"replace {self.event!r} by {self.by.id!r} ({self.by.kind})"

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""
        return {"op": self.op, "event": self.event, "by": self.by.id}


@attrs.frozen
class Redate(_OnEvent):
    """Give an event another date; the event keeps its evidence, the date says why."""

    event: str
    date: HistDate
    reasoning: str
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)
    op = "redate"

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        i = _index(events, self.event, base_ids, base)
        old = events[i]
        why = f"hypothetical: {self.reasoning} (in the sources: {old.date.display()})"
        new = attrs.evolve(old, date=self.date, date_basis=why, date_hypothetical=True)
        return _splice(events, i, new)

    def describe(self) -> str:
        """One line for the terminal."""
        return f"re-date {self.event!r} to {self.date.display()}"

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "op": self.op,
            "event": self.event,
            "date": self.date.edtf,
            "calendar": self.date.calendar,
            "reasoning": self.reasoning,
        }


@attrs.frozen
class _Unread:
    """An edit a what-if file could not build (its problems are the what-if's
    ``pending``): it keeps the edit's place and the events it names, so that
    conflicts are still found, and is never applied."""

    op: str
    names: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events unchanged: an unread edit does nothing."""
        return list(events)

    def describe(self) -> str:
        """One line for the terminal."""
        return f"{self.op} (not read: see its problems)"

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""
        return {"op": self.op, "unread": True}


Edit = Fork | Remove | Insert | Replace | Redate | _Unread


def _tuple_of_edits(items: Iterable[Edit]) -> tuple[Edit, ...]:
    return tuple(items)


# -- procedure rules -------------------------------------------------------------


@attrs.frozen
class Rule:
    """A change to one trigger's transitions, for one what-if.

    ``requires`` adds or changes requirements (a count of 0 drops one);
    ``drop_source`` and ``add_source`` change the states it may follow;
    ``drop`` removes the trigger altogether.
    """

    trigger: str
    requires: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_sorted_requires)
    drop_source: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    add_source: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    drop: bool = False
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)

    def apply(self, procedure: Procedure) -> Procedure:
        """The procedure with this rule applied (a new record)."""
        mine = [t for t in procedure.transitions if t.trigger == self.trigger]
        if not mine:
            raise _EditProblem(
                f"unknown trigger {self.trigger!r}",
                "expected one of: " + ", ".join(procedure.triggers),
            )
        if self.drop:
            return procedure.evolve(
                transitions=tuple(t for t in procedure.transitions if t.trigger != self.trigger)
            )
        sources = {s for t in mine for s in t.source}
        for s in self.drop_source:
            if s not in sources:
                raise _EditProblem(
                    f"state {s!r} is not a source of {self.trigger!r}",
                    "expected one of: "
                    + ", ".join(dict.fromkeys(s for t in mine for s in t.source)),
                )
        for s in self.add_source:
            if s not in procedure.state_names:
                raise _EditProblem(
                    f"state {s!r} is not a state",
                    "expected one of: " + ", ".join(procedure.state_names),
                )
        for kind, _n in self.requires:
            if kind not in procedure.triggers:
                raise _EditProblem(
                    f"required kind {kind!r} is not a trigger",
                    "expected one of: " + ", ".join(procedure.triggers),
                )
        changed: list[TransitionDef] = []
        first = True
        for t in procedure.transitions:
            if t.trigger != self.trigger:
                changed.append(t)
                continue
            source = [s for s in t.source if s not in self.drop_source]
            if first:  # new sources go on the trigger's first transition
                source += [s for s in self.add_source if s not in sources]
                first = False
            requires = {**dict(t.requires), **dict(self.requires)}
            requires = {k: n for k, n in requires.items() if n > 0}
            if source:
                changed.append(
                    attrs.evolve(t, source=tuple(source), requires=tuple(sorted(requires.items())))
                )
        return procedure.evolve(transitions=tuple(changed))

    def describe(self) -> str:
        """One line for the terminal: 'reinstate requires 2 × intercede'."""
        if self.drop:
            return f"{self.trigger} is not allowed at all"
        parts = []
        needs = [f"{n} × {k}" for k, n in self.requires if n > 0]
        if needs:
            parts.append("requires " + ", ".join(needs) + " before it")
        dropped = [k for k, n in self.requires if n == 0]
        if dropped:
            parts.append("no longer requires " + ", ".join(dropped))
        if self.drop_source:
            parts.append("no longer follows " + ", ".join(self.drop_source))
        if self.add_source:
            parts.append("may also follow " + ", ".join(self.add_source))
        return f"{self.trigger} " + "; ".join(parts or ["unchanged"])

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form (as in a what-if file)."""
        out: dict[str, Any] = {"trigger": self.trigger}
        if self.requires:
            out["requires"] = dict(self.requires)
        if self.drop_source:
            out["drop_source"] = list(self.drop_source)
        if self.add_source:
            out["add_source"] = list(self.add_source)
        if self.drop:
            out["drop"] = True
        return out


# -- the what-if -----------------------------------------------------------------


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
        return _in_line_order([*self.pending, *self.conflicts()])

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
            if i in skip or isinstance(edit, _Unread):
                continue  # reported already
            try:
                events = edit.apply(events, base_ids, self.base)
            except _EditProblem as err:
                where = err.origin if err.origin is not None else edit.origin
                problems.append(self.problem(where, err.what, err.expected))
        for rule in self.rules:
            try:
                procedure = rule.apply(procedure)
            except _EditProblem as err:
                problems.append(self.problem(rule.origin, err.what, err.expected))
        if problems:
            raise CaseFileError(_in_line_order(problems))
        renumbered = tuple(
            attrs.evolve(ev, case=case.id, seq=n) for n, ev in enumerate(events, start=1)
        )
        return attrs.evolve(case, events=renumbered), procedure

    def build(self, book: Casebook) -> tuple[Case, Procedure]:
        """The base (followed through other what-ifs) with this what-if applied."""
        case, procedure = _base_of(self, book.cases, book.whatifs, book.procedures)
        return self.apply(case, procedure)

    def compare(self, book: Casebook) -> Comparison:
        """Replay the base and this what-if side by side."""
        base_case, base_proc = _base_of(self, book.cases, book.whatifs, book.procedures)
        case, procedure = self.apply(base_case, base_proc)
        return Comparison.of(self, run(base_case, base_proc), run(case, procedure))

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


def _in_line_order(problems: Iterable[Problem]) -> list[Problem]:
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


# -- replaying -------------------------------------------------------------------


@attrs.frozen
class Illegal:
    """The event at which a history became illegal, and what the procedure allowed there."""

    event: Event
    state: str
    allowed: tuple[str, ...]
    unmet: str = ""

    def describe(self) -> str:
        """``event 'x' (kind) cannot follow state 's'; allowed here: ...``."""
        return IllegalTransition(self.event, self.state, list(self.allowed), self.unmet).describe()


@attrs.frozen
class Run:
    """A replay that does not raise: the history up to the end, or up to the
    first illegal event, which ``illegal`` keeps."""

    history: History
    illegal: Illegal | None = None

    @property
    def case(self) -> Case:
        """The case replayed (every event, including any not reached)."""
        return self.history.case

    @property
    def outcome(self) -> str:
        """The history's outcome, or ``illegal``."""
        return ILLEGAL if self.illegal else self.history.outcome

    @property
    def states(self) -> tuple[str, ...]:
        """The states passed through, up to the illegal event if any."""
        return self.history.states

    def to_mapping(self) -> dict[str, Any]:
        """The replay's JSON form, with ``illegal`` (or null)."""
        out = self.history.to_mapping()
        out["outcome"] = self.outcome
        out["illegal"] = None
        if self.illegal is not None:
            ill = self.illegal
            out["illegal"] = {
                "event": ill.event.id,
                "seq": ill.event.seq,
                "kind": ill.event.kind,
                "state": ill.state,
                "allowed": list(ill.allowed),
                "unmet": ill.unmet,
                "message": ill.describe(),
            }
        return out


def run(case: Case, procedure: Procedure) -> Run:
    """Replay ``case``; an illegal event ends the run and is kept, not raised."""
    try:
        return Run(replay(case, procedure))
    except IllegalTransition as err:
        event: Event = err.event  # type: ignore[assignment]
        partial = replay(case, procedure, until=event.seq - 1)
        return Run(partial, Illegal(event, err.state, err.allowed, err.unmet))


# -- comparing ---------------------------------------------------------------------

Status = Literal["same", "changed", "removed", "inserted", "replaced"]
Mark = Literal["ok", "illegal", "not_reached"]


@attrs.frozen
class Row:
    """One event in the base and/or the what-if, aligned by id.

    ``status`` is same, changed (same id), replaced (another event in its
    place), removed or inserted. ``left``/``right`` are the steps (None
    when the event is not on that side); ``left_mark``/``right_mark`` say
    whether the event was replayed, is the illegal one, or was not reached
    after it (its step then has the state it was stuck in, before and after).
    ``changes`` names what differs.
    """

    status: Status
    left: Step | None
    right: Step | None
    left_mark: Mark = "ok"
    right_mark: Mark = "ok"
    changes: tuple[str, ...] = ()

    @property
    def event(self) -> Event:
        """The what-if's event, or the base's when removed."""
        step = self.right or self.left
        assert step is not None
        return step.event

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""

        def side(step: Step | None, mark: str) -> dict[str, Any] | None:
            if step is None:
                return None
            return {
                "id": step.event.id,
                "seq": step.event.seq,
                "from": step.before,
                "to": step.after,
                "mark": mark,
            }

        return {
            "status": self.status,
            "changes": list(self.changes),
            "history": side(self.left, self.left_mark),
            "whatif": side(self.right, self.right_mark),
        }


def _slots(r: Run) -> list[tuple[Step, Mark]]:
    """Every event of a run's case as a step: replayed, illegal, or not reached."""
    out: list[tuple[Step, Mark]] = [(s, "ok") for s in r.history.steps]
    stuck = r.history.state
    for ev in r.case.events[len(out) :]:
        mark: Mark = "illegal" if r.illegal and ev.id == r.illegal.event.id else "not_reached"
        out.append((Step(ev, stuck, stuck), mark))
    return out


_COMPARED = (
    "kind",
    "date",
    "calendar",
    "summary",
    "actors",
    "recipients",
    "basis",
    "reasoning",
    "date_basis",
    "note",
    "quote",
    "source",
    "locator",
)


def _changes(a: tuple[Step, Mark], b: tuple[Step, Mark]) -> tuple[str, ...]:
    ma, mb = a[0].event.to_mapping(), b[0].event.to_mapping()
    out = [k for k in _COMPARED if ma.get(k) != mb.get(k)]
    if a[1] != b[1]:
        out.append(b[1] if b[1] != "ok" else "legal")
    elif (a[0].before, a[0].after) != (b[0].before, b[0].after):
        out.append("states")
    return tuple(out)


def _align(left: list[tuple[Step, Mark]], right: list[tuple[Step, Mark]]) -> list[Row]:
    ids_l = [s.event.id for s, _ in left]
    ids_r = [s.event.id for s, _ in right]
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, ids_l, ids_r, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for a, b in zip(left[i1:i2], right[j1:j2], strict=True):
                changes = _changes(a, b)
                rows.append(Row("changed" if changes else "same", a[0], b[0], a[1], b[1], changes))
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for a, b in zip(left[i1 : i1 + pairs], right[j1 : j1 + pairs], strict=True):
            rows.append(Row("replaced", a[0], b[0], a[1], b[1], ("id", *_changes(a, b))))
        for a in left[i1 + pairs : i2]:
            rows.append(Row("removed", a[0], None, a[1], "ok"))
        for b in right[j1 + pairs : j2]:
            rows.append(Row("inserted", None, b[0], "ok", b[1]))
    return rows


@attrs.frozen
class Comparison:
    """The base and the what-if replayed, aligned event by event."""

    whatif: WhatIf
    base: Run
    counterfactual: Run
    rows: tuple[Row, ...]

    @classmethod
    def of(cls, whatif: WhatIf, base: Run, counterfactual: Run) -> Comparison:
        """Align two runs by event id."""
        return cls(
            whatif, base, counterfactual, tuple(_align(_slots(base), _slots(counterfactual)))
        )

    @property
    def outcomes(self) -> tuple[str, str]:
        """(the base's outcome, the what-if's outcome)."""
        return self.base.outcome, self.counterfactual.outcome

    @property
    def outcome(self) -> str:
        """The what-if's outcome (``illegal`` when an event is not allowed)."""
        return self.counterfactual.outcome

    @property
    def shared(self) -> int:
        """How many events at the start are the same in both (and replay the same:
        an event illegal on both sides, as when a what-if adds nothing to an
        illegal base, is shared too)."""
        n = 0
        for row in self.rows:
            if row.status != "same" or row.left_mark != row.right_mark:
                break
            n += 1
        return n

    @property
    def parted_after(self) -> int | None:
        """The base's event number after which the two part (0: at the start);
        None when there is no difference at all."""
        if self.shared == len(self.rows):
            return None
        return self.shared

    @property
    def differing(self) -> tuple[Row, ...]:
        """The rows from where the two part."""
        return self.rows[self.shared :]

    @property
    def finding(self) -> str:
        """What the what-if shows, in one sentence."""
        ill = self.counterfactual.illegal
        if ill is not None:
            which = "hypothetical" if ill.event.basis == "hypothetical" else "historical"
            return (
                f"under this what-if the {which} event {ill.event.seq} is illegal: {ill.describe()}"
            )
        before, after = self.outcomes
        if self.parted_after is None:
            return f"the history is legal under this what-if and replays as before: {after}"
        if before == after:
            return f"the outcome is unchanged: {after}"
        return f"the outcome changes from {before} to {after}"

    @property
    def notes(self) -> tuple[str, ...]:
        """What a reader should know besides the finding: each event this
        what-if re-dates before an earlier event or after a later one (by New
        Style bounds, so only when the order is certain). Events are replayed
        in the case file's order, never by date."""
        events = self.counterfactual.case.events
        redated = {e.event for e in self.whatif.edits if isinstance(e, Redate)}
        out: list[str] = []

        def note(ev: Event, where: str, other: Event) -> str:
            return (
                f"event {ev.seq} ({ev.id}) is now dated {ev.date.display()}, {where} event "
                f"{other.seq} ({other.id}, {other.date.display()}); "
                "events stay in the case file's order"
            )

        for i, ev in enumerate(events):
            if ev.id not in redated:
                continue
            lower, upper = ev.date.lower, ev.date.upper
            if lower is not None:
                later = [o for o in events[i + 1 :] if o.date.upper and o.date.upper < lower]
                if later:
                    out.append(note(ev, "after", later[0]))
            if upper is not None:
                earlier = [o for o in events[:i] if o.date.lower and o.date.lower > upper]
                if earlier:
                    out.append(note(ev, "before", earlier[-1]))
        return tuple(out)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form printed by ``casework whatif --json``."""
        return {
            "whatif": self.whatif.id,
            "title": self.whatif.title,
            "description": self.whatif.description,
            "base": self.whatif.base,
            "case": self.base.case.id,
            "edits": [e.to_mapping() for e in self.whatif.edits],
            "rules": [r.to_mapping() for r in self.whatif.rules],
            "outcomes": {"history": self.outcomes[0], "whatif": self.outcomes[1]},
            "parted_after": self.parted_after,
            "finding": self.finding,
            "notes": list(self.notes),
            "rows": [r.to_mapping() for r in self.rows],
            "history": self.base.to_mapping(),
            "whatif_history": self.counterfactual.to_mapping(),
        }


# -- reading and resolving what-if files ---------------------------------------------
# The reader and its checks are in casework/_whatif_file.py; it imports this
# module, so this module imports it only when a file is read.


def read_whatif(path: Path, ctx: Context) -> WhatIf:
    """Read one what-if file. Raises CaseFileError when its ``[whatif]`` table
    cannot be read; any other problem found is kept in the what-if's
    ``pending`` and reported by :func:`resolve_whatifs` (and by
    :meth:`WhatIf.apply`) with those of its base, edits and rules, in line order."""
    from casework.load.whatif_file import read_file

    return read_file(path, ctx)


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
            problems.extend(_in_line_order(found))
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
                    problems.extend(_in_line_order([base_problem, *w.own_problems()]))
                failed = True
                break
        if not failed:
            good[w.id] = w
    return good


def load_whatif(path: Path, book: Casebook) -> WhatIf:
    """Read a what-if file from anywhere and check it against ``book`` (its base
    may be a case or one of the book's what-ifs). Raises CaseFileError."""
    ctx = Context(book.procedures, book.people, book.documents)
    whatif = read_whatif(path, ctx)
    others = [w for w in book.whatifs.values() if w.id != whatif.id]
    problems: list[Problem] = []
    resolved = resolve_whatifs([*others, whatif], book.cases, book.procedures, problems)
    mine = [p for p in problems if p.path == Problem.at(path, 0, "").path]
    if mine or whatif.id not in resolved:
        raise CaseFileError(mine or problems)
    return whatif
