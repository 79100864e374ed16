"""Reading ``documents.toml``: each source document's metadata and its text, which
must lie inside the scenarios folder."""

from __future__ import annotations

from pathlib import Path

from casework.errors import CaseFileError, Problem
from casework.load.schema import Field, table_rows
from casework.load.tomlfile import TomlFile, read_text
from casework.model.documents import Document
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
}


def safe_child(root: Path, relative: str) -> Path | None:
    """``root/relative`` if it stays inside ``root`` (no '..', no absolute path, no
    symlink leading out); None otherwise."""
    if not relative or Path(relative).is_absolute() or "\\" in relative:
        return None
    candidate = root / relative
    try:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root.resolve()):
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
        docs[did] = Document(text=text, **row)
    if problems:
        raise CaseFileError(problems)
    return docs
