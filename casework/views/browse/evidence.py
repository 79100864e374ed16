"""What the browser shows of the event under the cursor, as rich renderables: the
event's facts (the date as written and in New Style, the basis, the parts the
modeller infers, each citation), its sources with each quote marked inside the
document's text, and the state (before and after, the path so far, and what the
procedure allows next). Plain rich, no Textual: each piece renders in a test as
text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from casework.model.documents import Document, flow
from casework.model.events import Event
from casework.model.procedure import Procedure
from casework.model.replay import Step
from casework.views.theme import References, names, plain, prose, safe
from casework.views.timeline import StepView

__all__ = [
    "CURRENT",
    "OTHER",
    "EventFacts",
    "Sources",
    "StateView",
    "basis_words",
    "quote_span",
]

#: The quote under the cursor: reversed and bold, so that it shows without colour.
#: Its meta names it, so that the pane showing it can scroll to it.
CURRENT = Style(bold=True, reverse=True, meta={"anchor": "quote"})
#: The event's other quotes in the same document.
OTHER = Style(underline=True)
#: A document longer than this many lines shows only the lines around its quotes.
WINDOW = 120

# A line break with the spaces around it, as casework.model.documents flows it
# into one space (tests/test_browse.py holds the two to the same text).
_BREAK = re.compile(r"[ \t]*\r?\n[ \t\r\n]*")


def _in_text(text: str, at: int) -> int:
    """The offset in ``text`` of offset ``at`` of its flowed form."""
    shift = 0
    for found in _BREAK.finditer(text):
        if found.start() - shift >= at:  # the break stands at or after ``at``
            break
        shift += len(found.group()) - 1
    return at + shift


def quote_span(doc: Document, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` stands in ``doc.text`` (start and end), found as
    :meth:`Document.find` finds it (a line break of the source and the spaces
    around it match one space of the quote); None when it does not stand there."""
    at = doc.find(quote)
    if at < 0:
        return None
    return _in_text(doc.text, at), _in_text(doc.text, at + len(flow(quote)))


def basis_words(basis: str, refs: References | None, account_of: str = "") -> str:
    """On what a statement rests, in words ("stated by the document's author",
    "reported: Y. Kasparova-Popova's account, as the document gives it", ...)."""
    if basis == "stated":
        return "stated by the document's author"
    if basis == "reported":
        whose = names(refs, [account_of]) if account_of else "someone else"
        return f"reported: {whose}'s account, as the document gives it"
    if basis == "secondary":
        return "secondary: a later work says it"
    if basis == "inferred":
        return "inferred by the modeller"
    if basis == "hypothetical":
        return "hypothetical: the what-if's, not the sources'"
    return basis


def _title(refs: References | None, document: str) -> str:
    doc = refs.documents.get(document) if refs is not None else None
    return (doc.short_title or doc.title) if doc else document


class Rows:
    """Rows of a label and what it labels, wrapped beside it: the labels in a
    column as wide as the widest (right-aligned with ``right``). Lighter than a
    table: each body is rendered once, at the width left."""

    def __init__(
        self, *, right: bool = False, label_style: str = "case.label", width: int = 0
    ) -> None:
        self.rows: list[tuple[str, RenderableType]] = []
        self.right = right
        self.label_style = label_style
        #: The least width of the labels' column (the same from one event to the next).
        self.width = width

    def add_row(self, label: str, body: RenderableType) -> None:
        """One more row."""
        self.rows.append((label, body))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        column = max((cell_len(label) for label, _ in self.rows), default=self.width)
        column = max(column, self.width)
        inner = options.update_width(max(options.max_width - column - 1, 10))
        style = console.get_style(self.label_style, default="")
        for label, body in self.rows:
            gap = " " * (column - cell_len(label))
            first = gap + label if self.right else label + gap
            for n, line in enumerate(console.render_lines(body, inner, pad=False)):
                yield Segment(first if n == 0 else " " * column, style)
                yield Segment(" ")
                yield from line
                yield Segment.line()


