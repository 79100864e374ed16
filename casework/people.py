"""People and bodies: records shared across cases, defined once, referenced by id."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import attrs

from casework._schema import Field, check_table, is_id
from casework._toml import TomlFile
from casework.errors import CaseFileError, Problem

__all__ = ["Person", "read_people"]

PersonKind = Literal["person", "body", "group"]
KINDS = ("person", "body", "group")
LEVELS = ("district", "gubernia", "central")

_SCHEMA = {
    "id": Field(str, required=True),
    "name": Field(str, required=True),
    "full_name": Field(str),
    "kind": Field(str, required=True),
    "level": Field(str),
    "members": Field(list, items=str),
    "description": Field(str),
}


@attrs.frozen(kw_only=True)
class Person:
    """A person, a commission or another body, or a group of people acting together."""

    id: str
    name: str
    kind: PersonKind = "person"
    full_name: str = ""
    level: str = ""
    members: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    description: str = ""


def read_people(path: Path) -> dict[str, Person]:
    """Read ``people.toml``: every problem in it is reported at once."""
    toml = TomlFile.read(path)
    rows = toml.data.get("people", [])
    problems: list[Problem] = []
    if not isinstance(rows, list):
        raise CaseFileError(toml.problem("people is not an array of tables", "expected [[people]]"))
    people: dict[str, Person] = {}
    for i, row in enumerate(rows):
        where = {"table": "people", "index": i}
        label = f"person {row['id']!r}" if isinstance(row, dict) and isinstance(row.get("id"), str) else f"person {i + 1}"
        found = check_table(toml, row, _SCHEMA, label=label, **where)
        if found:
            problems += found
            continue
        pid = row["id"]
        before = len(problems)
        if not is_id(pid):
            problems.append(toml.problem(f"person id {pid!r} is not valid", "expected letters, digits, '-' or '_'", key="id", **where))
        elif pid in people:
            problems.append(toml.problem(f"person id {pid!r} is defined twice", "expected unique ids", key="id", **where))
        if row["kind"] not in KINDS:
            problems.append(toml.problem(f"person {pid!r}: kind {row['kind']!r} is not known", "expected one of: " + ", ".join(KINDS), key="kind", **where))
        if row.get("level", "") and row["level"] not in LEVELS:
            problems.append(toml.problem(f"person {pid!r}: level {row['level']!r} is not known", "expected one of: " + ", ".join(LEVELS), key="level", **where))
        if len(problems) == before:
            people[pid] = Person(**row)
    for i, row in enumerate(rows):
        for member in row.get("members", []) if isinstance(row, dict) else []:
            if member not in people:
                problems.append(toml.problem(f"person {row.get('id')!r}: member {member!r} is not in people.toml", "expected the id of a person defined there", table="people", index=i, key="members"))
    if problems:
        raise CaseFileError(problems)
    return people
