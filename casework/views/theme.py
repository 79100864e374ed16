"""The views' common ground: one theme, text from files shown literally, and the
small layout pieces every view uses."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text
from rich.theme import Theme

from casework.model.documents import Document
from casework.model.people import Person

__all__ = [
    "HIDDEN",
    "MEASURE",
    "THEME",
    "Block",
    "Hanging",
    "Measure",
    "References",
    "make_console",
    "names",
    "outcome_style",
    "plain",
    "prose",
    "safe",
]


class References(Protocol):
    """What views look names and titles up in: the people and documents of a
    scenarios folder (a :class:`~casework.Casebook` is one)."""

    @property
    def people(self) -> Mapping[str, Person]: ...
    @property
    def documents(self) -> Mapping[str, Document]: ...


def names(refs: References | None, ids: Iterable[str]) -> str:
    """People's display names joined as prose: 'A, B and C' (an unknown id as itself)."""
    people = refs.people if refs is not None else {}
    found = [people[i].name if i in people else i for i in ids]
    if len(found) > 1:
        return ", ".join(found[:-1]) + " and " + found[-1]
    return found[0] if found else ""


THEME = Theme(
    {
        "case.title": "bold",
        "case.id": "dim",
        "case.summary": "",
        "case.seq": "dim",
        "case.date": "bold cyan",
        "case.state": "magenta",
        "case.arrow": "dim",
        "case.background": "dim italic",
        "case.who": "",
        "case.summary.event": "",
        "case.quote": "green",
        "case.cite": "dim",
        "case.basis.inferred": "yellow",
        "case.basis.hypothetical": "bold yellow",
        "case.basis.reported": "cyan",
        "case.basis.secondary": "blue",
        "case.note": "dim",
        "case.label": "bold",
        "outcome.reinstated": "bold green",
        "outcome.reinstated_candidate": "bold green",
        "outcome.reinstated_member": "bold green",
        "outcome.kept": "bold green",
        "outcome.expelled_finally": "bold red",
        "outcome.expulsion_annulled": "bold green",
        "outcome.expulsion_upheld": "bold red",
        "outcome.pending": "bold yellow",
        "outcome.illegal": "bold red",
        "outcome.other": "bold",
        "whatif.removed": "red",
        "whatif.inserted": "bold yellow",
        "whatif.changed": "yellow",
        "whatif.illegal": "bold red",
        "error": "bold red",
    }
)

#: What a terminal would act on or hide rather than show: C0 and C1 controls (ESC
#: starts every escape sequence; \r, \b and \n can overwrite or forge lines), the
#: format characters (bidi overrides and isolates U+202A-U+202E, U+2066-U+2069,
#: zero-width U+200B-U+200D, U+2060, U+FEFF, the soft hyphen...), lone surrogates
#: (a file name that is not UTF-8) and the line and paragraph separators U+2028,
#: U+2029: Unicode categories Cc, Cf, Cs, Zl and Zp (tests/test_terminal.py checks
#: the list against unicodedata), and the Cf characters of Unicode 15.
HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# In prose, a line break of the file (and the spaces around it) is a space: the
# view wraps prose to the reader's width.
_PROSE_BREAK = re.compile(r"[ \t]*(?:(?:\r\n|\n)[ \t]*)+")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def safe(text: str, *, prose: bool = False) -> str:
    """Text from a file as it may reach a terminal: every character a terminal
    would act on or not show is written as its escape (``\\x1b``, ``\\u202e``,
    ``\\u200b``, ``\\n``), so the text is one line and reads as written.

    With ``prose=True`` (summaries, quotes, reasoning, notes: text the view
    wraps), a line break of the file and the spaces around it are one space and
    a tab is four spaces; the other characters are escaped as in one-line text.
    """
    if prose:
        text = _PROSE_BREAK.sub(" ", text).replace("\t", "    ")
    return HIDDEN.sub(_escape, text)


def plain(text: str, style: str = "") -> Text:
    """A Text of one line of untrusted content (an id, a name, a title, a file
    name, a message): never parsed as markup, nothing hidden, no line break."""
    return Text(safe(text), style=style)


def prose(text: str, style: str = "") -> Text:
    """A Text of untrusted prose (a summary, a quote, reasoning): as :func:`plain`,
    but the file's line breaks are spaces, so the view wraps it."""
    return Text(safe(text, prose=True), style=style)


def make_console(**kwargs: object) -> Console:
    """A console with casework's theme; plain text when not a terminal or NO_COLOR.

    With ``NO_COLOR`` set (to anything but ""), no escape codes at all are written,
    bold and dim included: the output is the same plain text as when piped.
    """
    if os.environ.get("NO_COLOR"):
        kwargs.setdefault("color_system", None)
    return Console(theme=THEME, highlight=False, **kwargs)  # type: ignore[arg-type]


def outcome_style(outcome: str) -> str:
    """The theme name for an outcome."""
    return f"outcome.{outcome}" if f"outcome.{outcome}" in THEME.styles else "outcome.other"


def _rstrip(line: list[Segment]) -> list[Segment]:
    """A rendered line without trailing spaces (so plain output has none)."""
    line = list(line)
    while line and not line[-1].control and not line[-1].text.rstrip():
        line.pop()
    if line and not line[-1].control:
        last = line[-1]
        line[-1] = Segment(last.text.rstrip(), last.style, last.control)
    return line


class Block:
    """Renderables stacked and indented, lines wrapped to the width left and never
    padded with trailing spaces."""

    def __init__(self, *items: RenderableType, indent: int = 0) -> None:
        self.items = items
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.indent, 20)
        for item in self.items:
            for line in console.render_lines(item, options.update_width(width), pad=False):
                if self.indent:
                    yield Segment(" " * self.indent)
                yield from _rstrip(line)
                yield Segment.line()


class Hanging:
    """A label, then text wrapped beside it: continuation lines are indented
    to where the text starts."""

    def __init__(self, label: Text, body: Text) -> None:
        self.label = label
        self.body = body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = self.label.cell_len
        width = max(options.max_width - indent, 20)
        lines = console.render_lines(self.body, options.update_width(width), pad=False)
        for n, line in enumerate(lines):
            if n:
                yield Segment(" " * indent)
            else:
                yield from self.label.render(console)
            yield from _rstrip(line)
            yield Segment.line()


#: The widest a view of prose runs, however wide the terminal: about 100 columns
#: read well (at 200, a line of prose is too long to follow back to its start).
MEASURE = 100


class Measure:
    """A renderable kept to a readable width: the console's width, but at most
    ``width`` columns."""

    def __init__(self, renderable: RenderableType, width: int = MEASURE) -> None:
        self.renderable = renderable
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        narrow = options.update_width(min(options.max_width, self.width))
        yield from console.render(self.renderable, narrow)
