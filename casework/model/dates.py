"""Historical dates: EDTF as written in the sources, Old Style converted to New Style.

Dates are kept exactly as the case file writes them (an EDTF string and the
calendar it is in); parsing and validation are done by the ``edtf`` package and
Julian → Gregorian conversion by ``convertdate``. Display follows the habits of
historians: "20 Dec 1921, 20.00", "before 20 Dec 1921", "3–5 Jul 1917 O.S.
(16–18 Jul 1917 N.S.)".
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import functools
import math
import re
from typing import Literal

import attrs
from convertdate import julian

__all__ = ["Calendar", "HistDate"]

Calendar = Literal["gregorian", "julian"]
CALENDARS: tuple[str, ...] = ("gregorian", "julian")

#: Soviet Russia's last Old Style day: 31 Jan 1918 (O.S.) was followed by 14 Feb (N.S.).
LAST_OLD_STYLE_DAY = (1918, 1, 31)

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_SIMPLE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<hh>\d{2}):(?P<mm>\d{2}):\d{2})?)?)?(?P<q>[~?%])?$"
)

Day = tuple[int, int, int]


def _struct_to_day(value: object) -> Day | None:
    """edtf's bound (a struct_time, or ±inf for open ends) as (y, m, d), None when open."""
    if isinstance(value, float) and math.isinf(value):
        return None
    return (value.tm_year, value.tm_mon, value.tm_mday)  # type: ignore[attr-defined]


def _julian_to_gregorian(day: Day) -> Day:
    y, m, d = julian.to_gregorian(*day)
    return (y, m, d)


def _fmt_day(day: Day, precision: int) -> str:
    y, m, d = day
    if precision == 1:
        return f"{y}"
    if precision == 2:
        return f"{_MONTHS[m - 1]} {y}"
    return f"{d} {_MONTHS[m - 1]} {y}"


def _fmt_span(a: Day, b: Day) -> str:
    """A day range the way a historian writes it: 3–5 Jul 1917, 3 Jul – 5 Aug 1917."""
    if a == b:
        return _fmt_day(a, 3)
    if a[:2] == b[:2]:
        return f"{a[2]}–{_fmt_day(b, 3)}"
    if a[0] == b[0]:
        return f"{a[2]} {_MONTHS[a[1] - 1]} – {_fmt_day(b, 3)}"
    return f"{_fmt_day(a, 3)} – {_fmt_day(b, 3)}"


def _fmt_single(text: str) -> str | None:
    """'1921-12-20T20:00:00' → '20 Dec 1921, 20.00'; None for forms we do not prettify."""
    m = _SIMPLE.match(text)
    if not m:
        return None
    precision = 1 + (m["m"] is not None) + (m["d"] is not None)
    out = _fmt_day((int(m["y"]), int(m["m"] or 1), int(m["d"] or 1)), precision)
    if m["hh"]:
        out += f", {m['hh']}.{m['mm']}"
    q = m["q"]
    if q in ("~", "%"):
        out = "c. " + out
    if q in ("?", "%"):
        out += "?"
    return out


def _fmt_edtf(text: str) -> str:
    if "/" in text:
        start, _, end = text.partition("/")
        open_start = start in ("", "..")
        open_end = end in ("", "..")
        if open_start and open_end:
            return "date unknown"
        # EDTF bounds are inclusive: "../1921-12-20" allows 20 Dec itself, and
        # "../1917" all of 1917, so the words say so.
        if open_start:
            m = _SIMPLE.match(end)
            word = "on or before" if m is None or m["d"] else "by the end of"
            return f"{word} {_fmt_single(end) or end}"
        if open_end:
            m = _SIMPLE.match(start)
            word = "on or after" if m is None or m["d"] else "from the start of"
            return f"{word} {_fmt_single(start) or start}"
        a, b = _SIMPLE.match(start), _SIMPLE.match(end)
        if a and b and a["d"] and b["d"] and not (a["q"] or b["q"] or a["hh"] or b["hh"]):
            return _fmt_span(
                (int(a["y"]), int(a["m"]), int(a["d"])),
                (int(b["y"]), int(b["m"]), int(b["d"])),
            )
        if a and b and not (a["m"] or b["m"] or a["q"] or b["q"]):
            return f"{a['y']}–{b['y']}"  # 1905–1917
        return f"{_fmt_single(start) or start} – {_fmt_single(end) or end}"
    return _fmt_single(text) or text


def _simple_bounds(part: str) -> tuple[Day, Day] | None:
    """Bounds of a plain date (YYYY, YYYY-MM, YYYY-MM-DD, with time or qualifier),
    or None when the form is not plain and needs the full EDTF grammar."""
    m = _SIMPLE.match(part)
    if not m:
        return None
    y = int(m["y"])
    if m["hh"] and (m["q"] or not (int(m["hh"]) < 24 and int(m["mm"]) < 60)):
        return None
    try:
        if m["m"] is None:
            return (y, 1, 1), (y, 12, 31)
        mo = int(m["m"])
        if m["d"] is None:
            return (y, mo, 1), (y, mo, _calendar.monthrange(y, mo)[1])
        day = dt.date(y, mo, int(m["d"]))
    except (ValueError, _calendar.IllegalMonthError):
        return None
    return (day.year, day.month, day.day), (day.year, day.month, day.day)


