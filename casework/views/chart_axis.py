"""The timeline chart's time axis: New Style days in stretches drawn to scale,
with the long empty stretches between them cut out (an axis break).

Days are proleptic Gregorian ordinals (``datetime.date.toordinal``); an
inclusive upper bound D is drawn to the end of D, i.e. to D + 1.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence

import attrs

__all__ = [
    "AXIS_X0",
    "AXIS_X1",
    "BREAK_DAYS",
    "TICK_SIZE",
    "Axis",
    "AxisBreak",
    "Segment",
    "Tick",
    "build_axis",
    "day_of",
    "text_width",
]

#: A stretch with no date in it longer than this (in days) is cut from the axis.
BREAK_DAYS = 365
#: Where the axis is drawn, in the picture's units (px).
AXIS_X0, AXIS_X1 = 490.0, 1340.0
#: The size of the axis's labels (px).
TICK_SIZE = 12.0
#: The width of an axis break, and the least share of the axis a segment gets.
BREAK_WIDTH, MIN_SHARE = 30.0, 0.2
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


# Advance widths of DejaVu Sans (in em), the widest of the fonts the chart names:
# text measured so fits in Verdana, Arial or Helvetica too.
_NARROW = dict.fromkeys("iljI'|.,:;!", 0.3) | dict.fromkeys("ftr()[]-", 0.4)
_WIDE = dict.fromkeys("mwMW—…", 1.0) | dict.fromkeys("→×", 0.84)
_EM = {" ": 0.32, **_NARROW, **_WIDE}


def text_width(text: str, size: float) -> float:
    """How wide ``text`` is drawn at ``size`` px (an estimate on the wide side)."""
    em = sum(_EM.get(c, 0.72 if c.isupper() else 0.64) for c in text)
    return em * size


@attrs.frozen
class Tick:
    """A labelled day on the axis."""

    day: int
    x: float
    label: str


@attrs.frozen
class Segment:
    """A stretch of the axis drawn to scale: days ``start`` up to ``end`` (exclusive)."""

    start: int
    end: int
    x0: float
    x1: float
    ticks: tuple[Tick, ...]

    def x(self, day: float) -> float:
        return self.x0 + (day - self.start) * (self.x1 - self.x0) / (self.end - self.start)


@attrs.frozen
class AxisBreak:
    """Days ``start`` up to ``end`` cut from the axis, drawn as a gap ``x0``-``x1``."""

    start: int
    end: int
    x0: float
    x1: float
    label: str


@attrs.frozen
class Axis:
    """The shared time axis: segments to scale, with breaks between them."""

    segments: tuple[Segment, ...]
    breaks: tuple[AxisBreak, ...]

    @property
    def start(self) -> int:
        return self.segments[0].start

    @property
    def end(self) -> int:
        return self.segments[-1].end

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    def x(self, day: float) -> float:
        """Where a (fractional) day is drawn; inside a break, the gap is read to scale."""
        day = min(max(day, self.start), self.end)
        for seg in self.segments:
            if day <= seg.end:
                if day >= seg.start:
                    return seg.x(day)
                gap = next(b for b in self.breaks if b.end == seg.start)
                return gap.x0 + (day - gap.start) * (gap.x1 - gap.x0) / (gap.end - gap.start)
        return self.x1


def day_of(ymd: tuple[int, int, int]) -> int:
    return datetime.date(*ymd).toordinal()


def _ymd(day: int) -> datetime.date:
    return datetime.date.fromordinal(day)


def _month_start(day: int, back: int = 0) -> int:
    d = _ymd(day)
    months = d.year * 12 + d.month - 1 - back
    return day_of((months // 12, months % 12 + 1, 1))


def _clusters(days: Sequence[int]) -> list[tuple[int, int]]:
    """Runs of days with no gap longer than BREAK_DAYS."""
    ordered = sorted(set(days))
    runs = [[ordered[0], ordered[0]]]
    for day in ordered[1:]:
        if day - runs[-1][1] > BREAK_DAYS:
            runs.append([day, day])
        else:
            runs[-1][1] = day
    return [(a, b) for a, b in runs]


def _extent(first: int, last: int) -> tuple[int, int]:
    """A cluster's stretch of axis: whole years for a long one, else whole months,
    with room on both sides of its first and last days."""
    if last - first >= 3 * 365:
        return day_of((_ymd(first).year, 1, 1)), day_of((_ymd(last).year + 1, 1, 1))
    start, end = _month_start(first), _month_start(last, back=-1)
    if first - start < max(4, (end - start) // 10):
        start = _month_start(first, back=1)
    if end - last < max(4, (end - start) // 10):
        end = _month_start(last, back=-2)
    return start, end


def _span_words(days: int) -> str:
    years = days / 365.25
    if years >= 1.5:
        return f"{round(years)} years"
    months = max(1, round(days / 30.44))
    return f"{months} month{'s' if months > 1 else ''}"


def _ticks(start: int, end: int, x0: float, x1: float) -> tuple[Tick, ...]:
    """Labelled days a reader can count on: years, months or days, as many as fit
    with room between their labels, none so near an end of the segment that its
    label would reach over it. The first label, and each January's, says the year."""
    per_day = (x1 - x0) / (end - start)
    first, last = _ymd(start), _ymd(end - 1)
    candidates: list[tuple[int, str, str]] = []  # day, label, the label with its year
    if per_day * 365 < 64 * 3:
        step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if 365 * s * per_day >= 64)
        for year in range(first.year, last.year + 2):
            if year % step == 0:
                candidates.append((day_of((year, 1, 1)), str(year), str(year)))
    elif 30 * per_day >= 150:
        for day in range(start, end):
            d = _ymd(day)
            if d.day in (1, 10, 20):
                label = f"{d.day} {_MONTHS[d.month - 1]}"
                candidates.append((day, label, f"{label} {d.year}"))
    else:
        step = next(s for s in (1, 2, 3, 6, 12) if 30 * s * per_day >= 64)
        day = start
        while day < end:
            d = _ymd(day)
            if (d.month - 1) % step == 0:
                label = _MONTHS[d.month - 1]
                candidates.append(
                    (day, label if d.month > 1 else f"{label} {d.year}", f"{label} {d.year}")
                )
            day = _month_start(day, back=-1)
    ticks: list[Tick] = []
    right = -math.inf  # where the last label ends
    for day, label, with_year in candidates:
        if not start <= day < end:
            continue
        text = label if ticks else with_year
        half = text_width(text, TICK_SIZE) / 2
        x = x0 + (day - start) * per_day
        if x - half < max(right + 16, x0 - 6) or x + half > x1 + 6:
            continue
        ticks.append(Tick(day, x, text))
        right = x + half
    return tuple(ticks)


