"""`casework check` reports every problem of a what-if and of a relation in one
run, in line order; a re-dated event out of date order is noted in the comparison."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from casework import Casebook, CaseFileError, WhatIf, load_casebook
from casework.views.whatif import WhatIfView

from .conftest import render


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


HEAD = """\
[whatif]
id = "x"
base = "alliluyeva"
title = "A test"
"""

TRIGGERS = (
    "expected one of: vouch, intercede, keep, expel, expel_finally, appeal, refer, "
    "request_verification, request_information, schedule_hearing, cancel_hearing, reinstate, "
    "reinstate_as_member, reinstate_as_candidate, uphold, confirm_finally, annul"
)


class TestWhatIfProblemsAtOnce:
    def test_reader_conflict_and_rule_problems_in_one_run(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        """A redate without reasoning, a conflict and an unknown trigger: one run, line order."""
        path = write(
            scenarios / "whatif" / "x.toml",
            HEAD
            + """
[[edits]]
op = "redate"
event = "lenin-intercedes"
date = "1922-03"

[[edits]]
op = "remove"
event = "lenin-intercedes"

[[rules]]
trigger = "reinstat"
requires = { intercede = 2 }
""",
        )
        result = cli("check", str(path))
        assert result.code == 1
        assert result.err.splitlines() == [
            f"{path}:6: edit 1: redate needs 'reasoning'; expected event, date, reasoning",
            f"{path}:13: edit 2 (remove) names event 'lenin-intercedes', as edit 1 (redate) does; "
            "expected one edit per event",
            f"{path}:16: unknown trigger 'reinstat'; {TRIGGERS}",
            "3 problems",
        ]

    def test_every_edit_and_rule_is_tried(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        """An edit that cannot apply does not hide the next one, nor the rules."""
        path = write(
            scenarios / "whatif" / "x.toml",
            HEAD
            + """
[[edits]]
op = "remove"
event = "nope"

[[edits]]
op = "redate"
event = "also-nope"
date = "1922"
reasoning = ""

[[edits]]
op = "remove"
event = "gone"

[[rules]]
trigger = "pardon"
drop = true

[[rules]]
trigger = "reinstate"
requires = { verification = 1 }
""",
        )
        result = cli("check", str(scenarios))
        ids = (
            "family-known, father-services, july-days-shelter, expelled, lenin-intercedes, "
            "reexamination-implied, reinstated"
        )
        assert result.err.splitlines() == [
            f"{path}:8: unknown event 'nope' in 'alliluyeva'; expected one of: {ids}",
            f"{path}:14: edit 2: reasoning is empty; expected why the date might have been different",
            f"{path}:18: unknown event 'gone' in 'alliluyeva'; expected one of: {ids}",
            f"{path}:21: unknown trigger 'pardon'; {TRIGGERS}",
            f"{path}:25: required kind 'verification' is not a trigger; {TRIGGERS}",
            "5 problems",
        ]

    def test_a_broken_head_still_reports_edits_and_conflicts(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        """No title: the edits are read anyway, and their conflicts found."""
        path = write(
            scenarios / "whatif" / "x.toml",
            """\
[whatif]
id = "x"
base = "alliluyeva"

[[edits]]
op = "remove"
event = "expelled"

[[edits]]
op = "undo"
event = "expelled"
""",
        )
        result = cli("check", str(path))
        assert result.err.splitlines() == [
            f"{path}:1: [whatif]: missing key 'title'; expected title = a string",
            f"{path}:10: edit 2: unknown op 'undo'; "
            "expected one of: fork, remove, insert, replace, redate",
            f"{path}:11: edit 2 (undo) names event 'expelled', as edit 1 (remove) does; "
            "expected one edit per event",
            "3 problems",
        ]

    def test_load_casebook_raises_them_all(self, scenarios: Path) -> None:
        write(
            scenarios / "whatif" / "x.toml",
            HEAD
            + """
[[edits]]
op = "redate"
event = "expelled"
date = "1921-13"
reasoning = "x"

[[edits]]
op = "fork"
at = "expelled"

