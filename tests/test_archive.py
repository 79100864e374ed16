"""Archives: importing CSV and JSON Lines, bad rows, idempotence, crashes, and stats."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import casework
from casework import Casebook
from casework.analysis.archive import import_file
from casework.analysis.archive_stats import archive_stats
from casework.analysis.rows import COLUMNS, MAX_FIELD, MAX_ROW, RowChecker
from casework.model.dates import HistDate

from .conftest import CLIResult

HERE = Path(__file__).parent
SMALL = HERE / "archive" / "small.csv"

Cli = Callable[..., CLIResult]


def dump(db: Path) -> list[str]:
    """Everything in an archive, as SQL."""
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


FIRST = Path(__file__).parent / "procedures" / "purge-1921-first.toml"


@pytest.fixture(autouse=True)
def first_procedure(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The archive tests pin the archive, not the bundled procedure of the day: the
    command line reads a scenarios folder whose only procedure is the first
    release's (tests/procedures/purge-1921-first.toml), found through
    $CASEWORK_SCENARIOS."""
    folder = tmp_path_factory.mktemp("first") / "scenarios"
    shutil.copytree(casework.bundled_scenarios(), folder)
    shutil.copy(FIRST, folder / "procedure.toml")
    shutil.rmtree(folder / "procedures")
    shutil.rmtree(folder / "whatif")
    monkeypatch.setenv("CASEWORK_SCENARIOS", str(folder))
    return folder


@pytest.fixture(name="book")
def fixture_first_book(first_procedure: Path) -> Casebook:
    """The casebook of that folder, for the API calls."""
    return casework.load_casebook(first_procedure)


@pytest.fixture(name="db")
def fixture_db(tmp_path: Path) -> Path:
    """Where a test's archive goes (not created yet)."""
    return tmp_path / "archive.sqlite"


@pytest.fixture(name="small_db")
def fixture_small_db(cli: Cli, db: Path) -> Path:
    """An archive holding tests/archive/small.csv."""
    assert cli("import", str(SMALL), "--db", str(db)).code == 0
    return db


