"""Assertions about case histories, for tests.

``assert_outcome``, ``assert_path``, ``assert_reached_before``, ``assert_never``
and ``assert_eventually`` check a replayed :class:`~casework.History`. When one
fails, the explanation names the case, says where the expectation and the
history part, and shows the case's timeline one line per event (the event
where they part marked ``>``).

Under pytest (casework's plugin is active once casework is installed) the
failure goes through pytest's own assertion reporting: the plugin registers
this module for assertion rewriting and explains its comparisons. Anywhere
else the helpers raise a plain ``AssertionError`` with the same explanation.

``history_from_kinds`` replays a bare sequence of event kinds, and
``path_cases`` turns the procedure's enumerated paths into arguments for
``pytest.mark.parametrize``; neither needs pytest to be installed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from casework.analysis import paths
from casework.errors import UnknownName
from casework.model.case import Case
from casework.model.dates import HistDate
from casework.model.events import BACKGROUND, Event
from casework.model.procedure import Procedure
from casework.model.replay import History, Step, replay

__all__ = [
    "Expectation",
    "assert_eventually",
    "assert_never",
    "assert_outcome",
    "assert_path",
    "assert_reached_before",
    "case_from_kinds",
    "explain_histories",
    "history_from_kinds",
    "path_cases",
    "timeline_lines",
]

WIDTH = 80


# -- the compact timeline ------------------------------------------------------


def _change(step: Step) -> str:
    if step.moved:
        return f"{step.before} → {step.after}"
    return f"{step.after} (unchanged)"


def timeline_lines(history: History, mark: int | None = None) -> list[str]:
    """The case's timeline, one plain line per event: number, kind, state change;
    a run of background events (which move no state) is one line. The line
    holding event number ``mark`` is marked ``>``.

    >>> from casework import load_casebook
    >>> for line in timeline_lines(load_casebook().replay("alliluyeva"), mark=7):
    ...     print(line)
    timeline of alliluyeva (Nadezhda Sergeyevna Alliluyeva):
        1-3  background            family-known, father-services, july-days-shelter
          4  expel                 member → expelled
          5  intercede             expelled → intercession
          6  request_verification  intercession → verification_requested
      >   7  reinstate             verification_requested → reinstated
    path: member → expelled → intercession → verification_requested → reinstated
    """
    case = history.case
    rows: list[tuple[str, str, str, bool]] = []  # numbers, kind, what, marked
    run: list[Step] = []

    def flush() -> None:
        if run:
            first, last = run[0].event.seq, run[-1].event.seq
            numbers = str(first) if first == last else f"{first}-{last}"
            ids = ", ".join(s.event.id for s in run)
            rows.append((numbers, BACKGROUND, ids, mark is not None and first <= mark <= last))
            run.clear()

    for step in history.steps:
        if not step.event.moves_state:
            run.append(step)
            continue
        flush()
        rows.append((str(step.event.seq), step.event.kind, _change(step), step.event.seq == mark))
    flush()
    wide = max((len(r[0]) for r in rows), default=0)
    kinds = max((len(r[1]) for r in rows), default=0)
    out = [f"timeline of {case.id} ({case.title}):"]
    for numbers, kind, what, marked in rows:
        line = f"  {'>' if marked else ' '} {numbers:>{max(wide, 3)}}  {kind:<{kinds}}  {what}"
        out.append(_clip(line))
    if not rows:
        out.append("    (no events)")
    out += _wrap("path: ", " → ".join(history.states))
    return out


def _clip(line: str) -> str:
    """A line cut to the width, '…' showing the cut."""
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"


def _wrap(label: str, text: str) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=label,
        subsequent_indent="      ",
        break_on_hyphens=False,
        break_long_words=False,
    )


# -- expectations ----------------------------------------------------------------


@attrs.frozen(eq=False)
class Expectation:
    """What a test expects of a history, whether it holds, and why not.

    The helpers compare an Expectation with ``==`` inside an ``assert`` so that
    pytest can ask casework to explain it (``pytest_assertrepr_compare``).
    ``claim`` reads as the assertion; ``reasons`` say where expectation and
    history part; ``mark`` is the event number to mark on the timeline.
    """

    history: History
    claim: str
    holds: bool
    reasons: tuple[str, ...] = ()
    mark: int | None = None

    def explain(self) -> list[str]:
        """The explanation: the claim, the reasons, the case's timeline."""
        return [self.claim, *self.reasons, *timeline_lines(self.history, self.mark)]

    def __eq__(self, other: object) -> bool:
        return self.holds

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<Expectation {self.claim}>"


