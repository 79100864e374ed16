"""The first screen: every case, each followed by the what-ifs built on it, with
outcome and path; typing filters the list; and the problems of the files in
the scenarios folder that did not load."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import attrs
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from casework.errors import display_path
from casework.model.compare import Comparison
from casework.model.replay import History
from casework.views.browse.pane import RichPane
from casework.views.browse.screens import problem_list
from casework.views.browse.sidebyside import WhatIfScreen
from casework.views.browse.timeline import TimelineScreen
from casework.views.theme import outcome_style, plain

if TYPE_CHECKING:
    from casework.load.casebook import Casebook

__all__ = ["CaseListScreen", "Entry", "entries"]


class FilterBox(Input):
    """The filter: it takes every key typed but "?", which opens the help."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character != "?" and super().check_consume_key(key, character)


@attrs.frozen
class Entry:
    """A case or a what-if in the list: how deep under its case, its id, title,
    outcome and states (a what-if's path ends with the event that is illegal)."""

    id: str
    title: str
    outcome: str
    path: str
    depth: int = 0
    whatif: bool = False

    def prompt(self) -> RenderableType:
        """Two lines, each wrapped under itself: id and title; outcome and path."""
        head = Text.assemble(plain(self.id, "case.label"))
        if self.title:
            head.append_text(plain(f"  {self.title}"))
        lines = Text.assemble(plain(self.outcome, outcome_style(self.outcome)), ": ")
        lines.append_text(plain(self.path))
        body = Group(head, Padding(lines, (0, 0, 0, 2)))
        if not self.whatif:
            return body
        beside = Table.grid(expand=True)
        beside.add_column(no_wrap=True)
        beside.add_column(ratio=1)
        beside.add_row(Text("↳ ", "case.arrow"), body)
        return Padding(beside, (0, 0, 0, 2 * self.depth))

    def matches(self, query: str) -> bool:
        """True when every word of ``query`` (any case) is in the id, title,
        outcome or path."""
        haystack = f"{self.id} {self.title} {self.outcome} {self.path}".casefold()
        return all(word in haystack for word in query.casefold().split())


def _path(history: History) -> str:
    path = " → ".join(history.states)
    if history.illegal is not None:
        path += f" ✗ {history.illegal.kind}"
    return path


def entries(
    book: Casebook, comparisons: dict[str, Comparison]
) -> tuple[list[Entry], dict[str, History]]:
    """The list's entries in order (each case, then the what-ifs on it, a what-if
    on a what-if one step deeper), and each case's history; ``comparisons`` is
    filled with each what-if's."""
    histories = {case_id: book.replay(case_id) for case_id in sorted(book.cases)}
    children: dict[str, list[str]] = {}
    for whatif_id in sorted(book.whatifs):
        comparisons[whatif_id] = book.compare(whatif_id)
        children.setdefault(book.whatifs[whatif_id].base, []).append(whatif_id)
    out: list[Entry] = []

    def add_whatifs(base: str, depth: int) -> None:
        for whatif_id in children.get(base, []):
            c = comparisons[whatif_id]
            w = c.whatif
            out.append(Entry(w.id, w.title, c.outcome, _path(c.counterfactual), depth, True))
            add_whatifs(whatif_id, depth + 1)

    for case_id, h in histories.items():
        out.append(Entry(case_id, h.case.title, h.outcome, _path(h)))
        add_whatifs(case_id, 1)
    return out, histories


class CaseListScreen(Screen[None]):
    """Cases and what-ifs to choose from, filtered by what is typed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Before the filter box's own: it would take these keys.
        Binding("down", "move(1)", "next", show=False, priority=True),
        Binding("up", "move(-1)", "previous", show=False, priority=True),
        Binding("pagedown", "page(1)", "page down", show=False, priority=True),
        Binding("pageup", "page(-1)", "page up", show=False, priority=True),
        Binding("enter", "open", "open", priority=True),
        Binding("question_mark", "app.help", "help", priority=True),
        Binding("escape", "clear", "clear filter / quit"),
    ]

    def __init__(self, book: Casebook) -> None:
        super().__init__()
        self.book = book
        self.comparisons: dict[str, Comparison] = {}
        self.all, self.histories = entries(book, self.comparisons)
        self.shown: list[Entry] = list(self.all)

    def compose(self) -> ComposeResult:
        book = self.book
        n, m = len(book.cases), len(book.whatifs)
        head = Text.assemble(
            ("casework browse", "case.title"),
            " · ",
            plain(display_path(book.root), "case.id"),
            f" · {n} case{'s' * (n != 1)}, {m} what-if{'s' * (m != 1)}",
        )
        yield Static(head, id="title", markup=False)
        yield FilterBox(placeholder="type to filter by id, title, outcome or state", id="filter")
        cases = OptionList(*(Option(e.prompt()) for e in self.all), id="cases")
        cases.border_title = "Cases and what-ifs"
        yield cases
        if book.problems:
            yield RichPane(problem_list(book.problems), id="problems")
        yield Footer()

    def on_mount(self) -> None:
        problems = self.book.problems
        if problems:
            pane = self.query_one("#problems", RichPane)
            pane.border_title = (
                f"{len(problems)} problem{'s' * (len(problems) != 1)} in the scenarios folder: "
                "these files did not load"
            )
        self.query_one("#cases", OptionList).highlighted = 0 if self.shown else None
        box = self.query_one("#filter", Input)
        box.cursor_blink = False  # steady: a blinking cursor redraws twice a second, over SSH too
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter(self, message: Input.Changed) -> None:
        self.shown = [e for e in self.all if e.matches(message.value)]
        cases = self.query_one("#cases", OptionList)
        cases.clear_options()
        cases.add_options(Option(e.prompt()) for e in self.shown)
        cases.highlighted = 0 if self.shown else None
        total = len(self.all)
        cases.border_subtitle = f"{len(self.shown)} of {total}" if message.value.strip() else ""

    @on(OptionList.OptionSelected, "#cases")
    def _selected(self, message: OptionList.OptionSelected) -> None:
        self.open(message.option_index)

    def action_move(self, by: int) -> None:
        cases = self.query_one("#cases", OptionList)
        if by > 0:
            cases.action_cursor_down()
        else:
            cases.action_cursor_up()

    def action_page(self, by: int) -> None:
        cases = self.query_one("#cases", OptionList)
        if by > 0:
            cases.action_page_down()  # type: ignore[no-untyped-call]  # untyped in Textual
        else:
            cases.action_page_up()  # type: ignore[no-untyped-call]  # untyped in Textual

    def action_open(self) -> None:
        index = self.query_one("#cases", OptionList).highlighted
        if index is not None:
            self.open(index)

    def open(self, index: int) -> None:
        """Open the case (its timeline) or the what-if (side by side) at ``index``."""
        entry = self.shown[index]
        if entry.whatif:
            self.app.push_screen(WhatIfScreen(self.comparisons[entry.id], self.book))
        else:
            self.app.push_screen(TimelineScreen(self.histories[entry.id], self.book))

    def action_clear(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
        else:
            self.app.exit()
