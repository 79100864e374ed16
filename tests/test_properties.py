"""Properties: whatever a case file holds, loading and replay either work or raise
casework's own errors; replay is deterministic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import (
    Casebook,
    CaseFileError,
    Event,
    HistDate,
    IllegalTransition,
    load_casebook,
    replay,
)
from casework.load.cases import Context, read_case

BOOK = load_casebook()
PROCEDURE = BOOK.procedures["purge-1921"]
KINDS = [*PROCEDURE.triggers, "background"]
CTX = Context(BOOK.procedures, BOOK.people, BOOK.documents)
QUOTE = "I have learned about the expulsion from the Party of Nadezhda Sergeyevna Alliluyeva."

scalars = st.one_of(
    st.text(max_size=12),
    st.integers(-3, 3),
    st.booleans(),
    st.sampled_from(
        [
            "lenin",
            "expel",
            "1921-12-20",
            "../1921-12-20",
            "julian",
            QUOTE,
            "lenin-1921-12-20",
            "inferred",
        ]
    ),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3))
keys = st.sampled_from(
    [
        "id",
        "kind",
        "date",
        "calendar",
        "actors",
        "recipients",
        "summary",
        "source",
        "quote",
        "basis",
        "reasoning",
        "note",
        "locator",
        "date_basis",
        "bogus",
    ]
)
rows = st.dictionaries(keys, values, max_size=10)


def toml_value(value: object) -> str:
    """TOML for the few value types generated (JSON strings are valid TOML strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)


def case_text(head: dict[str, object], events: list[dict[str, object]]) -> str:
    lines = ["[case]", *(f"{k} = {toml_value(v)}" for k, v in head.items())]
    for row in events:
        lines += ["", "[[events]]", *(f"{k} = {toml_value(v)}" for k, v in row.items())]
    return "\n".join(lines) + "\n"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=st.lists(rows, max_size=4), title=values)
def test_random_case_files_never_crash_the_loader(
    tmp_path: Path, events: list[dict[str, object]], title: object
) -> None:
    """A case file of random keys and values loads, or raises CaseFileError."""
    path = tmp_path / "random.toml"
    path.write_text(case_text({"id": "r", "title": title, "person": "alliluyeva"}, events), "utf-8")
    try:
        case = read_case(path, CTX)
    except CaseFileError as err:
        assert err.problems and all(p.path.endswith("random.toml") for p in err.problems)
        return
    try:
        replay(case, PROCEDURE)
    except IllegalTransition:
        pass


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_random_bytes_never_crash_the_loader(tmp_path: Path, data: bytes) -> None:
    """Arbitrary bytes as a case file raise CaseFileError (or, rarely, load)."""
    path = tmp_path / "bytes.toml"
    path.write_bytes(data)
    try:
        case = read_case(path, CTX)
    except CaseFileError as err:
        assert err.problems
        assert all(p.path.endswith("bytes.toml") for p in err.problems)
        assert all(str(p).count("\n") == 0 for p in err.problems)  # one line each
        return
    assert case.events  # it loaded: a case with events (rare for random bytes)


def event(i: int, kind: str) -> Event:
    return Event(id=f"e{i}", case="p", seq=i + 1, kind=kind, date=HistDate.unknown(), summary="")


histories = st.lists(st.sampled_from(KINDS), max_size=12)


@settings(max_examples=200, deadline=None)
@given(kinds=histories)
def test_random_histories_replay_or_raise_illegal_transition(kinds: list[str]) -> None:
    """Any sequence of kinds replays, or stops with IllegalTransition naming the allowed kinds."""
    case = attrs.evolve(
        BOOK.case("alliluyeva"), events=tuple(event(i, k) for i, k in enumerate(kinds))
    )
    try:
        history = replay(case, PROCEDURE)
    except IllegalTransition as err:
        assert err.event.kind not in err.allowed
        assert err.state in PROCEDURE.state_names
        return
    assert history.outcome in PROCEDURE.outcomes
    assert history.states[0] == "member"


@pytest.mark.parametrize("seed", ["1", "2"])
def test_replay_is_deterministic_across_processes(seed: str, tmp_path: Path) -> None:
    """A fresh interpreter with another hash seed replays every case to the same JSON,
    so nothing depends on set or dict ordering of one run."""
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "casework", "replay", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    here = [BOOK.replay(case_id).to_mapping() for case_id in sorted(BOOK.cases)]
    assert json.loads(done.stdout) == here


def test_bundled_replays_are_deterministic(book: Casebook) -> None:
    """Loading the files again gives equal histories (records compare by value)."""
    again = load_casebook()
    for case_id in book.cases:
        assert book.replay(case_id) == again.replay(case_id)


@settings(max_examples=40, deadline=None)
@given(base=st.sampled_from(sorted(BOOK.cases) + sorted(BOOK.whatifs)))
def test_a_whatif_with_no_edits_equals_its_base(base: str) -> None:
    """A what-if with no edits and no rules, on any case or what-if, replays exactly as
    its base: the same steps, states and outcome, nothing differing, no parting point
    (an illegal base stays illegal at the same event)."""
    from casework import WhatIf

    comparison = BOOK.compare(WhatIf("same", base=base))
    assert comparison.counterfactual.steps == comparison.history.steps
    assert comparison.counterfactual.states == comparison.history.states
    assert comparison.counterfactual.illegal == comparison.history.illegal
    assert comparison.outcomes[0] == comparison.outcomes[1]
    assert comparison.parted_after is None
    assert comparison.differing == ()
