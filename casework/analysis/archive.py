"""Archives: thousands of case files in one SQLite file, imported, replayed, summarised.

A researcher's spreadsheet (CSV, one row per event) or JSON Lines file is
imported with :func:`import_file` into an embedded SQLite store (standard
library ``sqlite3``): a ``cases`` table and an ``events`` table. An import is
one transaction: when any row is bad nothing is written, and an import that is
interrupted leaves the archive as it was. Rows already in the archive are never
changed; importing the same file again adds nothing.

:func:`archive_stats` replays every case with :mod:`casework.analysis.bulk`, streaming
the rows in case order, and summarises outcomes, paths, the time from
expulsion to outcome, and the histories the procedure does not allow.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import sqlite3
import statistics
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from casework.analysis.bulk import CaseResult, compile_procedure
from casework.errors import CaseFileError, CaseworkError, Problem, display_path
from casework.model.dates import HistDate
from casework.model.events import BACKGROUND, BASES
from casework.model.procedure import ILLEGAL, Procedure
from casework.model.steps import IllegalStep

__all__ = [
    "COLUMNS",
    "ILLEGAL",
    "REQUIRED",
    "ArchiveStats",
    "Durations",
    "ImportFailed",
    "ImportReport",
    "archive_stats",
    "import_file",
    "open_archive",
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
_EVENT_COLUMNS = COLUMNS[:16]

#: How many bad rows an import reports before it only counts them.
MAX_PROBLEMS = 50

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    case_id   TEXT PRIMARY KEY,
    procedure TEXT NOT NULL,
    title     TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    case_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    event_id   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    date       TEXT NOT NULL DEFAULT '',
    calendar   TEXT NOT NULL DEFAULT 'gregorian',
    date_basis TEXT NOT NULL DEFAULT '',
    actors     TEXT NOT NULL DEFAULT '',
    recipients TEXT NOT NULL DEFAULT '',
    summary    TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    locator    TEXT NOT NULL DEFAULT '',
    quote      TEXT NOT NULL DEFAULT '',
    basis      TEXT NOT NULL DEFAULT 'stated',
    reasoning  TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    ns_from    TEXT,
    ns_to      TEXT,
    PRIMARY KEY (case_id, seq),
    UNIQUE (case_id, event_id)
) WITHOUT ROWID;
"""


class ImportFailed(CaseFileError):
    """An import found bad rows and wrote nothing; ``.problems`` holds the first
    :data:`MAX_PROBLEMS`, ``.bad_rows`` how many rows were bad in all."""

    def __init__(self, problems: list[Problem], bad_rows: int) -> None:
        super().__init__(problems)
        self.bad_rows = bad_rows

    def summary(self) -> str:
        """'3 bad rows (1 more not shown); nothing was imported'."""
        more = self.bad_rows - len(self.problems)
        tail = f" ({more:,} more not shown)" if more else ""
        return f"{_plural(self.bad_rows, 'bad row')}{tail}; nothing was imported"


@attrs.frozen
class ImportReport:
    """What an import did: rows read, events added, rows already in the archive."""

    path: str
    rows: int
    added: int
    present: int
    cases_added: int

    def describe(self) -> str:
        """'FILE: 5 rows; 5 events added (2 new cases); 0 already in the archive'."""
        return (
            f"{self.path}: {_plural(self.rows, 'row')}; {_plural(self.added, 'event')} added "
            f"({_plural(self.cases_added, 'new case')}); {self.present:,} already in the archive"
        )


