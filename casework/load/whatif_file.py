"""Reading and checking what-if files (the model is in :mod:`casework.model.whatif`).

A what-if file has a ``[whatif]`` table (id, base, title, description), then
``[[edits]]`` tables, each with its own ``[[edits.events]]``, and ``[[rules]]``
tables. Every problem found is kept with its line: the ``[whatif]`` table's
raise at once, the others wait in the what-if's ``pending`` to be reported
with those found when it is resolved against its base.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from casework.errors import CaseFileError, Problem
from casework.load.cases import Context, check_event_row
from casework.load.schema import Field, check_table
from casework.load.tomlfile import TomlFile
from casework.model.dates import CALENDARS, HistDate
from casework.model.edits import Edit, Fork, Insert, Redate, Remove, Replace, Rule, Unread
from casework.model.events import Event
from casework.model.evidence import Origin
from casework.model.rules import is_id
from casework.model.whatif import WhatIf, in_line_order

_HEAD_SCHEMA = {
    "id": Field(str, required=True),
    "base": Field(str, required=True),
    "title": Field(str, required=True),
    "description": Field(str),
}

_EDIT_SCHEMA = {
    "op": Field(str, required=True),
    "at": Field(str),
    "event": Field(str),
    "before": Field(str),
    "after": Field(str),
    "date": Field(str),
    "calendar": Field(str),
    "reasoning": Field(str),
    "events": Field(list),
}

#: The keys each kind of edit takes (besides ``op``), required ones first.
_OP_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fork": (("at",), ("events",)),
    "remove": (("event",), ()),
    "insert": (("events",), ("before", "after")),
    "replace": (("event", "events"), ()),
    "redate": (("event", "date", "reasoning"), ("calendar",)),
}

_RULE_SCHEMA = {
    "trigger": Field(str, required=True),
    "requires": Field(dict),
    "drop_source": Field(list, items=str),
    "add_source": Field(list, items=str),
    "drop": Field(bool),
}


class _Reader:
    """Reads one what-if file, collecting every problem with its line."""

    def __init__(self, toml: TomlFile, ctx: Context) -> None:
        self.toml = toml
        self.ctx = ctx
        self.problems: list[Problem] = []
        self.path = toml.display_path
        self.event_tables = 0  # [[edits.events]] headers seen so far, in file order

    def origin(self, table: str, index: int | None, key: str) -> Origin:
        return Origin(self.path, self.toml.key_line(key, table, index))

    def _id_origin(self, index: int) -> Origin | None:
        """Where the ``index``-th ``[[edits.events]]`` table (in file order) sets
        its id; None when it cannot be found (events given inline)."""
        line = self.toml.key_line("id", "edits.events", index)
        return Origin(self.path, line) if line else None

    def read(self) -> WhatIf:
        data = self.toml.data
        head: Any = data.get("whatif")
        if head is None:
            self.problems.append(
                self.toml.problem("missing [whatif] table", "expected id, base and title")
            )
        else:
            self.problems += check_table(
                self.toml, head, _HEAD_SCHEMA, table="whatif", label="[whatif]"
            )
        head_ok = not self.problems
        head = head if head_ok else {}
        for key in data:
            if key not in ("whatif", "edits", "rules"):
                self.problems.append(
                    self.toml.problem(
                        f"unknown table {key!r}",
                        "expected [whatif], [[edits]] and [[rules]]",
                        table=key,
                    )
                )
        if head_ok and not is_id(head["id"]):
            self.problems.append(
                self.toml.problem(
                    f"what-if id {head['id']!r} is not valid",
                    "expected letters, digits, '-' or '_'",
                    table="whatif",
                    key="id",
                )
            )
        edits = self._edits(data.get("edits", []))
        rules = self._rules(data.get("rules", []))
        if not data.get("edits") and not data.get("rules"):
            self.problems.append(
                self.toml.problem(
                    "no [[edits]] or [[rules]]",
                    "expected at least one edit or rule",
                    table="whatif",
                )
            )
        if not head_ok:  # no what-if to resolve: report what can be found without one
            unnamed = WhatIf("", base="", edits=edits, origin=Origin(self.path, 0))
            raise CaseFileError(in_line_order([*self.problems, *unnamed.conflicts()]))
        # Every other problem is reported with those found when the what-if is
        # resolved against its base (conflicts, unknown events and triggers).
        return WhatIf(
            head["id"],
            base=head["base"],
            title=head["title"],
            description=head.get("description", ""),
            edits=edits,
            rules=rules,
            origin=self.origin("whatif", None, "base"),
            pending=self.problems,
        )

    def _tables(self, name: str, rows: Any) -> list[Any]:
        """``rows`` when they are an array of tables; else [] and a problem."""
        if isinstance(rows, list):
            return rows
        self.problems.append(
            self.toml.problem(f"{name} is not a list of tables", f"expected [[{name}]] tables")
        )
        return []

    def _edits(self, rows: Any) -> list[Edit]:
        out: list[Edit] = []
        for i, row in enumerate(self._tables("edits", rows)):
            before = len(self.problems)
            edit = self._edit(i, row)
            if edit is not None and len(self.problems) == before:
                out.append(edit)
                continue
            mapping = row if isinstance(row, Mapping) else {}
            op = mapping.get("op")
            keys = [
                k for k in ("at", "event", "before", "after") if isinstance(mapping.get(k), str)
            ]
            out.append(
                Unread(
                    op if isinstance(op, str) else "?",
                    [mapping[k] for k in keys],
                    origin=self.origin("edits", i, keys[0] if keys else "op"),
                )
            )
        return out

    def _edit(self, i: int, row: Any) -> Edit | None:
        """One [[edits]] table as an edit; None (and its problems) when it cannot be built."""
        label = f"edit {i + 1}"
        events_here = (
            len(row.get("events", []))
            if isinstance(row, Mapping) and isinstance(row.get("events"), list)
            else 0
        )
        first_event = self.event_tables
        self.event_tables += events_here
        found = check_table(self.toml, row, _EDIT_SCHEMA, table="edits", index=i, label=label)
        if found:
            self.problems += found
            if events_here:
                self._events(row["events"], first_event, label)
            return None
        op = row["op"]
        if op not in _OP_KEYS:
            self.problems.append(
                self.toml.problem(
                    f"{label}: unknown op {op!r}",
                    "expected one of: " + ", ".join(_OP_KEYS),
                    table="edits",
                    index=i,
                    key="op",
                )
            )
            return None
        required, optional = _OP_KEYS[op]
        bad = False
        for key in row:
            if key != "op" and key not in required + optional:
                self.problems.append(
                    self.toml.problem(
                        f"{label}: {op} takes no {key!r}",
                        "expected " + ", ".join(required + optional),
                        table="edits",
                        index=i,
                        key=key,
                    )
                )
                bad = True
        for key in required:
            if key not in row:
                self.problems.append(
                    self.toml.problem(
                        f"{label}: {op} needs {key!r}",
                        "expected " + ", ".join(required),
                        table="edits",
                        index=i,
                    )
                )
                bad = True
        if op == "insert" and ("before" in row) == ("after" in row):
            self.problems.append(
                self.toml.problem(
                    f"{label}: insert needs exactly one of 'before' and 'after'",
                    "expected before = an event id, or after = an event id",
                    table="edits",
                    index=i,
                )
            )
            bad = True
        if op == "redate":
            return self._redate(i, row, label, bad)
        events = self._events(row.get("events", []), first_event, label)
        if events is None or bad:
            return None
        if op in ("insert", "replace") and not events:
            self.problems.append(
                self.toml.problem(
                    f"{label}: {op} has no events",
                    "expected at least one [[edits.events]] table",
                    table="edits",
                    index=i,
                )
            )
            return None
        if op == "replace" and len(events) != 1:
            self.problems.append(
                self.toml.problem(
                    f"{label}: replace has {len(events)} events",
                    "expected exactly one [[edits.events]] table",
                    table="edits",
                    index=i,
                )
            )
            return None
        name_key = {"fork": "at", "insert": "before" if "before" in row else "after"}.get(
            op, "event"
        )
        origin = self.origin("edits", i, name_key)
        ids = [self._id_origin(first_event + j) for j in range(len(events))]
        if op == "fork":
            return Fork(row["at"], events, origin=origin, id_origins=ids)
        if op == "remove":
            return Remove(row["event"], origin=origin)
        if op == "insert":
            before, after = row.get("before"), row.get("after")
            return Insert(events, before=before, after=after, origin=origin, id_origins=ids)
        return Replace(row["event"], events[0], origin=origin, id_origins=ids)

    def _redate(self, i: int, row: Mapping[str, Any], label: str, bad: bool) -> Redate | None:
        """A redate edit; its calendar, date and reasoning are each checked."""
        calendar = row.get("calendar", "gregorian")
        if calendar not in CALENDARS:
            self.problems.append(
                self.toml.problem(
                    f"{label}: calendar {calendar!r} is not known",
                    "expected gregorian or julian",
                    table="edits",
                    index=i,
                    key="calendar",
                )
            )
            bad = True
        date: HistDate | None = None
        if "date" in row and calendar in CALENDARS:
            try:
                date = HistDate.parse(row["date"], calendar)
            except ValueError as err:
                self.problems.append(
                    self.toml.problem(f"{label}: {err}", "", table="edits", index=i, key="date")
                )
        if "reasoning" in row and not row["reasoning"].strip():
            self.problems.append(
                self.toml.problem(
                    f"{label}: reasoning is empty",
                    "expected why the date might have been different",
                    table="edits",
                    index=i,
                    key="reasoning",
                )
            )
            bad = True
        if bad or date is None:
            return None
        return Redate(row["event"], date, row["reasoning"], origin=self.origin("edits", i, "event"))

    def _events(self, rows: list[Any], first: int, edit_label: str) -> list[Event] | None:
        procedure = self.ctx.procedure_for(None)
        events: list[Event] = []
        ok = True
        for j, row in enumerate(rows):
            index = first + j
            if not isinstance(row, Mapping):
                self.problems.append(
                    self.toml.problem(
                        f"{edit_label}: event {j + 1} is not a table",
                        "expected [[edits.events]] tables",
                    )
                )
                ok = False
                continue
            label = (
                f"event {row['id']!r}"
                if isinstance(row.get("id"), str)
                else f"{edit_label}, event {j + 1}"
            )
            basis = row.get("basis", "hypothetical")
            if basis != "hypothetical":
                self.problems.append(
                    self.toml.problem(
                        f"{label}: basis {basis!r} in a what-if",
                        'expected basis = "hypothetical" '
                        "(a what-if's own events rest on reasoning, not on a source)",
                        table="edits.events",
                        index=index,
                        key="basis",
                    )
                )
                ok = False
                continue
            row = {**row, "basis": "hypothetical"}
            found = check_event_row(
                self.toml,
                row,
                self.ctx,
                procedure,
                table="edits.events",
                index=index,
                label=label,
                allow_hypothetical=True,
            )
            if found:
                self.problems += found
                ok = False
                continue
            origin = Origin(self.path, self.toml.table_line("edits.events", index))
            events.append(Event.from_mapping(row, case="", seq=0, origin=origin))
        return events if ok else None

    def _rules(self, rows: Any) -> list[Rule]:
        out: list[Rule] = []
        for i, row in enumerate(self._tables("rules", rows)):
            label = f"rule {i + 1}"
            found = check_table(self.toml, row, _RULE_SCHEMA, table="rules", index=i, label=label)
            requires = row.get("requires", {}) if isinstance(row, Mapping) else {}
            if not found and not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in requires.values()
            ):
                found.append(
                    self.toml.problem(
                        f"{label}: requires must map event kinds to counts",
                        "expected e.g. requires = { intercede = 2 } (0 drops a requirement)",
                        table="rules",
                        index=i,
                        key="requires",
                    )
                )
            if not found and not (
                requires or row.get("drop_source") or row.get("add_source") or row.get("drop")
            ):
                found.append(
                    self.toml.problem(
                        f"{label}: changes nothing",
                        "expected requires, drop_source, add_source or drop = true",
                        table="rules",
                        index=i,
                    )
                )
            if found:
                self.problems += found
                trigger = row.get("trigger") if isinstance(row, Mapping) else None
                if isinstance(trigger, str) and trigger.strip():
                    # changes nothing, but its trigger is still checked against the base
                    out.append(Rule(trigger, origin=self.origin("rules", i, "trigger")))
                continue
            out.append(
                Rule(
                    row["trigger"],
                    requires=requires,
                    drop_source=row.get("drop_source", ()),
                    add_source=row.get("add_source", ()),
                    drop=row.get("drop", False),
                    origin=self.origin("rules", i, "trigger"),
                )
            )
        return out


def read_whatif(path: Path, ctx: Context) -> WhatIf:
    """Read one what-if file. Raises CaseFileError when its ``[whatif]`` table
    cannot be read; any other problem found is kept in the what-if's
    ``pending`` and reported by :func:`~casework.model.whatif.resolve_whatifs`
    (and by :meth:`WhatIf.apply`) with those of its base, edits and rules, in
    line order."""
    return _Reader(TomlFile.read(path), ctx).read()
