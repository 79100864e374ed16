"""The timeline of a replayed case: each event with its date, state change, who
did what, the quoted words and where they stand, and the outcome."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from casework.model.replay import History, Step
from casework.views.theme import Block, References, names, outcome_style, plain, prose

__all__ = ["StepView", "Timeline"]


class StepView:
    """One event on the timeline: date, state change, who did what to whom,
    the quoted words with their place, and any inference or note."""

    def __init__(self, step: Step, refs: References | None, verb: str) -> None:
        self.step = step
        self.refs = refs
        self.verb = verb

    def who(self) -> str:
        """'V. I. Lenin intercedes with P. A. Zalutsky and A. A. Solts'."""
        ev = self.step.event
        if not ev.moves_state:
            return ""
        actors = names(self.refs, ev.actors) or "(actor not stated)"
        recipients = names(self.refs, ev.recipients)
        return f"{actors} {self.verb} {recipients}".strip()

    def citation(self) -> str:
        """'— Lenin to Zalutsky and Solts, 20 Dec 1921, letter 1, ¶1'."""
        cit = self.step.event.citation
        if cit is None:
            return ""
        doc = self.refs.documents.get(cit.document) if self.refs else None
        title = (doc.short_title or doc.title) if doc else cit.document
        return f"— {title}, {cit.locator}" if cit.locator else f"— {title}"

    def change(self) -> Text:
        step = self.step
        if step.moved:
            return Text.assemble(
                plain(step.before, "case.state"),
                (" → ", "case.arrow"),
                plain(step.after, "case.state"),
            )
        if step.event.moves_state:
            return Text.assemble(plain(step.after, "case.state"), (" (unchanged)", "case.arrow"))
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
            body.append(Text.assemble(plain(f"{ev.kind}: ", "case.label"), plain(who, "case.who")))
        if ev.summary:
            body.append(prose(ev.summary, "case.summary.event"))
        if ev.citation is not None:
            body.append(prose(f"“{ev.citation.quote}”", "case.quote"))
            body.append(plain(self.citation(), "case.cite"))
        if ev.basis in ("inferred", "hypothetical"):
            body.append(
                Text.assemble(plain(f"{ev.basis}: ", f"case.basis.{ev.basis}"), prose(ev.reasoning))
            )
        if ev.date_basis:
            body.append(Text.assemble(("date: ", "case.note"), prose(ev.date_basis, "case.note")))
        if ev.note:
            body.append(Text.assemble(("note: ", "case.note"), prose(ev.note, "case.note")))
        yield Block(*body, indent=4)


class Timeline:
    """A whole replay: the case's heading, every step, and the outcome."""

    def __init__(self, history: History, refs: References | None = None) -> None:
        self.history = history
        self.refs = refs

    def heading(self) -> Block:
        """The case's title, summary and procedure."""
        case = self.history.case
        lines: list[Text] = [
            Text.assemble(plain(case.title, "case.title"), " · ", plain(case.id, "case.id"))
        ]
        if case.summary:
            lines.append(prose(case.summary, "case.summary"))
        lines.append(
            Text.assemble(("Procedure: ", "case.label"), plain(self.history.procedure.title))
        )
        return Block(*lines)

    def step_view(self, step: Step) -> Group:
        """One event, preceded by a blank line."""
        verb = self.history.procedure.verb(step.event.kind)
        return Group(Text(""), StepView(step, self.refs, verb))

    def ending(self) -> Block:
        """Where the replay ended: the outcome (or the state, part-way) and the path."""
        h = self.history
        path = plain(" → ".join(h.states), "case.state")
        if h.is_partial:
            label = Text.assemble(
                (f"Stopped after event {h.stopped_after} of {len(h.case.events)}: ", "case.label"),
                ("state ", ""),
                plain(h.state, "case.state"),
            )
            lines = [label]
        else:
            lines = [
                Text.assemble(
                    ("Outcome: ", "case.label"), plain(h.outcome, outcome_style(h.outcome))
                )
            ]
        lines.append(Text.assemble(("Path: ", "case.label"), path))
        return Block(Text(""), *lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.heading()
        for step in self.history.steps:
            yield self.step_view(step)
        yield self.ending()
