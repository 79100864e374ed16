"""Cases: one person's case file, its events in order, read and checked from TOML."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from casework.errors import CaseFileError, Problem
from casework.load.schema import Field, check_table, table_rows
from casework.load.tomlfile import TomlFile
from casework.model.case import Case
from casework.model.documents import Document
from casework.model.events import Event
from casework.model.evidence import CASE_BASES, WHATIF_BASES
from casework.model.people import Person
from casework.model.procedure import Procedure
from casework.model.rules import event_rules, is_id

__all__ = ["Case", "read_case"]

_CASE_SCHEMA = {
    "id": Field(str, required=True),
    "title": Field(str, required=True),
    "person": Field(str, required=True),
    "procedure": Field(str),
    "summary": Field(str),
}

EVENT_SCHEMA = {
    "id": Field(str, required=True),
    "kind": Field(str, required=True),
    "date": Field(str),
    "calendar": Field(str),
    "date_basis": Field(str),
    "actors": Field(list, items=str),
    "recipients": Field(list, items=str),
    "summary": Field(str, required=True),
    "source": Field(str),
    "locator": Field(str),
    "quote": Field(str),
    "basis": Field(str),
    "account_of": Field(str),
    "reasoning": Field(str),
    "inferred": Field(dict),
    "citations": Field(list, items=dict),
    "refers_to": Field(str),
    "note": Field(str),
}

#: An ``[[events.citations]]`` table: a further citation of the event.
CITATION_SCHEMA = {
    "source": Field(str, required=True),
    "locator": Field(str),
    "quote": Field(str, required=True),
    "basis": Field(str),
    "account_of": Field(str),
    "reasoning": Field(str),
}


@attrs.frozen
class Context:
    """What a case file is checked against: procedures, people and documents."""

    procedures: Mapping[str, Procedure]
    people: Mapping[str, Person]
    documents: Mapping[str, Document]

    def procedure_for(self, name: str | None) -> Procedure | None:
        """The procedure a case names; a case that names none follows the folder's
        own, in procedure.toml (the first read)."""
        if name is None and self.procedures:
            return next(iter(self.procedures.values()))
        return self.procedures.get(name or "")


def check_event_row(
    toml: TomlFile,
    row: Mapping[str, Any],
    ctx: Context,
    procedure: Procedure | None,
    *,
    table: str,
    index: int,
    label: str,
    allow_hypothetical: bool = False,
) -> list[Problem]:
    """Every problem with one event table: keys, references, date, quote."""
    problems = check_table(toml, row, EVENT_SCHEMA, table=table, index=index, label=label)
    first = _first_citation(toml, table, index)
    for n, more in enumerate(row.get("citations", []) if isinstance(row, Mapping) else []):
        sub_table, sub_index = (f"{table}.citations", first + n) if first >= 0 else (table, index)
        problems += check_table(
            toml,
            more,
            CITATION_SCHEMA,
            label=f"{label}: citation {n + 1}",
            table=sub_table,
            index=sub_index,
        )
    if problems:
        return problems
    bases = WHATIF_BASES if allow_hypothetical else CASE_BASES
    for broken in event_rules(
        row,
        kinds=procedure.triggers if procedure is not None else None,
        bases=bases,
        people=ctx.people,
        documents=ctx.documents,
    ):
        key, at_table, at_index = broken.key, table, index
        if key is not None and key.startswith("citations."):
            _, number, key = key.split(".", 2)
            if first >= 0:
                at_table, at_index = f"{table}.citations", first + int(number) - 1
        problem = toml.problem(
            f"{label}: {broken.what}",
            broken.expected,
            key=key or None,
            table=at_table,
            index=at_index,
        )
        if key == "inferred" and (line := toml.sub_table_line(table, index, "inferred")):
            problem = attrs.evolve(problem, line=line)  # written as [events.inferred]
        problems.append(problem)
    return problems


def _first_citation(toml: TomlFile, table: str, index: int) -> int:
    """How many ``[[TABLE.citations]]`` tables stand before those of row ``index``
    (-1 when the rows are not a file's top-level array)."""
    return toml.count_before(table, index, "citations")


def read_case(path: Path, ctx: Context) -> Case:
    """Read and check one case file; every problem found is reported at once."""
    toml = TomlFile.read(path)
    data = toml.data
    problems: list[Problem] = []
    head = data.get("case")
    if head is None:
        raise CaseFileError(toml.problem("missing [case] table", "expected id, title and person"))
    problems += check_table(toml, head, _CASE_SCHEMA, table="case", label="[case]")
    for key in data:
        if key not in ("case", "events", "roles"):
            problems.append(
                toml.problem(
                    f"unknown table {key!r}",
                    "expected [case], [[events]] and [[roles]]",
                    table=key,
                )
            )
    if problems:
        raise CaseFileError(problems)
    case_id = head["id"]
    if not is_id(case_id):
        problems.append(
            toml.problem(
                f"case id {case_id!r} is not valid",
                "expected letters, digits, '-' or '_'",
                table="case",
                key="id",
            )
        )
    if head["person"] not in ctx.people:
        problems.append(
            toml.problem(
                f"person {head['person']!r} is not in people.toml",
                "expected the id of a person defined there",
                table="case",
                key="person",
            )
        )
    procedure = ctx.procedure_for(head.get("procedure"))
    if procedure is None:
        problems.append(
            toml.problem(
                f"procedure {head.get('procedure')!r} is not known",
                "expected one of: " + ", ".join(ctx.procedures),
                table="case",
                key="procedure",
            )
        )
    roles = _roles(toml, ctx, problems)
    rows = data.get("events", [])
    if not isinstance(rows, list) or not rows:
        problems.append(toml.problem("no [[events]]", "expected at least one event"))
        rows = []
    events: list[Event] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        label = (
            f"event {row.get('id')!r}"
            if isinstance(row, Mapping) and isinstance(row.get("id"), str)
            else f"event {i + 1}"
        )
        found = check_event_row(toml, row, ctx, procedure, table="events", index=i, label=label)
        if not found and row["id"] in seen:
            found.append(
                toml.problem(
                    f"{label}: id is used twice",
                    f"expected unique ids (first used by event {seen[row['id']]})",
                    table="events",
                    index=i,
                    key="id",
                )
            )
        problems += found
        if not found:
            seen[row["id"]] = i + 1
            origin = toml.origin("events", i)
            events.append(Event.from_mapping(row, case=case_id, seq=i + 1, origin=origin))
    if problems:
        raise CaseFileError(problems)
    assert procedure is not None
    return Case(
        id=case_id,
        title=head["title"],
        person=head["person"],
        procedure=procedure.id,
        summary=head.get("summary", ""),
        events=tuple(events),
        roles=roles,
        origin=str(path),
    )


_ROLE_SCHEMA = {"person": Field(str, required=True), "role": Field(str, required=True)}


def _roles(toml: TomlFile, ctx: Context, problems: list[Problem]) -> list[tuple[str, str]]:
    """``[[roles]]``: what this case says of a person (people.toml says what is
    true of them in every case)."""
    out: list[tuple[str, str]] = []
    for row, where in table_rows(toml, "roles", _ROLE_SCHEMA, "role", problems):
        if row["person"] not in ctx.people:
            problems.append(
                toml.problem(
                    f"role: person {row['person']!r} is not in people.toml",
                    "expected the id of a person or body defined there",
                    key="person",
                    **where,
                )
            )
            continue
        out.append((row["person"], row["role"]))
    return out
