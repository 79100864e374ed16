"""Source documents: the shipped texts that every event quotes, and how a quote
is found in them.

A document may be a part of a source file (a range of its lines: the letters,
or the editors' notes beside them), and a quote must lie within that part.
Quotes are matched to the letter (a straight apostrophe is not a curly one),
except that a line break in the source, with the spaces around it, matches one
space or one line break in the quote: a quote may run across the lines of a
transcription and is shown as one line.
"""

from __future__ import annotations

import re
import unicodedata

import attrs

__all__ = ["KINDS", "Document", "flow", "quote_problem"]

#: A document is a primary source, or a secondary work (a later historian's).
KINDS = ("primary", "secondary")

_BREAK = re.compile(r"[ \t]*\r?\n[ \t\r\n]*")


def flow(text: str) -> str:
    """``text`` with each line break (and the spaces around it) made one space."""
    return _BREAK.sub(" ", text)


@attrs.frozen(kw_only=True)
class Document:
    """A source document: its metadata and its text, as shipped.

    ``text`` is the document's own part of its file: the whole file, or the
    lines ``part`` (first and last, counted from 1) when the file holds more
    than one document.
    """

    id: str
    file: str
    title: str
    text: str = attrs.field(repr=False)
    short_title: str = ""
    author: str = ""
    date: str = ""
    provenance: str = ""
    kind: str = "primary"
    part: tuple[int, int] | None = None
    #: The text with line breaks flowed into spaces, and for each of its
    #: characters the line of the file it stands on.
    flowed: str = attrs.field(init=False, repr=False, eq=False)
    _lines: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False, alias="_lines")

    def __attrs_post_init__(self) -> None:
        out: list[str] = []
        lines: list[int] = []
        line, at = self.first_line, 0
        for m in _BREAK.finditer(self.text):
            chunk = self.text[at : m.start()]
            out.append(chunk)
            lines.extend([line] * len(chunk))
            out.append(" ")
            lines.append(line)
            line += m.group().count("\n")
            at = m.end()
        chunk = self.text[at:]
        out.append(chunk)
        lines.extend([line] * len(chunk))
        object.__setattr__(self, "flowed", "".join(out))
        object.__setattr__(self, "_lines", tuple(lines))

    @property
    def first_line(self) -> int:
        """The first line of the file that belongs to this document."""
        return self.part[0] if self.part else 1

    @property
    def is_secondary(self) -> bool:
        """True for a later work about the events (not a source of the time)."""
        return self.kind == "secondary"

    def find(self, quote: str) -> int:
        """Where ``quote`` begins in :attr:`flowed` (-1 when absent)."""
        return self.flowed.find(flow(quote)) if quote.strip() else -1

    def contains(self, quote: str) -> bool:
        """True when ``quote`` occurs in the document (line breaks flowed)."""
        return self.find(quote) >= 0

    def line_of(self, quote: str) -> int:
        """The line of the file on which ``quote`` begins (0 when absent)."""
        at = self.find(quote)
        return self._lines[at] if at >= 0 else 0


def _char_name(char: str) -> str:
    """'RIGHT SINGLE QUOTATION MARK', or 'U+0007' for a character with no name."""
    return unicodedata.name(char, f"U+{ord(char):04X}")


def quote_problem(doc: Document, quote: str, *, elsewhere: str = "") -> str:
    """Explain how far a quote matches its document, to help find the typo;
    ``elsewhere`` names another part of the same file where the quote stands
    (then the quote is right, but cited to the wrong document)."""
    lines = f", lines {doc.part[0]}–{doc.part[1]}" if doc.part else ""
    where = f"document {doc.id!r} ({doc.file}{lines})"
    if elsewhere:
        return f"quote not found in {where}: it stands in {elsewhere} of the same file"
    quote, text = flow(quote), doc.flowed
    lo, hi = 0, len(quote)
    while lo < hi:  # longest prefix that occurs in the text
        mid = (lo + hi + 1) // 2
        if quote[:mid] in text:
            lo = mid
        else:
            hi = mid - 1
    if lo < 8:
        return f"quote not found in {where}"
    at = text.find(quote[:lo]) + lo
    ours, theirs = quote[lo : lo + 20], text[at : at + 20]
    found = (
        f"quote not found in {where}: it matches up to "
        f"{quote[max(0, lo - 30) : lo]!r} and then reads {ours!r} where the source has "
        f"{theirs!r}"
    )
    if ours and theirs and ours[0] != theirs[0] and not (ours[0] + theirs[0]).isascii():
        # Typographic look-alikes (’ and ', – and -) are the usual cause: name them.
        found += f" ({_char_name(ours[0])} vs {_char_name(theirs[0])})"
    return found
