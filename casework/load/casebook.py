"""The casebook: a scenarios folder (procedure, people, documents, cases) loaded and checked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from casework.analysis.paths import procedure_problems
from casework.errors import (
    CaseFileError,
    IllegalTransition,
    InvalidUntil,
    Problem,
    UnknownCase,
    UnknownWhatIf,
    display_path,
)
from casework.load.cases import Case, Context, read_case
from casework.load.people import Person, check_relations, read_people
from casework.load.sources import Document, read_documents
from casework.load.tomlfile import TomlFile
from casework.model.dates import HistDate
from casework.model.procedure import Procedure
from casework.model.replay import History, replay
from casework.model.whatif import WHATIF_DIR, WhatIf, read_whatif, resolve_whatifs

__all__ = [
    "Casebook",
    "bundled_scenarios",
    "check_paths",
    "load_casebook",
    "parse_until",
    "scenarios_root",
]

PROCEDURE_FILE = "procedure.toml"
#: The files of a scenarios folder that every case shares (beside procedures/*.toml).
SHARED_FILES = (PROCEDURE_FILE, "people.toml", "documents.toml")
_FOLDER_EXPECTED = (
    "expected a scenarios folder with procedure.toml, people.toml, documents.toml and cases/"
)


def bundled_scenarios() -> Path:
    """The scenarios folder shipped with casework.

    An installed wheel carries it as ``casework/_scenarios``; a source checkout
    (or an editable install) has it beside the package.
    """
    here = Path(__file__).resolve().parent.parent  # the casework package
    installed = here / "_scenarios"
    return installed if installed.is_dir() else here.parent / "scenarios"


#: An event number: at most three digits, so that "1921" is a year.
_EVENT_NUMBER = re.compile(r"[0-9]{1,3}")


def parse_until(value: str) -> int | HistDate:
    """Where to stop a replay: 1–3 digits are an event number, anything else a date
    (EDTF) with an end; raise InvalidUntil otherwise.

    >>> parse_until("5")
    5
    >>> parse_until("1921").upper
    (1921, 12, 31)
    """
    if _EVENT_NUMBER.fullmatch(value):
        return int(value)
    try:
        date = HistDate.parse(value)
    except ValueError:
        raise InvalidUntil(
            value, "is neither an event number nor a date", "expected e.g. 5 or 1921-12-20"
        ) from None
    if date.upper is None:
        raise InvalidUntil(value, "has an open end", "expected a date with an end, e.g. 1921-12-20")
    return date


def _read_only(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy, so that a frozen casebook cannot be changed through its mappings.

    Not generic: the attrs mypy plugin cannot bind a generic converter's type variables.
    """
    return MappingProxyType(dict(mapping))


@attrs.frozen
class Casebook:
    """Everything in one scenarios folder, checked; immutable.

    Loaded with ``strict=False``, ``problems`` lists what is wrong with the case
    and what-if files that did not load, and ``broken`` maps the id of each
    (its file's name when the id cannot be read) to its file's problems.
    """

    root: Path
    procedures: Mapping[str, Procedure] = attrs.field(converter=_read_only)
    people: Mapping[str, Person] = attrs.field(converter=_read_only)
    documents: Mapping[str, Document] = attrs.field(converter=_read_only)
    cases: Mapping[str, Case] = attrs.field(converter=_read_only)
    whatifs: Mapping[str, WhatIf] = attrs.field(factory=dict, converter=_read_only)
    problems: tuple[Problem, ...] = ()
    broken: Mapping[str, tuple[Problem, ...]] = attrs.field(factory=dict, converter=_read_only)

    def case(self, case_id: str) -> Case:
        """The case with this id; UnknownCase lists the known ones, and
        CaseFileError gives the problems of a case file that did not load."""
        try:
            return self.cases[case_id]
        except KeyError:
            if case_id in self.broken:
                raise CaseFileError(list(self.broken[case_id])) from None
            raise UnknownCase(case_id, sorted(self.cases)) from None

    def whatif(self, whatif_id: str) -> WhatIf:
        """The what-if with this id; UnknownWhatIf lists the known ones, and
        CaseFileError gives the problems of a what-if that did not load."""
        try:
            return self.whatifs[whatif_id]
        except KeyError:
            if whatif_id in self.broken:
                raise CaseFileError(list(self.broken[whatif_id])) from None
            raise UnknownWhatIf(whatif_id, sorted(self.whatifs)) from None

    def procedure_of(self, case: Case) -> Procedure:
        """The procedure a case is replayed against."""
        return self.procedures[case.procedure]

    def replay(self, case_id: str, *, until: int | HistDate | str | None = None) -> History:
        """Replay a case; ``until`` is an event number, a date, or a string read by
        :func:`parse_until` ("5" is event 5, "1921" the year 1921).

        >>> book = load_casebook()
        >>> book.replay("alliluyeva", until="1921-12-20").state
        'verification_requested'
        """
        case = self.case(case_id)
        if isinstance(until, str):
            until = parse_until(until)
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


