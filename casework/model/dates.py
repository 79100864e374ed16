"""Historical dates: EDTF as written in the sources, Old Style converted to New Style.

Dates are kept exactly as the case file writes them (an EDTF string and the
calendar it is in). They are read by a strict grammar of the EDTF forms casework
supports: a year, month or day, a day with a time of day, a season, any of these
approximate or uncertain, unspecified digits at the end (``192X``, ``1921-12-XX``),
and intervals of these, open or unknown at either end. Days are checked in the
calendar they are written in (29 Feb 1900 exists in the Old Style). Every other
form, valid EDTF or not, is refused when it is parsed, with a message naming it;
nothing is refused later. The ``edtf`` package is the reference the tests hold
these bounds to (it is not imported here: it crashes on some valid forms and
prints to stdout); Julian → Gregorian conversion is by ``convertdate``, imported
when an Old Style date first needs it. Display follows the habits of historians:
"20 Dec 1921, 20.00", "before 20 Dec 1921", "3–5 Jul 1917 O.S. (16–18 Jul 1917 N.S.)".
"""

from __future__ import annotations

import calendar as _calendar
import functools
import re
from typing import Literal, NamedTuple

import attrs

__all__ = ["Calendar", "HistDate"]

Calendar = Literal["gregorian", "julian"]
CALENDARS: tuple[str, ...] = ("gregorian", "julian")

#: Soviet Russia's last Old Style day: 31 Jan 1918 (O.S.) was followed by 14 Feb (N.S.).
LAST_OLD_STYLE_DAY = (1918, 1, 31)

Day = tuple[int, int, int]

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_EXAMPLES = "e.g. 1921-12-20, 1921-12, 1917-07~, 1921-08-15/1921-12-20, ../1921-12-20"

#: One date (an end of an interval, or the whole): ASCII digits only, matched whole.
_PART = re.compile(
    r"(?P<y>[0-9X]{4})"
    r"(?:-(?P<m>[0-9X]{2})"
    r"(?:-(?P<d>[0-9X]{2})"
    r"(?:T(?P<hh>[0-9]{2}):(?P<mi>[0-9]{2}):(?P<ss>[0-9]{2})"
    r"(?P<tz>Z|[+-][0-9]{2}(?::[0-9]{2})?)?)?"
    r")?)?"
    r"(?P<q>[~?%])?"
)
#: EDTF's time zones: Z, or an offset from -14:00 to +14:00 other than ±00 and ±00:00.
_ZONE = re.compile(r"Z|[+-](?:(?:0[1-9]|1[0-3])(?::[0-5][0-9])?|14:00|00:(?:0[1-9]|[1-5][0-9]))")

#: EDTF seasons (level 1: 21–24; level 2: 25–41) that lie within one year: words, months.
_SEASONS: dict[int, tuple[str, int, int]] = {
    21: ("spring {}", 3, 5),
    22: ("summer {}", 6, 8),
    23: ("autumn {}", 9, 11),
    25: ("spring {} (northern hemisphere)", 3, 5),
    26: ("summer {} (northern hemisphere)", 6, 8),
    27: ("autumn {} (northern hemisphere)", 9, 11),
    29: ("spring {} (southern hemisphere)", 9, 11),
    31: ("autumn {} (southern hemisphere)", 3, 5),
    32: ("winter {} (southern hemisphere)", 6, 8),
    33: ("1st quarter of {}", 1, 3),
    34: ("2nd quarter of {}", 4, 6),
    35: ("3rd quarter of {}", 7, 9),
    36: ("4th quarter of {}", 10, 12),
    37: ("1st third of {}", 1, 4),
    38: ("2nd third of {}", 5, 8),
    39: ("3rd third of {}", 9, 12),
    40: ("1st half of {}", 1, 6),
    41: ("2nd half of {}", 7, 12),
}
#: Seasons that run from one year into the next: EDTF does not say which months.
_YEAR_END_SEASONS = {
    24: "winter",
    28: "winter in the northern hemisphere",
    30: "summer in the southern hemisphere",
}
_UNSPECIFIED_MONTHS = {"XX": (1, 12), "0X": (1, 9), "1X": (10, 12)}
_UNSPECIFIED_DAYS = {"XX": (1, 31), "0X": (1, 9), "1X": (10, 19), "2X": (20, 29), "3X": (30, 39)}


