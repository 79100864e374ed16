"""Cases: one person's case file, its events in order, read and checked from TOML."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from casework.errors import CaseFileError, Problem
from casework.load.schema import Field, Where, check_table, is_id
from casework.load.tomlfile import TomlFile
from casework.model.case import Case
from casework.model.dates import HistDate
from casework.model.documents import Document, quote_problem
from casework.model.events import BACKGROUND, Event
from casework.model.people import Person
from casework.model.procedure import Procedure

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
    "reasoning": Field(str),
    "note": Field(str),
}


@attrs.frozen
class Context:
    """What a case file is checked against: procedures, people and documents."""

    procedures: Mapping[str, Procedure]
    people: Mapping[str, Person]
    documents: Mapping[str, Document]

    def procedure_for(self, name: str | None) -> Procedure | None:
        if name is None and len(self.procedures) == 1:
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
    if problems:
        return problems
    where: Where = {"table": table, "index": index}

    def add(what: str, expected: str, key: str | None = None) -> None:
        problems.append(toml.problem(f"{label}: {what}", expected, key=key, **where))

    if not is_id(row["id"]):
        add(f"id {row['id']!r} is not valid", "expected letters, digits, '-' or '_'", "id")
    kind = row["kind"]
    if procedure is not None and kind != BACKGROUND and kind not in procedure.triggers:
        add(
            f"unknown kind {kind!r}",
            "expected one of: " + ", ".join((*procedure.triggers, BACKGROUND)),
            "kind",
        )
    bases = ("stated", "inferred", "hypothetical") if allow_hypothetical else ("stated", "inferred")
    basis = row.get("basis", "stated")
    if basis not in bases:
        add(f"basis {basis!r} is not known", "expected one of: " + ", ".join(bases), "basis")
    if basis == "inferred" and not row.get("reasoning", "").strip():
        add(
            "an inferred event has no reasoning",
            "expected reasoning = why the modeller infers it",
            "basis",
        )
    if basis == "stated" and row.get("reasoning", "").strip():
        add(
            "reasoning is given but basis is 'stated'",
            'expected basis = "inferred" (the reasoning is the modeller\'s) or no reasoning',
            "reasoning",
        )
    if basis == "hypothetical" and allow_hypothetical:
        if "quote" in row or "source" in row:
            add(
                "a hypothetical event quotes a source",
                "expected reasoning instead of source and quote",
                "quote",
            )
        if not row.get("reasoning", "").strip():
            add(
                "a hypothetical event has no reasoning",
                "expected reasoning = why this might have happened",
                "basis",
            )
    else:
        for key in ("source", "quote"):
            if key not in row:
                add(
                    f"missing key {key!r}",
                    f"expected {key} = a string (every event cites its source)",
                )
    if "date" in row:
        try:
            HistDate.parse(row["date"], row.get("calendar", "gregorian"))
        except ValueError as err:
            add(str(err), "", "date")
    elif "calendar" in row:
        add("calendar without a date", "expected date = an EDTF string", "calendar")
    for key in ("actors", "recipients"):
        for pid in row.get(key, []):
            if pid not in ctx.people:
                add(
                    f"{key[:-1]} {pid!r} is not in people.toml",
                    "expected the id of a person or body defined there",
                    key,
                )
    if row.get("quote") == "":
        add("quote is empty", "expected the exact words of the source", "quote")
    source = row.get("source")
    if isinstance(source, str) and row.get("quote") != "":
        doc = ctx.documents.get(source)
        if doc is None:
            add(
                f"source {source!r} is not in documents.toml",
                "expected one of: " + ", ".join(ctx.documents),
                "source",
            )
        elif "quote" in row and not doc.contains(row["quote"]):
            add(quote_problem(doc, row["quote"]), "expected the exact words of the source", "quote")
    return problems


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
        if key not in ("case", "events"):
            problems.append(
                toml.problem(f"unknown table {key!r}", "expected [case] and [[events]]", table=key)
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
        origin=str(path),
    )
