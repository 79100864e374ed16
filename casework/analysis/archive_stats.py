"""An archive replayed and summarised: every case folded through the procedure
with :mod:`casework.analysis.bulk`, streaming the rows in case order; outcomes,
paths, the time from expulsion to outcome, the histories the procedure does not
allow with their smallest repairs (:mod:`casework.analysis.align`), and the
conformance summary (:mod:`casework.analysis.conformance`)."""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from casework.analysis.align import Aligner, Alignment
from casework.analysis.archive import open_archive
from casework.analysis.archive_file import archive_error, shown
from casework.analysis.bulk import CaseResult, compile_procedure
from casework.analysis.conformance import Conformance, Tally, explain
from casework.errors import CaseworkError
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
    ``all``, where both are dated to the day. ``repairs`` holds the alignment
    of each of the ``illegal`` histories, in the same order, and
    ``conformance`` the share accepted, the commonest deviations and variants.
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
    repairs: tuple[Alignment, ...] = ()
    conformance: Conformance | None = None

    def to_mapping(self) -> dict[str, Any]:
        """The JSON form printed by ``casework stats --json``."""
        out = dict(self.parts())
        out["illegal"] = list(out["illegal"])
        return out

    def parts(self) -> Iterator[tuple[str, Any]]:
        """The JSON form's keys and values, one at a time, ``illegal`` last as an
        iterator of its entries (each with its ``repair``), so that a large
        archive's summary can be written as it is made."""
        yield "archive", self.path
        yield "cases", self.cases
        yield "events", self.events
        yield "procedures", list(self.procedures)
        yield "outcomes", dict(self.outcomes)
        yield "paths", [{"states": list(p), "cases": n} for p, n in self.paths]
        yield "distinct_paths", self.distinct_paths
        yield "days_to_outcome", [d.to_mapping() for d in self.durations]
        if self.conformance is not None:
            yield "conformance", self.conformance.to_mapping()
        yield "illegal", (self.illegal_mapping(n) for n in range(len(self.illegal)))

    def illegal_mapping(self, n: int) -> dict[str, Any]:
        """The JSON form of the ``n``-th illegal history, with its repair."""
        out = self.illegal[n].to_mapping()
        if n < len(self.repairs):
            out["repair"] = self.repairs[n].to_mapping()
        return out


# ifnull: a NULL kind (in a table edited by hand) is no kind, and the fold's key
# for a state's own name is None.
_STREAM = (
    "SELECT case_id, ifnull(kind, ''), CASE WHEN ns_from = ns_to THEN ns_from END "
    "FROM events{where} ORDER BY case_id, seq"
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
    p = Path(db)
    con = open_archive(p)
    tally = Tally()
    repairs: list[Alignment] = []
    try:
        used, total, events, outcomes, paths, days, illegal = _replay(
            con, p, procedures, progress, tally, repairs
        )
    except sqlite3.ProgrammingError:
        raise  # casework's own mistake
    except (sqlite3.DatabaseError, UnicodeDecodeError) as err:  # damaged, or changed
        raise archive_error(p, err) from None
    finally:
        con.close()
    order = [o for pid in used for o in procedures[pid].outcomes]
    order = list(dict.fromkeys([*order, *sorted(outcomes)]))
    all_days = [d for o in order for d in days.get(o, [])]
    return ArchiveStats(
        path=shown(db),
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
        repairs=tuple(repairs),
        conformance=tally.summary(total, total - outcomes[ILLEGAL], paths, top),
    )


def _replay(
    con: sqlite3.Connection,
    db: Path,
    procedures: Mapping[str, Procedure],
    progress: Callable[[int, int], None] | None,
    tally: Tally,
    repairs: list[Alignment],
) -> tuple[
    list[str],
    int,
    int,
    Counter[str],
    Counter[tuple[str, ...]],
    dict[str, list[int]],
    list[IllegalStep],
]:
    """Every case folded: (procedures used, cases, events, outcome counts, path
    counts, days to outcome by outcome, illegal histories); each illegal one
    aligned, its alignment added to ``repairs`` and its deviation to ``tally``."""
    used = [r[0] for r in con.execute("SELECT DISTINCT procedure FROM cases ORDER BY procedure")]
    unknown = [p for p in used if p not in procedures]
    if unknown:
        raise CaseworkError(
            f"{shown(db)}: cases follow procedure {', '.join(map(repr, unknown))}, "
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
        aligner = Aligner(procedure, table)
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
                step, alignment = explain(con, aligner, result)
                illegal.append(step)
                repairs.append(alignment)
                tally.add(step, alignment)
                continue
            outcome = outcome_of[result.state]
            outcomes[outcome] += 1
            paths[result.states] += 1
            if outcome != "pending" and result.first_day and result.last_day:
                try:
                    last = dt.date.fromisoformat(result.last_day)
                    span = last - dt.date.fromisoformat(result.first_day)
                except (TypeError, ValueError):
                    raise _not_a_day(db, result) from None
                days.setdefault(outcome, []).append(span.days)
    if progress is not None:
        progress(done, total)
    return used, total, events, outcomes, paths, days, illegal


def _not_a_day(db: Path, result: CaseResult) -> CaseworkError:
    """The error for a case whose first or last day is not a day (an archive edited
    by hand: casework import writes ISO days)."""
    bad = result.last_day
    try:
        dt.date.fromisoformat(result.first_day)
    except (TypeError, ValueError):
        bad = result.first_day
    return CaseworkError(
        f"{shown(db)}: case {_clip(repr(result.case))} has the day {_clip(repr(bad))} "
        "(ns_from, ns_to); expected ISO days, e.g. 1921-12-20, as casework import writes them"
    )


def _clip(text: str) -> str:
    """A value from the archive for a message, cut to 40 characters."""
    return text if len(text) <= 40 else text[:40] + "…"
