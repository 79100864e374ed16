"""Benchmark: what casework adds to start-up, of pytest and of Python.

    python benchmarks/bench_startup.py            # 20 runs of each command
    python benchmarks/bench_startup.py --runs 50

Times, each in a fresh process of this interpreter (which must have casework
installed, so that pytest loads its plugin), the median wall time of:

- ``python -m pytest -q -p no:cacheprovider test_empty.py`` on an empty test
  file in a temporary folder, against the same with ``-p no:casework``: what
  the plugin costs a project that has casework installed and does not use it
  (the target: at most 10 ms);
- ``python -c "import casework"`` against ``python -c "pass"``;
- ``casework --help`` against ``python -c "pass"``.

The commands run interleaved (one of each in turn, in an order that rotates,
``--runs`` rounds, after one round not counted that fills the bytecode caches),
so that a change in the machine's load touches all of them alike. Each is timed
in wall time (``time.perf_counter``) and in the CPU time of its process (user +
system, from ``getrusage``), which other programs sharing the machine inflate
much less. With ``--cold`` no process finds
cached bytecode (``PYTHONPYCACHEPREFIX`` names an empty folder and
``PYTHONDONTWRITEBYTECODE`` is set): each compiles every module it imports, as
on a first run after installing or editing. This is a script, not a test: the
figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

TARGET_MS = 10.0
PYTEST_FLAGS = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_empty.py"]


def casework_script() -> str:
    """The ``casework`` console script next to this interpreter."""
    name = "casework.exe" if os.name == "nt" else "casework"
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        if (folder / name).is_file():
            return str(folder / name)
    sys.exit(f"no casework console script next to {sys.executable}; install casework first")


def check_installed() -> None:
    """Stop unless casework is installed with its pytest entry point."""
    try:
        dist = importlib.metadata.distribution("casework")
    except importlib.metadata.PackageNotFoundError:
        sys.exit(f"casework is not installed for {sys.executable}; run pip install -e . first")
    if not any(ep.group == "pytest11" for ep in dist.entry_points):
        sys.exit("the installed casework has no pytest11 entry point")


def cpu_of_children() -> float:
    """Seconds of CPU time (user + system) this process's finished children used."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(
    command: list[str], folder: Path, env: dict[str, str], ok: set[int]
) -> tuple[float, float]:
    """Wall and CPU milliseconds one run of ``command`` takes; stops if it fails."""
    cpu, start = cpu_of_children(), time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, cpu_of_children() - cpu
    if done.returncode not in ok:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return wall * 1000, cpu * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (default 20)")
    parser.add_argument("--cold", action="store_true", help="no process finds cached bytecode")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    check_installed()

    py = sys.executable
    # Exit 5: pytest collected no tests, as expected of an empty file.
    commands: dict[str, tuple[list[str], set[int]]] = {
        "pytest": ([py, *PYTEST_FLAGS], {5}),
        "pytest -p no:casework": ([py, *PYTEST_FLAGS, "-p", "no:casework"], {5}),
        "import casework": ([py, "-c", "import casework"], {0}),
        "pass": ([py, "-c", "pass"], {0}),
        "casework --help": ([casework_script(), "--help"], {0}),
    }
    # Nothing from the caller's environment may load or disable plugins, or
    # decide whether bytecode is cached.
    ignored = {"PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD"}
    ignored |= {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}
    env = {key: value for key, value in os.environ.items() if key not in ignored}
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory(prefix="casework-startup-") as tmp:
        folder = Path(tmp)
        if args.cold:
            (folder / "no-pycache").mkdir()
            env |= {"PYTHONPYCACHEPREFIX": str(folder / "no-pycache")}
            env |= {"PYTHONDONTWRITEBYTECODE": "1"}
        (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # rootdir: here
        (folder / "test_empty.py").write_text("", encoding="utf-8")
        names = list(commands)
        for round_ in range(args.runs + 1):
            turn = round_ % len(names)
            for name in names[turn:] + names[:turn]:
                command, ok = commands[name]
                wall_ms, cpu_ms = time_once(command, folder, env, ok)
                if round_:  # the first round only fills the caches
                    wall[name].append(wall_ms)
                    cpu[name].append(cpu_ms)

    median_wall = {name: statistics.median(values) for name, values in wall.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    pairs = [
        ("pytest", "pytest -p no:casework"),
        ("import casework", "pass"),
        ("casework --help", "pass"),
    ]
    caches = "no cached bytecode" if args.cold else "cached bytecode"
    print(f"{py}, {caches}: median of {args.runs} runs each, in ms")
    print(f"{'':<18}{'wall time':>19}{'CPU time':>27}")
    print(f"{'command':<18}" + f"{'run':>9}{'baseline':>9}{'added':>9}" * 2 + "   baseline")
    for name, base in pairs:
        figures = ""
        for median in (median_wall, median_cpu):
            figures += (
                f"{median[name]:>9.1f}{median[base]:>9.1f}{median[name] - median[base]:>9.1f}"
            )
        print(f"{name:<18}{figures}   {base}")
    for what, median in (("wall", median_wall), ("CPU", median_cpu)):
        added = median["pytest"] - median["pytest -p no:casework"]
        verdict = "within" if added <= TARGET_MS else "over"
        target = f"{verdict} the {TARGET_MS:.0f} ms target"
        print(f"the plugin adds {added:.1f} ms of {what} time to pytest: {target}")


if __name__ == "__main__":
    main()
