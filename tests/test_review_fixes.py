"""Review fixes: --until years, one exception family, a read-only casebook, shared names."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import casework
import casework.cli.main
from casework import (
    ILLEGAL,
    Casebook,
    CaseworkError,
    HistDate,
    InvalidUntil,
    UnknownCase,
    UnknownName,
    UnknownWhatIf,
)
from casework.analysis import archive
from casework.load.casebook import parse_until, scenarios_root
from casework.model import procedure, whatif
from casework.model.whatif import WhatIf

README = Path(__file__).resolve().parent.parent / "README.md"
YEAR_END = (1921, 12, 31)


class TestUntilReading:
    def test_one_to_three_digits_are_an_event_number(self) -> None:
        """'5', '42' and '007' are event numbers."""
        assert [parse_until(v) for v in ("5", "42", "007")] == [5, 42, 7]

    def test_four_digits_are_a_year(self) -> None:
        """'1921' is the year 1921, not event 1921."""
        date = parse_until("1921")
        assert isinstance(date, HistDate)
        assert (date.lower, date.upper) == ((1921, 1, 1), YEAR_END)

    def test_an_open_end_is_refused(self) -> None:
        """A date with no end cannot say where to stop."""
        with pytest.raises(InvalidUntil) as err:
            parse_until("1921-12-20/..")
        assert str(err.value) == (
            "'1921-12-20/..' has an open end; expected a date with an end, e.g. 1921-12-20"
        )

    def test_an_open_start_is_allowed(self) -> None:
        """'../1921-12-20' has an end, so it is a place to stop."""
        date = parse_until("../1921-12-20")
        assert isinstance(date, HistDate)
        assert date.upper == (1921, 12, 20)

    def test_a_bad_date_is_a_casework_error(self) -> None:
        """Neither a number nor a date: InvalidUntil, a CaseworkError (and a ValueError)."""
        with pytest.raises(InvalidUntil) as err:
            parse_until("Christmas")
        assert isinstance(err.value, CaseworkError)
        assert isinstance(err.value, ValueError)
        assert str(err.value) == (
            "'Christmas' is neither an event number nor a date; expected e.g. 5 or 1921-12-20"
        )


class TestReplayUntil:
    def test_digit_string_is_the_event_number(self, book: Casebook) -> None:
        """until="5" replays as until=5."""
        assert book.replay("alliluyeva", until="5") == book.replay("alliluyeva", until=5)

    def test_year_string_stops_before_the_first_event_not_certainly_in_it(
        self, book: Casebook
    ) -> None:
        """until="1921" keeps exactly the events known by 31 Dec 1921, in order."""
        for case_id in sorted(book.cases):
            case = book.cases[case_id]
            kept = 0
            for ev in case.events:
                if not ev.date.known_by(YEAR_END):
                    break
                kept += 1
            history = book.replay(case_id, until="1921")
            assert len(history.steps) == kept
            assert history.stopped_after == kept

    def test_year_1921_of_alliluyeva(self, book: Casebook) -> None:
        """The reinstatement (on or after 20 Dec 1921) is not certainly within 1921."""
        history = book.replay("alliluyeva", until="1921")
        assert (history.stopped_after, history.state) == (6, "verification_requested")

    @pytest.mark.parametrize("bad", ["Christmas", "1921-12-20/..", "1921-13"])
    def test_bad_date_string_raises_invalid_until(self, book: Casebook, bad: str) -> None:
        """A bad string is a CaseworkError, not a bare ValueError."""
        with pytest.raises(InvalidUntil, match=f"^{re.escape(repr(bad))} "):
            book.replay("alliluyeva", until=bad)


class TestUntilOnTheCommandLine:
    def test_until_a_year(self, cli: Callable[..., Any]) -> None:
        """--until 1921 is the year: it stops before the reinstatement, not at event 1921."""
        result = cli("replay", "alliluyeva", "--until", "1921")
        assert result.code == 0
        assert "Stopped after event 6 of 7: state verification_requested\n" in result.out

    def test_until_three_digits(self, cli: Callable[..., Any]) -> None:
        """--until 005 is event 5."""
        five = cli("replay", "alliluyeva", "--until", "5", "--json")
        assert cli("replay", "alliluyeva", "--until", "005", "--json").out == five.out

    def test_until_an_open_end_is_a_usage_error(self, cli: Callable[..., Any]) -> None:
        """Exit 2, saying what was expected."""
        result = cli("replay", "alliluyeva", "--until", "1921-12-20/..")
        assert (result.code, result.out) == (2, "")
        assert result.err.endswith(
            "casework replay: argument --until: '1921-12-20/..' has an open end; "
            "expected a date with an end, e.g. 1921-12-20\n"
        )

    def test_readme_says_how_until_is_read(self) -> None:
        """The Usage list documents the year and the open end."""
        text = " ".join(README.read_text(encoding="utf-8").split())
        assert "`--until 1921` means by the end of 1921" in text
        assert "A date with an open end, such as `1921-12-20/..`, is a usage error." in text


class TestNotFound:
    def test_unknown_name_is_exported(self) -> None:
        """UnknownName, UnknownWhatIf and InvalidUntil are public, and __all__ stays sorted."""
        for name in ("InvalidUntil", "UnknownName", "UnknownWhatIf"):
            assert name in casework.__all__
        constants = [n for n in casework.__all__ if n.isupper()]
        others = [n for n in casework.__all__ if not n.isupper()]
        assert casework.__all__ == sorted(constants) + sorted(others, key=str)

    def test_unknown_case(self, book: Casebook) -> None:
        """A CaseworkError and a KeyError, listing the known cases."""
        with pytest.raises(KeyError) as err:
            book.case("trotsky")
        assert isinstance(err.value, UnknownCase)
        assert isinstance(err.value, CaseworkError)
        assert str(err.value) == "no case 'trotsky'; known cases: alliluyeva, kasparova-popova"

    def test_unknown_whatif(self, book: Casebook) -> None:
        """The same shape as a case's; a KeyError, an UnknownCase and (as before) an UnknownName."""
        with pytest.raises(UnknownWhatIf) as err:
            book.whatif("trotsky")
        found = err.value
        assert isinstance(found, CaseworkError)
        assert isinstance(found, KeyError)
        assert isinstance(found, UnknownCase)
        assert isinstance(found, UnknownName)
        known = ", ".join(sorted(book.whatifs))
        assert str(found) == f"no what-if 'trotsky'; known what-ifs: {known}"
        assert (found.case_id, found.name, found.known) == (
            "trotsky",
            "trotsky",
            tuple(sorted(book.whatifs)),
        )


