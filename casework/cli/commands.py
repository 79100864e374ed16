"""The commands: each a few lines that ask the library and hand the result to a view.

:data:`COMMANDS` maps a command's name to its handler; :mod:`casework.cli.main`
parses the command line, dispatches, and turns errors into exit codes.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
from rich.console import Console, Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.rule import Rule

from casework.errors import CaseFileError, CaseworkError, Problem, UnknownName, display_path
from casework.load.casebook import Casebook, load_casebook, open_whatif
from casework.load.check import check_files
from casework.load.folder import ENVIRONMENT, find_scenarios
from casework.model.dates import HistDate
from casework.model.replay import History
from casework.views.theme import HIDDEN, Block, plain, safe
from casework.views.timeline import Timeline

__all__ = ["COMMANDS", "EXIT_INPUT", "EXIT_OK", "EXIT_USAGE", "Streams"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


@attrs.frozen
class Streams:
    """Where a command writes (``out``, ``err``) and how ``--step`` waits between
    events: ``ask(prompt)`` returns "q" to stop, anything else to go on, and raises
    EOFError when the input has ended (the rest is shown without waiting)."""

    out: Console
    err: Console
    ask: Callable[[str], str]


Handler = Callable[[argparse.Namespace, Streams], int]


# -- helpers -------------------------------------------------------------------


def _folder(args: argparse.Namespace) -> Path:
    """The scenarios folder in use: --scenarios, $CASEWORK_SCENARIOS, the nearest
    one from the working directory upwards, or the bundled cases."""
    return find_scenarios(getattr(args, "scenarios", None))[0]


def _book(args: argparse.Namespace) -> Casebook:
    """The scenarios folder, with the case and what-if files that load: the
    problems of the others are in ``book.problems`` (see :func:`_warn`)."""
    return load_casebook(_folder(args), strict=False)


def _warn(book: Casebook, io: Streams, skip: str = "") -> None:
    """The problems of the files that did not load, as warnings (the command goes on)."""
    for p in book.problems:
        if p.path != skip:
            io.err.print(plain(f"warning: {p}"), soft_wrap=True)


def _incomplete(book: Casebook, io: Streams) -> int:
    """After a command about every case: the problems of the files that did not
    load, as errors (exit 1), or exit 0 when there are none."""
    for p in book.problems:
        io.err.print(plain(str(p)), soft_wrap=True)
    if len(book.problems) > 1:
        io.err.print(plain(f"{len(book.problems)} problems"), style="error")
    return EXIT_INPUT if book.problems else EXIT_OK


def _json(io: Streams, data: Any) -> None:
    """JSON on standard output: UTF-8 text where the output takes it (else ASCII
    with escapes), and never a character that acts on a terminal or hides."""
    utf = io.out.encoding.lower().replace("_", "-").startswith("utf")
    text = json.dumps(data, ensure_ascii=not utf, indent=2)
    # What acts on a terminal or hides is written as its \u escape (the same data);
    # json.dumps escapes the C0 controls, and a line break here is the layout's own.
    text = HIDDEN.sub(lambda m: m[0] if m[0] == "\n" else json.dumps(m[0])[1:-1], text)
    io.out.out(text, highlight=False)


def _inputs(book: Casebook, *named: str) -> list[Path]:
    """The files a command read: every file of the scenarios folder (procedures,
    people, documents, cases, what-ifs, sources) and any named on the command line."""
    return [p for p in book.root.rglob("*") if p.is_file()] + [Path(n) for n in named]


def _export(
    io: Streams, renderable: Any, path: str, title: str, what: str, inputs: list[Path]
) -> None:
    from casework.views.export import export  # only --export pays for it

    written = export(renderable, path, title=title, protect=inputs)
    io.out.print(plain(f"wrote {written} ({what})"), soft_wrap=True)


@contextmanager
def _progress(err: Console, what: str) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; else a callback that does nothing."""
    if not err.is_terminal:
        yield lambda *_: None
        return
    columns = [TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    if what == "importing":
        columns = [TextColumn(what), TextColumn("{task.completed:,} rows")]
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=None)

        def update(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


# -- the commands ----------------------------------------------------------------


def replay(args: argparse.Namespace, io: Streams) -> int:
    """``casework replay [CASE]``: the timeline, step by step, as JSON or exported."""
    book = _book(args)
    case_ids = [args.case] if args.case is not None else sorted(book.cases)
    histories = [book.replay(c, until=args.until) for c in case_ids]
    if args.case is not None:
        _warn(book, io)
    until = args.until if isinstance(args.until, HistDate) else None
    if until is not None and until.edtf.isdigit():  # 4 digits: not an event number
        io.err.print(
            plain(
                f"note: --until {until.edtf}: read as the year {int(until.edtf)} "
                "(an event number has 1-3 digits)"
            ),
            soft_wrap=True,
        )
    if args.export:
        parts: list[Any] = []
        for n, history in enumerate(histories):
            parts.extend([Rule(style="case.arrow")] if n else [])
            parts.append(Timeline(history, book, until=until))
        title = histories[0].case.title if args.case else "casework: " + ", ".join(case_ids)
        events = sum(len(h.steps) for h in histories)
        _export(io, Group(*parts), args.export, title, f"{events} events", _inputs(book))
    elif args.json:
        data = [h.to_mapping() for h in histories]
        _json(io, data[0] if args.case is not None else data)
    else:
        _print_timelines(io, book, histories, step=args.step, until=until)
    return EXIT_OK if args.case is not None else _incomplete(book, io)


def _print_timelines(
    io: Streams, book: Casebook, histories: list[History], *, step: bool, until: HistDate | None
) -> None:
    from casework.cli.terminal import PROMPT

    waiting = step  # for an answer between events (until q, or the input ends)
    for n, history in enumerate(histories):
        if n:
            io.out.rule(style="case.arrow")
        view = Timeline(history, book, until=until)
        if not step:
            io.out.print(view)
            continue
        io.out.print(view.heading())
        for i, event_step in enumerate(history.steps):
            io.out.print(view.step_view(event_step))
            if not waiting or i == len(history.steps) - 1:
                continue
            io.out.file.flush()  # the event is on the screen before the prompt
            try:
                answer = io.ask(PROMPT)
            except EOFError:
                waiting = False  # the input is closed: show the rest without waiting
                continue
            if answer.strip().lower() in ("q", "quit"):  # a line read from a pipe too
                stopped = book.replay(history.case.id, until=event_step.event.seq)
                io.out.print(Timeline(stopped, book).ending())
                return
        io.out.print(view.ending())


def list_cases(args: argparse.Namespace, io: Streams) -> int:
    """``casework list``: every case with its outcome, and the what-ifs on each."""
    from casework.analysis.listing import list_casebook
    from casework.views.listing import CaseTree

    book = _book(args)
    listing = list_casebook(book)
    if args.json:
        _json(io, [entry.to_mapping() for entry in listing])
    else:
        io.out.print(CaseTree(listing))
    return _incomplete(book, io)


def whatif(args: argparse.Namespace, io: Streams) -> int:
    """``casework whatif ID|FILE``: a what-if beside the history it changes."""
    from casework.views.whatif import WhatIfView

    book, scenario = open_whatif(args.whatif, args.scenarios or os.environ.get(ENVIRONMENT))
    own_file = scenario.origin.path if scenario.origin else ""
    _warn(book, io, skip=own_file if own_file == display_path(args.whatif) else "")
    comparison = book.compare(scenario)
    if args.json:
        _json(io, comparison.to_mapping())
    elif args.export:
        title = scenario.title or scenario.id
        _export(
            io, WhatIfView(comparison), args.export, title, scenario.id, _inputs(book, args.whatif)
        )
    else:
        io.out.print(WhatIfView(comparison))
    return EXIT_OK


def init(args: argparse.Namespace, io: Streams) -> int:
    """``casework init DIR``: a copy of the bundled scenarios folder to start from."""
    import shutil

    from casework.load.folder import bundled_scenarios

    target = Path(args.folder)
    if target.is_symlink() or (target.exists() and (not target.is_dir() or any(target.iterdir()))):
        raise CaseworkError(
            f"{target}: exists and is not an empty folder; expected a new or empty folder"
        )
    try:
        shutil.copytree(bundled_scenarios(), target, dirs_exist_ok=True)
    except OSError as err:
        raise CaseworkError(
            f"{target}: cannot create ({err.strerror or err}); expected a folder casework may write"
        ) from None
    cases = len(list((target / "cases").glob("*.toml")))
    io.out.print(
        plain(
            f"created {target}: a copy of the bundled scenarios ({cases} cases) to start from; "
            f"next: cd {target} && casework check"
        ),
        soft_wrap=True,
    )
    return EXIT_OK


def check(args: argparse.Namespace, io: Streams) -> int:
    """``casework check [PATH ...]``: every problem, or how many files are fine."""
    warnings: list[Problem] = []
    paths = args.paths or [_folder(args)]
    explicit = args.scenarios or os.environ.get(ENVIRONMENT)
    problems, checked = check_files(paths, warnings=warnings, scenarios=explicit)
    for w in warnings:
        io.err.print(plain(f"warning: {w}"), soft_wrap=True)
    if problems:
        raise CaseFileError(problems)
    io.out.print(plain(f"ok: {checked} file{'s' if checked != 1 else ''} checked, no problems"))
    return EXIT_OK


def paths(args: argparse.Namespace, io: Streams) -> int:
    """``casework paths``: the paths through the procedure to each outcome."""
    from casework.analysis.paths import LIMIT, paths_report
    from casework.views.paths import PathsView

    book = _book(args)
    _warn(book, io)
    proc_id = args.procedure or next(iter(book.procedures))  # procedure.toml's by default
    if proc_id not in book.procedures:
        raise UnknownName("procedure", proc_id, list(book.procedures))
    limit = LIMIT if args.limit is None else args.limit
    report = paths_report(book.procedures[proc_id], args.to, limit=limit)
    if args.json:
        _json(io, report.to_mapping())
    else:
        io.out.print(PathsView(report))
    return EXIT_OK


def diagram(args: argparse.Namespace, io: Streams) -> int:
    """``casework diagram [CASE]``: the procedure as Mermaid, a history's path marked."""
    from casework.views.diagram import diagram as mermaid

    book = _book(args)
    base = None  # a what-if's base history, drawn beside its own
    if args.case is not None:
        history, scenario = book.subject(args.case)
        subjects: list[Any] = [history]
        title = f"{scenario.title} ({scenario.id}): {history.outcome}" if scenario else ""
        base = book.compare(scenario).history if scenario else None
    else:
        subjects, title = [book.procedures[p] for p in sorted(book.procedures)], ""
    _warn(book, io)
    text = "\n".join(
        mermaid(s, format=args.format, title=title or None, full=args.full, base=base)
        for s in subjects
    )
    # Line by line, as any text from a file: the diagram's own line breaks stay.
    io.out.out("\n".join(safe(line) for line in text.split("\n")), end="", highlight=False)
    return EXIT_OK


def timeline(args: argparse.Namespace, io: Streams) -> int:
    """``casework timeline CASE ... --export FILE``: cases and what-ifs on one time axis."""
    from casework.views.chart import write_chart
    from casework.views.chart_layout import Subject, layout

    book = _book(args)
    subjects = []
    for name in args.cases:
        if name in book.cases or name not in book.whatifs:  # an unknown name: UnknownCase
            history = book.replay(name)
            label = f"case {name} · outcome: {history.outcome}"
            subjects.append(Subject(history, history.case.title, label))
            continue
        scenario = book.whatif(name)
        c = book.compare(scenario)
        label = f"what-if {name} on {scenario.base} · outcome: {c.outcome}"
        subjects.append(
            Subject(c.counterfactual, scenario.title or name, label, c, scenario.description)
        )
    _warn(book, io)
    title = subjects[0].title if len(subjects) == 1 else "Timelines: " + ", ".join(args.cases)
    chart = layout(subjects, book, title=title)
    written = write_chart(chart, args.export, protect=_inputs(book))
    events = sum(len(lane.marks) for lane in chart.lanes)
    io.out.print(plain(f"wrote {written} ({len(subjects)} lanes, {events} events)"), soft_wrap=True)
    return EXIT_OK


def show(args: argparse.Namespace, io: Streams) -> int:
    """``casework show [CASE]``: a case's (or what-if's) dossier."""
    from casework.views.dossier import Dossier

    book = _book(args)
    names = [args.case] if args.case is not None else sorted(book.cases)
    shown = [book.subject(name) for name in names]
    if args.case is not None:
        _warn(book, io)
    for n, (history, scenario) in enumerate(shown):
        if n:
            io.out.rule(style="case.arrow")
        question = f"{scenario.title} ({scenario.id})" if scenario else ""
        io.out.print(Dossier(history, book, whatif=question))
    return EXIT_OK if args.case is not None else _incomplete(book, io)


def browse(args: argparse.Namespace, io: Streams) -> int:
    """``casework browse [CASE]``: cases and what-ifs explored in a full-screen app."""
    from casework.views.browse import browse as explore  # only browse pays for Textual

    book: Casebook | None = None
    problems: tuple[Problem, ...] = ()
    try:
        book = _book(args)
    except CaseFileError as failed:  # the folder's own files: listed in the app
        problems = failed.problems
    if book is not None and args.case:
        book.subject(args.case)  # an unknown or broken case or what-if: exit 1, as elsewhere
    return explore(book, problems, start=args.case)


def _procedures(args: argparse.Namespace, io: Streams) -> Any:
    # Only the procedures are needed: a case or what-if file with problems is a warning.
    book = load_casebook(_folder(args), strict=False)
    _warn(book, io)
    return book.procedures


def import_archive(args: argparse.Namespace, io: Streams) -> int:
    """``casework import FILE --db ARCHIVE``: rows checked, then stored all or nothing."""
    from casework.analysis.archive import ImportFailed, import_file

    procedures = _procedures(args, io)
    try:
        with _progress(io.err, "importing") as update:
            report = import_file(args.file, args.db, procedures, progress=update)
    except ImportFailed as failed:
        for p in failed.problems:
            io.err.print(plain(str(p)), soft_wrap=True)
        io.err.print(plain(failed.summary()), style="error")
        return EXIT_INPUT
    io.out.print(Block(plain(report.describe())))
    return EXIT_OK


def stats(args: argparse.Namespace, io: Streams) -> int:
    """``casework stats --db ARCHIVE``: every case replayed and summarised."""
    from casework.analysis.archive_stats import archive_stats
    from casework.views.stats import StatsView

    procedures = _procedures(args, io)
    with _progress(io.err, "replaying") as update:
        summary = archive_stats(args.db, procedures, top=args.top, progress=update)
    if args.json:
        from casework.cli.archive_out import stream_json  # a key at a time: no big string

        stream_json(io.out, summary.parts())
    else:
        io.out.print(StatsView(summary, args.illegal))
    return EXIT_OK


def export_archive(args: argparse.Namespace, io: Streams) -> int:
    """``casework export --db ARCHIVE --xes FILE | --results FILE``."""
    from casework.cli.archive_out import export_archive as write

    return write(args, io.out, lambda: _procedures(args, io))


#: Every command, by the name it is called by.
COMMANDS: dict[str, Handler] = {
    "replay": replay,
    "list": list_cases,
    "whatif": whatif,
    "init": init,
    "check": check,
    "paths": paths,
    "diagram": diagram,
    "timeline": timeline,
    "show": show,
    "browse": browse,
    "import": import_archive,
    "stats": stats,
    "export": export_archive,
}