def build_axis(events: Sequence[Sequence[int]]) -> Axis:
    """Segments for the clusters of the events' days: each gets a share of the
    axis's width, half by the square root of its length, half by how many events
    have a bound in it, and at least MIN_SHARE when it can."""
    extents = [_extent(a, b) for a, b in _clusters([d for days in events for d in days])]
    # extents widened for room may now touch or overlap: join them
    joined: list[tuple[int, int]] = []
    for start, end in extents:
        if joined and start <= joined[-1][1] + 31:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    width = AXIS_X1 - AXIS_X0 - BREAK_WIDTH * (len(joined) - 1)
    roots = [math.sqrt(end - start) for start, end in joined]
    held = [sum(any(a <= d < b for d in days) for days in events) for a, b in joined]
    shares = [r / sum(roots) / 2 + h / sum(held) / 2 for r, h in zip(roots, held, strict=True)]
    floor = min(MIN_SHARE, 1 / len(shares))
    small = [s < floor for s in shares]
    rest = sum(s for s, low in zip(shares, small, strict=True) if not low)
    spare = 1 - floor * sum(small)
    shares = [floor if low else s * spare / rest for s, low in zip(shares, small, strict=True)]
    segments: list[Segment] = []
    breaks: list[AxisBreak] = []
    x = AXIS_X0
    for (start, end), share in zip(joined, shares, strict=True):
        if segments:
            prev = segments[-1]
            breaks.append(
                AxisBreak(prev.end, start, x, x + BREAK_WIDTH, _span_words(start - prev.end))
            )
            x += BREAK_WIDTH
        x1 = x + share * width
        segments.append(Segment(start, end, x, x1, _ticks(start, end, x, x1)))
        x = x1
    return Axis(tuple(segments), tuple(breaks))
