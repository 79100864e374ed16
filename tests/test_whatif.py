"""What-if scenarios: the bundled ones, each kind of edit, rule changes, errors, output."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework import (
    Casebook,
    CaseFileError,
    Rule,
    WhatIf,
    hypothetical,
    load_casebook,
)
from casework.views.whatif import WhatIfView

from .conftest import render

EXPECTED = Path(__file__).parent / "expected"

UPHOLD = hypothetical(
    "upheld",
    "uphold",
    summary="The Commission confirms the expulsion.",
    reasoning="It might have kept its decision.",
    recipients=["alliluyeva"],
)


def write(scenarios: Path, name: str, text: str) -> Path:
    """A what-if file in the scratch scenarios folder."""
    path = scenarios / "whatif" / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


HEAD = """\
[whatif]
id = "{id}"
base = "{base}"
title = "A test"
"""


class TestBundled:
    @pytest.mark.parametrize(
        ("whatif_id", "outcomes", "parted_after"),
        [
            ("no-intercession-alliluyeva", ("reinstated", "pending"), 4),
            ("no-intercession-kasparova", ("reinstated", "pending"), 7),
            ("no-intercession-upheld-kasparova", ("pending", "expulsion_upheld"), 7),
            ("upheld-after-verification-alliluyeva", ("reinstated", "expulsion_upheld"), 6),
            ("upheld-after-verification-kasparova", ("reinstated", "expulsion_upheld"), 10),
            ("late-intercession-kasparova", ("reinstated", "reinstated"), 7),
            ("no-letter-kasparova", ("reinstated", "reinstated"), 6),
            ("verification-first-alliluyeva", ("reinstated", "reinstated"), None),
            ("verification-first-kasparova", ("reinstated", "reinstated"), None),
            ("second-testimonial-alliluyeva", ("reinstated", "illegal"), 6),
            ("second-testimonial-kasparova", ("reinstated", "illegal"), 10),
        ],
    )
    def test_outcome(
        self, book: Casebook, whatif_id: str, outcomes: tuple[str, str], parted_after: int | None
    ) -> None:
        """Each bundled what-if ends as the question's answer says, parting where expected."""
        comparison = book.compare(whatif_id)
        assert (comparison.outcomes, comparison.parted_after) == (outcomes, parted_after)

    def test_every_bundled_whatif_is_tested_and_described(self, book: Casebook) -> None:
        """Eleven what-ifs, each with a title and a description."""
        assert len(book.whatifs) == 11
        assert all(w.title and w.description for w in book.whatifs.values())

    def test_the_paths(self, book: Casebook) -> None:
        """A late intercession reopens an upheld expulsion; without one the case stops."""
        late = book.compare("late-intercession-kasparova")
        assert late.counterfactual.states == (
            "member",
            "expelled",
            "appealed",
            "expulsion_upheld",
            "intercession",
            "verification_requested",
            "reinstated",
        )
        alone = book.compare("no-intercession-alliluyeva")
        assert alone.counterfactual.states == ("member", "expelled")

    def test_second_testimonial_is_an_illegal_historical_reinstatement(
        self, book: Casebook
    ) -> None:
        """The finding names the event, the state, the unmet rule and what was allowed."""
        comparison = book.compare("second-testimonial-alliluyeva")
        assert comparison.finding == (
            "under this what-if the historical event 7 is illegal: event 'reinstated' "
            "(reinstate) cannot follow state 'verification_requested' (requires 2 × "
            "intercede (found 1) before it); allowed here: intercede, request_information, "
            "schedule_hearing, reinstate_as_candidate, uphold, confirm_finally, annul"
        )
        assert comparison.counterfactual.state == "verification_requested"

    def test_chained_whatif_is_compared_with_its_base_whatif(self, book: Casebook) -> None:
        """A what-if on a what-if compares against the base what-if's history."""
        comparison = book.compare("no-intercession-upheld-kasparova")
        assert [e.id for e in comparison.history.case.events][-2:] == [
            "expelled",
            "writes-to-lenin",
        ]
        assert [r.status for r in comparison.differing] == ["inserted"]
        text = render(WhatIfView(comparison))
        assert "Base (no-intercession-kasparova)        What if\n    — not in the base " in text
        assert "\nOutcome in base: pending\n  Path: member → expelled → appealed\n" in text

    def test_hypothetical_events_are_marked_in_json(self, book: Casebook) -> None:
        """Inserted events carry basis hypothetical, their reasoning and no quote."""
        data = book.compare("upheld-after-verification-kasparova").to_mapping()
        last = data["whatif_history"]["events"][-1]
        assert {k: last[k] for k in ("id", "basis", "quote", "from", "to")} == {
            "id": "expulsion-confirmed",
            "basis": "hypothetical",
            "quote": None,
            "from": "verification_requested",
            "to": "expulsion_upheld",
        }
        assert last["reasoning"].startswith("Lenin vouches for her brother, not for her")


