"""Shared fixtures: the bundled casebook, a scratch copy of it, and the CLI runner."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from casework import Casebook, bundled_scenarios, load_casebook
from casework.cli.main import main
from casework.views.theme import THEME

WIDTH = 80


@pytest.fixture(name="book", scope="session")
def fixture_book() -> Casebook:
    """The bundled casebook."""
    return load_casebook()


def plain_console(width: int = WIDTH) -> Console:
    """A console writing plain text (no colour, no terminal) at a fixed width."""
    return Console(
        file=io.StringIO(),
        width=width,
        theme=THEME,
        color_system=None,
        highlight=False,
        force_terminal=False,
        legacy_windows=False,
    )


def render(renderable: object, width: int = WIDTH) -> str:
    """The plain text a renderable prints at ``width`` columns."""
    console = plain_console(width)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


class CLIResult:
    """Exit code and the two streams of one CLI run."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"CLIResult(code={self.code}, out={self.out[:200]!r}, err={self.err[:400]!r})"


@pytest.fixture(name="cli")
def fixture_cli() -> Callable[..., CLIResult]:
    """Run ``casework ARGS`` in-process; answers for --step come from ``answers``."""

    def run(*argv: str, answers: list[str] | None = None, width: int = WIDTH) -> CLIResult:
        out, err = plain_console(width), plain_console(width)
        pending = list(answers or [])
        prompts: list[str] = []

        def ask(prompt: str) -> str:
            prompts.append(prompt)
            if not pending:
                raise EOFError
            return pending.pop(0)

        code = main(list(argv), console=out, stderr=err, ask=ask)
        result = CLIResult(code, out.file.getvalue(), err.file.getvalue())  # type: ignore[attr-defined]
        result.prompts = prompts  # type: ignore[attr-defined]
        return result

    return run


@pytest.fixture(name="scenarios")
def fixture_scenarios(tmp_path: Path) -> Path:
    """A scratch copy of the bundled scenarios folder, safe to edit."""
    target = tmp_path / "scenarios"
    shutil.copytree(bundled_scenarios(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact occurrence of ``old`` in a file (fails loudly if absent)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
