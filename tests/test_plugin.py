"""The pytest plugin, run in pytest sessions of its own (``pytester``), and what
``import casework`` and the plugin import before casework is used."""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import casework
from casework import bundled_scenarios

from .conftest import edit

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parent.parent / "README.md"

OUTCOME_TEST = """
from casework.testing import assert_outcome

def test_upheld(casebook):
    assert_outcome(casebook.replay("alliluyeva"), "expulsion_upheld")
"""

EXPLANATION = [
    "E       AssertionError: assert outcome 'reinstated' == 'expulsion_upheld'",
    "E         they part at event 7 'reinstated' (reinstate):",
    "E         from 'reinstated' on, it can no longer end 'expulsion_upheld'",
    "E         timeline of alliluyeva (Nadezhda Sergeyevna Alliluyeva):",
    "E             1-3  background            family-known, father-services, july-days-shelter",
    "E               4  expel                 member → expelled",
    "E               5  intercede             expelled → intercession",
    "E               6  request_verification  intercession → verification_requested",
    "E           >   7  reinstate             verification_requested → reinstated",
    "E         path: member → expelled → intercession → verification_requested → reinstated",
]


@pytest.fixture(name="session")
def fixture_session(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester with no CI variables, so pytest truncates explanations as on a desk."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)
    return pytester


def readme_example() -> str:
    """The example test file in the README (the block after its marker comment)."""
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- test_appeals\.py:.*?-->\n```python\n(.*?)```", text, re.S)
    assert found, "README has no test_appeals.py example"
    return found.group(1)


class TestPassingRun:
    def test_helpers_and_fixture_pass(self, session: pytest.Pytester) -> None:
        """The plugin loads by itself; true assertions pass, exit 0."""
        session.makepyfile(
            """
            from casework.testing import assert_outcome, assert_never

            def test_reinstated(casebook):
                history = casebook.replay("kasparova-popova")
                assert_outcome(history, "reinstated")
                assert_never(history, "expulsion_upheld")
            """
        )
        result = session.runpytest("-p", "no:cacheprovider")
        result.assert_outcomes(passed=1)
        assert result.ret == pytest.ExitCode.OK

    def test_readme_example_runs(self, session: pytest.Pytester) -> None:
        """The README's example file runs as written and passes: 3 + 64 + 2 tests."""
        session.makepyfile(test_appeals=readme_example())
        result = session.runpytest("-p", "no:cacheprovider", "-v")
        result.assert_outcomes(passed=69)
        assert result.ret == pytest.ExitCode.OK
        result.stdout.re_match_lines(
            [
                re.escape(
                    "test_appeals.py::test_every_way_to_reinstatement_starts_with_an_expulsion[expel-appeal-reinstate] PASSED"
                )
            ]
        )


class TestFailingRun:
    def test_explanation_in_full(self, session: pytest.Pytester) -> None:
        """With -vv the report holds the whole explanation, exactly; exit 1."""
        session.makepyfile(test_upheld=OUTCOME_TEST)
        result = session.runpytest("-p", "no:cacheprovider", "-vv")
        result.assert_outcomes(failed=1)
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        result.stdout.re_match_lines(
            [
                re.escape(line)
                for line in [
                    '>       assert_outcome(casebook.replay("alliluyeva"), "expulsion_upheld")',
                    *EXPLANATION,
                ]
            ],
            consecutive=True,
        )
        result.stdout.fnmatch_lines(["test_upheld.py:4: AssertionError"])
        assert "casework/testing.py" not in result.stdout.str()  # the helper hides its frame

    def test_explanation_fits_pytests_default_budget(self, session: pytest.Pytester) -> None:
        """Without -vv (and off CI) pytest shows a short case's explanation whole."""
        session.makepyfile(test_upheld=OUTCOME_TEST)
        result = session.runpytest("-p", "no:cacheprovider")
        result.stdout.fnmatch_lines(
            [*EXPLANATION, "", "test_upheld.py:4: AssertionError"], consecutive=True
        )
        assert "truncated" not in result.stdout.str()

    def test_long_explanation_truncated_by_pytest(self, session: pytest.Pytester) -> None:
        """A longer one is cut by pytest after eight lines, saying how to see the rest."""
        session.makepyfile(
            test_path="""
            from casework.testing import assert_path

            def test_path(casebook):
                assert_path(casebook.replay("kasparova-popova"), ["member", "expelled", "appealed"])
            """
        )
        result = session.runpytest("-p", "no:cacheprovider")
        result.stdout.fnmatch_lines(
            [
                "E       AssertionError: assert path of 'kasparova-popova' == the expected path",
                "E         expected: member → expelled → appealed",
                "E         history:  member → expelled → appealed → intercession → verification_requested →",
                "E               reinstated",
                "E         the history goes on past 'appealed':",
                "E         event 8 'lenin-intercedes' (intercede) moves it to 'intercession'",
                "E         timeline of kasparova-popova (Yevgenia Popova (Kasparova)):",
                "E             1-5  background            interest-at-14, joins-party, brother-emigre, bro…...",
                "E         ",
                "E         ...Full output truncated, use '-vv' to show",
            ],
            consecutive=True,
        )

    def test_histories_compared(self, session: pytest.Pytester) -> None:
        """Two histories compared with == are explained where they part."""
        session.makepyfile(
            """
            def test_same(casebook):
                assert casebook.replay("alliluyeva") == casebook.replay("alliluyeva", until=5)
            """
        )
        result = session.runpytest("-p", "no:cacheprovider", "-vv")
        result.stdout.fnmatch_lines(
            [
                "E       AssertionError: assert history of 'alliluyeva' == history of 'alliluyeva'",
                "E         the left history goes on at event 6 'reexamination-implied' (request_verification)",
                "E         left timeline of alliluyeva (Nadezhda Sergeyevna Alliluyeva):",
            ],
            consecutive=True,
        )

    def test_other_types_are_left_to_pytest(self, session: pytest.Pytester) -> None:
        """The plugin explains nothing but its own types."""
        session.makepyfile(
            """
            def test_strings(casebook):
                assert casebook.replay("alliluyeva").outcome == "pending"
            """
        )
        result = session.runpytest("-p", "no:cacheprovider")
        result.stdout.fnmatch_lines(
            [
                "E       AssertionError: assert 'reinstated' == 'pending'",
                "E         ",
                "E         - pending",
                "E         + reinstated",
            ],
            consecutive=True,
        )


class TestScenariosOption:
    def copy(self, session: pytest.Pytester, name: str) -> Path:
        target = session.path / name
        shutil.copytree(bundled_scenarios(), target)
        edit(
            target / "cases" / "alliluyeva.toml",
            'title = "Nadezhda Sergeyevna Alliluyeva"',
            'title = "N. S. A."',
        )
        return target

    LISTS_CASES = """
        def test_cases(casebook):
            assert casebook.case("alliluyeva").title == "N. S. A."
        """

    def test_command_line_flag(self, session: pytest.Pytester) -> None:
        """--casework-scenarios DIR, relative to where pytest starts."""
        self.copy(session, "mine")
        session.makepyfile(self.LISTS_CASES)
        session.runpytest("-p", "no:cacheprovider", "--casework-scenarios", "mine").assert_outcomes(
            passed=1
        )

    def test_ini_option(self, session: pytest.Pytester) -> None:
        """casework_scenarios in the ini file, relative to it; the flag wins over it."""
        self.copy(session, "mine")
        session.makeini("[pytest]\ncasework_scenarios = mine\n")
        session.makepyfile(self.LISTS_CASES)
        session.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
        result = session.runpytest(
            "-p", "no:cacheprovider", f"--casework-scenarios={bundled_scenarios()}"
        )
        result.assert_outcomes(failed=1)

    def test_bad_folder_fails_with_its_problems(self, session: pytest.Pytester) -> None:
        """A folder with problems: each test using the fixture errors, listing them; exit 1."""
        folder = self.copy(session, "mine")
        edit(folder / "cases" / "alliluyeva.toml", 'kind = "intercede"', 'kind = "intercession"')
        session.makepyfile(self.LISTS_CASES)
        result = session.runpytest("-p", "no:cacheprovider", "--casework-scenarios", "mine")
        result.assert_outcomes(errors=1)
        assert result.ret == pytest.ExitCode.TESTS_FAILED
        result.stdout.fnmatch_lines(
            [
                "casework: cannot load */mine:",
                "mine/cases/alliluyeva.toml:71: event 'lenin-intercedes': unknown kind 'intercession'; "
                "expected one of: vouch, *",
            ],
            consecutive=True,
        )

    def test_help_lists_the_options(self, session: pytest.Pytester) -> None:
        """pytest --help shows casework's group and ini option."""
        result = session.runpytest("--help")
        result.stdout.fnmatch_lines(
            [
                "casework case files:",
                "  --casework-scenarios=DIR",
                "*casework_scenarios (string):*",
            ],
            consecutive=False,
        )


#: Prints the casework modules the interpreter has imported.
IMPORTED = "import sys; print(sorted(m for m in sys.modules if m.partition('.')[0] == 'casework'))"


def fresh_python(code: str) -> str:
    """What a fresh interpreter prints running ``code``."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def type_checking_imports() -> dict[str, str]:
    """The names casework/__init__.py imports for type checkers, and their modules."""
    tree = ast.parse(Path(casework.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    return {
        alias.name: str(node.module)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


class TestNothingImportedUntilUsed:
    """pytest loads the plugin in every run where casework is installed: it, and
    ``import casework``, import no casework module until one is used."""

    def test_import_casework_imports_no_module_of_its_own(self) -> None:
        assert fresh_python(f"import casework; {IMPORTED}") == "['casework']\n"

    def test_version_imports_nothing(self) -> None:
        code = (
            f"import casework; print(casework.__version__ == {casework.__version__!r}); {IMPORTED}"
        )
        assert fresh_python(code) == "True\n['casework']\n"

    def test_the_plugin_imports_nothing_of_casework(self) -> None:
        assert (
            fresh_python(f"import casework.plugin; {IMPORTED}")
            == "['casework', 'casework.plugin']\n"
        )

    def test_a_name_imports_its_module_when_used(self) -> None:
        module = casework._EXPORTS["replay"]
        code = (
            f"import sys, casework; print({module!r} in sys.modules); "
            f"replay = casework.replay; print(replay is sys.modules[{module!r}].replay)"
        )
        assert fresh_python(code) == "False\nTrue\n"

    def test_star_import_gives_every_public_name(self) -> None:
        code = "from casework import *; import casework; print(sorted(set(casework.__all__) - set(globals())))"
        assert fresh_python(code) == "[]\n"

    @pytest.mark.parametrize("name", sorted(set(casework.__all__) - {"__version__"}))
    def test_each_public_name_is_its_modules(self, name: str) -> None:
        """Each public name is the object its module defines, and type checkers
        import it from that same module."""
        module = type_checking_imports()[name]
        assert getattr(casework, name) is getattr(importlib.import_module(module), name)

    def test_public_names_are_the_lazy_names(self) -> None:
        """__all__, the run-time mapping and the type checkers' imports name the same."""
        lazy = casework._EXPORTS
        assert lazy == type_checking_imports()
        assert {*lazy, "__version__"} == set(casework.__all__)
        assert set(casework.__all__) <= set(dir(casework))

    def test_unknown_name(self) -> None:
        with pytest.raises(AttributeError, match=r"^module 'casework' has no attribute 'replays'$"):
            casework.replays  # type: ignore[attr-defined]  # noqa: B018

    def test_a_session_that_does_not_use_casework(self, session: pytest.Pytester) -> None:
        """A failed comparison of other types is left to pytest without importing casework."""
        session.makepyfile(
            f"""
            def test_lists():
                assert [1] == [2]

            def test_nothing_imported(capsys):
                exec({IMPORTED!r})
                assert capsys.readouterr().out == "['casework', 'casework.plugin']\\n"
            """
        )
        result = session.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(failed=1, passed=1)
        result.stdout.fnmatch_lines(["E         At index 0 diff: 1 != 2"])

    def test_only_the_helpers_are_rewritten(self, session: pytest.Pytester) -> None:
        """pytest rewrites the asserts of casework.testing, not those of casework's
        other modules (it marks the whole package of a plugin's distribution)."""
        session.makepyfile(
            """
            import sys

            import casework.testing

            def test_loaders(casebook):
                rewritten = sorted(
                    name
                    for name, module in sys.modules.items()
                    if name.partition(".")[0] == "casework"
                    and type(module.__loader__).__name__ == "AssertionRewritingHook"
                )
                assert type(casebook).__module__ in sys.modules
                assert rewritten == ["casework", "casework.plugin", "casework.testing"]
            """
        )
        result = session.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=1)