def _plural(n: int, noun: str) -> str:
    """'1 row', '2,000 rows'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def open_archive(path: str | Path, *, create: bool = False) -> sqlite3.Connection:
    """Open an archive (creating its tables when ``create``); CaseworkError when it
    is missing or not an archive."""
    p = Path(path)
    con = _connect(p, create=create)
    try:
        if _needs_schema(con, p, create=create):
            con.execute("BEGIN IMMEDIATE")
            _create_schema(con)
            con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.close()
        raise
    return con


def _connect(p: Path, *, create: bool) -> sqlite3.Connection:
    """A connection to ``p`` in autocommit mode (transactions are explicit)."""
    if not create and not p.is_file():
        raise CaseworkError(
            f"{display_path(p)}: no such archive; expected a file made by casework import"
        )
    if create and not p.parent.is_dir():
        raise CaseworkError(
            f"{display_path(p)}: folder {display_path(p.parent)} does not exist; "
            "expected an archive path in an existing folder"
        )
    try:
        return sqlite3.connect(p, isolation_level=None)
    except sqlite3.Error as err:
        raise CaseworkError(
            f"{display_path(p)}: cannot open the archive ({err}); expected a writable file"
        ) from None


def _needs_schema(con: sqlite3.Connection, p: Path, *, create: bool) -> bool:
    """True when ``create`` and the file has no tables yet (new, or 0 bytes); a
    CaseworkError when it is not an archive of this schema."""
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        empty = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    except sqlite3.DatabaseError as err:
        raise CaseworkError(
            f"{display_path(p)}: cannot read the archive ({err}); expected an SQLite file"
        ) from None
    if version == 0 and create and empty:  # never add tables to another program's file
        return True
    if version != SCHEMA_VERSION:
        raise CaseworkError(
            f"{display_path(p)}: not a casework archive (schema {version}); "
            f"expected schema {SCHEMA_VERSION}"
        )
    return False


def _create_schema(con: sqlite3.Connection) -> None:
    """Create the tables inside the caller's transaction (executescript would
    commit it), so a failed import takes them away again."""
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# -- reading import files ----------------------------------------------------------


def _csv_rows(path: Path, where: str) -> Iterator[tuple[str, Mapping[str, Any] | Problem]]:
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
                Problem(f"{where}:row 1", 0, "the file is empty", _header_hint()),
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
            yield f"{where}:row 1", Problem(f"{where}:row 1", 0, "; ".join(bad), _header_hint())
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


def _jsonl_rows(path: Path, where: str) -> Iterator[tuple[str, Mapping[str, Any] | Problem]]:
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
                        _header_hint(),
                    ),
                )
                continue
            yield place, row


def _header_hint() -> str:
    return f"expected columns {', '.join(REQUIRED)} and any of: {', '.join(COLUMNS[4:])}"


@functools.lru_cache(maxsize=4096)
def _date(text: str, calendar: str) -> tuple[str | None, str | None]:
    """The New Style bounds of an EDTF date as ISO days (None for open ends)."""
    date = HistDate.parse(text, calendar)
    lo, hi = date.lower, date.upper
    return (
        dt.date(*lo).isoformat() if lo else None,
        dt.date(*hi).isoformat() if hi else None,
    )


class _Checker:
    """Turns one raw row into the values stored, or says what is wrong with it."""

    def __init__(self, procedures: Mapping[str, Procedure]) -> None:
        self.procedures = procedures
        self.kinds = {pid: frozenset((*p.triggers, BACKGROUND)) for pid, p in procedures.items()}

    def check(self, row: Mapping[str, Any]) -> tuple[dict[str, Any], str, str] | tuple[str, str]:
        """(event values, procedure, title), or (what is wrong, what was expected)."""
        values: dict[str, Any] = {}
        for key in _EVENT_COLUMNS:
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
        kind = values["kind"]
        if kind not in self.kinds[procedure]:
            return (
                f"kind {kind!r} is not known",
                f"expected one of: {', '.join(sorted(self.kinds[procedure]))}",
            )
        values["calendar"] = values["calendar"] or "gregorian"
        if values["date"]:
            try:
                values["ns_from"], values["ns_to"] = _date(values["date"], values["calendar"])
            except ValueError as err:
                what, _, expected = str(err).partition("; ")
                return what, expected
        else:
            values["ns_from"] = values["ns_to"] = None
        basis = values["basis"] or "stated"
        if basis not in BASES:
            return f"basis {basis!r} is not known", f"expected one of: {', '.join(BASES)}"
        values["basis"] = basis
        if basis == "inferred" and not values["reasoning"]:
            return (
                "basis is 'inferred' but reasoning is empty",
                "expected the reasoning behind the inference",
            )
        title = row.get("title") or ""
        if not isinstance(title, str):
            return f"title is {title!r}, not text", "expected the case's title"
        return values, procedure, title.strip()


def _show(value: Any) -> str:
    """A value from a file as the file writes it."""
    return repr(value) if isinstance(value, str) else json.dumps(value)


_INSERT = (
    f"INSERT OR IGNORE INTO events ({', '.join((*_EVENT_COLUMNS, 'ns_from', 'ns_to'))}) "
    f"VALUES ({', '.join(':' + c for c in (*_EVENT_COLUMNS, 'ns_from', 'ns_to'))})"
)


def import_file(
    path: str | Path,
    db: str | Path,
    procedures: Mapping[str, Procedure],
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV or JSON Lines file of events into the archive ``db``.

    All or nothing: the whole file is one transaction, committed only when
    every row is good; otherwise :class:`ImportFailed` lists the bad rows (by
    row number, the header being row 1; by line in JSON Lines) and the archive
    is left as it was. A row already in the archive (same case and seq, same
    values) is skipped; one that differs from what is stored is a bad row,
    since rows already imported are never changed. A title is the exception:
    a case stored without one may be given one, but a different title for a
    case that has one is a bad row. An archive the import created is removed
    again when it fails, and a 0-byte file given as ``db`` is left at 0 bytes.
    ``progress`` is called with the number of rows read every 5,000 rows.
    """
    file = Path(path)
    where = display_path(file)
    if not file.exists():
        raise CaseworkError(f"{where}: no such file; expected a .csv or .jsonl file")
    if not file.is_file():
        raise CaseworkError(f"{where}: not a regular file; expected a .csv or .jsonl file")
    suffix = file.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(file, where)
    elif suffix in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(file, where)
    else:
        raise CaseworkError(
            f"{where}: cannot import a {suffix or 'suffix-less'} file; "
            "expected a .csv or .jsonl file"
        )
    checker = _Checker(procedures)
    archive = Path(db)
    created = not archive.exists()
    con = _connect(archive, create=True)
    problems: list[Problem] = []
    bad = n = added = present = cases_added = 0
    case_info: dict[str, tuple[str, str]] = {}
    try:
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:  # locked, read-only
            raise CaseworkError(
                f"{display_path(archive)}: cannot write the archive ({err}); "
                "expected a writable file no other program is writing"
            ) from None
        except sqlite3.DatabaseError as err:  # not SQLite
            raise CaseworkError(
                f"{display_path(archive)}: cannot read the archive ({err}); expected an SQLite file"
            ) from None
        # The tables of a new (or 0-byte) archive are made in the import's own
        # transaction: a failed import leaves such a file exactly as it was.
        if _needs_schema(con, archive, create=True):
            _create_schema(con)
        for n, (place, row) in enumerate(rows, start=1):
            if progress is not None and n % 5000 == 0:
                progress(n)
            if isinstance(row, Problem):
                problem: Problem | None = row
            else:
                checked = checker.check(row)
                if len(checked) == 2:
                    problem = Problem(place, 0, *checked)
                else:
                    values, procedure, title = checked
                    problem, new_case, new_event = _store(
                        con, place, values, procedure, title, case_info, row.keys()
                    )
                    cases_added += new_case
                    added += new_event
                    present += problem is None and not new_event
            if problem is not None:
                bad += 1
                if len(problems) < MAX_PROBLEMS:
                    problems.append(problem)
        if bad:
            raise ImportFailed(problems, bad)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:  # a bad row, an error or an interrupt: undo it all
            con.execute("ROLLBACK")
        con.close()
        if created:  # and leave no empty archive behind
            archive.unlink(missing_ok=True)
        raise
    con.close()
    return ImportReport(where, n, added, present, cases_added)


