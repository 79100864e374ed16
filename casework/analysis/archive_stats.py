"""An archive replayed and summarised: every case folded through the procedure
with :mod:`casework.analysis.bulk`, streaming the rows in case order; outcomes,
paths, the time from expulsion to outcome, and the histories the procedure does
not allow."""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from casework.analysis.archive import open_archive
from casework.analysis.bulk import CaseResult, compile_procedure
from casework.errors import CaseworkError, display_path
from casework.model.procedure import ILLEGAL, Procedure
from casework.model.steps import IllegalStep

__all__ = ["ArchiveStats", "Durations", "archive_stats"]


@attrs.frozen
class Durations:
    """Days from expulsion to outcome for the cases of one outcome whose two events
    are dated to the day."""

    outcome: str
    days: tuple[int, ...] = attrs.field(repr=False)

    @property
    def cases(self) -> int:
        """How many cases have both days."""
        return len(self.days)

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form: count, median, mean, min, max (days)."""
        d = self.days
        return {
            "outcome": self.outcome,
            "cases": len(d),
            "median": statistics.median(d) if d else None,
            "mean": round(statistics.fmean(d), 1) if d else None,
            "min": min(d) if d else None,
            "max": max(d) if d else None,
        }


@attrs.frozen
class ArchiveStats:
    """What replaying every case of an archive found.

    ``outcomes`` counts cases by outcome (``illegal`` for histories the
    procedure does not allow), ``paths`` the commonest sequences of states of
    the legal histories, ``durations`` the days from the expulsion (the first
    event that moved the case) to the outcome (the last one), per outcome and
    ``all``, where both are dated to the day.
    """

    path: str
    cases: int
    events: int
    procedures: tuple[str, ...]
    outcomes: tuple[tuple[str, int], ...]
    paths: tuple[tuple[tuple[str, ...], int], ...]
    distinct_paths: int
    durations: tuple[Durations, ...]
    illegal: tuple[IllegalStep, ...]

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form printed by ``casework stats --json``."""
        return {
            "archive": self.path,
            "cases": self.cases,
            "events": self.events,
            "procedures": list(self.procedures),
            "outcomes": dict(self.outcomes),
            "paths": [{"states": list(p), "cases": n} for p, n in self.paths],
            "distinct_paths": self.distinct_paths,
            "days_to_outcome": [d.to_mapping() for d in self.durations],
            "illegal": [i.to_mapping() for i in self.illegal],
        }


_STREAM = (
    "SELECT case_id, kind, CASE WHEN ns_from = ns_to THEN ns_from END FROM events{where} "
    "ORDER BY case_id, seq"
)


def archive_stats(
    db: str | Path,
    procedures: Mapping[str, Procedure],
    *,
    top: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> ArchiveStats:
    """Replay every case of the archive ``db`` and summarise it.

    Rows are streamed from SQLite in case order and folded by
    :mod:`casework.analysis.bulk`; only the counts are kept. ``progress`` is called with
    (cases done, cases in all) every few thousand cases.
    """
    con = open_archive(db)
    try:
        used = [
            r[0] for r in con.execute("SELECT DISTINCT procedure FROM cases ORDER BY procedure")
        ]
        unknown = [p for p in used if p not in procedures]
        if unknown:
            raise CaseworkError(
                f"{display_path(db)}: cases follow procedure {', '.join(map(repr, unknown))}, "
                "which the scenarios do not define; "
                f"expected one of: {', '.join(sorted(procedures))}"
            )
        total = con.execute("SELECT count(*) FROM cases").fetchone()[0]
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        outcomes: Counter[str] = Counter()
        paths: Counter[tuple[str, ...]] = Counter()
        days: dict[str, list[int]] = {}
        illegal: list[IllegalStep] = []
        done = 0
        for pid in used:
            procedure = procedures[pid]
            table = compile_procedure(procedure)
            if len(used) == 1:
                rows = con.execute(_STREAM.format(where=""))
            else:
                rows = con.execute(
                    _STREAM.format(
                        where=" WHERE case_id IN (SELECT case_id FROM cases WHERE procedure = ?)"
                    ),
                    (pid,),
                )
            outcome_of = {s.name: s.outcome_label for s in procedure.states}
            for result in table.fold(rows):
                done += 1
                if progress is not None and done % 2000 == 0:
                    progress(done, total)
                if result.failure is not None:
                    outcomes[ILLEGAL] += 1
                    illegal.append(_illegal(con, result))
                    continue
                outcome = outcome_of[result.state]
                outcomes[outcome] += 1
                paths[result.states] += 1
                if outcome != "pending" and result.first_day and result.last_day:
                    span = dt.date.fromisoformat(result.last_day) - dt.date.fromisoformat(
                        result.first_day
                    )
                    days.setdefault(outcome, []).append(span.days)
        if progress is not None:
            progress(done, total)
    finally:
        con.close()
    order = [o for pid in used for o in procedures[pid].outcomes]
    order = list(dict.fromkeys([*order, *sorted(outcomes)]))
    all_days = [d for o in order for d in days.get(o, [])]
    return ArchiveStats(
        path=display_path(db),
        cases=total,
        events=events,
        procedures=tuple(used),
        outcomes=tuple((o, outcomes[o]) for o in order if outcomes[o]),
        paths=tuple(paths.most_common(top)),
        distinct_paths=len(paths),
        durations=(
            *(Durations(o, tuple(sorted(days[o]))) for o in order if o in days),
            Durations("all", tuple(sorted(all_days))),
        ),
        illegal=tuple(illegal),
    )


def _illegal(con: sqlite3.Connection, result: CaseResult) -> IllegalStep:
    failure = result.failure
    assert failure is not None
    seq, event_id = con.execute(
        "SELECT seq, event_id FROM events WHERE case_id = ? ORDER BY seq LIMIT 1 OFFSET ?",
        (result.case, failure.seq - 1),
    ).fetchone()
    return attrs.evolve(failure, case=result.case, seq=seq, event=event_id)
