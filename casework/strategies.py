"""Hypothesis strategies for property tests of case histories.

Needs Hypothesis (the ``test`` extra: ``pip install 'casework[test]'``); the
rest of casework never imports this module.

- :func:`legal_kinds` / :func:`legal_cases`: sequences of event kinds, and
  cases made of them, that the procedure accepts from its initial state.
- :func:`illegal_cases`: a legal prefix, then one event (id ``"illegal"``)
  that the procedure does not allow where the prefix leaves the case.

Cases are made by :func:`casework.testing.case_from_kinds`: bare events, no
dates, no sources. They shrink towards fewer events and towards transitions
earlier in the procedure file.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import strategies as st

from casework.model.case import Case
from casework.model.events import BACKGROUND
from casework.model.procedure import Procedure
from casework.testing import case_from_kinds

__all__ = ["illegal_cases", "legal_cases", "legal_kinds"]


def _legal(draw: Any, procedure: Procedure, max_events: int, background: bool) -> list[str]:
    runner = procedure.runner()
    size = draw(st.integers(min_value=0, max_value=max_events))
    kinds: list[str] = []
    while len(kinds) < size:
        if background and draw(st.booleans()):
            kinds.append(BACKGROUND)
            continue
        allowed = runner.allowed()
        if not allowed:  # a final state: nothing may follow
            break
        kind = draw(st.sampled_from(allowed))
        runner.try_fire(kind)
        kinds.append(kind)
    return kinds


def legal_kinds(
    procedure: Procedure, *, max_events: int = 12, background: bool = False
) -> st.SearchStrategy[list[str]]:
    """Lists of at most ``max_events`` event kinds the procedure accepts in order,
    each drawn from what is allowed where the previous ones leave the case
    (``requires`` rules included); with ``background``, background events too."""

    @st.composite
    def kinds(draw: Any) -> list[str]:
        return _legal(draw, procedure, max_events, background)

    return kinds()


def legal_cases(
    procedure: Procedure, *, max_events: int = 12, background: bool = False
) -> st.SearchStrategy[Case]:
    """Cases whose events the procedure accepts: replaying them never raises."""
    return legal_kinds(procedure, max_events=max_events, background=background).map(
        lambda kinds: case_from_kinds(procedure, kinds)
    )


def illegal_cases(procedure: Procedure, *, max_events: int = 12) -> st.SearchStrategy[Case]:
    """Cases of a legal prefix (at most ``max_events - 1`` events) and then one
    event, id ``"illegal"``, that the procedure does not allow there: because
    of the state, or because a ``requires`` rule is not met. Replaying one
    raises IllegalTransition at that event."""

    @st.composite
    def cases(draw: Any) -> Case:
        kinds = _legal(draw, procedure, max(max_events - 1, 0), False)
        runner = procedure.runner()
        for kind in kinds:
            runner.try_fire(kind)
        allowed = set(runner.allowed())
        refused = [k for k in procedure.triggers if k not in allowed]
        if not refused:  # every kind is allowed here: no event can be illegal
            reject: Case = draw(st.nothing())
            return reject
        kind = draw(st.sampled_from(refused))
        case = case_from_kinds(procedure, [*kinds, kind])
        last = attrs.evolve(case.events[-1], id="illegal")
        return attrs.evolve(case, events=(*case.events[:-1], last))

    return cases()
