"""Reading ``people.toml``: people, bodies and groups, and the relations between them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from casework.errors import CaseFileError, Problem
from casework.load.schema import Field, Where, check_table, table_rows
from casework.load.tomlfile import TomlFile
from casework.model.documents import Document, quote_problem
from casework.model.evidence import CASE_BASES, Citation, evidence_rules
from casework.model.people import KINDS, LEVELS, Person, Relation
from casework.model.rules import is_id

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from casework.model.documents import Document

__all__ = ["check_relations", "read_people"]

_SCHEMA = {
    "id": Field(str, required=True),
    "name": Field(str, required=True),
    "full_name": Field(str),
    "kind": Field(str, required=True),
    "level": Field(str),
    "members": Field(list, items=str),
    "members_reasoning": Field(str),
    "description": Field(str),
}


_RELATION_SCHEMA = {
    "person": Field(str, required=True),
    "relation": Field(str, required=True),
    "of": Field(str, required=True),
    "source": Field(str, required=True),
    "locator": Field(str),
    "quote": Field(str, required=True),
    "basis": Field(str),
    "account_of": Field(str),
    "reasoning": Field(str),
}


def read_people(path: Path, documents: Mapping[str, Document] | None = None) -> dict[str, Person]:
    """Read ``people.toml``: every problem in it is reported at once. ``documents``
    (when they could be read) let the relations' quotes be checked with the other
    problems of a file that has some."""
    toml = TomlFile.read(path)
    problems: list[Problem] = []
    people: dict[str, Person] = {}
    rows = toml.data.get("people", [])
    levels = _levels(toml, problems)
    for row, where in table_rows(toml, "people", _SCHEMA, "person", problems):
        pid = row["id"]
        before = len(problems)
        if not is_id(pid):
            problems.append(
                toml.problem(
                    f"person id {pid!r} is not valid",
                    "expected letters, digits, '-' or '_'",
                    key="id",
                    **where,
                )
            )
        elif pid in people:
            problems.append(
                toml.problem(
                    f"person id {pid!r} is defined twice", "expected unique ids", key="id", **where
                )
            )
        if row["kind"] not in KINDS:
            problems.append(
                toml.problem(
                    f"person {pid!r}: kind {row['kind']!r} is not known",
                    "expected one of: " + ", ".join(KINDS),
                    key="kind",
                    **where,
                )
            )
        if row.get("level", "") and row["level"] not in levels:
            problems.append(
                toml.problem(
                    f"person {pid!r}: level {row['level']!r} is not known",
                    "expected one of: " + ", ".join(levels) + " (or list it in levels = [...])",
                    key="level",
                    **where,
                )
            )
        if len(problems) == before:
            people[pid] = Person(**row)
    for i, row in enumerate(rows):
        members = row.get("members", []) if isinstance(row, dict) else []
        for member in members if isinstance(members, list) else []:  # else: check_table's
            if not isinstance(member, str) or member not in people:
                problems.append(
                    toml.problem(
                        f"person {row.get('id')!r}: member {member!r} is not in people.toml",
                        "expected the id of a person defined there",
                        table="people",
                        index=i,
                        key="members",
                    )
                )
    relations, unchecked = _read_relations(toml, people, problems)
    if problems:
        # check_relations is not reached: check every citation here, so that one
        # run reports each relation's quote with its other problems
        if documents is not None:
            problems += _citation_problems([*relations, *unchecked], documents)
        raise CaseFileError(sorted(problems, key=lambda p: (p.path, p.line)))
    for pid, person in people.items():
        mine = tuple(r for r in relations if r.person == pid)
        if mine:
            people[pid] = attrs.evolve(person, relations=mine)
    return people


def _read_relations(
    toml: TomlFile, people: dict[str, Person], problems: list[Problem]
) -> tuple[list[Relation], list[Relation]]:
    """(the relations read, the relations with problems whose citation can
    still be checked); every problem found is added to ``problems``."""
    rows = toml.data.get("relations", [])
    if not isinstance(rows, list):
        problems.append(
            toml.problem(
                "relations is not an array of tables", "expected [[relations]]", table="relations"
            )
        )
        return [], []
    out: list[Relation] = []
    unchecked: list[Relation] = []
    for i, row in enumerate(rows):
        where: Where = {"table": "relations", "index": i}
        found = check_table(toml, row, _RELATION_SCHEMA, label=f"relation {i + 1}", **where)
        if not isinstance(row, dict):
            problems += found
            continue
        # each key is checked on its own: one run reports every problem of a relation
        for key in ("person", "of", "account_of"):
            value = row.get(key)
            if isinstance(value, str) and value.strip() and value not in people:
                found.append(
                    toml.problem(
                        f"relation {i + 1}: {key} {value!r} is not in people.toml",
                        "expected the id of a person or body defined there",
                        key=key,
                        **where,
                    )
                )
        basis = row.get("basis", "stated")
        reasoning = row.get("reasoning", "")
        if isinstance(basis, str) and isinstance(reasoning, str):  # else: check_table's
            account = row.get("account_of", "")
            for broken in evidence_rules(
                basis,
                reasoning,
                bases=CASE_BASES,
                cited=True,
                noun="relation",
                account_of=account if isinstance(account, str) else "",
            ):
                found.append(
                    toml.problem(
                        f"relation {i + 1}: {broken.what}",
                        broken.expected,
                        key=broken.key,
                        **where,
                    )
                )
        problems += found
        source, quote, locator = row.get("source"), row.get("quote"), row.get("locator", "")
        if not (isinstance(source, str) and isinstance(quote, str) and isinstance(locator, str)):
            continue
        relation = Relation(
            person=str(row.get("person", "")),
            relation=str(row.get("relation", "")),
            of=str(row.get("of", "")),
            citation=Citation(source, locator, quote),
            basis=basis if isinstance(basis, str) else "stated",
            account_of=str(row.get("account_of", "")),
            reasoning=reasoning if isinstance(reasoning, str) else "",
            origin=toml.origin("relations", i, key="quote"),
        )
        # a relation with problems is not kept, but its citation is still checked
        (unchecked if found else out).append(relation)
    return out, unchecked


def _citation_problems(
    relations: Iterable[Relation], documents: Mapping[str, Document]
) -> list[Problem]:
    """Each relation's source is a known document and its quote occurs in it verbatim."""
    problems: list[Problem] = []
    for rel in relations:
        path, line = (rel.origin.path, rel.origin.line) if rel.origin else ("people.toml", 0)
        doc = documents.get(rel.citation.document)
        if doc is None:
            problems.append(
                Problem(
                    path,
                    line,
                    f"relation source {rel.citation.document!r} is not in documents.toml",
                    "expected one of: " + ", ".join(documents),
                )
            )
        elif not doc.contains(rel.citation.quote):
            problems.append(
                Problem(
                    path,
                    line,
                    quote_problem(doc, rel.citation.quote),
                    "expected the exact words of the source",
                )
            )
    return problems


def check_relations(
    people: Mapping[str, Person], documents: Mapping[str, Document]
) -> list[Problem]:
    """Every relation's source is a known document and its quote occurs in it verbatim."""
    return _citation_problems((r for p in people.values() for r in p.relations), documents)


def _levels(toml: TomlFile, problems: list[Problem]) -> tuple[str, ...]:
    """The levels a body may have: people.toml's own ``levels``, else the default
    list (volost to Politburo)."""
    levels = toml.data.get("levels")
    if levels is None:
        return LEVELS
    if not isinstance(levels, list) or not levels or not all(is_id(v) for v in levels):
        problems.append(
            toml.problem(
                "levels is not a list of names",
                'expected e.g. levels = ["volost", "uyezd", "gubernia", "central"]',
                key="levels",
            )
        )
        return LEVELS
    return tuple(levels)