class TestReadOnlyCasebook:
    @pytest.mark.parametrize(
        "field", ["procedures", "people", "documents", "cases", "whatifs", "broken"]
    )
    def test_mappings_cannot_be_changed(self, book: Casebook, field: str) -> None:
        """Assigning, deleting or popping an entry raises TypeError."""
        mapping: Any = getattr(book, field)
        with pytest.raises(TypeError):
            mapping["x"] = None
        with pytest.raises(TypeError):
            del mapping["x"]
        with pytest.raises((TypeError, AttributeError)):
            mapping.pop("alliluyeva")

    def test_cases_pop_fails_and_keeps_the_case(self, book: Casebook) -> None:
        """book.cases.pop(...) no longer removes a case."""
        with pytest.raises(AttributeError):
            book.cases.pop("alliluyeva")  # type: ignore[attr-defined]
        assert "alliluyeva" in book.cases

    def test_the_callers_dict_is_copied(self, book: Casebook) -> None:
        """Changing the dict a casebook was built from does not change the casebook."""
        cases = dict(book.cases)
        copy = Casebook(book.root, book.procedures, book.people, book.documents, cases)
        cases.clear()
        assert sorted(copy.cases) == sorted(book.cases)
        assert dict(copy.whatifs) == {} and dict(copy.broken) == {}


class TestSharedNames:
    def test_illegal_is_defined_once(self) -> None:
        """ILLEGAL lives in procedure, beside PENDING; whatif and archive use it."""
        assert ILLEGAL == procedure.ILLEGAL == "illegal"
        assert whatif.ILLEGAL is procedure.ILLEGAL
        assert archive.ILLEGAL is procedure.ILLEGAL
        for module in (whatif, archive):
            source = Path(module.__file__ or "").read_text(encoding="utf-8")
            assert "ILLEGAL = " not in source

    def test_scenarios_root_is_public(self, book: Casebook) -> None:
        """The folder a case file lies in; the CLI no longer imports a private name."""
        case_file = book.root / "cases" / "alliluyeva.toml"
        assert scenarios_root(case_file) == book.root.resolve()
        cli_source = Path(casework.cli.main.__file__ or "").read_text(encoding="utf-8")
        assert "_scenarios_root" not in cli_source
        assert 'getattr(book, "whatifs"' not in cli_source


