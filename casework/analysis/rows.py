"""The rows of an import file: CSV or JSON Lines read one event at a time, each
checked by the rules every event obeys (:mod:`casework.model.rules`) and turned
into the values an archive stores, or into a problem with its row number.

Both formats have the same caps, so that no file, however made, costs more than
a few MB to read or gets a message longer than a line: a row (a CSV record, a
JSON Lines line) of at most :data:`MAX_ROW` characters, never read further; a
field (a CSV field, a JSON string) of at most :data:`MAX_FIELD` characters; at
most :data:`MAX_COLUMNS` columns (keys). A message lists at most three unknown
names, each cut to 40 characters.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from casework.errors import CaseworkError, Problem
from casework.model.dates import HistDate
from casework.model.procedure import Procedure
from casework.model.rules import event_rules

__all__ = [
    "COLUMNS",
    "EVENT_COLUMNS",
    "MAX_COLUMNS",
    "MAX_FIELD",
    "MAX_ROW",
    "MAX_SEQ",
    "REQUIRED",
    "RowChecker",
    "csv_rows",
    "header_hint",
    "jsonl_rows",
    "ns_bounds",
    "open_import",
]

#: Columns of an import file, in the order a spreadsheet would have them.
COLUMNS: tuple[str, ...] = (
    "case_id",
    "seq",
    "event_id",
    "kind",
    "date",
    "calendar",
    "date_basis",
    "actors",
    "recipients",
    "summary",
    "source",
    "locator",
    "quote",
    "basis",
    "reasoning",
    "note",
    "account_of",
    "refers_to",
    "title",
    "procedure",
)
#: Columns every row must fill.
REQUIRED: tuple[str, ...] = ("case_id", "seq", "event_id", "kind")
#: Columns stored on the event (the rest describe the case).
EVENT_COLUMNS = (*COLUMNS[:16], "account_of", "refers_to")
_KNOWN = frozenset(COLUMNS)

#: The longest row, in characters: a CSV record (with any line breaks inside
#: quotes) or a JSON Lines line, its line end aside.
MAX_ROW = 1_048_576
#: The longest field, in characters (the csv module's own limit): a CSV field, a
#: JSON string (a JSON list of ids counts as the ids joined by ';').
MAX_FIELD = 131_072
#: The most columns a CSV header, or keys a JSON object, may have.
MAX_COLUMNS = 64
#: The largest seq: the largest integer SQLite stores.
MAX_SEQ = 2**63 - 1
#: How many unknown names a message lists before it counts the rest.
_LISTED = 3
_READABLE = "expected a readable .csv or .jsonl file"


def open_import(path: Path, where: str, *, newline: str | None) -> IO[str]:
    """The import file opened for reading (UTF-8, a byte-order mark dropped, bad
    bytes kept to be reported by row), or a CaseworkError naming ``where``.
    Anything but a regular file (a folder, a named pipe, a device) is refused
    before it is opened."""
    try:
        kind = os.stat(path).st_mode
        if not stat.S_ISREG(kind):
            raise CaseworkError(f"{where}: not a regular file; expected a .csv or .jsonl file")
        # O_NONBLOCK: should the path have become a pipe since stat, open returns at once.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except (FileNotFoundError, NotADirectoryError):
        raise CaseworkError(f"{where}: no such file; expected a .csv or .jsonl file") from None
    except OSError as err:
        raise CaseworkError(
            f"{where}: cannot read the file ({err.strerror}); {_READABLE}"
        ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise CaseworkError(f"{where}: not a regular file; expected a .csv or .jsonl file")
    return open(fd, encoding="utf-8-sig", errors="surrogateescape", newline=newline)


def _reader(f: IO[str], where: str) -> Callable[[int], str]:
    """``f.readline``, with a read error as a CaseworkError naming ``where``."""
    readline = f.readline

    def read(limit: int) -> str:
        try:
            return readline(limit)
        except OSError as err:
            raise CaseworkError(
                f"{where}: cannot read the file ({err.strerror}); {_READABLE}"
            ) from None

    return read


def _too_long(place: str, what: str) -> Problem:
    return Problem(
        place,
        0,
        f"longer than {MAX_ROW:,} characters",
        f"expected a {what} of at most {MAX_ROW:,} characters",
    )


def _field_too_long(place: str, name: str, limit: int = MAX_FIELD) -> Problem:
    return Problem(
        place,
        0,
        f"{name} is longer than {limit:,} characters",
        f"expected at most {limit:,} characters in a field",
    )


def _name(text: str) -> str:
    """A name from a file as a message shows it: quoted, cut to 40 characters."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _names(noun: str, names: list[str], one: str, many: str) -> list[str]:
    """'column 'x' is not known' for each of up to three names; for more, one
    entry: "columns 'a', 'b', 'c' and 5 more are not known"."""
    if len(names) <= _LISTED:
        return [f"{noun} {_name(n)} {one}" for n in names]
    shown = ", ".join(_name(n) for n in names[:_LISTED])
    return [f"{noun}s {shown} and {len(names) - _LISTED:,} more {many}"]


