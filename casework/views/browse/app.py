"""The browser's application: its screens, its look, and where it starts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from casework.errors import Problem
from casework.views.browse.caselist import CaseListScreen
from casework.views.browse.pane import NO_COLOR_THEME
from casework.views.browse.screens import HelpScreen, ProblemsScreen
from casework.views.browse.sidebyside import WhatIfScreen
from casework.views.browse.timeline import TimelineScreen
from casework.views.theme import THEME

if TYPE_CHECKING:
    from casework.load.casebook import Casebook

__all__ = ["BrowseApp"]

CSS = """
Screen {
    scrollbar-size-vertical: 1;
}
#title {
    height: 1;
    padding: 0 1;
    background: $panel;
}
#status {
    height: auto;
    padding: 0 1;
    background: $boost;
}
#filter, #ask {
    border: none;
    height: 1;
    padding: 0 1;
}
OptionList, RichPane {
    border: round $secondary 60%;
    border-title-color: $text;
    border-subtitle-color: $text-muted;
    background: $surface;
}
OptionList:focus, RichPane:focus {
    border: round $accent;
}
OptionList {
    scrollbar-gutter: stable;
    padding: 0;
}
#left {
    width: 42%;
    min-width: 28;
    max-width: 60;
}
#events {
    height: 55%;
}
#state {
    height: 1fr;
}
#facts {
    height: 50%;
}
#source, #page, #cases {
    height: 1fr;
}
#problems {
    height: auto;
    max-height: 40%;
    border: round $error;
}
#about {
    height: auto;
    max-height: 25%;
}
#columns {
    height: auto;
    background: $surface;
    padding: 0 2 0 1;
}
#rows {
    height: 1fr;
}
#row {
    height: auto;
    max-height: 30%;
}
"""


class BrowseApp(App[None]):
    """``casework browse``: cases and what-ifs to choose from, a case's timeline
    with its evidence and state, a what-if beside its history, the dossier, and
    the keys. ``book`` None: the folder did not load, and ``problems`` say why.
    ``start`` opens a case or what-if at once (q then goes back to the list)."""

    TITLE = "casework browse"
    CSS = CSS
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f1", "help", "help", show=False)]

    def __init__(
        self,
        book: Casebook | None,
        problems: Sequence[Problem] = (),
        *,
        start: str | None = None,
    ) -> None:
        super().__init__()
        # The views' style names, in Textual's console too (without colour for NO_COLOR).
        self.console.push_theme(NO_COLOR_THEME if self.no_color else THEME)
        self.book = book
        self.problems = tuple(problems)
        self.start = start

    def on_mount(self) -> None:
        if self.book is None:
            self.push_screen(ProblemsScreen(self.problems))
            return
        listing = CaseListScreen(self.book)
        self.push_screen(listing)
        if self.start in listing.histories:
            self.push_screen(TimelineScreen(listing.histories[self.start], self.book))
        elif self.start in listing.comparisons:
            self.push_screen(WhatIfScreen(listing.comparisons[self.start], self.book))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