def _verify(expectation: Expectation) -> None:
    """Pass, or fail with the expectation's explanation."""
    __tracebackhide__ = True
    if expectation.holds:
        return
    if "@pytest_ar" in globals():
        # This module was rewritten by pytest: its assertion reporting asks
        # the plugin's pytest_assertrepr_compare to explain the comparison.
        assert expectation == True  # noqa: E712 (pytest_assertrepr_compare explains this ==)
    raise AssertionError("\n".join(expectation.explain()))


def _name_kind(history: History, name: str) -> str:
    """'state' or 'kind' (event kind); UnknownName for anything else."""
    proc = history.procedure
    if name in proc.state_names:
        return "state"
    if name in proc.triggers or name == BACKGROUND:
        return "kind"
    raise UnknownName("state or event kind", name, [*proc.state_names, *proc.triggers], proc.id)


def _first(history: History, name: str) -> int | None:
    """Where ``name`` (a state or an event kind) first occurs: 0 for the
    initial state, else the number of the event; None if never."""
    if _name_kind(history, name) == "state":
        if history.initial == name:
            return 0
        return next((s.event.seq for s in history.steps if s.after == name), None)
    return next((s.event.seq for s in history.steps if s.event.kind == name), None)


def _step(history: History, seq: int) -> Step:
    return next(s for s in history.steps if s.event.seq == seq)


def _describe(step: Step) -> str:
    """ "event 7 'reinstated' (reinstate)"."""
    return f"event {step.event.seq} {step.event.id!r} ({step.event.kind})"


def _goal(proc: Procedure, name: str) -> tuple[str, ...]:
    """The states from which ``name`` (state or kind) is, or can happen, at once."""
    if name in proc.state_names:
        return (name,)
    return tuple(dict.fromkeys(s for t in proc.transitions if t.trigger == name for s in t.source))


def _lost(
    history: History, goal: Sequence[str], never: str, still: str
) -> tuple[list[str], int | None]:
    """Why the history did not get to ``goal`` and the event to mark: the
    event after which it no longer could, or where it stopped short.
    ``never`` and ``still`` finish the sentences ("it can no longer end ...")."""
    proc = history.procedure
    for step in history.steps:
        if (
            step.moved
            and paths.route(proc, step.after, goal) is None
            and paths.route(proc, step.before, goal)
        ):
            return [
                f"they part at {_describe(step)}:",
                f"from {step.after!r} on, {never}",
            ], step.event.seq
    last = history.steps[-1] if history.steps else None
    stop = f"after event {last.event.seq}" if last else "with no events"
    way = paths.route(proc, history.state, goal)
    if way is None:
        why = [f"the history stops at {history.state!r} {stop};", f"from there {never}"]
    elif len(way) == 1:
        why = [f"the history stops at {history.state!r} {stop}; {still} there"]
    else:
        why = [
            f"the history stops at {history.state!r} {stop}; {still}:",
            *_wrap("  ", " → ".join(way)),
        ]
    return why, last.event.seq if last else None


def assert_outcome(history: History, outcome: str) -> None:
    """Assert that the history ends in ``outcome`` (an outcome of its procedure,
    ``pending`` included).

    >>> from casework import load_casebook
    >>> assert_outcome(load_casebook().replay("alliluyeva"), "reinstated")
    """
    __tracebackhide__ = True
    proc = history.procedure
    if outcome not in proc.outcomes:
        raise UnknownName("outcome", outcome, list(proc.outcomes), proc.id)
    got = history.outcome
    reasons: list[str] = []
    mark = None
    if got != outcome:
        lost, mark = _lost(
            history,
            paths.targets(proc, outcome),
            f"it can no longer end {outcome!r}",
            f"it could still end {outcome!r}",
        )
        reasons += lost
    _verify(
        Expectation(
            history, f"outcome {got!r} == {outcome!r}", got == outcome, tuple(reasons), mark
        )
    )


