"""Archives: importing CSV and JSON Lines, bad rows, idempotence, crashes, and stats."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from casework import Casebook
from casework.analysis.archive import import_file
from casework.analysis.rows import COLUMNS
from casework.analysis.archive_stats import archive_stats

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
            "reasoning, note, title, procedure",
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
            "summary, source, locator, quote, basis, reasoning, note, title, procedure",
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
        """Only .csv and .jsonl files are imported."""
        other = tmp_path / "cases.xlsx"
        other.write_text("", encoding="utf-8")
        result = cli("import", str(other), "--db", str(db), width=200)
        assert (result.code, result.err) == (
            1,
            f"casework: {other}: cannot import a .xlsx file; expected a .csv or .jsonl file\n",
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
            procedures = casework.load_casebook().procedures
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

Illegal histories (1)
  case 'a-004': event 'candidate' (reinstate) cannot follow state 'expelled';
  allowed here: appeal, intercede, request_verification (seq 2)
"""


class TestStats:
    def test_text_at_80_columns(
        self, cli: Cli, small_db: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Outcomes, paths, days to outcome and illegal histories, in 80 columns;
        no progress bar when stderr is not a terminal."""
        monkeypatch.chdir(small_db.parent)
        result = cli("stats", "--db", "archive.sqlite")
        assert (result.code, result.err) == (0, "")
        assert result.out == STATS_80
        assert max(len(line) for line in result.out.splitlines()) <= 80

    def test_json(self, cli: Cli, small_db: Path) -> None:
        """--json gives the same figures, and every illegal history in full."""
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
            f"casework: {other}: not a casework archive (schema 0); expected schema 1\n",
        )
        assert dump(other) == before


class TestSeveralProcedures:
    def test_each_case_replays_against_its_own(
        self, cli: Cli, scenarios: Path, db: Path, tmp_path: Path
    ) -> None:
        """With two procedures every row names one, and each case is replayed
        against its own."""
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
        assert result.err.splitlines()[0] == (
            f"{unnamed}:row 2: procedure is empty; expected one of: purge-1921, strict"
        )
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
