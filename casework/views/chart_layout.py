"""The timeline chart's layout: histories on a New Style time axis, as a frozen record.

:func:`layout` places every event of each history (a lane) on one shared axis
and returns a :class:`Chart`: the axis's segments and the breaks between them,
and per lane the state bands and one :class:`Mark` per event, with its x range
and what the writer needs to say about it. Nothing is drawn here;
:mod:`casework.views.chart` writes the record as SVG or HTML.
The axis is :mod:`casework.views.chart_axis`'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import attrs

from casework.model.compare import Comparison
from casework.model.events import Event
from casework.model.procedure import ILLEGAL, PENDING
from casework.model.replay import History, Step
from casework.views.chart_axis import Axis, build_axis, day_of
from casework.views.theme import THEME, References, outcome_style, safe
from casework.views.timeline import StepView

__all__ = ["Band", "Chart", "Lane", "Mark", "Subject", "layout", "tone"]

Shape = Literal["point", "range", "before", "after", "undated"]
Tone = Literal["good", "bad", "pending", "neutral"]
#: Whether an event was replayed, is the one the procedure refused, or came after it.
Verdict = Literal["ok", "illegal", "not_reached"]


def tone(outcome: str) -> Tone:
    """What an outcome means for the member, by the colour the terminal gives it:
    green good, red bad, yellow pending, no colour neutral."""
    style = THEME.styles.get(outcome_style(outcome))
    color = style.color.name if style is not None and style.color is not None else ""
    found: dict[str, Tone] = {"green": "good", "red": "bad", "yellow": "pending"}
    return found.get(color, "neutral")


@attrs.frozen
class Subject:
    """One lane: a history and what to call it. A what-if's lane is given its
    comparison with its base, so that it shows what the what-if removed, changed
    or added, and where the two part."""

    history: History
    title: str
    label: str
    comparison: Comparison | None = None
    description: str = ""


@attrs.frozen
class Band:
    """A state the case is in, from ``x0`` to ``x1``; it fades in from ``x0`` to
    ``solid`` where the date of the event that led to it is uncertain."""

    state: str
    tone: Tone
    x0: float
    solid: float
    x1: float


@attrs.frozen
class Mark:
    """One event on its lane's row ``row``: drawn from ``x0`` to ``x1`` as a point,
    a range, an open end (``before``: it fades from ``x0`` to the known bound at
    ``x1``; ``after``: from the bound at ``x0`` to ``x1``), or undated.
    ``status`` is what a what-if did to it (``same`` in a case's lane)."""

    event: Event
    row: int
    shape: Shape
    x0: float
    x1: float
    lower: int | None
    upper: int | None
    start: float | None
    end: float | None
    before: str
    after: str
    approximate: bool
    uncertain: bool
    old_style: bool
    status: str = "same"
    verdict: Verdict = "ok"
    refers: tuple[float, float] | None = None
    notes: tuple[tuple[str, str], ...] = ()
    #: Why the procedure does not allow it, for the illegal event ("" otherwise).
    why: str = ""

    @property
    def number(self) -> int:
        return self.event.seq

    @property
    def moved(self) -> bool:
        return self.before != self.after

    @property
    def change(self) -> str:
        """'expelled → intercession', 'intercession (unchanged)', or '' (background)."""
        if self.moved:
            return safe(f"{self.before} → {self.after}")
        return safe(f"{self.after} (unchanged)") if self.event.moves_state else ""

    @property
    def background(self) -> bool:
        return not self.event.moves_state

    @property
    def hypothetical(self) -> bool:
        return self.event.basis == "hypothetical" or self.event.date_hypothetical

    @property
    def date_text(self) -> str:
        return safe(self.event.date.display())


@attrs.frozen
class Lane:
    """A history's lane: its bands and one mark per row; ``parts`` is the row at
    which a what-if parts from its base (None: a case, or no difference)."""

    id: str
    title: str
    label: str
    outcome: str
    bands: tuple[Band, ...]
    marks: tuple[Mark, ...]
    parts: int | None = None
    description: str = ""

    @property
    def tone(self) -> Tone:
        return tone(self.outcome)


@attrs.frozen
class Chart:
    """The whole picture: a title, the axis, the lanes."""

    title: str
    axis: Axis
    lanes: tuple[Lane, ...]


def _bounds(event: Event) -> tuple[int | None, int | None]:
    """The event's New Style bounds as days (upper inclusive)."""
    date = event.date
    return (
        day_of(date.lower) if date.lower else None,
        day_of(date.upper) if date.upper else None,
    )


def _refers(event: Event) -> tuple[int | None, int | None]:
    ref = event.refers_to
    if ref is None:
        return None, None
    return (day_of(ref.lower) if ref.lower else None, day_of(ref.upper) if ref.upper else None)


def _time_of_day(edtf: str) -> float:
    """Where in its day a timed date falls (0.5, midday, when no time is given)."""
    if "T" in edtf:
        hh, mm = edtf.split("T", 1)[1][:5].split(":")
        return (int(hh) * 60 + int(mm)) / 1440
    return 0.5


# -- the axis -------------------------------------------------------------------


def _notes(step: Step, refs: References | None, verb: str) -> tuple[tuple[str, str], ...]:
    """What the legend and the hover text say of an event, as (label, text) lines."""
    ev = step.event
    view = StepView(step, refs, verb)
    notes: list[tuple[str, str]] = []
    if ev.summary:
        notes.append(("summary", ev.summary))
    who = view.who()
    if who:
        notes.append(("who", who))
    if ev.refers_to is not None:
        notes.append(("for", ev.refers_to.display()))
    for citation in ev.citations:
        notes.append(("quote", f"“{citation.quote}” {view.cite(citation)}"))
        basis = view.basis(citation)
        if basis is not None:
            notes.append((citation.basis, basis.plain.removeprefix(f"{citation.basis}: ")))
    if ev.basis in ("inferred", "hypothetical"):
        notes.append((ev.basis, ev.reasoning))
    for part, reasoning in ev.inferred:
        notes.append(("inferred", f"({part}) {reasoning}"))
    if ev.date_basis:
        notes.append(("date", ev.date_basis))
    if ev.note:
        notes.append(("note", ev.note))
    # an inferred event's main citation carries the event's reasoning: said once
    return tuple(dict.fromkeys((label, safe(text, prose=True)) for label, text in notes))


def _known(lane_days: Sequence[int], day: int, after: bool, axis: Axis) -> int:
    """Where an open end fades out: the lane's nearest known day before ``day``
    (after it), else the start (end) of the stretch of axis that holds ``day``."""
    seg = next((s for s in axis.segments if s.start <= day < s.end), axis.segments[-1])
    if after:
        return min((d for d in lane_days if d > day), default=seg.end - 1)
    return max((d for d in lane_days if d < day), default=seg.start)


def _span(ev: Event) -> tuple[Shape, float | None, float | None]:
    """The event's shape and where it may have happened, in days (None: open)."""
    lower, upper = _bounds(ev)
    if lower is not None and upper is not None:
        if lower == upper:
            at = lower + _time_of_day(ev.date.edtf)
            return "point", at, at
        return "range", lower, upper + 1
    if upper is not None:
        return "before", None, upper + 1
    if lower is not None:
        return "after", lower, None
    return "undated", None, None


def _resolve(
    start: float | None, end: float | None, lane_days: Sequence[int], axis: Axis
) -> tuple[float, float]:
    """A span with its open ends closed where they fade out (see :func:`_known`)."""
    if start is None and end is None:
        return axis.start, axis.end
    if start is None:
        assert end is not None
        start = _known(lane_days, math.ceil(end) - 1, False, axis)
    if end is None:
        end = _known(lane_days, math.floor(start), True, axis) + 1
    return start, max(start, end)


def _mark(
    step: Step,
    row: int,
    axis: Axis,
    lane_days: Sequence[int],
    refs: References | None,
    verb: str,
    status: str = "same",
    verdict: Verdict = "ok",
    unmet: str = "",
) -> Mark:
    ev = step.event
    lower, upper = _bounds(ev)
    edtf = ev.date.edtf
    shape, start, end = _span(ev)
    x0, x1 = (axis.x(d) for d in _resolve(start, end, lane_days, axis))
    if shape == "undated":
        x0 = x1 = axis.x0
    ref_lo, ref_hi = _refers(ev)
    refers = None
    if ref_lo is not None or ref_hi is not None:
        lo = ref_lo if ref_lo is not None else ref_hi
        hi = ref_hi if ref_hi is not None else ref_lo
        assert lo is not None and hi is not None
        refers = (axis.x(lo), axis.x(hi + 1)) if lo != hi else (axis.x(lo + 0.5),) * 2
    why = ""
    if verdict == "illegal":
        why = unmet or f"cannot follow {step.before}"
    return Mark(
        why=safe(why),
        event=ev,
        row=row,
        shape=shape,
        x0=x0,
        x1=x1,
        lower=lower,
        upper=upper,
        start=start,
        end=end,
        before=step.before,
        after=step.after,
        approximate="~" in edtf or "%" in edtf,
        uncertain="?" in edtf or "%" in edtf,
        old_style=ev.date.calendar == "julian",
        status=status,
        verdict=verdict,
        refers=refers,
        notes=_notes(step, refs, verb),
    )


#: What a comparison's row may say changed that is not the event's own record.
_REPLAYED = ("illegal", "not_reached", "legal", "states", "date_basis")


def _rows(subject: Subject) -> list[tuple[Step, str, Verdict]]:
    """A lane's rows: each event of the history (and the one it stopped at), or,
    for a what-if, each row of its comparison: the what-if's events and the
    base's events it removed. The status is the row's, with ``changed: date``
    naming what the what-if changed in the event's record (``same`` when only
    its replay differs, which the row shows anyway)."""
    if subject.comparison is not None:
        out: list[tuple[Step, str, Verdict]] = []
        for row in subject.comparison.rows:
            step = row.right if row.right is not None else row.left
            verdict = row.right_mark if row.right is not None else "ok"
            assert step is not None
            status: str = row.status
            if status == "changed":
                own = [c for c in row.changes if c not in _REPLAYED]
                status = f"changed: {', '.join(own)}" if own else "same"
            out.append((step, status, verdict))
        return out
    h = subject.history
    rows: list[tuple[Step, str, Verdict]] = [(s, "same", "ok") for s in h.steps]
    illegal = h.illegal_event
    if illegal is not None:
        rows.append((Step(illegal, h.state, h.state), "same", "illegal"))
    return rows


def _bands(
    history: History, marks: Sequence[Mark], axis: Axis, lane_days: Sequence[int]
) -> tuple[Band, ...]:
    """The states in turn, each fading in across where the event that led to it
    may have happened, and solid from there to where the next may have. Events
    happen in the case's order, so each change is no earlier than the one before
    it and no later than the one after it."""
    procedure = history.procedure
    changes = [m for m in marks if m.moved and m.verdict == "ok" and m.status != "removed"]
    stop = next((m for m in marks if m.verdict == "illegal"), None)
    los = [m.start if m.start is not None else -math.inf for m in changes]
    his = [m.end if m.end is not None else math.inf for m in changes]
    for i in range(1, len(los)):
        los[i] = max(los[i], los[i - 1])
    for i in range(len(his) - 2, -1, -1):
        his[i] = min(his[i], his[i + 1])
    regions = [
        tuple(axis.x(d) for d in _resolve(_finite(lo), _finite(hi), lane_days, axis))
        for lo, hi in zip(los, his, strict=True)
    ]
    end = axis.x1
    if stop is not None:  # a history stopped by an illegal event is illegal from where it may be
        lo = max([stop.start if stop.start is not None else -math.inf, *los[-1:]])
        end = axis.x(_resolve(_finite(lo), stop.end, lane_days, axis)[0])
    states = [history.initial] + [m.after for m in changes]
    bands: list[Band] = []
    for i, state in enumerate(states):
        x0, solid = (axis.x0, axis.x0) if i == 0 else regions[i - 1]
        x1 = regions[i][1] if i < len(regions) else end
        outcome = procedure.outcome_of(state)
        # before any decision (the initial state, unless it is an outcome) nothing is at stake
        shade = "neutral" if i == 0 and outcome == PENDING else tone(outcome)
        bands.append(Band(state, shade, x0, solid, max(x1, solid)))
    if stop is not None:
        bands.append(Band(ILLEGAL, tone(ILLEGAL), end, end, axis.x1))
    return tuple(bands)


def _finite(day: float) -> float | None:
    return day if math.isfinite(day) else None


def layout(
    subjects: Sequence[Subject], refs: References | None = None, *, title: str = ""
) -> Chart:
    """The chart of ``subjects``, one lane each, on one axis that holds every
    known bound of their events (and of the days they refer to)."""
    if not subjects:
        raise ValueError("a chart needs at least one history")
    per_event = [
        [d for d in (*_bounds(step.event), *_refers(step.event)) if d is not None]
        for subject in subjects
        for step, _status, _verdict in _rows(subject)
    ]
    # where a lane's open ends fade out: the days its sources give (a what-if's
    # hypotheses do not move them)
    per_lane = [
        [
            d
            for step, _status, _verdict in _rows(subject)
            if step.event.basis != "hypothetical" and not step.event.date_hypothetical
            for d in _bounds(step.event)
            if d is not None
        ]
        for subject in subjects
    ]
    if not any(per_event):  # nothing is dated: an axis of one year, all marks undated
        per_event = [[day_of((1921, 1, 1)), day_of((1921, 12, 31))]]
    axis = build_axis(per_event)
    lanes = []
    for subject, days in zip(subjects, per_lane, strict=True):
        h = subject.history
        unmet = h.illegal.unmet if h.illegal is not None else ""
        marks = tuple(
            _mark(step, n, axis, days, refs, h.procedure.verb(step.event.kind), status, v, unmet)
            for n, (step, status, v) in enumerate(_rows(subject))
        )
        parts = None
        if subject.comparison is not None and subject.comparison.parted_after is not None:
            parts = subject.comparison.shared
        lanes.append(
            Lane(
                h.case.id,
                safe(subject.title),
                safe(subject.label),
                h.outcome,
                _bands(h, marks, axis, days),
                marks,
                parts,
                safe(subject.description, prose=True),
            )
        )
    return Chart(safe(title), axis, tuple(lanes))
