"""The timeline chart written out: an SVG picture with a numbered legend, or an
HTML page in which each event tells its words on hover.

Hand-written SVG (no drawing library): the picture is a few rectangles, lines
and texts placed by :mod:`casework.views.chart_layout`, every text stays an
SVG ``<text>`` (searchable, selectable, read aloud), and casework needs no new
dependency. Colours are chosen for a white page and for grayscale printing:
every text colour reads at 4.5:1 or better on what it is drawn on
(:data:`TEXT_ON`), and what colours tell (a state's tone, a background event)
shapes, patterns or words tell too.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from casework.views.chart_draw import (
    AXIS_HEIGHT,
    BAND,
    FONT,
    HEAD,
    INK,
    LABEL_X,
    TEXT_ON,
    TOP,
    WIDTH,
    defs,
    draw_lane,
    entries,
    entry_head,
    iso,
    lane_height,
    num,
    svg_text,
    told_lines,
    wrap,
    xml,
)
from casework.views.chart_layout import Chart
from casework.views.export import FORMATS, UnknownFormat, write_text

__all__ = ["BAND", "INK", "TEXT_ON", "html_page", "svg", "write_chart"]

_STYLE = f"""
text {{ font-family: {FONT}; fill: {INK["text"]}; }}
.title {{ font-size: 18px; font-weight: bold; }}
.sub, .tick, .break-label, .row2, .legend-note {{ font-size: 12px; fill: {INK["muted"]}; }}
.lane-title {{ font-size: 15px; font-weight: bold; }}
.row1 {{ font-size: 13px; }}
.num {{ font-weight: bold; }}
.band-label {{ font-size: 11.5px; }}
.legend-head {{ font-size: 14px; font-weight: bold; }}
.legend-entry {{ font-size: 12.5px; }}
.legend-quote {{ font-size: 12.5px; fill: {INK["quote"]}; }}
.hypothetical-note {{ fill: {INK["hypothetical"]}; }}
.illegal-note {{ fill: {INK["illegal"]}; font-weight: bold; }}
"""


def _axis(chart: Chart, y: float, top: float, bottom: float, labels_above: bool) -> list[str]:
    """The axis line at ``y``, its ticks and labels; grid lines from ``top`` to ``bottom``."""
    axis = chart.axis
    out = [f'<g class="axis" data-start="{iso(axis.start)}" data-end="{iso(axis.end)}">']
    ly = y - 8 if labels_above else y + 18
    for seg in axis.segments:
        out.append(
            f'<g class="segment" data-from="{iso(seg.start)}" data-to="{iso(seg.end)}" '
            f'data-x0="{num(seg.x0)}" data-x1="{num(seg.x1)}">'
            f'<line x1="{num(seg.x0)}" x2="{num(seg.x1)}" y1="{y}" y2="{y}" stroke="#374151"/>'
        )
        for tick in seg.ticks:
            out.append(
                f'<line x1="{num(tick.x)}" x2="{num(tick.x)}" y1="{y}" y2="{y + 5}" '
                'stroke="#374151"/>'
            )
            out.append(svg_text(tick.x, ly, tick.label, "tick", "middle"))
        out.append("</g>")
    for gap in axis.breaks:
        mid = (gap.x0 + gap.x1) / 2
        out.append(
            f'<g class="break" data-from="{iso(gap.start)}" data-to="{iso(gap.end)}" '
            f'data-x0="{num(gap.x0)}" data-x1="{num(gap.x1)}">'
        )
        out.append(
            svg_text(mid, y - 26 if labels_above else y + 34, gap.label, "break-label", "middle")
        )
        out.append("</g>")
    out.append("</g>")
    return out


def _breaks(chart: Chart, top: float, bottom: float) -> list[str]:
    """The axis breaks drawn down through every lane: two zigzag lines."""
    out = []
    for gap in chart.axis.breaks:
        for x in (gap.x0 + 8, gap.x1 - 8):
            points = []
            y, flip = top, 0
            while y < bottom:
                points.append(f"{num(x + (4 if flip else -4))},{num(y)}")
                y, flip = y + 8, 1 - flip
            path = " ".join(points)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="#ffffff" stroke-width="5"/>'
                f'<polyline points="{path}" fill="none" stroke="#4b5563" stroke-width="1.4"/>'
            )
    return out


def _legend(chart: Chart, y: float) -> tuple[list[str], float]:
    """The numbered legend: each lane's events with their words; returns the
    SVG and where it ends."""
    out = ['<g class="legend">', svg_text(LABEL_X, y + 20, "Events", "legend-head")]
    y += 34
    width = WIDTH - 2 * LABEL_X - 40
    for lane, marks, again in entries(chart):
        out.append(svg_text(LABEL_X, y + 16, lane.title, "legend-head"))
        y += 26
        for line in wrap(lane.description, width, 12) if lane.description else ():
            out.append(svg_text(LABEL_X, y + 14, line, "legend-note"))
            y += 16
        if again:
            for line in wrap(again, width, 12):
                out.append(svg_text(LABEL_X, y + 14, line, "legend-note"))
                y += 16
            y += 8
        for m, told in marks:
            out.append(f'<g class="entry" data-seq="{m.number}" data-event="{xml(m.event.id)}">')
            first = f"{m.number}. {entry_head(m)}"
            for line in wrap(first, width + 40, 12.5):
                out.append(svg_text(LABEL_X, y + 14, line, "legend-entry num"))
                y += 17
            for label, text in told_lines(m, told):
                cls = {"quote": "legend-quote", "summary": "legend-entry"}.get(label, "legend-note")
                words = text if label in ("quote", "summary", "who") else f"{label}: {text}"
                for line in wrap(words, width, 12 if cls == "legend-note" else 12.5):
                    out.append(svg_text(LABEL_X + 40, y + 14, line, cls))
                    y += 16
            out.append("</g>")
            y += 8
        y += 10
    out.append("</g>")
    return out, y


def svg(chart: Chart, *, legend: bool = True, standalone: bool = True) -> str:
    """The chart as an SVG picture: its numbered legend below it (``legend``), and
    each event's words as a tooltip (<title>) on its row."""
    lanes_top = TOP + AXIS_HEIGHT
    body: list[str] = []
    y: float = lanes_top
    top_axis = TOP + AXIS_HEIGHT - 12
    body += _breaks(chart, top_axis - 6, top_axis + 6)
    for n, lane in enumerate(chart.lanes):
        body += draw_lane(lane, n, y, hover=True)
        # the breaks run down through the lane's bands and rows, not its heading
        body += _breaks(chart, y + HEAD - 4, y + lane_height(lane) - 14)
        y += lane_height(lane)
    lanes_bottom = y
    body += _breaks(chart, lanes_bottom + 2, lanes_bottom + 14)
    body += _axis(chart, lanes_bottom + 8, lanes_top, lanes_bottom, labels_above=False)
    height: float = lanes_bottom + 52
    if legend:
        more, height = _legend(chart, height)
        body += more
    head = [
        svg_text(LABEL_X, 28, chart.title, "title"),
        svg_text(
            LABEL_X,
            48,
            "New Style dates; Old Style dates at their New Style place. "
            "• moves the case, ◆ background; a bar is a range, a fading bar an open end.",
            "sub",
        ),
    ]
    grid = [
        f'<line x1="{num(t.x)}" x2="{num(t.x)}" y1="{lanes_top}" y2="{num(lanes_bottom)}" '
        'stroke="#e5e7eb"/>'
        for seg in chart.axis.segments
        for t in seg.ticks
    ]
    xmlns = ' xmlns="http://www.w3.org/2000/svg"'
    parts = [
        f'<svg{xmlns} width="{WIDTH}" height="{num(height)}" viewBox="0 0 {WIDTH} {num(height)}" '
        'role="img">',
        f"<title>{xml(chart.title)}</title>",
        f"<style>{_STYLE}</style>",
        "<defs>",
        *defs(chart),
        "</defs>",
        f'<rect width="{WIDTH}" height="{num(height)}" fill="#ffffff"/>',
        *head,
        *_axis(chart, TOP + AXIS_HEIGHT - 12, lanes_top, lanes_bottom, labels_above=True),
        *grid,
        *body,
        "</svg>",
    ]
    text = "\n".join(parts) + "\n"
    if standalone:
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + text
    return text


