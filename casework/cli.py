"""The command line: a thin layer over the library.

Exit codes: 0 success, 1 the input is wrong (a message per problem, one line
each), 2 usage. ``main(argv, console)`` returns the code so tests can capture
the output; ``run()`` is the console script.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from casework import __version__
from casework.casebook import Casebook, check_paths, load_casebook
from casework.dates import HistDate
from casework.errors import CaseworkError, CaseFileError, IllegalTransition
from casework.render import CaseList, Timeline, make_console, plain

__all__ = ["main", "run"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
ISSUES_URL = "the casework issue tracker"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print and sys.exit
        raise _UsageError(f"{self.prog}: {message}")


def _until(value: str) -> int | HistDate:
    if value.isdigit():
        return int(value)
    try:
        return HistDate.parse(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is neither an event number nor a date; expected e.g. 5 or 1921-12-20"
        ) from None


def _parser() -> _Parser:
    parser = _Parser(
        prog="casework",
        description="Replay historical case files as source-cited state machines.",
        epilog="Exit codes: 0 ok, 1 the input is wrong, 2 usage.",
    )
    parser.add_argument("--version", action="version", version=f"casework {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    scen = argparse.ArgumentParser(add_help=False)
    scen.add_argument(
        "--scenarios", metavar="DIR", help="scenarios folder (default: the bundled cases)"
    )

    p = sub.add_parser("replay", parents=[scen], help="replay a case as a timeline")
    p.add_argument("case", nargs="?", help="case id (default: every case)")
    p.add_argument("--step", action="store_true", help="wait for Enter between events")
    p.add_argument("--until", type=_until, metavar="N|DATE", help="stop after event N, or at a date")
    p.add_argument("--json", action="store_true", help="print the replay as JSON")

    p = sub.add_parser("list", parents=[scen], help="list the cases found")
    p.add_argument("--json", action="store_true", help="print the list as JSON")

    p = sub.add_parser("check", help="check case files against the procedure and sources")
    p.add_argument("paths", nargs="*", metavar="PATH", help="case files or scenarios folders (default: bundled)")
    return parser


def _book(args: argparse.Namespace) -> Casebook:
    return load_casebook(args.scenarios)


def _cmd_list(args: argparse.Namespace, out: Console) -> int:
    book = _book(args)
    if args.json:
        rows = []
        for case_id in sorted(book.cases):
            h = book.replay(case_id)
            rows.append({"case": case_id, "title": h.case.title, "events": len(h.events), "outcome": h.outcome})
        out.out(json.dumps(rows, ensure_ascii=False, indent=2), highlight=False)
    else:
        out.print(CaseList(book))
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, out: Console) -> int:
    problems, checked = check_paths(args.paths)
    if problems:
        raise CaseFileError(problems)
    out.print(plain(f"ok: {checked} file{'s' if checked != 1 else ''} checked, no problems"))
    return EXIT_OK


def _cmd_replay(args: argparse.Namespace, out: Console, ask: Callable[[str], str]) -> int:
    book = _book(args)
    case_ids = [args.case] if args.case else sorted(book.cases)
    histories = [book.replay(c, until=args.until) for c in case_ids]
    if args.json:
        data = [h.to_mapping() for h in histories]
        out.out(json.dumps(data[0] if args.case else data, ensure_ascii=False, indent=2), highlight=False)
        return EXIT_OK
    for n, history in enumerate(histories):
        if n:
            out.rule(style="case.arrow")
        view = Timeline(history, book)
        if not args.step:
            out.print(view)
            continue
        out.print(view.heading())
        for i, step in enumerate(history.steps):
            out.print(view.step_view(step))
            if i == len(history.steps) - 1:
                break
            try:
                answer = ask("[dim]Enter: next event · q: quit[/] ")
            except EOFError:
                args.step = False  # input is closed: show the rest without waiting
                answer = ""
            if answer.strip().lower() in ("q", "quit"):
                history = book.replay(history.case.id, until=step.event.seq)
                view = Timeline(history, book)
                break
        out.print(view.ending())
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None,
    console: Console | None = None,
    stderr: Console | None = None,
    ask: Callable[[str], str] | None = None,
) -> int:
    """Run the command line; return the exit code."""
    out = console or make_console()
    err = stderr or make_console(stderr=True)
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as usage:
        err.print(plain(parser.format_usage().rstrip()))
        err.print(plain(str(usage)), style="error", soft_wrap=True)
        return EXIT_USAGE
    except SystemExit as done:  # --help and --version
        return int(done.code or 0)
    if args.command is None:
        out.print(plain(parser.format_help().rstrip()))
        return EXIT_USAGE
    try:
        if args.command == "list":
            return _cmd_list(args, out)
        if args.command == "check":
            return _cmd_check(args, out)
        return _cmd_replay(args, out, ask or out.input)
    except CaseFileError as problem:
        for p in problem.problems:
            err.print(plain(str(p)), soft_wrap=True)
        n = len(problem.problems)
        if n > 1:
            err.print(plain(f"{n} problems"), style="error")
        return EXIT_INPUT
    except IllegalTransition as problem:
        err.print(plain(str(problem)), soft_wrap=True)
        return EXIT_INPUT
    except CaseworkError as problem:
        err.print(plain(f"casework: {problem}"), soft_wrap=True)
        return EXIT_INPUT
    except KeyboardInterrupt:
        err.print(plain("casework: interrupted"))
        return 130
    except Exception as bug:
        if args.debug:
            raise
        err.print(
            Text.assemble(
                ("casework: internal error: ", "error"),
                plain(f"{type(bug).__name__}: {bug}"),
                plain(f" (please report it to {ISSUES_URL}; run again with --debug for the traceback)"),
            ),
            soft_wrap=True,
        )
        return 70


def run() -> None:
    """Entry point of the ``casework`` console script."""
    sys.exit(main())