# -- CSV ----------------------------------------------------------------------


class _RowTooLong(Exception):
    """A CSV record ran past MAX_ROW characters."""


class _Lines:
    """The lines of a CSV file as csv.reader asks for them, a record at a time: a
    record longer than MAX_ROW (the line breaks inside it count) raises
    _RowTooLong before more of it is read. ``start()`` begins a record."""

    def __init__(self, f: IO[str], where: str) -> None:
        self.read = _reader(f, where)
        self.room = MAX_ROW

    def start(self) -> None:
        self.room = MAX_ROW

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.room < 0:  # the record goes on past the line end that filled it
            raise _RowTooLong
        line = self.read(self.room + 2)  # room, and a line end of up to two characters
        if not line:
            raise StopIteration
        if len(line) > self.room and len(line.rstrip("\r\n")) > self.room:
            raise _RowTooLong
        self.room -= len(line)
        return line


def csv_rows(f: IO[str], where: str) -> Iterator[tuple[str, Mapping[str, Any] | Problem]]:
    """(place, row) for each data row of an open CSV file (opened with newline='');
    a Problem instead of a bad row."""
    rows = _csv_records(f, where)
    header = next(rows, None)
    if isinstance(header, Problem):
        yield header.path, header
        return
    place = f"{where}:row 1"
    if header is None:
        yield place, Problem(place, 0, "the file is empty", header_hint())
        return
    header = [h.strip() for h in header]
    if len(header) > MAX_COLUMNS:
        what = f"{len(header):,} columns, more than {MAX_COLUMNS}"
        yield place, Problem(place, 0, what, header_hint())
        return
    unknown = [h for h in header if h not in _KNOWN]
    missing = [c for c in REQUIRED if c not in header]
    dupes = [h for h, n in Counter(header).items() if n > 1]
    bad = _names("column", unknown, "is not known", "are not known")
    bad += [f"column {c!r} is missing" for c in missing]
    bad += _names("column", dupes, "appears twice", "appear twice")
    if bad:
        yield place, Problem(place, 0, "; ".join(bad), header_hint())
        return
    width = len(header)
    for n, fields in enumerate(rows, start=2):
        place = f"{where}:row {n}"
        if isinstance(fields, Problem):
            yield place, fields
            return
        if not fields:
            continue  # a blank line
        if len(fields) != width:
            what = "more" if len(fields) > width else "fewer"
            yield (
                place,
                Problem(
                    place,
                    0,
                    f"{len(fields)} fields, {what} than the {width} columns of the header",
                    "expected one field per column (quote fields that hold commas)",
                ),
            )
            continue
        yield place, dict(zip(header, fields, strict=True))


def _not_utf8(text: str) -> str:
    """'' for clean text; else what the first undecodable byte is (read with
    surrogateescape, so a bad byte shows as a lone surrogate)."""
    if text.isascii():
        return ""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return f"byte 0x{ord(text[err.start]) - 0xDC00:02x} is not UTF-8"
    return ""