class EventFacts:
    """The event under the cursor: its number, kind and id, summary, who did what
    to whom, the date (as written, in New Style, and where it comes from), the
    basis with any reasoning, the parts the modeller infers, each citation (where
    it stands, its file line, its basis and its words) and the note."""

    def __init__(
        self,
        step: Step,
        total: int,
        refs: References | None,
        procedure: Procedure,
        current: int = 0,
    ) -> None:
        self.step = step
        self.total = total
        self.refs = refs
        self.procedure = procedure
        #: The citation the source pane shows (marked ▶ here).
        self.current = current

    def _date(self, grid: Rows) -> None:
        ev = self.step.event
        date = ev.date
        shown = plain(date.display(), "case.date")
        if ev.date_hypothetical:
            shown.append(" (hypothetical date)", "case.basis.hypothetical")
        grid.add_row("Date", shown)
        if date.calendar == "julian":
            grid.add_row("", plain(f"Old Style as written; New Style {date.new_style()}"))
        elif date.is_known:
            grid.add_row("", Text("New Style as written"))
        grid.add_row("", plain(f"EDTF {date.edtf}", "case.note"))
        if ev.date_basis:
            grid.add_row("", prose(ev.date_basis, "case.note"))
        if ev.refers_to is not None:
            grid.add_row("Refers to", plain(ev.refers_to.display(), "case.date"))

    def _basis(self, grid: Rows) -> None:
        ev = self.step.event
        style = f"case.basis.{ev.basis}" if ev.basis in ("inferred", "hypothetical") else ""
        grid.add_row("Basis", plain(basis_words(ev.basis, self.refs, ev.account_of), style))
        if ev.reasoning:
            grid.add_row("", prose(ev.reasoning))
        for part, reasoning in ev.inferred:
            grid.add_row(
                "Inferred",
                Text.assemble(plain(f"{part}: ", "case.basis.inferred"), prose(reasoning)),
            )

    def _citations(self, grid: Rows) -> None:
        ev = self.step.event
        if not ev.citations:
            grid.add_row("Sources", Text("none: an event of the what-if's own"))
        for n, cit in enumerate(ev.citations):
            doc = self.refs.documents.get(cit.document) if self.refs else None
            line = doc.line_of(cit.quote) if doc is not None else 0
            where = [_title(self.refs, cit.document), cit.locator, f"line {line}" if line else ""]
            body: list[RenderableType] = [
                plain(", ".join(part for part in where if part), "case.cite"),
                plain(basis_words(cit.basis, self.refs, cit.account_of)),
            ]
            if cit.reasoning and cit.reasoning != ev.reasoning:  # not the event's, twice
                body.append(prose(cit.reasoning))
            body.append(prose(f"“{cit.quote}”", "case.quote"))
            several = len(ev.citations) > 1
            label = f"Source {n + 1}{'▶' if n == self.current else ' '}" if several else "Source"
            grid.add_row(label, Group(*body))

    def __rich__(self) -> RenderableType:
        ev = self.step.event
        head = Text.assemble(
            (f"Event {ev.seq} of {self.total}", "case.label"),
            " · ",
            plain(ev.kind, "case.label"),
            " · ",
            plain(ev.id, "case.id"),
        )
        parts: list[RenderableType] = [head]
        if ev.summary:
            parts.append(prose(ev.summary))
        who = StepView(self.step, self.refs, self.procedure.verb(ev.kind)).who()
        if who:
            parts.append(plain(who, "case.who"))
        grid = Rows(width=len("Source 1▶"))
        self._date(grid)
        self._basis(grid)
        self._citations(grid)
        if ev.note:
            grid.add_row("Note", prose(ev.note, "case.note"))
        parts.append(grid)
        return Group(*parts)


def _marked_line(line: str, start: int, spans: Sequence[tuple[int, int, Style]]) -> Text:
    """One line of a document (which starts at ``start`` in its text), each span
    of a quote on it styled; every piece shown literally."""
    out = Text()
    at = 0
    end = len(line)
    for lo, hi, style in spans:
        lo, hi = max(lo - start, 0), min(hi - start, end)
        if lo >= hi or lo < at:
            continue
        out.append(safe(line[at:lo]))
        out.append(safe(line[lo:hi]), style)
        at = hi
    out.append(safe(line[at:]))
    return out


