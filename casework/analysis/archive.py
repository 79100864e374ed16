"""Archives: thousands of case files in one SQLite file, imported, replayed, summarised.

A researcher's spreadsheet (CSV, one row per event) or JSON Lines file is
imported with :func:`import_file` into an embedded SQLite store (standard
library ``sqlite3``): a ``cases`` table and an ``events`` table. An import is
one transaction: when any row is bad nothing is written, and an import that is
interrupted leaves the archive as it was. Rows already in the archive are never
changed; importing the same file again adds nothing.

The rows are read and checked in :mod:`casework.analysis.rows`; an archive is
replayed and summarised by :mod:`casework.analysis.archive_stats`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from casework.analysis.rows import (
    COLUMNS,
    EVENT_COLUMNS,
    REQUIRED,
    RowChecker,
    csv_rows,
    jsonl_rows,
)
from casework.errors import CaseFileError, CaseworkError, Problem, display_path
from casework.model.procedure import Procedure

__all__ = ["COLUMNS", "REQUIRED", "ImportFailed", "ImportReport", "import_file", "open_archive"]

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


_INSERT = (
    f"INSERT OR IGNORE INTO events ({', '.join((*EVENT_COLUMNS, 'ns_from', 'ns_to'))}) "
    f"VALUES ({', '.join(':' + c for c in (*EVENT_COLUMNS, 'ns_from', 'ns_to'))})"
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
        rows = csv_rows(file, where)
    elif suffix in (".jsonl", ".ndjson"):
        rows = jsonl_rows(file, where)
    else:
        raise CaseworkError(
            f"{where}: cannot import a {suffix or 'suffix-less'} file; "
            "expected a .csv or .jsonl file"
        )
    checker = RowChecker(procedures)
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
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE case_id = ? AND seq = ?",
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
            new_case,
            0,
        )
    return None, new_case, 0


# -- replaying an archive ----------------------------------------------------------
