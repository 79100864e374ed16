"""A new user's path, as a test: init a folder, add a case, check and replay it
from inside the folder with no flags, and run pytest there with the plugin
finding the folder by itself."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from casework.load.folder import find_scenarios

NEW_CASE = """\
[case]
id = "petrov"
title = "Petrov"
person = "alliluyeva"

[[events]]
id = "expelled"
kind = "expel"
date = "../1921-12-20"
summary = "Expelled."
source = "lenin-1921-12-20"
quote = "I have learned about the expulsion from the Party of Nadezhda Sergeyevna Alliluyeva."
"""


def run(
    *argv: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *argv],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def test_init_check_replay_and_pytest_from_inside(tmp_path: Path) -> None:
    made = run("casework", "init", "my-cases", cwd=tmp_path)
    assert (made.returncode, made.stderr) == (0, "")
    assert made.stdout.startswith("created my-cases: a copy of the bundled scenarios (2 cases)")
    folder = tmp_path / "my-cases"
    (folder / "cases" / "petrov.toml").write_text(NEW_CASE, encoding="utf-8")
    inside = folder / "cases"
    checked = run("casework", "check", cwd=inside)
    assert (checked.returncode, checked.stdout) == (0, "ok: 18 files checked, no problems\n")
    replayed = run("casework", "replay", "petrov", cwd=inside)
    assert replayed.returncode == 0
    assert replayed.stdout.splitlines()[-2:] == ["Outcome: pending", "Path: member → expelled"]
    (tmp_path / "test_mine.py").write_text(
        textwrap.dedent(
            """
            def test_my_case(casebook):
                assert casebook.replay("petrov").outcome == "pending"
                assert casebook.root.name == "my-cases"
            """
        ),
        encoding="utf-8",
    )
    tested = run("pytest", "-q", "-p", "no:cacheprovider", "test_mine.py", cwd=tmp_path, env={})
    assert tested.returncode == 1  # no scenarios/ here and no procedure.toml: bundled
    moved = tmp_path / "scenarios"
    folder.rename(moved)
    (tmp_path / "test_mine.py").write_text(
        "def test_my_case(casebook):\n    assert casebook.replay('petrov').outcome == 'pending'\n",
        encoding="utf-8",
    )
    tested = run("pytest", "-q", "-p", "no:cacheprovider", "test_mine.py", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout


def test_init_refuses_a_folder_with_files(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("init", str(tmp_path / "full"), width=300)
    assert (result.code, result.err) == (
        1,
        f"casework: {tmp_path / 'full'}: exists and is not an empty folder; "
        "expected a new or empty folder\n",
    )
    assert (tmp_path / "full" / "notes.txt").read_text(encoding="utf-8") == "mine"


class TestFindScenarios:
    def test_the_order_of_precedence(self, tmp_path: Path, scenarios: Path) -> None:
        """--scenarios, then $CASEWORK_SCENARIOS, then upwards, then the bundled cases."""
        deep = scenarios / "cases"
        assert find_scenarios("x", start=deep, environ={"CASEWORK_SCENARIOS": "y"}) == (
            Path("x"),
            "--scenarios",
        )
        assert find_scenarios(None, start=deep, environ={"CASEWORK_SCENARIOS": "y"}) == (
            Path("y"),
            "CASEWORK_SCENARIOS",
        )
        found, how = find_scenarios(None, start=deep, environ={})
        assert (found, how) == (scenarios.resolve(), f"found from {deep.resolve()}")
        found, _ = find_scenarios(None, start=tmp_path, environ={})
        assert found == scenarios.resolve()  # tmp_path holds scenarios/

    @pytest.mark.parametrize("where", ["/", "/proc"])
    def test_nothing_found_is_the_bundled_cases(self, where: str) -> None:
        from casework import bundled_scenarios

        assert find_scenarios(None, start=Path(where), environ={}) == (
            bundled_scenarios(),
            "the bundled cases",
        )
