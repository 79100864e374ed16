"""The ``import`` and ``stats`` commands (archives), plugged into :mod:`casework.cli.main`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from casework.analysis.archive import ImportFailed, archive_stats, import_file
from casework.load.casebook import bundled_scenarios
from casework.model.procedure import Procedure
from casework.views.render import Block, plain

COMMANDS = ("import", "stats")


def add_parsers(sub: Any, scen: argparse.ArgumentParser) -> None:
    """Add ``import`` and ``stats`` to the CLI's subparsers."""
    p = sub.add_parser(
        "import", parents=[scen], help="import a CSV or JSON Lines file of events into an archive"
    )
    p.add_argument(
        "file", metavar="FILE.csv|FILE.jsonl", help="one row per event (see README: Archives)"
    )
    p.add_argument(
        "--db", required=True, metavar="ARCHIVE.sqlite", help="the archive (created when missing)"
    )

    p = sub.add_parser(
        "stats", parents=[scen], help="replay every case of an archive and summarise it"
    )
    p.add_argument("--db", required=True, metavar="ARCHIVE.sqlite", help="the archive")
    p.add_argument(
        "--json", action="store_true", help="print the summary as JSON (every illegal history)"
    )
    p.add_argument(
        "--top", type=_count, default=10, metavar="N", help="how many paths to show (default 10)"
    )
    p.add_argument(
        "--illegal",
        type=_count,
        default=20,
        metavar="N",
        help="how many illegal histories to show (default 20; --json shows all)",
    )


def _count(value: str) -> int:
    """A number of things to show: a whole number, 0 or more."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a whole number; expected e.g. 10"
        ) from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is negative; expected 0 or more")
    return number


def _procedures(args: argparse.Namespace, err: Console) -> Mapping[str, Procedure]:
    # Only the procedures are needed: a case or what-if file with problems is a warning.
    from casework.load.casebook import load_casebook

    book = load_casebook(args.scenarios or bundled_scenarios(), strict=False)
    for p in book.problems:
        err.print(plain(f"warning: {p}"), soft_wrap=True)
    return book.procedures


@contextmanager
def _progress(err: Console, what: str) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; else a callback that does nothing."""
    if not err.is_terminal:
        yield lambda *_: None
        return
    columns = [TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    if what == "importing":
        columns = [TextColumn(what), TextColumn("{task.completed:,} rows")]
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=None)

        def update(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def run(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Run ``import`` or ``stats``; return the exit code."""
    procedures = _procedures(args, err)
    if args.command == "import":
        try:
            with _progress(err, "importing") as update:
                report = import_file(args.file, args.db, procedures, progress=update)
        except ImportFailed as failed:
            for p in failed.problems:
                err.print(plain(str(p)), soft_wrap=True)
            more = failed.bad_rows - len(failed.problems)
            tail = f" ({more:,} more not shown)" if more else ""
            err.print(
                plain(
                    f"{failed.bad_rows:,} bad row{'s' if failed.bad_rows != 1 else ''}{tail}; "
                    f"nothing was imported"
                ),
                style="error",
            )
            return 1
        out.print(
            Block(
                plain(
                    f"{report.path}: {_plural(report.rows, 'row')}; "
                    f"{_plural(report.added, 'event')} added "
                    f"({_plural(report.cases_added, 'new case')}); "
                    f"{report.present:,} already in the archive"
                )
            )
        )
        return 0
    with _progress(err, "replaying") as update:
        stats = archive_stats(args.db, procedures, top=args.top, progress=update)
    if args.json:
        out.out(json.dumps(stats.to_mapping(), ensure_ascii=False, indent=2), highlight=False)
    else:
        from casework.views.stats import StatsView

        out.print(StatsView(stats, args.illegal))
    return 0


def _plural(n: int, noun: str) -> str:
    """'1 row', '2,000 rows'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
