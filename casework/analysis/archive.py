"""Archives: thousands of case files in one SQLite file, imported, replayed, summarised.

A researcher's spreadsheet (CSV, one row per event), JSON Lines file or XES
event log (:mod:`casework.analysis.xes`) is imported with :func:`import_file`
into an embedded SQLite store (standard library ``sqlite3``): a ``cases`` table
and an ``events`` table. An import is
one transaction: when any row is bad nothing is written, and an import that is
interrupted leaves the archive as it was. Rows already in the archive are never
changed; importing the same file again adds nothing.

The rows are read and checked in :mod:`casework.analysis.rows`; an archive is
replayed and summarised by :mod:`casework.analysis.archive_stats`.
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO, cast

import attrs

from casework.analysis.archive_file import (
    SCHEMA_VERSION,
    archive_error,
    check_path,
    connect_to_read,
    connect_to_write,
    create_schema,
    needs_schema,
    shown,
)
from casework.analysis.rows import (
    COLUMNS,
    EVENT_COLUMNS,
    REQUIRED,
    RowChecker,
    csv_rows,
    jsonl_rows,
    open_import,
)
from casework.analysis.xes import xes_rows
from casework.errors import CaseFileError, CaseworkError, Problem
from casework.model.procedure import Procedure

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "SCHEMA_VERSION",
    "ImportFailed",
    "ImportReport",
    "import_file",
    "open_archive",
]

#: How many bad rows an import reports before it only counts them.
MAX_PROBLEMS = 50


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
    """Open an archive: read-only (see :mod:`casework.analysis.archive_file`), or
    read-write when ``create``, making its tables when the file is new or empty;
    CaseworkError when it is missing, not an archive, or not to be written."""
    p = Path(path)
    if not create:
        con = connect_to_read(p)
        try:
            needs_schema(con, p, create=False)
        except BaseException:
            con.close()
            raise
        return con
    con = connect_to_write(p, exists=check_path(p, create=True))
    try:
        if needs_schema(con, p, create=True):
            con.execute("BEGIN IMMEDIATE")
            create_schema(con)
            con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.close()
        raise
    return con


# -- reading import files ----------------------------------------------------------


_STORED = (*EVENT_COLUMNS, "ns_from", "ns_to")
_INSERT = (
    f"INSERT OR IGNORE INTO events ({', '.join(_STORED)}) "
    f"VALUES ({', '.join('?' for _ in _STORED)})"
)
#: A checked row's values in the order of _INSERT (positional parameters bind
#: faster than named ones).
_ROW = operator.itemgetter(*_STORED)


def import_file(
    path: str | Path,
    db: str | Path,
    procedures: Mapping[str, Procedure],
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV, JSON Lines or XES file of events into the archive ``db``.

    All or nothing: the whole file is one transaction, committed only when
    every row is good; otherwise :class:`ImportFailed` lists the bad rows (by
    row number, the header being row 1; by line in JSON Lines and XES) and the
    archive is left as it was. A row already in the archive (same case and seq, same
    values) is skipped; one that differs from what is stored is a bad row,
    since rows already imported are never changed. A title is the exception:
    a case stored without one may be given one, but a different title for a
    case that has one is a bad row. An archive the import created is removed
    again when it fails, and a 0-byte file given as ``db`` is left at 0 bytes.
    ``progress`` is called with the number of rows read every 5,000 rows.
    """
    file = Path(path)
    where = shown(file)
    suffix = file.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson", ".xes"):
        open_import(file, where, newline=None).close()  # a missing file is said first
        raise CaseworkError(
            f"{where}: cannot import a {suffix or 'suffix-less'} file; "
            "expected a .csv, .jsonl or .xes file"
        )
    archive = Path(db)
    created = not check_path(archive, create=True)
    with open_import(file, where, newline="" if suffix == ".csv" else None) as f:
        if suffix == ".xes":
            kinds = {k for p in procedures.values() for k in p.triggers}
            rows = xes_rows(cast(TextIO, f).buffer, where, kinds)
        else:
            rows = csv_rows(f, where) if suffix == ".csv" else jsonl_rows(f, where)
        con = connect_to_write(archive, exists=not created)
        try:
            report = _import(con, archive, rows, RowChecker(procedures), progress)
        except BaseException:
            if con.in_transaction:  # a bad row, an error or an interrupt: undo it all
                try:
                    con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # closing rolls back too, and SQLite's journal does when it cannot
            con.close()
            if created:  # and leave no empty archive behind
                archive.unlink(missing_ok=True)
            raise
        con.close()
    return ImportReport(where, *report)


#: How many checked rows are inserted together (one executemany).
_BATCH = 1000


