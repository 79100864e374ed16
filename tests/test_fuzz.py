"""Fuzzing: a copy of the bundled scenarios folder, mutated, never makes casework fail.

Each example mutates one to three files of the copy (a byte flipped, a line
deleted or doubled, the file cut short, two values swapped, a value nested
hundreds deep, a number thousands of digits long, text in any script put in),
then runs ``check``, ``replay`` and ``list`` in-process. Whatever the input,
each exits 0 or 1 (never 70, never an exception), every line on stderr is a
problem in the form ``path:line: what; expected`` or ``path: what`` (or the
count of problems), and nothing on disk has changed.

With the tests, eight examples run, the same each time (derandomized: the
tests never pass or fail by chance); ``HYPOTHESIS_PROFILE=fuzz python -m pytest
tests/test_fuzz.py`` runs 2,000 new ones.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework import bundled_scenarios
from casework.cli.main import main

from .conftest import plain_console

settings.register_profile(
    "fuzz-quick",
    max_examples=8,
    derandomize=True,
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

_VALUE = re.compile(rb"(?m)^(\s*[A-Za-z0-9_\-]+\s*=\s*)(.*)$")
#: Values of every TOML type, to put where another was.
_VALUES = [b"[[1]]", b"[]", b"1", b"-0.0", b"inf", b"true", b"{a=1}", b'"x"', b"1921-12-20", b"''"]


def _at(count: int, where: float) -> int:
    """An index into ``count`` items, ``where`` of the way through (0 to 1)."""
    return min(int(where * count), max(count - 1, 0))


@attrs.frozen
class Damage:
    """One way to damage a file's bytes, shown as it is when a test fails."""

    kind: str
    where: float  # how far into the file (or its lines, or its values), 0 to 1
    other: float = 0.0  # the second value of a swap
    payload: bytes = b""  # the byte, text or value put in

    def __call__(self, data: bytes) -> bytes:
        if self.kind in ("flip", "insert"):
            i = _at(len(data), self.where)
            return data[:i] + self.payload + data[i + (self.kind == "flip") :]
        if self.kind == "cut":
            return data[: _at(len(data), self.where)]
        if self.kind in ("delete", "double"):
            rows = data.split(b"\n")
            i = _at(len(rows), self.where)
            rows[i : i + 1] = [] if self.kind == "delete" else rows[i : i + 1] * 2
            return b"\n".join(rows)
        found = list(_VALUE.finditer(data))
        if not found:
            return data
        a = found[_at(len(found), self.where)]
        if self.kind == "value":
            return data[: a.start(2)] + self.payload + data[a.end(2) :]
        b = found[_at(len(found), self.other)]  # swap
        a, b = sorted((a, b), key=lambda m: m.start())
        if a is b:
            return data
        return b"".join(
            (
                data[: a.start(2)],
                b.group(2),
                data[a.end(2) : b.start(2)],
                a.group(2),
                data[b.end(2) :],
            )
        )


@st.composite
def _damage(draw: st.DrawFn) -> Damage:
    """A byte flipped, text or bytes put in, the file cut, a line deleted or
    doubled, two values swapped, or a value replaced: by one of another type,
    by arrays or tables nested up to 600 deep, or by a number of up to 5,000 digits."""
    kind = draw(st.sampled_from(["flip", "insert", "cut", "delete", "double", "swap", "value"]))
    where = draw(st.floats(0, 1))
    if kind == "flip":
        return Damage(kind, where, payload=bytes([draw(st.integers(0, 255))]))
    if kind == "insert":
        text = st.text(min_size=1, max_size=40).map(lambda t: t.encode("utf-8"))
        return Damage(kind, where, payload=draw(text | st.binary(min_size=1, max_size=40)))
    if kind == "swap":
        return Damage(kind, where, other=draw(st.floats(0, 1)))
    if kind != "value":
        return Damage(kind, where)
    depth = st.integers(1, 600)
    nested = st.one_of(
        depth.map(lambda n: b"[" * n + b"]" * n),
        depth.map(lambda n: b"{a=" * n + b"1" + b"}" * n),
    )
    sign = st.sampled_from([b"", b"-", b"+", b"0x", b"1_"])
    number = st.tuples(sign, st.integers(1, 5_000)).map(lambda t: t[0] + b"9" * t[1])
    return Damage(kind, where, payload=draw(st.sampled_from(_VALUES) | nested | number))


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
@given(damage=st.lists(st.tuples(st.sampled_from(FILES), _damage()), min_size=1, max_size=3))
def test_mutated_scenarios_are_problems_never_failures(
    damage: list[tuple[str, Damage]],
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
