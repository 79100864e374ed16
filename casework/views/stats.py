"""Rendering an archive's summary (``casework stats``) as a rich renderable.

Kept apart from :mod:`casework.analysis.archive`, which never imports rich. Case ids,
event ids and kinds come from the archive, so they are shown with ``plain()``.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from casework.analysis.archive_stats import ArchiveStats
from casework.analysis.conformance import Conformance
from casework.model.procedure import ILLEGAL
from casework.views.theme import Block, outcome_style, plain

__all__ = ["StatsView"]


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "-"


class StatsView:
    """Outcome counts, the commonest paths, days to outcome, conformance and the
    illegal histories (the first ``illegal_limit`` of them, each with its
    smallest repair)."""

    def __init__(self, stats: ArchiveStats, illegal_limit: int = 20) -> None:
        self.stats = stats
        self.illegal_limit = illegal_limit

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        s = self.stats
        procs = ", ".join(s.procedures) or "none"
        yield Block(
            Text.assemble(
                ("Archive ", "case.label"),
                plain(s.path, "case.title"),
                plain(f": {s.cases:,} cases, {s.events:,} events (procedure {procs})"),
            )
        )
        yield Text("")
        yield Text("Outcomes", "case.label")
        table = Table.grid(padding=(0, 2))
        table.add_column()
        table.add_column(justify="right")
        table.add_column(justify="right")
        for outcome, n in s.outcomes:
            style = "error" if outcome == ILLEGAL else outcome_style(outcome)
            table.add_row(plain(outcome, style), f"{n:,}", _pct(n, s.cases))
        yield Block(table, indent=2)

        legal = s.cases - dict(s.outcomes).get(ILLEGAL, 0)
        yield Text("")
        yield Text.assemble(
            ("Most common paths", "case.label"),
            (
                f" ({len(s.paths)} of {s.distinct_paths:,} distinct, of {legal:,} legal histories)",
                "",
            ),
        )
        paths = Table.grid(padding=(0, 2))
        paths.add_column(justify="right")
        paths.add_column(justify="right")
        paths.add_column(ratio=1)
        for states, n in s.paths:
            paths.add_row(f"{n:,}", _pct(n, legal), plain(" → ".join(states), "case.state"))
        yield Block(paths, indent=2)

        yield Text("")
        yield Text.assemble(
            ("Days from expulsion to outcome", "case.label"),
            " (cases with both events dated to the day)",
        )
        days = Table.grid(padding=(0, 2))
        for name in ("outcome", "cases", "median", "mean", "min", "max"):
            days.add_column(justify="left" if name == "outcome" else "right")
        days.add_row(
            *(Text(h, "case.cite") for h in ("outcome", "cases", "median", "mean", "min", "max"))
        )
        for d in s.durations:
            m = d.to_mapping()
            cells = [
                f"{m[k]:,}" if isinstance(m[k], int) else ("-" if m[k] is None else f"{m[k]:g}")
                for k in ("cases", "median", "mean", "min", "max")
            ]
            days.add_row(plain(d.outcome), *cells)
        yield Block(days, indent=2)

        if s.conformance is not None:
            yield Text("")
            yield from self._conformance(s.conformance)

        yield Text("")
        shown = s.illegal[: self.illegal_limit]
        head = Text.assemble(("Illegal histories", "case.label"), f" ({len(s.illegal):,})")
        if len(shown) < len(s.illegal):
            head.append(f": the first {len(shown)}; --json lists all")
        yield head
        if not s.illegal:
            yield Block(Text("none: every history is allowed by its procedure"), indent=2)
        for n, ill in enumerate(shown):
            yield Block(
                Text.assemble(plain(ill.describe()), plain(f" (seq {ill.seq})", "case.cite")),
                indent=2,
            )
            if n < len(s.repairs):
                yield Block(
                    Text.assemble(("repair: ", "case.label"), plain(s.repairs[n].describe())),
                    indent=4,
                )

    def _conformance(self, c: Conformance) -> RenderResult:
        """The share accepted, the variants, and the commonest deviations."""
        yield Text("Conformance", "case.label")
        lines = Table.grid(padding=(0, 2))
        lines.add_column()
        lines.add_column()
        lines.add_row(
            "accepted", f"{c.accepted:,} of {c.cases:,} cases ({_pct(c.accepted, c.cases)})"
        )
        lines.add_row("variants", f"{c.distinct_variants:,} distinct paths (most common above)")
        if len(c.deviations) < c.distinct_deviations:
            listed = f", the {len(c.deviations)} most common:"
        else:
            listed = ":" if c.deviations else ""
        lines.add_row("deviations", f"{c.distinct_deviations:,} distinct{listed}")
        yield Block(lines, indent=2)
        if not c.deviations:
            return
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right")
        table.add_column(ratio=1)
        for d in c.deviations:
            table.add_row(
                f"{d.cases:,}",
                Text.assemble(plain(d.describe()), plain(f" (e.g. {d.example})", "case.cite")),
            )
        yield Block(table, indent=4)
