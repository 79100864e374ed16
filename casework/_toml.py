"""Read TOML input files safely and find the line each table and key is on.

``tomllib`` parses but forgets positions; error messages must name the line, so
this module keeps the text and looks positions up in it. Files are read as data
only: nothing in them is ever evaluated.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from casework.errors import CaseFileError, Problem

__all__ = ["MAX_BYTES", "TomlFile", "read_text"]

#: Input files larger than this are refused before parsing (a case file is a few KiB).
MAX_BYTES = 5 * 1024 * 1024

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Return the file's text, or raise a CaseFileError that says why it cannot be read."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CaseFileError(Problem.at(path, 0, "no such file")) from None
    except OSError as err:
        raise CaseFileError(Problem.at(path, 0, f"cannot read: {err.strerror}")) from None
    if path.is_dir():
        raise CaseFileError(Problem.at(path, 0, "is a folder; expected a file"))
    if size > max_bytes:
        raise CaseFileError(
            Problem.at(
                path,
                0,
                f"file is {size:,} bytes",
                f"expected at most {max_bytes:,} bytes",
            )
        )
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise CaseFileError(Problem.at(path, 0, f"cannot read: {err.strerror}")) from None
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise CaseFileError(Problem.at(path, line, "contains a NUL byte", "expected UTF-8 text"))
    try:
        return raw.decode("utf-8")
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


class TomlFile:
    """A parsed TOML file that remembers where its tables and keys are."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path = path
        self.text = text
        self.data = data
        self._lines = text.splitlines()
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
        return Problem.at(self.path, line, what, expected)
