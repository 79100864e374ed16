"""Alignments: the fewest events to add or remove for a procedure to accept a
history, checked against replay (each repair makes a legal history) and against
a brute-force search (no repair is shorter, and every minimal one is found)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from casework import BACKGROUND, Casebook, Procedure, StateDef, TransitionDef, replay
from casework.analysis.align import (
    MAX_EVENTS,
    Aligner,
    Alignment,
    Edit,
    Repair,
    align,
    repair_hint,
)
from casework.testing import case_from_kinds

TRIGGERS = ["expel", "appeal", "reinstate", "uphold"]
STATES = ["s0", "s1", "s2", "s3"]
UNKNOWN = "nope"


@st.composite
def procedures(draw: st.DrawFn) -> Procedure:
    """Small random procedures: several sources, internal transitions, repeated
    triggers, and ``requires`` rules."""
    n = draw(st.integers(2, len(STATES)))
    names = STATES[:n]
    states = tuple(StateDef(s, final=draw(st.booleans())) for s in names)
    transitions = []
    for _ in range(draw(st.integers(1, 7))):
        trigger = draw(st.sampled_from(TRIGGERS))
        source = draw(st.lists(st.sampled_from(names), min_size=1, max_size=n, unique=True))
        dest = draw(st.none() | st.sampled_from(names))
        requires = draw(
            st.dictionaries(st.sampled_from(TRIGGERS), st.integers(1, 2), max_size=2) | st.just({})
        )
        transitions.append(
            TransitionDef(trigger, tuple(source), dest, requires=tuple(sorted(requires.items())))
        )
    return Procedure("random", "A random procedure", names[0], states, tuple(transitions))


def legal(procedure: Procedure, kinds: Sequence[str]) -> bool:
    """The procedure read as its definition says, without the Machine or the
    compiled table: the first transition of the kind, from the state, whose
    ``requires`` are met, fires."""
    state, counts = procedure.initial, Counter[str]()
    for kind in kinds:
        if kind == BACKGROUND:
            continue
        for t in procedure.transitions:
            if (
                t.trigger == kind
                and state in t.source
                and all(counts[k] >= n for k, n in t.requires)
            ):
                state = t.dest or state
                counts[kind] += 1
                break
        else:
            return False
    return True


def replays(procedure: Procedure, kinds: Sequence[str]) -> bool:
    """Replay (the Machine) accepts the history."""
    return replay(case_from_kinds(procedure, kinds), procedure, strict=False).illegal is None


def brute_force(
    procedure: Procedure, kinds: tuple[str, ...], most: int
) -> tuple[int, set[tuple[str, ...]]] | None:
    """The fewest single-event insertions or removals that make ``kinds`` legal,
    and every legal history that many edits away; None past ``most`` edits."""
    alphabet = procedure.triggers
    level = {kinds}
    seen = {kinds}
    for cost in range(most + 1):
        found = {h for h in level if legal(procedure, h)}
        if found:
            return cost, found
        nxt = set()
        for h in level:
            for i in range(len(h) + 1):
                if i < len(h):
                    nxt.add(h[:i] + h[i + 1 :])
                for kind in alphabet:
                    nxt.add((*h[:i], kind, *h[i:]))
        level = nxt - seen
        seen |= level
    return None


histories = st.lists(st.sampled_from([*TRIGGERS, BACKGROUND, UNKNOWN]), max_size=8)
short = st.lists(st.sampled_from([*TRIGGERS, UNKNOWN]), max_size=4)


class TestProperties:
    @settings(max_examples=300, deadline=None)
    @given(procedure=procedures(), kinds=histories)
    def test_every_repair_replays_legal(self, procedure: Procedure, kinds: list[str]) -> None:
        """Each listed repair, applied, is a history replay accepts, of the cost
        the alignment says, and is listed once; a legal history costs nothing."""
        found = Aligner(procedure, listed=50).align(kinds)
        assert found.cost is not None
        assert (found.cost == 0) == replays(procedure, kinds)
        assert 1 <= len(found.repairs) == min(found.count, 50)
        assert len({r.edits for r in found.repairs}) == len(found.repairs)  # each one once
        for repair in found.repairs:
            assert repair.cost == found.cost
            assert replays(procedure, repair.kinds)
            assert apply(kinds, repair) == list(repair.kinds)

    @settings(max_examples=200, deadline=None)
    @given(procedure=procedures(), kinds=short)
    def test_no_shorter_repair_and_every_minimal_one(
        self, procedure: Procedure, kinds: list[str]
    ) -> None:
        """Against every history within the cost: none is legal closer, and the
        legal ones at the cost are exactly those the repairs make."""
        found = Aligner(procedure, listed=100_000).align(kinds)
        assert found.cost is not None
        assume(found.cost <= 3)
        brute = brute_force(procedure, tuple(kinds), found.cost)
        assert brute is not None
        cost, made = brute
        assert cost == found.cost
        assert {r.kinds for r in found.repairs} == made
        assert len(found.repairs) == found.count
        assert len({r.edits for r in found.repairs}) == found.count


def apply(kinds: Sequence[str], repair: Repair) -> list[str]:
    """The history a repair makes, from its edits alone: removed events dropped,
    added ones put right after the kept event they follow (at the start for 0)."""
    removed = {e.seq for e in repair.edits if e.action == "extra"}
    added: dict[int, list[str]] = {}
    for e in repair.edits:
        if e.action == "missing":
            added.setdefault(e.after, []).append(e.kind)
    out = list(added.get(0, []))
    for n, kind in enumerate(kinds, start=1):
        if n not in removed:
            out.append(kind)
            out += added.get(n, [])
    return out


@pytest.fixture(name="purge", scope="module")
def fixture_purge(book: Casebook) -> Procedure:
    return book.procedures["purge-1921"]


class TestMessages:
    def test_a_missing_appeal(self, purge: Procedure) -> None:
        found = align(purge, ["expel", "reinstate"], ["e1", "e2"])
        assert (found.cost, found.count, found.more) == (1, 5, 0)
        assert [r.describe() for r in found.repairs] == [
            "probably missing: an event of kind intercede between events 1 and 2; with it the history is legal",
            "probably missing: an event of kind appeal between events 1 and 2; with it the history is legal",
            "probably missing: an event of kind refer between events 1 and 2; with it the history is legal",
            "probably missing: an event of kind request_verification between events 1 and 2; with it the history is legal",
            "event 2 'e2' (reinstate) does not fit here; without it the history is legal",
        ]
        assert found.describe() == (
            "probably missing: an event of kind intercede between events 1 and 2; with it the "
            "history is legal (or 4 other repairs as small)"
        )

    def test_an_event_that_does_not_fit(self, purge: Procedure) -> None:
        """After a final state: either the decision or what follows it is extra."""
        found = align(purge, ["expel", "appeal", "reinstate", "uphold"], ["a", "b", "c", "d"])
        assert (found.cost, found.count) == (1, 2)
        assert [r.describe() for r in found.repairs] == [
            "event 3 'c' (reinstate) does not fit here; without it the history is legal",
            "event 4 'd' (uphold) does not fit here; without it the history is legal",
        ]
        assert found.repairs[1].edits == (Edit("extra", "uphold", seq=4, event="d"),)
        assert found.repairs[1].kinds == ("expel", "appeal", "reinstate")

    def test_added_events_stand_between_kept_events_that_move_the_state(
        self, purge: Procedure
    ) -> None:
        """A background event and a removed one do not split the place of an
        added event: it stands between the kept events that move the state."""
        kinds = ["expel", BACKGROUND, "reinstate", "keep", BACKGROUND, "reinstate"]
        found = align(purge, kinds)
        assert (found.cost, found.count) == (3, 10)
        assert [r.parts() for r in found.repairs[:2]] == [
            [
                "probably missing: an event of kind intercede between events 1 and 6",
                "event 3 (reinstate) does not fit here",
                "event 4 (keep) does not fit here",
            ],
            [
                "probably missing: an event of kind intercede between events 1 and 3",
                "event 4 (keep) does not fit here",
                "event 6 (reinstate) does not fit here",
            ],
        ]
        assert found.repairs[0].describe().endswith("; with these changes the history is legal")
        assert found.repairs[0].kinds == ("expel", "intercede", BACKGROUND, BACKGROUND, "reinstate")

    def test_several_missing_events_in_one_place(self) -> None:
        proc = Procedure(
            "p",
            "",
            "a",
            (StateDef("a"), StateDef("b"), StateDef("c"), StateDef("d")),
            (
                TransitionDef("one", ("a",), "b"),
                TransitionDef("two", ("b",), "c"),
                TransitionDef("three", ("c",), "d"),
            ),
        )
        found = align(proc, ["three"], ["x"])
        assert (found.cost, found.count) == (1, 1)
        assert found.describe() == (
            "event 1 'x' (three) does not fit here; without it the history is legal"
        )
        found = align(proc, ["one", "three", "three"], ["x", "y", "z"])
        assert (found.cost, found.count) == (2, 3)
        assert [r.parts() for r in found.repairs] == [
            [
                "probably missing: an event of kind two between events 1 and 3",
                "event 2 'y' (three) does not fit here",
            ],
            [
                "probably missing: an event of kind two between events 1 and 2",
                "event 3 'z' (three) does not fit here",
            ],
            ["event 2 'y' (three) does not fit here", "event 3 'z' (three) does not fit here"],
        ]
        again = proc.evolve(transitions=(*proc.transitions, TransitionDef("three", ("d",), None)))
        found = align(again, ["three", "three", "three"])
        assert (found.cost, found.count) == (2, 1)
        assert found.describe() == (
            "probably missing: events of kinds one, then two, before event 1; with these "
            "changes the history is legal"
        )
        assert found.repairs[0].kinds == ("one", "two", "three", "three", "three")

    def test_requires_counts_missing_events(self) -> None:
        """A rule that asks for two testimonials: one is there, one is missing."""
        proc = Procedure(
            "p",
            "",
            "member",
            (StateDef("member"), StateDef("reinstated", final=True)),
            (
                TransitionDef("vouch", ("member",), None),
                TransitionDef("reinstate", ("member",), "reinstated", requires=(("vouch", 2),)),
            ),
        )
        found = align(proc, ["vouch", "reinstate"], ["v1", "r"])
        assert found.describe() == (
            "probably missing: an event of kind vouch before event 1; with it the "
            "history is legal (or 2 other repairs as small)"
        )
        assert [r.kinds for r in found.repairs] == [
            ("vouch", "vouch", "reinstate"),
            ("vouch", "vouch", "reinstate"),
            ("vouch",),
        ]
        assert [r.parts() for r in found.repairs] == [
            ["probably missing: an event of kind vouch before event 1"],
            ["probably missing: an event of kind vouch between events 1 and 2"],
            ["event 2 'r' (reinstate) does not fit here"],
        ]
        # The rule's count is capped at 2: more testimonials change nothing.
        assert align(proc, ["vouch"] * 5 + ["reinstate"]).legal

    def test_a_legal_history(self, purge: Procedure) -> None:
        found = align(purge, ["expel", "appeal"])
        assert (found.legal, found.cost, found.count) == (True, 0, 1)
        assert found.describe() == "the history is legal"
        assert found.to_mapping() == {
            "cost": 0,
            "count": 1,
            "more": 0,
            "repairs": [
                {
                    "cost": 0,
                    "edits": [],
                    "kinds": ["expel", "appeal"],
                    "message": "the history is legal",
                }
            ],
            "message": "the history is legal",
        }

    def test_ties_past_the_listed_ones_are_counted(self, purge: Procedure) -> None:
        """Two missing events, each of three kinds (9 repairs); one of them and one
        of the two last events removed (6); event 2 or 3 removed and one added after
        it (3), or with event 4 (2): 16 histories, 20 repairs (which record is
        removed makes a different repair)."""
        found = align(purge, ["expel", "uphold", "uphold", "reinstate"])
        assert (found.cost, len(found.repairs), found.count, found.more) == (2, 5, 20, 15)
        assert found.to_mapping()["more"] == 15
        assert found.describe().endswith(" (or 19 other repairs as small)")
        every = Aligner(purge, listed=100).align(["expel", "uphold", "uphold", "reinstate"])
        assert len(every.repairs) == 20
        assert len({r.kinds for r in every.repairs}) == 16
        assert [r.summary() for r in every.repairs[-2:]] == [
            "extra uphold; extra reinstate",
            "extra uphold; extra reinstate",
        ]
        assert [r.edits[0].seq for r in every.repairs[-2:]] == [2, 3]

    def test_json(self, purge: Procedure) -> None:
        found = align(purge, ["expel", "reinstate", "appeal"], ["e1", "e2", "e3"])
        first = found.to_mapping()["repairs"][0]
        assert first == {
            "cost": 1,
            "edits": [{"action": "extra", "kind": "reinstate", "seq": 2, "event": "e2"}],
            "kinds": ["expel", "appeal"],
            "message": "event 2 'e2' (reinstate) does not fit here; without it the history is legal",
        }

    def test_a_history_too_long_is_not_aligned(self, purge: Procedure) -> None:
        found = align(purge, ["expel"] + ["appeal"] * MAX_EVENTS)
        assert found == Alignment(found.kinds, None, (), 0)
        assert found.describe() == "not aligned: 1,001 events, more than 1,000"

    def test_a_hint_for_an_illegal_case_file(self, purge: Procedure) -> None:
        case = case_from_kinds(purge, ["expel", "appeal", "reinstate", "uphold"], case_id="c")
        assert repair_hint(case, purge) == (
            "hint: event 3 'c-3' (reinstate) does not fit here; without it the history is "
            "legal (or 1 other repair as small)"
        )

    def test_an_aligner_remembers_each_history(self, purge: Procedure) -> None:
        aligner = Aligner(purge)
        first = aligner.align(["expel", "reinstate"])
        assert aligner.align(("expel", "reinstate")) is first
        named = aligner.align(["expel", "reinstate"], ["a", "b"])
        assert named.repairs[-1].edits == (Edit("extra", "reinstate", seq=2, event="b"),)