def assert_path(history: History, states: Sequence[str]) -> None:
    """Assert the exact sequence of states the history passes through (as
    ``history.states`` gives it: from the initial state, no repeats in a row).
    """
    __tracebackhide__ = True
    if isinstance(states, str):
        raise TypeError("states must be a sequence of state names, not one string")
    expected = tuple(states)
    for name in expected:
        if name not in history.procedure.state_names:
            raise UnknownName(
                "state", name, list(history.procedure.state_names), history.procedure.id
            )
    got = history.states
    entered = [None, *(s for s in history.steps if s.after != s.before)]
    reasons: list[str] = []
    mark = None
    if got != expected:
        i = next(
            (n for n, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
            min(len(got), len(expected)),
        )
        reasons += _wrap("expected: ", " → ".join(expected)) + _wrap("history:  ", " → ".join(got))
        if i == 0:
            reasons.append(
                "they part at the start: the history begins at "
                f"{got[0]!r}, expected {expected[0]!r}"
            )
        elif i < len(got) and i < len(expected):
            step = entered[i]
            assert step is not None
            mark = step.event.seq
            reasons.append(f"they part after {got[i - 1]!r}: expected {expected[i]!r} next, but")
            reasons.append(f"{_describe(step)} moves it to {got[i]!r}")
        elif i == len(got):
            last = history.steps[-1] if history.steps else None
            mark = last.event.seq if last else None
            stop = f"after event {last.event.seq}" if last else "with no events"
            reasons.append(
                f"the history stops at {got[-1]!r} {stop}; expected {expected[i]!r} next"
            )
        else:
            step = entered[i]
            assert step is not None
            mark = step.event.seq
            reasons.append(f"the history goes on past {expected[-1]!r}:")
            reasons.append(f"{_describe(step)} moves it to {got[i]!r}")
    _verify(
        Expectation(
            history,
            f"path of {history.case.id!r} == the expected path",
            got == expected,
            tuple(reasons),
            mark,
        )
    )


def assert_reached_before(history: History, first: str, then: str) -> None:
    """Assert that ``first`` happens before ``then``: both are reached, ``first``
    earlier. Each is a state (reached) or an event kind (happens).
    """
    __tracebackhide__ = True
    a, b = _first(history, first), _first(history, then)
    holds = a is not None and b is not None and a < b
    reasons: list[str] = []
    mark = None
    if not holds:

        def at(n: int | None) -> str:
            return "at the start" if n == 0 else f"at event {n}"

        if a is None and b is None:
            reasons.append(f"neither {first!r} nor {then!r} is reached")
            mark = history.steps[-1].event.seq if history.steps else None
        elif a is None:
            reasons.append(f"{then!r} is reached {at(b)}, and {first!r} never is")
            mark = b or None
        elif b is None:
            reasons.append(f"{first!r} is reached {at(a)}, but {then!r} never is")
            mark = history.steps[-1].event.seq if history.steps else None
        else:
            order = "as" if a == b else "before"
            reasons.append(f"they part {at(b)}: {then!r} is reached {order} {first!r} ({at(a)})")
            mark = b or None
    claim = f"{first!r} before {then!r} in {history.case.id!r}"
    _verify(Expectation(history, claim, holds, tuple(reasons), mark))


def assert_never(history: History, name: str) -> None:
    """Assert that the history never reaches state ``name`` (or has no event of kind ``name``)."""
    __tracebackhide__ = True
    n = _first(history, name)
    reasons: list[str] = []
    if n == 0:
        reasons.append(f"the history starts in {name!r}")
    elif n is not None and name in history.procedure.state_names:
        reasons.append(f"{name!r} is reached at {_describe(_step(history, n))}")
    elif n is not None:
        reasons.append(f"it happens at {_describe(_step(history, n))}")
    _verify(
        Expectation(
            history, f"{name!r} never in {history.case.id!r}", n is None, tuple(reasons), n or None
        )
    )


def assert_eventually(history: History, name: str) -> None:
    """Assert that the history reaches state ``name`` (or has an event of kind ``name``)."""
    __tracebackhide__ = True
    n = _first(history, name)
    reasons: list[str] = []
    mark = None
    if n is None:
        if name in history.procedure.state_names:
            reasons.append(f"case {history.case.id!r} never reaches state {name!r}")
            verb = "be reached"
        else:
            reasons.append(f"case {history.case.id!r} has no event {name!r}")
            verb = "happen"
        lost, mark = _lost(
            history,
            _goal(history.procedure, name),
            f"{name!r} can no longer {verb}",
            f"{name!r} could still {verb}",
        )
        reasons += lost
    _verify(
        Expectation(
            history,
            f"{name!r} eventually in {history.case.id!r}",
            n is not None,
            tuple(reasons),
            mark,
        )
    )


def explain_histories(left: History, right: History) -> list[str]:
    """Why two histories differ: where their steps part, and both timelines."""
    out = [f"history of {left.case.id!r} == history of {right.case.id!r}"]
    pairs = list(zip(left.steps, right.steps, strict=False))
    i = next((n for n, (a, b) in enumerate(pairs) if a != b), len(pairs))
    if i < len(pairs):
        a, b = pairs[i]
        out.append(f"they part at step {i + 1}:")
        for side, step in (("left: ", a), ("right:", b)):
            change = f": {_change(step)}" if step.event.moves_state else ""
            out.append(f"  {side} {_describe(step)}{change}")
    elif len(left.steps) != len(right.steps):
        longer, side = (left, "left") if len(left.steps) > len(right.steps) else (right, "right")
        out.append(f"the {side} history goes on at {_describe(longer.steps[i])}")
    else:
        fields = [
            f.name for f in attrs.fields(History) if getattr(left, f.name) != getattr(right, f.name)
        ]
        out.append(f"the steps are the same; they differ in: {', '.join(fields)}")
    return [
        *out,
        "left " + (lines := timeline_lines(left))[0],
        *lines[1:],
        "right " + (more := timeline_lines(right))[0],
        *more[1:],
    ]


# -- generated histories ---------------------------------------------------------


def case_from_kinds(
    procedure: Procedure, kinds: Iterable[str], *, case_id: str = "generated"
) -> Case:
    """A case of bare events, one per kind, in order (no dates, no sources):
    what path enumeration and property tests replay."""
    events = tuple(
        Event(
            id=f"{case_id}-{n}",
            case=case_id,
            seq=n,
            kind=kind,
            date=HistDate.unknown(),
            summary=f"{kind} (generated)",
            basis="hypothetical",
            reasoning="generated for a test",
        )
        for n, kind in enumerate(kinds, start=1)
    )
    return Case(
        id=case_id,
        title=f"Generated case {case_id}",
        person="",
        procedure=procedure.id,
        events=events,
    )


def history_from_kinds(
    procedure: Procedure, kinds: Iterable[str], *, case_id: str = "generated"
) -> History:
    """Replay bare event kinds through ``procedure`` (IllegalTransition if it refuses one).

    >>> from casework import load_casebook
    >>> purge = load_casebook().procedures["purge-1921"]
    >>> history_from_kinds(purge, ["expel", "appeal", "uphold"]).outcome
    'expulsion_upheld'
    """
    return replay(case_from_kinds(procedure, kinds, case_id=case_id), procedure)


def path_cases(
    procedure: Procedure, to: str | None = None, *, argname: str = "path"
) -> dict[str, Any]:
    """Keyword arguments for ``pytest.mark.parametrize``: one test per simple
    path of the procedure (to ``to``: an outcome or a state; every outcome when
    None), each a :class:`casework.analysis.paths.StatePath` whose id is its event
    kinds.

    >>> from casework import load_casebook
    >>> cases = path_cases(load_casebook().procedures["discipline"], "expulsion_upheld")
    >>> cases["argnames"], len(cases["argvalues"]), cases["ids"][0]
    ('path', 22, 'expel-uphold')
    """
    found = paths.simple_paths(procedure, to)
    return {"argnames": argname, "argvalues": list(found), "ids": [p.id for p in found]}
