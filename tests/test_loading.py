"""Loading a scenarios folder with broken files; what `check` checks a path as; usage errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import casework
from casework import (
    Casebook,
    CaseFileError,
    CaseworkError,
    UnknownCase,
    UnknownName,
    UnknownWhatIf,
    bundled_scenarios,
    load_casebook,
)
from casework.load.folder import scenarios_root

from .conftest import edit

FOLDER = "expected a scenarios folder with procedure.toml, people.toml, documents.toml and cases/"
KIND_7 = "kind is 7 (a number); expected a string (not empty)"


@pytest.fixture(name="here")
def fixture_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch folder, the working directory, with a copy of the bundled scenarios as `my`."""
    shutil.copytree(bundled_scenarios(), tmp_path / "my")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def line_of(path: Path, text: str) -> int:
    """The line number of the first line of ``path`` that starts with ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(text))


def break_kasparova(here: Path) -> str:
    """Give Kasparova-Popova's expulsion a number for a kind; return the problem line."""
    file = here / "my" / "cases" / "kasparova-popova.toml"
    edit(file, 'kind = "expel"', "kind = 7")
    return f"my/cases/kasparova-popova.toml:{line_of(file, 'kind = 7')}: event 'expelled': {KIND_7}"


def break_whatif(here: Path) -> str:
    """Make no-letter-kasparova.toml invalid TOML; return the problem line."""
    file = here / "my" / "whatif" / "no-letter-kasparova.toml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text + "garbage = \n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    return (
        f"my/whatif/no-letter-kasparova.toml:{line}: not valid TOML: Invalid value; "
        "expected TOML syntax"
    )


def whatif_outside(here: Path) -> Path:
    """A what-if file outside any scenarios folder (on the bundled cases)."""
    source = bundled_scenarios() / "whatif" / "no-letter-kasparova.toml"
    target = here / "wi.toml"
    target.write_text(
        source.read_text(encoding="utf-8").replace(
            'id = "no-letter-kasparova"', 'id = "my-own-whatif"'
        ),
        encoding="utf-8",
    )
    return target