@functools.lru_cache(maxsize=4096)
def _bounds(text: str) -> tuple[Day | None, Day | None]:
    """(lower, upper) of an EDTF string in its own calendar; ValueError if invalid.

    Plain dates and intervals of plain dates (most of any archive) are bounded
    here directly; everything else goes to the ``edtf`` parser, which is exact
    but slow (a test checks that both agree on the plain forms).
    """
    parts = text.split("/")
    plain = len(parts) == 1 or (len(parts) == 2 and "T" not in text)  # EDTF: no times in intervals
    if plain and all(p == ".." or _simple_bounds(p) for p in parts):
        if len(parts) == 1:
            return _simple_bounds(text)  # type: ignore[return-value]
        start, end = (None if p == ".." else _simple_bounds(p) for p in parts)
        if start is not None or end is not None:
            return (start[0] if start else None), (end[1] if end else None)
    for part in parts:
        m = _SIMPLE.match(part)
        if m and m["d"]:
            try:
                dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                raise ValueError(
                    f"date {text!r} is not a real day; expected a day that exists in the calendar"
                ) from None
    return _edtf_bounds(text)


def _edtf_bounds(text: str) -> tuple[Day | None, Day | None]:
    """Bounds by the ``edtf`` package (the reference for every form)."""
    # Imported here: building its grammar costs ~90 ms, and plain dates never need it.
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError, OverflowError):
        raise ValueError(
            f"date {text!r} is not a valid EDTF date; expected e.g. 1921-12-20, "
            "1921-12, 1917-07~, 1921-08-15/1921-12-20, ../1921-12-20"
        ) from None
    try:
        lower = _struct_to_day(parsed.lower_strict())
        upper = _struct_to_day(parsed.upper_strict())
    except (ValueError, TypeError, OverflowError, AttributeError):
        raise ValueError(f"date {text!r} has no usable bounds") from None
    for bound in (lower, upper):
        if bound is not None:
            try:
                dt.date(*bound)
            except ValueError:
                raise ValueError(f"date {text!r} is not a real day") from None
    return lower, upper


@attrs.frozen
class HistDate:
    """A date as a source gives it: an EDTF string in a stated calendar.

    ``lower`` and ``upper`` are the New Style (Gregorian) bounds as (y, m, d),
    ``None`` for an open end. Build with :meth:`parse`.
    """

    edtf: str
    calendar: Calendar = "gregorian"
    lower: Day | None = attrs.field(default=None, eq=False)
    upper: Day | None = attrs.field(default=None, eq=False)

    @classmethod
    def unknown(cls) -> HistDate:
        """A date the sources do not give at all."""
        return cls("../..")

    @classmethod
    def parse(cls, text: str, calendar: str = "gregorian") -> HistDate:
        """Parse an EDTF string; raise ValueError saying what is wrong.

        >>> HistDate.parse("1921-12-20").display()
        '20 Dec 1921'
        >>> HistDate.parse("1917-07-03/1917-07-05", "julian").display()
        '3–5 Jul 1917 O.S. (16–18 Jul 1917 N.S.)'
        """
        if calendar not in CALENDARS:
            raise ValueError(
                f"calendar {calendar!r} is not known; expected one of: gregorian, julian"
            )
        if not isinstance(text, str):
            raise ValueError(f"date must be an EDTF string (got {text!r})")
        if text in ("..", "../..", "/"):
            return cls("../..", calendar)  # type: ignore[arg-type]
        lower, upper = _bounds(text)
        if calendar == "julian":
            for bound in (lower, upper):
                if bound is not None and bound > LAST_OLD_STYLE_DAY:
                    raise ValueError(
                        f"date {text!r} is marked Old Style (julian), but Russia used "
                        "the Old Style only until 31 Jan 1918; expected calendar = "
                        "'gregorian' for later dates"
                    )
            lower = _julian_to_gregorian(lower) if lower else None
            upper = _julian_to_gregorian(upper) if upper else None
        if lower and upper and lower > upper:
            raise ValueError(f"date {text!r} ends before it starts")
        return cls(text, calendar, lower, upper)  # type: ignore[arg-type]

    @property
    def is_known(self) -> bool:
        """False when the sources give no bound at all."""
        return self.lower is not None or self.upper is not None

    def new_style(self) -> str:
        """The New Style reading, in historian's form (the same text for Gregorian dates)."""
        if self.calendar == "gregorian":
            return _fmt_edtf(self.edtf)
        lo, hi = self.lower, self.upper
        if lo and hi:
            return _fmt_span(lo, hi)
        if hi:
            return f"on or before {_fmt_day(hi, 3)}"
        if lo:
            return f"on or after {_fmt_day(lo, 3)}"
        return "date unknown"

    def display(self) -> str:
        """The date as a historian writes it, both styles for Old Style dates."""
        written = _fmt_edtf(self.edtf)
        if self.calendar == "julian" and self.is_known:
            ns = self.new_style().removeprefix("on or before ").removeprefix("on or after ")
            return f"{written} O.S. ({ns} N.S.)"
        return written

    def known_by(self, day: Day) -> bool:
        """True when the event certainly happened on or before ``day`` (New Style)."""
        return self.upper is not None and self.upper <= day

    def __str__(self) -> str:
        return self.display()