def _store(
    con: sqlite3.Connection,
    place: str,
    values: dict[str, Any],
    procedure: str,
    title: str,
    case_info: dict[str, tuple[str, str]],
    given: Any,
) -> tuple[Problem | None, int, int]:
    """Insert one checked row (and its case, when new): (a Problem when it clashes
    with what the archive holds, cases added, events added). A row that is
    already stored is compared on the columns the file ``given`` has."""
    case_id = values["case_id"]
    new_case = 0
    known = case_info.get(case_id)
    if known is None:
        row = con.execute(
            "SELECT procedure, title FROM cases WHERE case_id = ?", (case_id,)
        ).fetchone()
        if row is None:
            con.execute("INSERT INTO cases VALUES (?, ?, ?)", (case_id, procedure, title))
            known, new_case = (procedure, title), 1
        else:
            known = (row[0], row[1])
        if len(case_info) > 10_000:  # rows come grouped by case: keep memory flat
            case_info.clear()
        case_info[case_id] = known
    if known[0] != procedure:
        return (
            Problem(
                place,
                0,
                f"case {case_id!r} follows procedure {known[0]!r}, not {procedure!r}",
                "expected one procedure per case",
            ),
            new_case,
            0,
        )
    if title and known[1] != title:
        if known[1]:
            return (
                Problem(
                    place,
                    0,
                    f"case {case_id!r} already has the title {known[1]!r}",
                    "expected the same title or none",
                ),
                new_case,
                0,
            )
        # The one change an import makes to a stored case: a title it lacked.
        con.execute("UPDATE cases SET title = ? WHERE case_id = ?", (title, case_id))
        case_info[case_id] = (procedure, title)
    if con.execute(_INSERT, values).rowcount == 1:
        return None, new_case, 1
    stored = con.execute(
        f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events WHERE case_id = ? AND seq = ?",
        (case_id, values["seq"]),
    ).fetchone()
    if stored is None:
        seq = con.execute(
            "SELECT seq FROM events WHERE case_id = ? AND event_id = ?",
            (case_id, values["event_id"]),
        ).fetchone()[0]
        return (
            Problem(
                place,
                0,
                f"event id {values['event_id']!r} is already used in case {case_id!r} (seq {seq})",
                "expected ids unique within a case",
            ),
            new_case,
            0,
        )
    differs = [
        c for c, v in zip(_EVENT_COLUMNS, stored, strict=True) if c in given and values[c] != v
    ]
    if differs:
        return (
            Problem(
                place,
                0,
                f"case {case_id!r} seq {values['seq']} is already in the archive (or earlier "
                f"in this file) with another {', '.join(differs)}",
                "expected the same row again or a new seq; rows imported are never changed",
            ),
            new_case,
            0,
        )
    return None, new_case, 0