def _ids_of(file: Path, table: str) -> list[str]:
    """The names a file that did not load may be asked for: its id, when it can be
    read, and its file name."""
    names = []
    try:
        head = TomlFile.read(file).data.get(table)
    except CaseFileError:
        head = None
    if isinstance(head, Mapping) and isinstance(head.get("id"), str) and head["id"]:
        names.append(head["id"])
    if file.stem not in names:
        names.append(file.stem)
    return names


def _mark_broken(
    broken: dict[str, tuple[Problem, ...]] | None, names: Iterable[str], found: Iterable[Problem]
) -> None:
    if broken is None:
        return
    for name in dict.fromkeys(names):  # an id and a file name may be the same
        broken[name] = (*broken.get(name, ()), *found)


def _id_line(file: Path) -> int:
    """The line of ``id =`` in the [case] table of a file that has been read once."""
    try:
        return TomlFile.read(file).key_line("id", "case")
    except CaseFileError:  # pragma: no cover - the file was read a moment ago
        return 0


def _read_cases(
    files: Iterable[Path],
    ctx: Context,
    problems: list[Problem],
    broken: dict[str, tuple[Problem, ...]] | None = None,
) -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for file in files:
        try:
            case = read_case(file, ctx)
        except CaseFileError as err:
            problems.extend(err.problems)
            _mark_broken(broken, _ids_of(file, "case"), err.problems)
            continue
        if case.id in cases:
            # Blame the file not named for the id (a copied case file whose id was
            # not changed), so that the case named X stays the one in X.toml.
            earlier = Path(cases[case.id].origin)
            blamed, other = (file, earlier)
            if file.stem == case.id and earlier.stem != case.id:
                blamed, other = earlier, file
                del cases[case.id]
            duplicate = Problem.at(
                blamed,
                _id_line(blamed),
                f"case id {case.id!r} is also used by {display_path(other)}",
                "expected unique case ids (each file's own id, usually its name)",
            )
            problems.append(duplicate)
            _mark_broken(broken, [blamed.stem], [duplicate])
            if blamed == file:
                continue
        try:
            replay(case, ctx.procedures[case.procedure])
        except IllegalTransition as err:
            origin = err.event.origin  # type: ignore[attr-defined]
            illegal = Problem(origin.path, origin.line, err.describe())
            problems.append(illegal)
            _mark_broken(broken, [case.id, file.stem], [illegal])
            continue
        cases[case.id] = case
    return cases


def _whatif_files(root: Path) -> list[Path]:
    return sorted((root / WHATIF_DIR).glob("*.toml"))


def _read_whatifs(
    files: Iterable[Path],
    ctx: Context,
    cases: Mapping[str, Case],
    problems: list[Problem],
    broken: dict[str, tuple[Problem, ...]] | None = None,
) -> dict[str, WhatIf]:
    """What-if files read, then resolved together (a base may be another what-if)."""
    incomplete = bool(problems)  # a case file failed: its what-ifs' bases are missing
    read: list[WhatIf] = []
    for file in files:
        try:
            read.append(read_whatif(file, ctx))
        except CaseFileError as err:
            problems.extend(err.problems)
            _mark_broken(broken, _ids_of(file, "whatif"), err.problems)
    found: list[Problem] = []
    good = resolve_whatifs(read, cases, ctx.procedures, found, cases_incomplete=incomplete)
    problems += found
    if broken is not None:
        _mark_unresolved(read, good, found, broken)
    return good


