"""Each case of an archive replayed, one record per case, as CSV or JSON Lines
for pandas, R or DuckDB: its outcome, path, illegal step, smallest repair and
days from expulsion to outcome.

The records stream: the archive's rows are folded in case order
(:mod:`casework.analysis.bulk`), an illegal case is read back and aligned
(:mod:`casework.analysis.conformance`), and the text is made a few hundred
records at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from casework.analysis.align import Aligner
from casework.analysis.archive import open_archive
from casework.analysis.archive_file import archive_error, shown
from casework.analysis.bulk import compile_procedure
from casework.analysis.conformance import explain
from casework.errors import CaseworkError
from casework.model.procedure import ILLEGAL, PENDING, Procedure

__all__ = ["FIELDS", "case_results", "results_text"]

#: The fields of a record, in the order of the CSV header.
FIELDS = (
    "case_id",
    "procedure",
    "outcome",
    "state",
    "path",
    "events",
    "illegal_seq",
    "illegal_event",
    "illegal_kind",
    "illegal_state",
    "repair_cost",
    "repairs",
    "repair",
    "first_day",
    "last_day",
    "days",
)

_STREAM = (
    "SELECT case_id, ifnull(kind, ''), CASE WHEN ns_from = ns_to THEN ns_from END "
    "FROM events WHERE case_id IN (SELECT case_id FROM cases WHERE procedure = ?) "
    "ORDER BY case_id, seq"
)


def case_results(db: str | Path, procedures: Mapping[str, Procedure]) -> Iterator[dict[str, Any]]:
    """One record per case of the archive ``db`` (read-only), procedure by
    procedure, in case order: the :data:`FIELDS`, ``path`` a list of states,
    absent values None. ``days`` is the days from the first event that moved
    the case to the last, for a case with an outcome, both dated to the day."""
    p = Path(db)
    con = open_archive(p)
    try:
        used = [r[0] for r in con.execute("SELECT DISTINCT procedure FROM cases ORDER BY 1")]
        unknown = [u for u in used if u not in procedures]
        if unknown:
            raise CaseworkError(
                f"{shown(p)}: cases follow procedure {', '.join(map(repr, unknown))}, "
                "which the scenarios do not define; "
                f"expected one of: {', '.join(sorted(procedures))}"
            )
        for pid in used:
            procedure = procedures[pid]
            table = compile_procedure(procedure)
            aligner = Aligner(procedure, table)
            outcome_of = {s.name: s.outcome_label for s in procedure.states}
            for result in table.fold(con.execute(_STREAM, (pid,))):
                record: dict[str, Any] = dict.fromkeys(FIELDS)
                record.update(
                    case_id=result.case,
                    procedure=pid,
                    state=result.state,
                    path=list(result.states),
                    events=result.events,
                    first_day=result.first_day,
                    last_day=result.last_day,
                )
                if result.failure is not None:
                    step, alignment = explain(con, aligner, result)
                    record.update(
                        outcome=ILLEGAL,
                        illegal_seq=step.seq,
                        illegal_event=step.event,
                        illegal_kind=step.kind,
                        illegal_state=step.state,
                        repair_cost=alignment.cost,
                        repairs=alignment.count,
                        repair=alignment.describe(),
                    )
                else:
                    record["outcome"] = outcome_of[result.state]
                    record["days"] = _days(p, result.case, result.first_day, result.last_day)
                    if record["outcome"] == PENDING:
                        record["days"] = None
                yield record
    except sqlite3.ProgrammingError:
        raise  # casework's own mistake
    except (sqlite3.DatabaseError, UnicodeDecodeError) as err:
        raise archive_error(p, err) from None
    finally:
        con.close()


def _days(db: Path, case: str, first: Any, last: Any) -> int | None:
    if not (first and last):
        return None
    try:
        return (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days
    except (TypeError, ValueError):
        raise CaseworkError(
            f"{shown(db)}: case {case!r} has the day {last!r} or {first!r} (ns_from, ns_to); "
            "expected ISO days, e.g. 1921-12-20, as casework import writes them"
        ) from None


def results_text(
    db: str | Path, procedures: Mapping[str, Procedure], suffix: str, tally: dict[str, int]
) -> Iterator[str]:
    """The records of :func:`case_results` as CSV (``suffix`` '.csv': a header,
    the path's states joined by ';', absent values empty) or JSON Lines, a few
    hundred at a time; ``tally['cases']`` counts them."""
    tally["cases"] = 0
    buffer = io.StringIO()
    if suffix == ".csv":
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(FIELDS)
    for n, record in enumerate(case_results(db, procedures), start=1):
        tally["cases"] = n
        if suffix == ".csv":
            record["path"] = ";".join(record["path"])
            writer.writerow([_cell(v) for v in record.values()])
        else:
            buffer.write(json.dumps(record, ensure_ascii=False) + "\n")
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a value that would start a formula
    (=, +, -, @, a tab or a carriage return) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
