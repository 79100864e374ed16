"""Diagrams: the procedure as a Mermaid state diagram, a case's path marked on it.

The text is drawn by transitions' own mermaid engine (its ``GraphMachine``
with ``graph_engine="mermaid"``, which needs no Graphviz), from the same
Machine the replay runs on. A history (a case's replay, or a what-if's) marks
the states it passed through, the state it ended in, and the event numbers of
the timeline on the transitions it took.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

from transitions.extensions.diagrams import GraphMachine, TransitionGraphSupport
from transitions.extensions.diagrams_mermaid import DigraphMock

from casework.model.procedure import PENDING, Procedure
from casework.model.replay import History
from casework.views.theme import HIDDEN

__all__ = ["FORMATS", "diagram"]

#: The output formats of :func:`diagram`: Mermaid text, or Markdown (a fenced
#: ``mermaid`` block, which code-hosting sites draw).
FORMATS = ("mermaid", "markdown")

_PLAIN = "fill:#ffffff,color:#1f2937,stroke:#6b7280"
_PATH = "fill:#dbeafe,color:#1e3a8a,stroke:#1d4ed8,stroke-width:2px"
# The state a history ends in, coloured by what that means for the member.
_END = {
    "good": "fill:#dcfce7,color:#14532d,stroke:#15803d,stroke-width:4px,font-weight:bold",
    "bad": "fill:#fee2e2,color:#7f1d1d,stroke:#b91c1c,stroke-width:4px,font-weight:bold",
    PENDING: "fill:#fef3c7,color:#78350f,stroke:#b45309,stroke-width:4px,font-weight:bold",
}
_BAD = ("expelled", "expulsion_upheld")


class _DiagramMachine(GraphMachine):
    """transitions' GraphMachine with casework's node styles.

    Mermaid reads ``fill``, ``color`` (the text), ``stroke``; transitions passes
    these through as ``classDef`` lines. Only the styles used here are defined:
    ``default``, ``previous`` (the path) and ``active`` (where the history ends).
    """

    style_attributes: dict[str, Any] = {  # noqa: RUF012 (transitions reads it as a class attribute)
        "node": {"default": {}, "previous": {}, "active": {}},
        "edge": {"default": {}, "previous": {}},
        "graph": {"default": {}},
    }

    def relabel(self, labels: dict[tuple[str, str], str]) -> None:
        """Give the transitions of (trigger, source) a label; the diagram is redrawn."""
        for (trigger, source), label in labels.items():
            for transition in self.events[trigger].transitions[source]:
                assert isinstance(transition, TransitionGraphSupport)
                transition.label = label
        self._needs_update = True  # transitions rebuilds its markup, and so the diagram


def _styles(end_outcome: str | None) -> dict[str, Any]:
    node: dict[str, dict[str, str]] = {"default": _css(_PLAIN)}
    if end_outcome is not None:
        node["previous"] = _css(_PATH)
        tone = PENDING if end_outcome == PENDING else "bad" if end_outcome in _BAD else "good"
        node["active"] = _css(_END[tone])
    return {"node": node, "edge": {"default": {}}, "graph": {"default": {}}}


def _css(text: str) -> dict[str, str]:
    return dict(item.split(":", 1) for item in text.split(","))


class _Cursor:
    """The model the diagram machine writes its state onto."""

    state = ""


def _labels(procedure: Procedure, history: History | None) -> dict[tuple[str, str], str]:
    """Edge labels: ``requires`` rules spelled out, and the path's event numbers."""
    labels: dict[tuple[str, str], str] = {}
    for t in procedure.transitions:
        if t.requires:
            rule = ", ".join(f"{n} × {k}" for k, n in t.requires)
            for source in t.source:
                labels[(t.trigger, source)] = f"{t.trigger} (requires {rule})"
    if history is not None:
        seqs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for step in history.steps:
            if step.event.moves_state:
                seqs[(step.event.kind, step.before)].append(step.event.seq)
        for key, numbers in seqs.items():
            word = "event" if len(numbers) == 1 else "events"
            base = labels.get(key, key[0])
            labels[key] = f"{base} ({word} {', '.join(map(str, numbers))})"
    return labels


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


def diagram(
    subject: Procedure | History, *, format: str = "mermaid", title: str | None = None
) -> str:
    """The procedure as a Mermaid ``stateDiagram-v2``, ending with a newline.

    Given a :class:`History` (a case's replay or a what-if's), the diagram is
    of that history's procedure, with the states it passed through and the one
    it ended in marked, and each transition it took labelled with the
    timeline's event numbers. ``format="markdown"`` wraps the text in a fenced
    ``mermaid`` block. ``title`` replaces the default title (the case's title
    and outcome, or the procedure's title).

    >>> from casework import load_casebook
    >>> text = diagram(load_casebook().replay("alliluyeva"))
    >>> [line.strip() for line in text.splitlines() if "(event" in line]
    ['member --> expelled: expel (event 4)', 'expelled --> intercession: intercede (event 5)', \
'intercession --> verification_requested: request_verification (event 6)', \
'verification_requested --> reinstated: reinstate (event 7)']
    """
    if format not in FORMATS:
        raise ValueError(f"format {format!r} is not known; expected one of: {', '.join(FORMATS)}")
    if not isinstance(subject, Procedure | History):
        raise TypeError(f"diagram() draws a Procedure or a History, not {type(subject).__name__}")
    history = subject if isinstance(subject, History) else None
    procedure = history.procedure if history is not None else subject
    assert isinstance(procedure, Procedure)
    # names are Mermaid ids, which cannot be escaped: a procedure file cannot hold
    # one Mermaid would misread (see casework.model.names); one built in Python is
    # refused here with the same reason
    procedure.check_names()
    cursor = _Cursor()
    machine = procedure.machine(
        cursor,
        cls=_DiagramMachine,
        graph_engine="mermaid",
        # transitions writes the title between '---' lines: Mermaid's front matter,
        # YAML, of which a JSON string is a valid value.
        title="title: " + _string(title or _title(subject)),
    )
    assert isinstance(machine, _DiagramMachine)
    machine.style_attributes = _styles(history.outcome if history is not None else None)
    labels = _labels(procedure, history)
    # every transition's label, its trigger's name when nothing more is said
    every = {(t.trigger, s): t.trigger for t in procedure.transitions for s in t.source}
    machine.relabel({key: _text(labels.get(key, name)) for key, name in every.items()})
    graph = machine.model_graphs[id(cursor)]
    graph.reset_styling()  # transitions marks the initial state as current: not wanted here
    if history is not None:
        for state in history.states:
            graph.set_node_style(state, "previous")
        graph.set_node_style(history.state, "active")
    drawn = graph.get_graph()
    assert isinstance(drawn, DigraphMock)  # the mermaid engine's graph: its text is .source
    lines = [line.rstrip() for line in drawn.source.splitlines()]
    # transitions' flat mermaid graph leaves final states unmarked: Mermaid's [*].
    lines += [f"  {s.name} --> [*]" for s in procedure.states if s.final]
    if history is not None:
        lines.append("  %% path: " + " → ".join(history.states))
    text = "\n".join(lines) + "\n"
    return f"```mermaid\n{text}```\n" if format == "markdown" else text
