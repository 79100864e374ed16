"""Mutation testing: do the tests notice small faults in a module?

    python benchmarks/mutate.py casework/model/replay.py --tests tests/test_replay.py
    python benchmarks/mutate.py casework/analysis/paths.py --tests tests/test_paths.py \\
        --sample 50 --seed 1 --equivalent benchmarks/mutants_equivalent.toml --json

For each module named, the script parses its source, lists the places a small
fault can be planted (a *mutant*), samples ``--sample`` of them with a fixed
``--seed``, and for each one writes the mutated source over the module in a
private copy of the project and runs the chosen tests there
(``pytest -x -q -p no:cacheprovider``, with a timeout). A mutant is *killed*
when the tests fail (or time out), and *survives* when they pass.

The faults planted, each at one place:

- a comparison operator swapped: ``<`` and ``<=``, ``>`` and ``>=``, ``==`` and
  ``!=``, ``in`` and ``not in``, ``is`` and ``is not``;
- ``and`` and ``or`` swapped; a ``not`` removed; ``+`` and ``-`` swapped (also in
  ``+=`` and ``-=``);
- an integer constant ``n`` made ``n + 1``; ``True`` and ``False`` swapped; a string
  constant emptied (never a docstring, an ``__all__`` entry, an annotation or an
  ``assert`` message);
- ``return X`` made ``return None``; a statement in a function body replaced by
  ``pass`` (not a nested definition, a docstring or ``pass`` itself);
- the condition of an ``if`` negated.

Code under ``if TYPE_CHECKING:`` and inside f-strings is left alone.

The project's own files are never touched: the copy is made once (``git
ls-files``: tracked and untracked files that git does not ignore, as they are
in the working tree; or, with ``--rev``, the tree of a commit, with
``--overlay`` files taken from the working tree), and the tests run with
``PYTHONPATH`` set to the copy, so that its package is imported rather than an
installed or editable one; the script checks that before it starts. Byte code
is not written (``PYTHONDONTWRITEBYTECODE``), so a mutant can never be run from
a stale ``.pyc`` of another. The tests must pass on the unmutated copy first;
their time then sets the timeout (three times as long, at least 10 s). With
hypothesis installed, every run uses the same seed, keeps no example database
and does not shrink a failing example (a mutant is killed when one is found).

A mutant that no test could ever kill (it does not change what the code does)
is *equivalent*. ``--equivalent FILE`` names them, in TOML, under the module's
path, each by the key printed for it, with the reason::

    ["casework/model/replay.py"]
    "History.states: s.after != out[-1] -> ..." = "why no behaviour changes"

The score is killed / (mutants run - equivalent survivors). Exit status: 0,
or 1 when a module scores below ``--fail-under``; 2 when the tests fail or
cannot be run on the unmutated copy.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Queue
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: Comparison operators and what each becomes.
_COMPARE_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_COMPARE_TEXT: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}
#: How to find an operator's token in the text between its operands.
_COMPARE_PATTERN: dict[type[ast.cmpop], str] = {
    ast.Lt: r"<(?!=)",
    ast.LtE: r"<=",
    ast.Gt: r">(?!=)",
    ast.GtE: r">=",
    ast.Eq: r"==",
    ast.NotEq: r"!=",
    ast.In: r"\bin\b",
    ast.NotIn: r"\bnot\s+in\b",
    ast.Is: r"\bis\b",
    ast.IsNot: r"\bis\s+not\b",
}


class Fatal(Exception):
    """The run cannot go on: the copy, the import or the unmutated tests are wrong."""


@dataclass(frozen=True)
class Mutant:
    """One planted fault: the text from ``start`` to ``end`` becomes ``replacement``."""

    line: int
    start: int
    end: int
    replacement: str
    operator: str
    before: str  # how the place reads, for people
    after: str  # how it reads mutated
    scope: str  # the function or class it is in

    @property
    def shown(self) -> str:
        return f"line {self.line}: {self.before} -> {self.after}"


@dataclass
class Outcome:
    """What the tests made of one mutant."""

    mutant: Mutant
    key: str
    status: str  # killed, survived, timeout
    seconds: float


@dataclass
class ModuleReport:
    """The results for one module; ``score`` is killed / (run - equivalent survivors)."""

    module: str
    tests: list[str]
    points: int
    run: int = 0
    killed: int = 0
    timeouts: int = 0
    survived: list[dict[str, object]] = field(default_factory=list)
    equivalent: list[dict[str, object]] = field(default_factory=list)
    wrongly_equivalent: list[str] = field(default_factory=list)
    stale_equivalent: list[str] = field(default_factory=list)
    score: float | None = None
    baseline_seconds: float = 0.0


# -- finding mutation points -----------------------------------------------------


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Source:
    """A module's text with (line, UTF-8 column) positions turned into string offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, col: int) -> int:
        raw = self.lines[line - 1].encode("utf-8")[:col]
        return self.starts[line - 1] + len(raw.decode("utf-8"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return start, end

    def of(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.text[start:end]


def _is_docstring(node: ast.stmt, body: Sequence[ast.stmt]) -> bool:
    return (
        bool(body)
        and node is body[0]
        and isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Finder:
    """Walks a module in source order and lists every mutant."""

    def __init__(self, source: _Source) -> None:
        self.src = source
        self.found: list[Mutant] = []
        self.scope: list[str] = []
        self.in_function = 0
        self.final_returns: set[int] = set()

    def add(
        self,
        node: ast.AST,
        start: int,
        end: int,
        replacement: str,
        op: str,
        before: str,
        after: str,
    ) -> None:
        self.found.append(
            Mutant(
                line=node.lineno,  # type: ignore[attr-defined]
                start=start,
                end=end,
                replacement=replacement,
                operator=op,
                before=_short(before),
                after=_short(after),
                scope=".".join(self.scope) or "<module>",
            )
        )

    # -- statements

    def body(self, stmts: Sequence[ast.stmt]) -> None:
        for stmt in stmts:
            self.stmt(stmt, stmts)

    def stmt(self, node: ast.stmt, body: Sequence[ast.stmt]) -> None:
        if _is_docstring(node, body):
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for deco in node.decorator_list:
                self.expr(deco)
            for default in (*node.args.defaults, *node.args.kw_defaults):
                if default is not None:
                    self.expr(default)
            self.scope.append(node.name)
            self.in_function += 1
            if isinstance(node.body[-1], ast.Return):  # removing it is `return None`
                self.final_returns.add(id(node.body[-1]))
            self.body(node.body)
            self.in_function -= 1
            self.scope.pop()
            return
        if isinstance(node, ast.ClassDef):
            for deco in node.decorator_list:
                self.expr(deco)
            self.scope.append(node.name)
            self.body(node.body)
            self.scope.pop()
            return
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Global | ast.Nonlocal):
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            self.body(node.orelse)
            return
        if isinstance(node, ast.Assign | ast.AnnAssign) and any(
            isinstance(t, ast.Name) and t.id == "__all__"
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        ):
            return
        if isinstance(node, ast.Assert):
            self.expr(node.test)  # the message is for the programmer only
            self.remove(node)
            return
        if (
            self.in_function
            and not isinstance(node, ast.Pass)
            and id(node) not in self.final_returns
        ):
            self.remove(node)
        if isinstance(node, ast.If) and not (
            isinstance(node.test, ast.UnaryOp) and isinstance(node.test.op, ast.Not)
        ):  # negating `if not x` is removing its `not`, a mutant already listed
            test = self.src.of(node.test)
            start, end = self.src.span(node.test)
            self.add(
                node,
                start,
                end,
                f"not ({test})",
                "negate-if",
                f"if {test}",
                f"if not ({test})",
            )
        if isinstance(node, ast.Return) and node.value is not None:
            value = node.value
            if not (isinstance(value, ast.Constant) and value.value is None):
                start, end = self.src.span(value)
                text = self.src.of(value)
                self.add(node, start, end, "None", "return-none", f"return {text}", "return None")
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add | ast.Sub):
            self.augassign(node)
        if isinstance(node, ast.AnnAssign):  # the annotation is not code
            if node.value is not None:
                self.expr(node.value)
            return
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "finalbody") and isinstance(value, list):
                self.body(value)
            elif name == "handlers":
                for handler in value:
                    if handler.type is not None:
                        self.expr(handler.type)
                    self.body(handler.body)
            elif name == "cases":
                for case in value:
                    if case.guard is not None:
                        self.expr(case.guard)
                    self.body(case.body)
            elif isinstance(value, ast.expr):
                self.expr(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.expr):
                        self.expr(item)
                    elif isinstance(item, ast.withitem):
                        self.expr(item.context_expr)

    def remove(self, node: ast.stmt) -> None:
        start, end = self.src.span(node)
        self.add(node, start, end, "pass", "remove", self.src.of(node), "pass")

    def augassign(self, node: ast.AugAssign) -> None:
        target_end = self.src.span(node.target)[1]
        value_start = self.src.span(node.value)[0]
        between = self.src.text[target_end:value_start]
        old, new = ("+=", "-=") if isinstance(node.op, ast.Add) else ("-=", "+=")
        if between.count(old) != 1:
            return
        text = self.src.of(node)
        self.add(
            node,
            target_end,
            value_start,
            between.replace(old, new),
            "arith",
            text,
            text.replace(old, new, 1),
        )

    # -- expressions

    def expr(self, node: ast.expr) -> None:
        if isinstance(node, ast.JoinedStr):
            return  # positions inside f-strings are not reliable before 3.12
        if isinstance(node, ast.Compare):
            self.compare(node)
        elif isinstance(node, ast.BoolOp):
            self.boolop(node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            self.binop(node)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            start, end = self.src.span(node)
            inner = self.src.of(node.operand)
            self.add(node, start, end, f"({inner})", "not", self.src.of(node), inner)
        elif isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Lambda):
            self.scope.append("<lambda>")
            self.in_function += 1
            self.expr(node.body)
            self.in_function -= 1
            self.scope.pop()
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child)
            elif isinstance(child, ast.comprehension):
                self.expr(child.iter)
                for cond in child.ifs:
                    self.expr(cond)
            elif isinstance(child, ast.keyword):
                self.expr(child.value)

    def compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        whole = self.src.of(node)
        start_whole = self.src.span(node)[0]
        for i, op in enumerate(node.ops):
            new = _COMPARE_SWAP.get(type(op))
            if new is None:
                continue
            lo = self.src.span(operands[i])[1]
            hi = self.src.span(operands[i + 1])[0]
            between = self.src.text[lo:hi]
            replaced, n = re.subn(_COMPARE_PATTERN[type(op)], _COMPARE_TEXT[new], between, count=1)
            if n != 1:
                continue
            after = whole[: lo - start_whole] + replaced + whole[hi - start_whole :]
            self.add(node, lo, hi, replaced, "compare", whole, after)

    def boolop(self, node: ast.BoolOp) -> None:
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        start, end = self.src.span(node)
        gaps = [
            (self.src.span(prev)[1], self.src.span(value)[0])
            for prev, value in zip(node.values, node.values[1:], strict=False)
        ]
        if any(len(re.findall(rf"\b{old}\b", self.src.text[lo:hi])) != 1 for lo, hi in gaps):
            return
        text = self.src.text[start:end]
        # Rebuild the whole expression with every operator swapped, keeping the
        # operands' text (and any parentheses around them) as written.
        out, cursor = [], start
        for lo, hi in gaps:
            out.append(self.src.text[cursor:lo])
            out.append(re.sub(rf"\b{old}\b", new, self.src.text[lo:hi], count=1))
            cursor = hi
        out.append(self.src.text[cursor:end])
        mutated = "".join(out)
        self.add(node, start, end, mutated, "boolop", text, mutated)

    def binop(self, node: ast.BinOp) -> None:
        lo = self.src.span(node.left)[1]
        hi = self.src.span(node.right)[0]
        between = self.src.text[lo:hi]
        old, new = ("+", "-") if isinstance(node.op, ast.Add) else ("-", "+")
        if between.count(old) != 1:
            return
        whole = self.src.of(node)
        start = self.src.span(node)[0]
        replaced = between.replace(old, new)
        after = whole[: lo - start] + replaced + whole[hi - start :]
        self.add(node, lo, hi, replaced, "arith", whole, after)

    def constant(self, node: ast.Constant) -> None:
        start, end = self.src.span(node)
        text = self.src.text[start:end]
        value = node.value
        if isinstance(value, bool):
            flipped = str(not value)
            self.add(node, start, end, flipped, "bool", text, flipped)
        elif isinstance(value, int):
            bigger = str(value + 1)
            self.add(node, start, end, bigger, "int", text, bigger)
        elif isinstance(value, str) and value:
            self.add(node, start, end, '""', "string", text, '""')


