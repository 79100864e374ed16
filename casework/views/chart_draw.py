"""The timeline chart's lanes drawn in SVG: the palette, text as SVG text, and
each lane's bands and rows, one per event (see :mod:`casework.views.chart`).
"""

from __future__ import annotations

import datetime
import html
import re

from casework.model.events import Event
from casework.views.chart_axis import AXIS_X0, AXIS_X1, text_width
from casework.views.chart_layout import Band, Chart, Lane, Mark

__all__ = ["BAND", "INK", "TEXT_ON", "WIDTH"]

WIDTH = 1360
#: Text colours: ink, muted (numbers, notes, axis), quotes (the terminal's
#: green), a what-if's hypotheses (amber) and what is illegal (red).
INK = {
    "text": "#111827",
    "muted": "#4b5563",
    "quote": "#15602f",
    "hypothetical": "#92400e",
    "illegal": "#b91c1c",
}
#: The fill of a state's band, by its tone; a bad one is hatched as well, so
#: that grayscale tells it apart.
BAND = {"good": "#22c55e", "pending": "#fcd34d", "bad": "#fca5a5", "neutral": "#f9fafb"}
#: What each text colour is drawn on: the page, a shaded row, a band.
TEXT_ON = {
    "text": ("#ffffff", "#f3f4f6", *BAND.values()),
    "muted": ("#ffffff", "#f3f4f6"),
    "quote": ("#ffffff",),
    "hypothetical": ("#ffffff", "#f3f4f6"),
    "illegal": ("#ffffff", "#f3f4f6"),
}
_MOVES, _BACKGROUND = "#1d4ed8", "#6b7280"
FONT = "'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif"

# Heights (px): the title block, the axis, a lane's header, band and rows.
TOP, AXIS_HEIGHT, HEAD, _BAND, _ROW, _PARTS = 76, 34, 46, 22, 34, 22
LABEL_X = 20.0
_PARTS_WORDS = "the what-if parts from its base here"


