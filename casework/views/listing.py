"""``casework list``: the cases, each followed by the what-ifs built on it (a
what-if on a what-if one step further in)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from casework.analysis.listing import CaseListing, Listed
from casework.views.theme import Block, outcome_style, plain

__all__ = ["CaseTree"]


class CaseTree:
    """The listing as a table: case / what-if, events, outcome."""

    def __init__(self, listing: Sequence[CaseListing]) -> None:
        self.listing = listing

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False, header_style="case.label")
        # Long words fold rather than end in "…": text from a file is shown whole.
        table.add_column("case / what-if", overflow="fold")
        table.add_column("events", justify="right")
        table.add_column("outcome", overflow="fold")

        def add(label: Text, item: Listed, pad: int) -> None:
            table.add_row(
                Group(label, Padding(plain(item.title), (0, 0, 0, pad))),
                Text(str(item.events)),
                plain(item.outcome, outcome_style(item.outcome)),
            )

        def add_whatifs(children: dict[str, list[Listed]], base: str, depth: int) -> None:
            # Depth first, each what-if before those built on it; a stack, not
            # recursion, as a chain of what-ifs may be thousands deep.
            stack = [(w, depth) for w in reversed(children.get(base, []))]
            while stack:
                w, depth = stack.pop()
                label = Text.assemble("  " * depth + "↳ ", plain(w.id, "case.id"))
                add(label, w, 2 * depth + 2)
                stack.extend((c, depth + 1) for c in reversed(children.get(w.id, [])))

        for entry in self.listing:
            add(plain(entry.case.id, "case.id"), entry.case, 2)
            children: dict[str, list[Listed]] = {}
            for w in entry.whatifs:
                children.setdefault(w.base or "", []).append(w)
            add_whatifs(children, entry.case.id, 1)
        yield Block(table)
