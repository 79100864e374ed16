"""Source documents: the shipped texts that every event quotes, and how a quote
is found in them (verbatim, no normalising)."""

from __future__ import annotations

import unicodedata

import attrs

__all__ = ["Document", "quote_problem"]


@attrs.frozen(kw_only=True)
class Document:
    """A source document: its metadata and its full text, as shipped."""

    id: str
    file: str
    title: str
    text: str = attrs.field(repr=False)
    short_title: str = ""
    author: str = ""
    date: str = ""
    provenance: str = ""

    def contains(self, quote: str) -> bool:
        """True when ``quote`` occurs in the text verbatim (no normalising)."""
        return bool(quote) and quote in self.text

    def line_of(self, quote: str) -> int:
        """The line of the text on which ``quote`` begins (0 when absent)."""
        at = self.text.find(quote) if quote else -1
        return self.text.count("\n", 0, at) + 1 if at >= 0 else 0


def _char_name(char: str) -> str:
    """'RIGHT SINGLE QUOTATION MARK', or 'U+0007' for a character with no name."""
    return unicodedata.name(char, f"U+{ord(char):04X}")


def quote_problem(doc: Document, quote: str) -> str:
    """Explain how far a quote matches its document, to help find the typo."""
    lo, hi = 0, len(quote)
    while lo < hi:  # longest prefix that occurs in the text
        mid = (lo + hi + 1) // 2
        if quote[:mid] in doc.text:
            lo = mid
        else:
            hi = mid - 1
    if lo < 8:
        return f"quote not found in document {doc.id!r} ({doc.file})"
    at = doc.text.find(quote[:lo]) + lo
    ours, theirs = quote[lo : lo + 20], doc.text[at : at + 20].split("\n")[0]
    text = (
        f"quote not found in document {doc.id!r} ({doc.file}): it matches up to "
        f"{quote[max(0, lo - 30) : lo]!r} and then reads {ours!r} where the source has "
        f"{theirs!r}"
    )
    if ours and theirs and ours[0] != theirs[0] and not (ours[0] + theirs[0]).isascii():
        # Typographic look-alikes (’ and ', – and -) are the usual cause: name them.
        text += f" ({_char_name(ours[0])} vs {_char_name(theirs[0])})"
    return text
