"""Imports insert checked rows in batches: every row gets the verdict it gets
when rows are inserted one at a time, problems come in the order of the file,
and the counts are the same. A row of text is checked by a shorter path that
gives what the column-by-column path gives."""

from __future__ import annotations

import csv
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework import Casebook
from casework.analysis import archive
from casework.analysis.archive import ImportFailed, import_file
from casework.analysis.rows import COLUMNS, RowChecker

KINDS = ["expel", "appeal", "intercede", "reinstate", "nope"]


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["case_id", "seq", "event_id", "kind", "title"], *rows])
    return path


def outcome(path: Path, db: Path, book: Casebook) -> tuple[object, list[str]]:
    """What importing ``path`` into ``db`` reports, and the archive after it."""
    try:
        report: object = import_file(path, db, book.procedures)
    except ImportFailed as failed:
        report = ([str(p) for p in failed.problems], failed.bad_rows)
    if not db.exists():
        return report, []
    con = sqlite3.connect(db)
    try:
        return report, list(con.iterdump())
    finally:
        con.close()


def messy(rng: random.Random, n: int) -> list[list[str]]:
    """Rows of a few cases with repeated seqs, reused event ids, unknown kinds,
    titles that disagree and rows repeated exactly."""
    rows: list[list[str]] = []
    for _ in range(n):
        if rows and rng.random() < 0.15:
            rows.append(list(rng.choice(rows)))  # the same row again
            continue
        case = f"c{rng.randint(1, 4)}"
        rows.append(
            [
                case,
                str(rng.randint(1, 12)),
                f"e{rng.randint(1, 12)}",
                rng.choice(KINDS),
                rng.choice(["", "", "", "T1", "T2"]),
            ]
        )
    return rows


@pytest.mark.parametrize("seed", range(40))
def test_batches_give_the_verdicts_of_one_row_at_a_time(
    seed: int, tmp_path: Path, book: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    first = write(tmp_path / "first.csv", messy(rng, 40))
    second = write(tmp_path / "second.csv", messy(rng, 40))
    results = []
    for size in (1, 3, 7, 1000):
        monkeypatch.setattr(archive, "_BATCH", size)
        db = tmp_path / f"b{size}.sqlite"
        clean = write(tmp_path / "clean.csv", [[f"k{size}", "1", "e1", "expel", ""]])
        import_file(clean, db, book.procedures)  # an archive that exists: failures keep it
        results.append((outcome(first, db, book), outcome(second, db, book)))
    normalised = [
        [(r, [line.replace(f"k{size}", "k") for line in d]) for r, d in pair]
        for size, pair in zip((1, 3, 7, 1000), results, strict=True)
    ]
    assert all(n == normalised[0] for n in normalised[1:])


def test_problems_in_the_order_of_the_file_across_batches(
    tmp_path: Path, book: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clash found when a batch is inserted is reported before the bad rows read
    after it, though those were found first."""
    monkeypatch.setattr(archive, "_BATCH", 4)
    rows = [
        ["x", "1", "e1", "expel", ""],
        ["x", "1", "e9", "expel", ""],  # row 3: seq 1 again, another event id
        ["x", "2", "e1", "appeal", ""],  # row 4: event id e1 again
        ["x", "3", "e3", "nope", ""],  # row 5: a bad kind, found when read
        ["y", "1", "e1", "expel", ""],
        ["y", "1", "e1", "expel", ""],  # the same row: already there, no problem
    ]
    report, dump = outcome(write(tmp_path / "f.csv", rows), tmp_path / "a.sqlite", book)
    assert dump == []
    problems, bad = report  # type: ignore[misc]
    assert bad == 3
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{tmp_path}/f.csv:row 3",
        f"{tmp_path}/f.csv:row 4",
        f"{tmp_path}/f.csv:row 5",
    ]
    assert problems[1] == (
        f"{tmp_path}/f.csv:row 4: event id 'e1' is already used in case 'x' (seq 1); "
        "expected ids unique within a case"
    )


def test_the_first_fifty_problems_of_many_batches(
    tmp_path: Path, book: Casebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive, "_BATCH", 10)
    rows = [["x", "1", "e1", "expel", ""]] + [["x", "1", f"f{i}", "expel", ""] for i in range(99)]
    report, _ = outcome(write(tmp_path / "f.csv", rows), tmp_path / "a.sqlite", book)
    problems, bad = report  # type: ignore[misc]
    assert bad == 99
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{tmp_path}/f.csv:row {n}" for n in range(3, 53)
    ]


def test_a_file_imported_twice(tmp_path: Path, book: Casebook) -> None:
    rows = [
        [f"c{i // 5}", str(i % 5 + 1), f"e{i % 5 + 1}", "expel" if i % 5 == 0 else "appeal", ""]
        for i in range(2500)
    ]
    path = write(tmp_path / "f.csv", rows)
    db = tmp_path / "a.sqlite"
    first = import_file(path, db, book.procedures)
    again = import_file(path, db, book.procedures)
    assert (first.rows, first.added, first.present, first.cases_added) == (2500, 2500, 0, 500)
    assert (again.rows, again.added, again.present, again.cases_added) == (2500, 0, 2500, 0)


class Text(str):
    """Text that is not exactly a str: a row of it takes the column-by-column path."""


texts = st.sampled_from(
    [
        "",
        " ",
        "1",
        " 2 ",
        "07",
        "0",
        "x",
        "٣",
        "9" * 19,
        "1" * 18,
        "expel",
        "appeal ",
        "nope",
        "1921-09-01",
        "1921-02-30",
        "1917-07",
        "julian",
        "gregorian",
        "inferred",
        "stated",
        "reported",
        "why",
        "e-1",
        "bad id",
        "a;b",
        "purge-1921",
        "T",
    ]
)
rows = st.dictionaries(st.sampled_from([*COLUMNS, "other"]), texts, max_size=12)


@settings(max_examples=500, deadline=None)
@given(row=rows)
def test_a_row_of_text_is_checked_as_column_by_column(row: dict[str, str], book: Casebook) -> None:
    checker = RowChecker(book.procedures)
    assert checker.check(row) == checker.check({k: Text(v) for k, v in row.items()})