# -- replaying an archive ----------------------------------------------------------


@attrs.frozen
class Durations:
    """Days from expulsion to outcome for the cases of one outcome whose two events
    are dated to the day."""

    outcome: str
    days: tuple[int, ...] = attrs.field(repr=False)

    @property
    def cases(self) -> int:
        """How many cases have both days."""
        return len(self.days)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form: count, median, mean, min, max (days)."""
        d = self.days
        return {
            "outcome": self.outcome,
            "cases": len(d),
            "median": statistics.median(d) if d else None,
            "mean": round(statistics.fmean(d), 1) if d else None,
            "min": min(d) if d else None,
            "max": max(d) if d else None,
        }


@attrs.frozen
class ArchiveStats:
    """What replaying every case of an archive found.

    ``outcomes`` counts cases by outcome (``illegal`` for histories the
    procedure does not allow), ``paths`` the commonest sequences of states of
    the legal histories, ``durations`` the days from the expulsion (the first
    event that moved the case) to the outcome (the last one), per outcome and
    ``all``, where both are dated to the day.
    """

    path: str
    cases: int
    events: int
    procedures: tuple[str, ...]
    outcomes: tuple[tuple[str, int], ...]
    paths: tuple[tuple[tuple[str, ...], int], ...]
    distinct_paths: int
    durations: tuple[Durations, ...]
    illegal: tuple[IllegalStep, ...]

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form printed by ``casework stats --json``."""
        return {
            "archive": self.path,
            "cases": self.cases,
            "events": self.events,
            "procedures": list(self.procedures),
            "outcomes": dict(self.outcomes),
            "paths": [{"states": list(p), "cases": n} for p, n in self.paths],
            "distinct_paths": self.distinct_paths,
            "days_to_outcome": [d.to_mapping() for d in self.durations],
            "illegal": [i.to_mapping() for i in self.illegal],
        }