def wrap(text: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        trial = f"{line} {word}" if line else word
        if line and text_width(trial, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line]


def _fit(text: str, width: float, size: float) -> str:
    """``text``, cut with an ellipsis to fit ``width``."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml(text: str) -> str:
    """Text or an attribute value as XML: escaped, and any character XML cannot
    hold written as its code."""
    return html.escape(_NOT_XML.sub(lambda m: f"\\u{ord(m[0]):04x}", text), quote=True)


def num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg_text(x: float, y: float, text: str, cls: str, anchor: str = "") -> str:
    end = f' text-anchor="{anchor}"' if anchor else ""
    return f'<text x="{num(x)}" y="{num(y)}" class="{cls}"{end}>{xml(text)}</text>'


def iso(day: int | None) -> str:
    return datetime.date.fromordinal(day).isoformat() if day is not None else ""


def defs(chart: Chart) -> list[str]:
    out = [
        '<pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fca5a5"/>'
        '<line x1="0" y1="0" x2="0" y2="8" stroke="#7f1d1d" stroke-width="2" '
        'stroke-opacity="0.45"/></pattern>'
    ]
    for n, lane in enumerate(chart.lanes):
        for i, band in enumerate(lane.bands):
            if band.solid > band.x0:
                out.append(_gradient(f"band-{n}-{i}", band.x0, band.solid, _fill(band), 0, 1))
        for m in lane.marks:
            if m.shape in ("before", "after"):
                a, b = (0, 1) if m.shape == "before" else (1, 0)
                out.append(_gradient(f"fade-{n}-{m.row}", m.x0, m.x1, _color(m), a, b))
    return out


def _gradient(gid: str, x0: float, x1: float, color: str, a: float, b: float) -> str:
    return (
        f'<linearGradient id="{gid}" gradientUnits="userSpaceOnUse" x1="{num(x0)}" '
        f'x2="{num(x1)}" y1="0" y2="0"><stop offset="0" stop-color="{color}" '
        f'stop-opacity="{a}"/><stop offset="1" stop-color="{color}" stop-opacity="{b}"/>'
        "</linearGradient>"
    )


def _fill(band: Band) -> str:
    return BAND[band.tone]


def _color(m: Mark) -> str:
    if m.verdict == "illegal":
        return INK["illegal"]
    if m.status == "removed" or m.verdict == "not_reached":
        return "#9ca3af"
    if m.hypothetical:
        return "#b45309"
    return _BACKGROUND if m.background else _MOVES


def lane_height(lane: Lane) -> float:
    return (
        HEAD + _BAND + 8 + _ROW * len(lane.marks) + 18 + (_PARTS if lane.parts is not None else 0)
    )


def _row_y(lane: Lane, row: int, top: float) -> float:
    """Where a row starts: rows from where a what-if parts from its base are
    lower, under the line that says so."""
    return top + row * _ROW + (_PARTS if lane.parts is not None and row >= lane.parts else 0)


def _bands(lane: Lane, n: int, y: float) -> list[str]:
    out = ['<g class="bands">']
    for i, band in enumerate(lane.bands):
        attrs = f'class="band tone-{band.tone}" data-state="{xml(band.state)}"'
        fill = "url(#hatch)" if band.tone == "bad" else _fill(band)
        out.append(f"<g {attrs}>")
        if band.solid > band.x0:
            out.append(
                f'<rect x="{num(band.x0)}" y="{num(y)}" width="{num(band.solid - band.x0)}" '
                f'height="{_BAND}" fill="url(#band-{n}-{i})"/>'
            )
        if band.x1 > band.solid:
            out.append(
                f'<rect x="{num(band.solid)}" y="{num(y)}" width="{num(band.x1 - band.solid)}" '
                f'height="{_BAND}" fill="{fill}"/>'
            )
        out.append("</g>")
    out += _band_labels(lane, y)
    out.append(
        f'<rect x="{num(AXIS_X0)}" y="{num(y)}" width="{num(AXIS_X1 - AXIS_X0)}" '
        f'height="{_BAND}" fill="none" stroke="#9ca3af"/></g>'
    )
    return out


def _band_labels(lane: Lane, y: float) -> list[str]:
    """Each state's name in its band where it fits: after where the band is solid,
    else before it, over the fade in; never over the name before it."""
    out = []
    right = AXIS_X0 - 8.0  # where the last name ends
    for i, band in enumerate(lane.bands):
        width = text_width(band.state, 11.5)
        end = lane.bands[i + 1].x0 if i + 1 < len(lane.bands) else band.x1
        if band.solid + 4 >= right + 8 and band.solid + 8 + width <= max(end, band.solid):
            x = band.solid + 4
        elif band.solid - 4 - width >= max(band.x0, right + 8):
            x = band.solid - 4 - width
        else:
            continue
        out.append(svg_text(x, y + 15, band.state, "band-label"))
        right = x + width
    return out


def _hover(m: Mark) -> str:
    lines = [f"{m.number}. {entry_head(m)}"]
    lines += [f"{label}: {text}" if label != "quote" else text for label, text in m.notes]
    return "\n".join(lines)


def _row2(m: Mark) -> tuple[str, str]:
    """The second line of a row, and its class."""
    if m.verdict == "illegal":
        return f"{m.event.kind}: illegal here, {m.why}", "illegal"
    if m.status == "removed":
        return f"{m.event.kind}: removed in this what-if", "muted"
    if m.verdict == "not_reached":
        return f"{m.event.kind}: not reached (the history stopped before it)", "muted"
    words = [m.event.kind if m.event.moves_state else "background"]
    if m.change:
        words.append(m.change)
    return " · ".join(words), "hypothetical" if m.hypothetical else "muted"


def _row1(m: Mark) -> str:
    """The date, whether a what-if made it up, and what the what-if did."""
    words = [m.date_text]
    if m.event.basis == "hypothetical":
        words.append("hypothetical event")
    elif m.event.date_hypothetical:
        words.append("hypothetical date")
    if m.status not in ("same", "removed"):
        words.append(m.status)
    return " · ".join(words)


def _shape(m: Mark, n: int, cy: float) -> list[str]:
    color = _color(m)
    hollow = m.hypothetical or m.status == "removed" or m.verdict == "not_reached"
    dash = ' stroke-dasharray="4 2"' if m.approximate or m.uncertain or hollow else ""
    out: list[str] = []
    if m.shape == "point":
        fill = "#ffffff" if hollow else color
        if m.background:
            s = 6.5
            out.append(
                f'<rect class="shape" x="{num(m.x0 - s / 2)}" y="{num(cy - s / 2)}" width="{s}" '
                f'height="{s}" transform="rotate(45 {num(m.x0)} {num(cy)})" fill="{fill}" '
                f'stroke="{color}" stroke-width="1.5"{dash}/>'
            )
        else:
            out.append(
                f'<circle class="shape" cx="{num(m.x0)}" cy="{num(cy)}" r="5.5" fill="{fill}" '
                f'stroke="{color}" stroke-width="1.5"{dash}/>'
            )
        if m.approximate:
            out.append(
                f'<circle cx="{num(m.x0)}" cy="{num(cy)}" r="9.5" fill="none" stroke="{color}" '
                'stroke-dasharray="3 2"/>'
            )
    elif m.shape == "undated":
        out.append(
            f'<line class="shape" x1="{num(AXIS_X0)}" x2="{num(AXIS_X1)}" y1="{num(cy)}" '
            f'y2="{num(cy)}" stroke="{color}" stroke-dasharray="2 6"/>'
        )
    else:
        h = 10 if m.event.moves_state else 7
        fill = f"url(#fade-{n}-{m.row})" if m.shape in ("before", "after") else color
        if hollow and m.shape == "range":
            fill = "#ffffff"
        width = max(m.x1 - m.x0, 1.5)
        out.append(
            f'<rect class="shape" x="{num(m.x0)}" y="{num(cy - h / 2)}" width="{num(width)}" '
            f'height="{h}" fill="{fill}"'
            + (f' stroke="{color}"{dash}' if dash and m.shape == "range" else "")
            + "/>"
        )
        if m.shape != "range":  # the known bound: a bracket, ] for "before", [ for "after"
            x = m.x1 if m.shape == "before" else m.x0
            arm = -4 if m.shape == "before" else 4
            out.append(
                f'<path class="bound" d="M{num(x + arm)},{num(cy - 8)} H{num(x)} V{num(cy + 8)} '
                f'H{num(x + arm)}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
    if m.verdict == "illegal":
        x = m.x1 if m.shape == "before" else m.x0
        out.append(
            f'<path class="illegal-cross" d="M{num(x - 6)},{num(cy - 6)} l12,12 '
            f'M{num(x - 6)},{num(cy + 6)} l12,-12" stroke="{INK["illegal"]}" stroke-width="2.5"/>'
        )
    if m.refers is not None:
        a, b = m.refers
        x = m.x1 if m.shape != "after" else m.x0
        out.append(
            f'<path class="refers" d="M{num(x)},{num(cy)} L{num(a)},{num(cy)}" '
            f'stroke="{color}" stroke-dasharray="1 3"/>'
            f'<rect x="{num(a - 3)}" y="{num(cy - 3)}" width="{num(max(b - a, 0) + 6)}" height="6" '
            f'fill="#ffffff" stroke="{color}"/>'
        )
    return out


def draw_lane(lane: Lane, n: int, y: float, hover: bool) -> list[str]:
    h = lane_height(lane)
    out = [
        f'<g class="lane" data-id="{xml(lane.id)}" data-outcome="{xml(lane.outcome)}" '
        f'data-tone="{lane.tone}" data-y="{num(y)}">',
        f'<line x1="{LABEL_X}" x2="{WIDTH - 20}" y1="{num(y)}" y2="{num(y)}" stroke="#9ca3af"/>'
        if n
        else "",
        svg_text(LABEL_X, y + 20, lane.title, "lane-title"),
        svg_text(LABEL_X, y + 38, lane.label, "sub"),
    ]
    out += _bands(lane, n, y + HEAD)
    top = y + HEAD + _BAND + 8
    for m in lane.marks:
        ry = _row_y(lane, m.row, top)
        cy = ry + _ROW / 2
        classes = ["mark", m.shape]
        for flag in ("approximate", "uncertain", "old_style", "background", "hypothetical"):
            if getattr(m, flag):
                classes.append(flag.replace("_", "-"))
        if m.status != "same":
            classes.append(m.status.split(":")[0])
        if m.verdict != "ok":
            classes.append(m.verdict.replace("_", "-"))
        out.append(
            f'<g class="{" ".join(classes)}" data-seq="{m.number}" data-event="{xml(m.event.id)}" '
            f'data-lower="{iso(m.lower)}" data-upper="{iso(m.upper)}" '
            f'data-x0="{num(m.x0)}" data-x1="{num(m.x1)}">'
        )
        if hover:
            out.append(f"<title>{xml(_hover(m))}</title>")
        shade = "#f3f4f6" if m.row % 2 == 0 else "#ffffff"
        out.append(
            f'<rect class="row" x="{LABEL_X - 6}" y="{num(ry)}" width="{WIDTH - 2 * LABEL_X + 12}" '
            f'height="{_ROW}" fill="{shade}"/>'
        )
        room = AXIS_X0 - LABEL_X - 24
        number = f"{m.number}"
        out.append(
            f'<text x="{LABEL_X}" y="{num(ry + 14)}" class="row1">'
            f'<tspan class="num">{xml(number)}</tspan>  '
            f"{xml(_fit(_row1(m), room - text_width(number + '  ', 13), 13))}</text>"
        )
        words, tint = _row2(m)
        cls = "row2" + ("" if tint == "muted" else f" {tint}-note")
        out.append(svg_text(LABEL_X + 22, ry + 28, _fit(words, room - 22, 12), cls))
        out += _shape(m, n, cy)
        out.append("</g>")
    if lane.parts is not None:
        py = top + lane.parts * _ROW
        out.append(
            f'<g class="parts" data-row="{lane.parts}"><line x1="{LABEL_X - 6}" '
            f'x2="{WIDTH - 14}" y1="{num(py + _PARTS / 2)}" y2="{num(py + _PARTS / 2)}" '
            f'stroke="{INK["hypothetical"]}" stroke-width="1.5" stroke-dasharray="6 3"/>'
            f'<rect x="{LABEL_X - 6}" y="{num(py + 2)}" height="{_PARTS - 4}" '
            f'width="{num(text_width(_PARTS_WORDS, 12) + 12)}" fill="#ffffff"/>'
            + svg_text(LABEL_X, py + 15, _PARTS_WORDS, "row2 hypothetical-note")
            + "</g>"
        )
    out.append("</g>")
    assert _row_y(lane, len(lane.marks), top) + 18 == y + h
    return out


def entries(chart: Chart) -> list[tuple[Lane, list[tuple[Mark, str]], str]]:
    """Each lane with the marks its legend tells, each with the title of the
    lane that told its words already ("" when none has), and a line for the
    events an earlier lane has told as they are (a what-if keeps most of its
    base's events)."""
    told: dict[Event, str] = {}
    out = []
    for lane in chart.lanes:
        fresh: list[tuple[Mark, str]] = []
        again: dict[str, list[int]] = {}
        for m in lane.marks:
            if m.event in told and m.status == "same" and m.verdict == "ok":
                again.setdefault(told[m.event], []).append(m.number)
            else:
                fresh.append((m, told.get(m.event, "")))
                told.setdefault(m.event, lane.title)
        words = [
            f"{'Events' if len(ns) > 1 else 'Event'} {_numbers(ns)}: as in “{title}” above."
            for title, ns in again.items()
        ]
        out.append((lane, fresh, " ".join(words)))
    return out


def _numbers(numbers: list[int]) -> str:
    """1–4, 6 and 9."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


def told_lines(m: Mark, told: str) -> tuple[tuple[str, str], ...]:
    """An entry's lines: its notes, or where they were told."""
    return m.notes if not told else (("words", f"as in “{told}” above"),)


def entry_head(m: Mark) -> str:
    """An event's first line in the legend and its tooltip: date, change, what-if status."""
    words = [_row1(m)]
    words.append(_row2(m)[0])
    return " — ".join(words)