class TestCheckPaths:
    def test_whatif_file_outside_a_scenarios_folder(
        self, here: Path, cli: Callable[..., object]
    ) -> None:
        """A file with a [whatif] table is checked as a what-if, wherever it lies."""
        whatif_outside(here)
        assert cli("whatif", "wi.toml").code == 0
        result = cli("check", "wi.toml")
        assert (result.code, result.out, result.err) == (
            0,
            "ok: 1 file checked, no problems\n",
            "",
        )

    def test_whatif_file_outside_with_a_problem(
        self, here: Path, cli: Callable[..., object]
    ) -> None:
        """Its problems are a what-if's, not 'missing [case] table'."""
        edit(whatif_outside(here), 'base = "kasparova-popova"', 'base = "nobody"')
        result = cli("check", "wi.toml")
        assert result.code == 1
        assert result.err.startswith(
            f"wi.toml:{line_of(here / 'wi.toml', 'base =')}: unknown base 'nobody'"
        )

    @pytest.mark.parametrize("name", ["procedure.toml", "people.toml", "documents.toml"])
    def test_shared_files_check_their_folder(
        self, name: str, here: Path, cli: Callable[..., object]
    ) -> None:
        """procedure.toml, people.toml and documents.toml check the folder they are in."""
        whole = cli("check", "my")
        result = cli("check", f"my/{name}")
        assert (result.code, result.out, result.err) == (0, whole.out, "")
        assert whole.out.startswith("ok: ")

    def test_people_file_with_a_problem(self, here: Path, cli: Callable[..., object]) -> None:
        """A problem in people.toml is reported as one, not as 'missing [case] table'."""
        people = here / "my" / "people.toml"
        people.write_text(people.read_text(encoding="utf-8") + "[oops\n", encoding="utf-8")
        result = cli("check", "my/people.toml")
        assert result.code == 1
        line = len(people.read_text(encoding="utf-8").splitlines())
        assert result.err.startswith(f"my/people.toml:{line}: not valid TOML: ")
        assert "[case]" not in result.err

    def test_a_file_in_procedures_checks_its_folder(
        self, here: Path, cli: Callable[..., object]
    ) -> None:
        """procedures/*.toml is checked as a procedure of its scenarios folder."""
        (here / "my" / "procedures").mkdir(exist_ok=True)
        other = here / "my" / "procedures" / "other.toml"
        shutil.copy(here / "my" / "procedure.toml", other)
        edit(other, 'id = "purge-1921"', 'id = "purge-1922"')
        whole = cli("check", "my")
        result = cli("check", "my/procedures/other.toml")
        assert (result.code, result.out, result.err) == (whole.code, whole.out, whole.err)
        assert "missing [case] table" not in result.err

    def test_people_file_outside_a_scenarios_folder(
        self, here: Path, cli: Callable[..., object]
    ) -> None:
        """people.toml without procedure.toml beside it is not taken for a case file."""
        shutil.copy(here / "my" / "people.toml", here / "people.toml")
        result = cli("check", "people.toml")
        assert (result.code, result.out, result.err) == (
            1,
            "",
            "people.toml: no procedure.toml beside it; expected people.toml in a scenarios "
            "folder, next to procedure.toml\n",
        )

    def test_cases_subfolder(self, here: Path, cli: Callable[..., object]) -> None:
        """A cases/ folder checks each case file against its scenarios folder."""
        n = len(list((here / "my" / "cases").glob("*.toml")))
        result = cli("check", "my/cases")
        assert (result.code, result.out, result.err) == (
            0,
            f"ok: {n} files checked, no problems\n",
            "",
        )
        problem = break_kasparova(here)
        result = cli("check", "my/cases")
        assert (result.code, result.out, result.err) == (1, "", problem + "\n")

    def test_whatif_subfolder(self, here: Path, cli: Callable[..., object]) -> None:
        """A whatif/ folder checks each what-if against its scenarios folder."""
        n = len(list((here / "my" / "whatif").glob("*.toml")))
        result = cli("check", "my/whatif")
        assert (result.code, result.out) == (0, f"ok: {n} files checked, no problems\n")
        problem = break_whatif(here)
        result = cli("check", "my/whatif")
        assert (result.code, result.out, result.err) == (1, "", problem + "\n")

    def test_a_subfolder_without_toml_files(self, here: Path, cli: Callable[..., object]) -> None:
        """sources/ holds no case files, and says so."""
        result = cli("check", "my/sources")
        assert (result.code, result.err) == (
            1,
            "my/sources: no .toml files here; expected case files, what-ifs or a scenarios "
            "folder\n",
        )

    def test_not_a_toml_file(self, here: Path, cli: Callable[..., object]) -> None:
        """A source text is not parsed as TOML."""
        text = next((here / "my" / "sources").glob("*.txt")).relative_to(here)
        result = cli("check", str(text))
        assert (result.code, result.out, result.err) == (
            1,
            "",
            f"{text}: not a case file; expected a .toml case file, what-if or scenarios folder\n",
        )

    def test_scenarios_option_naming_a_file(self, here: Path, cli: Callable[..., object]) -> None:
        """--scenarios FILE says it is a file where a folder is expected."""
        result = cli("list", "--scenarios", "my/procedure.toml")
        assert (result.code, result.out, result.err) == (
            1,
            "",
            f"my/procedure.toml: is a file, not a folder; {FOLDER}\n",
        )


class TestDuplicateCaseId:
    def test_the_line_of_the_id(self, here: Path, cli: Callable[..., object]) -> None:
        """The duplicate's `id =` line in [case] is named, and the file that has it first."""
        copy = here / "my" / "cases" / "copy.toml"
        shutil.copy(here / "my" / "cases" / "alliluyeva.toml", copy)
        line = line_of(copy, 'id = "alliluyeva"')
        expected = (
            f"my/cases/copy.toml:{line}: case id 'alliluyeva' is also used by "
            "my/cases/alliluyeva.toml; expected unique case ids (each file's own id, usually its name)\n"
        )
        assert cli("check", "my").err == expected
        assert cli("check", "my/cases/copy.toml").err == expected
        assert cli("check", "my/cases", "my/cases/copy.toml").err == expected  # once
        assert cli("check", "my/cases/alliluyeva.toml").code == 0  # it comes first
        assert load_casebook("my", strict=False).broken["copy"][0].line == line