def find_mutants(text: str) -> list[Mutant]:
    """Every mutant of a module's source, in source order."""
    source = _Source(text)
    finder = _Finder(source)
    tree = ast.parse(text)
    finder.body(tree.body)
    plain = ast.dump(tree)
    out = []
    for m in sorted(finder.found, key=lambda m: (m.start, m.end, m.operator, m.replacement)):
        try:  # a mutant must be valid Python and differ from the original
            if ast.dump(ast.parse(apply(text, m))) != plain:
                out.append(m)
        except SyntaxError:
            pass
    return out


def keyed(mutants: Sequence[Mutant]) -> list[tuple[str, Mutant]]:
    """A stable name for each mutant, free of line numbers: ``scope: before -> after``,
    with ``#2``, ``#3`` for repeats in one scope."""
    seen: dict[str, int] = {}
    out = []
    for m in mutants:
        key = f"{m.scope}: {m.before} -> {m.after}"
        seen[key] = seen.get(key, 0) + 1
        out.append((key if seen[key] == 1 else f"{key} #{seen[key]}", m))
    return out


def apply(text: str, mutant: Mutant) -> str:
    return text[: mutant.start] + mutant.replacement + text[mutant.end :]


# -- the copy and the test runs ------------------------------------------------


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True).stdout


