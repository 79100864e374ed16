"""A history being edited by a what-if: its events by id, linked in their order.

Each edit names events by id, so a :class:`Draft` finds one by a dictionary
look-up and links new ones in next to it: applying an edit costs what it
touches, never the length of the history, and a what-if of many edits on a
long history stays linear. The draft also remembers, for each event an edit
added, the base event whose place it takes (:attr:`Draft.added`): what a
comparison aligns by, so that its rows say what the edits did.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from casework.model.events import Event
from casework.model.evidence import Origin

__all__ = ["MAX_LISTED", "Draft", "EditProblem", "listing"]

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


class Draft:
    """The events of a history while a what-if's edits are applied, in order.

    ``added`` maps the id of each event an edit added (and no later edit
    removed) to the id of the base event whose place it takes, or to None when
    it takes no event's place (inserted). A base event keeps its id; one that
    is not in ``added`` and is still here is the base's own (maybe re-dated).
    """

    def __init__(self, events: Sequence[Event], base: str) -> None:
        ids = [e.id for e in events]
        self.base = base
        self.base_ids = frozenset(ids)
        if len(self.base_ids) != len(ids):
            seen: set[str] = set()
            for i in ids:
                if i in seen:
                    raise EditProblem(
                        f"event id {i!r} is used twice in {base!r}", "expected unique ids"
                    )
                seen.add(i)
        self._event: dict[str, Event] = dict(zip(ids, events, strict=True))
        self._next: dict[str, str | None] = dict(zip(ids, [*ids[1:], None], strict=True))
        self._prev: dict[str, str | None] = dict(zip(ids, [None, *ids[:-1]], strict=True))
        self._first: str | None = ids[0] if ids else None
        self._last: str | None = ids[-1] if ids else None
        self.added: dict[str, str | None] = {}

    # -- reading -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._event)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._event

    def ids(self) -> Iterator[str]:
        """The ids of the events, in order."""
        at = self._first
        while at is not None:
            yield at
            at = self._next[at]

    def ids_after(self, event_id: str) -> Iterator[str]:
        """The ids of the events after this one, in order."""
        at = self._next[event_id]
        while at is not None:
            yield at
            at = self._next[at]

    def events(self) -> list[Event]:
        """The events, in order."""
        return [self._event[i] for i in self.ids()]

    def event(self, event_id: str) -> Event:
        """The event with this id: EditProblem when there is none (an unknown id,
        or one an earlier edit dropped), listing the ids there are."""
        found = self._event.get(event_id)
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

    # -- editing -------------------------------------------------------------

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
            if (ev.id in self._event and ev.id not in keep) or ev.id in seen:
                raise EditProblem(
                    f"new event {ev.id!r} has the id of an event already in the history",
                    "expected a new id",
                    origin=id_origins[n] if n < len(id_origins) else None,
                )
            seen.add(ev.id)

    def put(
        self,
        new: Sequence[Event],
        *,
        before: str | None = None,
        after: str | None = None,
        places: Sequence[str | None] = (),
    ) -> None:
        """Link ``new`` (checked already) in just before or just after an event
        (at the end when neither is given); ``places`` are the base events they
        take the places of (none: inserted)."""
        prev: str | None
        nxt: str | None
        if before is not None:
            prev, nxt = self._prev[before], before
        elif after is not None:
            prev, nxt = after, self._next[after]
        else:
            prev, nxt = self._last, None
        for n, ev in enumerate(new):
            self._event[ev.id] = ev
            self._prev[ev.id] = prev
            if prev is None:
                self._first = ev.id
            else:
                self._next[prev] = ev.id
            self.added[ev.id] = places[n] if n < len(places) else None
            prev = ev.id
        if prev is not None:
            self._next[prev] = nxt
        if nxt is None:
            self._last = prev
        else:
            self._prev[nxt] = prev

    def drop(self, event_id: str) -> str | None:
        """Take an event out; return the base event whose place it took (None: none)."""
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
        """Put ``new`` in the place of an event: it takes the place that one took."""
        place = self.place_of(event_id)
        after = self._prev[event_id]
        nxt = self._next[event_id]
        self.drop(event_id)
        if nxt is not None:
            self.put([new], before=nxt, places=[place])
        elif after is not None:
            self.put([new], after=after, places=[place])
        else:
            self.put([new], places=[place])

    def revise(self, new: Event) -> None:
        """Change an event in place (same id, same place): a re-dating."""
        self._event[new.id] = new

    def cut_after(self, event_id: str) -> list[str | None]:
        """Drop every event after this one; return the places they took, in order."""
        places = []
        while self._last is not None and self._last != event_id:
            places.append(self.drop(self._last))
        places.reverse()
        return places
