"""Diagrams: a case's path through its procedure, or the whole procedure, as Mermaid.

By default a history's diagram (a case's replay, or a what-if's) is its path:
the states it passed through and the transitions it took, highlighted and
labelled with the timeline's event numbers, and around it only the other
outcomes the path could have reached, faded (each from the last state of the
path that leads to it). A what-if's diagram draws its base's path beside its
own and marks the state where the two part. ``full=True`` (``--full``), or a
procedure alone, draws every state and transition, left to right: parallel
transitions share one edge, the events that leave a state as it is are
written in the state, and the states that share most of their ways out are
boxed together, those ways drawn once from the box.

The diagram is a Mermaid ``flowchart``, written here from the procedure's own
states and transitions (the data the replay's Machine is built from): unlike a
Mermaid state diagram, or transitions' own mermaid engine, which writes one,
a flowchart can colour an edge (``linkStyle``) and lays its labels out
without overlaps. Every label is written so that nothing in it acts
(:func:`_text`); state names are ids behind an ``s_`` prefix.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable

from casework.model.procedure import PENDING, Procedure, TransitionDef
from casework.model.replay import History
from casework.views.chart_layout import tone
from casework.views.theme import HIDDEN

__all__ = ["FORMATS", "diagram"]

#: The output formats of :func:`diagram`: Mermaid text, or Markdown (a fenced
#: ``mermaid`` block, which code-hosting sites draw).
FORMATS = ("mermaid", "markdown")

#: The states' classes: every colour pair reads at 4.5:1 or better.
_CLASSES = {
    "plain": "fill:#ffffff,color:#1f2937,stroke:#6b7280",
    "path": "fill:#dbeafe,color:#1e3a8a,stroke:#1d4ed8,stroke-width:2px",
    "parts": "fill:#dbeafe,color:#1e3a8a,stroke:#b45309,stroke-width:4px",
    "base": "fill:#ffffff,color:#374151,stroke:#6b7280,stroke-width:2px,stroke-dasharray:6 3",
    "faded": "fill:#f9fafb,color:#4b5563,stroke:#9ca3af,stroke-dasharray:4 3",
    "start": "fill:#111827,stroke:#111827",
    # the state a history ends in, coloured by what that means for the member
    "good": "fill:#dcfce7,color:#14532d,stroke:#15803d,stroke-width:4px,font-weight:bold",
    "bad": "fill:#fee2e2,color:#7f1d1d,stroke:#b91c1c,stroke-width:4px,font-weight:bold",
    "pending": "fill:#fef3c7,color:#78350f,stroke:#b45309,stroke-width:4px,font-weight:bold",
    "neutral": "fill:#f3f4f6,color:#111827,stroke:#111827,stroke-width:4px,font-weight:bold",
}
#: The edges' styles (``linkStyle``); ``color`` is the label's.
_EDGES = {
    "path": "stroke:#1d4ed8,stroke-width:3px,color:#1e3a8a",
    "base": "stroke:#6b7280,stroke-width:2px,stroke-dasharray:6 3,color:#374151",
    "faded": "stroke:#9ca3af,stroke-dasharray:3 3,color:#4b5563",
    "illegal": "stroke:#b91c1c,stroke-width:2px,stroke-dasharray:2 3,color:#7f1d1d",
    "join": "stroke:#6b7280,stroke-width:1px",
}
#: The state classes from the weakest: a state in two gets the stronger.
_RANK = ("plain", "faded", "base", "path", "parts", "pending", "neutral", "good", "bad")
_STAGE = "stage"
_STAGE_TITLE = "any of the states joined here"
_PARTS = "the what-if parts from its base here"


def _string(text: str) -> str:
    """A JSON string (so a YAML one) in which nothing acts on a terminal or breaks
    the line: such characters are written as their escapes."""
    return HIDDEN.sub(lambda m: json.dumps(m[0])[1:-1], json.dumps(text, ensure_ascii=False))


#: What a label may hold as it is: Mermaid takes these as text anywhere in one.
_LABEL_SAFE = re.compile(r"[A-Za-z0-9 _(),.|×\[\]-]")
# Mermaid's lexer reads any line holding "direction" and then TB, BT, RL or LR as
# a direction statement, whatever comes before it.
_DIRECTION = re.compile(r"(direction)\s+(?=tb|bt|rl|lr)", re.IGNORECASE)


def _text(label: str) -> str:
    """A label as Mermaid shows it, written so that nothing in it acts: every other
    character (a line break, ``%``, ``#``, ``;``, ``:``, quotes, ...) as its
    entity code (``#59;``), which Mermaid decodes only to show it.

    >>> _text('go"; click a href "javascript:x"')
    'go#34;#59; click a href #34;javascript#58;x#34;'
    >>> _text("a %%{init}%%")
    'a #37;#37;#123;init#125;#37;#37;'
    """
    text = "".join(c if _LABEL_SAFE.match(c) else f"#{ord(c)};" for c in label)
    return _DIRECTION.sub(r"\1#32;", text)


def _title(subject: Procedure | History) -> str:
    if isinstance(subject, History):
        case = subject.case
        where = (
            f"stopped after event {subject.stopped_after}, {subject.state}"
            if subject.is_partial
            else subject.outcome
        )
        return f"{case.title} ({case.id}): {where}"
    return subject.title


def _id(state: str) -> str:
    return f"s_{state}"


def _rule(t: TransitionDef) -> str:
    """A transition's words: its trigger, and any rule it must meet."""
    if not t.requires:
        return t.trigger
    return f"{t.trigger} (requires {', '.join(f'{n} × {k}' for k, n in t.requires)})"


def _numbers(seqs: list[int], whose: str = "") -> str:
    """'event 4', 'events 5, 8', or 'base: event 4'."""
    return whose + (f"event {seqs[0]}" if len(seqs) == 1 else f"events {', '.join(map(str, seqs))}")


def _taken(history: History) -> dict[tuple[str, str], dict[str, list[int]]]:
    """The transitions a history took: (before, after) → kind → event numbers."""
    taken: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for step in history.steps:
        if step.event.moves_state:
            taken[(step.before, step.after)][step.event.kind].append(step.event.seq)
    return taken


class _Drawing:
    """The nodes and edges of one diagram, in the order they are written."""

    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self.nodes: dict[str, str] = {}  # state -> class
        self.notes: dict[str, list[str]] = defaultdict(list)
        self.edges: list[tuple[str, str, str, str]] = []  # source id, dest id, label, style
        self.stage: tuple[str, ...] = ()

    def node(self, state: str, cls: str) -> None:
        """Draw ``state`` in class ``cls``, unless it is drawn in a stronger one."""
        if _RANK.index(cls) > _RANK.index(self.nodes.get(state, "plain")):
            self.nodes[state] = cls
        self.nodes.setdefault(state, cls)

    def edge(self, source: str, dest: str, labels: Iterable[str], style: str = "") -> None:
        self.edges.append((source, dest, ", ".join(labels), style))

    def rules(self, trigger: str, source: str) -> str:
        found = [
            t for t in self.procedure.transitions if t.trigger == trigger and source in t.source
        ]
        return _rule(found[0]) if found else trigger

    # -- a history's path --------------------------------------------------

    def paths(self, history: History, base: History | None) -> None:
        """The states a history passed through and the transitions it took, each
        labelled with its event numbers; the events that left a state as it was
        are written in it; the illegal event, if any, where it was refused. With
        a ``base``, its path too: dashed where it is not the history's, its
        event numbers beside the history's where both took a transition."""
        ours, theirs = _taken(history), _taken(base) if base is not None else {}
        if base is not None:
            for state in base.states:
                self.node(state, "base")
        for state in history.states:
            self.node(state, "path")
        for pair in [*ours, *(p for p in theirs if p not in ours)]:
            before, after = pair
            mine = pair in ours
            kinds, other = (ours[pair], theirs.get(pair, {})) if mine else (theirs[pair], {})
            labels = []
            for kind, seqs in [*kinds.items(), *((k, []) for k in other if k not in kinds)]:
                numbers = [_numbers(seqs, "" if mine else "base: ")] if seqs else []
                if kind in other and other[kind] != seqs:
                    numbers.append(_numbers(other[kind], "base: "))
                labels.append(f"{self.rules(kind, before)} ({'; '.join(numbers)})")
            if before == after:
                self.notes[before] += [f"↻ {label}" for label in labels]
            else:
                self.edge(_id(before), _id(after), labels, "path" if mine else "base")
        if history.illegal is not None:
            ill = history.illegal
            why = f", {ill.unmet}" if ill.unmet else ""
            self.notes[ill.state].append(f"✗ {ill.kind} (event {ill.seq}): illegal here{why}")

    def outcomes(self, history: History) -> None:
        """The other outcomes the path could have reached, faded, each from the last
        state of the path that leads to it directly."""
        path = list(history.states)
        for s in self.procedure.states:
            if s.name in self.nodes or s.outcome_label == PENDING:
                continue
            ways = [t for t in self.procedure.transitions if t.dest == s.name]
            last = next((p for p in reversed(path) if any(p in t.source for t in ways)), None)
            if last is not None:
                self.node(s.name, "faded")
                triggers = dict.fromkeys(_rule(t) for t in ways if last in t.source)
                self.edge(_id(last), _id(s.name), triggers, "faded")

    # -- the whole procedure -----------------------------------------------

    def everything(self, keep: set[tuple[str, str, str]]) -> None:
        """Every state and transition: parallel transitions as one edge, internal
        ones and re-entries written in their state, the ways out a boxed stage
        shares drawn once from the box. ``keep`` holds the (trigger, source,
        dest) already drawn (a history's path), not drawn again."""
        procedure = self.procedure
        for s in procedure.states:
            self.node(s.name, "plain")
        self.stage = _stage(procedure)
        stage = set(self.stage)
        ends = {s.name: s.outcome_label != PENDING for s in procedure.states}
        sources: dict[tuple[str, str], set[str]] = defaultdict(set)
        for t in procedure.transitions:
            for source in t.source:
                if t.dest is None or t.dest == source:
                    self.notes[source].append(f"↻ {_rule(t)}")
                else:
                    sources[(_rule(t), t.dest)].add(source)
        pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
        for (label, dest), found in sources.items():
            if stage and dest not in stage and stage <= found:
                pairs[(_STAGE, _id(dest))].append(label)
                found = found - stage
            elif stage and dest in stage and stage - {dest} <= found:
                self.notes[dest].append(f"← {label}, from any of these")
                found = found - stage
            for source in sorted(found, key=procedure.state_names.index):
                if (label.split(" ", 1)[0], source, dest) in keep:
                    continue
                if source in stage and dest in stage:  # a move within the stage: in words
                    self.notes[source].append(f"{label} → {dest}")
                elif ends[source] and not ends[dest]:  # an outcome reopened: in words too
                    self.notes[source].append(f"then {label} → {dest}")
                else:
                    pairs[(_id(source), _id(dest))].append(label)
        for member in self.stage:
            self.edge(_id(member), _STAGE, (), "join")
        order = {_id(s): n for n, s in enumerate(procedure.state_names)} | {_STAGE: -1}
        for (source, dest), labels in sorted(
            pairs.items(), key=lambda p: (order[p[0][0]], order[p[0][1]])
        ):
            self.edge(source, dest, labels)

    # -- written out -------------------------------------------------------

    def lines(self) -> list[str]:
        out = ["flowchart LR"]
        used = {"start", *self.nodes.values()}
        out += [f"  classDef {name} {css}" for name, css in _CLASSES.items() if name in used]
        out.append('  start((" "))')
        out += [self._node(state) for state in self.nodes]
        if self.stage:
            out.append(f'  {_STAGE}{{{{"{_text(_STAGE_TITLE)}"}}}}')
        start = "path" if any(c != "plain" for c in self.nodes.values()) else ""
        edges = [("start", _id(self.procedure.initial), "", start), *self.edges]
        for source, dest, label, style in edges:
            arrow = f'-->|"{_text(label)}"|' if label else "-.-" if style == "join" else "-->"
            out.append(f"  {source} {arrow} {dest}")
        by_style: dict[str, list[int]] = defaultdict(list)
        for n, (_s, _d, _l, style) in enumerate(edges):
            by_style[style].append(n)
        for style, css in _EDGES.items():
            if by_style.get(style):
                out.append(f"  linkStyle {','.join(map(str, by_style[style]))} {css}")
        out.append("  class start start")
        by_class: dict[str, list[str]] = defaultdict(list)
        for state, cls in self.nodes.items():
            by_class[cls].append(_id(state))
        out += [f"  class {','.join(ids)} {cls}" for cls, ids in by_class.items()]
        return out

    def _node(self, state: str) -> str:
        label = "<br>".join([_text(state), *(_text(n) for n in dict.fromkeys(self.notes[state]))])
        s = self.procedure.state(state)
        shape = ('(["', '"])') if s.outcome_label != PENDING else ('["', '"]')
        return f"  {_id(state)}{shape[0]}{label}{shape[1]}"


def _stage(procedure: Procedure) -> tuple[str, ...]:
    """The states to box together: the set of at least three that saves the most
    edges, each way out that all of them share being drawn once from the box
    (none when that saves fewer than twice as many edges as it boxes states)."""
    sets: dict[tuple[str, str], frozenset[str]] = defaultdict(frozenset)
    for t in procedure.transitions:
        if t.dest is not None:
            sets[(t.trigger, t.dest)] |= frozenset(t.source) - {t.dest}
    found = {s for s in sets.values() if len(s) >= 3}
    found |= {a & b for a in found for b in found if len(a & b) >= 3}

    def saving(group: frozenset[str]) -> int:
        return sum(len(group) - 1 for (_t, d), s in sets.items() if group <= s and d not in group)

    if not found:
        return ()
    best = max(found, key=lambda g: (saving(g), len(g), sorted(g)))
    if saving(best) < 2 * len(best):
        return ()
    return tuple(name for name in procedure.state_names if name in best)


def _parting(history: History, base: History) -> str:
    """The state in which a what-if's path leaves its base's."""
    ours = [(s.before, s.after, s.event.kind) for s in history.steps if s.moved]
    theirs = [(s.before, s.after, s.event.kind) for s in base.steps if s.moved]
    for a, b in zip(ours, theirs, strict=False):
        if a != b:
            return a[0]
    shorter = ours if len(ours) < len(theirs) else theirs
    return shorter[-1][1] if shorter else history.initial


def diagram(
    subject: Procedure | History,
    *,
    format: str = "mermaid",
    title: str | None = None,
    full: bool = False,
    base: History | None = None,
) -> str:
    """A Mermaid flowchart of a history's path, or of a whole procedure, ending
    with a newline.

    Given a :class:`History`, the diagram is its path (states and transitions
    highlighted, each transition labelled with its event numbers), the state
    it ended in coloured by its outcome, and the other outcomes it could have
    reached, faded. ``base`` is the history a what-if changes: its path is
    drawn too, dashed, and the state where the two part is marked. ``full=True``
    draws the whole procedure around the path; a :class:`Procedure` is drawn
    whole. ``format="markdown"`` wraps the text in a fenced ``mermaid`` block;
    ``title`` replaces the default title (the case's title and outcome, or the
    procedure's title).

    >>> from casework import load_casebook
    >>> text = diagram(load_casebook().replay("alliluyeva"))
    >>> [line.strip() for line in text.splitlines() if "(event" in line]
    ['s_member -->|"expel (event 4)"| s_expelled', \
's_expelled -->|"intercede (event 5)"| s_intercession', \
's_intercession -->|"request_verification (event 6)"| s_verification_requested', \
's_verification_requested -->|"reinstate (event 7)"| s_reinstated']
    """
    if format not in FORMATS:
        raise ValueError(f"format {format!r} is not known; expected one of: {', '.join(FORMATS)}")
    if not isinstance(subject, Procedure | History):
        raise TypeError(f"diagram() draws a Procedure or a History, not {type(subject).__name__}")
    history = subject if isinstance(subject, History) else None
    procedure = history.procedure if history is not None else subject
    assert isinstance(procedure, Procedure)
    # names become Mermaid ids: a procedure file cannot hold one Mermaid would
    # misread (see casework.model.names); one built in Python is refused here
    procedure.check_names()
    drawing = _Drawing(procedure)
    keep: set[tuple[str, str, str]] = set()
    if history is not None:
        drawing.paths(history, base)
        drawing.node(history.state, tone(history.outcome))
        if base is not None:
            drawing.node(_parting(history, base), "parts")
            drawing.notes[_parting(history, base)].append(_PARTS)
        for h in (history, base) if base is not None else (history,):
            keep |= {(s.event.kind, s.before, s.after) for s in h.steps if s.moved}
        if not full:
            drawing.outcomes(history)
    if history is None or full:
        drawing.everything(keep)
    lines = [
        "---",
        # Mermaid's front matter is YAML, of which a JSON string is a valid value
        "title: " + _string(title or _title(subject)),
        "---",
        *drawing.lines(),
    ]
    if history is not None:
        lines.append("  %% path: " + " → ".join(history.states))
    text = "\n".join(lines) + "\n"
    return f"```mermaid\n{text}```\n" if format == "markdown" else text