class TestImport:
    def test_csv(self, cli: Cli, db: Path) -> None:
        """A CSV file's rows become cases and events, with dates' New Style bounds."""
        result = cli("import", str(SMALL), "--db", str(db))
        assert (result.code, result.err) == (0, "")
        assert result.out == (
            "tests/archive/small.csv: 17 rows; 17 events added (6 new cases); 0 already in\n"
            "the archive\n"
        )
        con = sqlite3.connect(db)
        assert con.execute("SELECT * FROM cases WHERE case_id = 'a-001'").fetchone() == (
            "a-001",
            "purge-1921",
            "Ivanov I. I.",
        )
        assert con.execute(
            "SELECT event_id, kind, date, calendar, actors, ns_from, ns_to FROM events "
            "WHERE case_id = 'a-005' ORDER BY seq"
        ).fetchall() == [
            ("expelled", "expel", "../1921-12-20", "gregorian", "", None, "1921-12-20"),
            ("note", "background", "1917-07", "julian", "", "1917-07-14", "1917-08-13"),
        ]

    def test_jsonl(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """JSON Lines rows may give actors as a list; blank lines are skipped."""
        file = tmp_path / "cases.jsonl"
        file.write_text(
            '{"case_id": "j-1", "seq": 1, "event_id": "x", "kind": "expel", '
            '"date": "1921-10-03", "actors": ["district", "gubernia"]}\n'
            "\n"
            '{"case_id": "j-1", "seq": 2, "event_id": "y", "kind": "appeal", "title": "J"}\n',
            encoding="utf-8",
        )
        result = cli("import", str(file), "--db", str(db))
        assert result.code == 0, result
        con = sqlite3.connect(db)
        assert con.execute("SELECT seq, actors, ns_from FROM events ORDER BY seq").fetchall() == [
            (1, "district;gubernia", "1921-10-03"),
            (2, "", None),
        ]
        assert con.execute("SELECT title FROM cases").fetchall() == [("J",)]

    def test_twice_changes_nothing(self, cli: Cli, small_db: Path) -> None:
        """Importing the same file again adds nothing and changes nothing."""
        before = dump(small_db)
        result = cli("import", str(SMALL), "--db", str(small_db))
        assert result.code == 0
        assert "0 events added (0 new cases); 17 already in" in result.out
        assert dump(small_db) == before

    def test_new_events_for_known_cases(self, cli: Cli, small_db: Path, tmp_path: Path) -> None:
        """A later file may add events to a case already imported; nothing is lost."""
        more = write_csv(
            tmp_path / "more.csv",
            [
                ["case_id", "seq", "event_id", "kind", "date"],
                ["a-005", "3", "appeal", "appeal", "1922-01-10"],
            ],
        )
        before = set(dump(small_db))
        assert cli("import", str(more), "--db", str(small_db)).code == 0
        after = set(dump(small_db))
        assert before <= after and len(after - before) == 1


BAD_CSV = textwrap.dedent("""\
    case_id,seq,event_id,kind,date,calendar
    b-1,1,e1,expel,1921-10-03,
    b-1,2,e2,reinstat,1921-10-04,
    b-1,x,e3,appeal,,
    b-1,3,e3,appeal,1921-02-30,
    b-1,4,e4,appeal,1921-10-05,,extra
    b-1,5,e5
    b-1,6,e1,appeal,,
    b-1,7,e7,appeal,1921-10,jewish
    a-001,1,expelled,expel,1921-10-04,
    ,8,e8,appeal,,
""")


class TestBadRows:
    def test_each_bad_row_by_number(self, cli: Cli, small_db: Path, tmp_path: Path) -> None:
        """Every bad row is reported by its row number (the header is row 1), and
        nothing of the file is imported."""
        bad = tmp_path / "bad.csv"
        bad.write_text(BAD_CSV, encoding="utf-8")
        before = dump(small_db)
        result = cli("import", str(bad), "--db", str(small_db), width=400)
        assert result.code == 1
        where = str(bad)
        assert result.err.splitlines() == [
            f"{where}:row 3: unknown kind 'reinstat'; expected one of: expel, appeal, intercede, "
            "request_verification, request_information, schedule_hearing, cancel_hearing, "
            "reinstate, reinstate_as_candidate, uphold, annul, background",
            f"{where}:row 4: seq 'x' is not a positive whole number; expected 1, 2, 3, ... "
            "in the order of the case",
            f"{where}:row 5: date '1921-02-30' is not a real day; expected a day that exists "
            "in the calendar",
            f"{where}:row 6: 7 fields, more than the 6 columns of the header; expected one "
            "field per column (quote fields that hold commas)",
            f"{where}:row 7: 3 fields, fewer than the 6 columns of the header; expected one "
            "field per column (quote fields that hold commas)",
            f"{where}:row 8: event id 'e1' is already used in case 'b-1' (seq 1); expected ids "
            "unique within a case",
            f"{where}:row 9: calendar 'jewish' is not known; expected one of: gregorian, julian",
            f"{where}:row 10: case 'a-001' seq 1 is already in the archive (or earlier in this file) with another date; "
            "expected the same row again or a new seq; rows imported are never changed",
            f"{where}:row 11: case_id is empty; expected a case_id on every row",
            "9 bad rows; nothing was imported",
        ]
        assert result.out == ""
        assert dump(small_db) == before

    def test_header(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """Unknown and missing columns are reported once, at row 1; no archive is left."""
        bad = write_csv(
            tmp_path / "h.csv", [["case_id", "seq", "kind", "colour"], ["a", "1", "expel", "red"]]
        )
        result = cli("import", str(bad), "--db", str(db), width=400)
        assert result.code == 1
        assert result.err.splitlines() == [
            f"{bad}:row 1: column 'colour' is not known; column 'event_id' is missing; "
            "expected columns case_id, seq, event_id, kind and any of: date, calendar, "
            "date_basis, actors, recipients, summary, source, locator, quote, basis, "
            "reasoning, note, account_of, refers_to, title, procedure",
            "1 bad row; nothing was imported",
        ]
        assert not db.exists()

    def test_jsonl_lines(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """JSON Lines problems are reported by line: not JSON, not an object, unknown or
        mistyped keys."""
        bad = tmp_path / "bad.jsonl"
        bad.write_text(
            '{"case_id": "j", "seq": 1, "event_id": "x", "kind": "expel"}\n'
            "[1]\n"
            '{"case_id": "j", "seq": 2, "event_id": "y", "kind": "appeal", "colour": 1}\n'
            "{bad\n"
            '{"case_id": "j", "seq": true, "event_id": "z", "kind": "appeal"}\n'
            '{"case_id": "j", "seq": 3, "event_id": "z", "kind": "appeal", "summary": 7}\n',
            encoding="utf-8",
        )
        result = cli("import", str(bad), "--db", str(db), width=400)
        assert result.code == 1
        assert result.err.splitlines() == [
            f"{bad}:line 2: a JSON list, not an object; expected one JSON object per line",
            f"{bad}:line 3: key 'colour' is not known; expected columns case_id, seq, "
            "event_id, kind and any of: date, calendar, date_basis, actors, recipients, "
            "summary, source, locator, quote, basis, reasoning, note, account_of, refers_to, title, procedure",
            f"{bad}:line 4: not valid JSON (Expecting property name enclosed in double "
            "quotes); expected one JSON object per line",
            f"{bad}:line 5: seq true is not a positive whole number; expected 1, 2, 3, ... "
            "in the order of the case",
            f"{bad}:line 6: summary is 7, not text; expected summary as a string",
            "5 bad rows; nothing was imported",
        ]

    def test_many_bad_rows_are_counted(self, db: Path, tmp_path: Path, book: Casebook) -> None:
        """Past 50 problems an import only counts them."""
        from casework.analysis.archive import ImportFailed

        rows = [["case_id", "seq", "event_id", "kind"]]
        rows += [["c", str(n), f"e{n}", "nope"] for n in range(1, 121)]
        with pytest.raises(ImportFailed) as failed:
            import_file(write_csv(tmp_path / "many.csv", rows), db, book.procedures)
        assert (len(failed.value.problems), failed.value.bad_rows) == (50, 120)

    def test_not_a_file_type(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """Only .csv, .jsonl and .xes files are imported."""
        other = tmp_path / "cases.xlsx"
        other.write_text("", encoding="utf-8")
        result = cli("import", str(other), "--db", str(db), width=200)
        assert (result.code, result.err) == (
            1,
            f"casework: {other}: cannot import a .xlsx file; expected a .csv, .jsonl or .xes file\n",
        )

    def test_archive_in_a_missing_folder(self, cli: Cli, tmp_path: Path) -> None:
        """An archive path whose folder does not exist is one line, exit 1, nothing made."""
        source = write_csv(tmp_path / "cases.csv", [["x-1", "1", "e1", "expel", ""]])
        db = tmp_path / "nowhere" / "a.sqlite"
        result = cli("import", str(source), "--db", str(db), width=200)
        assert (result.code, result.err) == (
            1,
            f"casework: {db}: folder {db.parent} does not exist; "
            "expected an archive path in an existing folder\n",
        )
        assert not db.parent.exists()


def big_csv(path: Path, cases: int) -> Path:
    rows = [["case_id", "seq", "event_id", "kind", "date"]]
    for c in range(cases):
        rows += [
            [f"n{c:05d}", "1", "e1", "expel", "1921-09-01"],
            [f"n{c:05d}", "2", "e2", "appeal", "1921-09-10"],
        ]
    return write_csv(path, rows)


class TestInterrupted:
    def test_interrupt_leaves_archive_as_it_was(
        self, small_db: Path, tmp_path: Path, book: Casebook
    ) -> None:
        """An import stopped part-way (here by Ctrl-C after 5,000 rows) writes nothing."""
        file = big_csv(tmp_path / "big.csv", 4000)
        before = dump(small_db)

        def interrupt(n: int) -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            import_file(file, small_db, book.procedures, progress=interrupt)
        assert dump(small_db) == before

    def test_killed_process_leaves_archive_as_it_was(self, small_db: Path, tmp_path: Path) -> None:
        """A process killed (SIGKILL) in the middle of an import leaves the archive as
        it was: SQLite rolls the half-written transaction back."""
        file = big_csv(tmp_path / "big.csv", 4000)
        before = dump(small_db)
        script = textwrap.dedent(f"""
            import os, signal
            import casework
            from casework.analysis.archive import import_file
            procedures = casework.load_casebook(__import__('os').environ['CASEWORK_SCENARIOS']).procedures
            def kill(n):
                os.kill(os.getpid(), signal.SIGKILL)
            import_file({str(file)!r}, {str(small_db)!r}, procedures, progress=kill)
        """)
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False)
        assert done.returncode == -9, done.stderr
        assert dump(small_db) == before


STATS_80 = """\
Archive archive.sqlite: 6 cases, 17 events (procedure purge-1921)

Outcomes
  expulsion_upheld      1  16.7%
  reinstated            2  33.3%
  reinstated_candidate  1  16.7%
  pending               1  16.7%
  illegal               1  16.7%

Most common paths (4 of 4 distinct, of 5 legal histories)
  2  40.0%  member → expelled → appealed → reinstated
  1  20.0%  member → expelled → intercession → expulsion_upheld
  1  20.0%  member → expelled
  1  20.0%  member → expelled → appealed → hearing_scheduled →
            reinstated_candidate

Days from expulsion to outcome (cases with both events dated to the day)
  outcome               cases  median  mean  min  max
  reinstated                2    53.5  53.5   30   77
  reinstated_candidate      1      36    36   36   36
  all                       3      36  47.7   30   77

Conformance
  accepted    5 of 6 cases (83.3%)
  variants    4 distinct paths (most common above)
  deviations  1 distinct:
    1  reinstate after 'expelled': missing appeal (e.g. a-004)

Illegal histories (1)
  case 'a-004': event 'candidate' (reinstate) cannot follow state 'expelled';
  allowed here: appeal, intercede, request_verification (seq 2)
    repair: probably missing: an event of kind appeal between events 1 and 2;
    with it the history is legal (or 3 other repairs as small)
"""


class TestStats:
    def test_text_at_80_columns(
        self, cli: Cli, small_db: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Outcomes, paths, days to outcome, conformance and illegal histories with
        their repairs, in 80 columns; no progress bar when stderr is not a terminal."""
        monkeypatch.chdir(small_db.parent)
        result = cli("stats", "--db", "archive.sqlite")
        assert (result.code, result.err) == (0, "")
        assert result.out == STATS_80
        assert max(len(line) for line in result.out.splitlines()) <= 80

    def test_json(self, cli: Cli, small_db: Path) -> None:
        """--json gives the same figures, and every illegal history in full with its
        repairs."""
        result = cli("stats", "--db", str(small_db), "--json")
        assert result.code == 0
        data = json.loads(result.out)
        assert (data["cases"], data["events"], data["procedures"]) == (6, 17, ["purge-1921"])
        assert data["outcomes"] == {
            "expulsion_upheld": 1,
            "reinstated": 2,
            "reinstated_candidate": 1,
            "pending": 1,
            "illegal": 1,
        }
        assert data["paths"][0] == {
            "states": ["member", "expelled", "appealed", "reinstated"],
            "cases": 2,
        }
        assert data["days_to_outcome"][-1] == {
            "outcome": "all",
            "cases": 3,
            "median": 36,
            "mean": 47.7,
            "min": 30,
            "max": 77,
        }
        repairs = [r["message"] for r in data["illegal"][0].pop("repair")["repairs"]]
        assert data["illegal"] == [
            {
                "case": "a-004",
                "seq": 2,
                "event": "candidate",
                "kind": "reinstate",
                "state": "expelled",
                "allowed": ["appeal", "intercede", "request_verification"],
                "unmet": "",
                "message": "case 'a-004': event 'candidate' (reinstate) cannot follow state "
                "'expelled'; allowed here: appeal, intercede, request_verification",
            }
        ]
        assert repairs == [
            "probably missing: an event of kind appeal between events 1 and 2; with it the "
            "history is legal",
            "probably missing: an event of kind intercede between events 1 and 2; with it the "
            "history is legal",
            "probably missing: an event of kind request_verification between events 1 and 2; "
            "with it the history is legal",
            "event 2 'candidate' (reinstate) does not fit here; without it the history is legal",
        ]
        assert data["conformance"]["deviations"] == [
            {
                "kind": "reinstate",
                "state": "expelled",
                "repair": "missing appeal",
                "cases": 1,
                "example": "a-004",
            }
        ]

    def test_bundled_cases_through_an_archive(
        self, cli: Cli, book: Casebook, db: Path, tmp_path: Path
    ) -> None:
        """The two letters' cases, exported row by row and imported, replay to the
        outcomes and paths replay gives them."""
        file = tmp_path / "letters.jsonl"
        with file.open("w", encoding="utf-8") as f:
            for case in book.cases.values():
                for ev in case.events:
                    row = ev.to_mapping()
                    row = {k: v for k, v in row.items() if k in COLUMNS}
                    row.update(case_id=case.id, event_id=ev.id, title=case.title)
                    if row["date"] == "../..":
                        row["date"] = ""
                    if row["quote"] is None:
                        del row["quote"]
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        assert cli("import", str(file), "--db", str(db)).code == 0
        stats = archive_stats(db, book.procedures)
        assert dict(stats.outcomes) == {"reinstated": 2}
        assert dict(stats.paths) == {book.replay(c).states: 1 for c in book.cases}
        assert len(stats.paths) == 2

    def test_missing_archive(self, cli: Cli, tmp_path: Path) -> None:
        """A missing archive is an input error, not a new empty one."""
        result = cli("stats", "--db", str(tmp_path / "none.sqlite"), width=200)
        assert result.code == 1
        assert result.err == (
            f"casework: {tmp_path / 'none.sqlite'}: no such archive; expected a file made "
            "by casework import\n"
        )
        assert not (tmp_path / "none.sqlite").exists()

    def test_unknown_procedure(self, cli: Cli, small_db: Path) -> None:
        """Cases that follow a procedure the scenarios lack are refused, by name."""
        con = sqlite3.connect(small_db)
        con.execute("UPDATE cases SET procedure = 'purge-1933' WHERE case_id = 'a-001'")
        con.commit()
        con.close()
        result = cli("stats", "--db", str(small_db), width=300)
        assert result.code == 1
        assert (
            "cases follow procedure 'purge-1933', which the scenarios do not define; "
            "expected one of: purge-1921" in result.err
        )

    def test_other_sqlite_file_is_left_alone(self, cli: Cli, tmp_path: Path) -> None:
        """An SQLite file that is not an archive is refused, not written to."""
        other = tmp_path / "other.sqlite"
        con = sqlite3.connect(other)
        con.execute("CREATE TABLE notes (x)")
        con.commit()
        con.close()
        before = dump(other)
        result = cli("import", str(SMALL), "--db", str(other), width=200)
        assert (result.code, result.err) == (
            1,
            f"casework: {other}: not a casework archive (schema 0); expected schema 2\n",
        )
        assert dump(other) == before


class TestSeveralProcedures:
    def test_each_case_replays_against_its_own(
        self, cli: Cli, scenarios: Path, db: Path, tmp_path: Path
    ) -> None:
        """With two procedures every row names one, and each case is replayed
        against its own."""
        shutil.rmtree(scenarios / "procedures")
        strict = scenarios / "procedures" / "strict.toml"
        strict.parent.mkdir()
        text = (scenarios / "procedure.toml").read_text(encoding="utf-8")
        text = text.replace('id = "purge-1921"', 'id = "strict"')
        text = text.replace(
            'dest = "reinstated"\n', 'dest = "reinstated"\nrequires = { intercede = 2 }\n'
        )
        strict.write_text(text, encoding="utf-8")
        rows = [["case_id", "seq", "event_id", "kind", "procedure"]]
        for proc in ("purge-1921", "strict"):
            rows += [
                [f"{proc}-1", "1", "e1", "expel", proc],
                [f"{proc}-1", "2", "e2", "intercede", proc],
                [f"{proc}-1", "3", "e3", "reinstate", proc],
            ]
        file = write_csv(tmp_path / "two.csv", rows)
        unnamed = write_csv(tmp_path / "unnamed.csv", [rows[0][:4], rows[1][:4]])
        result = cli(
            "import", str(unnamed), "--db", str(db), "--scenarios", str(scenarios), width=200
        )
        assert result.code == 0  # a row that names no procedure follows procedure.toml's
        db.unlink()
        assert cli("import", str(file), "--db", str(db), "--scenarios", str(scenarios)).code == 0
        result = cli("stats", "--db", str(db), "--scenarios", str(scenarios), "--json")
        data = json.loads(result.out)
        assert data["outcomes"] == {"reinstated": 1, "illegal": 1}
        assert [(i["case"], i["unmet"]) for i in data["illegal"]] == [
            ("strict-1", "requires 2 × intercede (found 1) before it"),
        ]


class TestImportInputs:
    def test_importing_a_named_pipe(self, tmp_path: Path, cli: Callable[..., Any]) -> None:
        """A pipe is not 'no such file': it is not a regular file."""
        import os

        pipe = tmp_path / "p.csv"
        os.mkfifo(pipe)
        result = cli("import", str(pipe), "--db", str(tmp_path / "a.sqlite"), width=200)
        assert (result.code, result.err) == (
            1,
            f"casework: {pipe}: not a regular file; expected a .csv or .jsonl file\n",
        )


class TestOneRuleSet:
    def test_a_stated_row_with_reasoning_is_refused_as_in_a_case_file(
        self, scenarios: Path, tmp_path: Path, cli: Callable[..., Any]
    ) -> None:
        """The archive and the case file give the same verdict in the same words."""
        from .conftest import edit

        edit(scenarios / "cases" / "alliluyeva.toml", 'basis = "inferred"\n', "")
        case_error = cli("check", str(scenarios), width=400).err
        rows = tmp_path / "rows.csv"
        rows.write_text(
            "case_id,seq,event_id,kind,basis,reasoning\n"
            "x-1,1,reexamination-implied,expel,stated,Her letter asks for it.\n",
            encoding="utf-8",
        )
        archive_error = cli("import", str(rows), "--db", str(tmp_path / "a.sqlite"), width=400).err
        why = (
            "reasoning is given but basis is 'stated'; expected basis = \"inferred\" "
            "(the reasoning is the modeller's) or no reasoning"
        )
        assert case_error.endswith(f"event 'reexamination-implied': {why}\n")
        assert archive_error.splitlines()[0] == f"{rows}:row 2: {why}"


# -- unusual and hostile input ------------------------------------------------------

HINT = (
    "expected columns case_id, seq, event_id, kind and any of: date, calendar, date_basis, "
    "actors, recipients, summary, source, locator, quote, basis, reasoning, note, account_of, "
    "refers_to, title, procedure"
)
ROW = '{"case_id": "x-1", "seq": 1, "event_id": "e1", "kind": "expel"'


def as_user(*argv: str, cwd: Path) -> CLIResult:
    """``casework ARGS`` in a child process that file permissions bind. The tests run
    as root, who may read and write any file; the child is root without the two
    capabilities that allow it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a mode
    of 000 or 555 refuses it as it refuses any user."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv is needed to drop root's file capabilities")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "casework", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.stderr.startswith("setpriv:"):
        pytest.skip(f"cannot drop capabilities here: {done.stderr.strip()}")
    return CLIResult(done.returncode, done.stdout, done.stderr)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class TestSeqIsAsciiDigits:
    @pytest.mark.parametrize("seq", ["\u0663", "\u00b2", "\uff13", "1\u00b2", "\u06f1", "𝟙"])
    def test_other_digits_are_not_a_seq(self, seq: str, book: Casebook) -> None:
        """Arabic-Indic, superscript, full-width and mathematical digits are refused,
        as any other non-number is (str.isdigit and int accept them all)."""
        row = {"case_id": "x-1", "seq": seq, "event_id": "e1", "kind": "expel"}
        assert RowChecker(book.procedures).check(row) == (
            f"seq {seq!r} is not a positive whole number",
            "expected 1, 2, 3, ... in the order of the case",
        )

    @pytest.mark.parametrize(
        ("text", "seq"), [("07", 7), (" 12 ", 12), (str(2**63 - 1), 2**63 - 1)]
    )
    def test_ascii_digits_are(self, text: str, seq: int, book: Casebook) -> None:
        row = {"case_id": "x-1", "seq": text, "event_id": "e1", "kind": "expel"}
        checked = RowChecker(book.procedures).check(row)
        assert len(checked) == 3 and checked[0]["seq"] == seq

    def test_the_largest_seq_is_stored(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """2**63 - 1, SQLite's largest integer, is a seq (2**63 is not: the corpus)."""
        file = tmp_path / "big.jsonl"
        file.write_text(ROW.replace('"seq": 1', f'"seq": {2**63 - 1}') + "}\n", encoding="utf-8")
        assert cli("import", str(file), "--db", str(db)).code == 0
        assert sqlite3.connect(db).execute("SELECT seq FROM events").fetchall() == [(2**63 - 1,)]

    @pytest.mark.parametrize("date", ["1921-12-20", "\u0661\u0669\u0662\u0661-12-20", "\uff11921"])
    def test_dates_are_read_by_the_dates_module(self, date: str, book: Casebook) -> None:
        """A row's date gets the verdict, in the same words, that a case file's does."""
        row = {"case_id": "x-1", "seq": "1", "event_id": "e1", "kind": "expel", "date": date}
        checked = RowChecker(book.procedures).check(row)
        try:
            HistDate.parse(date)
        except ValueError as refused:
            what, _, expected = str(refused).partition("; ")
            assert checked == (what, expected)
        else:
            assert len(checked) == 3 and checked[0]["date"] == date


class TestCaps:
    def test_a_long_json_line_is_refused_and_the_next_read(
        self, cli: Cli, db: Path, tmp_path: Path
    ) -> None:
        """A JSON Lines line is at most MAX_ROW characters, as a CSV row is; the lines
        after a long one are read and numbered as ever."""
        file = tmp_path / "long.jsonl"
        pad = " " * (MAX_ROW - len(ROW) - 1)
        file.write_text(
            f"{ROW}{pad}}}\n{ROW}{pad} }}\n{ROW.replace('expel', 'purge')}}}\n", encoding="utf-8"
        )
        result = cli("import", str(file), "--db", str(db), width=400)
        assert result.err.splitlines() == [
            f"{file}:line 2: longer than 1,048,576 characters; expected a line of at most "
            "1,048,576 characters",
            f"{file}:line 3: unknown kind 'purge'; expected one of: "
            + ", ".join((*book_triggers(), "background")),
            "2 bad rows; nothing was imported",
        ]

    def test_a_long_line_is_not_read_whole(self, tmp_path: Path) -> None:
        """A 128 MB line costs the import no more than a few MB of memory (the
        whole line used to be read, and then decoded: four times its size)."""
        file = tmp_path / "huge.jsonl"
        with file.open("wb") as f:
            f.truncate(128 * 2**20)  # sparse: NUL bytes, no newline
        script = textwrap.dedent(f"""
            import resource
            import casework
            from casework.analysis.archive import ImportFailed, import_file
            procedures = casework.load_casebook(__import__('os').environ['CASEWORK_SCENARIOS']).procedures
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            try:
                import_file({str(file)!r}, {str(tmp_path / "a.sqlite")!r}, procedures)
            except ImportFailed as failed:
                print(failed.problems[0].what)
            print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
        """)
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        what, grown_kib = done.stdout.splitlines()
        assert what == "longer than 1,048,576 characters"
        assert int(grown_kib) < 32 * 1024

    def test_a_long_csv_row_is_refused(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """A CSV row (its fields as written, with commas, quotes and any line breaks
        inside quotes) is at most MAX_ROW characters: exactly that many is a row,
        one more is refused."""
        head = ",".join(("case_id", "seq", "event_id", "kind", *TEXT_COLUMNS))
        file = tmp_path / "long.csv"
        file.write_text(f"{head}\n{long_row('x-1', MAX_ROW)}\n{long_row('x-2', MAX_ROW + 1)}\n")
        result = cli("import", str(file), "--db", str(db), width=400)
        assert result.err.splitlines() == [
            f"{file}:row 3: longer than 1,048,576 characters; expected a row of at most "
            "1,048,576 characters",
            "1 bad row; nothing was imported",
        ]
        file.write_text(f"{head}\n{long_row('x-1', MAX_ROW)}\n")
        assert cli("import", str(file), "--db", str(db)).code == 0

    def test_a_long_field_is_refused_in_both(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """A field is at most MAX_FIELD characters (the csv module's own limit), in a
        CSV file and a JSON Lines file alike."""
        long = "a" * (MAX_FIELD + 1)
        csv_file = tmp_path / "f.csv"
        csv_file.write_text(f"case_id,seq,event_id,kind,summary\nx-1,1,e1,expel,{long}\n")
        jsonl_file = tmp_path / "f.jsonl"
        jsonl_file.write_text(f'{ROW}, "summary": "{long}"}}\n')
        expected = "longer than 131,072 characters; expected at most 131,072 characters in a field"
        assert cli("import", str(csv_file), "--db", str(db), width=400).err.splitlines() == [
            f"{csv_file}:row 2: a field is {expected}",
            "1 bad row; nothing was imported",
        ]
        assert cli("import", str(jsonl_file), "--db", str(db), width=400).err.splitlines() == [
            f"{jsonl_file}:line 1: summary is {expected}",
            "1 bad row; nothing was imported",
        ]
        jsonl_file.write_text(f'{ROW}, "summary": "{long[1:]}"}}\n')
        assert cli("import", str(jsonl_file), "--db", str(db)).code == 0

    def test_a_million_unknown_columns(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """A header of a million columns is one short line, whether its names make it
        longer than a row may be or not (it used to be one line of 30 MB)."""
        named = tmp_path / "named.csv"
        named.write_text(",".join(f"c{n}" for n in range(10**6)) + "\n", encoding="utf-8")
        empty = tmp_path / "empty.csv"
        empty.write_text("," * (10**6 - 1) + "\n", encoding="utf-8")
        assert cli("import", str(named), "--db", str(db), width=400).err.splitlines() == [
            f"{named}:row 1: longer than 1,048,576 characters; expected a row of at most "
            "1,048,576 characters",
            "1 bad row; nothing was imported",
        ]
        assert cli("import", str(empty), "--db", str(db), width=400).err.splitlines() == [
            f"{empty}:row 1: 1,000,000 columns, more than 64; {HINT}",
            "1 bad row; nothing was imported",
        ]

    def test_long_names_are_shortened(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """An unknown column or key is shown by its first 40 characters."""
        name = "n" * 5000
        csv_file = write_csv(tmp_path / "n.csv", [["case_id", "seq", "event_id", "kind", name]])
        jsonl_file = tmp_path / "n.jsonl"
        jsonl_file.write_text(f'{ROW}, "{name}": 1}}\n')
        shown = "'" + "n" * 40 + "…'"
        assert cli("import", str(csv_file), "--db", str(db), width=400).err.splitlines()[0] == (
            f"{csv_file}:row 1: column {shown} is not known; {HINT}"
        )
        assert cli("import", str(jsonl_file), "--db", str(db), width=400).err.splitlines()[0] == (
            f"{jsonl_file}:line 1: key {shown} is not known; {HINT}"
        )


#: Columns whose text no rule reads.
TEXT_COLUMNS = ("summary", "note", "date_basis", "locator", "source", "quote", "title")


def long_row(case_id: str, length: int) -> str:
    """A good CSV row of ``length`` characters, its fields below MAX_FIELD: quoted
    fields of doubled quotes, each written as about twice its length."""
    start = f"{case_id},1,e1,expel"
    room = length - len(start) - len(TEXT_COLUMNS)
    sizes = [room // len(TEXT_COLUMNS)] * len(TEXT_COLUMNS)
    sizes[-1] += room - sum(sizes)
    fields = ['"' + "a" * (n % 2) + '""' * ((n - 2) // 2) + '"' for n in sizes]
    row = ",".join((start, *fields))
    assert len(row) == length
    return row


def book_triggers() -> tuple[str, ...]:

    from casework.load.procedure_file import read_procedure

    return tuple(read_procedure(FIRST).triggers)


class TestUnreadableInput:
    def test_a_folder(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        folder = tmp_path / "cases.csv"
        folder.mkdir()
        result = cli("import", str(folder), "--db", str(db), width=400)
        assert (result.code, result.err) == (
            1,
            f"casework: {folder}: not a regular file; expected a .csv or .jsonl file\n",
        )

    def test_a_symlink_loop(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        loop = tmp_path / "loop.csv"
        loop.symlink_to(loop)
        result = cli("import", str(loop), "--db", str(db), width=400)
        assert (result.code, result.err) == (
            1,
            f"casework: {loop}: cannot read the file (Too many levels of symbolic links); "
            "expected a readable .csv or .jsonl file\n",
        )
        assert not db.exists()

    def test_a_file_it_may_not_read(self, tmp_path: Path) -> None:
        (tmp_path / "secret.csv").write_bytes(SMALL.read_bytes())
        (tmp_path / "secret.csv").chmod(0)
        result = as_user("import", "secret.csv", "--db", "a.sqlite", cwd=tmp_path)
        assert (result.code, result.err) == (
            1,
            "casework: secret.csv: cannot read the file (Permission denied); "
            "expected a readable .csv or .jsonl file\n",
        )
        assert listing(tmp_path) == ["secret.csv"]


NOT_AN_ARCHIVE = "expected an archive file or a new path in an existing folder"


class TestArchivePath:
    @pytest.mark.parametrize(
        ("make", "what"),
        [
            (lambda p: p.mkdir(), "not a regular file (a folder)"),
            (lambda p: os.mkfifo(p), "not a regular file (a named pipe)"),
            (lambda p: p.symlink_to("/dev/zero"), "not a regular file (a device)"),
            (lambda p: p.symlink_to(p.parent / "missing.sqlite"), "a symlink to a missing file"),
            (
                lambda p: p.symlink_to(p),
                "cannot open the archive (Too many levels of symbolic links)",
            ),
        ],
        ids=["folder", "pipe", "device", "dangling", "loop"],
    )
    def test_refused(
        self, make: Callable[[Path], None], what: str, cli: Cli, tmp_path: Path
    ) -> None:
        """--db is a regular file (or a link to one) or a new path: nothing else is
        opened, and nothing is made beside it."""
        db = tmp_path / "a.sqlite"
        make(db)
        before = listing(tmp_path)
        for command in (["import", str(SMALL)], ["stats"]):
            result = cli(*command, "--db", str(db), width=400)
            expected = NOT_AN_ARCHIVE if command[0] == "import" else STATS_EXPECTED
            assert (result.code, result.err) == (1, f"casework: {db}: {what}; {expected}\n")
        assert listing(tmp_path) == before

    def test_dev_null(self, cli: Cli) -> None:
        """/dev/null is refused, and no journal is left in /dev (one used to be)."""
        before = listing(Path("/dev"))
        result = cli("import", str(SMALL), "--db", "/dev/null", width=400)
        assert (result.code, result.err) == (
            1,
            f"casework: /dev/null: not a regular file (a device); {NOT_AN_ARCHIVE}\n",
        )
        assert listing(Path("/dev")) == before

    def test_nothing_is_made_beside_a_device(self, cli: Cli, tmp_path: Path) -> None:
        """A device node in a folder casework may write: no journal beside it."""
        null = tmp_path / "null"
        try:
            os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except PermissionError:
            pytest.skip("cannot make a device node here")
        result = cli("import", str(SMALL), "--db", str(null), width=400)
        assert (result.code, result.err) == (
            1,
            f"casework: {null}: not a regular file (a device); {NOT_AN_ARCHIVE}\n",
        )
        assert listing(tmp_path) == ["null"]

    def test_a_read_only_archive(self, small_db: Path) -> None:
        """An archive casework may not write is refused before any row is read."""
        more = write_csv(small_db.parent / "more.csv", [["case_id", "seq", "event_id", "kind"]])
        more.write_text(more.read_text() + "z-1,1,e1,expel\n")
        before = dump(small_db)
        small_db.chmod(0o444)
        result = as_user("import", "more.csv", "--db", small_db.name, cwd=small_db.parent)
        assert (result.code, result.err) == (
            1,
            "casework: archive.sqlite: cannot write the archive (Permission denied); "
            "expected a writable file\n",
        )
        assert dump(small_db) == before

    @pytest.mark.parametrize("new", [False, True], ids=["archive", "new archive"])
    def test_a_read_only_folder(self, new: bool, small_db: Path) -> None:
        """SQLite writes a journal beside the archive: a folder casework may not
        write is refused, whether the archive is in it already or not."""
        folder = small_db.parent
        write_csv(
            folder / "more.csv",
            [["case_id", "seq", "event_id", "kind"], ["z-1", "1", "e", "expel"]],
        )
        name = "new.sqlite" if new else small_db.name
        before = dump(small_db)
        folder.chmod(0o555)
        try:
            result = as_user("import", "more.csv", "--db", name, cwd=folder)
        finally:
            folder.chmod(0o755)
        assert (result.code, result.err) == (
            1,
            f"casework: {name}: folder . is not writable; expected a "
            "folder casework may write, for the archive's journal\n",
        )
        assert dump(small_db) == before
        assert listing(folder) == ["archive.sqlite", "more.csv"]

    def test_a_link_to_an_archive_in_a_read_only_folder(self, small_db: Path) -> None:
        """The journal goes beside the archive a link leads to: that folder is the
        one casework must be able to write."""
        (small_db.parent / "ro").mkdir()
        small_db.rename(small_db.parent / "ro" / "archive.sqlite")
        small_db.symlink_to(Path("ro") / "archive.sqlite")
        write_csv(small_db.parent / "more.csv", [["case_id", "seq", "event_id", "kind"]])
        (small_db.parent / "ro").chmod(0o555)
        try:
            result = as_user("import", "more.csv", "--db", small_db.name, cwd=small_db.parent)
        finally:
            (small_db.parent / "ro").chmod(0o755)
        assert (result.code, result.err) == (
            1,
            "casework: ro/archive.sqlite: folder ro is not writable; expected a folder casework "
            "may write, for the archive's journal\n",
        )


STATS_EXPECTED = "expected a file made by casework import"


class TestStatsReadsOnly:
    def test_tables_not_of_an_archive(self, cli: Cli, small_db: Path) -> None:
        """Schema 1 by its number but not by its tables: refused, by name."""
        con = sqlite3.connect(small_db)
        con.executescript("DROP TABLE events; CREATE TABLE events (x);")
        con.close()
        result = cli("stats", "--db", str(small_db), width=400)
        assert (result.code, result.err) == (
            1,
            f"casework: {small_db}: not a casework archive (the events table has no column "
            f"'case_id'); {STATS_EXPECTED}\n",
        )

    def test_a_corrupted_archive(self, cli: Cli, small_db: Path) -> None:
        """Random bytes after the first page: a clean error naming the file."""
        data = small_db.read_bytes()
        small_db.write_bytes(data[:4096] + random.Random(1921).randbytes(len(data) - 4096))
        result = cli("stats", "--db", str(small_db), width=400)
        assert (result.code, result.err) == (
            1,
            f"casework: {small_db}: cannot read the archive (database disk image is "
            "malformed); expected an SQLite file\n",
        )

    def test_a_hand_edited_day(self, cli: Cli, small_db: Path) -> None:
        con = sqlite3.connect(small_db)
        con.execute(
            "UPDATE events SET ns_from = 'garbage', ns_to = 'garbage' "
            "WHERE case_id = 'a-001' AND seq = 1"
        )
        con.commit()
        con.close()
        result = cli("stats", "--db", str(small_db), width=400)
        assert (result.code, result.err) == (
            1,
            f"casework: {small_db}: case 'a-001' has the day 'garbage' (ns_from, ns_to); "
            "expected ISO days, e.g. 1921-12-20, as casework import writes them\n",
        )

    def test_a_wal_archive_writes_nothing(self, small_db: Path, book: Casebook) -> None:
        """stats opens the archive read-only: no -wal or -shm file appears, even while
        it reads (a read-write connection made both)."""
        con = sqlite3.connect(small_db)
        assert con.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
        con.close()
        before = listing(small_db.parent), small_db.read_bytes()
        seen: list[list[str]] = []
        stats = archive_stats(
            small_db, book.procedures, progress=lambda *_: seen.append(listing(small_db.parent))
        )
        assert stats.cases == 6
        assert seen == [before[0]]
        assert (listing(small_db.parent), small_db.read_bytes()) == before

    @pytest.mark.parametrize("wal", [False, True], ids=["journal", "wal"])
    def test_in_a_folder_it_may_not_write(self, wal: bool, small_db: Path) -> None:
        """A read-only archive in a read-only folder is read, in either journal mode."""
        con = sqlite3.connect(small_db)
        con.execute(f"PRAGMA journal_mode = {'WAL' if wal else 'DELETE'}")
        con.close()
        folder = small_db.parent
        small_db.chmod(0o444)
        folder.chmod(0o555)
        try:
            result = as_user("stats", "--db", small_db.name, "--json", cwd=folder)
        finally:
            folder.chmod(0o755)
        assert (result.code, result.err) == (0, "")
        assert json.loads(result.out)["cases"] == 6
        assert listing(folder) == ["archive.sqlite"]


class TestSchemaUpgrade:
    def test_a_first_release_archive_is_read_and_brought_up_to_date(
        self, cli: Cli, db: Path, tmp_path: Path
    ) -> None:
        """An archive of schema 1 is read as it is; an import adds account_of and
        refers_to and makes it schema 2, keeping its rows."""
        from casework.analysis.archive_file import _SCHEMA

        old = _SCHEMA.replace("    account_of TEXT NOT NULL DEFAULT '',\n", "").replace(
            "    refers_to  TEXT NOT NULL DEFAULT '',\n", ""
        )
        con = sqlite3.connect(db)
        con.executescript(old)
        con.execute("INSERT INTO cases VALUES ('x-1', 'purge-1921', '')")
        con.execute(
            "INSERT INTO events (case_id, seq, event_id, kind) VALUES ('x-1', 1, 'e1', 'expel')"
        )
        con.execute("PRAGMA user_version = 1")
        con.commit()
        con.close()
        assert cli("stats", "--db", str(db)).code == 0
        rows = write_csv(
            tmp_path / "more.csv",
            [
                ["case_id", "seq", "event_id", "kind", "basis", "account_of"],
                ["x-1", "2", "e2", "appeal", "reported", "kasparova-popova"],
            ],
        )
        assert cli("import", str(rows), "--db", str(db)).code == 0
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA user_version").fetchone()[0] == 2
        assert con.execute("SELECT seq, basis, account_of FROM events ORDER BY seq").fetchall() == [
            (1, "stated", ""),
            (2, "reported", "kasparova-popova"),
        ]
        con.close()


def test_a_huge_value_is_shown_short(cli: Cli, tmp_path: Path) -> None:
    """A 100,000-character kind is named in a message of a readable length."""
    rows = write_csv(
        tmp_path / "huge.csv",
        [["case_id", "seq", "event_id", "kind"], ["x-1", "1", "e1", "k" * 100_000]],
    )
    result = cli("import", str(rows), "--db", str(tmp_path / "a.sqlite"), width=10_000)
    first = result.err.splitlines()[0]
    assert first.startswith(f"{rows}:row 2: unknown kind 'kkkkk")
    assert "k…; expected one of: " in first
    assert len(first) < 600