def make_copy(target: Path, rev: str | None, overlay: Sequence[str]) -> None:
    """Copy the project into ``target``: the working tree's files, or the tree of ``rev``."""
    target.mkdir(parents=True, exist_ok=True)
    if rev is None:
        names = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
        for name in sorted(set(names.decode().split("\0")) - {""}):
            src = ROOT / name
            if src.is_file():  # a file deleted in the working tree is still listed
                dest = target / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest)
    else:
        archive = _git("archive", "--format=tar", rev)
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    for name in overlay:
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest)


#: Loaded into pytest (``-p``) when hypothesis is installed: a failing example is
#: reported as found, not shrunk (shrinking only makes the report readable), and
#: no example database carries one mutant's failures over to the next.
_HYPOTHESIS_PLUGIN = """\
from hypothesis import Phase, settings

settings.register_profile(
    "mutate", database=None, phases=[Phase.explicit, Phase.reuse, Phase.generate]
)
settings.load_profile("mutate")
"""


def add_hypothesis_plugin(copy: Path) -> list[str]:
    """Put the plugin above in the copy; the pytest options that load it."""
    (copy / "_mutate_hypothesis.py").write_text(_HYPOTHESIS_PLUGIN, encoding="utf-8")
    return ["-p", "_mutate_hypothesis", "--hypothesis-seed=0"]