class TestBrokenFiles:
    def test_replay_a_good_case_warns(self, here: Path, cli: Callable[..., object]) -> None:
        """The other files' problems are warnings on stderr; exit 0."""
        problems = [break_kasparova(here), break_whatif(here)]
        result = cli("replay", "alliluyeva", "--scenarios", "my")
        assert result.code == 0
        assert result.out.endswith(
            "Path: member → expelled → intercession → verification_requested → reinstated\n"
        )
        assert result.err.splitlines() == [f"warning: {p}" for p in problems]

    @pytest.mark.parametrize(
        "command",
        [
            ["whatif", "no-intercession-alliluyeva"],
            ["show", "alliluyeva"],
            ["diagram", "alliluyeva"],
            ["diagram"],
            ["paths"],
            ["replay", "alliluyeva", "--json"],
        ],
    )
    def test_other_commands_on_good_ones_warn(
        self, command: list[str], here: Path, cli: Callable[..., object]
    ) -> None:
        """whatif, show, diagram and paths go on too, with the same warnings."""
        problems = [break_kasparova(here), break_whatif(here)]
        result = cli(*command, "--scenarios", "my")
        assert (result.code, result.err.splitlines()) == (0, [f"warning: {p}" for p in problems])
        assert result.out

    def test_a_whatif_file_warns_about_the_others(
        self, here: Path, cli: Callable[..., object]
    ) -> None:
        """A what-if named by its file also loads beside a broken case."""
        problem = break_kasparova(here)
        result = cli("whatif", "my/whatif/no-intercession-alliluyeva.toml")
        assert (result.code, result.err) == (0, f"warning: {problem}\n")

    @pytest.mark.parametrize(
        "command",
        [
            ["replay", "kasparova-popova"],
            ["show", "kasparova-popova"],
            ["diagram", "kasparova-popova"],
            ["whatif", "late-intercession-kasparova"],  # its base is the broken case
            ["whatif", "no-intercession-upheld-kasparova"],  # two steps from it
            ["whatif", "my/whatif/late-intercession-kasparova.toml"],
        ],
    )
    def test_asking_for_a_broken_case_exits_1(
        self, command: list[str], here: Path, cli: Callable[..., object]
    ) -> None:
        """Asking for a broken case (or a what-if on it) gives that file's problems only."""
        problem = break_kasparova(here)
        break_whatif(here)
        result = cli(*command, "--scenarios", "my")
        assert (result.code, result.out, result.err) == (1, "", problem + "\n")

    @pytest.mark.parametrize(
        "target", ["no-letter-kasparova", "my/whatif/no-letter-kasparova.toml"]
    )
    def test_asking_for_a_broken_whatif_exits_1(
        self, target: str, here: Path, cli: Callable[..., object]
    ) -> None:
        """A what-if that did not load, by id or file: its own problems only."""
        break_kasparova(here)
        problem = break_whatif(here)
        result = cli("whatif", target, "--scenarios", "my")
        assert (result.code, result.out, result.err) == (1, "", problem + "\n")

    def test_list_shows_the_good_ones_and_exits_1(
        self, here: Path, cli: Callable[..., object]
    ) -> None:
        """list shows what loaded, then every problem; exit 1."""
        problems = [break_kasparova(here), break_whatif(here)]
        result = cli("list", "--scenarios", "my")
        assert result.code == 1
        assert "alliluyeva " in result.out and "no-intercession-alliluyeva" in result.out
        assert "kasparova" not in result.out
        assert result.err.splitlines() == [*problems, "2 problems"]

    def test_replay_of_every_case_exits_1(self, here: Path, cli: Callable[..., object]) -> None:
        """replay with no CASE replays the good ones, then reports the rest; exit 1."""
        problem = break_kasparova(here)
        result = cli("replay", "--scenarios", "my")
        assert (result.code, result.err) == (1, problem + "\n")
        assert "Nadezhda Sergeyevna Alliluyeva" in result.out

    def test_check_reports_every_problem(self, here: Path, cli: Callable[..., object]) -> None:
        """check is unchanged: every problem, exit 1."""
        problems = [break_kasparova(here), break_whatif(here)]
        result = cli("check", "my")
        assert (result.code, result.out) == (1, "")
        assert result.err.splitlines() == [*problems, "2 problems"]

    def test_stats_warns(self, here: Path, cli: Callable[..., object]) -> None:
        """import needs only the procedures: a broken case file is a warning."""
        problem = break_kasparova(here)
        (here / "a.csv").write_text("case_id,seq,event_id,kind\nx,1,e1,expel\n", encoding="utf-8")
        result = cli("import", "a.csv", "--db", "a.sqlite", "--scenarios", "my")
        assert (result.code, result.err) == (0, f"warning: {problem}\n")