class TestEdits:
    def test_fork_keeps_the_history_up_to_the_event_then_continues(self, book: Casebook) -> None:
        """Events after the fork point are dropped; new ones are numbered after it."""
        case, _ = WhatIf("f", base="alliluyeva").fork("lenin-intercedes", UPHOLD).build(book)
        assert [(e.seq, e.id, e.basis) for e in case.events[-3:]] == [
            (4, "expelled", "stated"),
            (5, "lenin-intercedes", "stated"),
            (6, "upheld", "hypothetical"),
        ]
        assert case.events[-1].case == "alliluyeva"

    def test_remove(self, book: Casebook) -> None:
        """A removed event is gone and the rest renumbered."""
        case, _ = (
            WhatIf("r", base="alliluyeva").remove("family-known", "father-services").build(book)
        )
        assert [e.id for e in case.events][:2] == ["july-days-shelter", "expelled"]
        assert case.events[0].seq == 1

    @pytest.mark.parametrize(("where", "position"), [("before", 4), ("after", 5)])
    def test_insert_before_or_after(self, book: Casebook, where: str, position: int) -> None:
        """Inserted events go just before or just after the event named."""
        whatif = WhatIf("i", base="alliluyeva").insert(UPHOLD, **{where: "lenin-intercedes"})
        case, _ = whatif.build(book)
        assert case.events[position].id == "upheld"

    def test_replace(self, book: Casebook) -> None:
        """The replacement takes the place (and number) of the event it replaces."""
        comparison = book.compare(WhatIf("p", base="alliluyeva").replace("reinstated", UPHOLD))
        row = comparison.differing[0]
        assert (row.status, row.left.event.id, row.right.event.id, row.right.event.seq) == (
            "replaced",
            "reinstated",
            "upheld",
            7,
        )
        assert comparison.outcome == "expulsion_upheld"

    def test_redate(self, book: Casebook) -> None:
        """A re-dated event keeps its quote; its date says it is hypothetical and what it was."""
        whatif = WhatIf("d", base="alliluyeva").redate(
            "lenin-intercedes", "1922-01~", "a month later"
        )
        comparison = book.compare(whatif)
        event = comparison.counterfactual.case.event("lenin-intercedes")
        assert (event.date.display(), event.basis, event.quote[:20]) == (
            "c. Jan 1922",
            "stated",
            "I consider it my dut",
        )
        assert (
            event.date_basis == "hypothetical: a month later (in the sources: 20 Dec 1921, 20.00)"
        )
        assert [(r.status, r.changes) for r in comparison.rows if r.status != "same"] == [
            ("changed", ("date", "date_basis")),
        ]

    def test_the_original_is_never_changed(self, book: Casebook) -> None:
        """Building and comparing leaves the case, the procedure and the what-if as they were."""
        before = (book.case("alliluyeva"), book.procedures["purge-1921"])
        base = WhatIf("x", base="alliluyeva")
        edited = base.remove("reinstated").require("reinstate", intercede=2)
        book.compare(edited)
        assert (book.case("alliluyeva"), book.procedures["purge-1921"]) == before
        assert (base.edits, base.rules) == ((), ())
        assert book.replay("alliluyeva").outcome == "reinstated"

    def test_a_hypothetical_event_the_procedure_does_not_allow(self, book: Casebook) -> None:
        """An inserted event that cannot happen is the finding, named as hypothetical."""
        early = _event("early", "reinstate")
        comparison = book.compare(WhatIf("h", base="alliluyeva").insert(early, after="expelled"))
        assert comparison.outcome == "illegal"
        assert comparison.finding == (
            "under this what-if the hypothetical event 5 is illegal: event 'early' (reinstate) "
            "cannot follow state 'expelled'; allowed here: intercede, appeal, refer, "
            "request_verification, reinstate_as_candidate, uphold, confirm_finally, annul"
        )
        assert [(r.status, r.right_mark) for r in comparison.differing] == [
            ("inserted", "illegal"),
            ("changed", "not_reached"),
            ("changed", "not_reached"),
            ("changed", "not_reached"),
        ]


