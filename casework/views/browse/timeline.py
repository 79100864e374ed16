"""The timeline screen: a case's events with a cursor; beside it the event's
facts and its sources (each quote marked in its document), under it the state
and what the procedure allows next. Search (``/``) and jumps to an event
number or a date (``:``, read as ``--until`` reads them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from casework.errors import InvalidUntil
from casework.model.events import Event
from casework.model.replay import History, Step, parse_until, replay
from casework.views.browse.evidence import EventFacts, Sources, StateView
from casework.views.browse.pane import RichPane
from casework.views.browse.screens import DossierScreen
from casework.views.theme import names, outcome_style, plain
from casework.views.timeline import Timeline

if TYPE_CHECKING:
    from casework.views.theme import References

__all__ = ["TimelineScreen", "event_prompt", "matches"]


def event_prompt(step: Step) -> RenderableType:
    """One event of the list: its number, and beside it its date, then its kind
    and where it moves the case (each wrapped under itself)."""
    ev = step.event
    what = Text()
    if not ev.moves_state:
        what.append("background", "case.background")
    else:
        what.append_text(plain(ev.kind, "case.label"))
        if step.moved:
            what.append_text(plain(f" → {step.after}", "case.state"))
    grid = Table.grid(padding=(0, 1, 0, 0), expand=True)
    grid.add_column(justify="right", no_wrap=True, style="case.seq", min_width=3)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(str(ev.seq), Group(plain(ev.date.display(), "case.date"), what))
    return grid


def matches(event: Event, refs: References | None, query: str) -> bool:
    """True when ``query`` (any case) is in the event's summary, one of its quotes,
    or the name or id of one of its people (actors, recipients, whose account)."""
    people = [*event.actors, *event.recipients]
    people += [c.account_of for c in event.citations if c.account_of]
    if event.account_of:
        people.append(event.account_of)
    fields = [event.summary, *(c.quote for c in event.citations), *people]
    fields += [names(refs, [p]) for p in people]
    needle = query.casefold()
    return any(needle in field.casefold() for field in fields)


class TimelineScreen(Screen[None]):
    """A case's history, explored event by event."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "move(1)", "next", show=False),
        Binding("k,up", "move(-1)", "previous", show=False),
        Binding("g,home", "first", "first", show=False),
        Binding("G,end", "last", "last", show=False),
        Binding("slash", "ask('search')", "search"),
        Binding("n", "again(1)", "next match", show=False),
        Binding("N", "again(-1)", "previous match", show=False),
        Binding("colon", "ask('jump')", "jump"),
        Binding("c", "citation(1)", "citation"),
        Binding("C", "citation(-1)", "previous citation", show=False),
        Binding("space", "scroll_source(1)", "scroll source", show=False),
        Binding("b", "scroll_source(-1)", "scroll source back", show=False),
        Binding("d", "dossier", "dossier"),
        Binding("question_mark", "app.help", "help"),
        Binding("q,escape", "close", "back"),
    ]

    def __init__(self, history: History, refs: References) -> None:
        super().__init__()
        self.history = history
        self.refs = refs
        self.index = 0
        self.citation = 0
        self.searched = ""
        self.asking = ""

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        h = self.history
        title = Text.assemble(
            plain(h.case.title, "case.title"),
            " · ",
            plain(h.case.id, "case.id"),
            " · ",
            plain(h.outcome, outcome_style(h.outcome)),
        )
        yield Static(title, id="title", markup=False)
        with Horizontal():
            with Vertical(id="left"):
                events = OptionList(*(Option(event_prompt(s)) for s in h.steps), id="events")
                events.border_title = "Timeline"
                yield events
                yield RichPane(id="state")
            with Vertical(id="right"):
                yield RichPane(id="facts")
                yield RichPane(id="source")
        yield Input(id="ask")
        yield Static(id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#state", RichPane).border_title = "State"
        self.query_one("#facts", RichPane).border_title = "Event"
        ask = self.query_one("#ask", Input)
        ask.display = False
        ask.cursor_blink = False  # steady: a blinking cursor redraws twice a second
        self.query_one("#status", Static).display = False
        events = self.query_one("#events", OptionList)
        events.highlighted = 0 if self.history.steps else None
        events.focus()
        self.show_event(0)

    # -- what is shown -----------------------------------------------------------

    def show_event(self, index: int, *, citation: int = 0) -> None:
        """Put the cursor on event ``index`` (from 0) and show its panes."""
        steps = self.history.steps
        if not steps:
            return
        self.index = max(0, min(index, len(steps) - 1))
        step = steps[self.index]
        self.citation = citation
        events = self.query_one("#events", OptionList)
        if events.highlighted != self.index:
            events.highlighted = self.index
        events.border_subtitle = f"{step.event.seq} of {len(steps)}"
        procedure = self.history.procedure
        facts = EventFacts(step, len(steps), self.refs, procedure, current=citation)
        self.query_one("#facts", RichPane).show(facts, key=(self.index, citation))
        source = self.query_one("#source", RichPane)
        cites = step.event.citations
        if cites:
            cit = cites[citation]
            where = f" {citation + 1} of {len(cites)}" if len(cites) > 1 else ""
            source.border_title = f"Source{where}: {cit.locator}" if cit.locator else "Source"
        else:
            source.border_title = "Source"
        source.show(Sources(step.event, self.refs, citation), "quote", key=(self.index, citation))
        state = StateView(steps, self.index, procedure)
        self.query_one("#state", RichPane).show(state, key=self.index)

    def say(self, message: str) -> None:
        """A one-line message under the panes ("" hides it)."""
        status = self.query_one("#status", Static)
        status.update(plain(message))
        status.display = bool(message)

    @on(OptionList.OptionHighlighted, "#events")
    def _highlighted(self, message: OptionList.OptionHighlighted) -> None:
        if message.option_index != self.index:
            self.show_event(message.option_index)

    # -- actions -----------------------------------------------------------------

    def action_move(self, by: int) -> None:
        self.show_event(self.index + by)

    def action_first(self) -> None:
        self.show_event(0)

    def action_last(self) -> None:
        self.show_event(len(self.history.steps) - 1)

    def action_citation(self, by: int) -> None:
        cites = self.history.steps[self.index].event.citations if self.history.steps else ()
        if len(cites) > 1:
            self.show_event(self.index, citation=(self.citation + by) % len(cites))

    def action_scroll_source(self, by: int) -> None:
        source = self.query_one("#source", RichPane)
        source.scroll_to(y=source.scroll_y + by * max(source.size.height - 1, 1), animate=False)

    def action_dossier(self) -> None:
        self.app.push_screen(DossierScreen(self.history, self.refs))

    def action_close(self) -> None:
        if self.query_one("#ask", Input).display:
            self._close_ask()
        elif len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit()

    def action_ask(self, what: str) -> None:
        ask = self.query_one("#ask", Input)
        self.asking = what
        ask.placeholder = (
            "search summaries, quotes and people; Enter to find, Esc to cancel"
            if what == "search"
            else "event number (1-3 digits) or date (1921-12-20, 1921); Enter to jump"
        )
        ask.value = ""
        ask.display = True
        ask.focus()

    def action_again(self, by: int) -> None:
        if self.searched:
            self.search(self.searched, by)

    @on(Input.Submitted, "#ask")
    def _submitted(self, message: Input.Submitted) -> None:
        self._close_ask()
        value = message.value.strip()
        if not value:
            return
        if self.asking == "search":
            self.searched = value
            self.search(value, 1, here=True)
        else:
            self.jump(value)

    def _close_ask(self) -> None:
        ask = self.query_one("#ask", Input)
        ask.display = False
        self.query_one("#events", OptionList).focus()

    def search(self, query: str, by: int, *, here: bool = False) -> None:
        """Move to the next event (``by`` 1) or the previous (-1) that matches."""
        steps = self.history.steps
        found = [i for i, s in enumerate(steps) if matches(s.event, self.refs, query)]
        if not found:
            self.say(f"No event matches {query!r}.")
            return
        if by > 0:
            after = [i for i in found if i > self.index or (here and i == self.index)]
            target = after[0] if after else found[0]
        else:
            before = [i for i in found if i < self.index]
            target = before[-1] if before else found[-1]
        numbers = ", ".join(str(steps[i].event.seq) for i in found)
        self.say(
            f"{query!r}: event {steps[target].event.seq} "
            f"({found.index(target) + 1} of {len(found)} matching: {numbers}); n next, N previous"
        )
        self.show_event(target)

    def jump(self, value: str) -> None:
        """Move the cursor to the state after an event number, or at a date, as
        ``replay --until`` reads them, and say where that is."""
        try:
            until = parse_until(value)
        except InvalidUntil as bad:
            self.say(str(bad))
            return
        h = self.history
        total = len(h.steps)
        if isinstance(until, int):
            stopped = min(until, total)
            where = f"event {until}" if until <= total else f"event {until} (there are {total})"
            why = ""
        else:
            part = replay(h.case, h.procedure, until=until, strict=False)
            stopped = min(part.stopped_after or 0, total)
            where = until.display()
            why = Timeline(part, until=until).why_stopped()
            if until.edtf.isdigit():
                where += f" ({until.edtf} read as a year: an event number has 1-3 digits)"
        state = h.steps[stopped - 1].after if stopped else h.initial
        place = f"after event {stopped} of {total}" if stopped else f"before event 1 of {total}"
        said = f"Until {where}: {place}, state {state}."
        self.say(f"{said} {why}" if why else said)
        self.show_event(max(stopped - 1, 0))
