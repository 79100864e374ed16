"""Historical dates: EDTF parsing, Old Style conversion, historian's display."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework import HistDate
from casework.model.dates import Day, _read

MALFORMED = Path(__file__).parent / "malformed"


class TestDisplay:
    @pytest.mark.parametrize(
        ("edtf", "calendar", "shown"),
        [
            ("1921-12-20", "gregorian", "20 Dec 1921"),
            ("1921-12-20T20:00:00", "gregorian", "20 Dec 1921, 20.00"),
            ("1921-12", "gregorian", "Dec 1921"),
            ("../1921-12-20", "gregorian", "on or before 20 Dec 1921"),
            ("1921-12-20/..", "gregorian", "on or after 20 Dec 1921"),
            ("1921-08-15/1921-12-20", "gregorian", "15 Aug – 20 Dec 1921"),
            ("1917-07~", "gregorian", "c. Jul 1917"),
            ("1921-12-20?", "gregorian", "20 Dec 1921?"),
            ("../..", "gregorian", "date unknown"),
            ("../1917", "gregorian", "by the end of 1917"),
            ("1905/1917", "gregorian", "1905–1917"),
            ("1917-02/1917-10", "gregorian", "Feb 1917 – Oct 1917"),
            ("1921-12/..", "gregorian", "from the start of Dec 1921"),
            ("../1917-02", "julian", "by the end of Feb 1917 O.S. (13 Mar 1917 N.S.)"),
            ("1917-07-03/1917-07-05", "julian", "3–5 Jul 1917 O.S. (16–18 Jul 1917 N.S.)"),
            ("1917-10-25", "julian", "25 Oct 1917 O.S. (7 Nov 1917 N.S.)"),
            ("1917-07", "julian", "Jul 1917 O.S. (14 Jul – 13 Aug 1917 N.S.)"),
            ("../1917-10-25", "julian", "on or before 25 Oct 1917 O.S. (7 Nov 1917 N.S.)"),
            # Pinned: an Old Style date open at its end, and a qualified year.
            ("1917-07-03/..", "julian", "on or after 3 Jul 1917 O.S. (16 Jul 1917 N.S.)"),
            ("1917~", "gregorian", "c. 1917"),
            ("1917~", "julian", "c. 1917 O.S. (14 Jan 1917 – 13 Jan 1918 N.S.)"),
            ("1917?", "gregorian", "1917?"),
            ("1917%", "gregorian", "c. 1917?"),
            # Seasons and other divisions of a year.
            ("1921-21", "gregorian", "spring 1921"),
            ("1921-23/1922-22", "gregorian", "autumn 1921 – summer 1922"),
            ("../1921-22", "gregorian", "by the end of summer 1921"),
            ("1917-21", "julian", "spring 1917 O.S. (14 Mar – 13 Jun 1917 N.S.)"),
            ("1921-33", "gregorian", "1st quarter of 1921"),
            ("1921-39", "gregorian", "3rd third of 1921"),
            ("1921-40", "gregorian", "1st half of 1921"),
            # Unspecified digits at the end: the span they leave open.
            ("1921-1X", "gregorian", "Oct–Dec 1921"),
            ("1921-0X", "gregorian", "Jan–Sep 1921"),
            ("1921-12-3X", "gregorian", "30–31 Dec 1921"),
            ("1921-12-XX", "gregorian", "Dec 1921"),
            ("192X", "gregorian", "1920–1929"),
            ("192X~", "gregorian", "c. 1920–1929"),
            ("1917-1X", "julian", "Oct–Dec 1917 O.S. (14 Oct 1917 – 13 Jan 1918 N.S.)"),
            # Times with a zone; Old Style leap days.
            ("1921-12-20T20:00:00Z", "gregorian", "20 Dec 1921, 20.00 UTC"),
            ("1921-12-20T20:00:00+03:00", "gregorian", "20 Dec 1921, 20.00 UTC+03:00"),
            ("1900-02-29", "julian", "29 Feb 1900 O.S. (13 Mar 1900 N.S.)"),
        ],
    )
    def test_as_a_historian_writes_it(self, edtf: str, calendar: str, shown: str) -> None:
        """Each EDTF form is shown in words, both styles for Old Style dates."""
        assert HistDate.parse(edtf, calendar).display() == shown


class TestBounds:
    def test_old_style_is_converted_to_new_style(self) -> None:
        """The October Revolution, 25 Oct 1917 O.S., is 7 Nov 1917 N.S."""
        d = HistDate.parse("1917-10-25", "julian")
        assert (d.lower, d.upper) == ((1917, 11, 7), (1917, 11, 7))

    def test_open_start_has_no_lower_bound(self) -> None:
        """'before 20 Dec 1921' is bounded above only."""
        d = HistDate.parse("../1921-12-20")
        assert (d.lower, d.upper) == (None, (1921, 12, 20))

    def test_an_unknown_end_is_unbounded(self) -> None:
        """'/1921' (start unknown) bounds nothing before 1921, as '../1921' does."""
        assert (HistDate.parse("/1921").lower, HistDate.parse("1921/").upper) == (None, None)

    def test_known_by(self) -> None:
        """An event is known by a day only when its latest possible day is not after it."""
        assert HistDate.parse("../1921-12-20").known_by((1921, 12, 20))
        assert not HistDate.parse("1921-12-20/..").known_by((1921, 12, 31))

    @pytest.mark.parametrize(
        ("year", "new_style"), [(1700, (1700, 3, 11)), (1800, (1800, 3, 12)), (1900, (1900, 3, 13))]
    )
    def test_old_style_leap_days_exist(self, year: int, new_style: tuple[int, int, int]) -> None:
        """29 Feb 1700, 1800 and 1900 are days of the Julian calendar (not the Gregorian)."""
        d = HistDate.parse(f"{year}-02-29", "julian")
        assert (d.lower, d.upper) == (new_style, new_style)
        with pytest.raises(ValueError, match="is not a real day"):
            HistDate.parse(f"{year}-02-29")

    def test_an_old_style_february_ends_on_its_29th(self) -> None:
        """Feb 1900 O.S. runs to 29 Feb O.S. = 13 Mar N.S.; Feb 1900 N.S. has 28 days."""
        assert HistDate.parse("1900-02", "julian").upper == (1900, 3, 13)
        assert HistDate.parse("1900-02-XX", "julian").upper == (1900, 3, 13)
        assert HistDate.parse("1900-02").upper == (1900, 2, 28)

    def test_seasons(self) -> None:
        """Spring is March to May; the third third of a year is September to December."""
        assert (HistDate.parse("1921-21").lower, HistDate.parse("1921-21").upper) == (
            (1921, 3, 1),
            (1921, 5, 31),
        )
        assert (HistDate.parse("1921-39").lower, HistDate.parse("1921-39").upper) == (
            (1921, 9, 1),
            (1921, 12, 31),
        )

    def test_unspecified_digits(self) -> None:
        """1921-1X is October to December; 1921-02-2X is 20 to 28 Feb."""
        d = HistDate.parse("1921-1X")
        assert (d.lower, d.upper) == ((1921, 10, 1), (1921, 12, 31))
        d = HistDate.parse("1921-02-2X")
        assert (d.lower, d.upper) == ((1921, 2, 20), (1921, 2, 28))


def _msg(edtf: str, rest: str) -> str:
    return f"date {edtf!r} {rest}"


EXAMPLES_EG = "e.g. 1921-12-20, 1921-12, 1917-07~, 1921-08-15/1921-12-20, ../1921-12-20"
INVALID = "is not a valid EDTF date; expected " + EXAMPLES_EG
NOT_REAL = "is not a real day; expected a day that exists in the calendar"


class TestErrors:
    @pytest.mark.parametrize(
        ("edtf", "calendar", "message"),
        [
            ("1921-02-30", "gregorian", _msg("1921-02-30", NOT_REAL)),
            ("1921-02-29", "julian", _msg("1921-02-29", NOT_REAL)),
            ("1900-02-29", "gregorian", _msg("1900-02-29", NOT_REAL)),
            ("1921-02-3X", "gregorian", _msg("1921-02-3X", NOT_REAL)),
            ("20 Dec 1921", "gregorian", _msg("20 Dec 1921", INVALID)),
            ("1921-13", "gregorian", _msg("1921-13", INVALID)),
            ("1921-2X", "gregorian", _msg("1921-2X", INVALID)),
            (
                "1921-12-20",
                "julian",
                "date '1921-12-20' is marked Old Style (julian), but Russia used the Old Style "
                "only until 31 Jan 1918; expected calendar = 'gregorian' for later dates",
            ),
            (
                "1921-12-20/1921-12-01",
                "gregorian",
                "date '1921-12-20/1921-12-01' ends before it starts",
            ),
            ("1921", "mayan", "calendar 'mayan' is not known; expected one of: gregorian, julian"),
            # Not quite EDTF: other digits, whitespace around, impossible times.
            (
                "١٩٢١",
                "gregorian",
                _msg("١٩٢١", "is not a valid EDTF date; expected ASCII digits, " + EXAMPLES_EG),
            ),
            (
                "１９２１-12-20",
                "gregorian",
                _msg(
                    "１９２１-12-20",
                    "is not a valid EDTF date; expected ASCII digits, " + EXAMPLES_EG,
                ),
            ),
            (
                "1921–12",
                "gregorian",
                _msg(
                    "1921–12", "is not a valid EDTF date; expected ASCII characters, " + EXAMPLES_EG
                ),
            ),
            (
                "1921-12-20\n",
                "gregorian",
                _msg(
                    "1921-12-20\n",
                    "is not a valid EDTF date; expected no space or line break around the date, "
                    + EXAMPLES_EG,
                ),
            ),
            (
                "1921-12-20T20:00:99",
                "gregorian",
                _msg(
                    "1921-12-20T20:00:99",
                    "has no such time of day; expected hours 00–23, minutes and seconds 00–59, "
                    "e.g. 1921-12-20T20:00:00",
                ),
            ),
            (
                "1921-12-20T24:00:00",
                "gregorian",
                _msg(
                    "1921-12-20T24:00:00",
                    "has no such time of day; expected hours 00–23, minutes and seconds 00–59, "
                    "e.g. 1921-12-20T20:00:00",
                ),
            ),
            (
                "1921-12-20T20:00:00+15:00",
                "gregorian",
                _msg(
                    "1921-12-20T20:00:00+15:00",
                    "has no such time zone; expected Z or an offset from -14:00 to +14:00, "
                    "e.g. 1921-12-20T20:00:00+03:00",
                ),
            ),
            (
                "1921-08-15/1921-12-20T20:00:00",
                "gregorian",
                _msg(
                    "1921-08-15/1921-12-20T20:00:00",
                    "gives a time of day in an interval; expected dates only, "
                    "e.g. 1921-08-15/1921-12-20",
                ),
            ),
            # EDTF forms casework refuses.
            (
                "1921-24",
                "gregorian",
                _msg(
                    "1921-24",
                    "is winter, which runs from one year into the next; expected an interval "
                    "of months, e.g. 1921-12/1922-02",
                ),
            ),
            (
                "1921-21~",
                "gregorian",
                _msg(
                    "1921-21~",
                    "qualifies a season, which casework does not support; expected a season "
                    "alone, e.g. 1921-21",
                ),
            ),
            (
                "0001-01-01",
                "julian",
                _msg(
                    "0001-01-01",
                    "falls before 1 CE in the New Style, which casework does not support; "
                    "expected a year from 0001 to 9999 in the New Style",
                ),
            ),
        ],
    )
    def test_bad_dates_say_what_is_wrong(self, edtf: str, calendar: str, message: str) -> None:
        """Impossible, malformed or unsupported dates raise ValueError naming the date."""
        with pytest.raises(ValueError) as err:
            HistDate.parse(edtf, calendar)
        assert str(err.value) == message


class Refused(str):
    """The rest of the message (after "date '...' ") with which parse refuses a form."""


BEFORE_CE = Refused(
    "has a year before 1 CE, which casework does not support; expected a year from 0001 to 9999"
)
LONG_YEAR = Refused(
    "is a long year (EDTF 'Y' form), which casework does not support; "
    "expected a year from 0001 to 9999"
)
PART_QUALIFIED = Refused(
    "qualifies part of the date (EDTF level 2), which casework does not support; "
    "expected one qualifier at the end, e.g. 1921-12-20? or 1917-07~"
)
X_BEFORE = Refused(
    "has unspecified digits (X) before given ones, which casework does not support; "
    "expected X only at the end, e.g. 192X or 1921-12-XX"
)
A_SET = Refused(
    "is a set of dates (EDTF level 2), which casework does not support; "
    "expected one date or an interval, e.g. 1667/1672"
)
SIGNIFICANT = Refused(
    "gives significant digits (EDTF level 2), which casework does not support; "
    "expected unspecified digits, e.g. 19XX"
)

#: The valid examples of the ``edtf`` package's own tests (python-edtf 5.0,
#: edtf/parser/tests.py, EXAMPLES), each with what casework makes of it.
EDTF_EXAMPLES: list[tuple[str, str]] = [
    # Level 0
    ("2001-02-03", "3 Feb 2001"),
    ("2008-12", "Dec 2008"),
    ("2008", "2008"),
    ("-0999", BEFORE_CE),
    ("0000", BEFORE_CE),
    ("2001-02-03T09:30:01", "3 Feb 2001, 09.30"),
    ("2004-01-01T10:10:10Z", "1 Jan 2004, 10.10 UTC"),
    ("2004-01-01T10:10:10+05:00", "1 Jan 2004, 10.10 UTC+05:00"),
    ("1985-04-12T23:20:30", "12 Apr 1985, 23.20"),
    ("1964/2008", "1964–2008"),
    ("2004-06/2006-08", "Jun 2004 – Aug 2006"),
    ("2004-02-01/2005-02-08", "1 Feb 2004 – 8 Feb 2005"),
    ("2004-02-01/2005-02", "1 Feb 2004 – Feb 2005"),
    ("2004-02-01/2005", "1 Feb 2004 – 2005"),
    ("2005/2006-02", "2005 – Feb 2006"),
    ("-2005/-1999-02", BEFORE_CE),
    # Level 1
    ("1984?", "1984?"),
    ("2004-06-11?", "11 Jun 2004?"),
    ("2004-06?", "Jun 2004?"),
    ("1984~", "c. 1984"),
    ("1984%", "c. 1984?"),
    ("199X", "1990–1999"),
    ("19XX", "1900–1999"),
    ("1999-XX", "1999"),
    ("1999-01-XX", "Jan 1999"),
    ("1999-XX-XX", "1999"),
    ("-01XX", BEFORE_CE),
    ("-0275~", BEFORE_CE),
    ("-0001~", BEFORE_CE),
    ("0000~", BEFORE_CE),
    ("16XX~", "c. 1600–1699"),
    ("16XX%", "c. 1600–1699?"),
    ("1XXX", "1000–1999"),
    ("1XXX~", "c. 1000–1999"),
    ("156X~", "c. 1560–1569"),
    ("-01XX~", BEFORE_CE),
    ("/2006", "by the end of 2006"),
    ("2004-06-01/", "on or after 1 Jun 2004"),
    ("../2006", "by the end of 2006"),
    ("2004-01-01/..", "on or after 1 Jan 2004"),
    ("1984~/2004-06", "c. 1984 – Jun 2004"),
    ("1984/2004-06~", "1984 – c. Jun 2004"),
    ("1984?/2004%", "1984? – c. 2004?"),
    ("1984~/2004~", "c. 1984 – c. 2004"),
    ("1984-06?/2004-08?", "Jun 1984? – Aug 2004?"),
    ("1984-06-02?/2004-08-08~", "2 Jun 1984? – c. 8 Aug 2004"),
    ("1984-06-02?/", "on or after 2 Jun 1984?"),
    ("Y170000002", LONG_YEAR),
    ("Y-170000002", LONG_YEAR),
    ("2001-21", "spring 2001"),
    ("2003-22", "summer 2003"),
    ("2000-23", "autumn 2000"),
    (
        "2010-24",
        Refused(
            "is winter, which runs from one year into the next; expected an interval of "
            "months, e.g. 1921-12/1922-02"
        ),
    ),
    # Level 2
    ("2004-06-11%", "c. 11 Jun 2004?"),
    ("2004?-06-11", PART_QUALIFIED),
    ("2004-06~-11", PART_QUALIFIED),
    ("2004-06-~11", PART_QUALIFIED),
    ("2004-%06", PART_QUALIFIED),
    ("2004-?06-?11", PART_QUALIFIED),
    ("2004?-06-~11", PART_QUALIFIED),
    ("?2004-%06", PART_QUALIFIED),
    ("2004?-%06", PART_QUALIFIED),
    ("2004?-~06-~04", PART_QUALIFIED),
    ("2011-~06-~04", PART_QUALIFIED),
    ("156X-12-25", X_BEFORE),
    ("15XX-12-25", X_BEFORE),
    ("1560-XX-25", X_BEFORE),
    ("15XX-12-XX", X_BEFORE),
    ("XXXX-XX-23", Refused("gives no digit of the year; expected at least its first, e.g. 19XX")),
    ("[1667, 1668, 1670..1672]", A_SET),
    ("[..1760-12-03]", A_SET),
    ("[1760-12..]", A_SET),
    ("[1760-01, 1760-02, 1760-12..]", A_SET),
    ("[1667, 1760-12]", A_SET),
    ("{1667,1668, 1670..1672}", A_SET),
    ("{1960, 1961-12}", A_SET),
    ("196X", "1960–1969"),
    ("2004-06-~01/2004-06-~20", PART_QUALIFIED),
    ("2004-06-XX/2004-07-03", "Jun 2004 – 3 Jul 2004"),
    ("Y17E7", LONG_YEAR),
    ("Y-17E7", LONG_YEAR),
    ("1950S2", SIGNIFICANT),
    ("1953S2", SIGNIFICANT),
    ("1953S3", SIGNIFICANT),
    ("Y17101E4S3", LONG_YEAR),
    ("Y3388E2S3", LONG_YEAR),
    ("Y171010000S3", LONG_YEAR),
    ("2001-29", "spring 2001 (southern hemisphere)"),
    ("2001-34", "2nd quarter of 2001"),
]


def edtf_reference(text: str) -> tuple[Day | None, Day | None]:
    """The ``edtf`` package's strict bounds (None for ±infinity); its stray prints
    are swallowed. Raises what edtf raises."""
    from edtf import parse_edtf

    with contextlib.redirect_stdout(io.StringIO()):
        parsed = parse_edtf(text)
    lower, upper = parsed.lower_strict(), parsed.upper_strict()

    def day(value: object) -> Day | None:
        if isinstance(value, float):
            return None
        return (value.tm_year, value.tm_mon, value.tm_mday)  # type: ignore[attr-defined]

    return day(lower), day(upper)


def _same_as_edtf(text: str, d: HistDate) -> None:
    """casework's bounds are edtf's, except that an unknown end ('/2006', '2004/')
    bounds nothing (edtf invents ten years)."""
    lower, upper = edtf_reference(text)
    if text.startswith("/"):
        lower = None
    if text.endswith("/"):
        upper = None
    assert (d.lower, d.upper) == (lower, upper)


class TestEdtfExamples:
    @pytest.mark.parametrize(("text", "outcome"), EDTF_EXAMPLES)
    def test_refused_at_parse_or_shown_with_edtf_bounds(
        self, text: str, outcome: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Each example is refused by parse with a message naming its form, or parses,
        displays in words and has edtf's bounds; nothing is printed either way."""
        _read.cache_clear()
        if isinstance(outcome, Refused):
            with pytest.raises(ValueError) as err:
                HistDate.parse(text)
            assert str(err.value) == f"date {text!r} {outcome}"
        else:
            d = HistDate.parse(text)
            assert d.display() == outcome
            assert capsys.readouterr().out == ""
            _same_as_edtf(text, d)
        assert capsys.readouterr().out == ""


