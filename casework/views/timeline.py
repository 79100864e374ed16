"""The timeline of a replayed case: each event with its date, state change, who
did what, the quoted words and where they stand, and the outcome."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from casework.model.dates import HistDate
from casework.model.evidence import Citation
from casework.model.replay import History, Step
from casework.views.theme import Block, Measure, References, names, outcome_style, plain, prose

__all__ = ["RIGHT_ALIGNED", "StepView", "Timeline"]

#: Up to this width the state change is right-aligned on the date's line (as the
#: timeline has always looked at 80 columns); wider, it stands in a column after
#: the longest date, near the dates rather than at the far edge.
RIGHT_ALIGNED = 80


class StepView:
    """One event on the timeline: date, state change, who did what to whom,
    the quoted words with their place, and any inference or note."""

    def __init__(
        self,
        step: Step,
        refs: References | None,
        verb: str,
        column: tuple[int, int] | None = None,
    ) -> None:
        self.step = step
        self.refs = refs
        self.verb = verb
        #: On a console wider than RIGHT_ALIGNED, where the state change starts and
        #: the width that column needs (its timeline's widest change in it).
        self.column = column

    def who(self) -> str:
        """'V. I. Lenin intercedes with P. A. Zalutsky and A. A. Solts'."""
        ev = self.step.event
        if not ev.moves_state:
            return ""
        actors = names(self.refs, ev.actors) or "(actor not stated)"
        recipients = names(self.refs, ev.recipients)
        return f"{actors} {self.verb} {recipients}".strip()

    def citation(self) -> str:
        """The main citation's place: '— Lenin to Zalutsky and Solts, 20 Dec 1921, letter 1, ¶1'."""
        cit = self.step.event.citation
        return self.cite(cit) if cit is not None else ""

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

    def head(self) -> Text:
        """'  5 20 Dec 1921, 20.00': the event's number and date."""
        ev = self.step.event
        date = plain(ev.date.display(), "case.date")
        if ev.date_hypothetical:
            date.append(" (hypothetical date)", "case.basis.hypothetical")
        return Text.assemble((f"{ev.seq:>3} ", "case.seq"), date)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ev = self.step.event
        change = self.change()
        head = self.head()
        gap = options.max_width - head.cell_len - change.cell_len
        if self.column is not None and RIGHT_ALIGNED < options.max_width:
            start, needs = self.column
            if needs <= options.max_width:
                gap = start - head.cell_len
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
        if ev.refers_to is not None:
            body.append(Text.assemble(("for: ", "case.label"), plain(ev.refers_to.display())))
        if ev.summary:
            body.append(prose(ev.summary, "case.summary.event"))
        for n, citation in enumerate(ev.citations):
            body.append(prose(f"“{citation.quote}”", "case.quote"))
            body.append(plain(self.cite(citation), "case.cite"))
            basis = self.basis(citation)
            if basis is not None and not (n == 0 and citation.basis == ev.basis == "inferred"):
                body.append(basis)  # the event's own inference is said once, below
        if ev.basis in ("inferred", "hypothetical"):
            body.append(
                Text.assemble(plain(f"{ev.basis}: ", f"case.basis.{ev.basis}"), prose(ev.reasoning))
            )
        for part, reasoning in ev.inferred:
            body.append(
                Text.assemble(
                    plain(f"inferred ({part}): ", "case.basis.inferred"), prose(reasoning)
                )
            )
        if ev.date_basis:
            body.append(Text.assemble(("date: ", "case.note"), prose(ev.date_basis, "case.note")))
        if ev.note:
            body.append(Text.assemble(("note: ", "case.note"), prose(ev.note, "case.note")))
        yield Block(*body, indent=4)

    def cite(self, citation: Citation) -> str:
        """'— Lenin to Zalutsky and Solts, 20 Dec 1921, letter 1, ¶1'."""
        doc = self.refs.documents.get(citation.document) if self.refs else None
        title = (doc.short_title or doc.title) if doc else citation.document
        return f"— {title}, {citation.locator}" if citation.locator else f"— {title}"

    def basis(self, citation: Citation) -> Text | None:
        """Whose words a citation gives, when not simply its author's: 'reported:
        Y. Kasparova-Popova's account, as V. I. Lenin reports it'."""
        if citation.basis == "reported":
            doc = self.refs.documents.get(citation.document) if self.refs else None
            whose = names(self.refs, [citation.account_of])
            if doc is not None and doc.author:
                words = f"{whose}'s account, as {names(self.refs, [doc.author])} reports it"
            else:
                title = (doc.short_title or doc.title) if doc else citation.document
                words = f"{whose}'s account, as reported in {title}"
        elif citation.basis == "secondary":
            words = "a later work's statement, not a source of the time"
        elif citation.basis == "inferred":
            words = citation.reasoning
        else:
            return None
        return Text.assemble(
            plain(f"{citation.basis}: ", f"case.basis.{citation.basis}"), prose(words)
        )


