"""The browser's simple screens: the help (every key), a case's dossier, and the
problems of a scenarios folder that did not load."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from casework.errors import Problem
from casework.model.replay import History
from casework.views.browse.pane import RichPane
from casework.views.dossier import Dossier
from casework.views.theme import plain

if TYPE_CHECKING:
    from casework.views.theme import References

__all__ = ["KEYS", "DossierScreen", "HelpScreen", "ProblemsScreen", "problem_list"]

#: Every key of the browser, by screen: (keys, what they do).
KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Everywhere",
        (
            ("?  F1", "this help"),
            ("q  Esc", "back to the screen before (from the first screen: quit)"),
            ("Ctrl+Q", "quit"),
            ("Tab  Shift+Tab", "the next or previous pane; ↑ ↓ PgUp PgDn then scroll it"),
            ("mouse", "click an item to choose it; the wheel scrolls the pane under it"),
        ),
    ),
    (
        "Cases and what-ifs",
        (
            ("type", "filter the list by id, title, outcome or state"),
            ("↑ ↓  PgUp PgDn", "move in the list"),
            ("Enter", "open the case (its timeline) or the what-if (side by side)"),
            ("Esc", "clear the filter; with no filter, quit"),
        ),
    ),
    (
        "Timeline",
        (
            ("↑ ↓  k j", "previous or next event"),
            ("g G  Home End", "first or last event"),
            ("PgUp PgDn", "a page of events up or down"),
            ("/", "search summaries, quotes and people (Enter finds, Esc cancels)"),
            ("n N", "next or previous event that matches the search"),
            (":", "jump to an event number (1-3 digits) or a date, as replay --until reads it"),
            ("c C", "next or previous citation of the event, marked in its source"),
            ("Space b", "scroll the source text down or up"),
            ("d", "the case's dossier"),
        ),
    ),
    (
        "What-if side by side",
        (
            ("↑ ↓  k j", "previous or next row, in both histories"),
            ("g G  Home End", "first or last row"),
            ("d", "the what-if's dossier"),
        ),
    ),
)


def _help() -> RenderableType:
    parts: list[RenderableType] = [
        Text("casework browse: a case's events, each in its source", "case.title"),
        Text("The browser only reads: it writes no file.", "case.note"),
    ]
    for title, keys in KEYS:
        table = Table.grid(padding=(0, 2, 0, 0), expand=True)
        table.add_column(style="case.label", no_wrap=True, min_width=15)
        table.add_column(ratio=1, overflow="fold")
        for key, what in keys:
            table.add_row(key, what)
        parts += [Text(""), Text(title, "case.label"), table]
    return Group(*parts)


def problem_list(problems: Sequence[Problem]) -> RenderableType:
    """Each problem on its own line(s), as ``casework check`` prints it."""
    return Group(*(plain(str(p)) for p in problems))


class _Page(Screen[None]):
    """A screen of one scrolling pane; q or Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "help"),
        Binding("q,escape", "close", "back"),
    ]

    title_text = ""

    def __init__(self, renderable: RenderableType, title: str) -> None:
        super().__init__()
        self.renderable = renderable
        self.title_text = title

    def compose(self) -> ComposeResult:
        yield Static(plain(self.title_text, "case.title"), id="title", markup=False)
        yield RichPane(self.renderable, id="page")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#page", RichPane).focus()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()


class HelpScreen(_Page):
    """Every key of the browser."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "close", "back"),
        Binding("question_mark,f1", "close", "back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(_help(), "Keys")


class DossierScreen(_Page):
    """A case's (or a what-if's) dossier, as ``casework show`` prints it."""

    def __init__(self, history: History, refs: References, whatif: str = "") -> None:
        super().__init__(Dossier(history, refs, whatif=whatif), f"Dossier · {history.case.id}")


class ProblemsScreen(_Page):
    """The problems of a scenarios folder whose procedures, people or documents
    did not load: there is nothing to browse until they are put right."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        n = len(problems)
        head = Text(f"The scenarios folder did not load: {n} problem{'s' * (n != 1)}.", "error")
        body = Group(head, Text("casework check lists them too.", "case.note"), Text(""))
        super().__init__(Group(body, problem_list(problems)), "casework browse")