# Pieces of EDTF, valid and not, for the property below.
_YEARS = st.builds(
    lambda y, x: f"{y:04d}"[: 4 - x] + "X" * x, st.integers(0, 9999), st.sampled_from([0, 0, 1, 2])
)
_MONTHS = st.sampled_from(
    [f"{m:02d}" for m in range(14)] + ["21", "24", "28", "30", "33", "41", "42", "XX", "0X", "1X"]
)
_DAYS = st.sampled_from(
    [f"{d:02d}" for d in (0, 1, 9, 15, 28, 29, 30, 31, 32)] + ["XX", "2X", "3X"]
)
_TIMES = st.sampled_from(["", "", "T20:00:00", "T23:59:59", "T24:00:00", "T12:60:00", "T00:00:60"])
_ZONES = st.sampled_from(["", "", "Z", "+03:00", "-14:00", "+14:30", "+00:00", "+05"])
_QUALIFIERS = st.sampled_from(["", "", "~", "?", "%"])


@st.composite
def _dates(draw: st.DrawFn) -> str:
    def single() -> str:
        text: str = draw(_YEARS)
        if draw(st.booleans()):
            text += "-" + draw(_MONTHS)
            if draw(st.booleans()):
                text += "-" + draw(_DAYS)
                if draw(st.booleans()):
                    text += draw(_TIMES) + draw(_ZONES)
        return text + draw(_QUALIFIERS)

    shape = draw(st.sampled_from(["one", "one", "interval", "open start", "open end"]))
    if shape == "one":
        return single()
    start = "" if shape == "open start" else single()
    end = "" if shape == "open end" else single()
    if shape != "interval":
        start, end = (
            (start or draw(st.sampled_from(["", ".."]))),
            (end or draw(st.sampled_from(["", ".."]))),
        )
    return f"{start}/{end}"


