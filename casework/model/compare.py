"""Comparing a history with a what-if's: the two replayed, aligned event by event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from casework.model.edits import Redate
from casework.model.events import Event
from casework.model.replay import History, Step, replay
from casework.model.whatif import Scenarios, WhatIf

__all__ = ["Comparison", "Mark", "Row", "Status", "compare"]

Status = Literal["same", "changed", "removed", "inserted", "replaced"]
Mark = Literal["ok", "illegal", "not_reached"]


@attrs.frozen
class Row:
    """One event in the base and/or the what-if, aligned by what the edits did.

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


def _slots(h: History) -> list[tuple[Step, Mark]]:
    """Every event of a history's case as a step: replayed, illegal, or not reached."""
    out: list[tuple[Step, Mark]] = [(s, "ok") for s in h.steps]
    stuck = h.state
    for ev in h.case.events[len(out) :]:
        mark: Mark = "illegal" if h.illegal and ev.seq == h.illegal.seq else "not_reached"
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


#: What two events may differ in besides their number, case and place in a file.
_FIELDS = tuple(f.name for f in attrs.fields(Event) if f.name not in ("seq", "case", "origin"))


def _changes(a: tuple[Step, Mark], b: tuple[Step, Mark]) -> tuple[str, ...]:
    ea, eb = a[0].event, b[0].event
    out: list[str] = []
    if ea is not eb and any(getattr(ea, f) != getattr(eb, f) for f in _FIELDS):
        ma, mb = ea.to_mapping(), eb.to_mapping()
        out = [k for k in _COMPARED if ma.get(k) != mb.get(k)]
    if a[1] != b[1]:
        out.append(b[1] if b[1] != "ok" else "legal")
    elif (a[0].before, a[0].after) != (b[0].before, b[0].after):
        out.append("states")
    return tuple(out)


def _align(
    left: list[tuple[Step, Mark]],
    right: list[tuple[Step, Mark]],
    added: Mapping[str, str | None],
) -> list[Row]:
    """The rows, from what the edits did: each what-if event beside the base event
    it is (kept or re-dated: same or changed) or takes the place of (replaced),
    or alone (inserted); each base event with no what-if event beside it is
    removed. Between two events both sides have, the removed come first."""
    where = {s.event.id: i for i, (s, _m) in enumerate(left)}
    rows: list[Row] = []
    inserted: list[Row] = []
    i = 0
    for b in right:
        bid = b[0].event.id
        place = added[bid] if bid in added else bid
        j = where.get(place) if place is not None else None
        if j is None or j < i:  # takes no base event's place (or none still to pair)
            inserted.append(Row("inserted", None, b[0], "ok", b[1]))
            continue
        rows.extend(Row("removed", a[0], None, a[1], "ok") for a in left[i:j])
        rows.extend(inserted)
        inserted = []
        a = left[j]
        i = j + 1
        changes = _changes(a, b)
        if bid in added:
            ids = ("id",) if a[0].event.id != bid else ()
            rows.append(Row("replaced", a[0], b[0], a[1], b[1], (*ids, *changes)))
        else:
            rows.append(Row("changed" if changes else "same", a[0], b[0], a[1], b[1], changes))
    rows.extend(Row("removed", a[0], None, a[1], "ok") for a in left[i:])
    rows.extend(inserted)
    return rows


@attrs.frozen
class Comparison:
    """The base and the what-if replayed, aligned event by event."""

    whatif: WhatIf
    history: History
    counterfactual: History
    rows: tuple[Row, ...]

    @classmethod
    def of(
        cls,
        whatif: WhatIf,
        history: History,
        counterfactual: History,
        added: Mapping[str, str | None] | None = None,
    ) -> Comparison:
        """Align two histories by what the what-if's edits did: ``added`` maps
        each event they added to the base event whose place it takes (None:
        inserted; see :meth:`WhatIf.applied`). Without it, events are aligned
        by id, and an event only the what-if has is inserted."""
        left, right = _slots(history), _slots(counterfactual)
        if added is None:
            ids = {s.event.id for s, _m in left}
            added = {s.event.id: None for s, _m in right if s.event.id not in ids}
        return cls(whatif, history, counterfactual, tuple(_align(left, right, added)))

    @property
    def outcomes(self) -> tuple[str, str]:
        """(the base's outcome, the what-if's outcome)."""
        return self.history.outcome, self.counterfactual.outcome

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
        ill, event = self.counterfactual.illegal, self.counterfactual.illegal_event
        if ill is not None and event is not None:
            which = "hypothetical" if event.basis == "hypothetical" else "historical"
            return f"under this what-if the {which} event {ill.seq} is illegal: {ill.describe()}"
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
            "case": self.history.case.id,
            "edits": [e.to_mapping() for e in self.whatif.edits],
            "rules": [r.to_mapping() for r in self.whatif.rules],
            "outcomes": {"history": self.outcomes[0], "whatif": self.outcomes[1]},
            "parted_after": self.parted_after,
            "finding": self.finding,
            "notes": list(self.notes),
            "rows": [r.to_mapping() for r in self.rows],
            "history": self.history.to_mapping(),
            "whatif_history": self.counterfactual.to_mapping(),
        }


def compare(whatif: WhatIf, book: Scenarios) -> Comparison:
    """Replay a what-if's base and the what-if side by side (neither raises: an
    illegal event is the finding).

    >>> import casework
    >>> book = casework.load_casebook()
    >>> strict = casework.WhatIf("strict", base="alliluyeva", title="Two testimonials")
    >>> compare(strict.require("reinstate", intercede=2), book).outcomes
    ('reinstated', 'illegal')
    """
    base_case, base_procedure = whatif.base_of(book)
    applied = whatif.applied(base_case, base_procedure)
    return Comparison.of(
        whatif,
        replay(base_case, base_procedure, strict=False),
        replay(applied.case, applied.procedure, strict=False),
        applied.added,
    )
