"""XES (IEEE 1849-2016), the event log format of process mining: an archive
written as one, and one read as rows to import.

Written (:func:`xes_log`): a ``<trace>`` per case (``concept:name`` = the case
id; ``procedure`` and ``title``), an ``<event>`` per event (``concept:name`` =
its kind, the activity; ``time:timestamp`` = the New Style lower bound of its
date, at midnight UTC, when the date has one), and every column of the archive
that is not empty as an attribute of the same name (``seq``, ``event_id``,
``date`` as EDTF, ``calendar``, ``date_basis``, ...), so that nothing is lost
and an import of the file gives the archive back. The text is made a trace at a
time, streamed from SQLite, escaped with :mod:`xml.sax.saxutils`. A character
XML 1.0 cannot hold (a control character other than tab and line breaks) is
refused, naming its case and event, rather than dropped.

Read (:func:`xes_rows`): the file is parsed as it streams in by expat (the
parser under :mod:`xml.etree.ElementTree`), which gives each event its line.
A ``<!DOCTYPE`` is refused as soon as it starts, before any entity could be
declared (so no external entity is fetched and none is expanded); one tag may
not exceed :data:`~casework.analysis.rows.MAX_ROW` bytes, an attribute value
:data:`~casework.analysis.rows.MAX_FIELD` characters, an event
:data:`~casework.analysis.rows.MAX_COLUMNS` attributes, and elements nest at most
:data:`MAX_DEPTH` deep. Each event becomes a row with the columns of a CSV
import: the trace's ``concept:name`` is ``case_id``, the event's is ``kind``
(an activity name that is not a kind but is one once lower-cased with spaces
and hyphens as ``_`` is read as that kind: "Reinstate as candidate"); ``seq``
and ``event_id``, when absent (a log from another tool), are the event's place
in its trace (``e1``, ``e2``, ...); ``date``, when absent, is the day of
``time:timestamp``. Other attributes (``org:resource``, ``lifecycle:...``) are
not kept.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from casework.analysis.archive_file import archive_error, connect_to_read, needs_schema, shown
from casework.analysis.rows import COLUMNS, EVENT_COLUMNS, MAX_COLUMNS, MAX_FIELD, MAX_ROW
from casework.errors import CaseworkError, Problem
from casework.model.events import BACKGROUND

__all__ = ["MAX_DEPTH", "xes_log", "xes_rows"]

#: How deep elements may nest: log, trace, event, attribute, and nested attributes.
MAX_DEPTH = 16
#: Bytes read from the file at a time.
_CHUNK = 65536

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">\n'
    '  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
    '  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
    '  <global scope="trace">\n'
    '    <string key="concept:name" value="__INVALID__"/>\n'
    "  </global>\n"
    '  <global scope="event">\n'
    '    <string key="concept:name" value="__INVALID__"/>\n'
    "  </global>\n"
    '  <classifier name="Activity" keys="concept:name"/>\n'
)

# The columns written as attributes of an event, besides its kind: all of them,
# in the archive's order.
_EVENT_KEYS = ("seq", "event_id", *EVENT_COLUMNS[4:])
_QUERY = (
    "SELECT c.case_id, c.procedure, c.title, {columns} "
    "FROM cases c LEFT JOIN events e ON e.case_id = c.case_id ORDER BY c.case_id, e.seq"
)
#: What XML 1.0 cannot hold, even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _attr(key: str, value: Any, case: str, event: str, db: Path) -> str:
    """A string attribute; CaseworkError for a value that is not text (an archive
    edited by hand) or holds a character XML cannot hold."""
    where = f"case {_clip(case)}" + (f" event {_clip(event)}" if event else "")
    if not isinstance(value, str):
        raise CaseworkError(
            f"{shown(db)}: {where}: {key} is {_clip(value)}, not text; "
            "expected text, as casework import writes it"
        )
    bad = _NOT_XML.search(value)
    if bad:
        raise CaseworkError(
            f"{shown(db)}: {where}: {key} holds the character U+{ord(bad[0]):04X}, which XML "
            "cannot hold; expected text an XES file can carry (nothing was written)"
        )
    return f"<string key={quoteattr(key)} value={quoteattr(value)}/>"


def _clip(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def xes_log(db: str | Path, tally: dict[str, int] | None = None) -> Iterator[str]:
    """The archive ``db`` as an XES log, a trace at a time (read-only, as
    ``stats``); CaseworkError for a damaged archive or text XML cannot hold.
    ``tally``, when given, counts the ``traces`` and ``events`` written."""
    p = Path(db)
    tally = tally if tally is not None else {}
    tally["traces"] = tally["events"] = 0
    con = connect_to_read(p)  # as open_archive (archive.py imports this module)
    try:
        needs_schema(con, p, create=False)
        yield _HEAD + "  " + _attr("concept:name", p.name, "", "", p) + "\n"
        case = None
        parts: list[str] = []
        # An archive of an earlier schema is read as it is: the columns it lacks are empty.
        have = {r[1] for r in con.execute("PRAGMA table_info(events)")}
        columns = ", ".join(
            f"e.{k}" if k in have else "''" for k in ("kind", *_EVENT_KEYS, "ns_from")
        )
        for row in con.execute(_QUERY.format(columns=columns)):
            case_id, procedure, title, kind = row[:4]
            if case_id != case:
                if case is not None:
                    parts.append("  </trace>\n")
                    yield "".join(parts)
                    parts = []
                case = case_id
                tally["traces"] += 1
                parts.append("  <trace>\n    " + _attr("concept:name", case_id, case_id, "", p))
                parts.append("\n    " + _attr("procedure", procedure, case_id, "", p))
                if title:
                    parts.append("\n    " + _attr("title", title, case_id, "", p))
                parts.append("\n")
            if kind is None:  # a case with no events
                continue
            event_id = row[5]
            tally["events"] += 1
            parts.append("    <event>\n      " + _attr("concept:name", kind, case_id, event_id, p))
            day = row[-1]
            if day:
                parts.append(
                    f'\n      <date key="time:timestamp" value="{day}T00:00:00.000+00:00"/>'
                )
            seq = row[4]
            if not isinstance(seq, int):
                raise CaseworkError(
                    f"{shown(p)}: case {_clip(case_id)} event {_clip(event_id)}: seq is "
                    f"{_clip(seq)}; expected a whole number, as casework import writes it"
                )
            parts.append(f'\n      <int key="seq" value="{seq}"/>')
            values = dict(zip(_EVENT_KEYS[1:], row[5:-1], strict=True))
            if not values["date"] and values["calendar"] == "gregorian":
                del values["calendar"]  # the default, and a calendar needs a date
            for key, value in values.items():
                if value:
                    parts.append("\n      " + _attr(key, value, case_id, event_id, p))
            parts.append("\n    </event>\n")
        if case is not None:
            parts.append("  </trace>\n")
        parts.append("</log>\n")
        yield "".join(parts)
    except sqlite3.ProgrammingError:
        raise  # casework's own mistake
    except (sqlite3.DatabaseError, UnicodeDecodeError) as err:
        raise archive_error(p, err) from None
    finally:
        con.close()


# -- reading ------------------------------------------------------------------------

_XES = "expected an XES log (IEEE 1849)"
_ATTRIBUTES = frozenset({"string", "date", "int", "float", "boolean", "id", "list", "container"})
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Stop(Exception):
    """The file cannot be read further: its problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Reader:
    """The expat handlers: an event's attributes gathered, a row made at its end."""

    def __init__(self, where: str, kinds: Collection[str]) -> None:
        self.where = where
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.entity
        self.parser.CharacterDataHandler = self.mark
        self.parser.CommentHandler = self.mark
        self.parser.ProcessingInstructionHandler = self.mark
        self.kinds = set(kinds)
        self.by_name = {k.lower(): k for k in kinds}
        self.out: list[tuple[str, Mapping[str, Any] | Problem]] = []
        self.stack: list[str] = []
        self.seen = 0  # the byte where the last complete piece of XML ended
        self.trace: dict[str, str] = {}
        self.position = 0  # of the event in its trace
        self.event: dict[str, str] | None = None
        self.event_line = 0

    def place(self, line: int | None = None) -> str:
        return f"{self.where}:line {line if line is not None else self.parser.CurrentLineNumber}"

    def stop(self, what: str, expected: str = _XES) -> _Stop:
        return _Stop(Problem(self.place(), 0, what, expected))

    # -- handlers ---------------------------------------------------------------

    def mark(self, *_: Any) -> None:
        self.seen = self.parser.CurrentByteIndex

    def doctype(self, *_: Any) -> None:
        raise self.stop("a DOCTYPE declaration", "expected an XES log without a DTD or entities")

    def entity(self, *_: Any) -> None:  # pragma: no cover - only inside a DOCTYPE
        raise self.stop("an ENTITY declaration", "expected an XES log without a DTD or entities")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.seen = self.parser.CurrentByteIndex
        local = name.rsplit(" ", 1)[-1]
        depth = len(self.stack)
        self.stack.append(local)
        if depth >= MAX_DEPTH:
            raise self.stop(
                f"elements nested more than {MAX_DEPTH} deep",
                "expected log, trace, event and their attributes",
            )
        if depth == 0:
            if local != "log":
                raise self.stop(f"the root element is <{local[:40]}>", "expected an XES <log>")
            return
        parent = self.stack[-2]
        if depth == 1 and local == "trace":
            self.trace, self.position = {}, 0
        elif depth == 1 and local == "event":
            self.out.append(
                (
                    self.place(),
                    Problem(
                        self.place(), 0, "an <event> outside a <trace>", "expected events in traces"
                    ),
                )
            )
        elif depth == 2 and parent == "trace" and local == "event":
            self.position += 1
            self.event, self.event_line = {}, self.parser.CurrentLineNumber
        elif depth == 2 and parent == "trace" and local in _ATTRIBUTES:
            self.trace_attribute(attrs)
        elif depth == 3 and parent == "event" and self.event is not None and local in _ATTRIBUTES:
            self.event_attribute(attrs)

    def end(self, name: str) -> None:
        self.seen = self.parser.CurrentByteIndex
        local = self.stack.pop()
        if local == "event" and len(self.stack) == 2 and self.event is not None:
            self.out.append(self.row(self.event))
            self.event = None

    # -- attributes and rows ----------------------------------------------------

    def _key_value(self, attrs: dict[str, str]) -> tuple[str, str] | None:
        key, value = attrs.get("key"), attrs.get("value")
        if key is None:
            raise self.stop("an attribute without a key", 'expected key="..." on every attribute')
        if value is None:
            return None  # a list or container: its own value is not kept
        if len(value) > MAX_FIELD:
            raise self.stop(
                f"{key[:40]!r} is longer than {MAX_FIELD:,} characters",
                f"expected at most {MAX_FIELD:,} characters in a value",
            )
        return key, value.strip()

    def trace_attribute(self, attrs: dict[str, str]) -> None:
        pair = self._key_value(attrs)
        if pair is None:
            return
        key, value = pair
        known = {"concept:name": "case_id", "title": "title", "procedure": "procedure"}
        if key in known:
            if self.position:
                raise self.stop(
                    f"the trace's {key} comes after its events",
                    "expected a trace's attributes before its events, as XES writes them",
                )
            self.trace[known[key]] = value

    def event_attribute(self, attrs: dict[str, str]) -> None:
        assert self.event is not None
        pair = self._key_value(attrs)
        if pair is None:
            return
        if len(self.event) >= MAX_COLUMNS:
            raise self.stop(
                f"an event with more than {MAX_COLUMNS} attributes",
                f"expected at most {MAX_COLUMNS} attributes on an event",
            )
        self.event[pair[0]] = pair[1]

    def row(self, values: dict[str, str]) -> tuple[str, Mapping[str, Any] | Problem]:
        place = self.place(self.event_line)
        case_id = self.trace.get("case_id", "")
        if not case_id:
            return place, Problem(
                place,
                0,
                "an event of a trace without concept:name",
                "expected each trace to name its case",
            )
        activity = values.get("concept:name", "")
        if not activity:
            return place, Problem(
                place,
                0,
                "an event without concept:name",
                "expected the activity, an event kind of the procedure",
            )
        row: dict[str, str] = {
            "case_id": case_id,
            "seq": values.get("seq") or str(self.position),
            "event_id": values.get("event_id") or f"e{self.position}",
            "kind": self.kind(activity),
        }
        for key in COLUMNS[4:]:
            value = values.get(key, self.trace.get(key, ""))
            if value:
                row[key] = value
        stamp = values.get("time:timestamp", "")
        if "date" not in row and stamp:
            if not _DAY.match(stamp):
                return place, Problem(
                    place,
                    0,
                    f"time:timestamp {stamp[:40]!r} is not a date",
                    "expected an XES date, e.g. 1921-09-01T00:00:00.000+00:00",
                )
            row["date"] = stamp[:10]
        return place, row

    def kind(self, activity: str) -> str:
        """The kind an activity names: itself, or its lower-cased form with spaces
        and hyphens as '_' when that is a kind (else itself, to be reported)."""
        if activity in self.kinds or activity == BACKGROUND:
            return activity
        return self.by_name.get(re.sub(r"[\s-]+", "_", activity.lower()), activity)


