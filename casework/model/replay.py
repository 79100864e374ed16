"""Replay: run a case's events through its procedure and keep a frozen history."""

from __future__ import annotations

from typing import Any

import attrs

from casework.load.cases import Case
from casework.model.dates import HistDate
from casework.model.events import Event
from casework.model.procedure import Procedure

__all__ = ["History", "Step", "replay"]


@attrs.frozen
class Step:
    """One event and the states before and after it (equal for background and
    internal events)."""

    event: Event
    before: str
    after: str

    @property
    def moved(self) -> bool:
        """True when the event changed the state."""
        return self.before != self.after


@attrs.frozen
class History:
    """The result of replaying a case: every step, in order, and where it ended.

    ``stopped_after`` is the sequence number replay stopped after when asked to
    stop part-way (None for a full replay).
    """

    case: Case
    procedure: Procedure
    initial: str
    steps: tuple[Step, ...]
    stopped_after: int | None = None

    @property
    def events(self) -> tuple[Event, ...]:
        """The events replayed, in order."""
        return tuple(s.event for s in self.steps)

    @property
    def state(self) -> str:
        """The state at the end of the replay."""
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
        """The outcome: a final state's name, ``expulsion_upheld``, or ``pending``."""
        return self.procedure.outcome_of(self.state)

    @property
    def is_partial(self) -> bool:
        """True when replay stopped before the end of the case file."""
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
            "events": [
                {**s.event.to_mapping(), "from": s.before, "to": s.after} for s in self.steps
            ],
        }


def replay(case: Case, procedure: Procedure, *, until: int | HistDate | None = None) -> History:
    """Replay ``case`` through ``procedure``.

    ``until`` stops part-way: after event number N (1-based), or before the
    first event not certainly on or before a date. Raises IllegalTransition at
    the first event the procedure does not allow.
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
        after = runner.fire(ev) if ev.moves_state else before
        steps.append(Step(ev, before, after))
    if until is not None and stopped is None:
        stopped = len(case.events)
    return History(case, procedure, initial, tuple(steps), stopped)
