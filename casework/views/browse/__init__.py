"""``casework browse``: a full-screen terminal app (Textual) to explore cases and
what-ifs: the timeline with a cursor, each quote inside its source document,
the state and what the procedure allows next, a what-if beside its history,
the dossier. Textual is imported only here, so only ``browse`` pays for it.

The browser reads and never writes: no file, no screenshot, no log.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from casework.errors import CaseworkError, Problem
from casework.views.browse.app import BrowseApp

if TYPE_CHECKING:
    from casework.load.casebook import Casebook

__all__ = ["BrowseApp", "NoTerminal", "browse"]


class NoTerminal(CaseworkError):
    """The browser was started without a terminal to draw on and read keys from."""

    def __init__(self) -> None:
        super().__init__(
            "browse needs a terminal: its standard input and standard error are not both "
            "one; expected to run it in a terminal (replay, whatif and show print to pipes)"
        )


def browse(
    book: Casebook | None, problems: Sequence[Problem] = (), *, start: str | None = None
) -> int:
    """Run the browser in the terminal until the reader quits: 0, or 1 when the
    scenarios folder did not load (its ``problems`` were shown)."""
    if not (sys.stdin and sys.stdin.isatty() and sys.__stderr__ and sys.__stderr__.isatty()):
        raise NoTerminal()
    BrowseApp(book, problems, start=start).run()
    return 0 if book is not None else 1
