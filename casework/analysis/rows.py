"""The rows of an import file: CSV or JSON Lines read one event at a time, each
checked by the rules every event obeys (:mod:`casework.model.rules`) and turned
into the values an archive stores, or into a problem with its row number."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from casework.errors import Problem
from casework.model.dates import HistDate
from casework.model.procedure import Procedure
from casework.model.rules import event_rules

__all__ = [
    "COLUMNS",
    "EVENT_COLUMNS",
    "REQUIRED",
    "RowChecker",
    "csv_rows",
    "header_hint",
    "jsonl_rows",
    "ns_bounds",
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
    "title",
    "procedure",
)
#: Columns every row must fill.
REQUIRED: tuple[str, ...] = ("case_id", "seq", "event_id", "kind")
#: Columns stored on the event (the rest describe the case).
EVENT_COLUMNS = COLUMNS[:16]


def csv_rows(path: Path, where: str) -> Iterator[tuple[str, Mapping[str, Any] | Problem]]:
    """(place, row) for each data row of a CSV file; a Problem instead of a bad row."""
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as f:
        rows = _csv_records(csv.reader(f), where)
        header = next(rows, None)
        if isinstance(header, Problem):
            yield header.path, header
            return
        if header is None:
            yield (
                f"{where}:row 1",
                Problem(f"{where}:row 1", 0, "the file is empty", header_hint()),
            )
            return
        header = [h.strip() for h in header]
        unknown = [h for h in header if h not in COLUMNS]
        missing = [c for c in REQUIRED if c not in header]
        dupes = [h for h, n in Counter(header).items() if n > 1]
        bad = [f"column {h!r} is not known" for h in unknown]
        bad += [f"column {c!r} is missing" for c in missing]
        bad += [f"column {h!r} appears twice" for h in dupes]
        if bad:
            yield f"{where}:row 1", Problem(f"{where}:row 1", 0, "; ".join(bad), header_hint())
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
    for char in text:
        if "\udc80" <= char <= "\udcff":
            return f"byte 0x{ord(char) - 0xDC00:02x} is not UTF-8"
    return ""


def _csv_records(reader: Iterator[list[str]], where: str) -> Iterator[list[str] | Problem]:
    """The reader's records; a Problem (and the end) at a record the csv module or
    UTF-8 cannot read, numbered as rows are (the header is row 1)."""
    n = 0
    while True:
        n += 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield Problem(f"{where}:row {n}", 0, f"unreadable CSV ({err})", "expected CSV text")
            return
        joined = "".join(fields)
        bad = _not_utf8(joined) or ("contains a NUL byte" if "\x00" in joined else "")
        if bad:
            yield Problem(f"{where}:row {n}", 0, bad, "expected UTF-8 text")
            return
        yield fields


def jsonl_rows(path: Path, where: str) -> Iterator[tuple[str, Mapping[str, Any] | Problem]]:
    """(place, row) for each line of a JSON Lines file; a Problem instead of a bad line."""
    with path.open(encoding="utf-8-sig", errors="surrogateescape") as f:
        for n, line in enumerate(f, start=1):
            place = f"{where}:line {n}"
            if not line.strip():
                continue
            bad = _not_utf8(line)
            if bad:
                yield place, Problem(place, 0, bad, "expected UTF-8 text")
                continue
            try:
                row = json.loads(line)
            except ValueError as err:
                yield (
                    place,
                    Problem(
                        place,
                        0,
                        f"not valid JSON ({err.args[0].split(':')[0]})",
                        "expected one JSON object per line",
                    ),
                )
                continue
            if not isinstance(row, dict):
                yield (
                    place,
                    Problem(
                        place,
                        0,
                        f"a JSON {type(row).__name__}, not an object",
                        "expected one JSON object per line",
                    ),
                )
                continue
            unknown = [k for k in row if k not in COLUMNS]
            if unknown:
                yield (
                    place,
                    Problem(
                        place,
                        0,
                        ", ".join(f"key {k!r} is not known" for k in unknown),
                        header_hint(),
                    ),
                )
                continue
            yield place, row


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


class RowChecker:
    """Turns one raw row into the values stored, or says what is wrong with it."""

    def __init__(self, procedures: Mapping[str, Procedure]) -> None:
        self.procedures = procedures

    def check(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], str, str] | tuple[str, str]:
        """(event values, procedure, title), or (what is wrong, what was expected)."""
        values: dict[str, Any] = {}
        for key in EVENT_COLUMNS:
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
                if isinstance(value, str) and value.strip().isdigit():
                    value = int(value)
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    return (
                        f"seq {_show(value)} is not a positive whole number",
                        "expected 1, 2, 3, ... in the order of the case",
                    )
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
            return f"procedure is {procedure!r}, not text", "expected a procedure id"
        procedure = procedure.strip()
        if not procedure:
            if len(self.procedures) != 1:
                return (
                    "procedure is empty",
                    f"expected one of: {', '.join(sorted(self.procedures))}",
                )
            procedure = next(iter(self.procedures))
        if procedure not in self.procedures:
            return (
                f"procedure {procedure!r} is not known",
                f"expected one of: {', '.join(sorted(self.procedures))}",
            )
        present = {k: v for k, v in values.items() if v != ""}
        broken = event_rules(
            {**present, "id": values["event_id"]},
            kinds=self.procedures[procedure].triggers,
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
            return f"title is {title!r}, not text", "expected the case's title"
        return values, procedure, title.strip()


def _show(value: Any) -> str:
    """A value from a file as the file writes it."""
    return repr(value) if isinstance(value, str) else json.dumps(value)
