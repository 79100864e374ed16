"""Historical dates: EDTF parsing, Old Style conversion, historian's display."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework import HistDate
from casework.model.dates import _bounds


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

    def test_known_by(self) -> None:
        """An event is known by a day only when its latest possible day is not after it."""
        assert HistDate.parse("../1921-12-20").known_by((1921, 12, 20))
        assert not HistDate.parse("1921-12-20/..").known_by((1921, 12, 31))


class TestErrors:
    @pytest.mark.parametrize(
        ("edtf", "calendar", "message"),
        [
            ("1921-02-30", "gregorian", "date '1921-02-30' is not a real day"),
            ("20 Dec 1921", "gregorian", "date '20 Dec 1921' is not a valid EDTF date"),
            ("1921-13", "gregorian", "date '1921-13' is not a valid EDTF date"),
            (
                "1921-12-20",
                "julian",
                "marked Old Style (julian), but Russia used the Old Style only until 31 Jan 1918",
            ),
            ("1921-12-20/1921-12-01", "gregorian", "ends before it starts"),
            ("1921", "mayan", "calendar 'mayan' is not known; expected one of: gregorian, julian"),
        ],
    )
    def test_bad_dates_say_what_is_wrong(self, edtf: str, calendar: str, message: str) -> None:
        """Impossible or malformed dates raise ValueError naming the date."""
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            HistDate.parse(edtf, calendar)


class TestFastPath:
    """Plain dates are bounded without the EDTF grammar; the edtf package is the reference."""

    @staticmethod
    def plain_dates() -> st.SearchStrategy[str]:
        year = st.integers(1000, 2100).map(lambda y: f"{y:04d}")
        month = st.integers(0, 13).map(lambda m: f"-{m:02d}")
        day = st.integers(0, 32).map(lambda d: f"-{d:02d}")
        time = st.sampled_from(["", "T20:00:00", "T24:00:00", "T12:61:00"])
        qual = st.sampled_from(["", "~", "?", "%"])
        single = st.builds(
            lambda y, m, d, t, q: y + m + (d + t if m and d else "") + q,
            year,
            st.one_of(st.just(""), month),
            st.one_of(st.just(""), day),
            time,
            qual,
        )
        return st.one_of(
            single,
            st.builds(
                lambda a, b: f"{a}/{b}",
                st.one_of(single, st.just("..")),
                st.one_of(single, st.just("..")),
            ),
        )

    @settings(max_examples=300, deadline=None)
    @given(data=st.data())
    def test_fast_bounds_agree_with_the_edtf_package(self, data: st.DataObject) -> None:
        """Where the fast path accepts a date, edtf accepts it with the same bounds."""
        text = data.draw(self.plain_dates())
        from casework.model.dates import _edtf_bounds, _simple_bounds

        parts = text.split("/")
        if (
            not all(p == ".." or _simple_bounds(p) for p in parts)
            or parts == ["..", ".."]
            or (len(parts) == 2 and "T" in text)
        ):
            return
        fast = _bounds.__wrapped__(text)
        assert fast == _edtf_bounds(text)
