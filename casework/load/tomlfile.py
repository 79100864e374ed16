"""Read TOML input files safely and find the line each table and key is on.

``tomllib`` parses but forgets positions; error messages must name the line, so
this module keeps the text and looks positions up in it. Files are read as data
only: nothing in them is ever evaluated.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from casework.errors import CaseFileError, Problem, display_path
from casework.model.evidence import Origin

__all__ = ["MAX_BYTES", "TomlFile", "read_text"]

#: Input files larger than this are refused before parsing (a case file is a few KiB).
MAX_BYTES = 5 * 1024 * 1024

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Return the file's text, or raise a CaseFileError that says why it cannot be read.

    The file is opened once and at most ``max_bytes + 1`` bytes are read, so a file
    that grows after it was measured is still refused. Anything but a regular file
    (a named pipe, a device) is refused before it is opened: opening a pipe would
    wait for a writer, and reading a device may never end.
    """
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind:
            raise CaseFileError(_not_a_file(path, kind))
        # O_NONBLOCK: should the path have become a pipe since stat, open returns at once.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise CaseFileError(
            Problem.at(path, 0, "no such file", "expected an existing file")
        ) from None
    except OSError as err:
        raise CaseFileError(Problem.at(path, 0, f"cannot read: {err.strerror}")) from None
    with os.fdopen(fd, "rb") as f:
        try:
            info = os.fstat(f.fileno())
            kind = _not_regular(info.st_mode)
            if kind:
                raise CaseFileError(_not_a_file(path, kind))
            if info.st_size > max_bytes:
                raise CaseFileError(_too_big(path, f"{info.st_size:,} bytes", max_bytes))
            raw = f.read(max_bytes + 1)
        except OSError as err:
            raise CaseFileError(Problem.at(path, 0, f"cannot read: {err.strerror}")) from None
    if len(raw) > max_bytes:  # it grew after fstat
        raise CaseFileError(_too_big(path, f"more than {max_bytes:,} bytes", max_bytes))
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise CaseFileError(Problem.at(path, line, "contains a NUL byte", "expected UTF-8 text"))
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark (Windows editors) is dropped
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise CaseFileError(
            Problem.at(
                path,
                line,
                f"byte 0x{raw[err.start]:02x} is not UTF-8",
                "expected UTF-8 text",
            )
        ) from None


def _not_regular(mode: int) -> str:
    """'' for a regular file; else what the file is."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _not_a_file(path: Path, kind: str) -> Problem:
    if kind == "folder":
        return Problem.at(path, 0, "is a folder; expected a file")
    return Problem.at(path, 0, f"not a regular file (a {kind}); expected a text file")


def _too_big(path: Path, size: str, max_bytes: int) -> Problem:
    return Problem.at(path, 0, f"file is {size}", f"expected at most {max_bytes:,} bytes")


class TomlFile:
    """A parsed TOML file that remembers where its tables and keys are."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path = path
        #: The path as a user typed it (relative to the working directory when inside it).
        self.display_path = display_path(path)
        self.text = text
        self.data = data
        # Lines as TOML (and tomllib's error positions) count them: only "\n" ends one.
        # str.splitlines would also split at U+2028, U+0085, \x0c ... inside strings.
        self._lines = [line.removesuffix("\r") for line in text.split("\n")]
        self._headers = self._scan_headers()

    @classmethod
    def read(cls, path: Path) -> TomlFile:
        """Read and parse ``path``; malformed TOML raises CaseFileError with its line."""
        text = read_text(path)
        if not text.strip():
            raise CaseFileError(Problem.at(path, 0, "file is empty", "expected a TOML document"))
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            message = str(err)
            m = _TOML_POS.search(message)
            line = int(m.group(1)) if m else 0
            what = _TOML_POS.sub("", message).strip()
            raise CaseFileError(
                Problem.at(path, line, f"not valid TOML: {what}", "expected TOML syntax")
            ) from None
        return cls(path, text, data)

    def _scan_headers(self) -> list[tuple[int, str, bool]]:
        """(line number, table name, is array-of-tables) for each header line."""
        headers: list[tuple[int, str, bool]] = []
        in_multiline: str | None = None
        for number, line in enumerate(self._lines, start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote
            if in_multiline:
                continue
            m = _HEADER.match(line)
            if m and "=" not in line.split("#")[0]:
                name = m.group(2).replace('"', "").replace("'", "").replace(" ", "")
                headers.append((number, name, m.group(1) == "[["))
        return headers

    def table_line(self, name: str, index: int | None = None) -> int:
        """The header line of table ``name`` (the ``index``-th for arrays of tables)."""
        seen = 0
        for number, header, is_array in self._headers:
            if header == name:
                if index is None or (is_array and seen == index):
                    return number
                seen += is_array
        return 0

    def key_line(self, key: str, table: str | None = None, index: int | None = None) -> int:
        """The line where ``key`` is set inside a table (top level when ``table`` is None)."""
        start = self.table_line(table, index) if table else 0
        if table and not start:
            return 0
        end = len(self._lines)
        for number, _header, _arr in self._headers:
            if number > start:
                end = number - 1
                break
        for number in range(start + 1, end + 1):
            m = _KEY.match(self._lines[number - 1])
            if m and m.group(1).strip('"') == key:
                return number
        return start

    def problem(
        self,
        what: str,
        expected: str = "",
        *,
        table: str | None = None,
        index: int | None = None,
        key: str | None = None,
    ) -> Problem:
        """A Problem at the line of ``key`` in the given table (or of the table itself)."""
        if key is not None:
            line = self.key_line(key, table, index)
        elif table is not None:
            line = self.table_line(table, index)
        else:
            line = 0
        return Problem(self.display_path, line, what, expected)

    def origin(self, table: str, index: int | None = None, key: str | None = None) -> Origin:
        """Where a table (or one of its keys) is in this file, for a record to keep."""
        line = self.key_line(key, table, index) if key else self.table_line(table, index)
        return Origin(self.display_path, line)