class Timeline:
    """A whole replay: the case's heading, every step, and the outcome.

    ``until`` is the date a part-way replay was asked to stop at, if any: the
    ending then says why the replay stopped where it did. However wide the
    terminal, the timeline keeps to :data:`~casework.views.theme.MEASURE` columns.
    """

    def __init__(
        self, history: History, refs: References | None = None, *, until: HistDate | None = None
    ) -> None:
        self.history = history
        self.refs = refs
        self.until = until
        views = [StepView(s, None, "") for s in history.steps]
        start = max((v.head().cell_len for v in views), default=0) + 3
        widest = max((v.change().cell_len for v in views), default=0)
        #: Where the state changes stand on a wide console (three spaces after the
        #: longest date), and the width that needs: narrower, they are right-aligned.
        self.column = (start, start + widest)

    def heading(self) -> Measure:
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
        return Measure(Block(*lines))

    def step_view(self, step: Step) -> Measure:
        """One event, preceded by a blank line."""
        verb = self.history.procedure.verb(step.event.kind)
        return Measure(Group(Text(""), StepView(step, self.refs, verb, self.column)))

    def ending(self) -> Measure:
        """Where the replay ended: the outcome (or the state, part-way, and why
        there) and the path."""
        h = self.history
        path = plain(" → ".join(h.states), "case.state")
        lines: list[Text] = []
        if h.is_partial:
            total = len(h.case.events)
            where = (
                f"Stopped after event {h.stopped_after} of {total}: "
                if h.stopped_after
                else f"Stopped before event 1 of {total}: "
            )
            lines.append(
                Text.assemble((where, "case.label"), ("state ", ""), plain(h.state, "case.state"))
            )
            why = self.why_stopped()
            if why:
                lines.append(prose(why, "case.note"))
        else:
            lines.append(
                Text.assemble(
                    ("Outcome: ", "case.label"), plain(h.outcome, outcome_style(h.outcome))
                )
            )
        lines.append(Text.assemble(("Path: ", "case.label"), path))
        return Measure(Block(Text(""), *lines))

    def why_stopped(self) -> str:
        """Why a replay asked to stop at a date stopped where it did ("" when it
        was not): the next event is not certainly on or before that day, and a
        case is replayed in its order, so a later event that is earlier is not
        shown either."""
        h, until = self.history, self.until
        if until is None or until.upper is None or not h.is_partial or h.stopped_after is None:
            return ""
        events = h.case.events
        nxt = events[h.stopped_after]
        why = f"Event {nxt.seq} ({nxt.date.display()}) is not certainly on or before "
        why += until.display()
        later = events[h.stopped_after + 1 :]
        earlier = [e.seq for e in later if e.date.known_by(until.upper)]
        if earlier:
            listed = ", ".join(map(str, earlier[:-1])) + (" and " if len(earlier) > 1 else "")
            many = len(earlier) > 1
            why += (
                f"; a case is replayed in its order, so {'events' if many else 'event'} "
                f"{listed}{earlier[-1]} after it, though on or before that day, "
                f"{'are' if many else 'is'} not shown either"
            )
        elif later:
            why += "; a case is replayed in its order, so no event after it is shown"
        return why + "."

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.heading()
        for step in self.history.steps:
            yield self.step_view(step)
        yield self.ending()
