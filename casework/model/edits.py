"""Edits: how a what-if changes a history (fork, remove, insert, replace, re-date)
and its procedure (rules); and the what-if's own, hypothetical events.

Every edit is a frozen record naming events by their stable id. A what-if
applies its edits to one :class:`~casework.model.draft.Draft` of the history
(``edit.edit(draft)``: each costs what it touches); ``edit.apply(events, ...)``
returns a new list of events and never changes the old one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from casework.model.dates import HistDate
from casework.model.draft import Draft, EditProblem, new_draft
from casework.model.events import Event
from casework.model.evidence import Origin
from casework.model.names import name_problem
from casework.model.procedure import Procedure, TransitionDef

__all__ = [
    "Edit",
    "EditProblem",
    "Fork",
    "Insert",
    "Redate",
    "Remove",
    "Replace",
    "Rule",
    "Unread",
    "hypothetical",
]


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


def _applied(
    edit: Fork | Remove | Insert | Replace | Redate,
    events: list[Event],
    base_ids: frozenset[str],
    base: str,
) -> list[Event]:
    """``events`` with one edit applied (a new list); ``base_ids`` are the ids of
    the base's events, so that one an earlier edit dropped is named so."""
    draft = new_draft(events, base)
    draft.base_ids = base_ids | draft.base_ids
    edit.edit(draft)
    return draft.events()


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

    def edit(self, draft: Draft) -> None:
        """Apply this edit to ``draft``: its new events take the places of those
        dropped, in order (the rest are inserted)."""
        draft.event(self.at)
        draft.check_new(self.events, self.id_origins, keep=frozenset(draft.ids_after(self.at)))
        places = [p for p in draft.cut_after(self.at) if p is not None]
        draft.put(self.events, places=places)

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        return _applied(self, events, base_ids, base)

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

    def edit(self, draft: Draft) -> None:
        """Apply this edit to ``draft``."""
        draft.event(self.event)
        draft.drop(self.event)

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        return _applied(self, events, base_ids, base)

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

    def edit(self, draft: Draft) -> None:
        """Apply this edit to ``draft``."""
        draft.event(self.anchor)
        draft.check_new(self.events, self.id_origins)
        draft.put(self.events, before=self.before, after=self.after)

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        return _applied(self, events, base_ids, base)

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

    def edit(self, draft: Draft) -> None:
        """Apply this edit to ``draft``: ``by`` takes the place of the event."""
        draft.event(self.event)
        draft.check_new([self.by], self.id_origins, keep=(self.event,))
        draft.swap(self.event, self.by)

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        return _applied(self, events, base_ids, base)

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

    def edit(self, draft: Draft) -> None:
        """Apply this edit to ``draft``."""
        old = draft.event(self.event)
        why = f"hypothetical: {self.reasoning} (in the sources: {old.date.display()})"
        draft.revise(attrs.evolve(old, date=self.date, date_basis=why, date_hypothetical=True))

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events after this edit (a new list)."""
        return _applied(self, events, base_ids, base)

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
class Unread:
    """An edit a what-if file could not build (its problems are the what-if's
    ``pending``): it keeps the edit's place and the events it names, so that
    conflicts are still found, and is never applied."""

    op: str
    names: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)

    def edit(self, draft: Draft) -> None:
        """Nothing: an unread edit changes nothing."""

    def apply(self, events: list[Event], base_ids: frozenset[str], base: str) -> list[Event]:
        """The events unchanged: an unread edit does nothing."""
        return list(events)

    def describe(self) -> str:
        """One line for the terminal."""
        return f"{self.op} (not read: see its problems)"

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""
        return {"op": self.op, "unread": True}


Edit = Fork | Remove | Insert | Replace | Redate | Unread


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
        # a lookalike of one of the procedure's names (a Cyrillic е) is told apart
        named = [
            (self.trigger, "trigger"),
            *((s, "state") for s in (*self.drop_source, *self.add_source)),
            *((k, "kind") for k, _n in self.requires),
        ]
        for name, role in named:
            bad = None if name.isascii() else name_problem(name, role)
            if bad is not None:
                raise EditProblem(*bad)
        mine = [t for t in procedure.transitions if t.trigger == self.trigger]
        if not mine:
            raise EditProblem(
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
                raise EditProblem(
                    f"state {s!r} is not a source of {self.trigger!r}",
                    "expected one of: "
                    + ", ".join(dict.fromkeys(s for t in mine for s in t.source)),
                )
        for s in self.add_source:
            if s not in procedure.state_names:
                raise EditProblem(
                    f"state {s!r} is not a state",
                    "expected one of: " + ", ".join(procedure.state_names),
                )
        for kind, _n in self.requires:
            if kind not in procedure.triggers:
                raise EditProblem(
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