class _Part(NamedTuple):
    """One date read: its bounds in its own calendar and its words."""

    lower: Day
    upper: Day
    words: str
    single_day: bool  # one day, with or without a time of day
    plain: Literal["day", "year", ""]  # a bare day or year (no qualifier, X or time)
    timed: bool


class _Reading(NamedTuple):
    lower: Day | None
    upper: Day | None
    words: str


def _invalid(text: str, expected: str = "") -> ValueError:
    return ValueError(f"date {text!r} is not a valid EDTF date; expected {expected}{_EXAMPLES}")


def _not_real(text: str) -> ValueError:
    return ValueError(
        f"date {text!r} is not a real day; expected a day that exists in the calendar"
    )


def _before_ce(text: str) -> ValueError:
    return ValueError(
        f"date {text!r} has a year before 1 CE, which casework does not support; "
        "expected a year from 0001 to 9999"
    )


def _unsupported(text: str) -> ValueError:
    """Why ``text``, which the grammar does not read, is refused: the EDTF form it
    is, when it is one casework does not support, else not EDTF at all."""
    if text[:1] in ("[", "{"):
        form, expected = (
            "is a set of dates (EDTF level 2)",
            "one date or an interval, e.g. 1667/1672",
        )
    elif re.match(r"Y-?[0-9]", text) or "/Y" in text:
        form, expected = "is a long year (EDTF 'Y' form)", "a year from 0001 to 9999"
    elif re.search(r"[0-9X]S[0-9]", text):
        form, expected = "gives significant digits (EDTF level 2)", "unspecified digits, e.g. 19XX"
    elif "^" in text:
        form, expected = "qualifies a season (EDTF level 2)", "a season alone, e.g. 1921-21"
    elif re.search(r"(?:^|/)-[0-9X]", text):
        return _before_ce(text)
    elif re.search(r"[~?%](?!/|\Z)", text):
        form = "qualifies part of the date (EDTF level 2)"
        expected = "one qualifier at the end, e.g. 1921-12-20? or 1917-07~"
    else:
        return _invalid(text)
    return ValueError(f"date {text!r} {form}, which casework does not support; expected {expected}")


def _month_days(year: int, month: int, calendar: str) -> int:
    """Days in a month of the calendar it is written in (Feb 1900 O.S. has 29)."""
    if calendar == "julian":
        from convertdate import julian  # imported when an Old Style date needs it

        return int(julian.month_length(year, month))
    return _calendar.monthrange(year, month)[1]


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


def _qualified(words: str, q: str | None) -> str:
    """'~' approximate: c. 1917; '?' uncertain: 1917?; '%' both: c. 1917?."""
    if q in ("~", "%"):
        words = "c. " + words
    if q in ("?", "%"):
        words += "?"
    return words


def _season(text: str, year: str, number: int, q: str | None, calendar: str) -> _Part:
    if "X" in year or number > 41:
        raise _invalid(text)
    if q:
        raise ValueError(
            f"date {text!r} qualifies a season, which casework does not support; "
            "expected a season alone, e.g. 1921-21"
        )
    if number in _YEAR_END_SEASONS:
        raise ValueError(
            f"date {text!r} is {_YEAR_END_SEASONS[number]}, which runs from one year into "
            "the next; expected an interval of months, e.g. 1921-12/1922-02"
        )
    y = int(year)
    if y < 1:
        raise _before_ce(text)
    words, first, last = _SEASONS[number]
    upper = (y, last, _month_days(y, last, calendar))
    return _Part((y, first, 1), upper, words.format(y), False, "", False)