class TestLoadCasebook:
    def test_strict_by_default(self, here: Path) -> None:
        """Any problem raises CaseFileError, as before."""
        problem = break_kasparova(here)
        with pytest.raises(CaseFileError) as info:
            load_casebook("my")
        assert [str(p) for p in info.value.problems] == [problem]

    def test_lenient(self, here: Path) -> None:
        """strict=False keeps what loads; .problems lists the rest."""
        problems = [break_kasparova(here), break_whatif(here)]
        book = load_casebook("my", strict=False)
        assert sorted(book.cases) == ["alliluyeva"]
        assert [str(p) for p in book.problems] == problems
        assert all(w.base != "kasparova-popova" for w in book.whatifs.values())
        assert book.replay("alliluyeva").outcome == "reinstated"

    def test_lenient_broken_case_raises_its_problems(self, here: Path) -> None:
        """Asking a lenient casebook for a broken case raises that file's problems."""
        problem = break_kasparova(here)
        book = load_casebook("my", strict=False)
        with pytest.raises(CaseFileError) as info:
            book.case("kasparova-popova")
        assert [str(p) for p in info.value.problems] == [problem]
        with pytest.raises(CaseFileError):
            book.whatif("late-intercession-kasparova")

    def test_lenient_still_raises_for_shared_files(self, here: Path) -> None:
        """Without good procedures, people and documents nothing can load: it raises."""
        (here / "my" / "people.toml").write_text("[oops\n", encoding="utf-8")
        with pytest.raises(CaseFileError):
            load_casebook("my", strict=False)

    def test_good_folder_has_no_problems(self) -> None:
        """The bundled folder loads leniently with no problems."""
        assert load_casebook(strict=False).problems == ()


class TestUsage:
    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["replay", "--josn"], "casework replay: unrecognized arguments: --josn"),
            (
                ["replay", "alliluyeva", "--step", "--json"],
                "casework replay: --step cannot be used with --json",
            ),
            (
                ["replay", "--step", "--export", "a.svg"],
                "casework replay: --export cannot be used with --json or --step",
            ),
            (
                ["stats", "--db", "a.sqlite", "--top", "-1"],
                "casework stats: argument --top: '-1' is negative; expected 0 or more",
            ),
            (
                ["stats", "--db", "a.sqlite", "--illegal", "-1"],
                "casework stats: argument --illegal: '-1' is negative; expected 0 or more",
            ),
            (
                ["stats", "--db", "a.sqlite", "--top", "ten"],
                "casework stats: argument --top: 'ten' is not a whole number; expected e.g. 10",
            ),
            (["list", "--josn"], "casework list: unrecognized arguments: --josn"),
        ],
    )
    def test_usage_errors_name_the_subcommand(
        self, argv: list[str], message: str, cli: Callable[..., object]
    ) -> None:
        """Exit 2: the subcommand's usage, then one line naming it."""
        command = argv[0]
        result = cli(*argv)
        assert (result.code, result.out) == (2, "")
        assert result.err.startswith(f"usage: casework {command} [-h]")
        assert result.err.splitlines()[-1] == message

    def test_top_level_usage_errors_keep_the_top_level_usage(
        self, cli: Callable[..., object]
    ) -> None:
        """An unknown option before any command is the program's usage error."""
        result = cli("--josn")
        assert result.code == 2
        assert result.err.splitlines() == [
            "usage: casework [-h] [--version] [--debug] COMMAND ...",
            "casework: unrecognized arguments: --josn",
        ]

    def test_zero_is_a_count(self, cli: Callable[..., object]) -> None:
        """--top 0 is not a usage error (it reaches the archive)."""
        result = cli("stats", "--db", "nowhere.sqlite", "--top", "0")
        assert result.code == 1


