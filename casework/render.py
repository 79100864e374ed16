"""Rendering: frozen histories and casebooks turned into rich renderables.

Nothing in the model imports this module. Every piece of text that comes from a
file is made into a ``Text`` (never parsed as markup) after control characters
are made visible, so a quote holding ``[red]`` or an ANSI escape is shown as
written and cannot style or break the terminal. Styles are theme names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from casework.casebook import Casebook
from casework.replay import History, Step

__all__ = ["THEME", "Block", "CaseList", "StepView", "Timeline", "make_console", "plain", "safe"]

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
        "case.note": "dim",
        "case.label": "bold",
        "outcome.reinstated": "bold green",
        "outcome.reinstated_candidate": "bold green",
        "outcome.expulsion_annulled": "bold green",
        "outcome.expulsion_upheld": "bold red",
        "outcome.pending": "bold yellow",
        "outcome.other": "bold",
        "error": "bold red",
    }
)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Text from a file with control characters made visible (``\\x1b``), tabs as spaces."""
    text = text.replace("\t", "    ")
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def plain(text: str, style: str = "") -> Text:
    """A Text of untrusted content: never parsed as markup."""
    return Text(safe(text), style=style)


def make_console(**kwargs: object) -> Console:
    """A console with casework's theme; plain text when not a terminal or NO_COLOR."""
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


class StepView:
    """One event on the timeline: date, state change, who did what to whom,
    the quoted words with their place, and any inference or note."""

    def __init__(self, step: Step, book: Casebook | None, verb: str) -> None:
        self.step = step
        self.book = book
        self.verb = verb

    def _names(self, ids: Iterable[str]) -> str:
        names = [self.book.name(i) if self.book else i for i in ids]
        if len(names) > 1:
            return ", ".join(names[:-1]) + " and " + names[-1]
        return names[0] if names else ""

    def who(self) -> str:
        """'V. I. Lenin intercedes with P. A. Zalutsky and A. A. Solts'."""
        ev = self.step.event
        if not ev.moves_state:
            return ""
        actors = self._names(ev.actors) or "(actor not stated)"
        recipients = self._names(ev.recipients)
        return f"{actors} {self.verb} {recipients}".strip()

    def citation(self) -> str:
        """'— Lenin to Zalutsky and Solts, 20 Dec 1921, letter 1, ¶1'."""
        cit = self.step.event.citation
        if cit is None:
            return ""
        doc = self.book.documents.get(cit.document) if self.book else None
        title = (doc.short_title or doc.title) if doc else cit.document
        return f"— {title}, {cit.locator}" if cit.locator else f"— {title}"

    def change(self) -> Text:
        step = self.step
        if step.moved:
            return Text.assemble(
                (step.before, "case.state"), (" → ", "case.arrow"), (step.after, "case.state")
            )
        if step.event.moves_state:
            return Text.assemble((step.after, "case.state"), (" (unchanged)", "case.arrow"))
        return Text("background", "case.background")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ev = self.step.event
        date = plain(ev.date.display(), "case.date")
        change = self.change()
        head = Text.assemble((f"{ev.seq:>3} ", "case.seq"), date)
        gap = options.max_width - head.cell_len - change.cell_len
        if gap >= 2:
            head.append(" " * gap)
            head.append_text(change)
            yield head
        else:
            yield head
            yield Block(change, indent=4)
        body: list[RenderableType] = []
        who = self.who()
        if who:
            body.append(Text.assemble((f"{ev.kind}: ", "case.label"), plain(who, "case.who")))
        if ev.summary:
            body.append(plain(ev.summary, "case.summary.event"))
        if ev.citation is not None:
            body.append(plain(f"“{ev.citation.quote}”", "case.quote"))
            body.append(plain(self.citation(), "case.cite"))
        if ev.basis in ("inferred", "hypothetical"):
            body.append(
                Text.assemble((f"{ev.basis}: ", f"case.basis.{ev.basis}"), plain(ev.reasoning))
            )
        if ev.date_basis:
            body.append(Text.assemble(("date: ", "case.note"), plain(ev.date_basis, "case.note")))
        if ev.note:
            body.append(Text.assemble(("note: ", "case.note"), plain(ev.note, "case.note")))
        yield Block(*body, indent=4)


class Timeline:
    """A whole replay: the case's heading, every step, and the outcome."""

    def __init__(self, history: History, book: Casebook | None = None) -> None:
        self.history = history
        self.book = book

    def heading(self) -> Block:
        """The case's title, summary and procedure."""
        case = self.history.case
        lines: list[Text] = [
            Text.assemble(plain(case.title, "case.title"), " ", plain(f"({case.id})", "case.id"))
        ]
        if case.summary:
            lines.append(plain(case.summary, "case.summary"))
        lines.append(
            Text.assemble(("Procedure: ", "case.label"), plain(self.history.procedure.title))
        )
        return Block(*lines)

    def step_view(self, step: Step) -> Group:
        """One event, preceded by a blank line."""
        verb = self.history.procedure.verb(step.event.kind)
        return Group(Text(""), StepView(step, self.book, verb))

    def ending(self) -> Block:
        """Where the replay ended: the outcome (or the state, part-way) and the path."""
        h = self.history
        path = Text(" → ".join(h.states), "case.state")
        if h.is_partial:
            label = Text.assemble(
                (f"Stopped after event {h.stopped_after} of {len(h.case.events)}: ", "case.label"),
                ("state ", ""),
                (h.state, "case.state"),
            )
            lines = [label]
        else:
            lines = [
                Text.assemble(("Outcome: ", "case.label"), (h.outcome, outcome_style(h.outcome)))
            ]
        lines.append(Text.assemble(("Path: ", "case.label"), path))
        return Block(Text(""), *lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.heading()
        for step in self.history.steps:
            yield self.step_view(step)
        yield self.ending()


class CaseList:
    """The cases of a casebook, a row each, with their outcomes."""

    def __init__(self, book: Casebook) -> None:
        self.book = book

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, header_style="case.label")
        table.add_column("case", no_wrap=True)
        table.add_column("title")
        table.add_column("events", justify="right")
        table.add_column("outcome", no_wrap=True)
        for case_id in sorted(self.book.cases):
            history = self.book.replay(case_id)
            table.add_row(
                plain(case_id, "case.id"),
                plain(history.case.title),
                str(len(history.case.events)),
                Text(history.outcome, outcome_style(history.outcome)),
            )
        yield Block(table)