def _part(part: str, text: str, calendar: str) -> _Part:
    """One date of ``text`` (the whole date, for messages), in ``calendar``."""
    m = _PART.fullmatch(part)
    if m is None:
        raise _unsupported(text)
    year, month, day, q = m["y"], m["m"], m["d"], m["q"]
    if month is not None and "X" not in month and int(month) > 20:
        if day is not None:
            raise _invalid(text)
        return _season(text, year, int(month), q, calendar)
    digits = year + (month or "") + (day or "")
    x = digits.find("X")  # unspecified digits: only at the end, after the year's first
    if x == 0:
        raise ValueError(
            f"date {text!r} gives no digit of the year; expected at least its first, e.g. 19XX"
        )
    if x > 0 and digits[x:].strip("X"):
        raise ValueError(
            f"date {text!r} has unspecified digits (X) before given ones, which casework "
            "does not support; expected X only at the end, e.g. 192X or 1921-12-XX"
        )
    if x > 0 and q:  # EDTF qualifies only whole unspecified units: 192X~, 1921-XX?, 1921-12-XX%
        whole_units = (
            (x < 4 and month is None) or (x == 4 and month == "XX") or (x == 6 and day == "XX")
        )
        if not whole_units:
            raise _invalid(text)
    y_lo, y_hi = int(year.replace("X", "0")), int(year.replace("X", "9"))
    if y_lo < 1:
        raise _before_ce(text)
    if month is None:
        m_lo, m_hi = 1, 12
    elif month in _UNSPECIFIED_MONTHS:
        m_lo, m_hi = _UNSPECIFIED_MONTHS[month]
    elif "X" not in month and 1 <= int(month) <= 12:
        m_lo = m_hi = int(month)
    else:
        raise _invalid(text)
    last = _month_days(y_hi, m_hi, calendar)
    if day is None:
        d_lo, d_hi = 1, last
    elif day in _UNSPECIFIED_DAYS:
        d_lo, d_hi = _UNSPECIFIED_DAYS[day]
        d_hi = min(d_hi, last)
    elif "X" in day:
        raise _invalid(text)
    else:
        d_lo = d_hi = int(day)
    if not 1 <= d_lo <= d_hi <= last:
        raise _not_real(text)
    lower, upper = (y_lo, m_lo, d_lo), (y_hi, m_hi, d_hi)

    if x > 0:  # a span: of years, months or days, by where the X begins
        if x < 4:
            words = f"{y_lo}–{y_hi}"
        elif x < 6:
            words = year if (m_lo, m_hi) == (1, 12) else f"{_MONTHS[m_lo - 1]}–{_fmt_day(upper, 2)}"
        else:
            words = _fmt_day(upper, 2) if (d_lo, d_hi) == (1, last) else _fmt_span(lower, upper)
    else:
        words = _fmt_day(lower, 1 + (month is not None) + (day is not None))
    timed = m["hh"] is not None
    if timed:
        if x > 0 or q:
            raise _invalid(text)
        if int(m["hh"]) > 23 or int(m["mi"]) > 59 or int(m["ss"]) > 59:
            raise ValueError(
                f"date {text!r} has no such time of day; expected hours 00–23, minutes and "
                "seconds 00–59, e.g. 1921-12-20T20:00:00"
            )
        zone = m["tz"]
        if zone is not None and not _ZONE.fullmatch(zone):
            raise ValueError(
                f"date {text!r} has no such time zone; expected Z or an offset from -14:00 "
                "to +14:00, e.g. 1921-12-20T20:00:00+03:00"
            )
        words += f", {m['hh']}.{m['mi']}"
        if zone is not None:
            words += " UTC" if zone == "Z" else f" UTC{zone}"
    plain: Literal["day", "year", ""] = ""
    if x < 0 and not q and not timed and month is None:
        plain = "year"
    elif x < 0 and not q and not timed and day is not None:
        plain = "day"
    single_day = day is not None and x < 0
    return _Part(lower, upper, _qualified(words, q), single_day, plain, timed)