_STREAM = (
    "SELECT case_id, kind, CASE WHEN ns_from = ns_to THEN ns_from END FROM events{where} "
    "ORDER BY case_id, seq"
)


def archive_stats(
    db: str | Path,
    procedures: Mapping[str, Procedure],
    *,
    top: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> ArchiveStats:
    """Replay every case of the archive ``db`` and summarise it.

    Rows are streamed from SQLite in case order and folded by
    :mod:`casework.analysis.bulk`; only the counts are kept. ``progress`` is called with
    (cases done, cases in all) every few thousand cases.
    """
    con = open_archive(db)
    try:
        used = [
            r[0] for r in con.execute("SELECT DISTINCT procedure FROM cases ORDER BY procedure")
        ]
        unknown = [p for p in used if p not in procedures]
        if unknown:
            raise CaseworkError(
                f"{display_path(db)}: cases follow procedure {', '.join(map(repr, unknown))}, "
                "which the scenarios do not define; "
                f"expected one of: {', '.join(sorted(procedures))}"
            )
        total = con.execute("SELECT count(*) FROM cases").fetchone()[0]
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        outcomes: Counter[str] = Counter()
        paths: Counter[tuple[str, ...]] = Counter()
        days: dict[str, list[int]] = {}
        illegal: list[IllegalStep] = []
        done = 0
        for pid in used:
            procedure = procedures[pid]
            table = compile_procedure(procedure)
            if len(used) == 1:
                rows = con.execute(_STREAM.format(where=""))
            else:
                rows = con.execute(
                    _STREAM.format(
                        where=" WHERE case_id IN (SELECT case_id FROM cases WHERE procedure = ?)"
                    ),
                    (pid,),
                )
            outcome_of = {s.name: s.outcome_label for s in procedure.states}
            for result in table.fold(rows):
                done += 1
                if progress is not None and done % 2000 == 0:
                    progress(done, total)
                if result.failure is not None:
                    outcomes[ILLEGAL] += 1
                    illegal.append(_illegal(con, result))
                    continue
                outcome = outcome_of[result.state]
                outcomes[outcome] += 1
                paths[result.states] += 1
                if outcome != "pending" and result.first_day and result.last_day:
                    span = dt.date.fromisoformat(result.last_day) - dt.date.fromisoformat(
                        result.first_day
                    )
                    days.setdefault(outcome, []).append(span.days)
        if progress is not None:
            progress(done, total)
    finally:
        con.close()
    order = [o for pid in used for o in procedures[pid].outcomes]
    order = list(dict.fromkeys([*order, *sorted(outcomes)]))
    all_days = [d for o in order for d in days.get(o, [])]
    return ArchiveStats(
        path=display_path(db),
        cases=total,
        events=events,
        procedures=tuple(used),
        outcomes=tuple((o, outcomes[o]) for o in order if outcomes[o]),
        paths=tuple(paths.most_common(top)),
        distinct_paths=len(paths),
        durations=(
            *(Durations(o, tuple(sorted(days[o]))) for o in order if o in days),
            Durations("all", tuple(sorted(all_days))),
        ),
        illegal=tuple(illegal),
    )


def _illegal(con: sqlite3.Connection, result: CaseResult) -> IllegalStep:
    failure = result.failure
    assert failure is not None
    seq, event_id = con.execute(
        "SELECT seq, event_id FROM events WHERE case_id = ? ORDER BY seq LIMIT 1 OFFSET ?",
        (result.case, failure.seq - 1),
    ).fetchone()
    return attrs.evolve(failure, case=result.case, seq=seq, event=event_id)