class TestAnyDate:
    @settings(max_examples=400, deadline=None)
    @given(text=_dates(), calendar=st.sampled_from(["gregorian", "julian"]))
    def test_refused_or_shown_in_words_with_sane_bounds(self, text: str, calendar: str) -> None:
        """Any date is refused by parse, or displays in words (no EDTF syntax left) with
        real, ordered New Style bounds; a Gregorian one has edtf's bounds, and whatever
        edtf finds malformed is refused. Parsing prints nothing."""
        from edtf.parser.edtf_exceptions import EDTFParseException

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                d = HistDate.parse(text, calendar)
            except ValueError:
                d = None
            shown = d.display() if d else ""
        assert out.getvalue() == ""

        def edtf(text: str) -> tuple[Day | None, Day | None] | Literal["refused", "crashed"]:
            try:
                return edtf_reference(text)
            except EDTFParseException:
                return "refused"
            except Exception:  # edtf crashes on some valid forms (1921-1X)
                return "crashed"

        if d is None:
            return
        # Each end of an interval is a date edtf reads alone (edtf's grammar allows
        # fewer forms in intervals than alone: no level 2 seasons, X only in one).
        assert all(edtf(end) != "refused" for end in text.split("/") if end not in ("", ".."))
        assert re.search(r"[X/~%\[\]{}^]|\.\.|[0-9]T[0-9]", shown) is None
        for bound in (d.lower, d.upper):
            if bound is not None:
                dt.date(*bound)
        if d.lower and d.upper:
            assert d.lower <= d.upper
        if calendar == "gregorian" and edtf(text) not in ("refused", "crashed"):
            _same_as_edtf(text, d)


