"""casework's pytest plugin, active once casework is installed (entry point ``pytest11``).

It provides the ``casebook`` fixture (the bundled casebook, or the scenarios
folder named by ``--casework-scenarios`` or the ini option
``casework_scenarios``), has pytest rewrite the assertions in
:mod:`casework.testing`, and explains failed comparisons of casework's own
types: the expectations of :mod:`casework.testing` and two histories.

The model modules are imported only when a test needs them, so the plugin
costs nothing in a test run that does not use casework.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Before casework.testing is imported anywhere, so that its asserts are rewritten.
pytest.register_assert_rewrite("casework.testing")

if TYPE_CHECKING:
    from casework.load.casebook import Casebook

__all__ = ["casebook", "pytest_addoption", "pytest_assertrepr_compare", "scenarios_folder"]

_HELP = "scenarios folder the casebook fixture loads (default: the bundled cases)"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--casework-scenarios DIR`` and the ini option ``casework_scenarios``."""
    group = parser.getgroup("casework", "casework case files")
    group.addoption("--casework-scenarios", metavar="DIR", default=None, help=_HELP)
    parser.addini("casework_scenarios", _HELP + "; relative to the ini file", default="")


def scenarios_folder(config: pytest.Config) -> Path | None:
    """The folder the ``casebook`` fixture loads: the command-line flag (relative
    to where pytest was started), else the ini option (relative to the ini
    file), else None for the bundled cases."""
    flag = config.getoption("casework_scenarios")
    if flag:
        return config.invocation_params.dir / str(flag)
    ini = config.getini("casework_scenarios")
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return base / str(ini)
    return None


@pytest.fixture(scope="session")
def casebook(pytestconfig: pytest.Config) -> Casebook:
    """The casebook under test, loaded and checked once per session.

    A folder with problems fails every test that uses it, listing the problems.
    """
    from casework.errors import CaseFileError
    from casework.load.casebook import load_casebook

    folder = scenarios_folder(pytestconfig)
    try:
        return load_casebook(folder)
    except CaseFileError as err:
        problems = str(err)
    where = folder if folder is not None else "the bundled scenarios"
    pytest.fail(f"casework: cannot load {where}:\n{problems}", pytrace=False)


def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: Any, right: Any
) -> list[str] | None:
    """Explain a failed ``==`` of casework's own types; leave everything else to pytest."""
    if op != "==":
        return None
    # Imported here, not at start-up: pytest loads this plugin in every run.
    from casework.model.replay import History
    from casework.testing import Expectation, explain_histories

    if isinstance(left, Expectation):
        return left.explain()
    if isinstance(left, History) and isinstance(right, History):
        return explain_histories(left, right)
    return None
