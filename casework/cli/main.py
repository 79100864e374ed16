"""The command line: parse, dispatch to a command, turn errors into exit codes.

Exit codes: 0 success, 1 the input is wrong (a message per problem, one line
each), 2 usage, 70 an internal error. ``main(argv, console)`` returns the code
so tests can capture the output; ``script()`` is the console script.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.text import Text

from casework.cli.commands import COMMANDS, EXIT_INPUT, EXIT_USAGE, Streams
from casework.cli.parser import UsageError, build_parser, parse
from casework.errors import CaseFileError, CaseworkError
from casework.model.steps import IllegalTransition
from casework.views.theme import make_console, plain, safe

__all__ = ["main", "script"]

EXIT_INTERNAL = 70
ISSUES_URL = "the casework issue tracker"


def main(
    argv: Sequence[str] | None = None,
    console: Console | None = None,
    stderr: Console | None = None,
    ask: Callable[[str], str] | None = None,
) -> int:
    """Run the command line; return the exit code."""
    out = console or make_console()
    err = stderr or make_console(stderr=True)
    parser = build_parser()
    try:
        args = parse(parser, argv)
    except UsageError as usage:
        _lines(err, usage.usage or parser.format_usage().rstrip())
        err.print(plain(str(usage)), style="error", soft_wrap=True)
        return EXIT_USAGE
    except SystemExit as done:  # --help and --version
        return int(done.code or 0)
    if args.command is None:
        _lines(out, parser.format_help().rstrip())
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args, Streams(out, err, ask or out.input))
    except UsageError as usage:  # found once the scenarios are loaded
        _lines(err, parser.commands[args.command].format_usage().rstrip())
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
        return EXIT_INTERNAL


def _lines(console: Console, text: str) -> None:
    """Several lines of casework's own text (help, usage), each shown literally."""
    console.print(Text("\n".join(safe(line) for line in text.split("\n"))))


def script() -> None:
    """Entry point of the ``casework`` console script."""
    sys.exit(main())
