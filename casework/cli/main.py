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
from casework.analysis import paths
from casework.errors import (
    CaseFileError,
    CaseworkError,
    IllegalTransition,
    InvalidUntil,
    UnknownName,
)
from casework.load.casebook import Casebook, check_paths, load_casebook, parse_until
from casework.load.cases import Context
from casework.model.dates import HistDate
from casework.model.replay import History
from casework.views.render import PathsView, Timeline, make_console, plain

__all__ = ["main", "run"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2
ISSUES_URL = "the casework issue tracker"


class _UsageError(Exception):
    """A usage error: the one-line message, and the usage line of the (sub)command."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    commands: dict[str, argparse.ArgumentParser]  # the subcommands' parsers, by name

    def error(self, message: str) -> Any:  # argparse would print and sys.exit
        raise _UsageError(f"{self.prog}: {message}", self.format_usage().rstrip())


def _until(value: str) -> int | HistDate:
    """1–3 digits are an event number, anything else a date with an end ("1921": the year)."""
    try:
        return parse_until(value)
    except InvalidUntil as bad:
        raise argparse.ArgumentTypeError(str(bad)) from None


def _parser() -> _Parser:
    parser = _Parser(
        prog="casework",
        description="Replay historical case files as source-cited state machines.",
        epilog="Exit codes: 0 ok, 1 the input is wrong, 2 usage.",
    )
    parser.add_argument("--version", action="version", version=f"casework {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    scen = _Parser(add_help=False)
    scen.add_argument(
        "--scenarios", metavar="DIR", help="scenarios folder (default: the bundled cases)"
    )

    p = sub.add_parser("replay", parents=[scen], help="replay a case as a timeline")
    p.add_argument("case", nargs="?", help="case id (default: every case)")
    p.add_argument("--step", action="store_true", help="wait for Enter between events")
    p.add_argument(
        "--until",
        type=_until,
        metavar="N|DATE",
        help="stop after event N (1-3 digits), or at a date (1921 is the year)",
    )
    _add_output_options(p, "replay", "timeline")

    p = sub.add_parser(
        "list", parents=[scen], help="list the cases found, and the what-ifs on each"
    )
    p.add_argument("--json", action="store_true", help="print the list as JSON")

    p = sub.add_parser(
        "whatif", parents=[scen], help="compare a what-if with the history it changes"
    )
    p.add_argument("whatif", metavar="FILE_OR_ID", help="a what-if id, or a what-if file")
    _add_output_options(p, "comparison", "comparison")

    p = sub.add_parser("check", help="check case files against the procedure and sources")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="case files or scenarios folders (default: bundled)",
    )

    p = sub.add_parser(
        "paths", parents=[scen], help="the paths through the procedure to each outcome"
    )
    p.add_argument(
        "--to", metavar="OUTCOME", help="list every simple path to this outcome (or state)"
    )
    p.add_argument(
        "--procedure", metavar="ID", help="which procedure (needed when there are several)"
    )
    p.add_argument("--json", action="store_true", help="print the paths as JSON")

    p = sub.add_parser(
        "diagram", parents=[scen], help="draw the procedure as a Mermaid state diagram"
    )
    p.add_argument(
        "case",
        nargs="?",
        help="mark this case's (or what-if's) path and outcome (default: the procedure alone)",
    )
    p.add_argument(
        "--format",
        choices=("mermaid", "markdown"),
        default="mermaid",
        help="mermaid text (default), or markdown: a fenced mermaid block",
    )

    p = sub.add_parser(
        "show", parents=[scen], help="show a case's dossier: people, sources, outcome"
    )
    p.add_argument("case", nargs="?", help="case or what-if id (default: every case)")

    from casework.cli import archive as _archive_cli  # import, stats: archives

    _archive_cli.add_parsers(sub, scen)
    parser.commands = dict(sub.choices)
    return parser


def _parse(parser: _Parser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line; every usage error names the subcommand it is about."""
    args, extras = parser.parse_known_args(argv)
    command = parser.commands.get(args.command or "", parser)
    if extras:
        command.error(f"unrecognized arguments: {' '.join(extras)}")
    if args.command == "replay":
        if args.export and (args.json or args.step):
            command.error("--export cannot be used with --json or --step")
        if args.step and args.json:
            command.error("--step cannot be used with --json")
    if args.command == "whatif" and args.export and args.json:
        command.error("--export cannot be used with --json")
    return args


def _add_output_options(p: argparse.ArgumentParser, json_what: str, picture: str) -> None:
    """--json and --export, shared by replay and whatif."""
    p.add_argument("--json", action="store_true", help=f"print the {json_what} as JSON")
    p.add_argument(
        "--export",
        type=_export_path,
        metavar="FILE.svg|FILE.html",
        help=f"write the {picture} to an SVG picture or an HTML page instead",
    )


def _export_path(value: str) -> str:
    if not value.lower().endswith((".svg", ".html")):
        raise argparse.ArgumentTypeError(
            f"{value!r} is neither .svg nor .html; expected e.g. timeline.svg"
        )
    return value


def _book(args: argparse.Namespace) -> Casebook:
    """The scenarios folder, with the case and what-if files that load: the
    problems of the others are in ``book.problems`` (see :func:`_warn`)."""
    return load_casebook(args.scenarios, strict=False)


def _warn(book: Casebook, err: Console, skip: str = "") -> None:
    """The problems of the files that did not load, as warnings (the command goes on)."""
    for p in book.problems:
        if p.path != skip:
            err.print(plain(f"warning: {p}"), soft_wrap=True)


def _incomplete(book: Casebook, err: Console) -> int:
    """After a command about every case: the problems of the files that did not
    load, as errors (exit 1), or exit 0 when there are none."""
    for p in book.problems:
        err.print(plain(str(p)), soft_wrap=True)
    if len(book.problems) > 1:
        err.print(plain(f"{len(book.problems)} problems"), style="error")
    return EXIT_INPUT if book.problems else EXIT_OK


def _cmd_list(args: argparse.Namespace, out: Console, err: Console) -> int:
    from casework.views.render import CaseTree

    book = _book(args)
    if args.json:
        by_case: dict[str, list[dict[str, Any]]] = {}  # each what-if compared once
        for w in sorted(book.whatifs.values(), key=lambda w: w.id):
            c = w.compare(book)
            by_case.setdefault(c.base.case.id, []).append(
                {
                    "whatif": w.id,
                    "base": w.base,
                    "title": w.title,
                    "events": len(c.counterfactual.case.events),
                    "outcome": c.outcome,
                }
            )
        rows = []
        for case_id in sorted(book.cases):
            h = book.replay(case_id)
            rows.append(
                {
                    "case": case_id,
                    "title": h.case.title,
                    "events": len(h.events),
                    "outcome": h.outcome,
                    "whatifs": by_case.get(case_id, []),
                }
            )
        out.out(json.dumps(rows, ensure_ascii=False, indent=2), highlight=False)
    else:
        out.print(CaseTree(book))
    return _incomplete(book, err)


def _cmd_whatif(args: argparse.Namespace, out: Console, err: Console) -> int:
    from pathlib import Path

    from casework.errors import display_path
    from casework.load.casebook import bundled_scenarios, scenarios_root
    from casework.views.render import WhatIfView

    target = Path(args.whatif)
    skip = ""
    if target.suffix == ".toml" or target.exists():
        root = args.scenarios or scenarios_root(target) or bundled_scenarios()
        book = load_casebook(root, strict=False)
        whatif = _load_whatif(target, book)
        skip = display_path(target)  # its problems, if any, were the error
    else:
        book = _book(args)
        whatif = book.whatif(args.whatif)
    _warn(book, err, skip)
    comparison = whatif.compare(book)
    if args.json:
        out.out(json.dumps(comparison.to_mapping(), ensure_ascii=False, indent=2), highlight=False)
    elif args.export:
        from casework.views.export import export

        path = export(WhatIfView(comparison, book), args.export, title=whatif.title or whatif.id)
        out.print(plain(f"wrote {path} ({whatif.id})"), soft_wrap=True)
    else:
        out.print(WhatIfView(comparison, book))
    return EXIT_OK


def _load_whatif(target: Any, book: Casebook) -> Any:
    """A what-if file checked against ``book``; when its base is a case or what-if
    that did not load, the error is that base's problems."""
    from casework.model.whatif import load_whatif, read_whatif

    try:
        return load_whatif(target, book)
    except CaseFileError as failed:
        try:
            base = read_whatif(target, Context(book.procedures, book.people, book.documents)).base
        except CaseFileError:
            raise failed from None
        if base in book.broken:
            raise CaseFileError(list(book.broken[base])) from None
        raise


def _cmd_check(args: argparse.Namespace, out: Console) -> int:
    problems, checked = check_paths(args.paths)
    if problems:
        raise CaseFileError(problems)
    out.print(plain(f"ok: {checked} file{'s' if checked != 1 else ''} checked, no problems"))
    return EXIT_OK


def _cmd_paths(args: argparse.Namespace, out: Console, err: Console) -> int:
    book = _book(args)
    _warn(book, err)
    if args.procedure is None and len(book.procedures) > 1:
        raise _UsageError(
            "casework paths: there are several procedures "
            f"({', '.join(book.procedures)}); choose one with --procedure"
        )
    proc_id = args.procedure or next(iter(book.procedures))
    if proc_id not in book.procedures:
        raise UnknownName("procedure", proc_id, list(book.procedures))
    proc = book.procedures[proc_id]
    found = paths.simple_paths(proc, args.to)  # checks --to first
    if not args.json:
        out.print(PathsView(proc, args.to))
        return EXIT_OK
    data = {
        "procedure": proc.id,
        "initial": proc.initial,
        "to": args.to,
        "outcome_states": list(paths.outcome_states(proc)),
        "reachable": list(paths.reachable_states(proc)),
        "unreachable": list(paths.unreachable_states(proc)),
        "dead_ends": list(paths.dead_ends(proc)),
        "traps": list(paths.traps(proc)),
        "shortest": {o: p.to_mapping() for o, p in paths.shortest_paths(proc).items()},
        "paths": [p.to_mapping() for p in found],
    }
    out.out(json.dumps(data, ensure_ascii=False, indent=2), highlight=False)
    return EXIT_OK


def _cmd_replay(
    args: argparse.Namespace, out: Console, err: Console, ask: Callable[[str], str]
) -> int:
    book = _book(args)
    case_ids = [args.case] if args.case else sorted(book.cases)
    histories = [book.replay(c, until=args.until) for c in case_ids]
    if args.case:
        _warn(book, err)
    _replay_out(args, out, ask, book, histories)
    return EXIT_OK if args.case else _incomplete(book, err)


def _replay_out(
    args: argparse.Namespace,
    out: Console,
    ask: Callable[[str], str],
    book: Casebook,
    histories: list[History],
) -> None:
    if args.export:
        _export_replay(args, out, histories, book)
        return
    if args.json:
        data = [h.to_mapping() for h in histories]
        out.out(
            json.dumps(data[0] if args.case else data, ensure_ascii=False, indent=2),
            highlight=False,
        )
        return
    waiting = args.step  # for an answer between events (until q, or the input ends)
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
            if not waiting or i == len(history.steps) - 1:
                continue
            try:
                answer = ask("[dim]Enter: next event · q: quit[/] ")
            except EOFError:
                waiting = False  # the input is closed: show the rest without waiting
                continue
            if answer.strip().lower() in ("q", "quit"):  # a line read from a pipe too
                history = book.replay(history.case.id, until=step.event.seq)
                out.print(Timeline(history, book).ending())
                return
        out.print(view.ending())


def _export_replay(
    args: argparse.Namespace, out: Console, histories: list[History], book: Casebook
) -> None:
    from rich.console import Group
    from rich.rule import Rule

    from casework.views.export import export

    parts: list[Any] = []
    for n, history in enumerate(histories):
        if n:
            parts.append(Rule(style="case.arrow"))
        parts.append(Timeline(history, book))
    title = (
        histories[0].case.title
        if args.case
        else "casework: " + ", ".join(h.case.id for h in histories)
    )
    path = export(Group(*parts), args.export, title=title)
    events = sum(len(h.steps) for h in histories)
    out.print(plain(f"wrote {path} ({events} events)"), soft_wrap=True)


def _case_or_whatif(book: Casebook, name: str) -> tuple[Any, str, str]:
    """A case's replay, or a what-if's history (up to any illegal event), with the
    what-if's title for a diagram and its question for a dossier ("" for a case)."""
    if name in book.cases or name not in book.whatifs:
        return book.replay(name), "", ""
    from casework.model.whatif import run

    whatif = book.whatifs[name]
    result = run(*whatif.build(book))
    return (
        result.history,
        f"{whatif.title} ({whatif.id}): {result.outcome}",
        f"{whatif.title} ({whatif.id})",
    )


def _cmd_diagram(args: argparse.Namespace, out: Console, err: Console) -> int:
    from casework.views.diagram import diagram

    book = _book(args)
    if args.case:
        history, title, _ = _case_or_whatif(book, args.case)
        subjects: list[Any] = [history]
    else:
        subjects, title = [book.procedures[p] for p in sorted(book.procedures)], ""
    _warn(book, err)
    text = "\n".join(diagram(s, format=args.format, title=title or None) for s in subjects)
    out.out(text, end="", highlight=False)
    return EXIT_OK


def _cmd_show(args: argparse.Namespace, out: Console, err: Console) -> int:
    from casework.views.dossier import Dossier

    book = _book(args)
    if args.case:
        shown = [_case_or_whatif(book, args.case)]
        _warn(book, err)
    else:
        shown = [_case_or_whatif(book, case_id) for case_id in sorted(book.cases)]
    for n, (history, _, question) in enumerate(shown):
        if n:
            out.rule(style="case.arrow")
        out.print(Dossier(history, book, whatif=question))
    return EXIT_OK if args.case else _incomplete(book, err)


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
        args = _parse(parser, argv)
    except _UsageError as usage:
        err.print(plain(usage.usage or parser.format_usage().rstrip()))
        err.print(plain(str(usage)), style="error", soft_wrap=True)
        return EXIT_USAGE
    except SystemExit as done:  # --help and --version
        return int(done.code or 0)
    if args.command is None:
        out.print(plain(parser.format_help().rstrip()))
        return EXIT_USAGE
    try:
        if args.command in ("import", "stats"):
            from casework.cli import archive as _archive_cli

            return _archive_cli.run(args, out, err)
        if args.command == "list":
            return _cmd_list(args, out, err)
        if args.command == "whatif":
            return _cmd_whatif(args, out, err)
        if args.command == "check":
            return _cmd_check(args, out)
        if args.command == "paths":
            return _cmd_paths(args, out, err)
        if args.command == "diagram":
            return _cmd_diagram(args, out, err)
        if args.command == "show":
            return _cmd_show(args, out, err)
        return _cmd_replay(args, out, err, ask or out.input)
    except _UsageError as usage:  # found once the scenarios are loaded
        err.print(plain(parser.commands[args.command].format_usage().rstrip()))
        err.print(plain(str(usage)), style="error", soft_wrap=True)
        return EXIT_USAGE
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
                plain(
                    f" (please report it to {ISSUES_URL}; run again with --debug for the traceback)"
                ),
            ),
            soft_wrap=True,
        )
        return 70


def run() -> None:
    """Entry point of the ``casework`` console script."""
    sys.exit(main())
