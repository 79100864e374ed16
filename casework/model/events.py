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
    WHATIF_BASES,
    Basis,
    Citation,
    InvalidRecord,
    Origin,
    evidence_rules,
)

__all__ = ["BACKGROUND", "Event"]

#: The kind of an event that is evidence on the timeline but does not move the state.
BACKGROUND = "background"


def _tuple_of_str(value: Any) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Event:
    """One dated event in a case history.

    ``kind`` is a trigger of the procedure (it moves the state) or
    ``"background"`` (it does not). ``basis`` says whether the source states it,
    the modeller inferred it (``reasoning`` says why), or it is a what-if's
    hypothesis. ``citation`` is None only for hypothetical events.
    """

    id: str
    case: str
    seq: int
    kind: str
    date: HistDate
    summary: str
    actors: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    recipients: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    citation: Citation | None = None
    basis: Basis = "stated"
    reasoning: str = ""
    date_basis: str = ""
    #: True when a what-if gave the event a date the sources do not (see ``date_basis``).
    date_hypothetical: bool = False
    note: str = ""
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        broken = evidence_rules(
            self.basis, self.reasoning, bases=WHATIF_BASES, cited=self.citation is not None
        )
        if broken:
            raise InvalidRecord(f"event {self.id!r}", broken)

    @property
    def moves_state(self) -> bool:
        """False for background facts, which appear on the timeline only."""
        return self.kind != BACKGROUND

    @property
    def quote(self) -> str:
        """The quoted words, or "" for a hypothetical event."""
        return self.citation.quote if self.citation else ""

    def to_mapping(self) -> dict[str, Any]:
        """A plain, JSON-ready mapping (the inverse of the case-file form)."""
        out: dict[str, Any] = {
            "id": self.id,
            "seq": self.seq,
            "kind": self.kind,
            "date": self.date.edtf,
            "calendar": self.date.calendar,
            "date_display": self.date.display(),
            "summary": self.summary,
            "actors": list(self.actors),
            "recipients": list(self.recipients),
            "basis": self.basis,
        }
        if self.citation:
            out["source"] = self.citation.document
            out["locator"] = self.citation.locator
            out["quote"] = self.citation.quote
        else:
            out["quote"] = None
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
        """Build an event from a case-file table. Raises ValueError naming the bad key.

        The caller has already checked the keys' presence and types; this turns
        the row into records (parsing the date).
        """
        date = (
            HistDate.parse(row["date"], row.get("calendar", "gregorian"))
            if "date" in row
            else HistDate.unknown()
        )
        citation = None
        if "quote" in row:
            citation = Citation(row["source"], row.get("locator", ""), row["quote"])
        return cls(
            id=row["id"],
            case=case,
            seq=seq,
            kind=row["kind"],
            date=date,
            summary=row.get("summary", ""),
            actors=row.get("actors", ()),
            recipients=row.get("recipients", ()),
            citation=citation,
            basis=row.get("basis", "stated"),
            reasoning=row.get("reasoning", ""),
            date_basis=row.get("date_basis", ""),
            note=row.get("note", ""),
            origin=origin,
        )
