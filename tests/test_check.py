"""`casework check`: schema, transitions and quotes, one line per problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from casework import CaseFileError, load_casebook

from .conftest import edit


def alliluyeva(scenarios: Path) -> Path:
    return scenarios / "cases" / "alliluyeva.toml"


class TestBundled:
    def test_bundled_data_passes(self, cli: Callable[..., object]) -> None:
        """The shipped scenarios have no problems; exit 0."""
        result = cli("check")
        assert (result.code, result.err) == (0, "")
        assert result.out == "ok: 17 files checked, no problems\n"  # 4 + 2 cases + 11 what-ifs


class TestProblems:
    def test_wrong_quote(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """A quote not in the source is reported at its line, with where it differs."""
        edit(alliluyeva(scenarios), "was reinstated in the Party.", "was restored to the Party.")
        result = cli("check", str(scenarios))
        assert result.code == 1
        assert result.err.splitlines() == [
            f"{alliluyeva(scenarios)}:112: event 'reinstated': quote not found in document "
            "'cw45-editors' (sources/lenin-1921-12-20-to-zalutsky-and-solts.txt, lines 31–33): "
            "it matches up to 'Nadezhda Alliluyeva was re' and then reads "
            "'stored to the Party.' where the source has 'instated in the Part'; "
            "expected the exact words of the source"
        ]

    def test_illegal_transition(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """An event the procedure does not allow in its state names what is allowed."""
        edit(alliluyeva(scenarios), 'kind = "intercede"', 'kind = "reinstate"')
        edit(alliluyeva(scenarios), 'kind = "request_verification"', 'kind = "background"')
        result = cli("check", str(alliluyeva(scenarios)))
        assert result.code == 1
        assert result.err == (
            f"{alliluyeva(scenarios)}:69: event 'lenin-intercedes' (reinstate) cannot follow "
            "state 'expelled'; allowed here: intercede, appeal, refer, request_verification, "
            "reinstate_as_candidate, uphold, confirm_finally, annul\n"
        )

    def test_unknown_state_in_procedure(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """A transition to a state the procedure does not define is refused."""
        edit(scenarios / "procedure.toml", 'dest = "reinstated"\n', 'dest = "restored"\n')
        result = cli("check", str(scenarios))
        assert result.code == 1
        line = result.err.splitlines()[0]
        assert line.startswith(
            f"{scenarios / 'procedure.toml'}:178: dest state 'restored' is not a state; expected one of: appealed, expelled,"
        )
        assert line.endswith("(or internal = true)")

    def test_unknown_kind(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """An event kind that is not a trigger lists the kinds allowed."""
        edit(alliluyeva(scenarios), 'kind = "intercede"', 'kind = "intercession"')
        result = cli("check", str(scenarios))
        assert result.err.startswith(
            f"{alliluyeva(scenarios)}:71: event 'lenin-intercedes': unknown kind 'intercession'; "
            "expected one of: vouch, intercede, keep, expel, expel_finally, appeal,"
        )

    def test_malformed_date(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """An impossible day is reported at the date's line."""
        edit(
            alliluyeva(scenarios),
            'date = "1921-12-20/.."\ndate_basis = "The editors',
            'date = "1921-02-30"\ndate_basis = "The editors',
        )
        result = cli("check", str(scenarios))
        assert result.err == (
            f"{alliluyeva(scenarios)}:106: event 'reinstated': date '1921-02-30' is not a real day; "
            "expected a day that exists in the calendar\n"
        )

    def test_broken_toml(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """A TOML syntax error names its line."""
        edit(alliluyeva(scenarios), 'kind = "expel"', 'kind = "expel')
        result = cli("check", str(scenarios))
        assert result.code == 1
        assert result.err.startswith(f"{alliluyeva(scenarios)}:55: not valid TOML: ")

    def test_unknown_person_and_key(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """Every problem in a file is reported, not only the first."""
        edit(
            alliluyeva(scenarios),
            'actors = ["lenin"]\nrecipients = ["zalutsky", "solts"]\nsummary = "Lenin writes that',
            'actors = ["trotsky"]\nrecipients = ["zalutsky", "solts"]\nsummary = "Lenin writes that',
        )
        edit(alliluyeva(scenarios), 'note = "Which body', 'notes = "Which body')
        result = cli("check", str(scenarios))
        assert result.err.splitlines() == [
            f"{alliluyeva(scenarios)}:74: event 'lenin-intercedes': actor 'trotsky' is not in people.toml; expected the id of a person or body defined there",
            f"{alliluyeva(scenarios)}:113: event 'reinstated': unknown key 'notes'; expected one of: id, kind, date, calendar, date_basis, actors, recipients, summary, source, locator, quote, basis, account_of, reasoning, inferred, citations, refers_to, note",
            "2 problems",
        ]

    def test_load_casebook_raises_with_every_problem(self, scenarios: Path) -> None:
        """The Python API raises CaseFileError carrying the same problems."""
        edit(alliluyeva(scenarios), 'kind = "intercede"', 'kind = "intercession"')
        with pytest.raises(CaseFileError) as info:
            load_casebook(scenarios)
        assert [(p.line, p.what.split(":")[0]) for p in info.value.problems] == [
            (71, "event 'lenin-intercedes'")
        ]

    def test_check_writes_nothing(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """A read-only command leaves every file as it was."""
        edit(alliluyeva(scenarios), 'kind = "intercede"', 'kind = "intercession"')
        before = {p: p.read_bytes() for p in scenarios.rglob("*") if p.is_file()}
        cli("check", str(scenarios))
        after = {p: p.read_bytes() for p in scenarios.rglob("*") if p.is_file()}
        assert before == after

    def test_typographic_look_alike_is_named(
        self, scenarios: Path, cli: Callable[..., object]
    ) -> None:
        """A straight apostrophe where the source has a curly one says which characters differ."""
        case = scenarios / "cases" / "kasparova-popova.toml"
        edit(case, "Kasparova’s expulsion", "Kasparova's expulsion")
        result = cli("check", str(scenarios))
        assert result.err == (
            f"{case}:137: event 'verification-requested': quote not found in document "
            "'lenin-1921-12-20' (sources/lenin-1921-12-20-to-zalutsky-and-solts.txt, lines 6–29): "
            "it matches "
            "up to ' the case of Comrade Kasparova' and then reads \"'s expulsion from th\" where "
            "the source has '’s expulsion from th' (APOSTROPHE vs RIGHT SINGLE QUOTATION MARK); "
            "expected the exact words of the source\n"
        )
