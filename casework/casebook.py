"""The casebook: a scenarios folder (procedure, people, documents, cases) loaded and checked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from casework.cases import Case, Context, read_case
from casework.dates import HistDate
from casework.errors import CaseFileError, IllegalTransition, Problem, UnknownCase, UnknownName
from casework.paths import procedure_problems
from casework.people import Person, check_relations, read_people
from casework.procedure import Procedure
from casework.replay import History, replay
from casework.sources import Document, read_documents
from casework.whatif import WHATIF_DIR, WhatIf, read_whatif, resolve_whatifs

__all__ = ["Casebook", "bundled_scenarios", "check_paths", "load_casebook"]

PROCEDURE_FILE = "procedure.toml"


def bundled_scenarios() -> Path:
    """The scenarios folder shipped with casework.

    An installed wheel carries it as ``casework/_scenarios``; a source checkout
    (or an editable install) has it beside the package.
    """
    here = Path(__file__).resolve().parent
    installed = here / "_scenarios"
    return installed if installed.is_dir() else here.parent / "scenarios"


@attrs.frozen
class Casebook:
    """Everything in one scenarios folder, checked; immutable."""

    root: Path
    procedures: Mapping[str, Procedure]
    people: Mapping[str, Person]
    documents: Mapping[str, Document]
    cases: Mapping[str, Case]
    whatifs: Mapping[str, WhatIf] = attrs.field(factory=dict)

    def case(self, case_id: str) -> Case:
        """The case with this id; UnknownCase lists the known ones."""
        try:
            return self.cases[case_id]
        except KeyError:
            raise UnknownCase(case_id, sorted(self.cases)) from None

    def whatif(self, whatif_id: str) -> WhatIf:
        """The what-if with this id; UnknownName lists the known ones."""
        try:
            return self.whatifs[whatif_id]
        except KeyError:
            raise UnknownName("what-if", whatif_id, sorted(self.whatifs)) from None

    def procedure_of(self, case: Case) -> Procedure:
        """The procedure a case is replayed against."""
        return self.procedures[case.procedure]

    def replay(self, case_id: str, *, until: int | HistDate | str | None = None) -> History:
        """Replay a case; ``until`` is an event number, a date, or an EDTF string.

        >>> book = load_casebook()
        >>> book.replay("alliluyeva", until="1921-12-20").state
        'verification_requested'
        """
        case = self.case(case_id)
        if isinstance(until, str):
            until = HistDate.parse(until)
        return replay(case, self.procedure_of(case), until=until)

    def person(self, person_id: str) -> Person:
        """A person or body by id."""
        return self.people[person_id]

    def name(self, person_id: str) -> str:
        """A person's display name (the id itself when unknown)."""
        person = self.people.get(person_id)
        return person.name if person else person_id


def _context(root: Path, problems: list[Problem]) -> Context | None:
    procedures: dict[str, Procedure] = {}
    files = [root / PROCEDURE_FILE, *sorted((root / "procedures").glob("*.toml"))]
    for file in files:
        try:
            proc = Procedure.from_file(file)
        except CaseFileError as err:
            problems.extend(err.problems)
            continue
        if proc.id in procedures:
            problems.append(
                Problem.at(
                    file, 0, f"procedure id {proc.id!r} is defined twice", "expected unique ids"
                )
            )
        procedures[proc.id] = proc
    people: dict[str, Person] = {}
    documents: dict[str, Document] = {}
    try:
        people.update(read_people(root / "people.toml"))
    except CaseFileError as err:
        problems.extend(err.problems)
    try:
        documents.update(read_documents(root / "documents.toml"))
    except CaseFileError as err:
        problems.extend(err.problems)
    if not problems:
        problems.extend(check_relations(people, documents))  # their quotes, like events'
    if problems:
        return None
    return Context(procedures, people, documents)


def _case_files(root: Path) -> list[Path]:
    return sorted((root / "cases").glob("*.toml"))


def _read_cases(files: Iterable[Path], ctx: Context, problems: list[Problem]) -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for file in files:
        try:
            case = read_case(file, ctx)
        except CaseFileError as err:
            problems.extend(err.problems)
            continue
        if case.id in cases:
            problems.append(
                Problem.at(
                    file,
                    0,
                    f"case id {case.id!r} is also used by {cases[case.id].origin}",
                    "expected unique case ids",
                )
            )
            continue
        try:
            replay(case, ctx.procedures[case.procedure])
        except IllegalTransition as err:
            origin = err.event.origin  # type: ignore[attr-defined]
            problems.append(Problem(origin.path, origin.line, err.describe()))
            continue
        cases[case.id] = case
    return cases


