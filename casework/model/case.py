"""A case: one person's case file, its events in order, under one procedure."""

from __future__ import annotations

from typing import Any

import attrs

from casework.model.events import Event

__all__ = ["Case"]


def _sorted_roles(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Case:
    """A case file: who, under which procedure, and the events in their order."""

    id: str
    title: str
    person: str
    procedure: str
    summary: str = ""
    events: tuple[Event, ...] = ()
    #: What this case says of the people in it, (person id, text), beside what is
    #: true of them in every case (their description in people.toml).
    roles: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_sorted_roles)
    origin: str = attrs.field(default="", eq=False)

    def role(self, person_id: str) -> str:
        """What this case says of a person ("" when nothing)."""
        return next((text for pid, text in self.roles if pid == person_id), "")

    def dates_out_of_order(self) -> tuple[tuple[Event, Event], ...]:
        """Each (event, earlier event) where the event is certainly dated before an
        event that comes earlier in the case (by New Style bounds). The order of a
        case is its sequence; a source may be wrong, or the sequence may be: a
        warning, not an error."""
        out = []
        latest: Event | None = None  # the earlier event with the latest lower bound
        for ev in self.events:
            if latest is not None and ev.date.upper is not None and latest.date.lower:
                if ev.date.upper < latest.date.lower:
                    out.append((ev, latest))
            if ev.date.lower is not None and (
                latest is None or latest.date.lower is None or ev.date.lower > latest.date.lower
            ):
                latest = ev
        return tuple(out)

    def event(self, event_id: str) -> Event:
        """The event with this id (KeyError if none)."""
        for ev in self.events:
            if ev.id == event_id:
                return ev
        raise KeyError(event_id)
