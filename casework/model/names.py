"""The names a procedure gives its states, triggers and outcomes, and which it may not.

A name in a procedure is an id: case files, what-ifs and ``requires`` rules
compare it with other names, character for character, and the state machine
turns it into an attribute of its model. So a name is a plain ASCII identifier
(``verification_requested``): a Cyrillic ``е`` or a decomposed ``é`` would make
two names that print alike but never match. A trigger may not be a name the
``transitions.Machine`` already puts on its model (``state``, ``trigger``,
``may_<trigger>``, ``is_<state>``, ...) nor a Python special name such as
``__class__``: the Machine would crash on it, or silently keep the model's own
attribute, so that the event never moves the state. A state may not be a word
that opens a statement in a Mermaid state diagram (``note``, ``class``, ...), as
``casework diagram`` writes state names as Mermaid ids.

Every check answers with a :class:`Broken`-like pair, (what is wrong, what was
expected), for readers to place at a line.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "MERMAID_WORDS",
    "RESERVED_OUTCOMES",
    "RESERVED_PREFIXES",
    "RESERVED_TRIGGERS",
    "name_problem",
    "shown",
]

_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: Triggers that are taken, and why. ``transitions`` writes ``state`` (the
#: model attribute), ``trigger`` and ``may_trigger`` onto every model, and its
#: GraphMachine ``get_graph``; casework's cursor keeps ``counts`` of earlier
#: events for ``requires`` rules; ``background`` is casework's event kind for
#: context that moves nothing. (tests/test_procedure.py checks this list
#: against what a Machine really puts on a model.)
RESERVED_TRIGGERS: dict[str, str] = {
    "background": "",
    "state": "the state machine keeps a case's state under that name",
    "counts": "casework keeps the counts of earlier events under that name",
    "trigger": "the state machine gives its model a method of that name",
    "may_trigger": "the state machine gives its model a method of that name",
    "get_graph": "the diagram's state machine gives its model a method of that name",
}

#: Prefixes of the methods the Machine writes for each trigger and state:
#: ``may_<trigger>``, ``to_<state>`` (auto transitions) and ``is_<state>``.
RESERVED_PREFIXES: dict[str, str] = {
    "may_": "",
    "to_": "",
    "is_": "the state machine names its test for each state is_<state>",
}

#: Outcomes that are taken: casework gives ``illegal`` to a history that an
#: edit, a rule or an archive row has made illegal.
RESERVED_OUTCOMES: dict[str, str] = {
    "illegal": "casework gives that outcome to a history made illegal",
}

#: Words that open a statement in a Mermaid state diagram (its lexer ignores
#: case): a state so named breaks ``casework diagram``.
MERMAID_WORDS = frozenset(
    {
        "accdescr",
        "acctitle",
        "class",
        "classdef",
        "click",
        "default",
        "href",
        "note",
        "scale",
        "state",
        "statediagram",
        "style",
    }
)


def shown(name: object) -> str:
    """``name`` as a message quotes it: ``repr``, with any character beyond ASCII
    written as its escape, so that a lookalike does not pass for the real name."""
    return ascii(name) if isinstance(name, str) else repr(name)


def _not_ascii(name: str) -> str:
    char = next(c for c in name if not c.isascii())
    label = unicodedata.name(char, "a character")
    return f"U+{ord(char):04X} {label} is not ASCII"


#: How a message names each kind of name.
_PHRASE = {
    "state": "state name",
    "trigger": "trigger",
    "outcome": "outcome",
    "kind": "required kind",
}


def name_problem(name: str, role: str, *, diagram: bool = True) -> tuple[str, str] | None:
    r"""What is wrong with ``name`` as a ``role`` ("state", "trigger", "outcome", or
    "kind": one that a ``requires`` rule counts), and what was expected; None
    when it is a good name. Only strings are judged here. Without ``diagram``, a
    state's name is judged only as the state machine needs it, not as a
    Mermaid id.

    >>> print(name_problem("reinstat\u0435d", "state")[0])
    state name 'reinstat\u0435d' is not valid: U+0435 CYRILLIC SMALL LETTER IE is not ASCII
    >>> print(name_problem("is_open", "trigger")[1])
    expected another name
    >>> name_problem("intercede", "trigger") is None
    True
    """
    phrase = _PHRASE[role]
    if not name.isascii():
        return (
            f"{phrase} {shown(name)} is not valid: {_not_ascii(name)}",
            "expected ASCII letters, digits and _",
        )
    if not _ASCII_NAME.fullmatch(name):
        return (f"{phrase} {name!r} is not valid", "expected ASCII letters, digits and _")
    reason: str | None = None
    if name.startswith("__") and name.endswith("__"):
        reason = "Python gives every object its own __special__ names"
    elif role == "trigger":
        reason = RESERVED_TRIGGERS.get(name)
        if reason is None:
            prefix = next((p for p in RESERVED_PREFIXES if name.startswith(p)), None)
            reason = None if prefix is None else RESERVED_PREFIXES[prefix]
    elif role == "outcome":
        reason = RESERVED_OUTCOMES.get(name)
    elif role == "state" and diagram and name.lower() in MERMAID_WORDS:
        reason = "it opens a statement in a Mermaid state diagram"
    if reason is None:
        return None
    return (
        f"{phrase} {name!r} is reserved" + (f": {reason}" if reason else ""),
        "expected another name",
    )
