"""The command line's words: every command, its arguments and its usage errors."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from casework import __version__
from casework.cli.archive_out import output_file
from casework.errors import InvalidUntil
from casework.load.folder import find_scenarios
from casework.model.dates import HistDate
from casework.model.replay import parse_until

__all__ = ["Parser", "UsageError", "build_parser", "parse"]


class UsageError(Exception):
    """A usage error: the one-line message, and the usage line of the (sub)command."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.usage = usage


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises UsageError instead of printing and exiting."""

    commands: dict[str, argparse.ArgumentParser]  # the subcommands' parsers, by name

    def error(self, message: str) -> Any:  # argparse would print and sys.exit
        raise UsageError(f"{self.prog}: {message}", self.format_usage().rstrip())


def _until(value: str) -> int | HistDate:
    """1–3 digits are an event number, anything else a date with an end ("1921": the year)."""
    try:
        return parse_until(value)
    except InvalidUntil as bad:
        raise argparse.ArgumentTypeError(str(bad)) from None


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


def _export_path(value: str) -> str:
    if not value.lower().endswith((".svg", ".html")):
        raise argparse.ArgumentTypeError(
            f"{value!r} is neither .svg nor .html; expected e.g. timeline.svg"
        )
    return value


def _output_options(p: argparse.ArgumentParser, json_what: str, picture: str) -> None:
    """--json and --export, shared by replay and whatif."""
    p.add_argument("--json", action="store_true", help=f"print the {json_what} as JSON")
    p.add_argument(
        "--export",
        type=_export_path,
        metavar="FILE.svg|FILE.html",
        help=f"write the {picture} to an SVG picture or an HTML page instead",
    )


def build_parser() -> Parser:
    """The parser of every command."""
    parser = Parser(
        prog="casework",
        description="Replay historical case files as source-cited state machines.",
        epilog=(
            "Exit codes: 0 ok, 1 the input is wrong, 2 usage, 70 internal error, "
            "74 cannot write output, 130 interrupted, 141 the reader of the output went away."
        ),
    )
    parser.add_argument("--version", action="version", version=f"casework {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    scen = Parser(add_help=False)
    scen.add_argument(
        "--scenarios",
        metavar="DIR",
        help="scenarios folder (default: $CASEWORK_SCENARIOS, else the nearest folder from "
        "here upwards with procedure.toml or scenarios/, else the bundled cases; now: "
        f"{find_scenarios(None)[0]})",
    )

    p = sub.add_parser("replay", parents=[scen], help="replay a case as a timeline")
    p.add_argument("case", nargs="?", help="case id (default: every case)")
    p.add_argument(
        "--step",
        action="store_true",
        help="wait for a key between events (Enter or space: next; q: stop)",
    )
    p.add_argument(
        "--until",
        type=_until,
        metavar="N|DATE",
        help="stop after event N (1-3 digits), or at a date (1921 is the year)",
    )
    _output_options(p, "replay", "timeline")

    p = sub.add_parser(
        "list", parents=[scen], help="list the cases found, and the what-ifs on each"
    )
    p.add_argument("--json", action="store_true", help="print the list as JSON")

    p = sub.add_parser(
        "whatif", parents=[scen], help="compare a what-if with the history it changes"
    )
    p.add_argument("whatif", metavar="FILE_OR_ID", help="a what-if id, or a what-if file")
    _output_options(p, "comparison", "comparison")

    p = sub.add_parser(
        "init", help="start a scenarios folder of your own: a copy of the bundled one"
    )
    p.add_argument("folder", metavar="DIR", help="a new (or empty) folder")

    p = sub.add_parser(
        "check", parents=[scen], help="check case files against the procedure and sources"
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="case files or scenarios folders (default: the scenarios folder in use)",
    )

    p = sub.add_parser(
        "paths", parents=[scen], help="the paths through the procedure to each outcome"
    )
    p.add_argument(
        "--to", metavar="OUTCOME", help="list every simple path to this outcome (or state)"
    )
    p.add_argument(
        "--procedure", metavar="ID", help="which procedure (default: the one in procedure.toml)"
    )
    p.add_argument("--json", action="store_true", help="print the paths as JSON")
    p.add_argument(
        "--limit",
        type=_count,
        default=None,
        metavar="N",
        help="list at most N paths, the shortest (default 1000)",
    )

    p = sub.add_parser(
        "diagram", parents=[scen], help="draw a case's path, or the procedure, as a Mermaid diagram"
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
    p.add_argument(
        "--full",
        action="store_true",
        help="with a case: the whole procedure around its path (default: the path alone)",
    )

    p = sub.add_parser(
        "timeline", parents=[scen], help="draw cases and what-ifs on one time axis (SVG or HTML)"
    )
    p.add_argument("cases", nargs="+", metavar="CASE", help="case or what-if ids, a lane each")
    p.add_argument(
        "--export",
        required=True,
        type=_export_path,
        metavar="FILE.svg|FILE.html",
        help="write the chart to an SVG picture (legend below) or an HTML page (words on hover)",
    )

    p = sub.add_parser(
        "show", parents=[scen], help="show a case's dossier: people, sources, outcome"
    )
    p.add_argument("case", nargs="?", help="case or what-if id (default: every case)")

    p = sub.add_parser(
        "browse", parents=[scen], help="explore cases and what-ifs in a full-screen terminal app"
    )
    p.add_argument("case", nargs="?", help="open this case or what-if (default: the list)")

    p = sub.add_parser(
        "import",
        parents=[scen],
        help="import a CSV, JSON Lines or XES file of events into an archive",
    )
    p.add_argument(
        "file",
        metavar="FILE.csv|FILE.jsonl|FILE.xes",
        help="one row (XES: one event) per event (see README: Archives)",
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

    p = sub.add_parser(
        "export",
        parents=[scen],
        help="write an archive as an XES event log, or each case's result as CSV or JSON Lines",
    )
    p.add_argument("--db", required=True, metavar="ARCHIVE.sqlite", help="the archive")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument(
        "--xes", type=output_file(".xes"), metavar="FILE.xes", help="an IEEE XES event log"
    )
    out.add_argument(
        "--results",
        type=output_file(".csv", ".jsonl"),
        metavar="FILE.csv|FILE.jsonl",
        help="each case: outcome, path, illegal step, smallest repair, days",
    )
    parser.commands = dict(sub.choices)
    return parser


def parse(parser: Parser, argv: Sequence[str] | None) -> argparse.Namespace:
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
