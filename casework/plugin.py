"""casework's pytest plugin, active once casework is installed (entry point ``pytest11``).

It provides the ``casebook`` fixture (the bundled casebook, or the scenarios
folder named by ``--casework-scenarios`` or the ini option
``casework_scenarios``), has pytest rewrite the assertions in
:mod:`casework.testing`, and explains failed comparisons of casework's own
types: the expectations of :mod:`casework.testing` and two histories.

pytest imports this module in every run in an environment where casework is
installed, whether the project uses casework or not. So it imports nothing of
casework (``casework/__init__.py`` imports no module of its own either): the
fixture imports the package when a test uses it, the comparison hook when a
comparison involves one of casework's types.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from casework.load.casebook import Casebook


def _rewrite_the_helpers_only() -> None:
    """Have pytest rewrite the asserts of :mod:`casework.testing` and of no other casework module.

    Before it imports a plugin, pytest marks the packages of the plugin's
    distribution for rewriting: all of ``casework``. Rewritten, casework's own
    modules would gain nothing (their few asserts are internal checks, not
    tests), and each import of one without cached bytecode would pay for a
    rewrite. pytest has no public way to unmark a name, so this takes
    ``casework`` out of its import hook's set of marked names; should pytest's
    internals change, casework is rewritten as before, a little slower.
    ``register_assert_rewrite`` then marks the helpers, before
    :mod:`casework.testing` is imported anywhere, and clears the hook's memory
    of names already decided.
    """
    from _pytest.assertion.rewrite import AssertionRewritingHook

    for finder in sys.meta_path:
        marked = getattr(finder, "_must_rewrite", None)
        if isinstance(finder, AssertionRewritingHook) and isinstance(marked, set):
            marked.discard("casework")
    pytest.register_assert_rewrite("casework.testing")


_rewrite_the_helpers_only()

__all__ = ["casebook", "pytest_addoption", "pytest_assertrepr_compare", "scenarios_folder"]

_HELP = (
    "scenarios folder the casebook fixture loads (default: $CASEWORK_SCENARIOS, else the "
    "nearest folder from the rootdir upwards with procedure.toml or scenarios/, else the "
    "bundled cases)"
)


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
    if folder is None:  # as the command line finds it: from the rootdir upwards
        from casework.load.folder import find_scenarios

        folder = find_scenarios(start=pytestconfig.rootpath)[0]
    try:
        return load_casebook(folder)
    except CaseFileError as err:
        problems = str(err)
    where = folder if folder is not None else "the bundled scenarios"
    pytest.fail(f"casework: cannot load {where}:\n{problems}", pytrace=False)


def _is_casework(value: object) -> bool:
    """Whether ``value``'s type is defined in casework: known without importing anything."""
    return type(value).__module__.startswith("casework.")


def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: Any, right: Any
) -> list[str] | None:
    """Explain a failed ``==`` of casework's own types; leave everything else to pytest."""
    if op != "==" or not (_is_casework(left) or _is_casework(right)):
        return None
    from casework.model.replay import History
    from casework.testing import Expectation, explain_histories

    if isinstance(left, Expectation):
        return left.explain()
    if isinstance(left, History) and isinstance(right, History):
        return explain_histories(left, right)
    return None
