"""The archive file: which paths may be one, a connection to it, and its schema.

An import writes the archive (:func:`connect_to_write`): ``--db`` names a
regular file, or a link to one, or a new path in an existing folder that
casework may write (SQLite keeps its journal beside the archive); a folder, a
device, a named pipe or a socket is refused before anything is opened, so that
nothing is ever made beside it. ``stats`` only reads (:func:`connect_to_read`):
SQLite's read-only mode, and for an archive in WAL mode with no ``-wal`` file
(none is being written) its immutable mode, so that no ``-wal`` or ``-shm`` file
is made, in a folder casework may not write or in any other.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from casework.analysis.rows import EVENT_COLUMNS
from casework.errors import CaseworkError, display_path, file_kind

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "archive_error",
    "check_path",
    "connect_to_read",
    "connect_to_write",
    "create_schema",
    "needs_schema",
    "shown",
]

SCHEMA_VERSION = 2
#: Columns each later schema added to the events table, by the version that added
#: them: an archive of an earlier version is brought up to date by an import.
ADDED: dict[int, tuple[str, ...]] = {2: ("account_of", "refers_to")}
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
    account_of TEXT NOT NULL DEFAULT '',
    refers_to  TEXT NOT NULL DEFAULT '',
    ns_from    TEXT,
    ns_to      TEXT,
    PRIMARY KEY (case_id, seq),
    UNIQUE (case_id, event_id)
) WITHOUT ROWID;
"""
#: Each table of the schema and its columns.
TABLES: dict[str, tuple[str, ...]] = {
    "cases": ("case_id", "procedure", "title"),
    "events": (*EVENT_COLUMNS, "ns_from", "ns_to"),
}

_NEW = "expected an archive file or a new path in an existing folder"
_MADE = "expected a file made by casework import"


def shown(path: str | Path) -> str:
    """The path as the user typed it (:func:`display_path`, which a symlink loop
    made raise RuntimeError in Python 3.11)."""
    try:
        return display_path(path)
    except RuntimeError:
        return str(path)


def check_path(p: Path, *, create: bool) -> bool:
    """Whether the archive ``p`` exists; a CaseworkError when ``p`` cannot be one:
    anything but a regular file (followed through links), a link to nothing, or
    (unless ``create``) nothing at all. Nothing is opened."""
    where = shown(p)
    expected = _NEW if create else _MADE
    try:
        mode = os.stat(p).st_mode
    except (FileNotFoundError, NotADirectoryError):
        if os.path.islink(p):
            raise CaseworkError(f"{where}: a symlink to a missing file; {expected}") from None
        if not create:
            raise CaseworkError(f"{where}: no such archive; {_MADE}") from None
        if not p.parent.is_dir():
            raise CaseworkError(
                f"{where}: folder {shown(p.parent)} does not exist; "
                "expected an archive path in an existing folder"
            ) from None
        return False
    except OSError as err:
        raise CaseworkError(
            f"{where}: cannot open the archive ({err.strerror}); {expected}"
        ) from None
    kind = file_kind(mode)
    if kind:
        raise CaseworkError(f"{where}: not a regular file (a {kind}); {expected}")
    return True


def connect_to_write(p: Path, *, exists: bool) -> sqlite3.Connection:
    """A read-write connection in autocommit mode (transactions are explicit), once
    :func:`check_path` has passed ``p``; a CaseworkError when casework may not
    write the archive or its folder."""
    where = shown(p)
    folder = Path(os.path.realpath(p)).parent if exists else p.parent  # SQLite's journal's
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CaseworkError(
            f"{where}: folder {shown(folder)} is not writable; "
            "expected a folder casework may write, for the archive's journal"
        )
    if exists:
        try:  # opened and closed at once: the kernel's answer, for root too
            os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)))
        except OSError as err:
            raise CaseworkError(
                f"{where}: cannot write the archive ({err.strerror}); expected a writable file"
            ) from None
    try:
        return sqlite3.connect(p, isolation_level=None)
    except sqlite3.Error as err:
        raise CaseworkError(
            f"{where}: cannot open the archive ({err}); expected a writable file"
        ) from None


def connect_to_read(p: Path) -> sqlite3.Connection:
    """A read-only connection to an existing archive (:func:`check_path` first)."""
    check_path(p, create=False)
    uri = f"{p.absolute().as_uri()}?mode=ro"
    if _in_wal_mode(p) and not os.path.lexists(f"{os.path.realpath(p)}-wal"):
        # No -wal file: nothing uncommitted to read, and SQLite would make a -wal
        # and a -shm file (and leave them, read-only) or fail in a folder it may
        # not write. Immutable: the file is read as it is, without locks.
        uri += "&immutable=1"
    try:
        return sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as err:
        raise archive_error(p, err) from None


def _in_wal_mode(p: Path) -> bool:
    """Whether the SQLite file's header says WAL (its read and write versions are 2)."""
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        try:
            header = os.read(fd, 20)
        finally:
            os.close(fd)
    except OSError:
        return False  # SQLite says why when it opens the file
    return header[:16] == b"SQLite format 3\x00" and header[18:20] == b"\x02\x02"


def archive_error(p: Path, err: sqlite3.Error | UnicodeDecodeError) -> CaseworkError:
    """An SQLite error about the archive ``p`` as casework reports it. A damaged
    archive may hold bytes that are not UTF-8 where text should be, in a row or
    in the message SQLite gives about it: Python cannot decode either."""
    why = "it holds text that is not UTF-8" if isinstance(err, UnicodeDecodeError) else err
    return CaseworkError(f"{shown(p)}: cannot read the archive ({why}); expected an SQLite file")


def needs_schema(con: sqlite3.Connection, p: Path, *, create: bool) -> bool:
    """True when ``create`` and the file has no tables yet (new, or 0 bytes); a
    CaseworkError when it is not an archive of this schema, by its number or
    by its tables."""
    where = shown(p)
    try:
        version = con.execute("PRAGMA user_version").fetchone()[0]
        empty = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        columns = {
            table: {row[1] for row in con.execute(f"PRAGMA table_info({table})")}
            for table in TABLES
        }
    except (sqlite3.DatabaseError, UnicodeDecodeError) as err:
        raise archive_error(p, err) from None
    if version == 0 and create and empty:  # never add tables to another program's file
        return True
    if 0 < version < SCHEMA_VERSION and all(c in columns["events"] for c in EVENT_COLUMNS[:16]):
        if create:  # an import brings it up to date, in its own transaction
            for later in range(version + 1, SCHEMA_VERSION + 1):
                for column in ADDED[later]:
                    con.execute(f"ALTER TABLE events ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return False  # read as it is: the columns it lacks are empty
    if version != SCHEMA_VERSION:
        raise CaseworkError(
            f"{where}: not a casework archive (schema {version}); expected schema {SCHEMA_VERSION}"
        )
    for table, names in TABLES.items():
        lacking = [c for c in names if c not in columns[table]]
        if not columns[table]:
            raise CaseworkError(f"{where}: not a casework archive (no {table} table); {_MADE}")
        if lacking:
            raise CaseworkError(
                f"{where}: not a casework archive (the {table} table has no column "
                f"{lacking[0]!r}); {_MADE}"
            )
    return False


def create_schema(con: sqlite3.Connection) -> None:
    """Create the tables inside the caller's transaction (executescript would
    commit it), so a failed import takes them away again."""
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
