"""The command line: parse, dispatch to a command, turn errors into exit codes.

Exit codes: 0 success, 1 the input is wrong (a message per problem, one line
each), 2 usage, 70 an internal error, 74 the output cannot be written (a full
disk, a closed standard output), 130 interrupted (Ctrl-C), 141 the reader of
the output went away (``casework replay | head -1``: nothing more is written,
as a program that SIGPIPE ends). ``main(argv, console)`` returns the code so
tests can capture the output; ``script()`` is the console script.

This module imports nothing at its top but ``sys``: the console script imports
it before :func:`script` can catch a Ctrl-C, so everything else is imported
inside the guard.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: importing typing would cost more than this module
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from rich.console import Console

__all__ = ["EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_OUTPUT", "EXIT_PIPE", "main", "script"]

EXIT_INTERNAL = 70
EXIT_OUTPUT = 74  # sysexits' EX_IOERR, as 70 is its EX_SOFTWARE
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a program SIGPIPE ended
ISSUES_URL = "the casework issue tracker"
INTERRUPTED = "casework: interrupted\n"


def main(
    argv: Sequence[str] | None = None,
    console: Console | None = None,
    stderr: Console | None = None,
    ask: Callable[[str], str] | None = None,
) -> int:
    """Run the command line; return the exit code.

    ``console`` and ``stderr`` default to the process's standard output and
    error; ``ask`` (how ``replay --step`` waits between events) to a key on
    the terminal, or a line of standard input.
    """
    from casework.cli.terminal import Output, OutputError, ask_step
    from casework.views.theme import make_console, plain

    err = stderr or make_console(stderr=True, file=Output(sys.stderr) if sys.stderr else None)
    try:
        if console is None:
            if sys.stdout is None:  # started with standard output closed (>&-)
                raise OutputError(OSError(0, "standard output is closed"))
            console = make_console(file=Output(sys.stdout))
        code = _run(argv, console, err, ask or ask_step)
        console.file.flush()
        err.file.flush()
    except OutputError as failed:
        if failed.broken_pipe:
            return EXIT_PIPE
        try:
            err.print(plain(f"casework: cannot write output ({failed})"), soft_wrap=True)
            err.file.flush()
        except OutputError:
            pass  # standard error failed too: the exit code says it
        return EXIT_OUTPUT
    return code


def _run(argv: Sequence[str] | None, out: Console, err: Console, ask: Callable[[str], str]) -> int:
    from rich.text import Text

    from casework.cli.commands import COMMANDS, EXIT_INPUT, EXIT_USAGE, Streams
    from casework.cli.parser import UsageError, build_parser, parse
    from casework.cli.terminal import OutputError
    from casework.errors import CaseFileError, CaseworkError
    from casework.model.steps import IllegalTransition
    from casework.views.theme import plain

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
        return COMMANDS[args.command](args, Streams(out, err, ask))
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
        err.print(plain(INTERRUPTED.rstrip("\n")))
        return EXIT_INTERRUPTED
    except OutputError:
        raise
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
    from rich.text import Text

    from casework.views.theme import safe

    console.print(Text("\n".join(safe(line) for line in text.split("\n"))))


def script() -> None:
    """Entry point of the ``casework`` console script and of ``python -m casework``.

    A Ctrl-C at any moment, during the imports too, ends with one line and exit
    130. After a failed write (exit 74 or 141), standard output is pointed at
    /dev/null, so that Python's own last flush at exit has nothing to fail on.
    """
    try:
        code = main()
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
        try:
            if sys.stderr is not None:
                sys.stderr.write(INTERRUPTED)
                sys.stderr.flush()
        except (OSError, KeyboardInterrupt):
            pass
    if code in (EXIT_OUTPUT, EXIT_PIPE) and sys.stdout is not None:
        _discard_stdout()
    sys.exit(code)


def _discard_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