def _mark_unresolved(
    read: list[WhatIf],
    good: Mapping[str, WhatIf],
    found: list[Problem],
    broken: dict[str, tuple[Problem, ...]],
) -> None:
    """Each what-if that did not resolve, with its own problems, or else (its base
    did not load) with its base's."""
    waiting = []
    for w in read:
        if w.id in good:
            continue
        path = w.origin.path if w.origin else ""
        own = [p for p in found if p.path == path]
        names = [w.id, Path(path).stem] if path else [w.id]
        if own:
            _mark_broken(broken, names, own)
        else:
            waiting.append((w, names))
    while waiting:  # a chain of bases: resolve from the broken end
        later = []
        for w, names in waiting:
            if w.base in broken:
                _mark_broken(broken, names, broken[w.base])
            else:
                later.append((w, names))
        if len(later) == len(waiting):
            break
        waiting = later


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
    """The casebook of a folder (None when its procedures, people or documents
    have problems) and every problem found."""
    problems: list[Problem] = []
    if root.is_file():
        return None, [Problem.at(root, 0, "is a file, not a folder", _FOLDER_EXPECTED)]
    if not (root / PROCEDURE_FILE).is_file():
        what = "no such folder" if not root.exists() else f"no {PROCEDURE_FILE} here"
        return None, [Problem.at(root, 0, what, _FOLDER_EXPECTED)]
    ctx = _context(root, problems)
    if ctx is None:
        return None, problems
    broken: dict[str, tuple[Problem, ...]] = {}
    cases = _read_cases(_case_files(root), ctx, problems, broken)
    whatifs = _read_whatifs(_whatif_files(root), ctx, cases, problems, broken)
    book = Casebook(
        root,
        ctx.procedures,
        ctx.people,
        ctx.documents,
        cases,
        whatifs,
        problems=tuple(problems),
        broken={k: v for k, v in broken.items() if k not in cases and k not in whatifs},
    )
    return book, problems


def load_casebook(path: str | Path | None = None, *, strict: bool = True) -> Casebook:
    """Load and check a scenarios folder (the bundled one when ``path`` is None).

    Raises CaseFileError listing every problem found. With ``strict=False``
    only problems in the procedures, people or documents raise: the case and
    what-if files that load are kept, and the problems of the others are in
    the casebook's ``problems`` (and, by id, in ``broken``).

    >>> book = load_casebook()
    >>> sorted(book.cases)
    ['alliluyeva', 'kasparova-popova']
    >>> load_casebook(strict=False).problems
    ()
    """
    root = Path(path) if path is not None else bundled_scenarios()
    book, problems = _load(root)
    if book is None or (problems and strict):
        raise CaseFileError(problems)
    return book


def scenarios_root(file: Path) -> Path | None:
    """The scenarios folder a file lies in (the nearest with procedure.toml), or None."""
    for parent in file.resolve().parents:
        if (parent / PROCEDURE_FILE).is_file():
            return parent
    return None


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


def _check_case_file(path: Path, problems: list[Problem]) -> None:
    """One case file, against the scenarios folder it lies in (the bundled one when
    it lies in none); in a cases/ folder, its id must differ from those of the
    files before it, as when the folder is checked whole."""
    found_root = scenarios_root(path)
    root = found_root or bundled_scenarios()
    ctx_problems: list[Problem] = []
    ctx = _context(root, ctx_problems)
    problems += ctx_problems
    if ctx is None:
        return
    mine = path.resolve()
    siblings = [f.resolve() for f in _case_files(root)] if found_root else []
    if mine not in siblings:
        _read_cases([path], ctx, problems)
        return
    found: list[Problem] = []
    _read_cases(_case_files(root), ctx, found)  # in the order the folder's check reads them
    here = Problem.at(path, 0, "").path
    problems += [p for p in found if p.path == here]


def check_paths(paths: Iterable[str | Path] = ()) -> tuple[list[Problem], int]:
    """Check scenarios folders, case files and what-if files; return (problems, files checked).

    A folder is checked whole; a single case file is checked against the
    scenarios folder it lies in (or the bundled one when it lies in none); a
    file in a ``whatif/`` folder, or with a ``[whatif]`` table, is checked as a
    what-if; procedure.toml, people.toml, documents.toml and procedures/*.toml
    check their scenarios folder; a subfolder of a scenarios folder (cases/,
    whatif/) checks each of its .toml files.
    """
    targets = [Path(p) for p in paths] or [bundled_scenarios()]
    problems: list[Problem] = []
    checked = 0
    folders: set[Path] = set()

    def check_folder(path: Path) -> None:
        nonlocal checked
        if path.resolve() in folders:
            return
        folders.add(path.resolve())
        book, found = _load(path)
        problems.extend(found)
        for proc in book.procedures.values() if book else ():
            problems.extend(procedure_problems(proc))  # unreachable states, traps
        checked += 3 + len(list(path.glob("procedures/*.toml"))) + len(_case_files(path))
        checked += len(_whatif_files(path))

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
            _check_whatif_file(path, scenarios_root(path) or bundled_scenarios(), problems)
        else:
            _check_case_file(path, problems)

    for path in targets:
        if path.is_dir() and not (path / PROCEDURE_FILE).is_file() and scenarios_root(path):
            files = sorted(path.glob("*.toml"))  # cases/ or whatif/ of a scenarios folder
            if not files:
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
        elif not path.exists():
            problems.append(
                Problem.at(
                    path, 0, "no such file or folder", "expected a case file or a scenarios folder"
                )
            )
        else:
            check_file(path)
    return list(dict.fromkeys(problems)), checked  # a file named twice: its problems once
