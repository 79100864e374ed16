"""``casework whatif``: a what-if beside the history it changes, where they part,
what differs side by side, the two outcomes and the finding."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from casework.model.compare import Comparison, Row
from casework.views.theme import Block, outcome_style, plain, prose
from casework.views.timeline import StepView

__all__ = ["WhatIfView"]


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
    body: list[RenderableType] = [Text.assemble(plain(ev.id), plain(f" ({ev.kind})", "case.label"))]
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
        body.append(prose(ev.summary))
        body.append(
            Text.assemble(("hypothetical: ", "case.basis.hypothetical"), prose(ev.reasoning))
        )
    if right and "date" in row.changes and ev.date_basis:
        body.append(Text.assemble(("date: ", "case.note"), prose(ev.date_basis, "case.note")))
    return Group(*top, head, Block(*body, indent=4))


class WhatIfView:
    """``casework whatif``: a what-if and its base, where they part, what
    differs side by side, the two outcomes and the finding."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison
        on_case = comparison.whatif.base == comparison.history.case.id
        #: What the left side is: the case's history, or the what-if this one is built on.
        self.base_noun = "history" if on_case else "base"
        self.base_label = (
            f"History ({comparison.history.case.id})"
            if on_case
            else f"Base ({comparison.whatif.base})"
        )

    def heading(self) -> Block:
        """The question, the base, the description, the edits and the rules."""
        c = self.comparison
        w = c.whatif
        base = c.history.case
        based = f"{base.title} · {base.id}" if w.base == base.id else f"what-if {w.base}"
        lines: list[RenderableType] = [
            Text.assemble(plain(w.title or w.id, "case.title"), " ", plain(f"({w.id})", "case.id")),
            Text.assemble(("Based on: ", "case.label"), plain(based)),
        ]
        if w.description:
            lines.append(prose(w.description, "case.summary"))
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
        # Long words fold rather than end in "…": text from a file is shown whole.
        table.add_column(plain(self.base_label), ratio=1, overflow="fold")
        table.add_column(Text("What if"), ratio=1, overflow="fold")
        ill = c.counterfactual.illegal
        for n, row in enumerate(c.differing):
            table.add_row(
                _whatif_cell(
                    row,
                    False,
                    n == 0,
                    c.history.illegal.unmet if c.history.illegal else "",
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
            (f"Outcome in {self.base_noun}: ", c.history),
            ("Outcome in what-if: ", c.counterfactual),
        ):
            lines.append(
                Text.assemble((label, "case.label"), plain(r.outcome, outcome_style(r.outcome)))
            )
            path = plain(" → ".join(r.states), "case.state")
            if r.illegal is not None:
                path.append_text(plain(f" ✗ {r.illegal.kind}", "whatif.illegal"))
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
