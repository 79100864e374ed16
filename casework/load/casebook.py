"""The casebook: a scenarios folder (procedure, people, documents, cases) loaded and checked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from casework.errors import (
    CaseFileError,
    InvalidUntil,
    Problem,
    UnknownCase,
    UnknownWhatIf,
    display_path,
)
from casework.load.cases import Context, read_case
from casework.load.documents import read_documents
from casework.load.folder import (
    FOLDER_EXPECTED,
    PROCEDURE_FILE,
    bundled_scenarios,
    case_files,
    find_scenarios,
    procedure_files,
    scenarios_root,
    whatif_files,
)
from casework.load.people import check_relations, read_people
from casework.load.procedure_file import read_procedure
from casework.load.tomlfile import TomlFile
from casework.load.whatif_file import read_whatif
from casework.model.case import Case
from casework.model.compare import Comparison, compare
from casework.model.dates import HistDate
from casework.model.documents import Document
from casework.model.people import Person
from casework.model.procedure import Procedure
from casework.model.replay import History, parse_until, replay
from casework.model.steps import IllegalTransition
from casework.model.whatif import Built, WhatIf, resolve_whatifs

__all__ = [
    "Casebook",
    "load_casebook",
    "load_whatif",
    "open_whatif",
    "read_cases",
    "read_context",
    "read_folder",
    "read_whatifs",
]


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
    #: Each what-if applied once, as the base of those built on it (a cache).
    built: Built = attrs.field(factory=Built, eq=False, repr=False, kw_only=True)
    #: The problems of a cases/ or whatif/ folder that could not be read (a
    #: file, a named pipe, no permission), by folder ("cases", "whatif").
    unread: Mapping[str, tuple[Problem, ...]] = attrs.field(
        factory=dict, converter=_read_only, kw_only=True
    )

    def case(self, case_id: str) -> Case:
        """The case with this id; UnknownCase lists the known ones, and
        CaseFileError gives the problems of a case file that did not load (or
        of the cases/ folder, when it could not be read)."""
        try:
            return self.cases[case_id]
        except KeyError:
            if case_id in self.broken:
                raise CaseFileError(list(self.broken[case_id])) from None
            if self.unread.get("cases"):
                raise CaseFileError(list(self.unread["cases"])) from None
            raise UnknownCase(case_id, sorted(self.cases)) from None

    def whatif(self, whatif_id: str) -> WhatIf:
        """The what-if with this id; UnknownWhatIf lists the known ones, and
        CaseFileError gives the problems of a what-if that did not load (or of
        the folders that could not be read: its own, or its base's)."""
        try:
            return self.whatifs[whatif_id]
        except KeyError:
            if whatif_id in self.broken:
                raise CaseFileError(list(self.broken[whatif_id])) from None
            if self.unread:
                raise CaseFileError([p for ps in self.unread.values() for p in ps]) from None
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
        elif until is not None and not isinstance(until, HistDate):
            if isinstance(until, bool) or not isinstance(until, int) or until < 0:
                raise InvalidUntil(
                    repr(until),
                    "is not an event number",
                    "expected a whole number from 0, a date, or a string such as '5' or '1921'",
                )
        return replay(case, self.procedure_of(case), until=until)

    def subject(self, name: str) -> tuple[History, WhatIf | None]:
        """A case's history, or a what-if's (replayed up to any illegal event) and
        the what-if; UnknownCase when ``name`` is neither."""
        if name in self.cases or name not in self.whatifs:
            if name not in self.cases and name not in self.broken and self.unread:
                raise CaseFileError([p for ps in self.unread.values() for p in ps])
            return self.replay(name), None
        whatif = self.whatifs[name]
        return replay(*whatif.build(self), strict=False), whatif

    def compare(self, whatif: WhatIf | str) -> Comparison:
        """Replay a what-if (or the what-if with this id) beside the history it changes.

        >>> book = load_casebook()
        >>> book.compare("no-intercession-alliluyeva").outcomes
        ('reinstated', 'pending')
        """
        return compare(self.whatif(whatif) if isinstance(whatif, str) else whatif, self)

    def person(self, person_id: str) -> Person:
        """A person or body by id."""
        return self.people[person_id]

    def name(self, person_id: str) -> str:
        """A person's display name (the id itself when unknown)."""
        person = self.people.get(person_id)
        return person.name if person else person_id


def read_context(root: Path, problems: list[Problem]) -> Context | None:
    procedures: dict[str, Procedure] = {}
    for file in procedure_files(root):
        try:
            proc = read_procedure(file)
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
    document_problems: list[Problem] = []
    try:
        documents.update(read_documents(root / "documents.toml"))
    except CaseFileError as err:
        document_problems.extend(err.problems)
    try:
        people.update(read_people(root / "people.toml", None if document_problems else documents))
    except CaseFileError as err:
        problems.extend(err.problems)
    problems.extend(document_problems)
    if not problems:
        problems.extend(check_relations(people, documents))  # their quotes, like events'
    if problems:
        return None
    return Context(procedures, people, documents)


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


def read_cases(
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
            origin = err.event.origin
            illegal = Problem(
                origin.path if origin else case.origin, origin.line if origin else 0, err.describe()
            )
            problems.append(illegal)
            _mark_broken(broken, [case.id, file.stem], [illegal])
            continue
        cases[case.id] = case
    return cases


def read_whatifs(
    files: Iterable[Path],
    ctx: Context,
    cases: Mapping[str, Case],
    problems: list[Problem],
    broken: dict[str, tuple[Problem, ...]] | None = None,
    built: Built | None = None,
) -> dict[str, WhatIf]:
    """What-if files read, then resolved together (a base may be another what-if);
    each is applied once, and kept in ``built`` when given."""
    incomplete = bool(problems)  # a case file failed: its what-ifs' bases are missing
    read: list[WhatIf] = []
    for file in files:
        try:
            read.append(read_whatif(file, ctx))
        except CaseFileError as err:
            problems.extend(err.problems)
            _mark_broken(broken, _ids_of(file, "whatif"), err.problems)
    found: list[Problem] = []
    good = resolve_whatifs(
        read, cases, ctx.procedures, found, cases_incomplete=incomplete, built=built
    )
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


def read_folder(root: Path) -> tuple[Casebook | None, list[Problem]]:
    """The casebook of a folder (None when its procedures, people or documents
    have problems) and every problem found."""
    problems: list[Problem] = []
    if root.is_file():
        return None, [Problem.at(root, 0, "is a file, not a folder", FOLDER_EXPECTED)]
    if not (root / PROCEDURE_FILE).is_file():
        what = "no such folder" if not root.exists() else f"no {PROCEDURE_FILE} here"
        return None, [Problem.at(root, 0, what, FOLDER_EXPECTED)]
    ctx = read_context(root, problems)
    if ctx is None:
        return None, problems
    broken: dict[str, tuple[Problem, ...]] = {}
    unread: dict[str, list[Problem]] = {"cases": [], "whatif": []}
    files = case_files(root, unread["cases"])
    whatif_paths = whatif_files(root, unread["whatif"])
    problems += unread["cases"] + unread["whatif"]
    cases = read_cases(files, ctx, problems, broken)
    built = Built()
    whatifs = read_whatifs(whatif_paths, ctx, cases, problems, broken, built)
    book = Casebook(
        root,
        ctx.procedures,
        ctx.people,
        ctx.documents,
        cases,
        whatifs,
        problems=tuple(problems),
        broken={k: v for k, v in broken.items() if k not in cases and k not in whatifs},
        built=built,
        unread={k: tuple(v) for k, v in unread.items() if v},
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
    book, problems = read_folder(root)
    if book is None or (problems and strict):
        raise CaseFileError(problems)
    return book


def load_whatif(path: Path, book: Casebook) -> WhatIf:
    """Read a what-if file from anywhere and check it against ``book`` (its base
    may be a case or one of the book's what-ifs). Raises CaseFileError: the
    file's own problems, or, when its base is a case or what-if of ``book``
    that did not load, that base's problems."""
    ctx = Context(book.procedures, book.people, book.documents)
    whatif = read_whatif(path, ctx)
    others = [w for w in book.whatifs.values() if w.id != whatif.id]
    problems: list[Problem] = []
    resolved = resolve_whatifs([*others, whatif], book.cases, book.procedures, problems)
    mine = [p for p in problems if p.path == display_path(path)]
    if whatif.base in book.broken and whatif.id not in resolved:
        raise CaseFileError(list(book.broken[whatif.base]))
    if mine or whatif.id not in resolved:
        raise CaseFileError(mine or problems)
    return whatif


def open_whatif(target: str, scenarios: str | Path | None = None) -> tuple[Casebook, WhatIf]:
    """A what-if named by id (in ``scenarios``, else the folder found from the
    working directory), or a what-if file anywhere, checked against ``scenarios``
    or else the scenarios folder it lies in (else the one found from the working
    directory); with the casebook it is checked against, whose other files'
    problems are in ``problems``."""
    path = Path(target)
    if target and (path.suffix == ".toml" or path.exists()):  # Path("") is "."
        root = scenarios or scenarios_root(path) or find_scenarios()[0]
        book = load_casebook(root, strict=False)
        return book, load_whatif(path, book)
    book = load_casebook(scenarios or find_scenarios()[0], strict=False)
    return book, book.whatif(target)
