"""Conformance in ``stats`` and per-case results: the share of cases accepted,
deviations with their repairs, variants, and each case's record as CSV or JSON
Lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from casework import Casebook
from casework.analysis.archive import import_file
from casework.analysis.archive_stats import archive_stats
from casework.analysis.conformance import Deviation, Variant
from casework.analysis.results import FIELDS, case_results, results_text
from casework.views.stats import StatsView

from .conftest import render

HERE = Path(__file__).parent
SMALL = HERE / "archive" / "small.csv"

#: Three illegal histories, two going wrong the same way; seqs with gaps.
MORE = """\
case_id,seq,event_id,kind,date
b-1,1,e1,expel,1921-09-01
b-1,2,e2,reinstate,1921-10-01
b-2,10,x,expel,1921-09-01
b-2,20,y,background,1921-09-15
b-2,30,z,reinstate,1921-10-01
b-3,1,e1,reinstate,1921-10-01
"""


@pytest.fixture(name="archive")
def fixture_archive(tmp_path: Path, book: Casebook) -> Path:
    db = tmp_path / "archive.sqlite"
    import_file(SMALL, db, book.procedures)
    (tmp_path / "more.csv").write_text(MORE, encoding="utf-8")
    import_file(tmp_path / "more.csv", db, book.procedures)
    return db


class TestStats:
    def test_each_illegal_history_has_its_repair(self, archive: Path, book: Casebook) -> None:
        stats = archive_stats(archive, book.procedures)
        assert [(i.case, i.seq, i.event) for i in stats.illegal] == [
            ("a-004", 2, "candidate"),
            ("b-1", 2, "e2"),
            ("b-2", 30, "z"),
            ("b-3", 1, "e1"),
        ]
        assert [r.describe() for r in stats.repairs] == [
            "probably missing: an event of kind intercede between events 1 and 2; with it "
            "the history is legal (or 4 other repairs as small)",
            "probably missing: an event of kind intercede between events 1 and 2; with it "
            "the history is legal (or 4 other repairs as small)",
            # numbered by the archive's seq, the background event aside
            "probably missing: an event of kind intercede between events 10 and 30; with it "
            "the history is legal (or 4 other repairs as small)",
            "event 1 'e1' (reinstate) does not fit here; without it the history is legal",
        ]
        assert stats.repairs[2].repairs[-1].describe() == (
            "event 30 'z' (reinstate) does not fit here; without it the history is legal"
        )

    def test_conformance(self, archive: Path, book: Casebook) -> None:
        c = archive_stats(archive, book.procedures, top=2).conformance
        assert c is not None
        assert (c.cases, c.accepted, c.share) == (9, 5, 5 / 9)
        assert c.deviations == (
            Deviation("reinstate", "expelled", "missing intercede", 3, "a-004"),
            Deviation("reinstate", "member", "extra reinstate", 1, "b-3"),
        )
        assert c.distinct_deviations == 2
        assert c.variants == (
            Variant(("member", "expelled", "appealed", "reinstated"), 2),
            Variant(("member", "expelled", "intercession", "expulsion_upheld"), 1),
        )
        assert c.distinct_variants == 4
        assert c.to_mapping()["share_accepted"] == 0.5556
        assert c.to_mapping()["variants"][0] == {
            "states": ["member", "expelled", "appealed", "reinstated"],
            "cases": 2,
            "share": 0.2222,
        }

    def test_json(self, archive: Path, book: Casebook) -> None:
        data = json.loads(json.dumps(archive_stats(archive, book.procedures).to_mapping()))
        assert list(data) == [
            "archive",
            "cases",
            "events",
            "procedures",
            "outcomes",
            "paths",
            "distinct_paths",
            "days_to_outcome",
            "conformance",
            "illegal",
        ]
        last = data["illegal"][-1]
        assert last["message"] == (
            "case 'b-3': event 'e1' (reinstate) cannot follow state 'member'; allowed here: "
            "vouch, intercede, keep, expel, expel_finally"
        )
        assert last["repair"] == {
            "cost": 1,
            "count": 1,
            "more": 0,
            "repairs": [
                {
                    "cost": 1,
                    "edits": [{"action": "extra", "kind": "reinstate", "seq": 1, "event": "e1"}],
                    "kinds": [],
                    "message": "event 1 'e1' (reinstate) does not fit here; without it the "
                    "history is legal",
                }
            ],
            "message": "event 1 'e1' (reinstate) does not fit here; without it the history "
            "is legal",
        }
        assert data["conformance"]["deviations"][0] == {
            "kind": "reinstate",
            "state": "expelled",
            "repair": "missing intercede",
            "cases": 3,
            "example": "a-004",
        }

    def test_text(self, archive: Path, book: Casebook) -> None:
        text = render(StatsView(archive_stats(archive, book.procedures), illegal_limit=1))
        conformance = text[text.index("Conformance") :]
        assert conformance == (
            "Conformance\n"
            "  accepted    5 of 9 cases (55.6%)\n"
            "  variants    4 distinct paths (most common above)\n"
            "  deviations  2 distinct:\n"
            "    3  reinstate after 'expelled': missing intercede (e.g. a-004)\n"
            "    1  reinstate after 'member': extra reinstate (e.g. b-3)\n"
            "\n"
            "Illegal histories (4): the first 1; --json lists all\n"
            "  case 'a-004': event 'candidate' (reinstate) cannot follow state 'expelled';\n"
            "  allowed here: intercede, appeal, refer, request_verification,\n"
            "  reinstate_as_candidate, uphold, confirm_finally, annul (seq 2)\n"
            "    repair: probably missing: an event of kind intercede between events 1 and 2;\n"
            "    with it the history is legal (or 4 other repairs as small)\n"
        )


class TestResults:
    def test_records(self, archive: Path, book: Casebook) -> None:
        records = {r["case_id"]: r for r in case_results(archive, book.procedures)}
        assert list(records) == [
            "a-001",
            "a-002",
            "a-003",
            "a-004",
            "a-005",
            "a-006",
            "b-1",
            "b-2",
            "b-3",
        ]
        assert records["a-001"] == {
            "case_id": "a-001",
            "procedure": "purge-1921",
            "outcome": "reinstated",
            "state": "reinstated",
            "path": ["member", "expelled", "appealed", "reinstated"],
            "events": 3,
            "illegal_seq": None,
            "illegal_event": None,
            "illegal_kind": None,
            "illegal_state": None,
            "repair_cost": None,
            "repairs": None,
            "repair": None,
            "first_day": "1921-10-03",
            "last_day": "1921-11-02",
            "days": 30,
        }
        assert {k: records["b-2"][k] for k in FIELDS[2:]} == {
            "outcome": "illegal",
            "state": "expelled",
            "path": ["member", "expelled"],
            "events": 3,
            "illegal_seq": 30,
            "illegal_event": "z",
            "illegal_kind": "reinstate",
            "illegal_state": "expelled",
            "repair_cost": 1,
            "repairs": 5,
            "repair": "probably missing: an event of kind intercede between events 10 and 30; "
            "with it the history is legal (or 4 other repairs as small)",
            "first_day": "1921-09-01",
            "last_day": "1921-09-01",
            "days": None,
        }
        assert records["a-005"]["outcome"] == "pending"
        assert records["a-005"]["days"] is None

    def test_csv_and_json_lines(self, archive: Path, book: Casebook) -> None:
        tally: dict[str, int] = {}
        text = "".join(results_text(archive, book.procedures, ".csv", tally))
        assert tally == {"cases": 9}
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0]) == list(FIELDS)
        assert rows[0]["path"] == "member;expelled;appealed;reinstated"
        assert rows[0]["illegal_seq"] == ""
        assert rows[3]["repairs"] == "5"
        lines = "".join(results_text(archive, book.procedures, ".jsonl", tally)).splitlines()
        assert len(lines) == 9
        assert json.loads(lines[0]) == next(iter(case_results(archive, book.procedures)))


class TestCommandLine:
    def test_stats_json_is_written_as_it_is_made(
        self, cli: Callable[..., Any], archive: Path, book: Casebook
    ) -> None:
        """The streamed JSON is exactly the summary's JSON."""
        result = cli("stats", "--db", str(archive), "--json")
        assert (result.code, result.err) == (0, "")
        expected = archive_stats(archive, book.procedures).to_mapping()
        assert result.out == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"

    def test_stats_json_of_an_empty_archive(self, cli: Callable[..., Any], tmp_path: Path) -> None:
        from casework.analysis.archive import open_archive

        open_archive(tmp_path / "empty.sqlite", create=True).close()
        result = cli("stats", "--db", str(tmp_path / "empty.sqlite"), "--json")
        assert result.code == 0
        assert json.loads(result.out)["illegal"] == []
        assert result.out.endswith('  "illegal": []\n}\n')

    @pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
    def test_export_results(
        self, suffix: str, cli: Callable[..., Any], archive: Path, book: Casebook
    ) -> None:
        target = archive.parent / f"results{suffix}"
        result = cli("export", "--db", str(archive), "--results", str(target))
        assert (result.code, result.err) == (0, "")
        assert result.out == f"wrote {target} (9 cases)\n"
        text = "".join(results_text(archive, book.procedures, suffix, {}))
        assert target.read_text(encoding="utf-8") == text

    def test_export_never_writes_over_the_archive(
        self, cli: Callable[..., Any], archive: Path
    ) -> None:
        link = archive.parent / "results.csv"
        link.symlink_to(archive)
        before = archive.read_bytes()
        result = cli("export", "--db", str(archive), "--results", str(link))
        assert result.code == 1
        assert "cannot export over a file this command reads" in result.err
        assert archive.read_bytes() == before

    def test_export_needs_one_output(self, cli: Callable[..., Any], archive: Path) -> None:
        result = cli("export", "--db", str(archive), "--results", "r.txt")
        assert result.code == 2
        assert result.err.splitlines()[-1] == (
            "casework export: argument --results: 'r.txt' does not end in .csv or .jsonl; "
            "expected e.g. archive.csv"
        )


def test_a_results_cell_never_starts_a_spreadsheet_formula() -> None:
    """An id like '=HYPERLINK(…)' reaches the CSV as text, apostrophe first."""
    from casework.analysis.results import _cell

    assert [_cell(v) for v in ("=SUM(A1)", "+1", "-x", "@a", "\tx", "x-1", None, 3)] == [
        "'=SUM(A1)",
        "'+1",
        "'-x",
        "'@a",
        "'\tx",
        "x-1",
        "",
        3,
    ]