def xes_rows(
    f: IO[bytes], where: str, kinds: Collection[str]
) -> Iterator[tuple[str, Mapping[str, Any] | Problem]]:
    """(place, row) for each event of an open XES file (binary), places being
    ``FILE:line N`` of the event's tag; a Problem instead of a bad event, and
    a Problem and the end at XML that cannot be read. ``kinds`` are the kinds
    activity names are matched to."""
    reader = _Reader(where, kinds)
    parser = reader.parser
    fed = 0
    chunk = b""
    try:
        while True:
            try:
                chunk = f.read(_CHUNK)
            except OSError as err:
                raise CaseworkError(
                    f"{where}: cannot read the file ({err.strerror}); expected a readable .xes file"
                ) from None
            fed += len(chunk)
            parser.Parse(chunk, not chunk)
            yield from reader.out
            reader.out.clear()
            if fed - reader.seen > MAX_ROW + _CHUNK:
                raise reader.stop(
                    f"a tag or text longer than {MAX_ROW:,} bytes",
                    f"expected XES attributes of at most {MAX_FIELD:,} characters",
                )
            if not chunk:
                break
    except _Stop as stop:
        yield from reader.out
        yield stop.problem.path, stop.problem
        return
    except expat.ExpatError as err:
        yield from reader.out
        place = f"{where}:line {err.lineno}"
        at = parser.ErrorByteIndex - (fed - len(chunk))  # in the last chunk read
        bad = _not_utf8(chunk[at : at + 4]) if 0 <= at < len(chunk) else ""
        if 0 <= at < len(chunk) and chunk[at] == 0:
            bad = "contains a NUL byte"
        if bad:
            yield place, Problem(place, 0, bad, "expected UTF-8 text")
            return
        if err.code == expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS] and fed == 0:
            what = "the file is empty"
        else:
            why = expat.ErrorString(err.code)  # "mismatched tag", "not well-formed (invalid token)"
            why = why[len("not well-formed (") : -1] if why.startswith("not well-formed (") else why
            what = f"not well-formed XML ({why})"
        yield place, Problem(place, 0, what, _XES)
        return


def _not_utf8(data: bytes) -> str:
    """'' when ``data`` starts with a UTF-8 character (or could, cut short); else
    what its first byte is."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start == 0 and err.reason != "unexpected end of data":
            return f"byte 0x{data[0]:02x} is not UTF-8"
    return ""
