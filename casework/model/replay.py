"""Replay: run a case's events through its procedure and keep a frozen history.

:func:`replay` raises :class:`~casework.IllegalTransition` at the first event
the procedure does not allow; ``replay(..., strict=False)`` keeps that event
as the history's :attr:`History.illegal` instead (the outcome is then
``illegal``): what-ifs, whose findings are often exactly that, replay so.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from casework.errors import InvalidUntil
from casework.model.case import Case
from casework.model.dates import HistDate
from casework.model.events import Event
from casework.model.procedure import ILLEGAL, Procedure
from casework.model.steps import IllegalStep, IllegalTransition, Step

__all__ = ["History", "IllegalStep", "Step", "parse_until", "replay"]


@attrs.frozen
class History:
    """The result of replaying a case: every step, in order, and where it ended.

    ``stopped_after`` is the sequence number replay stopped after when asked to
    stop part-way (None for a full replay). ``illegal`` is the step at which a
    non-strict replay stopped because the procedure does not allow it.
    """

    case: Case
    procedure: Procedure
    initial: str
    steps: tuple[Step, ...]
    stopped_after: int | None = None
    illegal: IllegalStep | None = None

    @property
    def events(self) -> tuple[Event, ...]:
        """The events replayed, in order."""
        return tuple(s.event for s in self.steps)

    @property
    def state(self) -> str:
        """The state at the end of the replay (before the illegal event, if any)."""
        return self.steps[-1].after if self.steps else self.initial

    @property
    def states(self) -> tuple[str, ...]:
        """The sequence of states the case passed through, from the initial one."""
        out = [self.initial]
        for s in self.steps:
            if s.after != out[-1]:
                out.append(s.after)
        return tuple(out)

    @property
    def outcome(self) -> str:
        """The outcome: ``illegal``, a final state's name, ``expulsion_upheld``, or
        ``pending``."""
        if self.illegal is not None:
            return ILLEGAL
        return self.procedure.outcome_of(self.state)

    @property
    def illegal_event(self) -> Event | None:
        """The event the procedure did not allow (None when there is none)."""
        return self.case.events[self.illegal.seq - 1] if self.illegal is not None else None

    @property
    def is_partial(self) -> bool:
        """True when replay stopped before the end of the case file on request."""
        return self.stopped_after is not None and self.stopped_after < len(self.case.events)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form printed by ``casework replay --json``."""
        return {
            "case": self.case.id,
            "title": self.case.title,
            "procedure": self.procedure.id,
            "outcome": self.outcome,
            "state": self.state,
            "states": list(self.states),
            "partial": self.is_partial,
            "illegal": self.illegal.to_mapping() if self.illegal is not None else None,
            "events": [
                {**s.event.to_mapping(), "from": s.before, "to": s.after} for s in self.steps
            ],
        }


def replay(
    case: Case,
    procedure: Procedure,
    *,
    until: int | HistDate | None = None,
    strict: bool = True,
) -> History:
    """Replay ``case`` through ``procedure``.

    ``until`` stops part-way: after event number N (1-based), or before the
    first event not certainly on or before a date. At the first event the
    procedure does not allow, a strict replay raises IllegalTransition; with
    ``strict=False`` the history stops there and keeps it as ``illegal``.
    """
    runner = procedure.runner()
    initial = runner.state
    steps: list[Step] = []
    stopped: int | None = None
    for ev in case.events:
        if isinstance(until, int) and ev.seq > until:
            stopped = until
            break
        if isinstance(until, HistDate) and not (
            until.upper is not None and ev.date.known_by(until.upper)
        ):
            stopped = ev.seq - 1
            break
        before = runner.state
        try:
            after = runner.fire(ev) if ev.moves_state else before
        except IllegalTransition as err:
            if strict:
                raise
            return History(case, procedure, initial, tuple(steps), stopped, err.step)
        steps.append(Step(ev, before, after))
    if until is not None and stopped is None:
        stopped = len(case.events)
    return History(case, procedure, initial, tuple(steps), stopped)


#: An event number: at most three digits, so that "1921" is a year.
_EVENT_NUMBER = re.compile(r"[0-9]{1,3}")


def parse_until(value: str) -> int | HistDate:
    """Where to stop a replay: 1–3 digits are an event number, anything else a date
    (EDTF) with an end; raise InvalidUntil otherwise.

    >>> parse_until("5")
    5
    >>> parse_until("1921").upper
    (1921, 12, 31)
    """
    if _EVENT_NUMBER.fullmatch(value):
        return int(value)
    try:
        date = HistDate.parse(value)
    except ValueError:
        raise InvalidUntil(
            value, "is neither an event number nor a date", "expected e.g. 5 or 1921-12-20"
        ) from None
    if date.upper is None:
        raise InvalidUntil(value, "has an open end", "expected a date with an end, e.g. 1921-12-20")
    return date
