"""Rendering: frozen histories and casebooks turned into rich renderables.

Nothing in the model imports this module. Every piece of text that comes from a
file is made into a ``Text`` (never parsed as markup) after control characters
are made visible, so a quote holding ``[red]`` or an ANSI escape is shown as
written and cannot style or break the terminal. Styles are theme names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from casework.analysis.paths import (
    Path,
    dead_ends,
    reachable_states,
    shortest_paths,
    simple_paths,
    targets,
    traps,
    unreachable_states,
)
from casework.load.casebook import Casebook
from casework.model.procedure import PENDING, Procedure
from casework.model.replay import History, Step
from casework.model.whatif import Comparison, Row

__all__ = [
    "THEME",
    "Block",
    "CaseList",
    "Hanging",
    "PathsView",
    "StepView",
    "Timeline",
    "make_console",
    "plain",
    "safe",
]

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
        if ev.date_hypothetical:
            date.append(" (hypothetical date)", "case.basis.hypothetical")
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
            Text.assemble(plain(case.title, "case.title"), " · ", plain(case.id, "case.id"))
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


class PathsView:
    """``casework paths``: the simple paths to each outcome (or to one), with the
    states that cannot be reached, the dead ends and the traps."""

    def __init__(self, procedure: Procedure, to: str | None = None) -> None:
        self.procedure = procedure
        self.to = to

    def _path(self, path: Path, label: str = "") -> Text:
        text = Text(label)
        text.append(" → ".join(path.states), "case.state")
        if len(path.triggers) != len(path.states) - 1:  # loops a `requires` needs
            text.append(f" (events: {', '.join(path.triggers)})", "case.note")
        return text

    def _listing(self) -> Iterable[RenderableType]:
        proc, to = self.procedure, self.to or ""
        found = simple_paths(proc, to)
        ends = targets(proc, to)
        where = f" (ending in {', '.join(ends)})" if ends != (to,) else ""
        noun = "path" if len(found) == 1 else "paths"
        yield Block(
            plain(
                f"{len(found)} simple {noun} from {proc.initial} to {to}{where}"
                + (", shortest first:" if found else ".")
            )
        )
        width = len(str(len(found)))
        for n, path in enumerate(found, start=1):
            yield Hanging(Text(f"{n:>{width}}. "), self._path(path))

    def _summary(self) -> Iterable[RenderableType]:
        proc = self.procedure
        shortest = shortest_paths(proc)
        counts: dict[str, int] = {}
        for path in simple_paths(proc):
            counts[path.outcome] = counts.get(path.outcome, 0) + 1
        yield Block(plain(f"Paths through {proc.id} from {proc.initial}", "case.title"), Text(""))
        for outcome in proc.outcomes:
            if outcome == PENDING:
                continue
            n = counts.get(outcome, 0)
            head = Text.assemble(
                (outcome, outcome_style(outcome)), f": {n} simple path{'s' if n != 1 else ''}"
            )
            if outcome in shortest:
                events = len(shortest[outcome].triggers)
                head.append(f"; shortest {events} event{'s' if events != 1 else ''}:")
                yield Block(head, Block(self._path(shortest[outcome]), indent=2))
            else:
                yield Block(head)
        waiting = targets(proc, PENDING)
        if waiting:
            names = ", ".join(waiting[:-1]) + (" or " if len(waiting) > 1 else "") + waiting[-1]
            yield Hanging(
                Text.assemble((PENDING, outcome_style(PENDING)), ": "),
                plain(f"a history that stops in {names}"),
            )
        reachable = reachable_states(proc)
        yield Text("")
        yield plain(f"Reachable: {len(reachable)} of {len(proc.states)} states")
        for label, states in (
            ("Unreachable", unreachable_states(proc)),
            ("Dead ends", dead_ends(proc)),
            ("Traps", traps(proc)),
        ):
            yield Hanging(Text(f"{label}: "), plain(", ".join(states) or "none"))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._listing() if self.to else self._summary()


# -- what-ifs --------------------------------------------------------------------

__all__ += ["CaseTree", "WhatIfView"]

THEME.styles.update(
    {
        "outcome.illegal": Style.parse("bold red"),
        "whatif.removed": Style.parse("red"),
        "whatif.inserted": Style.parse("bold yellow"),
        "whatif.changed": Style.parse("yellow"),
        "whatif.illegal": Style.parse("bold red"),
    }
)


def _whatif_cell(
    row: Row, right: bool, first: bool, unmet: str = "", base: str = "history"
) -> RenderableType:
    """One side of a row of the comparison: the event as that history has it."""
    step = row.right if right else row.left
    mark = row.right_mark if right else row.left_mark
    top = [] if first else [Text("")]
    if step is None:
        missing = "— removed" if right else f"— not in the {base}"
        style = "whatif.removed" if right else "whatif.inserted"
        return Group(*top, Text(f"    {missing}", style))
    ev = step.event
    head = Text.assemble((f"{ev.seq:>3} ", "case.seq"), plain(ev.date.display(), "case.date"))
    if ev.date_hypothetical:
        head.append(" (hypothetical)", "case.basis.hypothetical")
    body: list[RenderableType] = [Text.assemble(plain(ev.id), (f" ({ev.kind})", "case.label"))]
    if mark == "illegal":
        why = f" ({unmet})" if unmet else ""
        body.append(
            Text.assemble(
                ("illegal here: ", "whatif.illegal"), plain(f"cannot follow {step.before}{why}")
            )
        )
    elif mark == "not_reached":
        body.append(Text("not reached", "case.note"))
    else:
        body.append(StepView(step, None, "").change())
    shown = [c for c in row.changes if c not in ("date_basis", "illegal", "not_reached")]
    if right and row.status == "replaced":
        body.append(
            Text.assemble(
                ("replaces: ", "whatif.changed"), plain(row.left.event.id if row.left else "")
            )
        )
    elif right and shown:
        body.append(Text.assemble(("changed: ", "whatif.changed"), plain(", ".join(shown))))
    if right and (ev.basis == "hypothetical" or row.status == "inserted"):
        body.append(plain(ev.summary))
        body.append(
            Text.assemble(("hypothetical: ", "case.basis.hypothetical"), plain(ev.reasoning))
        )
    if right and "date" in row.changes and ev.date_basis:
        body.append(Text.assemble(("date: ", "case.note"), plain(ev.date_basis, "case.note")))
    return Group(*top, head, Block(*body, indent=4))


class WhatIfView:
    """``casework whatif``: a what-if and its base, where they part, what
    differs side by side, the two outcomes and the finding."""

    def __init__(self, comparison: Comparison, book: Casebook | None = None) -> None:
        self.comparison = comparison
        self.book = book
        on_case = comparison.whatif.base == comparison.base.case.id
        #: What the left side is: the case's history, or the what-if this one is built on.
        self.base_noun = "history" if on_case else "base"
        self.base_label = (
            f"History ({comparison.base.case.id})"
            if on_case
            else f"Base ({comparison.whatif.base})"
        )

    def heading(self) -> Block:
        """The question, the base, the description, the edits and the rules."""
        c = self.comparison
        w = c.whatif
        base = c.base.case
        based = f"{base.title} · {base.id}" if w.base == base.id else f"what-if {w.base}"
        lines: list[RenderableType] = [
            Text.assemble(plain(w.title or w.id, "case.title"), " ", plain(f"({w.id})", "case.id")),
            Text.assemble(("Based on: ", "case.label"), plain(based)),
        ]
        if w.description:
            lines.append(plain(w.description, "case.summary"))
        if w.edits:
            lines.append(Text("Edits:", "case.label"))
            lines.extend(Block(plain(f"- {e.describe()}"), indent=2) for e in w.edits)
        if w.rules:
            lines.append(Text("Procedure rules:", "case.label"))
            lines.extend(Block(plain(f"- {r.describe()}"), indent=2) for r in w.rules)
        return Block(*lines)

    def shared(self) -> Block:
        """The events both share, and where they part."""
        c = self.comparison
        n = c.shared
        rows = c.rows[:n]
        if not rows:
            return Block(Text(""), Text("They part at the first event.", "case.label"))
        ids = ", ".join(r.event.id for r in rows)
        span = "event 1" if n == 1 else f"events 1–{n}"
        state = rows[-1].right.after if rows[-1].right else ""
        if c.parted_after is None:
            return Block(
                Text(""),
                plain(f"Same in both: all {n} events ({ids}), ending in state {state}."),
                Text(
                    "They do not part: every event replays as before under this what-if.",
                    "case.label",
                ),
            )
        return Block(
            Text(""),
            plain(f"Same in both: {span} ({ids}), ending in state {state}."),
            Text(f"They part after event {n}:", "case.label"),
        )

    def table(self) -> Table:
        """The differing rows: the history on the left, the what-if on the right."""
        c = self.comparison
        table = Table(
            box=None, padding=(0, 1, 0, 0), expand=True, show_edge=False, header_style="case.label"
        )
        table.add_column(self.base_label, ratio=1)
        table.add_column("What if", ratio=1)
        ill = c.counterfactual.illegal
        for n, row in enumerate(c.differing):
            table.add_row(
                _whatif_cell(
                    row,
                    False,
                    n == 0,
                    c.base.illegal.unmet if c.base.illegal else "",
                    self.base_noun,
                ),
                _whatif_cell(row, True, n == 0, ill.unmet if ill else ""),
            )
        return table

    def ending(self) -> Block:
        """The two outcomes with their paths, and the finding."""
        c = self.comparison
        lines: list[RenderableType] = [Text("")]
        for label, r in (
            (f"Outcome in {self.base_noun}: ", c.base),
            ("Outcome in what-if: ", c.counterfactual),
        ):
            lines.append(
                Text.assemble((label, "case.label"), (r.outcome, outcome_style(r.outcome)))
            )
            path = Text(" → ".join(r.states), "case.state")
            if r.illegal is not None:
                path.append(f" ✗ {r.illegal.event.kind}", "whatif.illegal")
            lines.append(Block(Text.assemble(("Path: ", "case.label"), path), indent=2))
        lines.append(Text.assemble(("Finding: ", "case.label"), plain(c.finding + ".")))
        lines.extend(Text.assemble(("Note: ", "case.label"), plain(n + ".")) for n in c.notes)
        return Block(*lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.heading()
        yield self.shared()
        if self.comparison.parted_after is not None:
            yield Text("")
            yield Block(self.table())
        yield self.ending()


class CaseTree:
    """``casework list``: the cases of a casebook, each followed by the
    what-ifs built on it (a what-if on a what-if one step further in)."""

    def __init__(self, book: Casebook) -> None:
        self.book = book

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        book = self.book
        table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, header_style="case.label")
        table.add_column("case / what-if")
        table.add_column("events", justify="right")
        table.add_column("outcome", no_wrap=True)
        children: dict[str, list[str]] = {}
        for w in book.whatifs.values():
            children.setdefault(w.base, []).append(w.id)

        def add(label: Text, title: str, pad: int, events: int, outcome: str) -> None:
            table.add_row(
                Group(label, Padding(plain(title), (0, 0, 0, pad))),
                str(events),
                Text(outcome, outcome_style(outcome)),
            )

        def add_whatifs(base: str, depth: int) -> None:
            for whatif_id in sorted(children.get(base, [])):
                c = book.whatif(whatif_id).compare(book)
                label = Text.assemble("  " * depth + "↳ ", plain(whatif_id, "case.id"))
                add(
                    label,
                    c.whatif.title,
                    2 * depth + 2,
                    len(c.counterfactual.case.events),
                    c.outcome,
                )
                add_whatifs(whatif_id, depth + 1)

        for case_id in sorted(book.cases):
            history = book.replay(case_id)
            add(
                plain(case_id, "case.id"),
                history.case.title,
                2,
                len(history.case.events),
                history.outcome,
            )
            add_whatifs(case_id, 1)
        yield Block(table)
