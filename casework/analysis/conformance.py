"""Conformance, as process mining says it: the share of an archive's cases the
procedure accepts, the deviations of the others with their smallest repairs
(:mod:`casework.analysis.align`), and the variants (distinct paths).

:func:`explain` reads one illegal case's events back from the archive and
aligns them; :class:`Tally` counts the deviations as an archive is replayed.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Any

import attrs

from casework.analysis.align import Aligner, Alignment
from casework.analysis.bulk import CaseResult
from casework.model.steps import IllegalStep

__all__ = ["Conformance", "Deviation", "Tally", "Variant", "explain"]


@attrs.frozen
class Deviation:
    """Illegal histories that go wrong in the same way: the ``kind`` the procedure
    refused, the ``state`` it came in, and the first minimal repair in short
    (``repair``: 'missing appeal'); ``cases`` of them, the first being ``example``."""

    kind: str
    state: str
    repair: str
    cases: int
    example: str

    def describe(self) -> str:
        """'reinstate after 'expelled': missing appeal'."""
        return f"{self.kind} after {self.state!r}: {self.repair or 'no repair'}"

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "kind": self.kind,
            "state": self.state,
            "repair": self.repair,
            "cases": self.cases,
            "example": self.example,
        }


@attrs.frozen
class Variant:
    """A path (the states a history passed through) and how many of the accepted
    histories took it."""

    states: tuple[str, ...]
    cases: int

    def to_mapping(self, total: int) -> dict[str, Any]:
        """The JSON form, with the share of all cases (``total``)."""
        share = round(self.cases / total, 4) if total else None
        return {"states": list(self.states), "cases": self.cases, "share": share}


@attrs.frozen
class Conformance:
    """How well an archive follows its procedures: ``accepted`` of ``cases``
    histories are legal; the commonest ``deviations`` of the others (of
    ``distinct_deviations``); the commonest ``variants`` of the accepted ones
    (of ``distinct_variants``)."""

    cases: int
    accepted: int
    deviations: tuple[Deviation, ...]
    distinct_deviations: int
    variants: tuple[Variant, ...]
    distinct_variants: int

    @property
    def share(self) -> float | None:
        """The share of cases the procedure accepts (None for an empty archive)."""
        return self.accepted / self.cases if self.cases else None

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "cases": self.cases,
            "accepted": self.accepted,
            "share_accepted": round(self.share, 4) if self.share is not None else None,
            "deviations": [d.to_mapping() for d in self.deviations],
            "distinct_deviations": self.distinct_deviations,
            "variants": [v.to_mapping(self.cases) for v in self.variants],
            "distinct_variants": self.distinct_variants,
        }


class Tally:
    """Deviations counted as illegal histories are explained."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.examples: dict[tuple[str, str, str], str] = {}

    def add(self, step: IllegalStep, alignment: Alignment) -> None:
        """One illegal history: where it went wrong and its alignment."""
        repair = alignment.repairs[0].summary() if alignment.repairs else ""
        key = (step.kind, step.state, repair)
        self.counts[key] += 1
        self.examples.setdefault(key, step.case)

    def summary(
        self, cases: int, accepted: int, paths: Counter[tuple[str, ...]], top: int
    ) -> Conformance:
        """The conformance of an archive of ``cases`` with ``accepted`` legal ones,
        whose paths are ``paths``; the ``top`` commonest deviations and variants."""
        return Conformance(
            cases=cases,
            accepted=accepted,
            deviations=tuple(
                Deviation(kind, state, repair, n, self.examples[(kind, state, repair)])
                for (kind, state, repair), n in self.counts.most_common(top)
            ),
            distinct_deviations=len(self.counts),
            variants=tuple(Variant(states, n) for states, n in paths.most_common(top)),
            distinct_variants=len(paths),
        )


def explain(
    con: sqlite3.Connection, aligner: Aligner, result: CaseResult
) -> tuple[IllegalStep, Alignment]:
    """An illegal case's step, with its case, seq and event id read back from the
    archive, and the alignment of its events; sqlite3.DatabaseError when the rows
    just read are not there (a damaged archive, or one changed meanwhile)."""
    failure = result.failure
    assert failure is not None
    rows = con.execute(
        "SELECT seq, event_id, ifnull(kind, '') FROM events WHERE case_id = ? ORDER BY seq",
        (result.case,),
    ).fetchall()
    if len(rows) < failure.seq:
        raise sqlite3.DatabaseError("a row read a moment ago is missing")
    seq, event_id, _ = rows[failure.seq - 1]
    step = attrs.evolve(failure, case=result.case, seq=seq, event=event_id)
    alignment = aligner.align([r[2] for r in rows], [r[1] for r in rows], [r[0] for r in rows])
    return step, alignment