class TestNotQuiteEdtf:
    @pytest.mark.parametrize(
        "text",
        ["１９２１", "١٩٢١-12-20", "1921-１2", "1921-12-20\n", " 1921", "1921-12-20T20:00:99"],
    )
    def test_refused(self, text: str) -> None:
        """Other digits, whitespace around a date and impossible seconds are not dates."""
        with pytest.raises(ValueError, match=r"^date '"):
            HistDate.parse(text)


class TestCommands:
    @pytest.fixture(name="season")
    def fixture_season(self, scenarios: Path) -> Path:
        """The scratch scenarios with a case file whose only event is dated spring 1921."""
        probe = (MALFORMED / "case-impossible-date.toml").read_text(encoding="utf-8")
        assert probe.count('date = "1921-02-30"') == 1
        (scenarios / "cases" / "probe.toml").write_text(
            probe.replace('date = "1921-02-30"', 'date = "1921-21"'), encoding="utf-8"
        )
        return scenarios

    def test_a_season_date_passes_check_and_replays(
        self, season: Path, tmp_path: Path, cli: Callable[..., object]
    ) -> None:
        """check, replay, --json, --export and list all work with a season (they exited
        70 when the season could not be displayed)."""
        root = str(season)
        checked = cli("check", root)
        assert (checked.code, checked.err) == (0, "")  # type: ignore[attr-defined]
        replayed = cli("replay", "probe", "--scenarios", root)
        assert replayed.code == 0  # type: ignore[attr-defined]
        assert "spring 1921" in replayed.out  # type: ignore[attr-defined]
        data = json.loads(cli("replay", "probe", "--json", "--scenarios", root).out)  # type: ignore[attr-defined]
        assert [(e["date"], e["date_display"]) for e in data["events"]] == [
            ("1921-21", "spring 1921")
        ]
        svg = tmp_path / "probe.svg"
        exported = cli("replay", "probe", "--export", str(svg), "--scenarios", root)
        assert exported.code == 0  # type: ignore[attr-defined]
        assert "spring 1921" in svg.read_text(encoding="utf-8").replace("&#160;", " ")
        listed = cli("list", "--scenarios", root)
        assert (listed.code, listed.err) == (0, "")  # type: ignore[attr-defined]


