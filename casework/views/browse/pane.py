"""A scrolling pane that shows a rich renderable rendered with casework's theme,
and knows where its anchors are (a style whose meta names an ``anchor``: the
quote under the cursor), so that it can scroll to one."""

from __future__ import annotations

import io
from collections.abc import Hashable

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from casework.views.theme import THEME

__all__ = ["CONTEXT", "NO_COLOR_THEME", "RichPane", "render_lines"]

#: Lines shown above an anchor scrolled to, so that it is read in its place.
CONTEXT = 2
#: How many renderings a pane keeps (by key and width) to show again at once.
KEPT = 64


#: casework's theme without its colours (bold, dim, italic and reverse stay), for
#: NO_COLOR: Textual would show the colours as greys, some too dark to read.
NO_COLOR_THEME = Theme({name: style.without_color for name, style in THEME.styles.items()})


def render_lines(
    renderable: RenderableType, width: int, *, color: bool = True
) -> tuple[list[Strip], dict[str, int]]:
    """The renderable as lines of ``width`` cells, and the first line of each
    anchor; with ``color`` False, no colour at all."""
    console = Console(
        width=width,
        file=io.StringIO(),
        theme=THEME if color else NO_COLOR_THEME,
        color_system="truecolor",
        force_terminal=True,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
    strips: list[Strip] = []
    anchors: dict[str, int] = {}
    for y, line in enumerate(lines):
        segments = []
        for segment in line:
            style = segment.style
            meta = style.meta if style is not None else {}
            if style is not None and meta:
                anchor = meta.get("anchor")
                if isinstance(anchor, str):
                    anchors.setdefault(anchor, y)
                style = style.clear_meta_and_links()
            if style is not None and not color:
                style = style.without_color
            segments.append(Segment(segment.text, style))
        strips.append(Strip(segments))
    return strips, anchors


class RichPane(ScrollView, can_focus=True):
    """A rich renderable in a scrolling pane, re-rendered at each width; ``show``
    replaces it and may scroll to one of its anchors."""

    DEFAULT_CSS = """
    RichPane {
        scrollbar-gutter: stable;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, renderable: RenderableType | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pane_renderable: RenderableType = renderable if renderable is not None else Text("")
        self._pane_strips: list[Strip] = []
        self._pane_width = 0
        self._pane_anchor: str | None = None
        self._pane_base = Style()
        self._pane_key: Hashable = None
        self._pane_cache: dict[tuple[Hashable, int], tuple[list[Strip], dict[str, int]]] = {}
        #: The first line of each anchor, at the width last rendered.
        self.anchors: dict[str, int] = {}

    @property
    def lines(self) -> list[str]:
        """The text of every line, as rendered last (for tests and searches)."""
        return [strip.text.rstrip() for strip in self._pane_strips]

    def show(
        self, renderable: RenderableType, anchor: str | None = None, *, key: Hashable = None
    ) -> None:
        """Show ``renderable`` instead, scrolled to its ``anchor`` (or to the top).
        With a ``key``, its lines are kept and shown again for the same key and
        width without rendering it again (going back to an event is instant)."""
        self._pane_renderable = renderable
        self._pane_key = key
        self._pane_anchor = anchor or ""
        self._pane_width = 0
        self._pane_render()

    def _pane_render(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._pane_width:
            return
        self._pane_width = width
        cached = (self._pane_key, width)
        if self._pane_key is not None and cached in self._pane_cache:
            self._pane_strips, self.anchors = self._pane_cache[cached]
        else:
            colour = not self.app.no_color
            self._pane_strips, self.anchors = render_lines(
                self._pane_renderable, width, color=colour
            )
            if self._pane_key is not None:
                if len(self._pane_cache) >= KEPT:
                    del self._pane_cache[next(iter(self._pane_cache))]
                self._pane_cache[cached] = (self._pane_strips, self.anchors)
        size = Size(width, len(self._pane_strips))
        if self.styles.height is not None and self.styles.height.is_auto:
            self.virtual_size = size  # the pane's height follows: lay the screen out again
        else:
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
        if self._pane_anchor is not None:
            y = self.anchors.get(self._pane_anchor, CONTEXT) - CONTEXT if self._pane_anchor else 0
            # After the refresh: the new height is not known to the scrollbars yet.
            self.call_after_refresh(self.scroll_to, y=max(y, 0), animate=False)
            self._pane_anchor = None
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._pane_render()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style once per pass, not once per line: it walks the DOM.
        self._pane_base = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self._pane_base
        index = scroll_y + y
        if index >= len(self._pane_strips):
            return Strip.blank(width, base)
        strip = self._pane_strips[index].apply_style(base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)
