"""``casework list``: every case of a casebook with its outcome, and the what-ifs
built on it with theirs (each replayed or compared once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from casework.load.casebook import Casebook

__all__ = ["CaseListing", "Listed", "list_casebook"]


@attrs.frozen
class Listed:
    """A case or a what-if: its id, title, number of events and outcome; for a
    what-if, its ``base`` (a case or another what-if)."""

    id: str
    title: str
    events: int
    outcome: str
    base: str | None = None

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form (a what-if's, inside its case's ``whatifs``)."""
        if self.base is None:
            return {
                "case": self.id,
                "title": self.title,
                "events": self.events,
                "outcome": self.outcome,
            }
        return {
            "whatif": self.id,
            "base": self.base,
            "title": self.title,
            "events": self.events,
            "outcome": self.outcome,
        }


def _tuple_of_listed(items: Any) -> tuple[Listed, ...]:
    return tuple(items)


@attrs.frozen
class CaseListing:
    """A case and every what-if whose chain of bases ends at it, by id."""

    case: Listed
    whatifs: tuple[Listed, ...] = attrs.field(converter=_tuple_of_listed)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form printed by ``casework list --json`` (one per case)."""
        return {**self.case.to_mapping(), "whatifs": [w.to_mapping() for w in self.whatifs]}


def list_casebook(book: Casebook) -> tuple[CaseListing, ...]:
    """The cases of ``book`` by id, each with its what-ifs.

    >>> import casework
    >>> first = list_casebook(casework.load_casebook())[0]
    >>> first.case.outcome, [w.id for w in first.whatifs][:2]
    ('reinstated', ['no-intercession-alliluyeva', 'second-testimonial-alliluyeva'])
    """
    by_case: dict[str, list[Listed]] = {}
    for whatif in sorted(book.whatifs.values(), key=lambda w: w.id):
        c = book.compare(whatif)
        listed = Listed(
            whatif.id, whatif.title, len(c.counterfactual.case.events), c.outcome, whatif.base
        )
        by_case.setdefault(c.history.case.id, []).append(listed)
    out = []
    for case_id in sorted(book.cases):
        h = book.replay(case_id)
        case = Listed(case_id, h.case.title, len(h.case.events), h.outcome)
        out.append(CaseListing(case, by_case.get(case_id, [])))
    return tuple(out)