def test_parsing_imports_neither_date_library_for_gregorian_dates() -> None:
    """Gregorian dates of every supported form are read without importing edtf or
    convertdate (the edtf grammar alone costs ~90 ms to build)."""
    script = (
        "import sys, casework\n"
        "from casework import HistDate\n"
        "for t in ('1921-12-20', '1921-21', '1921-1X', '../1921~', '1921-12-20T20:00:00Z'):\n"
        "    HistDate.parse(t).display()\n"
        "print(sorted(m for m in ('edtf', 'convertdate') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, text=True
    )
    assert done.stdout == "[]\n"


class TestEachFormItsBounds:
    """Every season and every unspecified month or day, one by one: its words and bounds."""

    @pytest.mark.parametrize(
        ("number", "words", "months"),
        [
            (21, "spring 1921", (3, 5)),
            (22, "summer 1921", (6, 8)),
            (23, "autumn 1921", (9, 11)),
            (25, "spring 1921 (northern hemisphere)", (3, 5)),
            (26, "summer 1921 (northern hemisphere)", (6, 8)),
            (27, "autumn 1921 (northern hemisphere)", (9, 11)),
            (29, "spring 1921 (southern hemisphere)", (9, 11)),
            (31, "autumn 1921 (southern hemisphere)", (3, 5)),
            (32, "winter 1921 (southern hemisphere)", (6, 8)),
            (33, "1st quarter of 1921", (1, 3)),
            (34, "2nd quarter of 1921", (4, 6)),
            (35, "3rd quarter of 1921", (7, 9)),
            (36, "4th quarter of 1921", (10, 12)),
            (37, "1st third of 1921", (1, 4)),
            (38, "2nd third of 1921", (5, 8)),
            (39, "3rd third of 1921", (9, 12)),
            (40, "1st half of 1921", (1, 6)),
            (41, "2nd half of 1921", (7, 12)),
        ],
    )
    def test_each_season(self, number: int, words: str, months: tuple[int, int]) -> None:
        """A season within a year runs from the 1st of its first month to the end of its last."""
        d = HistDate.parse(f"1921-{number}")
        last = (dt.date(1921 + months[1] // 12, months[1] % 12 + 1, 1) - dt.timedelta(days=1)).day
        assert (d.display(), d.lower, d.upper) == (
            words,
            (1921, months[0], 1),
            (1921, months[1], last),
        )

    @pytest.mark.parametrize(
        ("number", "season"),
        [
            (24, "winter"),
            (28, "winter in the northern hemisphere"),
            (30, "summer in the southern hemisphere"),
        ],
    )
    def test_seasons_across_a_new_year(self, number: int, season: str) -> None:
        """Winter (and the southern summer) run into the next year: refused, saying so."""
        with pytest.raises(ValueError) as err:
            HistDate.parse(f"1921-{number}")
        assert str(err.value) == (
            f"date '1921-{number}' is {season}, which runs from one year into the next; "
            "expected an interval of months, e.g. 1921-12/1922-02"
        )

    @pytest.mark.parametrize("text", ["1921-20", "1921-42", "192X-21", "1921-21-01"])
    def test_no_season(self, text: str) -> None:
        """Month numbers beyond the seasons, a season of an unspecified year, or with a day."""
        with pytest.raises(ValueError) as err:
            HistDate.parse(text)
        assert str(err.value) == _msg(text, INVALID)

    def test_a_season_before_1_ce(self) -> None:
        """A season of the year 0 is refused like any date before 1 CE."""
        with pytest.raises(ValueError) as err:
            HistDate.parse("0000-21")
        assert str(err.value) == _msg(
            "0000-21",
            "has a year before 1 CE, which casework does not support; "
            "expected a year from 0001 to 9999",
        )

    @pytest.mark.parametrize(
        ("text", "words", "lower", "upper"),
        [
            ("1921-XX", "1921", (1921, 1, 1), (1921, 12, 31)),
            ("1921-0X", "Jan–Sep 1921", (1921, 1, 1), (1921, 9, 30)),
            ("1921-1X", "Oct–Dec 1921", (1921, 10, 1), (1921, 12, 31)),
            ("1921-03-XX", "Mar 1921", (1921, 3, 1), (1921, 3, 31)),
            ("1921-03-0X", "1–9 Mar 1921", (1921, 3, 1), (1921, 3, 9)),
            ("1921-03-1X", "10–19 Mar 1921", (1921, 3, 10), (1921, 3, 19)),
            ("1921-03-2X", "20–29 Mar 1921", (1921, 3, 20), (1921, 3, 29)),
            ("1921-03-3X", "30–31 Mar 1921", (1921, 3, 30), (1921, 3, 31)),
            ("1921-04-3X", "30 Apr 1921", (1921, 4, 30), (1921, 4, 30)),
        ],
    )
    def test_unspecified_months_and_days(
        self, text: str, words: str, lower: Day, upper: Day
    ) -> None:
        """X in a month or day spans what its given digit allows, within the month."""
        d = HistDate.parse(text)
        assert (d.display(), d.lower, d.upper) == (words, lower, upper)

    def test_no_thirtieth_of_february(self) -> None:
        """1921-02-3X would be the 30th or later: no such day."""
        with pytest.raises(ValueError) as err:
            HistDate.parse("1921-02-3X")
        assert str(err.value) == _msg("1921-02-3X", NOT_REAL)

    @pytest.mark.parametrize(
        ("text", "words"),
        [("192X~", "c. 1920–1929"), ("1921-XX?", "1921?"), ("1921-12-XX%", "c. Dec 1921?")],
    )
    def test_a_qualifier_on_whole_unspecified_units(self, text: str, words: str) -> None:
        """A qualifier may follow X digits that make a whole year, month or day."""
        assert HistDate.parse(text).display() == words

    @pytest.mark.parametrize("text", ["1XXX-XX~", "192X-XX~", "1921-1X~", "1921-12-1X?"])
    def test_a_qualifier_on_part_of_a_unit(self, text: str) -> None:
        """192X-XX~ (the month of an unspecified year) or 1921-1X~ is refused."""
        with pytest.raises(ValueError) as err:
            HistDate.parse(text)
        assert str(err.value) == _msg(text, INVALID)

    @pytest.mark.parametrize(
        ("text", "new_style"), [("0001-01-03", (1, 1, 1)), ("0001-06-01", (1, 5, 30))]
    )
    def test_the_first_new_style_days(self, text: str, new_style: Day) -> None:
        """3 Jan 1 O.S. is 1 Jan 1 N.S., the first day casework can place."""
        d = HistDate.parse(text, "julian")
        assert (d.lower, d.upper) == (new_style, new_style)

    def test_the_day_before(self) -> None:
        """2 Jan 1 O.S. falls in the year 0 N.S.: refused."""
        with pytest.raises(ValueError, match="falls before 1 CE in the New Style"):
            HistDate.parse("0001-01-02", "julian")

    def test_unknown(self) -> None:
        """A date the sources do not give: '../..', bounded nowhere, 'date unknown'."""
        d = HistDate.unknown()
        assert d == HistDate.parse("../..")
        assert (d.edtf, d.lower, d.upper, d.is_known) == ("../..", None, None, False)
        assert (d.display(), d.new_style(), str(d)) == ("date unknown",) * 3
        assert not d.known_by((9999, 12, 31))
