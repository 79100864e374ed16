"""``casework paths``: the paths through a procedure, as a report shows them."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from casework.analysis.paths import PathsReport, StatePath
from casework.model.procedure import PENDING
from casework.views.theme import Block, Hanging, outcome_style, plain

__all__ = ["PathsView"]


class PathsView:
    """``casework paths``: the simple paths to each outcome (or to one), with the
    states that cannot be reached, the dead ends and the traps."""

    def __init__(self, report: PathsReport) -> None:
        self.report = report

    def _path(self, path: StatePath, label: str = "") -> Text:
        text = Text(label)
        text.append(" → ".join(path.states), "case.state")
        if len(path.triggers) != len(path.states) - 1:  # loops a `requires` needs
            text.append(f" (events: {', '.join(path.triggers)})", "case.note")
        return text

    def _listing(self) -> Iterable[RenderableType]:
        r = self.report
        proc, to, found, ends = r.procedure, r.to or "", r.paths, r.ends
        where = f" (ending in {', '.join(ends)})" if ends != (to,) else ""
        noun = "path" if len(found) == 1 else "paths"
        if not r.truncated:
            head = f"{len(found):,} simple {noun} from {proc.initial} to {to}{where}" + (
                ", shortest first:" if found else "."
            )
        else:  # more paths than listed: say how many, and how to see more
            many = f"{r.total:,}" if r.exact else f"at least {r.total:,}"
            stopped = "" if r.exact else f" (counting stopped after {r.looked_at:,} paths)"
            more = (
                "use --limit for more"
                if len(found) >= r.limit
                else "as many as the search may list"
            )
            head = (
                f"{many} simple paths from {proc.initial} to {to}{where}{stopped}; "
                f"showing the {len(found):,} shortest ({more}):"
            )
        yield Block(plain(head))
        width = len(str(len(found)))
        for n, path in enumerate(found, start=1):
            yield Hanging(Text(f"{n:>{width}}. "), self._path(path))

    def _summary(self) -> Iterable[RenderableType]:
        r = self.report
        proc = r.procedure
        yield Block(plain(f"Paths through {proc.id} from {proc.initial}", "case.title"), Text(""))
        for outcome in proc.outcomes:
            if outcome == PENDING:
                continue
            n = r.count(outcome)
            many = f"{n:,}" if r.exact else f"at least {n:,}"
            head = Text.assemble(
                plain(outcome, outcome_style(outcome)),
                f": {many} simple path{'s' if n != 1 else ''}",
            )
            shortest = r.shortest_to(outcome)
            if shortest is not None:
                events = len(shortest.triggers)
                head.append(f"; shortest {events} event{'s' if events != 1 else ''}:")
                yield Block(head, Block(self._path(shortest), indent=2))
            else:
                yield Block(head)
        waiting = r.pending
        if waiting:
            names = ", ".join(waiting[:-1]) + (" or " if len(waiting) > 1 else "") + waiting[-1]
            yield Hanging(
                Text.assemble((PENDING, outcome_style(PENDING)), ": "),
                plain(f"a history that stops in {names}"),
            )
        reachable = r.reachable
        yield Text("")
        yield plain(f"Reachable: {len(reachable)} of {len(proc.states)} states")
        for label, states in (
            ("Unreachable", r.unreachable),
            ("Dead ends", r.dead_ends),
            ("Traps", r.traps),
        ):
            yield Hanging(Text(f"{label}: "), plain(", ".join(states) or "none"))
        if not r.exact:
            yield Text("")
            yield plain(
                f"Counting stopped after {r.looked_at:,} paths; the counts are lower bounds."
            )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._listing() if self.report.to else self._summary()