def _event(event_id: str, kind: str) -> Any:
    return hypothetical(event_id, kind, summary=f"{event_id}.", reasoning=f"{event_id}?")


CANCELLED = _event("hearing-cancelled", "cancel_hearing")
VERIFY = _event("verify", "request_verification")


def _rows(comparison: Any) -> list[tuple[str, str | None, str | None]]:
    """(status, history's event id, what-if's event id) for each row from where they part."""
    return [
        (r.status, r.left.event.id if r.left else None, r.right.event.id if r.right else None)
        for r in comparison.differing
    ]


class TestRowsFollowTheEdits:
    """The comparison's rows say what the edits did, whatever their order."""

    @pytest.mark.parametrize("reverse", [False, True])
    def test_an_insert_next_to_a_replace(self, book: Casebook, reverse: bool) -> None:
        """The inserted event is inserted, the replacement replaces its event."""
        edits = [("insert", "lenin-intercedes"), ("replace", "reexamination-implied")]
        whatif = WhatIf("w", base="alliluyeva")
        for op, event in reversed(edits) if reverse else edits:
            whatif = (
                whatif.insert(CANCELLED, after=event)
                if op == "insert"
                else whatif.replace(event, UPHOLD)
            )
        assert _rows(book.compare(whatif)) == [
            ("inserted", None, "hearing-cancelled"),
            ("replaced", "reexamination-implied", "upheld"),
            ("changed", "reinstated", "reinstated"),
        ]

    def test_a_remove_next_to_an_insert(self, book: Casebook) -> None:
        """A removed event is removed and an inserted one inserted, never paired."""
        whatif = (
            WhatIf("w", base="alliluyeva")
            .remove("reexamination-implied")
            .insert(VERIFY, after="lenin-intercedes")
        )
        comparison = book.compare(whatif)
        assert _rows(comparison) == [
            ("removed", "reexamination-implied", None),
            ("inserted", None, "verify"),
            ("same", "reinstated", "reinstated"),
        ]
        assert comparison.outcome == "reinstated"

    def test_two_inserts_in_a_row_before_a_replacement(self, book: Casebook) -> None:
        """Two inserted events and the event that replaces the one after them."""
        whatif = (
            WhatIf("w", base="alliluyeva")
            .insert(_event("asked", "request_information"), after="lenin-intercedes")
            .insert(_event("asked-again", "request_information"), after="asked")
            .replace("reexamination-implied", VERIFY)
        )
        assert _rows(book.compare(whatif)) == [
            ("inserted", None, "asked"),
            ("inserted", None, "asked-again"),
            ("replaced", "reexamination-implied", "verify"),
            ("same", "reinstated", "reinstated"),
        ]

    def test_a_replacement_with_the_same_id_is_replaced(self, book: Casebook) -> None:
        """replace keeps the id if asked to: still a replacement, with no 'id' change."""
        same = _event("reinstated", "uphold")
        row = book.compare(WhatIf("w", base="alliluyeva").replace("reinstated", same)).rows[-1]
        assert (row.status, row.left.event.id, row.right.event.id) == (
            "replaced",
            "reinstated",
            "reinstated",
        )
        assert row.changes[:3] == ("kind", "date", "summary")

    def test_an_id_removed_then_inserted_elsewhere_is_not_the_same_event(
        self, book: Casebook
    ) -> None:
        """A new event that reuses a removed event's id is inserted; the old one removed."""
        whatif = (
            WhatIf("w", base="alliluyeva")
            .remove("father-services")
            .insert(_event("father-services", "background"), after="july-days-shelter")
        )
        assert _rows(book.compare(whatif))[:3] == [
            ("removed", "father-services", None),
            ("same", "july-days-shelter", "july-days-shelter"),
            ("inserted", None, "father-services"),
        ]

    def test_a_fork_puts_its_events_in_the_places_of_those_it_drops(self, book: Casebook) -> None:
        """fork: the new events stand beside the dropped ones in order; the rest are removed."""
        whatif = WhatIf("w", base="alliluyeva").fork("lenin-intercedes", VERIFY)
        assert _rows(book.compare(whatif)) == [
            ("replaced", "reexamination-implied", "verify"),
            ("removed", "reinstated", None),
        ]

    def test_the_file_the_json_and_the_screen_agree(
        self, scenarios: Path, cli: Callable[..., Any]
    ) -> None:
        """A what-if file inserting a cancelled hearing after event 5 and replacing event 6
        by an uphold: rows and screen show the insert as inserted, the uphold as replacing."""
        write(
            scenarios,
            "probe.toml",
            HEAD.format(id="probe", base="alliluyeva")
            + """
            [[edits]]
            op = "insert"
            after = "lenin-intercedes"

            [[edits.events]]
            id = "hearing-cancelled"
            kind = "cancel_hearing"
            summary = "A hearing is called off."
            reasoning = "Why not?"

            [[edits]]
            op = "replace"
            event = "reexamination-implied"

            [[edits.events]]
            id = "upheld"
            kind = "uphold"
            summary = "Upheld."
            reasoning = "Why not?"
            """.replace("            ", ""),
        )
        data = json.loads(cli("whatif", "probe", "--scenarios", str(scenarios), "--json").out)
        assert [
            (r["status"], (r["history"] or {}).get("id"), (r["whatif"] or {}).get("id"))
            for r in data["rows"][5:]
        ] == [
            ("inserted", None, "hearing-cancelled"),
            ("replaced", "reexamination-implied", "upheld"),
            ("changed", "reinstated", "reinstated"),
        ]
        out = cli("whatif", "probe", "--scenarios", str(scenarios)).out
        assert (
            "History (alliluyeva)                    What if\n"
            "    — not in the history                  6 date unknown\n"
            "                                            hearing-cancelled (cancel_hearing)\n"
            "                                            illegal here: cannot follow\n"
            "                                            intercession\n"
            "                                            A hearing is called off.\n"
            "                                            hypothetical: Why not?\n"
            "\n"
            "  6 20 Dec 1921, 20.00                    7 date unknown\n"
            "    reexamination-implied                   upheld (uphold)\n"
            "    (request_verification)                  not reached\n"
            "    intercession →                          replaces: reexamination-implied\n"
            "    verification_requested                  Upheld.\n"
            "                                            hypothetical: Why not?\n"
        ) in out


