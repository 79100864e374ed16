"""The package's layers: each imports only the layers below it, no two modules
import each other (at import time or inside a function), and no module is long.

model < load < analysis < views < cli, with errors under all of them; views never
import the loaders (they render results, they do not load them).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "casework"

#: What each layer may import, besides itself.
ALLOWED = {
    "errors": set(),
    "model": {"errors"},
    "load": {"errors", "model"},
    "analysis": {"errors", "model", "load"},
    "views": {"errors", "model", "analysis"},
    "cli": {"errors", "model", "load", "analysis", "views", "casework"},
}


@functools.cache
def modules() -> dict[str, Path]:
    out = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        parts = file.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = file
    return out


def imports(file: Path) -> set[str]:
    """Every casework module ``file`` imports, inside functions too, but not in
    ``if TYPE_CHECKING:`` blocks (those never run)."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("casework")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("casework"):
            module = node.module or ""
            known = modules()
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                found.add(sub if sub in known else module)
    return found


def layer(module: str) -> str:
    """'model' for casework.model.dates, 'casework' for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "casework"


LAYERED = [m for m in modules() if layer(m) in ALLOWED and m.count(".") >= 1]


@pytest.mark.parametrize("module", LAYERED)
def test_imports_only_lower_layers(module: str) -> None:
    """A module imports its own layer and those ALLOWED under it, nothing else."""
    mine = layer(module)
    wrong = sorted(m for m in imports(modules()[module]) if layer(m) not in {mine} | ALLOWED[mine])
    assert wrong == [], f"{module} ({mine}) imports {wrong}"


def test_no_import_cycles() -> None:
    """No module imports another that imports it back, however indirectly."""
    known = modules()
    edges = {m: {i for i in imports(f) if i in known and i != m} for m, f in known.items()}
    cycles = []
    for start in known:
        stack, seen = [(start, [start])], set()
        while stack:
            here, path = stack.pop()
            for nxt in edges[here]:
                if nxt == start:
                    cycles.append(" -> ".join([*path, nxt]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert cycles == []


def test_no_module_over_500_lines() -> None:
    """Long modules hide more than one concern."""
    long = {
        m: n
        for m, f in modules().items()
        if (n := len(f.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


def test_the_rules_hold_for_a_module_that_breaks_them(tmp_path: Path) -> None:
    """The import reader sees imports inside functions and skips TYPE_CHECKING blocks."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from casework.load.casebook import Casebook\n"
        "def f():\n    from casework.load import folder\n",
        encoding="utf-8",
    )
    assert imports(probe) == {"casework.load.folder"}