def _csv_records(f: IO[str], where: str) -> Iterator[list[str] | Problem]:
    """The file's records; a Problem (and the end) at a record the csv module or
    UTF-8 cannot read or that is too long, numbered as rows are (the header is
    row 1)."""
    lines = _Lines(f, where)
    reader = csv.reader(lines)
    n = 0
    while True:
        n += 1
        lines.start()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except _RowTooLong:
            yield _too_long(f"{where}:row {n}", "row")
            return
        except csv.Error as err:
            place = f"{where}:row {n}"
            if str(err).startswith("field larger than field limit"):
                yield _field_too_long(place, "a field", csv.field_size_limit())
            else:
                yield Problem(place, 0, f"unreadable CSV ({err})", "expected CSV text")
            return
        joined = "".join(fields)
        bad = _not_utf8(joined) or ("contains a NUL byte" if "\x00" in joined else "")
        if bad:
            yield Problem(f"{where}:row {n}", 0, bad, "expected UTF-8 text")
            return
        if len(joined) > MAX_FIELD and max(map(len, fields)) > MAX_FIELD:
            # the csv module's limit is a setting of the whole process: it may be higher
            yield _field_too_long(f"{where}:row {n}", "a field")
            return
        yield fields


# -- JSON Lines ------------------------------------------------------------------


def jsonl_rows(f: IO[str], where: str) -> Iterator[tuple[str, Mapping[str, Any] | Problem]]:
    """(place, row) for each line of an open JSON Lines file; a Problem instead of
    a bad line. A line longer than MAX_ROW is not read further than that."""
    read = _reader(f, where)
    n = 0
    while True:
        line = read(MAX_ROW + 1)  # the line, and its end ('\r\n' is read as '\n')
        if not line:
            return
        n += 1
        place = f"{where}:line {n}"
        if len(line) > MAX_ROW and line[-1] != "\n":
            while line and line[-1] != "\n":  # the rest of the line, unkept
                line = read(65536)
            yield place, _too_long(place, "line")
            continue
        if not line.strip():
            continue
        yield place, _json_object(line, place)


def _json_object(line: str, place: str) -> dict[str, Any] | Problem:
    """The object one line holds, or what is wrong with it."""
    bad = _not_utf8(line)
    if bad:
        return Problem(place, 0, bad, "expected UTF-8 text")
    one = "expected one JSON object per line"
    try:
        row = json.loads(line)
    except RecursionError:
        return Problem(place, 0, "JSON nested too deeply to read", one)
    except ValueError as err:
        return Problem(place, 0, f"not valid JSON ({err.args[0].split(':')[0]})", one)
    if not isinstance(row, dict):
        return Problem(place, 0, f"a JSON {type(row).__name__}, not an object", one)
    if len(row) > MAX_COLUMNS:
        return Problem(place, 0, f"{len(row):,} keys, more than {MAX_COLUMNS}", header_hint())
    unknown = [k for k in row if k not in _KNOWN]
    if unknown:
        what = ", ".join(_names("key", unknown, "is not known", "are not known"))
        return Problem(place, 0, what, header_hint())
    if len(line) > MAX_FIELD:
        for key, value in row.items():
            if _length(value) > MAX_FIELD:
                return _field_too_long(place, key)
    if "\\u" in line:  # only an escape makes a lone surrogate
        for key, value in row.items():
            for text in value if isinstance(value, list) else (value,):
                if isinstance(text, str) and not _not_surrogate(text):
                    half = next(c for c in text if "\ud800" <= c <= "\udfff")
                    what = f"{key} holds the lone surrogate \\u{ord(half):04x}"
                    return Problem(place, 0, what, "expected UTF-8 text")
    return row


