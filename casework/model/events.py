"""Event records: dated, sourced statements about a case ("factoids").

Each event says what happened, when, who did it to whom, and rests on exact
words in a shipped source. Events are frozen; what-ifs derive new ones with
``attrs.evolve``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from casework.model.dates import HistDate
from casework.model.evidence import (
    PARTS,
    WHATIF_BASES,
    Basis,
    Broken,
    Citation,
    InvalidRecord,
    Origin,
    evidence_rules,
)

__all__ = ["BACKGROUND", "Event"]

#: The kind of an event that is evidence on the timeline but does not move the state.
BACKGROUND = "background"


def _iso(day: tuple[int, int, int] | None) -> str | None:
    """A New Style bound as an ISO day (None for an open end), for sorting and filtering."""
    return f"{day[0]:04d}-{day[1]:02d}-{day[2]:02d}" if day else None


def _tuple_of_str(value: Any) -> tuple[str, ...]:
    return tuple(value)


def _tuple_of_citations(value: Any) -> tuple[Citation, ...]:
    return tuple(value)


def _sorted_parts(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(dict(value).items()))


@attrs.frozen(kw_only=True)
class Event:
    """One dated event in a case history.

    ``kind`` is a trigger of the procedure (it moves the state) or
    ``"background"`` (it does not). ``basis`` says on what the event as a whole
    rests: its source's author states it, the author reports ``account_of``'s
    account, a secondary work says it, the modeller infers it (``reasoning``
    says why), or it is a what-if's hypothesis. ``citations`` are the words it
    rests on, the first being the main one, each with its own basis; only a
    hypothetical event has none. ``inferred`` marks parts of an event (its
    actors, its date, ...) that the modeller infers although the event itself
    is in the source, each with its reasoning. ``refers_to`` is the time the
    event is about, when that is not its own (a hearing set for 28 Dec).
    """

    id: str
    case: str
    seq: int
    kind: str
    date: HistDate
    summary: str
    actors: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    recipients: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    citations: tuple[Citation, ...] = attrs.field(default=(), converter=_tuple_of_citations)
    basis: Basis = "stated"
    account_of: str = ""
    reasoning: str = ""
    inferred: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_sorted_parts)
    date_basis: str = ""
    #: True when a what-if gave the event a date the sources do not (see ``date_basis``).
    date_hypothetical: bool = False
    refers_to: HistDate | None = None
    note: str = ""
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        broken = evidence_rules(
            self.basis,
            self.reasoning,
            bases=WHATIF_BASES,
            cited=bool(self.citations),
            account_of=self.account_of,
        )
        for part, reasoning in self.inferred:
            if part not in PARTS:
                broken.append(Broken("inferred", f"part {part!r} cannot be inferred on its own"))
            elif not reasoning.strip():
                broken.append(Broken("inferred", f"the inferred {part} has no reasoning"))
        if broken:
            raise InvalidRecord(f"event {self.id!r}", broken)

    @property
    def moves_state(self) -> bool:
        """False for background facts, which appear on the timeline only."""
        return self.kind != BACKGROUND

    @property
    def citation(self) -> Citation | None:
        """The main citation (None for a hypothetical event)."""
        return self.citations[0] if self.citations else None

    @property
    def quote(self) -> str:
        """The main quoted words, or "" for a hypothetical event."""
        return self.citations[0].quote if self.citations else ""

    def to_mapping(self) -> dict[str, Any]:
        """A plain, JSON-ready mapping (the inverse of the case-file form)."""
        out: dict[str, Any] = {
            "id": self.id,
            "seq": self.seq,
            "kind": self.kind,
            "date": self.date.edtf,
            "calendar": self.date.calendar,
            "date_display": self.date.display(),
            "ns_from": _iso(self.date.lower),
            "ns_to": _iso(self.date.upper),
            "summary": self.summary,
            "actors": list(self.actors),
            "recipients": list(self.recipients),
            "basis": self.basis,
            "account_of": self.account_of or None,
            "source": None,
            "locator": None,
            "quote": None,
            "citations": [c.to_mapping() for c in self.citations],
            "inferred": dict(self.inferred),
            "refers_to": self.refers_to.edtf if self.refers_to else None,
        }
        if self.citations:
            first = self.citations[0]
            out.update(source=first.document, locator=first.locator, quote=first.quote)
        if self.date_hypothetical:  # only a what-if's re-dated events
            out["date_hypothetical"] = True
        for key in ("reasoning", "date_basis", "note"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out

    @classmethod
    def from_mapping(
        cls,
        row: Mapping[str, Any],
        *,
        case: str,
        seq: int,
        origin: Origin | None = None,
    ) -> Event:
        """Build an event from a case-file table (whose keys and types the reader
        has checked): the main citation from ``source``, ``locator`` and ``quote``,
        more from ``[[events.citations]]``."""
        calendar = row.get("calendar", "gregorian")
        date = HistDate.parse(row["date"], calendar) if "date" in row else HistDate.unknown()
        basis = row.get("basis", "stated")
        citations = []
        if "quote" in row:
            citations.append(
                Citation(
                    row["source"],
                    row.get("locator", ""),
                    row["quote"],
                    basis if basis != "hypothetical" else "stated",
                    row.get("account_of", ""),
                    row.get("reasoning", "") if basis == "inferred" else "",
                )
            )
        for more in row.get("citations", ()):
            citations.append(
                Citation(
                    more["source"],
                    more.get("locator", ""),
                    more["quote"],
                    more.get("basis", "stated"),
                    more.get("account_of", ""),
                    more.get("reasoning", ""),
                )
            )
        return cls(
            id=row["id"],
            case=case,
            seq=seq,
            kind=row["kind"],
            date=date,
            summary=row.get("summary", ""),
            actors=row.get("actors", ()),
            recipients=row.get("recipients", ()),
            citations=citations,
            basis=basis,
            account_of=row.get("account_of", ""),
            reasoning=row.get("reasoning", ""),
            inferred=row.get("inferred", {}),
            date_basis=row.get("date_basis", ""),
            refers_to=HistDate.parse(row["refers_to"], calendar) if "refers_to" in row else None,
            note=row.get("note", ""),
            origin=origin,
        )
