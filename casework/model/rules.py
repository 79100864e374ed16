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
from casework.model.evidence import CASE_BASES, PARTS, Broken, evidence_rules

__all__ = ["event_rules", "is_id"]


def _shown(value: object, limit: int = 60) -> str:
    """A value from a file, quoted, cut to ``limit`` characters, anything not ASCII
    escaped (a Cyrillic 'е' in a kind shows as \\u0435): a message stays one
    readable line whatever a file holds, and a look-alike shows as one."""
    text = ascii(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
            Broken(
                "id", f"id {_shown(row['id'])} is not valid", "expected letters, digits, '-' or '_'"
            )
        )
    kind = row["kind"]
    if kinds is not None and kind != BACKGROUND and kind not in kinds:
        found.append(
            Broken(
                "kind",
                f"unknown kind {_shown(kind)}",
                "expected one of: " + ", ".join((*kinds, BACKGROUND)),
            )
        )
    basis = row.get("basis", "stated")
    cited = "quote" in row or "source" in row
    found += evidence_rules(
        basis,
        row.get("reasoning", ""),
        bases=bases,
        cited=cited,
        account_of=row.get("account_of", ""),
    )
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
    calendar = row.get("calendar", "gregorian")
    for key in ("date", "refers_to"):
        if key in row:
            try:
                HistDate.parse(row[key], calendar)
            except ValueError as err:
                what, _, expected = str(err).partition("; ")
                found.append(Broken(key, what if key == "date" else f"refers_to: {what}", expected))
    if "calendar" in row and "date" not in row:
        found.append(
            Broken("calendar", "calendar without a date", "expected date = an EDTF string")
        )
    for part, reasoning in row.get("inferred", {}).items():
        if part not in PARTS:
            found.append(
                Broken(
                    "inferred",
                    f"inferred part {_shown(part)} is not known",
                    "expected some of: " + ", ".join(PARTS),
                )
            )
        elif not isinstance(reasoning, str) or not reasoning.strip():
            found.append(
                Broken(
                    "inferred",
                    f"the inferred {part} has no reasoning",
                    f"expected {part} = why the modeller infers it",
                )
            )
    if people is not None:
        for key in ("actors", "recipients"):
            for pid in row.get(key, []):
                if pid not in people:
                    found.append(
                        Broken(
                            key,
                            f"{key[:-1]} {_shown(pid)} is not in people.toml",
                            "expected the id of a person or body defined there",
                        )
                    )
    found += _citation_rules(row, basis, "", people, documents)
    for n, more in enumerate(row.get("citations", ()), start=1):
        where = f"citations.{n}."
        more_basis = more.get("basis", "stated")
        for b in evidence_rules(
            more_basis,
            more.get("reasoning", ""),
            bases=CASE_BASES,
            cited=True,
            noun="citation",
            account_of=more.get("account_of", ""),
        ):
            found.append(Broken(where + (b.key or ""), f"citation {n}: {b.what}", b.expected))
        for b in _citation_rules(more, more_basis, f"citation {n}: ", people, documents):
            found.append(Broken(where + (b.key or ""), b.what, b.expected))
    return found


def _citation_rules(
    row: Mapping[str, Any],
    basis: str,
    label: str,
    people: Collection[str] | None,
    documents: Mapping[str, Document] | None,
) -> list[Broken]:
    """A citation's source is a known document of the right kind, its quote is
    not empty and stands in that document, and whose account it reports is
    known."""
    found: list[Broken] = []
    account = row.get("account_of", "")
    if people is not None and account and account not in people:
        found.append(
            Broken(
                "account_of",
                f"{label}account_of {_shown(account)} is not in people.toml",
                "expected the id of the person whose account the source reports",
            )
        )
    if row.get("quote") == "":
        found.append(
            Broken("quote", f"{label}quote is empty", "expected the exact words of the source")
        )
    source = row.get("source")
    if documents is None or not isinstance(source, str) or row.get("quote") == "":
        return found
    doc = documents.get(source)
    if doc is None:
        found.append(
            Broken(
                "source",
                f"{label}source {_shown(source)} is not in documents.toml",
                "expected one of: " + ", ".join(documents),
            )
        )
        return found
    if doc.is_secondary and basis not in ("secondary", "inferred"):
        found.append(
            Broken(
                "basis",
                f"{label}document {source!r} is a secondary work, but basis is {basis!r}",
                'expected basis = "secondary" (or "inferred", with reasoning)',
            )
        )
    if basis == "secondary" and not doc.is_secondary:
        found.append(
            Broken(
                "basis",
                f"{label}basis is 'secondary', but document {source!r} is a primary source",
                'expected a document with kind = "secondary" in documents.toml',
            )
        )
    quote = row.get("quote")
    if isinstance(quote, str) and not doc.contains(quote):
        other = next(
            (
                d
                for d in documents.values()
                if d.id != doc.id and d.file == doc.file and d.contains(quote)
            ),
            None,
        )
        elsewhere = ""
        if other is not None:
            lines = f", lines {other.part[0]}–{other.part[1]}" if other.part else ""
            elsewhere = f"document {other.id!r}{lines}"
        found.append(
            Broken(
                "quote",
                label + quote_problem(doc, quote, elsewhere=elsewhere),
                "expected the exact words of the source",
            )
        )
    return found
