"""Reading ``documents.toml``: each source document's metadata and its text, which
must lie inside the scenarios folder."""

from __future__ import annotations

import os
from pathlib import Path

from casework.errors import CaseFileError, Problem
from casework.load.schema import Field, table_rows
from casework.load.tomlfile import TomlFile, read_text
from casework.model.documents import KINDS, Document
from casework.model.rules import is_id

__all__ = ["read_documents", "safe_child"]

_SCHEMA = {
    "id": Field(str, required=True),
    "file": Field(str, required=True),
    "title": Field(str, required=True),
    "short_title": Field(str),
    "author": Field(str),
    "date": Field(str),
    "provenance": Field(str),
    "kind": Field(str),
    "lines": Field(list, items=int),
}


def safe_child(root: Path, relative: str) -> Path | None:
    """``root/relative`` if it stays inside ``root`` (no '..', no absolute path, no
    symlink leading out); None otherwise."""
    if not relative or Path(relative).is_absolute() or "\\" in relative:
        return None
    candidate = root / relative
    try:
        # realpath, not resolve: a symlink loop is refused here, not raised
        resolved = Path(os.path.realpath(candidate))
        if not resolved.is_relative_to(Path(os.path.realpath(root))):
            return None
    except OSError:
        return None
    return candidate


def read_documents(path: Path) -> dict[str, Document]:
    """Read ``documents.toml`` and each document's text, which must lie inside its folder."""
    toml = TomlFile.read(path)
    problems: list[Problem] = []
    docs: dict[str, Document] = {}
    for row, where in table_rows(toml, "documents", _SCHEMA, "document", problems):
        did = row["id"]
        if not is_id(did) or did in docs:
            problems.append(
                toml.problem(
                    f"document id {did!r} is not valid or is defined twice",
                    "expected a unique id of letters, digits, '-' or '_'",
                    key="id",
                    **where,
                )
            )
            continue
        file = safe_child(path.parent, row["file"])
        if file is None:
            problems.append(
                toml.problem(
                    f"document {did!r}: file {row['file']!r} is outside the scenarios folder",
                    "expected a path inside " + str(path.parent.name or "."),
                    key="file",
                    **where,
                )
            )
            continue
        try:
            text = read_text(file)
        except CaseFileError as err:
            problems.append(
                toml.problem(
                    f"document {did!r}: {err.problems[0].what} ({row['file']})",
                    err.problems[0].expected or "expected a readable UTF-8 text file",
                    key="file",
                    **where,
                )
            )
            continue
        kind = row.get("kind", "primary")
        if kind not in KINDS:
            problems.append(
                toml.problem(
                    f"document {did!r}: kind {kind!r} is not known",
                    "expected one of: " + ", ".join(KINDS),
                    key="kind",
                    **where,
                )
            )
            continue
        part = _part(row.get("lines"), text)
        if isinstance(part, str):
            problems.append(
                toml.problem(f"document {did!r}: {part}", _PART_EXPECTED, key="lines", **where)
            )
            continue
        if part is not None:
            text = "\n".join(text.split("\n")[part[0] - 1 : part[1]])
        fields = {k: v for k, v in row.items() if k != "lines"}
        docs[did] = Document(text=text, part=part, **fields)
    if problems:
        raise CaseFileError(problems)
    return docs


_PART_EXPECTED = "expected lines = [FIRST, LAST], line numbers of the file counted from 1"


def _part(lines: list[int] | None, text: str) -> tuple[int, int] | str | None:
    """The document's part of its file as (first, last) line, None for the
    whole file, or what is wrong with ``lines``."""
    if lines is None:
        return None
    count = text.count("\n") + (not text.endswith("\n"))
    if len(lines) != 2:
        return f"lines has {len(lines)} numbers"
    first, last = lines
    if not 1 <= first <= last <= count:
        return f"lines {first}–{last} are not lines of the file, which has {count}"
    return first, last
