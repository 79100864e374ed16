"""One family of exceptions: every error casework raises on purpose.

Each message says what was wrong, where, and what was allowed, in the form
``file:line: what is wrong; what was expected``.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs

__all__ = [
    "CaseFileError",
    "CaseworkError",
    "InvalidUntil",
    "Problem",
    "UnknownCase",
    "UnknownName",
    "UnknownWhatIf",
    "file_kind",
]


@attrs.frozen
class Problem:
    """One thing wrong with one input file, at one line (0 when not known)."""

    path: str
    line: int
    what: str
    expected: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.what}"
        if self.expected:
            text += f"; {self.expected}"
        return text

    @classmethod
    def at(cls, path: Path | str, line: int, what: str, expected: str = "") -> Problem:
        """A problem in ``path``, shown relative to the working directory when inside it."""
        return cls(display_path(path), line, what, expected)


def display_path(path: Path | str) -> str:
    """The path as a user typed it: relative to the working directory when possible."""
    p = Path(path)
    try:
        # realpath, not resolve: a symlink loop is a file's problem, not an error here
        return str(Path(os.path.realpath(p)).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


def _did_you_mean(name: str, known: tuple[str, ...]) -> str:
    """' (did you mean 'alliluyeva'?)' when a known name is close to ``name``."""
    import difflib  # only when a name is not found

    close = difflib.get_close_matches(name, known, n=2, cutoff=0.75)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def file_kind(mode: int) -> str:
    """What a path's ``st_mode`` says it is, in words ('' for a regular file):
    'folder', 'named pipe', 'socket', 'device', 'symlink loop' (a link that
    ``realpath`` could not follow) or 'special file'."""
    import stat

    kinds = (
        (stat.S_ISREG, ""),
        (stat.S_ISLNK, "symlink loop"),
        (stat.S_ISDIR, "folder"),
        (stat.S_ISFIFO, "named pipe"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "device"),
        (stat.S_ISBLK, "device"),
    )
    return next((name for test, name in kinds if test(mode)), "special file")


class CaseworkError(Exception):
    """Base of every error casework raises on purpose."""


class CaseFileError(CaseworkError):
    """One or more input files are malformed; ``.problems`` lists each."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems: tuple[Problem, ...] = (
            (problems,) if isinstance(problems, Problem) else tuple(problems)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownCase(CaseworkError, KeyError):
    """No case with that id in the casebook; keeps ``.case_id`` and ``.known``.

    A KeyError too, for callers that look a case up as in a mapping.
    """

    what = "case"

    def __init__(self, case_id: str, known: list[str]) -> None:
        self.case_id = case_id
        self.known = tuple(known)
        super().__init__(case_id)

    def __str__(self) -> str:
        known = ", ".join(self.known) or "none"
        hint = _did_you_mean(self.case_id, self.known)
        return f"no {self.what} {self.case_id!r}{hint}; known {self.what}s: {known}"


class InvalidUntil(CaseworkError, ValueError):
    """Where to stop a replay is neither an event number nor a date with an end.

    Keeps ``.value`` (what was given) and ``.why``.
    """

    def __init__(self, value: str, why: str, expected: str) -> None:
        self.value = value
        self.why = why
        super().__init__(f"{value!r} {why}; {expected}")


class UnknownName(CaseworkError, ValueError):
    """A state, event kind or outcome that the procedure does not define.

    Keeps ``.what`` (what was looked for), ``.name`` and ``.known``.
    """

    def __init__(self, what: str, name: str, known: list[str], procedure: str = "") -> None:
        self.what = what
        self.name = name
        self.known = tuple(known)
        self.procedure = procedure
        super().__init__(name)

    def __str__(self) -> str:
        where = f" in procedure {self.procedure!r}" if self.procedure else ""
        hint = _did_you_mean(self.name, self.known)
        return (
            f"no {self.what} {self.name!r}{where}{hint}; expected one of: {', '.join(self.known)}"
        )


class UnknownWhatIf(UnknownCase, UnknownName):
    """No what-if with that id in the casebook; keeps ``.case_id`` (also ``.name``)
    and ``.known``.

    An UnknownCase (so a KeyError) like a missing case, and an UnknownName, which
    ``Casebook.whatif`` raised before.
    """

    what = "what-if"

    def __init__(self, whatif_id: str, known: list[str]) -> None:
        # UnknownCase.__init__ would pass one argument on to UnknownName's.
        UnknownName.__init__(self, "what-if", whatif_id, known)
        self.case_id = whatif_id