[[rules]]
trigger = "reinstat"
drop = true
""",
        )
        with pytest.raises(CaseFileError) as err:
            load_casebook(scenarios)
        assert [(p.line, p.what.split(":")[0]) for p in err.value.problems] == [
            (9, "edit 1"),
            (14, "edit 2 (fork) names event 'expelled', as edit 1 (redate) does"),
            (17, "unknown trigger 'reinstat'"),
        ]

    def test_code_built_whatif_reports_conflict_and_rule(self, book: Casebook) -> None:
        w = (
            WhatIf("code", base="alliluyeva")
            .remove("expelled")
            .redate("expelled", "1922", "later")
            .require("pardon", intercede=1)
        )
        with pytest.raises(CaseFileError) as err:
            book.compare(w)
        assert [str(p) for p in err.value.problems] == [
            "what-if 'code': edit 2 (redate) names event 'expelled', as edit 1 (remove) does; "
            "expected one edit per event",
            f"what-if 'code': unknown trigger 'pardon'; {TRIGGERS}",
        ]

    def test_a_new_event_with_a_taken_id_is_reported_at_its_id(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        """An inserted event with the id of an event in the history: at its own ``id``
        line (here the third [[edits.events]], after its kind), not the edit's."""
        path = write(
            scenarios / "whatif" / "x.toml",
            HEAD
            + """
[[edits]]
op = "insert"
before = "expelled"

[[edits.events]]
id = "warned"
kind = "intercede"
summary = "A friend speaks for her."
reasoning = "Friends often did."

[[edits]]
op = "insert"
after = "lenin-intercedes"

[[edits.events]]
id = "appealed"
kind = "appeal"
summary = "She appeals."
reasoning = "She might have."

[[edits.events]]
kind = "uphold"
id = "expelled"
summary = "The expulsion is upheld."
reasoning = "It might have been."
""",
        )
        result = cli("check", str(path))
        assert result.code == 1
        assert result.err.splitlines() == [
            f"{path}:28: new event 'expelled' has the id of an event already in the history; "
            "expected a new id",
        ]


class TestRelationProblemsAtOnce:
    def test_wrong_quote_reported_with_unknown_of(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        people = scenarios / "people.toml"
        text = people.read_text(encoding="utf-8")
        old = (
            'person = "kasparov"\nrelation = "brother"\nof = "kasparova-popova"\n'
            'source = "lenin-1921-12-20"\nlocator = "letter 2, ¶1"\n'
        )
        assert old in text
        start = text.index(old)
        end = text.index("\n", text.index("quote = ", start))
        bad = (
            'person = "kasparov"\nrelation = "brother"\nof = "kasparova"\nbasis = "guessed"\n'
            'source = "lenin-1921-12-20"\nlocator = "letter 2, ¶1"\n'
            'quote = "her husband Popoff"'
        )
        people.write_text(text[:start] + bad + text[end:], encoding="utf-8")
        line = text[:start].count("\n") + 1  # the line of 'person'
        result = cli("check", str(scenarios))
        assert result.code == 1
        lines = result.err.splitlines()
        assert lines[:2] == [
            f"{people}:{line + 2}: relation 3: of 'kasparova' is not in people.toml; "
            "expected the id of a person or body defined there",
            f"{people}:{line + 3}: relation 3: basis 'guessed' is not known; "
            "expected one of: stated, reported, secondary, inferred",
        ]
        assert lines[2].startswith(f"{people}:{line + 6}: quote not found in")
        assert lines[2].endswith("; expected the exact words of the source")
        assert lines[3] == "3 problems"

    def test_unknown_source_reported_with_a_missing_key(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        people = scenarios / "people.toml"
        text = people.read_text(encoding="utf-8")
        n = text.count("\n")
        people.write_text(
            text.rstrip("\n") + '\n\n[[relations]]\nperson = "kasparov"\nof = "kasparova-popova"\n'
            'source = "lenin-1999"\nquote = "brother"\n',
            encoding="utf-8",
        )
        result = cli("check", str(scenarios))
        lines = result.err.splitlines()
        assert lines[0].startswith(f"{people}:{n + 2}: relation ")
        assert lines[0].endswith(": missing key 'relation'; expected relation = a string")
        assert lines[1].startswith(
            f"{people}:{n + 6}: relation source 'lenin-1999' is not in documents.toml; "
            "expected one of: "
        )
        assert lines[2] == "2 problems"


class TestRedateOrderNote:
    def whatif(self) -> WhatIf:
        return WhatIf("late", base="alliluyeva", title="Later").redate(
            "lenin-intercedes", "1922-03", "it came later"
        )

    def test_note(self, book: Casebook) -> None:
        assert book.compare(self.whatif()).notes == (
            "event 5 (lenin-intercedes) is now dated Mar 1922, after event 6 "
            "(reexamination-implied, 20 Dec 1921, 20.00); events stay in the case file's order",
        )

    def test_before_an_earlier_event(self, book: Casebook) -> None:
        w = WhatIf("early", base="alliluyeva").redate("reinstated", "1917-01", "sooner")
        assert book.compare(w).notes == (
            "event 7 (reinstated) is now dated Jan 1917, before event 6 "
            "(reexamination-implied, 20 Dec 1921, 20.00); events stay in the case file's order",
        )

    def test_no_note_when_the_order_holds(self, book: Casebook) -> None:
        w = WhatIf("ok", base="alliluyeva").redate("reinstated", "1922-02", "a little later")
        assert book.compare(w).notes == ()
        assert book.compare("late-intercession-kasparova").notes == ()

    def test_rendered_and_json(self, book: Casebook) -> None:
        comparison = book.compare(self.whatif())
        text = render(WhatIfView(comparison))
        assert " ".join(text.split()).endswith(
            "Note: event 5 (lenin-intercedes) is now dated Mar 1922, after event 6 "
            "(reexamination-implied, 20 Dec 1921, 20.00); events stay in the case file's order."
        )
        data = json.loads(json.dumps(comparison.to_mapping()))
        assert data["notes"] == list(comparison.notes)
