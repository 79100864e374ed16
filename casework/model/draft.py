"""A history being edited by a what-if: its events in order, found by id.

Each edit names events by id. A what-if of a few edits edits a plain list (a
search of the list per edit, all of it in C), one of many edits a linked
draft, where an edit finds its event by a dictionary look-up and links new
ones in next to it, so that it costs what it touches, never the length of
the history: :func:`new_draft` chooses. Either way a chain of what-ifs, one
draft per link, and a what-if of 10,000 edits stay near linear.

The draft also remembers, for each event an edit added, the base event whose
place it takes (:attr:`Draft.added`): what a comparison aligns by, so that
its rows say what the edits did.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Sequence
from operator import attrgetter

from casework.model.events import Event
from casework.model.evidence import Origin

__all__ = ["MAX_LISTED", "Draft", "EditProblem", "listing", "new_draft"]

_ID = attrgetter("id")

#: Up to this much work (edits and the events they add), a what-if edits a list.
LIST_WORK = 64

#: At most this many event ids are listed in a message ("expected one of: ...").
MAX_LISTED = 30


class EditProblem(Exception):
    """An edit cannot be applied: what is wrong and what was expected."""

    def __init__(self, what: str, expected: str = "", origin: Origin | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.expected = expected
        self.origin = origin  # where it is, when not at the edit's own line


def listing(ids: Sequence[str]) -> str:
    """Ids for a message, comma-separated: the first :data:`MAX_LISTED` and how
    many more there are."""
    shown = ", ".join(ids[:MAX_LISTED])
    more = len(ids) - MAX_LISTED
    return f"{shown} … and {more:,} more" if more > 0 else shown


def new_draft(events: Sequence[Event], base: str, work: int = 0) -> Draft:
    """A draft of ``events`` for edits of about ``work`` steps (edits and the
    events they add): a list for a few, a linked draft for many."""
    return _Listed(events, base) if work <= LIST_WORK else _Linked(events, base)


class Draft(ABC):
    """The events of a history while a what-if's edits are applied, in order.

    ``added`` maps the id of each event an edit added (and no later edit
    removed) to the id of the base event whose place it takes, or to None when
    it takes no event's place (inserted). A base event keeps its id; one that
    is not in ``added`` and is still here is the base's own (maybe re-dated).
    Each edit checks what it names (:meth:`event`, :meth:`check_new`) before
    it changes anything, so an edit that fails leaves the draft as it was.
    """

    def __init__(self, ids: list[str], base: str) -> None:
        self.base = base
        self._start = ids
        self._base_ids: frozenset[str] | None = None
        self.added: dict[str, str | None] = {}

    @staticmethod
    def _unique(ids: list[str], count: int, base: str) -> None:
        """EditProblem when ``ids`` (``count`` of them distinct) name an event twice."""
        if count == len(ids):
            return
        seen: set[str] = set()
        for i in ids:
            if i in seen:
                raise EditProblem(
                    f"event id {i!r} is used twice in {base!r}", "expected unique ids"
                )
            seen.add(i)

    @property
    def base_ids(self) -> frozenset[str]:
        """The ids the draft started with (and any given), so that an event an
        edit dropped is named so."""
        if self._base_ids is None:
            self._base_ids = frozenset(self._start)
        return self._base_ids

    @base_ids.setter
    def base_ids(self, ids: frozenset[str]) -> None:
        self._base_ids = ids

    # -- reading (each kind of draft) -------------------------------------------

    @abstractmethod
    def __contains__(self, event_id: object) -> bool:
        """Whether an event with this id is in the draft."""

    @abstractmethod
    def ids(self) -> Iterator[str]:
        """The ids of the events, in order."""

    @abstractmethod
    def ids_after(self, event_id: str) -> Iterator[str]:
        """The ids of the events after this one, in order."""

    @abstractmethod
    def events(self) -> list[Event]:
        """The events, in order."""

    @abstractmethod
    def _get(self, event_id: str) -> Event | None:
        """The event with this id (None when there is none)."""

    # -- reading ----------------------------------------------------------------

    def event(self, event_id: str) -> Event:
        """The event with this id: EditProblem when there is none (an unknown id,
        or one an earlier edit dropped), listing the ids there are."""
        found = self._get(event_id)
        if found is not None:
            return found
        here = listing(list(self.ids()))
        if event_id in self.base_ids:
            raise EditProblem(
                f"event {event_id!r} is no longer in the history (an earlier edit dropped it)",
                "expected an event still in the history: " + here,
            )
        raise EditProblem(
            f"unknown event {event_id!r} in {self.base!r}", "expected one of: " + here
        )

    def place_of(self, event_id: str) -> str | None:
        """The base event whose place this event takes (None: an inserted event)."""
        return self.added[event_id] if event_id in self.added else event_id

    def check_new(
        self,
        new: Sequence[Event],
        id_origins: Sequence[Origin | None],
        keep: Collection[str] = (),
    ) -> None:
        """Each of ``new`` has an id not yet here (nor in ``new`` before it), but for
        those in ``keep`` (events about to go); a clash is reported where that
        event's id is set, if known."""
        seen: set[str] = set()
        for n, ev in enumerate(new):
            if (ev.id in self and ev.id not in keep) or ev.id in seen:
                raise EditProblem(
                    f"new event {ev.id!r} has the id of an event already in the history",
                    "expected a new id",
                    origin=id_origins[n] if n < len(id_origins) else None,
                )
            seen.add(ev.id)

    # -- editing (each kind of draft) ---------------------------------------------

    @abstractmethod
    def put(
        self,
        new: Sequence[Event],
        *,
        before: str | None = None,
        after: str | None = None,
        places: Sequence[str | None] = (),
    ) -> None:
        """Put ``new`` (checked already) just before or just after an event (at
        the end when neither is given); ``places`` are the base events they take
        the places of (none: inserted)."""

    @abstractmethod
    def drop(self, event_id: str) -> str | None:
        """Take an event out; return the base event whose place it took (None: none)."""

    @abstractmethod
    def swap(self, event_id: str, new: Event) -> None:
        """Put ``new`` in the place of an event: it takes the place that one took."""

    @abstractmethod
    def revise(self, new: Event) -> None:
        """Change an event in place (same id, same place): a re-dating."""

    def cut_after(self, event_id: str) -> list[str | None]:
        """Drop every event after this one; return the places they took, in order."""
        places = [self.drop(i) for i in reversed(list(self.ids_after(event_id)))]
        places.reverse()
        return places

    def _added(self, new: Sequence[Event], places: Sequence[str | None]) -> None:
        for n, ev in enumerate(new):
            self.added[ev.id] = places[n] if n < len(places) else None