def _html_legend(chart: Chart) -> list[str]:
    out = ["<h2>Events</h2>"]
    for n, (lane, marks, again) in enumerate(entries(chart)):
        out.append(f"<h3>{xml(lane.title)}</h3>")
        out.append(f'<p class="sub">{xml(lane.label)}</p>')
        if lane.description:
            out.append(f'<p class="note">{xml(lane.description)}</p>')
        if again:
            out.append(f'<p class="note">{xml(again)}</p>')
        out.append("<ol>")
        for m, told in marks:
            out.append(
                f'<li value="{m.number}" id="lane{n}-{m.number}"><b>{xml(entry_head(m))}</b>'
            )
            for label, text in told_lines(m, told):
                if label in ("quote", "summary", "who"):
                    out.append(f'<div class="{label}">{xml(text)}</div>')
                else:
                    out.append(f'<div class="note"><i>{xml(label)}:</i> {xml(text)}</div>')
            out.append("</li>")
        out.append("</ol>")
    return out


def html_page(chart: Chart) -> str:
    """The chart in an HTML page: the picture, each row telling the event's words
    when hovered (its <title>, and a highlight by CSS; no script), then the
    legend as text that wraps to the window."""
    css = (
        f"body {{ font-family: {FONT}; color: {INK['text']}; background: #fff; margin: 2em; }}"
        f" .sub, .note, .who {{ color: {INK['muted']}; }} .quote {{ color: {INK['quote']}; }}"
        " .note, .quote, .summary, .who { margin: 0.2em 0 0 1em; max-width: 60em; }"
        " li { margin-bottom: 0.8em; }"
        " g.mark:hover rect.row { fill: #dbeafe; } g.mark { cursor: help; }"
        " svg { max-width: 100%; height: auto; }"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            '<head><meta charset="UTF-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{xml(chart.title)}</title>",
            f"<style>{css}</style></head>",
            "<body>",
            svg(chart, legend=False, standalone=False),
            *_html_legend(chart),
            "</body>",
            "</html>",
            "",
        ]
    )


def write_chart(chart: Chart, path: str | Path, *, protect: Iterable[str | Path] = ()) -> Path:
    """Write the chart to ``path``: an ``.svg`` picture or an ``.html`` page, as
    :func:`casework.views.export.export` writes (whole or not at all, never over
    one of ``protect``). Raises UnknownFormat for another suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnknownFormat(path, suffix)
    text = svg(chart) if suffix == ".svg" else html_page(chart)
    return write_text(path, text, protect=protect)
