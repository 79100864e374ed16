"""Checks a TOML table's keys and types against a small schema, reporting every problem.

Shared by the readers of people, documents, case files and what-ifs, so that
each kind of file gets the same messages: unknown keys, missing keys, wrong
types, each with its line.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, TypedDict

import attrs

from casework.errors import CaseFileError, Problem
from casework.load.tomlfile import TomlFile

__all__ = ["Field", "Where", "check_table", "table_rows"]

_TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "a whole number",
    list: "a list",
    dict: "a table",
}


@attrs.frozen
class Field:
    """One key of a table: its type, whether it is required, and list item type."""

    type: builtins.type
    required: bool = False
    items: builtins.type | None = None

    def describe(self) -> str:
        if self.type is list and self.items is str:
            return "a list of strings"
        if self.type is list and self.items is dict:
            return "a list of tables"
        return _TYPE_NAMES.get(self.type, self.type.__name__)


class Where(TypedDict):
    """Where a row is in its file: the keywords of ``toml.problem(..., **where)``."""

    table: str
    index: int | None


def check_table(
    toml: TomlFile,
    row: Any,
    schema: Mapping[str, Field],
    *,
    table: str,
    index: int | None = None,
    label: str,
) -> list[Problem]:
    """Every problem with one table's keys and value types; [] when it is fine."""
    if not isinstance(row, Mapping):
        return [toml.problem(f"{label} is not a table", "expected a TOML table", table=table)]
    problems: list[Problem] = []
    where: Where = {"table": table, "index": index}
    for key in row:
        if key not in schema:
            problems.append(
                toml.problem(
                    f"{label}: unknown key {key!r}",
                    "expected one of: " + ", ".join(schema),
                    key=key,
                    **where,
                )
            )
    for key, field in schema.items():
        if key not in row:
            if field.required:
                problems.append(
                    toml.problem(
                        f"{label}: missing key {key!r}",
                        f"expected {key} = {field.describe()}",
                        **where,
                    )
                )
            continue
        value = row[key]
        ok = isinstance(value, field.type) and not (field.type is int and isinstance(value, bool))
        if ok and field.items is not None:
            ok = all(isinstance(v, field.items) for v in value)
        if ok and field.type is str and field.required and not value.strip():
            ok = False
        if not ok:
            problems.append(
                toml.problem(
                    f"{label}: {key} is {_describe(value)}",
                    f"expected {field.describe()}"
                    + (" (not empty)" if field.type is str and field.required else ""),
                    key=key,
                    **where,
                )
            )
    return problems


def _describe(value: Any) -> str:
    if isinstance(value, dt.date | dt.time):
        return f"the TOML date/time {value.isoformat()} (unquoted)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else f"the string {value[:40]!r}"
    if isinstance(value, int | float):
        return f"{value!r} (a number)"
    if isinstance(value, list):
        return "a list" + (" with non-string items" if value else "")
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


def table_rows(
    toml: TomlFile,
    name: str,
    schema: Mapping[str, Field],
    noun: str,
    problems: list[Problem],
) -> Iterator[tuple[Mapping[str, Any], Where]]:
    """Yield ``(row, where)`` for each well-formed ``[[name]]`` table.

    Rows with problems are not yielded; their problems go to ``problems``.
    ``where`` locates the row for further problems (``toml.problem(..., **where)``).
    """
    rows = toml.data.get(name, [])
    if not isinstance(rows, list):
        raise CaseFileError(
            toml.problem(f"{name} is not an array of tables", f"expected [[{name}]]")
        )
    for i, row in enumerate(rows):
        where: Where = {"table": name, "index": i}
        has_id = isinstance(row, Mapping) and isinstance(row.get("id"), str)
        label = f"{noun} {row['id']!r}" if has_id else f"{noun} {i + 1}"
        found = check_table(toml, row, schema, label=label, **where)
        problems += found
        if not found:
            yield row, where
