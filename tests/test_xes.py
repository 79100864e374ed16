"""XES: an archive written as an IEEE 1849 event log and read back identically;
logs from other tools read; hostile XML refused before it can do anything."""

from __future__ import annotations

import csv
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casework import Casebook
from casework.analysis.archive import ImportFailed, import_file
from casework.analysis.rows import MAX_FIELD, MAX_ROW
from casework.analysis.xes import xes_log
from casework.errors import CaseworkError
from casework.views.export import write_text

HERE = Path(__file__).parent
SMALL = HERE / "archive" / "small.csv"
NS = "{http://www.xes-standard.org/}"


def dump(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def write_xes(db: Path, path: Path) -> dict[str, int]:
    tally: dict[str, int] = {}
    path.write_text("".join(xes_log(db, tally)), encoding="utf-8")
    return tally


def failure(path: Path, db: Path, book: Casebook) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        import_file(path, db, book.procedures)
    assert not db.exists()  # nothing was left behind
    return [str(p) for p in failed.value.problems]


class TestRoundTrip:
    def test_an_archive_comes_back_identically(self, tmp_path: Path, book: Casebook) -> None:
        first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
        import_file(SMALL, first, book.procedures)
        log = tmp_path / "a.xes"
        assert write_xes(first, log) == {"traces": 6, "events": 17}
        report = import_file(log, second, book.procedures)
        assert (report.rows, report.added, report.cases_added) == (17, 17, 6)
        assert dump(second) == dump(first)
        again = import_file(log, second, book.procedures)  # nothing new the second time
        assert (again.added, again.present) == (0, 17)
        assert dump(second) == dump(first)

    def test_what_xml_escapes_comes_back(self, tmp_path: Path, book: Casebook) -> None:
        """Quotes, ampersands, angle brackets, line breaks, tabs and any Unicode."""
        text = 'He said "no" & <left>\nthen\ttabbed; — «Ленин» 𝔘 \r end'
        rows = [
            ["case_id", "seq", "event_id", "kind", "date", "summary", "title", "quote"],
            ["q-1", "1", "e1", "expel", "1921-09-01", text, "A & B <c>", "'single'"],
            ["q-1", "7", "e2", "appeal", "", "", "", ""],
        ]
        source = tmp_path / "q.csv"
        with source.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
        import_file(source, first, book.procedures)
        write_xes(first, tmp_path / "q.xes")
        import_file(tmp_path / "q.xes", second, book.procedures)
        assert dump(second) == dump(first)
        stored = sqlite3.connect(second).execute("SELECT summary FROM events").fetchall()
        assert stored == [(text.strip(),), ("",)]

    def test_whose_account_and_the_time_referred_to(self, tmp_path: Path, book: Casebook) -> None:
        source = tmp_path / "r.jsonl"
        source.write_text(
            '{"case_id": "r-1", "seq": 1, "event_id": "e1", "kind": "expel", '
            '"basis": "reported", "account_of": "kasparova-popova", '
            '"refers_to": "1921-12-28", "date": "1921-12-20"}\n',
            encoding="utf-8",
        )
        first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
        import_file(source, first, book.procedures)
        write_xes(first, tmp_path / "r.xes")
        assert '<string key="account_of" value="kasparova-popova"/>' in (
            tmp_path / "r.xes"
        ).read_text(encoding="utf-8")
        import_file(tmp_path / "r.xes", second, book.procedures)
        assert dump(second) == dump(first)

    def test_an_archive_of_the_first_schema(self, tmp_path: Path) -> None:
        """Read as it is: the columns it lacks are empty, and not written."""
        from casework.analysis.archive_file import _SCHEMA

        old = _SCHEMA.replace("    account_of TEXT NOT NULL DEFAULT '',\n", "").replace(
            "    refers_to  TEXT NOT NULL DEFAULT '',\n", ""
        )
        db = tmp_path / "old.sqlite"
        con = sqlite3.connect(db)
        con.executescript(old)
        con.execute("INSERT INTO cases VALUES ('x-1', 'purge-1921', '')")
        con.execute(
            "INSERT INTO events (case_id, seq, event_id, kind) VALUES ('x-1', 1, 'e1', 'expel')"
        )
        con.execute("PRAGMA user_version = 1")
        con.commit()
        con.close()
        text = "".join(xes_log(db))
        assert text.endswith(
            "  <trace>\n"
            '    <string key="concept:name" value="x-1"/>\n'
            '    <string key="procedure" value="purge-1921"/>\n'
            "    <event>\n"
            '      <string key="concept:name" value="expel"/>\n'
            '      <int key="seq" value="1"/>\n'
            '      <string key="event_id" value="e1"/>\n'
            '      <string key="basis" value="stated"/>\n'
            "    </event>\n"
            "  </trace>\n"
            "</log>\n"
        )

    def test_the_log_is_xes(self, tmp_path: Path, book: Casebook) -> None:
        """A log of traces of events: concept:name is the case and the activity,
        time:timestamp the New Style lower bound (none for an open start), and
        the archive's columns attributes of their own names."""
        db = tmp_path / "a.sqlite"
        import_file(SMALL, db, book.procedures)
        write_xes(db, tmp_path / "a.xes")
        root = ET.parse(tmp_path / "a.xes").getroot()
        assert root.tag == f"{NS}log"
        assert root.get("xes.version") == "1849-2016"
        assert [e.get("prefix") for e in root.iter(f"{NS}extension")] == ["concept", "time"]
        traces = root.findall(f"{NS}trace")
        assert len(traces) == 6

        def attributes(element: ET.Element) -> list[tuple[str, str | None, str | None]]:
            return [(a.tag[len(NS) :], a.get("key"), a.get("value")) for a in element]

        last = traces[4]  # a-005: an open start, then a julian month
        assert attributes(last)[:2] == [
            ("string", "concept:name", "a-005"),
            ("string", "procedure", "purge-1921"),
        ]
        events = last.findall(f"{NS}event")
        assert attributes(events[0]) == [
            ("string", "concept:name", "expel"),
            ("int", "seq", "1"),
            ("string", "event_id", "expelled"),
            ("string", "date", "../1921-12-20"),
            ("string", "calendar", "gregorian"),
            ("string", "basis", "stated"),
        ]
        assert attributes(events[1]) == [
            ("string", "concept:name", "background"),
            ("date", "time:timestamp", "1917-07-14T00:00:00.000+00:00"),
            ("int", "seq", "2"),
            ("string", "event_id", "note"),
            ("string", "date", "1917-07"),
            ("string", "calendar", "julian"),
            ("string", "summary", "Shelters a comrade in the July days."),
            ("string", "basis", "stated"),
        ]

    def test_text_xml_cannot_hold_is_refused(self, tmp_path: Path, book: Casebook) -> None:
        db = tmp_path / "a.sqlite"
        source = tmp_path / "c.jsonl"
        source.write_text(
            '{"case_id": "c-1", "seq": 1, "event_id": "e1", "kind": "expel", '
            '"summary": "a \\u001b[2J b"}\n',
            encoding="utf-8",
        )
        import_file(source, db, book.procedures)
        with pytest.raises(CaseworkError) as err:
            "".join(xes_log(db))
        assert str(err.value) == (
            f"{db}: case 'c-1' event 'e1': summary holds the character U+001B, which XML "
            "cannot hold; expected text an XES file can carry (nothing was written)"
        )


class TestWrittenWhole:
    def test_a_log_that_fails_half_way_leaves_nothing(self, tmp_path: Path) -> None:
        """The text is written as it is made; a failure half way leaves the old
        file as it was and no temporary file."""
        target = tmp_path / "out.xes"
        target.write_text("old", encoding="utf-8")

        def parts() -> Iterator[str]:
            yield "<log>"
            raise CaseworkError("archive.sqlite: damaged")

        with pytest.raises(CaseworkError, match="damaged"):
            write_text(target, parts())
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xes"]
        assert target.read_text(encoding="utf-8") == "old"
        assert write_text(target, iter(["<log>", "</log>\n"])) == target
        assert target.read_text(encoding="utf-8") == "<log></log>\n"


FOREIGN = """\
<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xes.features="nested-attributes" openxes.version="1.0RC7">
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="event"><string key="concept:name" value="__INVALID__"/></global>
  <string key="concept:name" value="purge.mxml"/>
  <trace>
    <string key="concept:name" value="k-1"/>
    <event>
      <string key="concept:name" value="Expel"/>
      <string key="org:resource" value="commission"/>
      <string key="lifecycle:transition" value="complete"/>
      <date key="time:timestamp" value="1921-09-03T10:00:00.000+03:00"/>
    </event>
    <event>
      <string key="concept:name" value="Reinstate as candidate"/>
      <date key="time:timestamp" value="1921-10-01T00:00:00+00:00"/>
      <list key="notes"><values><string key="n" value="nested"/></values></list>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="k-2"/>
    <event><string key="concept:name" value="request-verification"/></event>
  </trace>
</log>
"""


class TestOtherTools:
    def test_a_log_from_another_tool(self, tmp_path: Path, book: Casebook) -> None:
        """Without seq or event_id, events are numbered in their trace; the date is
        the timestamp's day; activity names are matched to kinds; other attributes
        are not kept."""
        log = tmp_path / "other.xes"
        log.write_text(FOREIGN, encoding="utf-8")
        db = tmp_path / "a.sqlite"
        # k-2's request_verification cannot come first: imported all the same (evidence)
        assert import_file(log, db, book.procedures).added == 3
        con = sqlite3.connect(db)
        assert con.execute(
            "SELECT case_id, seq, event_id, kind, date, ns_from, actors FROM events"
        ).fetchall() == [
            ("k-1", 1, "e1", "expel", "1921-09-03", "1921-09-03", ""),
            ("k-1", 2, "e2", "reinstate_as_candidate", "1921-10-01", "1921-10-01", ""),
            ("k-2", 1, "e1", "request_verification", "", None, ""),
        ]
        assert con.execute("SELECT * FROM cases").fetchall() == [
            ("k-1", "purge-1921", ""),
            ("k-2", "purge-1921", ""),
        ]

    def test_each_bad_event_by_its_line(self, tmp_path: Path, book: Casebook) -> None:
        log = tmp_path / "bad.xes"
        log.write_text(
            FOREIGN.replace("Reinstate as candidate", "reinstat").replace(
                '<event><string key="concept:name" value="request-verification"/>',
                '<event><string key="concept:name" value=""/>',
            ),
            encoding="utf-8",
        )
        problems = failure(log, tmp_path / "a.sqlite", book)
        assert problems[0].startswith(f"{log}:line 14: unknown kind 'reinstat'; expected one of: ")
        assert problems[1:] == [
            f"{log}:line 22: an event without concept:name; expected the activity, an event "
            "kind of the procedure"
        ]

    def test_a_trace_named_after_its_events(self, tmp_path: Path, book: Casebook) -> None:
        log = tmp_path / "late.xes"
        log.write_text(
            "<log>\n<trace>\n<event><string key='concept:name' value='expel'/></event>\n"
            "<string key='concept:name' value='x'/>\n</trace>\n</log>\n"
        )
        assert failure(log, tmp_path / "a.sqlite", book) == [
            f"{log}:line 3: an event of a trace without concept:name; expected each trace to "
            "name its case",
            f"{log}:line 4: the trace's concept:name comes after its events; expected a "
            "trace's attributes before its events, as XES writes them",
        ]


class TestHostileXml:
    def test_an_external_entity_is_never_read(self, tmp_path: Path, book: Casebook) -> None:
        secret = tmp_path / "secret.txt"
        secret.write_text("TOP SECRET", encoding="utf-8")
        log = tmp_path / "xxe.xes"
        log.write_text(
            f'<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY s SYSTEM "{secret.as_uri()}">]>\n'
            "<log><trace><string key='concept:name' value='&s;'/>"
            "<event><string key='concept:name' value='expel'/></event></trace></log>\n"
        )
        problems = failure(log, tmp_path / "a.sqlite", book)
        assert problems == [
            f"{log}:line 2: a DOCTYPE declaration; expected an XES log without a DTD or entities"
        ]

    def test_a_nul_byte(self, tmp_path: Path, book: Casebook) -> None:
        log = tmp_path / "nul.xes"
        log.write_bytes(b"<log>\n<trace>\x00</trace></log>")
        assert failure(log, tmp_path / "a.sqlite", book) == [
            f"{log}:line 2: contains a NUL byte; expected UTF-8 text"
        ]

    def test_an_undeclared_entity(self, tmp_path: Path, book: Casebook) -> None:
        log = tmp_path / "e.xes"
        log.write_text("<log>\n<trace><string key='concept:name' value='&boom;'/></trace></log>")
        assert failure(log, tmp_path / "a.sqlite", book) == [
            f"{log}:line 2: not well-formed XML (undefined entity); expected an XES log (IEEE 1849)"
        ]

    def test_a_long_value_is_refused(self, tmp_path: Path, book: Casebook) -> None:
        log = tmp_path / "long.xes"
        value = "x" * (MAX_FIELD + 1)
        log.write_text(
            "<log><trace><string key='concept:name' value='x'/>\n<event>"
            f"<string key='concept:name' value='expel'/><string key='summary' value='{value}'/>"
            "</event></trace></log>"
        )
        assert failure(log, tmp_path / "a.sqlite", book) == [
            f"{log}:line 2: 'summary' is longer than 131,072 characters; expected at most "
            "131,072 characters in a value"
        ]

    def test_a_tag_that_never_ends_is_not_read_whole(self, tmp_path: Path, book: Casebook) -> None:
        """A value with no end is refused after about a megabyte, not read on."""
        log = tmp_path / "endless.xes"
        with log.open("wb") as f:
            f.write(b"<log><trace><string key='concept:name' value='")
            f.write(b"x" * (4 * MAX_ROW))
        problems = failure(log, tmp_path / "a.sqlite", book)
        assert problems == [
            f"{log}:line 1: a tag or text longer than {MAX_ROW:,} bytes; expected XES "
            "attributes of at most 131,072 characters"
        ]

    def test_too_many_attributes(self, tmp_path: Path, book: Casebook) -> None:
        log = tmp_path / "wide.xes"
        many = "".join(f"<string key='k{i}' value='v'/>" for i in range(70))
        log.write_text(
            "<log><trace><string key='concept:name' value='x'/>\n<event>"
            f"<string key='concept:name' value='expel'/>{many}</event></trace></log>"
        )
        assert failure(log, tmp_path / "a.sqlite", book) == [
            f"{log}:line 2: an event with more than 64 attributes; expected at most 64 "
            "attributes on an event"
        ]


class TestCommandLine:
    def test_export_then_import(self, cli: Any, tmp_path: Path) -> None:
        first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
        assert cli("import", str(SMALL), "--db", str(first)).code == 0
        log = tmp_path / "a.xes"
        result = cli("export", "--db", str(first), "--xes", str(log))
        assert (result.code, result.err) == (0, "")
        assert result.out == f"wrote {log} (XES: 6 traces, 17 events)\n"
        assert log.read_text(encoding="utf-8") == "".join(xes_log(first))
        assert cli("import", str(log), "--db", str(second)).code == 0
        assert dump(second) == dump(first)

    def test_a_failed_export_writes_nothing(self, cli: Any, tmp_path: Path, book: Casebook) -> None:
        db = tmp_path / "a.sqlite"
        source = tmp_path / "c.jsonl"
        source.write_text(
            '{"case_id": "c-1", "seq": 1, "event_id": "e1", "kind": "expel", '
            '"summary": "bell \\u0007"}\n',
            encoding="utf-8",
        )
        import_file(source, db, book.procedures)
        result = cli("export", "--db", str(db), "--xes", str(tmp_path / "out.xes"), width=300)
        assert (result.code, result.out) == (1, "")
        assert result.err == (
            f"casework: {db}: case 'c-1' event 'e1': summary holds the character U+0007, which "
            "XML cannot hold; expected text an XES file can carry (nothing was written)\n"
        )
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a.sqlite", "c.jsonl"]
