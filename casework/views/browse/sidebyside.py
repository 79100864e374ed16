"""The what-if screen: the history and the what-if side by side, aligned as
``casework whatif`` aligns them (one row per event, by what the edits did), one
cursor moving in both; the what-if's question, edits, outcomes and finding
above, and both sides of the row under the cursor below."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from casework.model.compare import Comparison, Mark, Row
from casework.model.replay import Step
from casework.views.browse.evidence import basis_words
from casework.views.browse.pane import RichPane
from casework.views.browse.screens import DossierScreen
from casework.views.theme import outcome_style, plain, prose
from casework.views.whatif import WhatIfView

if TYPE_CHECKING:
    from casework.views.theme import References

__all__ = ["RowView", "WhatIfScreen", "about", "side_label"]

_STATUS_STYLE = {
    "removed": "whatif.removed",
    "inserted": "whatif.inserted",
    "changed": "whatif.changed",
    "replaced": "whatif.changed",
}


def _pair() -> Table:
    table = Table.grid(padding=(0, 2, 0, 0), expand=True)
    table.add_column(ratio=1, overflow="fold")
    table.add_column(ratio=1, overflow="fold")
    return table


def side_label(comparison: Comparison) -> tuple[str, str]:
    """What the two columns are: the case's history (or the what-if this one is
    built on) and the what-if."""
    view = WhatIfView(comparison)
    return view.base_label, f"What if ({comparison.whatif.id})"


def _numbered(seq: str, text: Text) -> Table:
    """A number, and beside it text wrapped under itself."""
    grid = Table.grid(padding=(0, 1, 0, 0), expand=True)
    grid.add_column(justify="right", no_wrap=True, style="case.seq", min_width=3)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(seq, text)
    return grid


def _cell(step: Step | None, mark: Mark, row: Row, right: bool, base: str) -> RenderableType:
    """One side of a row, on one line where it fits: number, kind, where it moves
    the case (or that it is illegal, or not reached), and on the what-if's side
    what the edits did to it."""
    if step is None:
        if right:
            return _numbered("", Text("— removed", "whatif.removed"))
        return _numbered("", Text(f"— not in the {base}", "whatif.inserted"))
    ev = step.event
    text = plain(ev.kind, "case.label")
    if mark == "illegal":
        text.append_text(plain(f" ✗ illegal after {step.before}", "whatif.illegal"))
    elif mark == "not_reached":
        text.append(" (not reached)", "case.note")
    elif step.moved:
        text.append_text(plain(f" → {step.after}", "case.state"))
    elif ev.moves_state:
        text.append(" (stays)", "case.arrow")
    if right and row.status != "same":
        text.append(f"  {row.status}", _STATUS_STYLE.get(row.status, ""))
    return _numbered(str(ev.seq), text)


def about(comparison: Comparison) -> RenderableType:
    """The question, the edits and rules, the finding and the two outcomes, and
    what the what-if is based on, in that order: the first lines are read first."""
    view = WhatIfView(comparison)
    w = comparison.whatif
    lines: list[RenderableType] = []
    if w.title:
        lines.append(plain(w.title, "case.title"))
    lines += [plain(f"- {e.describe()}") for e in w.edits]
    lines += [plain(f"- rule: {r.describe()}") for r in w.rules]
    lines.append(Text.assemble(("Finding: ", "case.label"), plain(comparison.finding + ".")))
    rest = view.ending()
    heading = view.heading()
    return Group(*lines, rest, Text(""), heading)


class RowView:
    """One row of the comparison: the event as each side has it."""

    def __init__(self, row: Row, base: str = "history") -> None:
        self.row = row
        self.base = base

    def __rich__(self) -> RenderableType:
        row = self.row
        table = _pair()
        table.add_row(
            _cell(row.left, row.left_mark, row, False, self.base),
            _cell(row.right, row.right_mark, row, True, self.base),
        )
        return table


class _RowDetail:
    """Both sides of the row under the cursor: each event's date, summary and
    basis, what changed, and why an event is illegal."""

    def __init__(self, comparison: Comparison, row: Row, refs: References | None) -> None:
        self.comparison = comparison
        self.row = row
        self.refs = refs

    def side(self, step: Step | None, mark: Mark, history_illegal: str) -> RenderableType:
        if step is None:
            return Text("")
        ev = step.event
        lines: list[RenderableType] = [
            Text.assemble(plain(ev.id, "case.id"), " · ", plain(ev.date.display(), "case.date"))
        ]
        if ev.date_hypothetical:
            lines.append(Text("hypothetical date", "case.basis.hypothetical"))
        if ev.summary:
            lines.append(prose(ev.summary))
        style = "case.basis.hypothetical" if ev.basis == "hypothetical" else "case.note"
        lines.append(plain(basis_words(ev.basis, self.refs, ev.account_of), style))
        if ev.reasoning:
            lines.append(prose(ev.reasoning))
        if ev.date_hypothetical and ev.date_basis:
            lines.append(prose(ev.date_basis, "case.note"))
        if mark == "illegal" and history_illegal:
            lines.append(plain(history_illegal, "whatif.illegal"))
        elif mark == "not_reached":
            lines.append(Text("not reached: the history stopped before it", "case.note"))
        return Group(*lines)

    def __rich__(self) -> RenderableType:
        c, row = self.comparison, self.row
        head = Text(row.status, _STATUS_STYLE.get(row.status, "case.label"))
        if row.changes:
            head.append_text(plain(": " + ", ".join(row.changes)))
        table = _pair()
        left_ill = c.history.illegal.describe() if c.history.illegal else ""
        right_ill = c.counterfactual.illegal.describe() if c.counterfactual.illegal else ""
        table.add_row(
            self.side(row.left, row.left_mark, left_ill),
            self.side(row.right, row.right_mark, right_ill),
        )
        return Group(head, table)


class WhatIfScreen(Screen[None]):
    """A what-if beside the history it changes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "next", show=False),
        Binding("k,up", "move(-1)", "previous", show=False),
        Binding("g,home", "first", "first", show=False),
        Binding("G,end", "last", "last", show=False),
        Binding("d", "dossier", "dossier"),
        Binding("question_mark", "app.help", "help"),
        Binding("q,escape", "close", "back"),
    ]

    def __init__(self, comparison: Comparison, refs: References) -> None:
        super().__init__()
        self.comparison = comparison
        self.refs = refs
        self.index = 0
        self.base = WhatIfView(comparison).base_noun

    def compose(self) -> ComposeResult:
        c = self.comparison
        w = c.whatif
        before, after = c.outcomes
        title = Text.assemble(
            plain(w.id, "case.title"),
            f" · {self.base}: ",
            plain(before, outcome_style(before)),
            " · what-if: ",
            plain(after, outcome_style(after)),
        )
        yield Static(title, id="title", markup=False)
        yield RichPane(about(c), id="about")
        left, right = side_label(c)
        columns = _pair()
        columns.add_row(plain(left, "case.label"), plain(right, "case.label"))
        yield Static(columns, id="columns")
        rows = OptionList(*(Option(RowView(r, self.base)) for r in c.rows), id="rows")
        rows.border_title = "Side by side"
        yield rows
        yield RichPane(id="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#about", RichPane).border_title = f"What if · {self.comparison.whatif.id}"
        rows = self.query_one("#rows", OptionList)
        rows.highlighted = 0 if self.comparison.rows else None
        rows.focus()
        self.show_row(0)

    def show_row(self, index: int) -> None:
        """Put the cursor on row ``index`` (from 0), in both columns."""
        rows = self.comparison.rows
        if not rows:
            return
        self.index = max(0, min(index, len(rows) - 1))
        option_list = self.query_one("#rows", OptionList)
        if option_list.highlighted != self.index:
            option_list.highlighted = self.index
        option_list.border_subtitle = f"row {self.index + 1} of {len(rows)}"
        detail = self.query_one("#row", RichPane)
        detail.border_title = f"Row {self.index + 1}"
        detail.show(_RowDetail(self.comparison, rows[self.index], self.refs))

    @on(OptionList.OptionHighlighted, "#rows")
    def _highlighted(self, message: OptionList.OptionHighlighted) -> None:
        if message.option_index != self.index:
            self.show_row(message.option_index)

    def action_move(self, by: int) -> None:
        self.show_row(self.index + by)

    def action_first(self) -> None:
        self.show_row(0)

    def action_last(self) -> None:
        self.show_row(len(self.comparison.rows) - 1)

    def action_dossier(self) -> None:
        w = self.comparison.whatif
        question = f"{w.title} ({w.id})" if w.title else w.id
        self.app.push_screen(DossierScreen(self.comparison.counterfactual, self.refs, question))

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()
