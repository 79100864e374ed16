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
  a fixed sample of the first cases (the rates are per event);
- casework's alignments (``casework.analysis.align``) of every illegal history:
  each case's events read back from SQLite and aligned, as ``stats`` does;
- PM4Py's token-based replay of the whole log, and PM4Py's alignments of the
  illegal histories, on the equivalent Petri net (a place per state, a
  transition per source and trigger, a self-loop per state for background
  events, and a silent transition from each state to an end place, so that, as
  for casework, any legal prefix fits); the log is handed to PM4Py as a
  pandas DataFrame made beforehand (not timed). Skipped, and said so, when
  PM4Py is not installed (``pip install 'casework[benchmark]'``);
- imports of the same log written as CSV (rows per CPU second): the floor, the
  ``csv`` module's rows inserted with ``executemany`` into the archive's
  ``events`` table in one transaction, and ``casework import`` (every check).

The tenth-size archive is also written as XES by casework and read back by
casework (the same rows) and by PM4Py (the same traces and events), when it is
installed.

Rates are events (rows, for imports) per CPU second of the contender's process
(``time.process_time``, which counts SQLite's work too, as it runs in-process),
best of ``--repeat`` runs (``--import-repeat`` for imports): CPU time, unlike
wall time, is not inflated by other programs sharing the machine. Peak memory
is the process's peak resident set size (Linux ``VmHWM``; ``ru_maxrss``
elsewhere), interpreter and imports included. This is a script,
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
    """What Runner.fire reads of an event (and IllegalStep of a refused one)."""

    __slots__ = ("id", "kind", "seq")

    def __init__(self, kind: str) -> None:
        self.id, self.kind, self.seq = "", kind, 0


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


def _illegal_cases(con: sqlite3.Connection, proc: Any) -> list[Any]:
    """The fold's result for each illegal case (found before any timing)."""
    from casework.analysis.archive_stats import _STREAM
    from casework.analysis.bulk import compile_procedure

    table = compile_procedure(proc)
    return [r for r in table.fold(con.execute(_STREAM.format(where=""))) if r.failure]


def run_align(con: sqlite3.Connection, where: str, proc: Any) -> tuple[int, Any]:
    """casework.analysis.align: every illegal history read back and aligned, as
    ``stats`` does (a fresh Aligner each run: nothing remembered between runs)."""
    from casework.analysis.align import Aligner
    from casework.analysis.conformance import explain

    illegal = _ILLEGAL
    aligner = Aligner(proc)
    costs: Counter[str] = Counter()
    for result in illegal:
        _, alignment = explain(con, aligner, result)
        costs[f"cost {alignment.cost}"] += 1
    return sum(r.events for r in illegal), costs


_ILLEGAL: list[Any] = []


def petri_net(proc: Any) -> tuple[Any, Any, Any]:
    """The procedure as a PM4Py Petri net: a place per state, a transition per
    source and trigger, a background self-loop per state, and a silent
    transition from each state to an end place (any legal prefix fits)."""
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    net = PetriNet(proc.id)
    places = {s: PetriNet.Place(s) for s in proc.state_names}
    end = PetriNet.Place("end")
    net.places.update([*places.values(), end])

    def transition(name: str, label: str | None, src: Any, dest: Any) -> None:
        t = PetriNet.Transition(name, label)
        net.transitions.add(t)
        add_arc_from_to(src, t, net)
        add_arc_from_to(t, dest, net)

    for i, t in enumerate(proc.transitions):
        for source in t.source:
            dest = places[t.dest] if t.dest else places[source]
            transition(f"{t.trigger}-{i}-{source}", t.trigger, places[source], dest)
    for state, place in places.items():
        transition(f"background-{state}", "background", place, place)
        transition(f"end-{state}", None, place, end)
    return net, Marking({places[proc.initial]: 1}), Marking({end: 1})


def _pm4py_log(con: sqlite3.Connection, cases: set[str] | None = None) -> Any:
    """The archive's events as the DataFrame PM4Py reads (made before timing)."""
    import pandas as pd
    import pm4py

    rows = con.execute("SELECT case_id, seq, kind FROM events ORDER BY case_id, seq").fetchall()
    if cases is not None:
        rows = [r for r in rows if r[0] in cases]
    frame = pd.DataFrame(rows, columns=["case", "seq", "kind"])
    frame["time"] = pd.Timestamp("1921-09-01") + pd.to_timedelta(frame["seq"], unit="s")
    return pm4py.format_dataframe(frame, case_id="case", activity_key="kind", timestamp_key="time")