def _whatif_files(root: Path) -> list[Path]:
    return sorted((root / WHATIF_DIR).glob("*.toml"))


def _read_whatifs(
    files: Iterable[Path], ctx: Context, cases: Mapping[str, Case], problems: list[Problem]
) -> dict[str, WhatIf]:
    """What-if files read, then resolved together (a base may be another what-if)."""
    incomplete = bool(problems)  # a case file failed: its what-ifs' bases are missing
    read: list[WhatIf] = []
    for file in files:
        try:
            read.append(read_whatif(file, ctx))
        except CaseFileError as err:
            problems.extend(err.problems)
    return resolve_whatifs(read, cases, ctx.procedures, problems, cases_incomplete=incomplete)


def _check_whatif_file(path: Path, root: Path, problems: list[Problem]) -> None:
    """One what-if file, with the cases and the other what-ifs of its folder as bases."""
    ctx = _context(root, problems)
    if ctx is None:
        return
    cases = _read_cases(_case_files(root), ctx, [])
    others = [f for f in _whatif_files(root) if f.resolve() != path.resolve()]
    found: list[Problem] = []
    _read_whatifs([*others, path], ctx, cases, found)
    mine = Problem.at(path, 0, "").path
    problems += [p for p in found if p.path == mine]


def _load(root: Path) -> tuple[Casebook | None, list[Problem]]:
    problems: list[Problem] = []
    if not (root / PROCEDURE_FILE).is_file():
        what = "no such folder" if not root.exists() else f"no {PROCEDURE_FILE} here"
        return None, [
            Problem.at(
                root,
                0,
                what,
                "expected a scenarios folder with procedure.toml, people.toml, "
                "documents.toml and cases/",
            )
        ]
    ctx = _context(root, problems)
    if ctx is None:
        return None, problems
    cases = _read_cases(_case_files(root), ctx, problems)
    whatifs = _read_whatifs(_whatif_files(root), ctx, cases, problems)
    book = Casebook(root, ctx.procedures, ctx.people, ctx.documents, cases, whatifs)
    return book, problems


def load_casebook(path: str | Path | None = None) -> Casebook:
    """Load and check a scenarios folder (the bundled one when ``path`` is None).

    Raises CaseFileError listing every problem found.

    >>> book = load_casebook()
    >>> sorted(book.cases)
    ['alliluyeva', 'kasparova-popova']
    """
    root = Path(path) if path is not None else bundled_scenarios()
    book, problems = _load(root)
    if problems or book is None:
        raise CaseFileError(problems)
    return book


def _scenarios_root(file: Path) -> Path | None:
    for parent in file.resolve().parents:
        if (parent / PROCEDURE_FILE).is_file():
            return parent
    return None


def check_paths(paths: Iterable[str | Path] = ()) -> tuple[list[Problem], int]:
    """Check scenarios folders, case files and what-if files; return (problems, files checked).

    A folder is checked whole; a single case file is checked against the
    scenarios folder it lies in (or the bundled one when it lies in none); a
    file in a ``whatif/`` folder is checked as a what-if.
    """
    targets = [Path(p) for p in paths] or [bundled_scenarios()]
    problems: list[Problem] = []
    checked = 0
    for path in targets:
        if path.is_dir():
            book, found = _load(path)
            problems += found
            for proc in book.procedures.values() if book else ():
                problems += procedure_problems(proc)  # unreachable states, traps
            checked += 3 + len(list(path.glob("procedures/*.toml"))) + len(_case_files(path))
            checked += len(_whatif_files(path))
            continue
        if not path.exists():
            problems.append(
                Problem.at(
                    path, 0, "no such file or folder", "expected a case file or a scenarios folder"
                )
            )
            continue
        root = _scenarios_root(path) or bundled_scenarios()
        if path.parent.name == WHATIF_DIR:
            _check_whatif_file(path, root, problems)
            checked += 1
            continue
        ctx_problems: list[Problem] = []
        ctx = _context(root, ctx_problems)
        problems += ctx_problems
        if ctx is not None:
            _read_cases([path], ctx, problems)
        checked += 1
    return problems, checked
