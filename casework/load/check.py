"""``casework check``: scenarios folders, case files and what-if files checked
against the rules, every problem reported with its file and line."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from casework.errors import CaseFileError, Problem, display_path
from casework.load.casebook import read_cases, read_context, read_folder, read_whatifs
from casework.load.folder import (
    PROCEDURE_FILE,
    SHARED_FILES,
    WHATIF_DIR,
    bundled_scenarios,
    case_files,
    real,
    scenarios_root,
    toml_files,
    whatif_files,
)
from casework.load.procedure_file import graph_problems
from casework.load.tomlfile import TomlFile
from casework.model.case import Case
from casework.model.evidence import Origin

__all__ = ["check_files", "date_warnings"]


def _check_whatif_file(path: Path, root: Path, problems: list[Problem]) -> None:
    """One what-if file, with the cases and the other what-ifs of its folder as bases."""
    ctx = read_context(root, problems)
    if ctx is None:
        return
    cases = read_cases(case_files(root), ctx, [])
    others = [f for f in whatif_files(root) if real(f) != real(path)]
    found: list[Problem] = []
    read_whatifs([*others, path], ctx, cases, found)
    mine = display_path(path)
    problems += [p for p in found if p.path == mine]


def _shared_root(file: Path) -> Path | None:
    """The scenarios folder of a procedure, people or documents file (or of a
    file in procedures/), or None when the file is not one of those."""
    if file.name in SHARED_FILES and (file.parent / PROCEDURE_FILE).is_file():
        return file.parent
    if file.parent.name == "procedures" and (file.parent.parent / PROCEDURE_FILE).is_file():
        return file.parent.parent
    return None


def _is_whatif(file: Path) -> bool:
    """A file in a whatif/ folder, or one with a [whatif] table."""
    if file.parent.name == WHATIF_DIR:
        return True
    try:
        data = TomlFile.read(file).data
    except CaseFileError:
        return False  # read again as a case file, which reports why
    return "whatif" in data and "case" not in data


def _check_case_file(path: Path, problems: list[Problem], default: Path) -> None:
    """One case file, against the scenarios folder it lies in (``default`` when it
    lies in none); in a cases/ folder, its id must differ from those of the files
    before it, as when the folder is checked whole."""
    found_root = scenarios_root(path)
    root = found_root or default
    ctx_problems: list[Problem] = []
    ctx = read_context(root, ctx_problems)
    problems += ctx_problems
    if ctx is None:
        return
    mine = real(path)
    siblings = [real(f) for f in case_files(root)] if found_root else []
    if mine not in siblings:
        read_cases([path], ctx, problems)
        return
    found: list[Problem] = []
    read_cases(case_files(root), ctx, found)  # in the order the folder's check reads them
    here = display_path(path)
    problems += [p for p in found if p.path == here]


def date_warnings(case: Case) -> list[Problem]:
    """A warning for each event certainly dated before an event that comes
    earlier in the case (the order of a case is its sequence; a source, or the
    sequence, may be wrong)."""
    out = []
    for ev, earlier in case.dates_out_of_order():
        where = ev.origin or Origin(display_path(case.origin), 0)
        out.append(
            Problem(
                where.path,
                where.line,
                f"event {ev.id!r} is dated {ev.date.display()}, before event {earlier.id!r} "
                f"({earlier.date.display()}), which comes earlier in the case",
                "expected dates in the order of the events; the order of a case is its "
                "sequence, so check the dates and the order",
            )
        )
    return out


def check_files(
    paths: Iterable[str | Path] = (),
    *,
    warnings: list[Problem] | None = None,
    scenarios: str | Path | None = None,
) -> tuple[list[Problem], int]:
    """Check scenarios folders, case files and what-if files; return (problems, files checked).
    Warnings (dates that run backwards within a case) go to ``warnings`` when given.

    A folder is checked whole; a single case file is checked against
    ``scenarios`` when given, else the scenarios folder it lies in (or the bundled
    one when it lies in none); a
    file in a ``whatif/`` folder, or with a ``[whatif]`` table, is checked as a
    what-if; procedure.toml, people.toml, documents.toml and procedures/*.toml
    check their scenarios folder; a subfolder of a scenarios folder (cases/,
    whatif/) checks each of its .toml files.
    """
    targets = [Path(p) for p in paths] or [Path(scenarios) if scenarios else bundled_scenarios()]
    default = Path(scenarios) if scenarios else bundled_scenarios()
    problems: list[Problem] = []
    checked = 0
    folders: set[Path] = set()

    def check_folder(path: Path) -> None:
        nonlocal checked
        if real(path) in folders:
            return
        folders.add(real(path))
        book, found = read_folder(path)
        problems.extend(found)
        for proc in book.procedures.values() if book else ():
            problems.extend(graph_problems(proc))  # unreachable states, traps
        if book is not None and warnings is not None:
            for case_id in sorted(book.cases):
                warnings.extend(date_warnings(book.cases[case_id]))
        checked += 3 + len(list(path.glob("procedures/*.toml"))) + len(case_files(path))
        checked += len(whatif_files(path))

    def check_file(path: Path) -> None:
        nonlocal checked
        if path.suffix != ".toml":
            problems.append(
                Problem.at(
                    path,
                    0,
                    "not a case file",
                    "expected a .toml case file, what-if or scenarios folder",
                )
            )
            return
        root = _shared_root(path)
        if root is not None:
            check_folder(root)
            return
        if path.name in SHARED_FILES:
            problems.append(
                Problem.at(
                    path,
                    0,
                    f"no {PROCEDURE_FILE} beside it",
                    f"expected {path.name} in a scenarios folder, next to {PROCEDURE_FILE}",
                )
            )
            return
        checked += 1
        if _is_whatif(path):
            root = Path(scenarios) if scenarios else scenarios_root(path) or default
            _check_whatif_file(path, root, problems)
        else:
            _check_case_file(path, problems, default)

    for path in targets:
        if path.is_dir() and not (path / PROCEDURE_FILE).is_file() and scenarios_root(path):
            unread: list[Problem] = []  # cases/ or whatif/ of a scenarios folder
            files = toml_files(path, "case files or what-ifs", unread)
            problems.extend(unread)
            if not files and not unread:
                problems.append(
                    Problem.at(
                        path,
                        0,
                        "no .toml files here",
                        "expected case files, what-ifs or a scenarios folder",
                    )
                )
            for file in files:
                check_file(file)
        elif path.is_dir():
            check_folder(path)
        elif not os.path.lexists(path):
            problems.append(
                Problem.at(
                    path, 0, "no such file or folder", "expected a case file or a scenarios folder"
                )
            )
        else:
            check_file(path)
    return list(dict.fromkeys(problems)), checked  # a file named twice: its problems once