class _Listed(Draft):
    """A draft as two lists, ids and events: each edit searches the ids (in C)."""

    def __init__(self, events: Sequence[Event], base: str) -> None:
        ids = list(map(_ID, events))
        self._unique(ids, len(set(ids)), base)
        super().__init__(ids, base)
        self._ids = list(ids)
        self._events = list(events)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids

    def _at(self, event_id: str) -> int:
        return self._ids.index(event_id)

    def ids(self) -> Iterator[str]:
        return iter(list(self._ids))

    def ids_after(self, event_id: str) -> Iterator[str]:
        return iter(self._ids[self._at(event_id) + 1 :])

    def events(self) -> list[Event]:
        return list(self._events)

    def _get(self, event_id: str) -> Event | None:
        try:
            return self._events[self._at(event_id)]
        except ValueError:
            return None

    def put(
        self,
        new: Sequence[Event],
        *,
        before: str | None = None,
        after: str | None = None,
        places: Sequence[str | None] = (),
    ) -> None:
        if before is not None:
            i = self._at(before)
        elif after is not None:
            i = self._at(after) + 1
        else:
            i = len(self._ids)
        self._ids[i:i] = [ev.id for ev in new]
        self._events[i:i] = new
        self._added(new, places)

    def drop(self, event_id: str) -> str | None:
        place = self.place_of(event_id)
        i = self._at(event_id)
        del self._ids[i], self._events[i]
        self.added.pop(event_id, None)
        return place

    def swap(self, event_id: str, new: Event) -> None:
        place = self.place_of(event_id)
        i = self._at(event_id)
        self.added.pop(event_id, None)
        self._ids[i], self._events[i] = new.id, new
        self._added([new], [place])

    def revise(self, new: Event) -> None:
        self._events[self._at(new.id)] = new


class _Linked(Draft):
    """A draft as events by id, each linked to the one before and after it."""

    def __init__(self, events: Sequence[Event], base: str) -> None:
        ids = list(map(_ID, events))
        self._event: dict[str, Event] = dict(zip(ids, events, strict=True))
        self._unique(ids, len(self._event), base)
        super().__init__(ids, base)
        self._next: dict[str, str | None] = dict(zip(ids, [*ids[1:], None], strict=True))
        self._prev: dict[str, str | None] = dict(zip(ids, [None, *ids[:-1]], strict=True))
        self._first: str | None = ids[0] if ids else None
        self._last: str | None = ids[-1] if ids else None

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._event

    def ids(self) -> Iterator[str]:
        at = self._first
        while at is not None:
            yield at
            at = self._next[at]

    def ids_after(self, event_id: str) -> Iterator[str]:
        at = self._next[event_id]
        while at is not None:
            yield at
            at = self._next[at]

    def events(self) -> list[Event]:
        out: list[Event] = []
        add, event, after = out.append, self._event, self._next
        at = self._first
        while at is not None:
            add(event[at])
            at = after[at]
        return out

    def _get(self, event_id: str) -> Event | None:
        return self._event.get(event_id)

    def put(
        self,
        new: Sequence[Event],
        *,
        before: str | None = None,
        after: str | None = None,
        places: Sequence[str | None] = (),
    ) -> None:
        prev: str | None
        nxt: str | None
        if before is not None:
            prev, nxt = self._prev[before], before
        elif after is not None:
            prev, nxt = after, self._next[after]
        else:
            prev, nxt = self._last, None
        for ev in new:
            self._event[ev.id] = ev
            self._prev[ev.id] = prev
            if prev is None:
                self._first = ev.id
            else:
                self._next[prev] = ev.id
            prev = ev.id
        if prev is not None:
            self._next[prev] = nxt
        if nxt is None:
            self._last = prev
        else:
            self._prev[nxt] = prev
        self._added(new, places)

    def drop(self, event_id: str) -> str | None:
        place = self.place_of(event_id)
        prev, nxt = self._prev.pop(event_id), self._next.pop(event_id)
        del self._event[event_id]
        self.added.pop(event_id, None)
        if prev is None:
            self._first = nxt
        else:
            self._next[prev] = nxt
        if nxt is None:
            self._last = prev
        else:
            self._prev[nxt] = prev
        return place

    def swap(self, event_id: str, new: Event) -> None:
        place = self.place_of(event_id)
        after, nxt = self._prev[event_id], self._next[event_id]
        self.drop(event_id)
        if nxt is not None:
            self.put([new], before=nxt, places=[place])
        elif after is not None:
            self.put([new], after=after, places=[place])
        else:
            self.put([new], places=[place])

    def revise(self, new: Event) -> None:
        self._event[new.id] = new

    def cut_after(self, event_id: str) -> list[str | None]:
        places = []
        while self._last is not None and self._last != event_id:
            places.append(self.drop(self._last))
        places.reverse()
        return places
