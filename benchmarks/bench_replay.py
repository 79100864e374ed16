"""Benchmark: replaying a large archive, casework's bulk replay against its baselines.

    python benchmarks/bench_replay.py                 # 200,000 cases, about 1,000,000 events
    python benchmarks/bench_replay.py --cases 20000 --json

Generates a deterministic synthetic archive (seeded; a realistic mix of paths,
about 1% of histories illegal) in SQLite with casework's archive schema, plus
one a tenth its size for the scaling figure, then times, each in its own fresh
Python process so that peak memory is that contender's alone:

- floor: a bare dict ``{(state, kind): dest}`` folding ``(case_id, kind)`` rows
  read from the same SQLite store (nothing replays that store faster);
- casework bulk replay (``casework.analysis.bulk``) from the same store, keeping each
  case's states, days and failure;
- ``casework stats``' whole summary (``archive_stats``);
- transitions with one Machine per case (``Procedure.runner()``), and
  transitions with one Machine and ``add_model``/``remove_model`` per case: on
  a fixed sample of the first cases (the rates are per event).

Rates are events per CPU second of the contender's process (``time.process_time``,
which counts SQLite's work too, as it runs in-process), best of ``--repeat``
runs: CPU time, unlike wall time, is not inflated by other programs sharing the
machine. Peak memory is the process's peak resident set size (Linux ``VmHWM``;
``ru_maxrss`` elsewhere), interpreter and imports included. This is a script,
not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

SEED = 1921
STREAM = "SELECT case_id, kind FROM events{where} ORDER BY case_id, seq"


# -- the synthetic archive ------------------------------------------------------


def _day(rng: random.Random, start: int) -> tuple[str, int]:
    """An EDTF date some days after ordinal ``start``: mostly a day, sometimes a month."""
    import datetime as dt

    day = start + rng.randint(3, 60)
    d = dt.date.fromordinal(day)
    if rng.random() < 0.15:
        return d.strftime("%Y-%m"), day
    return d.isoformat(), day


def _history(rng: random.Random) -> list[str]:
    """One case's kinds: a realistic mix of the paths case files take."""
    kinds = ["expel"]
    if rng.random() < 0.25:
        kinds.insert(0, "background")
    r = rng.random()
    if r < 0.01:  # illegal: an outcome with no appeal or intercession
        return [*kinds, rng.choice(["reinstate", "uphold", "schedule_hearing"])]
    if r < 0.12:  # the sources stop after the expulsion
        return kinds
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        kinds.append(rng.choice(["appeal", "appeal", "intercede"]))
    if rng.random() < 0.4:
        kinds.append(
            "request_verification" if kinds[-1] != "appeal" or rng.random() < 0.5 else "intercede"
        )
    if rng.random() < 0.4:
        kinds.append("request_information")
    if rng.random() < 0.35:
        kinds.append("schedule_hearing")
        if rng.random() < 0.2:
            kinds += ["cancel_hearing", "schedule_hearing"]
    r = rng.random()
    if r < 0.45:
        kinds.append("reinstate")
    elif r < 0.6:
        kinds.append("reinstate_as_candidate")
    elif r < 0.85:
        kinds.append("uphold")
        if rng.random() < 0.2:
            kinds += ["appeal", rng.choice(["annul", "reinstate", "uphold"])]
    # else: pending
    return kinds