class TestStepFromAPipe:
    def _run(self, tmp_path: Path, stdin: str, *argv: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS")}
        return subprocess.run(
            [sys.executable, "-m", "casework", "replay", *argv, "--step"],
            input=stdin,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    def test_q_from_a_pipe_stops_there(self, tmp_path: Path) -> None:
        """`printf 'q\\n' | casework replay alliluyeva --step` stops after event 1."""
        done = self._run(tmp_path, "q\n", "alliluyeva")
        assert done.returncode == 0
        assert "Enter" not in done.stdout  # the prompt goes to the terminal, never the pipe
        assert done.stdout.endswith("Stopped after event 1 of 7: state member\nPath: member\n")

    def test_q_stops_every_case(self, tmp_path: Path) -> None:
        """q quits the replay: the next case is not shown."""
        done = self._run(tmp_path, "\nq\n")
        assert done.returncode == 0
        assert done.stdout.endswith("Stopped after event 2 of 7: state member\nPath: member\n")
        assert "Kasparova" not in done.stdout

    def test_end_of_input_shows_the_rest_without_prompts(self, tmp_path: Path) -> None:
        """When the input ends, the rest is shown without asking again."""
        done = self._run(tmp_path, "\n", "alliluyeva")
        assert done.returncode == 0
        assert "Enter" not in done.stdout
        assert "Outcome: reinstated\n" in done.stdout


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

    def test_a_near_miss_suggests_the_closest_names(self, cli: Callable[..., Any]) -> None:
        """A typo in a case, what-if or outcome name says which name was meant."""
        case = cli("replay", "aliluyeva")
        assert (case.code, case.err) == (
            1,
            "casework: no case 'aliluyeva' (did you mean 'alliluyeva'?); known cases: "
            "alliluyeva, kasparova-popova\n",
        )
        whatif = cli("whatif", "no-intercesion-alliluyeva", width=400)
        assert whatif.err.startswith(
            "casework: no what-if 'no-intercesion-alliluyeva' (did you mean "
            "'no-intercession-alliluyeva'?); known what-ifs: "
        )
        outcome = cli("paths", "--to", "reinstatd", width=400)
        assert outcome.err.startswith(
            "casework: no outcome or state 'reinstatd' in procedure 'purge-1921' "
            "(did you mean 'reinstated'?); expected one of: "
        )

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

    def test_scenarios_root_of_a_case_file(self, book: Casebook) -> None:
        """The scenarios folder a case file lies in: the nearest with procedure.toml."""
        case_file = book.root / "cases" / "alliluyeva.toml"
        assert scenarios_root(case_file) == book.root.resolve()


class TestFileForms:
    def test_a_byte_order_mark_is_dropped(self, scenarios: Path, cli: Callable[..., Any]) -> None:
        """A case file saved with a UTF-8 BOM reads as without it."""
        case = scenarios / "cases" / "alliluyeva.toml"
        case.write_bytes(b"\xef\xbb\xbf" + case.read_bytes())
        assert cli("check", str(scenarios)).code == 0

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
            f"{scenarios}/cases/alliluyeva.toml:8: case id 'kasparova-popova' is also used by "
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
            f"{scenarios}/cases/alliluyeva.toml:92: event 'reexamination-implied': reasoning is "
            "given but basis is 'stated'; expected basis = \"inferred\" (the reasoning is the "
            "modeller's) or no reasoning\n"
        )


CASES_EXPECTED = "expected a folder of case files (*.toml)"


class TestHostileFiles:
    """A hostile case file is that file's problem: the others load, exit 1, never 70."""

    @pytest.mark.parametrize(
        ("name", "make", "problem"),
        [
            (
                "deep.toml",
                lambda p: p.write_text("[case]\nx = " + "[" * 500 + "]" * 500 + "\n"),
                "my/cases/deep.toml:2: arrays or inline tables nested more than 50 deep; "
                "expected at most 50 levels of nesting",
            ),
            (
                "digits.toml",
                lambda p: p.write_text("[case]\nx = " + "7" * 4_300 + "1\n"),
                "my/cases/digits.toml:2: a number of 4,301 digits; "
                "expected a number of at most 100 digits",
            ),
            (
                "loop.toml",
                lambda p: p.symlink_to(p.name),
                "my/cases/loop.toml: cannot read: Too many levels of symbolic links",
            ),
        ],
    )
    @pytest.mark.parametrize(
        ("command", "code", "prefix"),
        [
            (["check", "my"], 1, ""),
            (["replay", "alliluyeva", "--scenarios", "my"], 0, "warning: "),
            (["list", "--scenarios", "my"], 1, ""),
            (["whatif", "no-intercession-alliluyeva", "--scenarios", "my"], 0, "warning: "),
        ],
    )
    def test_one_file_one_problem(
        self,
        here: Path,
        cli: Callable[..., Any],
        name: str,
        make: Callable[[Path], object],
        problem: str,
        command: list[str],
        code: int,
        prefix: str,
    ) -> None:
        """Nested 500 deep, a 4,301-digit number, a symlink loop: one line, the rest works."""
        make(here / "my" / "cases" / name)
        result = cli(*command, width=300)
        assert (result.code, result.err) == (code, f"{prefix}{problem}\n")
        if command[0] != "check":
            assert "alliluyeva" in result.out

    def test_a_symlink_loop_named_on_the_command_line(
        self, here: Path, cli: Callable[..., Any]
    ) -> None:
        """check of the looping file itself says why it cannot be read."""
        (here / "my" / "cases" / "loop.toml").symlink_to("loop.toml")
        result = cli("check", "my/cases/loop.toml", width=300)
        assert (result.code, result.err) == (
            1,
            "my/cases/loop.toml: cannot read: Too many levels of symbolic links\n",
        )


def _as_nobody(run: Callable[[], Any]) -> Any:
    """What ``run()`` returns, run in a forked child whose user and group are
    ``nobody``, so that file permissions apply although the tests run as root
    (root reads a folder whatever its mode). JSON carries the answer back."""
    import pwd

    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            answer = json.dumps(run()).encode()
        except BaseException as err:  # reported to the parent, which fails the test
            answer = json.dumps({"child failed": repr(err)}).encode()
            code = 1
        with os.fdopen(write, "wb") as out:
            out.write(answer)
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as got:
        answer = got.read()
    os.waitpid(pid, 0)
    return json.loads(answer)


class TestUnreadableFolders:
    """A cases/ or whatif/ folder that cannot be read is a problem of that folder,
    never an empty folder in silence."""

    def test_cases_is_a_file(self, here: Path, cli: Callable[..., Any]) -> None:
        """Every command that reads the cases says so; the what-ifs wait for their bases."""
        shutil.rmtree(here / "my" / "cases")
        (here / "my" / "cases").write_text("not a folder\n")
        problem = f"my/cases: is a file, not a folder; {CASES_EXPECTED}\n"
        for command in (
            ["check", "my"],
            ["list", "--scenarios", "my"],
            ["replay", "--scenarios", "my"],
        ):
            result = cli(*command)
            assert (result.code, result.err) == (1, problem), command
        for command in (
            ["replay", "alliluyeva", "--scenarios", "my"],
            ["whatif", "no-intercession-alliluyeva", "--scenarios", "my"],
            ["show", "no-intercession-alliluyeva", "--scenarios", "my"],
        ):
            result = cli(*command)
            assert (result.code, result.out, result.err) == (1, "", problem), command

    def test_whatif_is_a_named_pipe(self, here: Path, cli: Callable[..., Any]) -> None:
        """Opened, a pipe would wait for a writer: it is refused unopened."""
        shutil.rmtree(here / "my" / "whatif")
        os.mkfifo(here / "my" / "whatif")
        problem = (
            "my/whatif: not a folder (a named pipe); expected a folder of what-if files (*.toml)\n"
        )
        result = cli("list", "--scenarios", "my")
        assert (result.code, result.err) == (1, problem)
        assert "alliluyeva" in result.out
        result = cli("whatif", "no-intercession-alliluyeva", "--scenarios", "my")
        assert (result.code, result.err) == (1, problem)
        result = cli("check", "my")
        assert (result.code, result.err) == (1, problem)

    @pytest.mark.parametrize("folder", ["cases", "whatif"])
    def test_a_folder_without_permission(self, folder: str, cli: Callable[..., Any]) -> None:
        """chmod 000, and checked by a user the mode applies to (nobody, when the tests
        run as root): the folder cannot be read, and check says so."""
        import tempfile

        if not hasattr(os, "fork") or not hasattr(os, "geteuid"):
            pytest.skip("needs fork and user ids")
        root = Path(tempfile.mkdtemp())  # not tmp_path: its parents are closed to others
        try:
            shutil.copytree(bundled_scenarios(), root / "my")
            root.chmod(0o755)
            cwd = os.getcwd()
            os.chdir(root)
            cli("check", "my")  # import everything the check needs, while it can be read

            def check() -> list[Any]:
                result = cli("check", "my")
                return [result.code, result.err]

            (root / "my" / folder).chmod(0)
            try:
                code, err = _as_nobody(check) if os.geteuid() == 0 else check()
            finally:
                os.chdir(cwd)
            what = "case files" if folder == "cases" else "what-if files"
            assert (code, err) == (
                1,
                f"my/{folder}: cannot read: Permission denied; expected a folder of {what} to read\n",
            )
        finally:
            (root / "my" / folder).chmod(0o755)
            shutil.rmtree(root)


class TestNoEmptyNames:
    def test_replay_of_an_empty_name(self, cli: Callable[..., Any]) -> None:
        """'' is no case: an unknown-case error, not a replay of every case."""
        result = cli("replay", "")
        assert (result.code, result.out) == (1, "")
        assert result.err.startswith("casework: no case ''; known cases: alliluyeva, ")

    def test_whatif_of_an_empty_name(self, cli: Callable[..., Any]) -> None:
        """'' is no what-if (nor the working directory, which Path('') would be)."""
        result = cli("whatif", "")
        assert (result.code, result.out) == (1, "")
        assert result.err.startswith("casework: no what-if ''; known what-ifs: ")

    @pytest.mark.parametrize("until", [-1, 2.5, True, "x"])
    def test_until_that_is_no_event_number(self, book: Casebook, until: Any) -> None:
        """A negative, fractional or boolean until is refused, as the command line does."""
        with pytest.raises(casework.InvalidUntil) as err:
            book.replay("alliluyeva", until=until)
        assert str(err.value).startswith(f"{str(until)!r} ")

    def test_until_zero_stops_before_the_first_event(self, book: Casebook) -> None:
        """0 is an event number: nothing is replayed."""
        assert (
            book.replay("alliluyeva", until=0).steps,
            book.replay("alliluyeva", until=0).state,
        ) == ((), "member")


class TestPositions:
    """Where tables and keys are, found once for a file."""

    TEXT = (
        '[case]\nid = "x"\nsummary = """\n[[events]]\nid = "not a key"\n"""\n'
        '[[events]]\nid = "a"\n\n[[events]]\nid = "b"\ncitations = [{quote = "q"}, {quote = "r"}]\n'
        '[[events]]\nid = "c"\n[[events.citations]]\nquote = "s"\n'
        "[[events]]\nid = \"d\"  # '''\n"
    )

    def _file(self, tmp_path: Path) -> Any:
        from casework.load.tomlfile import TomlFile

        path = tmp_path / "x.toml"
        path.write_text(self.TEXT, encoding="utf-8")
        return TomlFile.read(path)

    def test_lines_inside_a_multiline_string_are_no_tables_or_keys(self, tmp_path: Path) -> None:
        """The [[events]] and id = inside the summary are text, not TOML."""
        toml = self._file(tmp_path)
        assert [toml.table_line("events", i) for i in range(5)] == [7, 10, 13, 17, 0]
        assert [toml.key_line("id", "events", i) for i in range(4)] == [8, 11, 14, 18]
        assert (toml.key_line("id", "case"), toml.key_line("summary", "case")) == (2, 3)
        assert toml.sub_table_line("events", 2, "citations") == 15

    def test_citations_before_each_row(self, tmp_path: Path) -> None:
        """count_before: the citations of the rows before, inline or as tables."""
        toml = self._file(tmp_path)
        assert [toml.count_before("events", i, "citations") for i in range(5)] == [0, 0, 2, 3, 3]
        assert toml.count_before("case", 0, "citations") == -1
