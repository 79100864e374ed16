"""What one event does to a case: a step from one state to the next, or the
illegal step at which a history stops because the procedure does not allow it.

:class:`IllegalStep` is the one record of "where a history became illegal"
everywhere: replay, what-ifs, bulk replay and archives.
"""

from __future__ import annotations

from typing import Any

import attrs

from casework.errors import CaseworkError
from casework.model.events import Event

__all__ = ["IllegalStep", "IllegalTransition", "Step"]


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


def _tuple_of_str(items: Any) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class IllegalStep:
    """The first event a procedure does not allow: its number in the case
    (``seq``), id and kind, the state before it, the kinds allowed there (all
    conditions met) and why a ``requires`` rule stops it (``unmet``, "" when
    none does). ``case`` names the case where the record stands alone (an
    archive's illegal histories; "" in a history, which has its case);
    ``event`` is "" when a bulk fold does not know the id."""

    seq: int
    event: str
    kind: str
    state: str
    allowed: tuple[str, ...] = attrs.field(converter=_tuple_of_str)
    unmet: str = ""
    case: str = ""

    @classmethod
    def of(cls, event: Event, state: str, allowed: Any, unmet: str = "") -> IllegalStep:
        """The illegal step of ``event`` in ``state``."""
        return cls(
            seq=event.seq,
            event=event.id,
            kind=event.kind,
            state=state,
            allowed=allowed,
            unmet=unmet,
        )

    def describe(self) -> str:
        """``event 'x' (kind) cannot follow state 's'; allowed here: ...``, after
        ``case 'c': `` when the record names its case."""
        allowed = ", ".join(self.allowed) if self.allowed else "nothing (final state)"
        why = f" ({self.unmet})" if self.unmet else ""
        where = f"case {self.case!r}: " if self.case else ""
        return (
            f"{where}event {self.event or self.seq!r} ({self.kind}) cannot follow state "
            f"{self.state!r}{why}; allowed here: {allowed}"
        )

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form, with the one-line ``message``."""
        return {
            "case": self.case,
            "seq": self.seq,
            "event": self.event,
            "kind": self.kind,
            "state": self.state,
            "allowed": list(self.allowed),
            "unmet": self.unmet,
            "message": self.describe(),
        }


class IllegalTransition(CaseworkError):
    """An event's kind cannot happen in the state the case is in.

    Keeps ``.event`` (the offending event), ``.step`` (the :class:`IllegalStep`),
    and, from it, ``.state`` (the state before the event), ``.allowed`` (the kinds
    the procedure allows there) and ``.unmet``.
    """

    def __init__(self, event: Event, step: IllegalStep) -> None:
        self.event = event
        self.step = step
        super().__init__(step.describe())

    @property
    def state(self) -> str:
        """The state the case was in."""
        return self.step.state

    @property
    def allowed(self) -> tuple[str, ...]:
        """The kinds the procedure allows there."""
        return self.step.allowed

    @property
    def unmet(self) -> str:
        """Why a ``requires`` rule stops the event ("" when none does)."""
        return self.step.unmet

    def describe(self) -> str:
        """``event 'x' (kind) cannot follow state 's'; allowed here: ...``."""
        return self.step.describe()

    def __str__(self) -> str:
        origin = self.event.origin
        return f"{origin}: {self.describe()}" if origin else self.describe()