def _check_characters(text: str) -> None:
    """ASCII only, and nothing around the date."""
    if not text.isascii():
        if any(c.isdigit() for c in text if not c.isascii()):
            raise _invalid(text, "ASCII digits, ")
        raise _invalid(text, "ASCII characters, ")
    if text.strip() != text:
        raise _invalid(text, "no space or line break around the date, ")


@functools.lru_cache(maxsize=4096)
def _read(text: str, calendar: str) -> _Reading:
    """Bounds (in the date's own calendar; None for an open or unknown end) and words.

    Raises ValueError saying what is wrong. Cached: an archive repeats its dates.
    """
    _check_characters(text)
    ends = text.split("/")
    if len(ends) == 1:
        if text == "..":
            return _Reading(None, None, "date unknown")
        p = _part(text, text, calendar)
        return _Reading(p.lower, p.upper, p.words)
    if len(ends) > 2:
        raise _unsupported(text)
    # An unknown end ("") is bounded like an open one (".."): the sources give no bound.
    start, end = (None if e in ("", "..") else _part(e, text, calendar) for e in ends)
    if (start and start.timed) or (end and end.timed):
        raise ValueError(
            f"date {text!r} gives a time of day in an interval; expected dates only, "
            "e.g. 1921-08-15/1921-12-20"
        )
    # EDTF bounds are inclusive: "../1921-12-20" allows 20 Dec itself, and "../1917"
    # all of 1917, so the words say so.
    if end is None:
        if start is None:
            return _Reading(None, None, "date unknown")
        word = "on or after" if start.single_day else "from the start of"
        return _Reading(start.lower, None, f"{word} {start.words}")
    if start is None:
        word = "on or before" if end.single_day else "by the end of"
        return _Reading(None, end.upper, f"{word} {end.words}")
    if start.plain == end.plain == "day":
        words = _fmt_span(start.lower, end.lower)
    elif start.plain == end.plain == "year":
        words = f"{start.lower[0]}–{end.lower[0]}"  # 1905–1917
    else:
        words = f"{start.words} – {end.words}"
    return _Reading(start.lower, end.upper, words)


def _julian_to_gregorian(day: Day, text: str) -> Day:
    from convertdate import julian  # imported when an Old Style date needs it

    y, m, d = julian.to_gregorian(*day)
    if y < 1:
        raise ValueError(
            f"date {text!r} falls before 1 CE in the New Style, which casework does not "
            "support; expected a year from 0001 to 9999 in the New Style"
        )
    return (y, m, d)


def _words(text: str, calendar: str) -> str:
    """The historian's words for a date as written; the text itself if it does not
    parse (a HistDate built directly rather than by :meth:`HistDate.parse`)."""
    try:
        return _read(text, calendar).words
    except ValueError:
        return text


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
        lower, upper, _ = _read(text, calendar)
        if lower is None and upper is None:
            return cls("../..", calendar)  # type: ignore[arg-type]
        if calendar == "julian":
            for bound in (lower, upper):
                if bound is not None and bound > LAST_OLD_STYLE_DAY:
                    raise ValueError(
                        f"date {text!r} is marked Old Style (julian), but Russia used "
                        "the Old Style only until 31 Jan 1918; expected calendar = "
                        "'gregorian' for later dates"
                    )
            lower = _julian_to_gregorian(lower, text) if lower else None
            upper = _julian_to_gregorian(upper, text) if upper else None
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
            return _words(self.edtf, self.calendar)
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
        written = _words(self.edtf, self.calendar)
        if self.calendar == "julian" and self.is_known:
            ns = self.new_style().removeprefix("on or before ").removeprefix("on or after ")
            return f"{written} O.S. ({ns} N.S.)"
        return written

    def known_by(self, day: Day) -> bool:
        """True when the event certainly happened on or before ``day`` (New Style)."""
        return self.upper is not None and self.upper <= day

    def __str__(self) -> str:
        return self.display()