class TestListJson:
    def test_each_whatif_is_compared_once(
        self, book: Casebook, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """list --json compares each what-if once, and lists it under its case."""
        calls: list[str] = []
        compare = WhatIf.compare

        def counted(self: WhatIf, *args: Any, **kwargs: Any) -> Any:
            calls.append(self.id)
            return compare(self, *args, **kwargs)

        monkeypatch.setattr(WhatIf, "compare", counted)
        result = cli("list", "--json")
        assert result.code == 0
        assert sorted(calls) == sorted(book.whatifs)
        listed = {
            row["case"]: [w["whatif"] for w in row["whatifs"]] for row in json.loads(result.out)
        }
        expected: dict[str, list[str]] = {case_id: [] for case_id in sorted(book.cases)}
        for whatif_id in sorted(book.whatifs):
            expected[compare(book.whatifs[whatif_id], book).base.case.id].append(whatif_id)
        assert listed == expected


class TestEightyColumns:
    def test_readme_exempts_diagram_and_json(self) -> None:
        """The 80-column promise names its exceptions: Mermaid source and --json."""
        text = " ".join(README.read_text(encoding="utf-8").split())
        assert (
            "Output piped to another program is plain text that fits 80 columns (a terminal "
            "gets its own width), except `diagram`, which prints Mermaid source as it is, "
            "and `--json`;"
        ) in text


class TestSecondReading:
    """What a second reading as a new user found."""

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

    def test_a_byte_order_mark_is_dropped(self, scenarios: Path, cli: Callable[..., Any]) -> None:
        """A case file saved with a UTF-8 BOM reads as without it."""
        case = scenarios / "cases" / "alliluyeva.toml"
        case.write_bytes(b"\xef\xbb\xbf" + case.read_bytes())
        assert cli("check", str(scenarios)).code == 0

    def test_importing_a_named_pipe(self, tmp_path: Path, cli: Callable[..., Any]) -> None:
        """A pipe is not 'no such file': it is not a regular file."""
        import os

        pipe = tmp_path / "p.csv"
        os.mkfifo(pipe)
        result = cli("import", str(pipe), "--db", str(tmp_path / "a.sqlite"), width=200)
        assert (result.code, result.err) == (
            1,
            f"casework: {pipe}: not a regular file; expected a .csv or .jsonl file\n",
        )

    def test_duplicate_id_blames_the_file_not_named_for_it(
        self, scenarios: Path, cli: Callable[..., Any]
    ) -> None:
        """alliluyeva.toml given Kasparova's id is the one blamed; her case still loads."""
        from .conftest import edit

        edit(
            scenarios / "cases" / "alliluyeva.toml", 'id = "alliluyeva"', 'id = "kasparova-popova"'
        )
        result = cli("check", str(scenarios), width=300)
        assert result.err == (
            f"{scenarios}/cases/alliluyeva.toml:7: case id 'kasparova-popova' is also used by "
            f"{scenarios}/cases/kasparova-popova.toml; expected unique case ids "
            "(each file's own id, usually its name)\n"
        )
        replay = cli("replay", "kasparova-popova", "--scenarios", str(scenarios), "--json")
        assert json.loads(replay.out)["events"][6]["id"] == "writes-to-lenin"

    def test_stated_event_with_reasoning_is_refused(
        self, scenarios: Path, cli: Callable[..., Any]
    ) -> None:
        """Reasoning belongs to inferences; on a stated event it would be silently lost."""
        from .conftest import edit

        edit(scenarios / "cases" / "alliluyeva.toml", 'basis = "inferred"\n', "")
        result = cli("check", str(scenarios), width=300)
        assert result.err == (
            f"{scenarios}/cases/alliluyeva.toml:80: event 'reexamination-implied': reasoning is "
            "given but basis is 'stated'; expected basis = \"inferred\" (the reasoning is the "
            "modeller's) or no reasoning\n"
        )