def generate(path: Path, cases: int, seed: int = SEED) -> int:
    """Write a synthetic archive of ``cases`` cases; return the number of events."""
    import datetime as dt

    from casework.analysis.archive import open_archive

    path.unlink(missing_ok=True)
    con = open_archive(path, create=True)
    rng = random.Random(seed)
    start = dt.date(1921, 8, 15).toordinal()
    events = 0
    con.execute("BEGIN")
    batch: list[tuple[Any, ...]] = []
    for n in range(cases):
        case_id = f"c{n:07d}"
        con.execute("INSERT INTO cases VALUES (?, 'purge-1921', '')", (case_id,))
        day = start + rng.randint(0, 90)
        for seq, kind in enumerate(_history(rng), start=1):
            date, day = _day(rng, day)
            exact = date if len(date) == 10 else None
            lo = exact or f"{date}-01"
            hi = exact or dt.date.fromordinal(day).isoformat()
            batch.append((case_id, seq, f"e{seq}", kind, date, lo, hi))
        if len(batch) > 20000:
            events += len(batch)
            con.executemany(
                "INSERT INTO events (case_id, seq, event_id, kind, date, ns_from, ns_to) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            batch.clear()
    events += len(batch)
    con.executemany(
        "INSERT INTO events (case_id, seq, event_id, kind, date, ns_from, ns_to) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        batch,
    )
    con.execute("COMMIT")
    con.close()
    return events


# -- the contenders (each run in a child process) ---------------------------------------


def _procedure() -> Any:
    import casework

    return casework.load_casebook().procedures["purge-1921"]


def run_floor(con: sqlite3.Connection, where: str, proc: Any) -> tuple[int, Any]:
    """A bare dict-based state table, built from the procedure data, folding the rows."""
    table = {(s, t.trigger): (t.dest or s) for t in proc.transitions for s in t.source}
    for s in proc.state_names:
        table[(s, "background")] = s
    initial = proc.initial
    finals: Counter[str] = Counter()
    case = None
    state: str | None = initial
    n = 0
    for n, (key, kind) in enumerate(con.execute(STREAM.format(where=where)), start=1):  # noqa: B007
        if key != case:
            finals[state] += 1  # type: ignore[index]
            case, state = key, initial
        state = table.get((state, kind))  # type: ignore[arg-type]
    finals[state] += 1  # type: ignore[index]
    return n, finals


def run_bulk(con: sqlite3.Connection, where: str, proc: Any) -> tuple[int, Any]:
    """casework.analysis.bulk: the compiled Machine folding (case, kind, day) rows."""
    from casework.analysis.archive_stats import _STREAM
    from casework.analysis.bulk import compile_procedure

    table = compile_procedure(proc)
    finals: Counter[str] = Counter()
    n = 0
    for result in table.fold(con.execute(_STREAM.format(where=where))):
        finals["illegal" if result.failure else result.state] += 1
        n += result.events
    return n, finals


def run_stats(db: str, proc: Any) -> tuple[int, Any]:
    """The whole of ``casework stats``: replay, paths, days, illegal histories."""
    from casework.analysis.archive_stats import archive_stats

    stats = archive_stats(db, {"purge-1921": proc})
    return stats.events, dict(stats.outcomes)


def _fire_all(con: sqlite3.Connection, where: str, fire: Any) -> tuple[int, Any]:
    finals: Counter[str] = Counter()
    n = 0
    kinds: list[str] = []
    case = None
    for key, kind in con.execute(STREAM.format(where=where)):
        if key != case and kinds:
            finals[fire(kinds)] += 1
            n += len(kinds)
            kinds = []
        case = key
        kinds.append(kind)
    if kinds:
        finals[fire(kinds)] += 1
        n += len(kinds)
    return n, finals


class _Event:
    __slots__ = ("id", "kind")

    def __init__(self, kind: str) -> None:
        self.id, self.kind = "", kind


def run_naive(con: sqlite3.Connection, where: str, proc: Any) -> tuple[int, Any]:
    """transitions, one Machine per case (``Procedure.runner()``, as replay does)."""
    from casework import IllegalTransition

    def fire(kinds: list[str]) -> str:
        runner = proc.runner()
        try:
            for kind in kinds:
                if kind != "background":
                    runner.fire(_Event(kind))
        except IllegalTransition:
            return "illegal"
        return runner.state

    return _fire_all(con, where, fire)


def run_add_model(con: sqlite3.Connection, where: str, proc: Any) -> tuple[int, Any]:
    """transitions, one Machine; each case's model added, fired, then removed."""
    from casework.model.procedure import _Cursor

    machine = proc.machine(None)

    def fire(kinds: list[str]) -> str:
        cursor = _Cursor()
        machine.add_model(cursor, initial=proc.initial)
        try:
            for kind in kinds:
                if kind == "background":
                    continue
                may = getattr(cursor, f"may_{kind}", None)
                if may is None or not may():
                    return "illegal"
                getattr(cursor, kind)()
                cursor.counts[kind] += 1
            return str(cursor.state)
        finally:
            machine.remove_model(cursor)

    return _fire_all(con, where, fire)


CONTENDERS = {
    "floor": ("floor: a dict table over the SQLite rows", run_floor),
    "bulk": ("casework bulk replay (casework.analysis.bulk)", run_bulk),
    "stats": ("casework stats (the whole summary)", None),
    "naive": ("transitions, one Machine per case", run_naive),
    "add_model": ("transitions, add_model/remove_model", run_add_model),
}


def _peak_kib() -> int:
    """This process's peak resident set size in KiB.

    Linux's VmHWM, not ``ru_maxrss``: ``ru_maxrss`` survives ``exec``, so a child
    would report its parent's peak if that were higher.
    """
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS


def child(name: str, db: str, sample: int, repeat: int) -> dict[str, Any]:
    """Run one contender in this process; report its best time and peak memory."""
    con = sqlite3.connect(db)
    where = ""
    cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    if name in ("naive", "add_model") and sample < cases:
        last = con.execute(
            "SELECT case_id FROM cases ORDER BY case_id LIMIT 1 OFFSET ?", (sample - 1,)
        ).fetchone()[0]
        where = f" WHERE case_id <= '{last}'"
        cases = sample
    proc = _procedure()  # reading the scenarios is not part of the replay
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        if name == "stats":
            events, finals = run_stats(db, proc)
        else:
            events, finals = CONTENDERS[name][1](con, where, proc)  # type: ignore[misc]
        best = min(best, time.process_time() - t0)
    peak = _peak_kib()
    return {
        "contender": name,
        "cases": cases,
        "events": events,
        "seconds": round(best, 4),
        "events_per_s": round(events / best),
        "peak_mb": round(peak / 1024, 1),
        "finals": dict(sorted((str(k), v) for k, v in finals.items())),
    }


def _spawn(name: str, db: Path, sample: int, repeat: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            name,
            "--db",
            str(db),
            "--sample",
            str(sample),
            "--repeat",
            str(repeat),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    """Generate the archives, run every contender, print the table (or JSON)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--cases", type=int, default=200_000, help="cases in the archive (default 200,000)"
    )
    ap.add_argument(
        "--sample", type=int, default=2_000, help="cases the transitions baselines replay"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per contender; the best is kept")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.db, args.sample, args.repeat)))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "archive.sqlite", Path(tmp) / "tenth.sqlite"
        t0 = time.perf_counter()
        events = generate(big, args.cases, args.seed)
        small_events = generate(small, args.cases // 10, args.seed)
        generated = time.perf_counter() - t0
        rows = [_spawn(name, big, args.sample, args.repeat) for name in CONTENDERS]
        tenth = _spawn("bulk", small, args.sample, args.repeat)
        size_mb = big.stat().st_size / 2**20
    by = {r["contender"]: r for r in rows}
    assert by["floor"]["finals"].get("None", 0) == by["bulk"]["finals"].get("illegal", 0), (
        "the floor and bulk replay disagree on the illegal histories"
    )
    summary = {
        "cases": args.cases,
        "events": events,
        "seed": args.seed,
        "archive_mb": round(size_mb, 1),
        "generated_s": round(generated, 1),
        "memory": "peak resident set size (VmHWM) of each contender's own process",
        "rates": "events per CPU second (time.process_time), best of --repeat runs",
        "contenders": rows,
        "bulk_vs_floor": round(by["bulk"]["events_per_s"] / by["floor"]["events_per_s"], 2),
        "bulk_vs_naive": round(by["bulk"]["events_per_s"] / by["naive"]["events_per_s"], 1),
        "bulk_vs_add_model": round(by["bulk"]["events_per_s"] / by["add_model"]["events_per_s"], 1),
        "scaling": {
            "small_cases": args.cases // 10,
            "small_events": small_events,
            "small_s": tenth["seconds"],
            "large_s": by["bulk"]["seconds"],
            "time_ratio": round(by["bulk"]["seconds"] / tenth["seconds"], 2),
        },
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(
        f"Bulk replay benchmark: {args.cases:,} cases, {events:,} events (seed {args.seed}), "
        f"SQLite archive {size_mb:.0f} MB"
    )
    print()
    print(f"{'contender':<40} {'events':>9} {'events/s':>10} {'peak MB':>8}")
    for r in rows:
        print(
            f"{CONTENDERS[r['contender']][0]:<40} {r['events']:>9,} {r['events_per_s']:>10,} "
            f"{r['peak_mb']:>8.1f}"
        )
    print()
    sc = summary["scaling"]
    print(f"bulk / floor:            {summary['bulk_vs_floor']:.2f}  (target >= 0.5)")
    print(f"bulk / one Machine each: {summary['bulk_vs_naive']:.0f}x  (target >= 30x)")
    print(f"bulk / add_model:        {summary['bulk_vs_add_model']:.0f}x")
    print(
        f"10x the cases:           {sc['time_ratio']:.2f}x the time ({sc['small_cases']:,} cases "
        f"{sc['small_s']:.2f} s, {args.cases:,} cases {sc['large_s']:.2f} s; target <= 11x)"
    )
    print(f"bulk peak memory:        {by['bulk']['peak_mb']:.0f} MB (target < 300 MB)")
    print(
        f"Rates: events per CPU second, best of {args.repeat} runs; transitions baselines "
        f"on the first {args.sample:,} cases. Memory: peak RSS (VmHWM) of each "
        "contender's own process."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