class Sources:
    """The documents an event cites, each once, its text numbered by the lines of
    its file, with each quote of the event marked: the ``current`` citation
    reversed (the pane scrolls to it), the others underlined. A long document
    shows the lines around its quotes only."""

    def __init__(self, event: Event, refs: References | None, current: int = 0) -> None:
        self.event = event
        self.refs = refs
        self.current = current

    def __rich__(self) -> RenderableType:
        ev = self.event
        if not ev.citations:
            return Text("This event is the what-if's own: it cites no source.", "case.note")
        order = list(dict.fromkeys(c.document for c in ev.citations))
        parts: list[RenderableType] = []
        for did in order:
            doc = self.refs.documents.get(did) if self.refs is not None else None
            if parts:
                parts.append(Text(""))
            if doc is None:
                parts.append(plain(f"{did}: not in documents.toml", "error"))
                continue
            lines = f", lines {doc.part[0]}–{doc.part[1]}" if doc.part else ""
            parts.append(plain(f"{doc.title} ({doc.file}{lines})", "case.cite"))
            spans: list[tuple[int, int, Style]] = []
            missing: list[int] = []
            for n, cit in enumerate(ev.citations):
                if cit.document != did:
                    continue
                found = quote_span(doc, cit.quote)
                if found is None:
                    missing.append(n + 1)
                else:
                    spans.append((*found, CURRENT if n == self.current else OTHER))
            for n in missing:
                parts.append(plain(f"the words of source {n} do not stand in this text", "error"))
            parts.append(self._text(doc, sorted(spans, key=lambda s: s[0])))
        return Group(*parts)

    def _text(self, doc: Document, spans: list[tuple[int, int, Style]]) -> RenderableType:
        grid = Rows(right=True, label_style="case.seq")
        lines = doc.text.split("\n")
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        first, last = 0, len(lines) - 1
        if len(lines) > WINDOW and spans:
            quoted = [
                i
                for i, at in enumerate(starts)
                if any(lo <= at + len(lines[i]) and hi > at for lo, hi, _ in spans)
            ]
            first = max(min(quoted) - WINDOW // 2, 0)
            last = min(max(quoted) + WINDOW // 2, len(lines) - 1)
        number = doc.first_line
        if first:
            grid.add_row("", Text(f"(lines {number}–{number + first - 1} not shown)", "case.note"))
        for i in range(first, last + 1):
            marked = _marked_line(lines[i].removesuffix("\r"), starts[i], spans)
            grid.add_row(str(number + i), marked)
        if last < len(lines) - 1:
            more = f"(lines {number + last + 1}–{number + len(lines) - 1} not shown)"
            grid.add_row("", Text(more, "case.note"))
        return grid


class StateView:
    """The state at the cursor: the event's change, the path so far, and the
    transitions leaving the state (what the procedure allows next), each with
    its ``requires`` and how many of the kinds it needs have happened."""

    def __init__(self, steps: Sequence[Step], index: int, procedure: Procedure) -> None:
        self.steps = steps
        self.index = index
        self.procedure = procedure

    def __rich__(self) -> RenderableType:
        done = self.steps[: self.index + 1]
        step = done[-1]
        path = [done[0].before]
        for s in done:
            if s.after != path[-1]:
                path.append(s.after)
        counts = Counter(s.event.kind for s in done if s.event.moves_state)
        change = StepView(step, None, "").change()
        grid = Rows()
        grid.add_row(f"Event {step.event.seq}", change)
        grid.add_row("Path", plain(" → ".join(path), "case.state"))
        state = step.after
        definition = self.procedure.state(state)
        outcome = definition.outcome_label
        if self.index < len(self.steps) - 1:
            outcome += " if the case stopped here"
        grid.add_row("Outcome", plain(outcome))
        leaving = [t for t in self.procedure.transitions if state in t.source]
        if definition.final or not leaving:
            grid.add_row("Next", Text("nothing: no event may follow this state"))
        for n, t in enumerate(leaving):
            line = plain(t.trigger, "case.label")
            line.append_text(plain(f" → {t.dest}", "case.state") if t.dest else Text(" (stays)"))
            for kind, needed in t.requires:
                line.append_text(
                    plain(f"; requires {needed} × {kind} ({counts[kind]} so far)", "case.note")
                )
            grid.add_row("Next" if n == 0 else "", line)
        return grid