def run_pm4py_replay(con: sqlite3.Connection, where: str, proc: Any) -> tuple[int, Any]:
    """PM4Py's token-based replay of the whole log on the equivalent Petri net."""
    import pm4py

    log, (net, im, fm) = _PM4PY["log"], _PM4PY["net"]
    results = pm4py.conformance_diagnostics_token_based_replay(log, net, im, fm)
    fit = Counter("fit" if r["trace_is_fit"] else "unfit" for r in results)
    return len(log), fit


def run_pm4py_align(con: sqlite3.Connection, where: str, proc: Any) -> tuple[int, Any]:
    """PM4Py's alignments of the illegal histories on the equivalent Petri net."""
    import pm4py

    log, (net, im, fm) = _PM4PY["illegal"], _PM4PY["net"]
    results = pm4py.conformance_diagnostics_alignments(log, net, im, fm)
    costs = Counter(f"cost {round(r['cost'] / 10000)}" for r in results)
    return len(log), costs


_PM4PY: dict[str, Any] = {}


def _csv_rows(path: str) -> Any:
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        yield from reader


def run_import_floor(csv_path: str, tmp: Path, proc: Any) -> tuple[int, Any]:
    """The floor: csv rows inserted with executemany, one transaction."""
    from casework.analysis.archive_file import create_schema

    db = tmp / "floor.sqlite"
    db.unlink(missing_ok=True)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN")
    create_schema(con)
    n = 0

    def counted() -> Any:
        nonlocal n
        for n, row in enumerate(_csv_rows(csv_path), start=1):  # noqa: B007
            yield row

    con.executemany(
        "INSERT INTO events (case_id, seq, event_id, kind, date) VALUES (?, ?, ?, ?, ?)",
        counted(),
    )
    con.execute("COMMIT")
    con.close()
    return n, {"rows": n}


def run_import(csv_path: str, tmp: Path, proc: Any) -> tuple[int, Any]:
    """casework import: every row checked, stored all or nothing."""
    from casework.analysis.archive import import_file

    db = tmp / "casework.sqlite"
    db.unlink(missing_ok=True)
    report = import_file(csv_path, db, {proc.id: proc})
    return report.rows, {"added": report.added}


