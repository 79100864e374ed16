"""Fuzzing: a copy of the bundled scenarios folder, mutated, never makes casework fail.

Each example mutates one to three files of the copy (a byte flipped, a line
deleted or doubled, the file cut short, two values swapped, a value nested
hundreds deep, a number thousands of digits long, text in any script put in),
then runs ``check``, ``replay`` and ``list`` in-process. Whatever the input,
each exits 0 or 1 (never 70, never an exception), every line on stderr is a
problem in the form ``path:line: what; expected`` or ``path: what`` (or the
count of problems), and nothing on disk has changed.

A few examples run with the tests; ``HYPOTHESIS_PROFILE=fuzz python -m pytest
tests/test_fuzz.py`` runs many more.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import bundled_scenarios
from casework.cli.main import main

from .conftest import plain_console

settings.register_profile(
    "fuzz-quick",
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=2_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(
    "fuzz" if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else "fuzz-quick"
)

#: The files of the bundled folder, as paths inside it (the mutations' targets).
FILES = sorted(
    str(p.relative_to(bundled_scenarios()))
    for p in bundled_scenarios().rglob("*")
    if p.is_file() and p.suffix in (".toml", ".txt")
)

#: A line of stderr: a problem with its file (in the folder) and maybe its line or
#: row, a warning of one, or how many problems there were.
LINE = re.compile(
    r"(warning: )?scenarios(/[^:]+)?(:\d+|:row \d+)?: \S.*"
    r"|\d[\d,]* problems"
)

COMMANDS = (
    ["check", "scenarios"],
    ["replay", "--scenarios", "scenarios"],
    ["list", "--scenarios", "scenarios"],
)


# -- the mutations ---------------------------------------------------------------

Mutation = Callable[[bytes], bytes]
_VALUE = re.compile(rb"(?m)^(\s*[A-Za-z0-9_\-]+\s*=\s*)(.*)$")


def _at(data: bytes | list[bytes] | list[re.Match[bytes]], where: float) -> int:
    """An index into ``data``, ``where`` of the way through (0 to 1)."""
    return min(int(where * len(data)), max(len(data) - 1, 0))


@st.composite
def _mutations(draw: st.DrawFn) -> Mutation:
    """One way to damage a file's bytes."""
    kind = draw(
        st.sampled_from(
            ["flip", "delete", "double", "cut", "swap", "nest", "number", "text", "bytes"]
        )
    )
    where = draw(st.floats(0, 1))
    if kind == "flip":
        byte = draw(st.integers(0, 255))
        return lambda d: d[: _at(d, where)] + bytes([byte]) + d[_at(d, where) + 1 :]
    if kind in ("delete", "double"):

        def lines(d: bytes) -> bytes:
            rows = d.split(b"\n")
            i = _at(rows, where)
            rows[i : i + 1] = [] if kind == "delete" else rows[i : i + 1] * 2
            return b"\n".join(rows)

        return lines
    if kind == "cut":
        return lambda d: d[: _at(d, where)]
    if kind == "swap":
        other = draw(st.floats(0, 1))

        def swap(d: bytes) -> bytes:
            found = list(_VALUE.finditer(d))
            if len(found) < 2:
                return d
            a, b = sorted((_at(found, where), _at(found, other)))
            if a == b:
                return d
            ma, mb = found[a], found[b]
            return (
                d[: ma.start(2)]
                + mb.group(2)
                + d[ma.end(2) : mb.start(2)]
                + ma.group(2)
                + d[mb.end(2) :]
            )

        return swap
    if kind in ("nest", "number"):
        if kind == "nest":
            depth = draw(st.integers(1, 600))
            opening, closing = draw(st.sampled_from([(b"[", b"]"), (b"{a=", b"}")]))
            value = opening * depth + (b"1" if opening != b"[" else b"") + closing * depth
        else:
            value = draw(st.sampled_from([b"", b"-", b"+", b"0x", b"1_"])) + b"9" * draw(
                st.integers(1, 5_000)
            )

        def replace(d: bytes) -> bytes:
            found = list(_VALUE.finditer(d))
            if not found:
                return d
            m = found[_at(found, where)]
            return d[: m.start(2)] + value + d[m.end(2) :]

        return replace
    if kind == "text":
        text = draw(st.text(min_size=1, max_size=40)).encode("utf-8")
    else:
        text = draw(st.binary(min_size=1, max_size=40))
    return lambda d: d[: _at(d, where)] + text + d[_at(d, where) :]


# -- running -----------------------------------------------------------------------


@contextmanager
def _folder() -> Iterator[Path]:
    """A scratch folder holding a copy of the bundled scenarios, as the working directory."""
    here = os.getcwd()
    root = Path(tempfile.mkdtemp())
    try:
        shutil.copytree(bundled_scenarios(), root / "scenarios")
        os.chdir(root)
        yield root
    finally:
        os.chdir(here)
        shutil.rmtree(root)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = plain_console(), plain_console()
    code = main(argv, console=out, stderr=err, ask=lambda _prompt: "")
    return code, err.file.getvalue()  # type: ignore[attr-defined]


@PROFILE
@given(damage=st.lists(st.tuples(st.sampled_from(FILES), _mutations()), min_size=1, max_size=3))
def test_mutated_scenarios_are_problems_never_failures(
    damage: list[tuple[str, Mutation]],
) -> None:
    """check, replay and list of a damaged folder: exit 0 or 1, a problem per line,
    nothing written."""
    with _folder() as root:
        for name, mutate in damage:
            path = root / "scenarios" / name
            path.write_bytes(mutate(path.read_bytes()))
        before = _snapshot(root)
        for argv in COMMANDS:
            code, err = _run(argv)
            assert code in (0, 1), (argv, code, err)
            bad = [line for line in err.splitlines() if not LINE.fullmatch(line)]
            assert bad == [], (argv, bad)
        assert _snapshot(root) == before


def test_the_undamaged_copy_is_fine() -> None:
    """The copy itself checks clean, so that any problem found comes from a mutation."""
    with _folder():
        assert [_run(argv) for argv in COMMANDS] == [(0, ""), (0, ""), (0, "")]