def _import(
    con: sqlite3.Connection,
    archive: Path,
    rows: Iterator[tuple[str, Mapping[str, Any] | Problem]],
    checker: RowChecker,
    progress: Callable[[int], None] | None,
) -> tuple[int, int, int, int]:
    """Check and store every row in one transaction, committed when all are good:
    (rows, events added, already present, cases added); ImportFailed when a row
    is bad, CaseworkError when SQLite cannot read or write the archive.

    A row's case is looked up (or added) as it is read; its event waits in a
    batch of :data:`_BATCH`, inserted in one go. A batch in which any row is not
    inserted (already stored, or clashing) is undone and inserted a row at a
    time, so that each row gets the verdict it would get alone. Problems are
    kept by row number, so that they are reported in the order of the file."""
    found: list[tuple[int, Problem]] = []
    bad = n = added = present = cases_added = 0
    case_info: dict[str, tuple[str, str]] = {}
    batch: list[tuple[int, str, dict[str, Any], Any]] = []

    def flush() -> None:
        nonlocal added, present, bad
        stored, same, clashes = _insert(con, batch)
        added += stored
        present += same
        bad += len(clashes)
        found.extend(clashes)
        found.sort(key=lambda f: f[0])
        del found[MAX_PROBLEMS:]  # every row up to the batch's last has its verdict now
        batch.clear()

    try:
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:  # locked, read-only
            raise CaseworkError(
                f"{shown(archive)}: cannot write the archive ({err}); "
                "expected a writable file no other program is writing"
            ) from None
        # The tables of a new (or 0-byte) archive are made in the import's own
        # transaction: a failed import leaves such a file exactly as it was.
        if needs_schema(con, archive, create=True):
            create_schema(con)
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
                    problem, new_case = _case(con, place, values, procedure, title, case_info)
                    cases_added += new_case
                    if problem is None:
                        batch.append((n, place, values, row.keys()))
                        if len(batch) >= _BATCH:
                            flush()
            if problem is not None:
                bad += 1
                found.append((n, problem))
        flush()
        if bad:
            raise ImportFailed([p for _, p in found], bad)
        con.execute("COMMIT")
    except sqlite3.ProgrammingError:
        raise  # casework's own mistake
    except sqlite3.OperationalError as err:  # I/O, a full disk, a lock, read-only
        raise CaseworkError(
            f"{shown(archive)}: cannot write the archive ({err}); expected a writable file"
        ) from None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as err:  # not SQLite, or damaged
        raise archive_error(archive, err) from None
    return n, added, present, cases_added


def _insert(
    con: sqlite3.Connection, batch: list[tuple[int, str, dict[str, Any], Any]]
) -> tuple[int, int, list[tuple[int, Problem]]]:
    """Insert a batch of checked rows: (events added, rows already stored,
    clashes by row number)."""
    if not batch:
        return 0, 0, []
    con.execute("SAVEPOINT batch")
    if con.executemany(_INSERT, [_ROW(b[2]) for b in batch]).rowcount == len(batch):
        con.execute("RELEASE batch")
        return len(batch), 0, []
    con.execute("ROLLBACK TO batch")  # one at a time: each row's own verdict
    con.execute("RELEASE batch")
    added = same = 0
    clashes = []
    for n, place, values, given in batch:
        problem, new = _store(con, place, values, given)
        added += new
        same += problem is None and not new
        if problem is not None:
            clashes.append((n, problem))
    return added, same, clashes


def _case(
    con: sqlite3.Connection,
    place: str,
    values: dict[str, Any],
    procedure: str,
    title: str,
    case_info: dict[str, tuple[str, str]],
) -> tuple[Problem | None, int]:
    """A checked row's case, added when new: (a Problem when the row clashes with
    it, cases added)."""
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
            )
        # The one change an import makes to a stored case: a title it lacked.
        con.execute("UPDATE cases SET title = ? WHERE case_id = ?", (title, case_id))
        case_info[case_id] = (procedure, title)
    return None, new_case


def _store(
    con: sqlite3.Connection, place: str, values: dict[str, Any], given: Any
) -> tuple[Problem | None, int]:
    """Insert one checked row whose case is stored: (a Problem when it clashes
    with what the archive holds, events added). A row that is already stored is
    compared on the columns the file ``given`` has."""
    case_id = values["case_id"]
    if con.execute(_INSERT, _ROW(values)).rowcount == 1:
        return None, 1
    stored = con.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE case_id = ? AND seq = ?",
        (case_id, values["seq"]),
    ).fetchone()
    if stored is None:
        other = con.execute(
            "SELECT seq FROM events WHERE case_id = ? AND event_id = ?",
            (case_id, values["event_id"]),
        ).fetchone()
        if other is None:  # the insert was ignored for a row that is not there
            raise sqlite3.DatabaseError("a row its index names is missing")
        seq = other[0]
        return (
            Problem(
                place,
                0,
                f"event id {values['event_id']!r} is already used in case {case_id!r} (seq {seq})",
                "expected ids unique within a case",
            ),
            0,
        )
    differs = [
        c for c, v in zip(EVENT_COLUMNS, stored, strict=True) if c in given and values[c] != v
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
            0,
        )
    return None, 0


# -- replaying an archive ----------------------------------------------------------
