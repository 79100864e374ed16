"""A case: one person's case file, its events in order, under one procedure."""

from __future__ import annotations

import attrs

from casework.model.events import Event

__all__ = ["Case"]


@attrs.frozen(kw_only=True)
class Case:
    """A case file: who, under which procedure, and the events in their order."""

    id: str
    title: str
    person: str
    procedure: str
    summary: str = ""
    events: tuple[Event, ...] = ()
    origin: str = attrs.field(default="", eq=False)

    def event(self, event_id: str) -> Event:
        """The event with this id (KeyError if none)."""
        for ev in self.events:
            if ev.id == event_id:
                return ev
        raise KeyError(event_id)