_EDIT_OPS = st.sampled_from(
    ["insert-before", "insert-after", "remove", "replace", "redate", "fork"]
)


@st.composite
def _edit_lists(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """(op, event named, id of the new event) for a few edits: any event id of
    alliluyeva, a new one, or one an earlier edit may have added or dropped."""
    names = ["family-known", "expelled", "lenin-intercedes", "reinstated", "n0", "n1", "ghost"]
    return [
        (draw(_EDIT_OPS), draw(st.sampled_from(names)), f"n{n}")
        for n in range(draw(st.integers(0, 6)))
    ]


def _apply(events: Any, edits: list[tuple[str, str, str]], work: int) -> Any:
    """The events and places a draft of the given kind ends with, or the problems."""
    from casework.model.draft import EditProblem, new_draft
    from casework.model.edits import Fork, Insert, Redate, Remove, Replace

    draft = new_draft(events, "alliluyeva", work)
    made = {
        "insert-before": lambda at, new: Insert([new], before=at),
        "insert-after": lambda at, new: Insert([new], after=at),
        "remove": lambda at, new: Remove(at),
        "replace": lambda at, new: Replace(at, new),
        "redate": lambda at, new: Redate(at, UPHOLD.date, "later"),
        "fork": lambda at, new: Fork(at, [new]),
    }
    problems = []
    for op, at, new_id in edits:
        try:
            made[op](at, _event(new_id, "background")).edit(draft)
        except EditProblem as err:
            problems.append((err.what, err.expected))
    return [e.id for e in draft.events()], dict(draft.added), problems


class TestDrafts:
    """A what-if of a few edits edits a list, one of many a linked draft: the same."""

    @settings(max_examples=300, deadline=None)
    @given(edits=_edit_lists())
    def test_both_kinds_of_draft_agree(
        self, book: Casebook, edits: list[tuple[str, str, str]]
    ) -> None:
        """The same events in the same order, the same places, the same problems."""
        events = book.case("alliluyeva").events
        assert _apply(events, edits, 0) == _apply(events, edits, 10_000)

    def test_the_kinds_are_both_used(self) -> None:
        """Up to 64 steps of work a list, past that a linked draft."""
        from casework.model.draft import new_draft

        events = load_casebook().case("alliluyeva").events
        kinds = [type(new_draft(events, "a", work)).__name__ for work in (0, 64, 65)]
        assert kinds == ["_Listed", "_Listed", "_Linked"]

    def test_renumbered_events_equal_evolved_ones(self, book: Casebook) -> None:
        """A what-if's events, renumbered by copying, equal attrs.evolve's copies."""
        import attrs

        whatif = WhatIf("w", base="kasparova-popova").insert(VERIFY, after="interest-at-14")
        case, _ = whatif.build(book)
        base = book.case("kasparova-popova").events
        assert case.events[2:] == tuple(
            attrs.evolve(e, seq=n) for n, e in enumerate(base[1:], start=3)
        )
        assert case.events[1].seq == 2 and case.events[1].case == "kasparova-popova"

    def test_a_chain_deeper_than_the_recursion_limit(self, scenarios: Path) -> None:
        """1,100 what-ifs, each on the one before: each loads, the last has them all."""
        import sys

        depth = sys.getrecursionlimit() + 100
        for n in range(1, depth + 1):
            base = "alliluyeva" if n == 1 else f"w{n - 1}"
            write(
                scenarios,
                f"w{n:05}.toml",
                HEAD.format(id=f"w{n}", base=base)
                + '[[edits]]\nop = "insert"\nafter = "family-known"\n'
                + f'[[edits.events]]\nid = "x{n}"\nkind = "background"\n'
                + 'summary = "A link."\nreasoning = "A long chain."\n',
            )
        book = load_casebook(scenarios)
        assert len(book.whatifs) == 11 + depth
        comparison = book.compare(f"w{depth}")
        ids = [e.id for e in comparison.counterfactual.case.events]
        assert (len(ids), ids[:3], ids[-1]) == (
            7 + depth,
            ["family-known", f"x{depth}", f"x{depth - 1}"],
            "reinstated",
        )
        assert _rows(comparison)[:1] == [("inserted", None, f"x{depth}")]

    def test_list_shows_a_chain_deeper_than_the_recursion_limit(self) -> None:
        """casework list of such a chain: each what-if under the one it is built on."""
        import sys

        from casework.analysis.listing import CaseListing, Listed
        from casework.views.listing import CaseTree

        depth = sys.getrecursionlimit() + 100
        chain = [
            Listed(f"w{n}", "", 7 + n, "reinstated", "a" if n == 1 else f"w{n - 1}")
            for n in range(1, depth + 1)
        ]
        from rich.console import Console

        tree = CaseTree([CaseListing(Listed("a", "", 7, "reinstated"), chain)])
        console = Console(width=80)
        (block,) = tree.__rich_console__(console, console.options)  # the table, not drawn
        labels = [cell.renderables[0].plain for cell in block.items[0].columns[0].cells]
        assert labels[:3] == ["a", "  ↳ w1", "    ↳ w2"]
        assert (len(labels), labels[-1]) == (depth + 1, "  " * depth + f"↳ w{depth}")


class TestRules:
    def test_drop_source_makes_reinstatement_need_verification(self, book: Casebook) -> None:
        """Reinstatement only from verification_requested: both histories stay legal."""
        for case_id in ("alliluyeva", "kasparova-popova"):
            whatif = WhatIf("v", base=case_id).drop_source(
                "reinstate",
                "appealed",
                "intercession",
                "hearing_scheduled",
                "hearing_cancelled",
            )
            assert book.compare(whatif).parted_after is None

    def test_drop_source_illegal_at_the_reinstatement(self, book: Casebook) -> None:
        """Without verification_requested as a source, the reinstatement cannot follow it."""
        comparison = book.compare(
            WhatIf("v", base="alliluyeva").drop_source("reinstate", "verification_requested")
        )
        ill = comparison.counterfactual.illegal
        assert ill is not None
        assert ill.describe() == (
            "event 'reinstated' (reinstate) cannot follow state 'verification_requested'; allowed here: "
            "intercede, request_information, schedule_hearing, reinstate_as_member, "
            "reinstate_as_candidate, uphold, confirm_finally, annul"
        )

    def test_add_source_and_drop(self, book: Casebook) -> None:
        """add_source lets a trigger follow a new state; drop removes the trigger."""
        direct = WhatIf("a", base="alliluyeva").remove("lenin-intercedes", "reexamination-implied")
        assert book.compare(direct).outcome == "illegal"
        assert (
            book.compare(direct.rule(Rule("reinstate", add_source=["expelled"]))).outcome
            == "reinstated"
        )
        dropped = WhatIf("d", base="alliluyeva").rule(Rule("request_verification", drop=True))
        assert book.compare(dropped).counterfactual.illegal.event == "reexamination-implied"

    def test_a_requirement_of_zero_drops_it(self, book: Casebook) -> None:
        """requires = { kind = 0 } takes a requirement away again."""
        strict = WhatIf("s", base="alliluyeva").require("reinstate", intercede=2)
        assert book.compare(strict.require("reinstate", intercede=0)).outcome == "reinstated"

    def test_unknown_trigger_in_code(self, book: Casebook) -> None:
        """A what-if built in code names itself in the error."""
        with pytest.raises(CaseFileError) as err:
            book.compare(WhatIf("code", base="alliluyeva").require("pardon", intercede=1))
        assert str(err.value).startswith(
            "what-if 'code': unknown trigger 'pardon'; expected one of: vouch, intercede, keep"
        )


class TestLongLists:
    def test_a_message_lists_at_most_30_ids(self, book: Casebook) -> None:
        """An unknown event in a history of 40: the first 30 ids, and how many more."""
        import attrs

        case = attrs.evolve(
            book.case("alliluyeva"),
            events=[_event(f"e{n}", "background") for n in range(1, 41)],
        )
        with pytest.raises(CaseFileError) as err:
            WhatIf("w", base="alliluyeva").remove("nope").apply(case, book.procedures["purge-1921"])
        ids = ", ".join(f"e{n}" for n in range(1, 31))
        assert str(err.value) == (
            f"what-if 'w': unknown event 'nope' in 'alliluyeva'; expected one of: {ids} … and 10 more"
        )


class TestFileErrors:
    def test_unknown_base(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """The base line, and every case and what-if id that would do."""
        path = write(
            scenarios,
            "x.toml",
            HEAD.format(id="x", base="trotsky") + '[[edits]]\nop = "remove"\nevent = "expelled"\n',
        )
        result = cli("check", str(scenarios))
        assert result.code == 1
        assert result.err.startswith(
            f"{path}:3: unknown base 'trotsky'; expected a case or what-if id: alliluyeva, "
            "kasparova-popova, late-intercession-kasparova, "
        )

    def test_unknown_event(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """An edit naming no event of the base says which ids there are."""
        path = write(
            scenarios,
            "x.toml",
            HEAD.format(id="x", base="alliluyeva")
            + """
            [[edits]]
            op = "remove"
            event = "lenin-writes"
            """.replace("            ", ""),
        )
        result = cli("check", str(path))
        assert (result.code, result.err) == (
            1,
            (
                f"{path}:8: unknown event 'lenin-writes' in 'alliluyeva'; expected one of: family-known, "
                "father-services, july-days-shelter, expelled, lenin-intercedes, reexamination-implied, reinstated\n"
            ),
        )

    def test_event_dropped_by_an_earlier_fork(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        """Naming an event an earlier edit removed is not 'unknown'."""
        path = write(
            scenarios,
            "x.toml",
            HEAD.format(id="x", base="alliluyeva")
            + """
[[edits]]
op = "fork"
at = "expelled"

[[edits]]
op = "remove"
event = "reinstated"
""",
        )
        result = cli("check", str(path))
        assert result.err == (
            f"{path}:12: event 'reinstated' is no longer in the history (an earlier edit dropped it); "
            "expected an event still in the history: family-known, father-services, july-days-shelter, expelled\n"
        )

    def test_conflicting_edits(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """Two edits on one event: the second is reported, naming the first."""
        path = write(
            scenarios,
            "x.toml",
            HEAD.format(id="x", base="alliluyeva")
            + """
[[edits]]
op = "remove"
event = "lenin-intercedes"

[[edits]]
op = "redate"
event = "lenin-intercedes"
date = "1922"
reasoning = "later"
""",
        )
        result = cli("check", str(path))
        assert result.err == (
            f"{path}:12: edit 2 (redate) names event 'lenin-intercedes', as edit 1 (remove) does; "
            "expected one edit per event\n"
        )

    def test_base_chain_loop(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """Two what-ifs based on each other: both are reported with the loop."""
        edits = '[[edits]]\nop = "remove"\nevent = "expelled"\n'
        a = write(scenarios, "a.toml", HEAD.format(id="a", base="b") + edits)
        b = write(scenarios, "b.toml", HEAD.format(id="b", base="a") + edits)
        result = cli("check", str(scenarios))
        assert result.err == (
            f"{a}:3: the chain of bases loops: a → b → a; expected a chain of what-ifs that ends at a case\n"
            f"{b}:3: the chain of bases loops: b → a → b; expected a chain of what-ifs that ends at a case\n"
            "2 problems\n"
        )

    def test_inserted_event_must_be_hypothetical(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        """A what-if cannot add a 'stated' event, nor a hypothetical one without reasoning."""
        path = write(
            scenarios,
            "x.toml",
            HEAD.format(id="x", base="alliluyeva")
            + """
[[edits]]
op = "insert"
after = "expelled"

[[edits.events]]
id = "letter"
kind = "appeal"
basis = "stated"
summary = "She writes."

[[edits.events]]
id = "letter-2"
kind = "appeal"
summary = "She writes again."
""",
        )
        result = cli("check", str(path))
        assert result.err.splitlines() == [
            f"{path}:13: event 'letter': basis 'stated' in a what-if; expected basis = \"hypothetical\" "
            "(a what-if's own events rest on reasoning, not on a source)",
            f"{path}:16: event 'letter-2': a hypothetical event has no reasoning; "
            "expected reasoning = why this might have happened",
            "2 problems",
        ]

    def test_unknown_op_and_rule_trigger(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """Unknown ops are caught when read, unknown triggers when the rule is applied."""
        bad_op = write(
            scenarios,
            "x.toml",
            HEAD.format(id="x", base="alliluyeva") + '\n[[edits]]\nop = "undo"\n',
        )
        bad_rule = write(
            scenarios,
            "y.toml",
            HEAD.format(id="y", base="alliluyeva")
            + """
[[rules]]
trigger = "pardon"
requires = { intercede = 1 }
""",
        )
        result = cli("check", str(scenarios))
        assert result.err.splitlines() == [
            f"{bad_op}:7: edit 1: unknown op 'undo'; expected one of: fork, remove, insert, replace, redate",
            f"{bad_rule}:7: unknown trigger 'pardon'; expected one of: vouch, intercede, keep, "
            "expel, expel_finally, appeal, refer, request_verification, request_information, "
            "schedule_hearing, cancel_hearing, reinstate, reinstate_as_member, "
            "reinstate_as_candidate, uphold, confirm_finally, annul",
            "2 problems",
        ]

    def test_load_casebook_raises(self, scenarios: Path) -> None:
        """The library raises CaseFileError with the problem and its line."""
        write(
            scenarios,
            "x.toml",
            HEAD.format(id="x", base="alliluyeva") + '[[edits]]\nop = "remove"\nevent = "nope"\n',
        )
        with pytest.raises(CaseFileError) as err:
            load_casebook(scenarios)
        assert [(p.line, p.what) for p in err.value.problems] == [
            (7, "unknown event 'nope' in 'alliluyeva'")
        ]


class TestCommand:
    def test_exact_text_at_80_columns(self, book: Casebook) -> None:
        """The whole comparison matches the reviewed text exactly."""
        expected = (EXPECTED / "whatif-late-intercession-kasparova-80.txt").read_text("utf-8")
        assert render(WhatIfView(book.compare("late-intercession-kasparova"))) == expected

    def test_illegal_step_side_by_side(self, cli: Callable[..., object]) -> None:
        """The illegal reinstatement is shown beside the historical one, with the unmet rule."""
        result = cli("whatif", "second-testimonial-alliluyeva")
        assert result.code == 0
        assert (
            "History (alliluyeva)                    What if\n"
            "  7 on or after 20 Dec 1921               7 on or after 20 Dec 1921\n"
            "    reinstated (reinstate)                  reinstated (reinstate)\n"
            "    verification_requested → reinstated     illegal here: cannot follow\n"
            "                                            verification_requested (requires 2\n"
            "                                            × intercede (found 1) before it)\n"
            "\n"
            "Outcome in history: reinstated\n"
        ) in result.out

    def test_every_whatif_fits_80_columns(self, book: Casebook) -> None:
        """No line is wider than 80 columns or ends in spaces."""
        for whatif_id, whatif in book.whatifs.items():
            for line in render(WhatIfView(book.compare(whatif))).splitlines():
                assert len(line) <= 80 and line == line.rstrip(), (whatif_id, line)

    def test_json(self, cli: Callable[..., object]) -> None:
        """--json: both outcomes, where they part, the rows, both histories."""
        data = json.loads(cli("whatif", "no-intercession-alliluyeva", "--json").out)
        assert (data["base"], data["outcomes"], data["parted_after"]) == (
            "alliluyeva",
            {"history": "reinstated", "whatif": "pending"},
            4,
        )
        assert data["edits"] == [{"op": "fork", "at": "expelled", "events": []}]
        assert [r["status"] for r in data["rows"]] == ["same"] * 4 + ["removed"] * 3
        assert data["whatif_history"]["states"] == ["member", "expelled"]

    def test_a_file_outside_the_scenarios_folder(
        self, tmp_path: Path, cli: Callable[..., object]
    ) -> None:
        """A what-if file anywhere is checked against the bundled cases and what-ifs."""
        path = tmp_path / "mine.toml"
        path.write_text(
            HEAD.format(id="mine", base="no-intercession-kasparova")
            + '[[edits]]\nop = "remove"\nevent = "writes-to-lenin"\n',
            encoding="utf-8",
        )
        result = cli("whatif", str(path), "--json")
        assert result.code == 0
        assert json.loads(result.out)["outcomes"] == {"history": "pending", "whatif": "pending"}

    def test_unknown_whatif(self, cli: Callable[..., object]) -> None:
        """An id that is no what-if lists the known ones; exit 1."""
        result = cli("whatif", "trotsky")
        assert result.code == 1
        assert result.err.startswith(
            "casework: no what-if 'trotsky'; known what-ifs: late-intercession-kasparova, "
        )

    def test_list_shows_whatifs_under_their_base(self, cli: Callable[..., object]) -> None:
        """Each case, then its what-ifs; a what-if on a what-if one step further in."""
        out = cli("list").out
        assert out.startswith(
            "case / what-if                                        events  outcome\n"
            "alliluyeva                                                 7  reinstated\n"
            "  Nadezhda Sergeyevna Alliluyeva\n"
            "  ↳ no-intercession-alliluyeva                             4  pending\n"
            "    Without Lenin's intercession, where would\n"
            "    Alliluyeva's case stand?\n"
        )
        assert (
            "  ↳ no-intercession-kasparova                              7  pending\n"
            "    Without Lenin's intercession, where would\n"
            "    Kasparova's case stand?\n"
            "    ↳ no-intercession-upheld-kasparova                     8  expulsion_upheld\n"
            "      What if, without Lenin's intercession, her\n"
            "      expulsion had been upheld?\n"
        ) in out

    def test_list_json(self, cli: Callable[..., object]) -> None:
        """--json lists each case's what-ifs with their outcomes."""
        data = json.loads(cli("list", "--json").out)
        assert [(w["whatif"], w["outcome"]) for w in data[0]["whatifs"]] == [
            ("no-intercession-alliluyeva", "pending"),
            ("second-testimonial-alliluyeva", "illegal"),
            ("upheld-after-verification-alliluyeva", "expulsion_upheld"),
            ("verification-first-alliluyeva", "reinstated"),
        ]

    def test_check_one_whatif_file(self, cli: Callable[..., object]) -> None:
        """A single bundled what-if file passes check."""
        from casework import bundled_scenarios

        result = cli(
            "check", str(bundled_scenarios() / "whatif" / "no-intercession-upheld-kasparova.toml")
        )
        assert (result.code, result.out) == (0, "ok: 1 file checked, no problems\n")


class TestRedatedEvents:
    def test_redated_event_is_marked_in_json_and_on_screen(self, cli: Callable[..., Any]) -> None:
        """A re-dated event says its date is hypothetical; the edit keeps its reasoning."""
        data = json.loads(cli("whatif", "late-intercession-kasparova", "--json").out)
        event = next(e for e in data["whatif_history"]["events"] if e["id"] == "lenin-intercedes")
        assert (event["basis"], event["date"], event["date_hypothetical"]) == (
            "stated",
            "1922-01~",
            True,
        )
        redate = next(e for e in data["edits"] if e["op"] == "redate")
        assert redate["reasoning"].startswith("the letter comes only after the case is closed")
        out = cli("whatif", "late-intercession-kasparova").out
        assert "  8 20 Dec 1921, 20.00                    9 c. Jan 1922 (hypothetical)\n" in out
