"""The rules an event (and any other sourced statement) obeys, written once.

Case files, what-if events, archive rows and the relations in ``people.toml``
all ask here, so that one statement gets one verdict, in the same words,
wherever it is written. A rule that is broken is a :class:`Broken`: the key it
is about, what is wrong, and what was expected; readers add the file and line.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from casework.model.dates import HistDate
from casework.model.documents import Document, quote_problem
from casework.model.events import BACKGROUND
from casework.model.evidence import CASE_BASES, Broken, evidence_rules

__all__ = ["event_rules", "is_id"]


def is_id(value: object) -> bool:
    """Ids are short names of letters, digits, '-' and '_' (no spaces, no paths)."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= 80
        and value.replace("-", "").replace("_", "").isalnum()
        and value.isascii()
    )


def event_rules(
    row: Mapping[str, Any],
    *,
    kinds: Collection[str] | None,
    bases: Collection[str] = CASE_BASES,
    people: Collection[str] | None = None,
    documents: Mapping[str, Document] | None = None,
    citation_required: bool = True,
) -> list[Broken]:
    """Every rule one event breaks. ``row`` holds the event's keys as a case file
    writes them (a key that is absent is not in it); ``kinds`` are the
    procedure's triggers (None: not known here); ``people`` and ``documents``,
    when given, are what actors, recipients and sources must name; without
    ``citation_required`` (archives), an event may cite no source."""
    found: list[Broken] = []
    if not is_id(row["id"]):
        found.append(
            Broken("id", f"id {row['id']!r} is not valid", "expected letters, digits, '-' or '_'")
        )
    kind = row["kind"]
    if kinds is not None and kind != BACKGROUND and kind not in kinds:
        found.append(
            Broken(
                "kind",
                f"unknown kind {kind!r}",
                "expected one of: " + ", ".join((*kinds, BACKGROUND)),
            )
        )
    basis = row.get("basis", "stated")
    cited = "quote" in row or "source" in row
    found += evidence_rules(basis, row.get("reasoning", ""), bases=bases, cited=cited)
    if citation_required and not (basis == "hypothetical" and basis in bases):
        for key in ("source", "quote"):
            if key not in row:
                found.append(
                    Broken(
                        None,
                        f"missing key {key!r}",
                        f"expected {key} = a string (every event cites its source)",
                    )
                )
    if "date" in row:
        try:
            HistDate.parse(row["date"], row.get("calendar", "gregorian"))
        except ValueError as err:
            what, _, expected = str(err).partition("; ")
            found.append(Broken("date", what, expected))
    elif "calendar" in row:
        found.append(
            Broken("calendar", "calendar without a date", "expected date = an EDTF string")
        )
    if people is not None:
        for key in ("actors", "recipients"):
            for pid in row.get(key, []):
                if pid not in people:
                    found.append(
                        Broken(
                            key,
                            f"{key[:-1]} {pid!r} is not in people.toml",
                            "expected the id of a person or body defined there",
                        )
                    )
    if row.get("quote") == "":
        found.append(Broken("quote", "quote is empty", "expected the exact words of the source"))
    source = row.get("source")
    if documents is not None and isinstance(source, str) and row.get("quote") != "":
        doc = documents.get(source)
        if doc is None:
            found.append(
                Broken(
                    "source",
                    f"source {source!r} is not in documents.toml",
                    "expected one of: " + ", ".join(documents),
                )
            )
        elif "quote" in row and not doc.contains(row["quote"]):
            found.append(
                Broken(
                    "quote",
                    quote_problem(doc, row["quote"]),
                    "expected the exact words of the source",
                )
            )
    return found