def _env(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(copy), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def module_name(path: str) -> str:
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def check_import(python: str, copy: Path, module: str) -> str:
    """The file ``module`` is imported from in the copy; Fatal if that is not the copy's."""
    code = "import importlib, sys; print(importlib.import_module(sys.argv[1]).__file__)"
    done = subprocess.run(
        [python, "-c", code, module], cwd=copy, env=_env(copy), capture_output=True, text=True
    )
    where = done.stdout.strip()
    if done.returncode != 0 or not Path(where).resolve().is_relative_to(copy.resolve()):
        raise Fatal(
            f"{module} is not imported from the copy {copy} "
            f"(got {where or done.stderr.strip()[-500:]!r}); expected a file inside it"
        )
    return where


#: The test runs under way, so that an interrupted run can stop them.
_LIVE: set[subprocess.Popen[str]] = set()
_LOCK = threading.Lock()


def _start(cmd: list[str], **options: Any) -> subprocess.Popen[str]:
    with _LOCK:  # each run in its own process group, to be stopped whole
        proc = subprocess.Popen(cmd, start_new_session=True, **options)
        _LIVE.add(proc)
    return proc


def _stop(proc: subprocess.Popen[str]) -> None:
    """Kill a test run we started, with any processes it started."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop_all() -> None:
    with _LOCK:
        for proc in list(_LIVE):
            _stop(proc)


def run_tests(
    python: str, copy: Path, tests: Sequence[str], timeout: float | None, extra: Sequence[str]
) -> tuple[str, float, str]:
    """Run the tests in ``copy``: (status, seconds, the end of pytest's output)."""
    cmd = [
        python,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        # beside the copy, not in it: paths under the working directory print relative
        f"--basetemp={copy.parent / (copy.name + '-tmp')}",
        *extra,
        *tests,
    ]
    began = time.monotonic()
    proc = _start(
        cmd,
        cwd=copy,
        env=_env(copy),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        proc.communicate()
        return "timeout", time.monotonic() - began, ""
    finally:
        with _LOCK:
            _LIVE.discard(proc)
    seconds = time.monotonic() - began
    tail = "\n".join(out.splitlines()[-15:])
    if proc.returncode == 0:
        return "survived", seconds, tail
    if proc.returncode in (4, 5):  # a usage error, or no tests collected
        return "unusable", seconds, tail
    return "killed", seconds, tail


# -- the run -------------------------------------------------------------------


def load_equivalent(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None:
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {module: dict(entries) for module, entries in data.items()}


def mutate_module(
    module: str, args: argparse.Namespace, copies: list[Path], equivalent: dict[str, str]
) -> ModuleReport:
    first = copies[0]
    original = (first / module).read_text(encoding="utf-8")
    every = keyed(find_mutants(original))
    report = ModuleReport(module=module, tests=list(args.tests), points=len(every))
    known = {key for key, _ in every}
    report.stale_equivalent = sorted(k for k in equivalent if k not in known)
    chosen = every
    if args.sample and args.sample < len(every):
        picks = random.Random(args.seed).sample(range(len(every)), args.sample)
        chosen = [every[i] for i in sorted(picks)]
    if args.list:
        for key, m in chosen:
            print(f"{module}:{m.line}: [{m.operator}] {m.before} -> {m.after}    ({key})")
        return report

    for copy in copies:
        check_import(args.python, copy, module_name(module))
    status, seconds, tail = run_tests(args.python, first, args.tests, None, args.pytest_args)
    if status != "survived":
        raise Fatal(f"the tests do not pass on the unmutated copy of {module}:\n{tail}")
    report.baseline_seconds = round(seconds, 2)
    timeout = args.timeout or max(10.0, 3 * seconds)
    print(
        f"{module}: {len(every)} mutants, running {len(chosen)}; "
        f"tests take {seconds:.1f} s unmutated, timeout {timeout:.0f} s",
        file=sys.stderr,
    )

    free: Queue[Path] = Queue()
    for copy in copies:
        free.put(copy)

    def one(item: tuple[int, tuple[str, Mutant]]) -> Outcome:
        n, (key, mutant) = item
        copy = free.get()
        target = copy / module
        try:
            target.write_text(apply(original, mutant), encoding="utf-8")
            status, seconds, tail = run_tests(
                args.python, copy, args.tests, timeout, args.pytest_args
            )
        finally:
            target.write_text(original, encoding="utf-8")
            free.put(copy)
        if status == "unusable":
            raise Fatal(f"pytest could not run the tests:\n{tail}")
        print(f"[{n}/{len(chosen)}] {mutant.shown}: {status} ({seconds:.1f} s)", file=sys.stderr)
        return Outcome(mutant, key, status, round(seconds, 2))

    pool = ThreadPoolExecutor(max_workers=len(copies))
    try:
        outcomes = list(pool.map(one, enumerate(chosen, start=1)))
    except BaseException:  # interrupted: no more mutants, and stop the ones running
        pool.shutdown(wait=False, cancel_futures=True)
        stop_all()
        raise
    pool.shutdown()

    for o in outcomes:
        report.run += 1
        shown = {"line": o.mutant.line, "mutation": o.mutant.shown, "key": o.key}
        if o.status == "survived":
            if o.key in equivalent:
                report.equivalent.append({**shown, "reason": equivalent[o.key]})
            else:
                report.survived.append(shown)
        else:
            report.killed += 1
            report.timeouts += o.status == "timeout"
            if o.key in equivalent:
                report.wrongly_equivalent.append(o.key)
    judged = report.run - len(report.equivalent)
    report.score = round(report.killed / judged, 4) if judged else None
    return report


def print_report(report: ModuleReport) -> None:
    print(f"{report.module}  (tests: {' '.join(report.tests)})")
    print(f"  mutation points: {report.points}; run: {report.run}")
    print(f"  killed: {report.killed} (of which timeouts: {report.timeouts})")
    print(f"  survived: {len(report.survived) + len(report.equivalent)}", end="")
    print(f" (equivalent: {len(report.equivalent)})")
    for s in report.survived:
        print(f"    {s['mutation']}")
        print(f"      key: {s['key']}")
    for s in report.equivalent:
        print(f"    {s['mutation']}  [equivalent: {s['reason']}]")
    for key in report.wrongly_equivalent:
        print(f"  listed as equivalent but killed: {key}")
    if report.score is not None:
        judged = report.run - len(report.equivalent)
        print(f"  score: {report.killed}/{judged} = {report.score:.1%}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Mutation testing of one or more modules against a pytest selection."
    )
    parser.add_argument("modules", nargs="+", help="module files, relative to the project root")
    parser.add_argument(
        "--tests", nargs="+", required=True, help="what pytest runs (files, node ids)"
    )
    parser.add_argument("--sample", type=int, default=0, help="mutants per module (0: all)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample (default 1)")
    parser.add_argument("--python", default=None, help="the interpreter with pytest installed")
    parser.add_argument(
        "--timeout", type=float, default=None, help="seconds per mutant (default: 3 × unmutated)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (one copy each)")
    parser.add_argument("--rev", default=None, help="copy this commit's tree, not the working tree")
    parser.add_argument(
        "--overlay", nargs="*", default=[], help="with --rev: working-tree files to copy over it"
    )
    parser.add_argument("--equivalent", type=Path, default=None, help="TOML of equivalent mutants")
    parser.add_argument("--fail-under", type=float, default=0.0, help="minimum score, e.g. 0.9")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--list", action="store_true", help="only list the sampled mutants")
    parser.add_argument("--keep", action="store_true", help="keep the copies (their paths printed)")
    parser.add_argument(
        "--pytest-args",
        default="",
        help='more pytest options, one string (e.g. "-k procedure"); with hypothesis, a fixed '
        "seed is always given, so that every mutant meets the same examples",
    )
    args = parser.parse_args(argv)
    if args.python is None:
        venv = Path("/work/venv/bin/python")
        args.python = str(venv) if venv.exists() else sys.executable
    args.hypothesis = _has_hypothesis(args.python)
    args.pytest_args = shlex.split(args.pytest_args)
    if args.overlay and args.rev is None:
        parser.error("--overlay needs --rev")
    return args


def _has_hypothesis(python: str) -> bool:
    probe = [python, "-c", "import hypothesis"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up as on Ctrl-C
    equivalent = load_equivalent(args.equivalent)
    modules = [
        str(Path(m).resolve().relative_to(ROOT)) if Path(m).is_absolute() else m
        for m in args.modules
    ]
    workdir = Path(tempfile.mkdtemp(prefix="mutate-"))
    copies = [workdir / f"copy{n}" for n in range(max(1, args.jobs))]
    reports: list[ModuleReport] = []
    try:
        for copy in copies:
            make_copy(copy, args.rev, args.overlay)
        if args.hypothesis:
            for copy in copies:
                options = add_hypothesis_plugin(copy)
            args.pytest_args = [*options, *args.pytest_args]
        for module in modules:
            if not (copies[0] / module).is_file():
                raise Fatal(
                    f"no module {module} in the copy; expected a path like casework/model/replay.py"
                )
            reports.append(mutate_module(module, args, copies, equivalent.get(module, {})))
    except Fatal as err:
        print(f"mutate: {err}", file=sys.stderr)
        return 2
    finally:
        stop_all()
        if args.keep:
            print(f"copies kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.list:
        return 0
    if args.json:
        print(
            json.dumps(
                {"seed": args.seed, "sample": args.sample, "modules": [asdict(r) for r in reports]},
                indent=2,
            )
        )
    else:
        for report in reports:
            print_report(report)
            for key in report.stale_equivalent:
                print(f"  equivalent entry matches no mutant: {key}")
    low = [r for r in reports if r.score is not None and r.score < args.fail_under]
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