CONTENDERS = {
    "floor": ("floor: a dict table over the SQLite rows", run_floor),
    "bulk": ("casework bulk replay (casework.analysis.bulk)", run_bulk),
    "stats": ("casework stats (the whole summary)", None),
    "naive": ("transitions, one Machine per case", run_naive),
    "add_model": ("transitions, add_model/remove_model", run_add_model),
    "align": ("casework alignments, illegal histories", run_align),
    "pm4py_replay": ("PM4Py token-based replay", run_pm4py_replay),
    "pm4py_align": ("PM4Py alignments, illegal histories", run_pm4py_align),
}
IMPORTS = {
    "import_floor": ("floor: csv + executemany", run_import_floor),
    "import": ("casework import (every check)", run_import),
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


def child(name: str, db: str, sample: int, repeat: int, csv_path: str = "") -> dict[str, Any]:
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
    if name in ("align", "pm4py_align"):
        _ILLEGAL[:] = _illegal_cases(con, proc)
        cases = len(_ILLEGAL)
    if name.startswith("pm4py"):
        _PM4PY["net"] = petri_net(proc)
        if name == "pm4py_replay":
            _PM4PY["log"] = _pm4py_log(con)
        else:
            _PM4PY["illegal"] = _pm4py_log(con, {r.case for r in _ILLEGAL})
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            t0 = time.process_time()
            if name == "stats":
                events, finals = run_stats(db, proc)
            elif name in IMPORTS:
                events, finals = IMPORTS[name][1](csv_path, Path(tmp), proc)
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


def _spawn(name: str, db: Path, sample: int, repeat: int, csv_path: Path | None = None) -> Any:
    command = [sys.executable, __file__, "--child", name, "--db", str(db)]
    command += ["--sample", str(sample), "--repeat", str(repeat)]
    if csv_path is not None:
        command += ["--csv", str(csv_path)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def write_csv(db: Path, path: Path) -> int:
    """The archive's events as the CSV an archive is imported from; its rows."""
    import csv

    con = sqlite3.connect(db)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["case_id", "seq", "event_id", "kind", "date"])
        rows = con.execute("SELECT case_id, seq, event_id, kind, date FROM events")
        n = 0
        for n, row in enumerate(rows, start=1):  # noqa: B007
            writer.writerow(row)
    con.close()
    return n


def xes_round_trip(csv_path: Path, tmp: Path, pm4py_found: bool) -> dict[str, Any]:
    """A CSV log imported by casework, the archive written as XES by casework and
    read back by casework (the same rows) and by PM4Py (the same traces and
    events), in a child process."""
    code = (
        "import json, sqlite3, sys\n"
        "from pathlib import Path\n"
        "import casework\n"
        "from casework.analysis.archive import import_file\n"
        "from casework.analysis.xes import xes_log\n"
        "source, tmp, pm = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == '1'\n"
        "db = tmp / 'imported.sqlite'\n"
        "import_file(source, db, casework.load_casebook().procedures)\n"
        "log = tmp / 'log.xes'\n"
        "tally = {}\n"
        "with log.open('w', encoding='utf-8') as f:\n"
        "    f.writelines(xes_log(db, tally))\n"
        "back = tmp / 'back.sqlite'\n"
        "import_file(log, back, casework.load_casebook().procedures)\n"
        "dump = lambda p: list(sqlite3.connect(p).iterdump())\n"
        "out = {'traces': tally['traces'], 'events': tally['events'],\n"
        "       'mb': round(log.stat().st_size / 2**20, 1), 'identical': dump(back) == dump(db)}\n"
        "if pm:\n"
        "    import pm4py\n"
        "    frame = pm4py.read_xes(str(log))\n"
        "    out['pm4py_traces'] = int(frame['case:concept:name'].nunique())\n"
        "    out['pm4py_events'] = len(frame)\n"
        "print(json.dumps(out))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(csv_path), str(tmp), "1" if pm4py_found else "0"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    """Generate the archives, run every contender, print the table (or JSON)."""
    import importlib.util

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--cases", type=int, default=200_000, help="cases in the archive (default 200,000)"
    )
    ap.add_argument(
        "--sample", type=int, default=2_000, help="cases the transitions baselines replay"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per contender; the best is kept")
    ap.add_argument(
        "--import-repeat", type=int, default=1, help="runs per import contender (default 1)"
    )
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--csv", default="", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.db, args.sample, args.repeat, args.csv)))
        return 0

    pm4py_found = importlib.util.find_spec("pm4py") is not None
    names = [n for n in CONTENDERS if pm4py_found or not n.startswith("pm4py")]
    with tempfile.TemporaryDirectory() as tmp:
        big, small = Path(tmp) / "archive.sqlite", Path(tmp) / "tenth.sqlite"
        t0 = time.perf_counter()
        events = generate(big, args.cases, args.seed)
        small_events = generate(small, args.cases // 10, args.seed)
        log = Path(tmp) / "archive.csv"
        csv_rows = write_csv(big, log)
        generated = time.perf_counter() - t0
        rows = [_spawn(name, big, args.sample, args.repeat) for name in names]
        tenth = _spawn("bulk", small, args.sample, args.repeat)
        imports = [_spawn(name, big, 0, args.import_repeat, log) for name in IMPORTS]
        small_log = Path(tmp) / "tenth.csv"
        write_csv(small, small_log)
        xes = xes_round_trip(small_log, Path(tmp), pm4py_found)
        size_mb = big.stat().st_size / 2**20
        csv_mb = log.stat().st_size / 2**20
    by = {r["contender"]: r for r in [*rows, *imports]}
    assert by["floor"]["finals"].get("None", 0) == by["bulk"]["finals"].get("illegal", 0), (
        "the floor and bulk replay disagree on the illegal histories"
    )
    summary = {
        "cases": args.cases,
        "events": events,
        "seed": args.seed,
        "archive_mb": round(size_mb, 1),
        "csv_mb": round(csv_mb, 1),
        "csv_rows": csv_rows,
        "generated_s": round(generated, 1),
        "memory": "peak resident set size (VmHWM) of each contender's own process",
        "rates": "events (rows, for imports) per CPU second (time.process_time), best of runs",
        "pm4py": pm4py_found,
        "contenders": rows,
        "imports": imports,
        "bulk_vs_floor": round(by["bulk"]["events_per_s"] / by["floor"]["events_per_s"], 2),
        "bulk_vs_naive": round(by["bulk"]["events_per_s"] / by["naive"]["events_per_s"], 1),
        "bulk_vs_add_model": round(by["bulk"]["events_per_s"] / by["add_model"]["events_per_s"], 1),
        "import_vs_floor": round(
            by["import"]["events_per_s"] / by["import_floor"]["events_per_s"], 2
        ),
        "align_s": by["align"]["seconds"],
        "illegal_cases": by["align"]["cases"],
        "scaling": {
            "small_cases": args.cases // 10,
            "small_events": small_events,
            "small_s": tenth["seconds"],
            "large_s": by["bulk"]["seconds"],
            "time_ratio": round(by["bulk"]["seconds"] / tenth["seconds"], 2),
        },
        "xes": xes,
    }
    if pm4py_found:
        summary["bulk_vs_pm4py_replay"] = round(
            by["bulk"]["events_per_s"] / by["pm4py_replay"]["events_per_s"], 1
        )
        summary["align_vs_pm4py_align"] = round(
            by["pm4py_align"]["seconds"] / by["align"]["seconds"], 1
        )
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    _print(summary, by, args)
    return 0


def _print(summary: dict[str, Any], by: dict[str, Any], args: argparse.Namespace) -> None:
    print(
        f"Bulk replay benchmark: {args.cases:,} cases, {summary['events']:,} events "
        f"(seed {args.seed}), SQLite archive {summary['archive_mb']:.0f} MB"
    )
    print()
    print(f"{'contender':<46} {'events':>9} {'events/s':>10} {'seconds':>8} {'peak MB':>8}")
    for r in summary["contenders"]:
        print(
            f"{CONTENDERS[r['contender']][0]:<46} {r['events']:>9,} {r['events_per_s']:>10,} "
            f"{r['seconds']:>8.2f} {r['peak_mb']:>8.1f}"
        )
    if not summary["pm4py"]:
        print(
            "PM4Py is not installed: its token-based replay and alignments are skipped "
            "(pip install 'casework[benchmark]')"
        )
    print()
    print(
        f"Import of the same log as CSV: {summary['csv_rows']:,} rows, {summary['csv_mb']:.0f} MB"
    )
    print(f"{'contender':<46} {'rows':>9} {'rows/s':>10} {'seconds':>8} {'peak MB':>8}")
    for r in summary["imports"]:
        print(
            f"{IMPORTS[r['contender']][0]:<46} {r['events']:>9,} {r['events_per_s']:>10,} "
            f"{r['seconds']:>8.2f} {r['peak_mb']:>8.1f}"
        )
    print()
    sc = summary["scaling"]
    print(f"bulk / floor:            {summary['bulk_vs_floor']:.2f}  (target >= 0.5)")
    print(f"bulk / one Machine each: {summary['bulk_vs_naive']:.0f}x  (target >= 30x)")
    print(f"bulk / add_model:        {summary['bulk_vs_add_model']:.0f}x")
    if summary["pm4py"]:
        print(f"bulk / PM4Py tokens:     {summary['bulk_vs_pm4py_replay']:.1f}x  (target >= 10x)")
    print(
        f"alignments:              {summary['illegal_cases']:,} illegal histories in "
        f"{summary['align_s']:.2f} s  (target < 2 s)"
        + (
            f"; PM4Py {by['pm4py_align']['seconds']:.2f} s ({summary['align_vs_pm4py_align']:.0f}x)"
            if summary["pm4py"]
            else ""
        )
    )
    print(f"import / floor:          {summary['import_vs_floor']:.2f}  (target >= 0.67)")
    print(
        f"10x the cases:           {sc['time_ratio']:.2f}x the time ({sc['small_cases']:,} cases "
        f"{sc['small_s']:.2f} s, {args.cases:,} cases {sc['large_s']:.2f} s; target <= 11x)"
    )
    print(f"bulk peak memory:        {by['bulk']['peak_mb']:.0f} MB (target < 300 MB)")
    xes = summary["xes"]
    line = (
        f"XES round trip:          {xes['traces']:,} traces, {xes['events']:,} events "
        f"({xes['mb']} MB) read back {'identically' if xes['identical'] else 'DIFFERENTLY'}"
    )
    if "pm4py_traces" in xes:
        line += f"; PM4Py reads {xes['pm4py_traces']:,} traces, {xes['pm4py_events']:,} events"
    print(line)
    print(
        f"Rates: per CPU second, best of {args.repeat} runs ({args.import_repeat} for imports); "
        f"transitions baselines on the first {args.sample:,} cases. Memory: peak RSS "
        "(VmHWM) of each contender's own process."
    )


if __name__ == "__main__":
    sys.exit(main())
