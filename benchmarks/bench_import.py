"""Benchmark: importing a large CSV or JSON Lines file into a new archive.

    python benchmarks/bench_import.py                  # 200,000 rows of CSV
    python benchmarks/bench_import.py --rows 50000 --format jsonl --json
    python benchmarks/bench_import.py --profile 10     # and cProfile's top 10

Writes a deterministic synthetic import file (seeded; about five events a case,
realistic kinds, dates as days, months and open intervals, actors, summaries,
quotes, some inferred rows with reasoning), then times, each in a fresh Python
process, ``casework.analysis.archive.import_file`` of the whole file into a new
archive. The rate is rows per CPU second of that process (``time.process_time``,
which counts SQLite's work too), best of ``--repeat`` runs; memory is the
process's peak resident set size (Linux ``VmHWM``), interpreter included. With
``--profile N`` one more run is made under cProfile and its N costliest
functions (by own time) are printed. This is a script, not a test: figures
depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import io
import json
import pstats
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SEED = 1921
KINDS = [
    ["expel", "appeal", "reinstate"],
    ["expel", "intercede", "request_verification", "reinstate"],
    ["background", "expel", "appeal", "schedule_hearing", "uphold"],
    ["expel", "appeal", "intercede", "reinstate_as_candidate"],
    ["expel"],
]
COLUMNS = [
    "case_id",
    "seq",
    "event_id",
    "kind",
    "date",
    "calendar",
    "actors",
    "summary",
    "source",
    "locator",
    "quote",
    "basis",
    "reasoning",
    "title",
]


def rows(n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """``n`` import rows, grouped by case as an archive's export would be."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    case = 0
    start = dt.date(1921, 8, 15).toordinal()
    while len(out) < n:
        case += 1
        day = start + rng.randint(0, 90)
        for seq, kind in enumerate(rng.choice(KINDS), start=1):
            day += rng.randint(3, 60)
            d = dt.date.fromordinal(day)
            r = rng.random()
            date = d.isoformat() if r < 0.7 else d.strftime("%Y-%m") if r < 0.9 else f"../{d}"
            inferred = rng.random() < 0.1
            out.append(
                {
                    "case_id": f"c{case:07d}",
                    "seq": seq,
                    "event_id": f"e{seq}-{kind}",
                    "kind": kind,
                    "date": date,
                    "calendar": "gregorian",
                    "actors": "district-commission;gubernia-commission" if seq > 1 else "",
                    "summary": f"The {kind.replace('_', ' ')} of case {case} ({rng.random():.6f}).",
                    "source": f"fond-17-op-{case % 97}",
                    "locator": f"l. {rng.randint(1, 300)}",
                    "quote": "the commission resolved " * rng.randint(1, 4),
                    "basis": "inferred" if inferred else "stated",
                    "reasoning": "the order of the file implies it" if inferred else "",
                    "title": f"Case {case}" if seq == 1 else "",
                }
            )
            if len(out) == n:
                break
    return out


def write(path: Path, data: list[dict[str, Any]]) -> None:
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, COLUMNS)
            w.writeheader()
            w.writerows(data)
    else:
        with path.open("w", encoding="utf-8") as f:
            for row in data:
                row = dict(row)
                row["actors"] = [a for a in row["actors"].split(";") if a]
                f.write(json.dumps({k: v for k, v in row.items() if v != ""}) + "\n")


def _peak_kib() -> int:
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(file: str, repeat: int, profile: int) -> dict[str, Any]:
    """Import ``file`` ``repeat`` times into new archives; the best time and peak memory."""
    from casework import load_casebook
    from casework.analysis.archive import ImportFailed, import_file

    procedures = load_casebook().procedures
    best = float("inf")
    rows_read = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(repeat):
            db = Path(tmp) / f"a{n}.sqlite"
            t0 = time.process_time()
            try:
                report = import_file(file, db, procedures)
            except ImportFailed as failed:
                sys.exit("\n".join([*map(str, failed.problems), failed.summary()]))
            best = min(best, time.process_time() - t0)
            rows_read = report.rows
            db.unlink()
        top = ""
        if profile:
            prof = cProfile.Profile()
            prof.enable()
            import_file(file, Path(tmp) / "p.sqlite", procedures)
            prof.disable()
            text = io.StringIO()
            pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(profile)
            top = text.getvalue()
    return {
        "rows": rows_read,
        "seconds": round(best, 3),
        "rows_per_s": round(rows_read / best),
        "peak_mb": round(_peak_kib() / 1024, 1),
        "profile": top,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000, help="rows in the file (default 200,000)")
    ap.add_argument("--format", choices=["csv", "jsonl"], default="csv")
    ap.add_argument("--repeat", type=int, default=3, help="imports timed; the best is kept")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="print cProfile's top N")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.repeat, args.profile)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / f"events.{args.format}"
        write(file, rows(args.rows, args.seed))
        size_mb = file.stat().st_size / 2**20
        out = subprocess.run(
            [
                *(sys.executable, __file__, "--child", str(file)),
                *("--repeat", str(args.repeat), "--profile", str(args.profile)),
            ],
            capture_output=True,
            text=True,
        )
    if out.returncode:
        sys.stderr.write(out.stderr)
        return out.returncode
    result = json.loads(out.stdout)
    result.update(format=args.format, file_mb=round(size_mb, 1), seed=args.seed)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"Import benchmark: {result['rows']:,} rows of {args.format.upper()} "
        f"({size_mb:.1f} MB, seed {args.seed}) into a new archive"
    )
    print(
        f"{result['rows_per_s']:,} rows per CPU second ({result['seconds']:.2f} s, best of "
        f"{args.repeat}); peak memory {result['peak_mb']:.0f} MB"
    )
    if result["profile"]:
        print()
        print(result["profile"].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
