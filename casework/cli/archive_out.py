"""What the command line writes out of an archive: ``casework export`` (an XES
event log, or each case's result as CSV or JSON Lines) and the JSON of
``casework stats --json``, streamed.

Kept apart from :mod:`casework.cli.commands`, which calls in here; nothing here
imports it. Heavy imports are made inside the functions, so that the parser,
which reads :func:`output_file`, stays quick to start.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

__all__ = ["export_archive", "output_file", "stream_json"]


def output_file(*suffixes: str) -> Callable[[str], str]:
    """An argparse type: a file name ending in one of ``suffixes``."""
    names = " or ".join(suffixes)

    def check(value: str) -> str:
        if not value.lower().endswith(suffixes):
            raise argparse.ArgumentTypeError(
                f"{value!r} does not end in {names}; expected e.g. archive{suffixes[0]}"
            )
        return value

    return check


def export_archive(
    args: argparse.Namespace, out: Any, procedures: Callable[[], Mapping[str, Any]]
) -> int:
    """``casework export --db ARCHIVE --xes FILE | --results FILE``: written as
    export writes its files (whole or not at all; never over the archive),
    streamed from the archive; ``procedures()`` gives the procedures (results
    only). Prints what was written to the console ``out``; returns 0."""
    from pathlib import Path

    from casework.views.export import write_text
    from casework.views.theme import plain

    tally: dict[str, int] = {}
    if args.xes:
        from casework.analysis.xes import xes_log

        written = write_text(args.xes, xes_log(args.db, tally), protect=[args.db])
        what = f"XES: {tally['traces']:,} traces, {tally['events']:,} events"
    else:
        from casework.analysis.results import results_text

        suffix = Path(args.results).suffix.lower()
        chunks = results_text(args.db, procedures(), suffix, tally)
        written = write_text(args.results, chunks, protect=[args.db])
        what = f"{tally['cases']:,} cases"
    out.print(plain(f"wrote {written} ({what})"), soft_wrap=True)
    return 0


def stream_json(console: Any, parts: Iterable[tuple[str, Any]]) -> None:
    """A JSON object written to ``console.file`` a key at a time, exactly as
    ``json.dumps(dict(parts), indent=2)`` and a line end would be; a value that
    is an iterator is written as a list, an item at a time. UTF-8 where the
    output takes it (else ASCII with escapes); what acts on a terminal or hides
    is written as its \\u escape (the same data), as the other commands' JSON."""
    import json

    from casework.views.theme import HIDDEN

    utf = console.encoding.lower().replace("_", "-").startswith("utf")
    write = console.file.write

    def dump(value: Any, indent: int) -> str:
        text = json.dumps(value, ensure_ascii=not utf, indent=2)
        text = HIDDEN.sub(lambda m: m[0] if m[0] == "\n" else json.dumps(m[0])[1:-1], text)
        return text.replace("\n", "\n" + " " * indent)

    first = True
    for key, value in parts:
        write(("{" if first else ",") + "\n  " + dump(key, 0) + ": ")
        first = False
        if not isinstance(value, Iterator):
            write(dump(value, 2))
            continue
        opened = False
        for item in value:
            write((",\n    " if opened else "[\n    ") + dump(item, 4))
            opened = True
        write("\n  ]" if opened else "[]")
    write("{}\n" if first else "\n}\n")
    console.file.flush()