def _length(value: Any) -> int:
    """A value's length as a field: a string's, or a list's as its strings joined by ';'."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(len(v) + 1 for v in value if isinstance(v, str)) - 1
    return 0


def _not_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- the checks every row gets ---------------------------------------------------------


def header_hint() -> str:
    return f"expected columns {', '.join(REQUIRED)} and any of: {', '.join(COLUMNS[4:])}"


@functools.lru_cache(maxsize=4096)
def ns_bounds(text: str, calendar: str) -> tuple[str | None, str | None]:
    """The New Style bounds of an EDTF date as ISO days (None for open ends)."""
    date = HistDate.parse(text, calendar)
    lo, hi = date.lower, date.upper
    return (
        dt.date(*lo).isoformat() if lo else None,
        dt.date(*hi).isoformat() if hi else None,
    )


_SEQ_EXPECTED = "expected 1, 2, 3, ... in the order of the case"
_PLAIN_SEQ = re.compile("[1-9][0-9]{0,17}")
_EVENT_KEYS = frozenset(EVENT_COLUMNS)
_EMPTY: dict[str, Any] = dict.fromkeys(EVENT_COLUMNS, "")


def _seq(value: Any) -> int | tuple[str, str]:
    """A row's seq as a number, or what is wrong with it. Only ASCII digits make
    a number (str.isdigit and int also take '٣', '²', '３')."""
    if value.__class__ is str and _PLAIN_SEQ.fullmatch(value):
        return int(value)  # the common case: 1 to 18 digits, less than MAX_SEQ
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            digits = text.lstrip("0") or "0"
            if len(digits) > len(str(MAX_SEQ)) or int(digits) > MAX_SEQ:
                return f"seq {_clip(digits)} is more than {MAX_SEQ:,}", _SEQ_EXPECTED
            value = int(digits)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return f"seq {_show(value)} is not a positive whole number", _SEQ_EXPECTED
    if value > MAX_SEQ:
        return f"seq {_clip(str(value))} is more than {MAX_SEQ:,}", _SEQ_EXPECTED
    return value


class RowChecker:
    """Turns one raw row into the values stored, or says what is wrong with it."""

    def __init__(self, procedures: Mapping[str, Procedure]) -> None:
        self.procedures = procedures
        # Each procedure's kinds, read once: Procedure.triggers makes them anew each time.
        self._kinds = {pid: p.triggers for pid, p in procedures.items()}

    def check(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], str, str] | tuple[str, str]:
        """(event values, procedure, title), or (what is wrong, what was expected)."""
        # A row of text (every CSV row): only its own columns are read, and seq,
        # the first that can then be wrong, is checked first; else column by column.
        values: dict[str, Any] = _EMPTY.copy()
        for key, value in row.items():
            if key in _EVENT_KEYS:
                if value.__class__ is not str:
                    values = {}
                    break
                values[key] = value.strip()
        if values:
            seq = _seq(row.get("seq", ""))  # unstripped, as a message shows it
            if isinstance(seq, tuple):
                return seq
            values["seq"] = seq
        for key in EVENT_COLUMNS if not values else ():
            value = row.get(key, "")
            if value is None:
                value = ""
            if key in ("actors", "recipients") and isinstance(value, list):
                if not all(isinstance(v, str) for v in value):
                    return (
                        f"{key} holds a non-string",
                        "expected a list of ids or ids separated by ';'",
                    )
                value = ";".join(v.strip() for v in value)
            if key == "seq":
                value = _seq(value)
                if isinstance(value, tuple):
                    return value
            elif not isinstance(value, str):
                return f"{key} is {_show(value)}, not text", f"expected {key} as a string"
            else:
                value = value.strip()
            values[key] = value
        for key in REQUIRED:
            if values[key] == "":
                return f"{key} is empty", f"expected a {key} on every row"
        procedure = row.get("procedure") or ""
        if not isinstance(procedure, str):
            return f"procedure is {_clip(repr(procedure))}, not text", "expected a procedure id"
        procedure = procedure.strip()
        if not procedure:  # as a case file that names none: procedure.toml's
            procedure = next(iter(self.procedures), "")
        if procedure not in self.procedures:
            return (
                f"procedure {_name(procedure)} is not known",
                f"expected one of: {', '.join(sorted(self.procedures))}",
            )
        present = {k: v for k, v in values.items() if v != ""}
        broken = event_rules(
            {**present, "id": values["event_id"]},
            kinds=self._kinds[procedure],
            citation_required=False,
        )
        if broken:
            return broken[0].what, broken[0].expected
        values["basis"] = values["basis"] or "stated"
        values["calendar"] = values["calendar"] or "gregorian"
        if values["date"]:
            values["ns_from"], values["ns_to"] = ns_bounds(values["date"], values["calendar"])
        else:
            values["ns_from"] = values["ns_to"] = None
        title = row.get("title") or ""
        if not isinstance(title, str):
            return f"title is {_clip(repr(title))}, not text", "expected the case's title"
        return values, procedure, title.strip()


def _clip(text: str) -> str:
    """Text for a message, cut to 40 characters."""
    return text if len(text) <= 40 else text[:40] + "…"


def _show(value: Any) -> str:
    """A value from a file as the file writes it (cut to 40 characters)."""
    return _name(value) if isinstance(value, str) else _clip(json.dumps(value))
