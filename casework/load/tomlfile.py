"""Read TOML input files safely and find the line each table and key is on.

``tomllib`` parses but forgets positions; error messages must name the line, so
this module keeps the text and looks positions up in it. Files are read as data
only: nothing in them is ever evaluated.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from casework.errors import CaseFileError, Problem, display_path, file_kind
from casework.model.evidence import Origin

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_DIGITS", "TomlFile", "read_text"]

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
        kind = file_kind(os.stat(path).st_mode)
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
            kind = file_kind(info.st_mode)
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


def _not_a_file(path: Path, kind: str) -> Problem:
    if kind == "folder":
        return Problem.at(path, 0, "is a folder; expected a file")
    return Problem.at(path, 0, f"not a regular file (a {kind}); expected a text file")


def _too_big(path: Path, size: str, max_bytes: int) -> Problem:
    return Problem.at(path, 0, f"file is {size}", f"expected at most {max_bytes:,} bytes")


#: Arrays and inline tables nested deeper than this are refused before parsing
#: (a case file nests two or three deep; the parser recurses once per level).
MAX_DEPTH = 50
#: A number (or a bare key) of more digits than this is refused before parsing.
MAX_DIGITS = 100

# The parts of a TOML text that matter for positions: strings (whose contents
# are not TOML), comments, brackets, long runs of digits and line ends.
_TOKEN = re.compile(
    r"""
    (?P<ml>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:"{3,5}|\Z)
         |'''(?:[^']|'(?!''))*(?:'{3,5}|\Z))
    |(?P<str>"(?:[^"\\\n]|\\[^\n])*"?|'[^'\n]*'?)
    |(?P<comment>\#[^\n]*)
    |(?P<open>[\[{])
    |(?P<close>[\]}])
    |(?P<digits>[0-9_]{LONG,})
    |(?P<nl>\n)
    """.replace("LONG", str(MAX_DIGITS + 1)),
    re.VERBOSE | re.DOTALL,
)


class _Layout:
    """Where each line of a TOML text starts: inside a multi-line string or not,
    and inside an array or inline table or not. Found in one pass over the
    text, which also finds the first line nested deeper than MAX_DEPTH and the
    first number longer than MAX_DIGITS."""

    def __init__(self, text: str) -> None:
        self.inside: set[int] = set()  # lines that start inside a string, [ ] or { }
        self.too_deep = 0  # the line where nesting first goes past MAX_DEPTH
        self.long_number = (0, 0)  # (line, digits) of the first number too long
        line, depth = 1, 0
        for m in _TOKEN.finditer(text):
            kind = m.lastgroup
            if kind == "nl":
                line += 1
                if depth:
                    self.inside.add(line)
            elif kind == "open":
                depth += 1
                if depth > MAX_DEPTH and not self.too_deep:
                    self.too_deep = line
            elif kind == "close":
                depth = max(depth - 1, 0)
            elif kind == "ml":
                breaks = m.group().count("\n")
                self.inside.update(range(line + 1, line + breaks + 1))
                line += breaks
            elif kind == "digits" and not self.long_number[0]:
                self.long_number = (line, len(m.group().replace("_", "")))


class TomlFile:
    """A parsed TOML file that remembers where its tables and keys are.

    Positions are found once, when the file is read: each table header and, in
    each table, the line of each key; a look-up then costs nothing, whatever
    the size of the file.
    """

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path = path
        #: The path as a user typed it (relative to the working directory when inside it).
        self.display_path = display_path(path)
        self.text = text
        self.data = data
        self._scan(_Layout(text))

    @classmethod
    def read(cls, path: Path) -> TomlFile:
        """Read and parse ``path``; malformed TOML raises CaseFileError with its line,
        and so does a text nested too deep or with a number too long to parse."""
        text = read_text(path)
        if not text.strip():
            raise CaseFileError(Problem.at(path, 0, "file is empty", "expected a TOML document"))
        layout = _Layout(text)
        if layout.too_deep:
            raise CaseFileError(
                Problem.at(
                    path,
                    layout.too_deep,
                    f"arrays or inline tables nested more than {MAX_DEPTH} deep",
                    f"expected at most {MAX_DEPTH} levels of nesting",
                )
            )
        if layout.long_number[0]:
            line, digits = layout.long_number
            raise CaseFileError(
                Problem.at(
                    path,
                    line,
                    f"a number of {digits:,} digits",
                    f"expected a number of at most {MAX_DIGITS} digits",
                )
            )
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
        file = cls.__new__(cls)
        file.path, file.display_path, file.text, file.data = path, display_path(path), text, data
        file._scan(layout)
        return file

    def _scan(self, layout: _Layout) -> None:
        """Each header line, and in each table the first line of each key."""
        #: (line number, table name, is array-of-tables) for each header line.
        self._headers: list[tuple[int, str, bool]] = []
        self._first: dict[str, int] = {}  # table name -> its first header line
        self._arrays: dict[str, list[int]] = {}  # array-of-tables name -> its header lines
        self._keys: dict[int, dict[str, int]] = {0: {}}  # header line -> key -> its line
        self._counts: dict[tuple[str, str], list[int]] = {}  # see count_before
        keys = self._keys[0]
        # Lines as TOML (and tomllib's error positions) count them: only "\n" ends one.
        # str.splitlines would also split at U+2028, U+0085, \x0c ... inside strings.
        for number, line in enumerate(self.text.split("\n"), start=1):
            if number in layout.inside:
                continue
            m = _HEADER.match(line)
            if m and "=" not in line.split("#")[0]:
                name = m.group(2).replace('"', "").replace("'", "").replace(" ", "")
                is_array = m.group(1) == "[["
                self._headers.append((number, name, is_array))
                self._first.setdefault(name, number)
                if is_array:
                    self._arrays.setdefault(name, []).append(number)
                keys = self._keys[number] = {}
                continue
            k = _KEY.match(line)
            if k:
                keys.setdefault(k.group(1).strip('"'), number)

    def table_line(self, name: str, index: int | None = None) -> int:
        """The header line of table ``name`` (the ``index``-th for arrays of tables)."""
        if index is None:
            return self._first.get(name, 0)
        lines = self._arrays.get(name, [])
        return lines[index] if 0 <= index < len(lines) else 0

    def sub_table_line(self, array: str, index: int, name: str) -> int:
        """The header line of ``[ARRAY.NAME]`` inside the ``index``-th ``[[ARRAY]]``
        table (0 when it has none, as when the sub-table is written inline)."""
        start = self.table_line(array, index)
        at = bisect.bisect_right(self._headers, start, key=lambda h: h[0])
        for number, header, _is_array in self._headers[at:]:
            if header == array:  # the next [[array]] table: none inside this one
                return 0
            if header == f"{array}.{name}":
                return number
        return 0

    def count_before(self, table: str, index: int, key: str) -> int:
        """How many items the ``key`` lists of the rows of the top-level array
        ``table`` before row ``index`` hold, all together (-1 when ``table`` is
        not an array): so the index of that row's first ``[[TABLE.KEY]]``.
        Counted once for the file, not once for each row."""
        counts = self._counts.get((table, key))
        if counts is None:
            rows = self.data.get(table)
            if not isinstance(rows, list):
                return -1
            sizes = (
                len(r[key]) if isinstance(r, Mapping) and isinstance(r.get(key), list) else 0
                for r in rows
            )
            counts = self._counts[table, key] = list(itertools.accumulate(sizes, initial=0))
        return counts[min(max(index, 0), len(counts) - 1)]

    def key_line(self, key: str, table: str | None = None, index: int | None = None) -> int:
        """The line where ``key`` is set inside a table (top level when ``table`` is None)."""
        start = self.table_line(table, index) if table else 0
        if table and not start:
            return 0
        return self._keys.get(start, {}).get(key, start)

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
