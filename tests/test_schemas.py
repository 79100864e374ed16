"""The JSON Schemas shipped for editors (casework/schemas/*.schema.json) agree
with the loader: every file the loader reads validates, and every malformed file
is refused by the schema too, unless its fault needs more than the file (another
file, the source text, the calendar or the procedure's machine)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from casework import bundled_scenarios

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "casework" / "schemas"
CORPUS = Path(__file__).parent / "malformed"
KINDS = ("case", "procedure", "people", "documents", "whatif")

#: Malformed files a schema cannot refuse, by what their fault needs.
NEEDS_MORE = {
    "another file or an id defined elsewhere": {
        "case-account-of-unknown",
        "case-role-unknown-person",
        "case-source-unknown",
        "case-unknown-actor",
        "case-unknown-person",
        "case-unknown-procedure",
        "case-unknown-recipient",
        "case-kind-unknown",
        "case-lookalike-kind",
        "case-secondary-primary-source",
        "case-duplicate-event-id",
        "documents-missing-file",
        "documents-symlink-out",
        "documents-lines-outside-file",
        "people-duplicate-id",
        "people-unknown-member",
        "procedure-duplicate-state",
        "procedure-unknown-initial",
        "procedure-unknown-source",
        "whatif-unknown-base",
        "whatif-unknown-event",
        "whatif-rule-unknown-trigger",
        "whatif-conflicting-edits",
        "whatif-loops-to-itself",
    },
    "the source text": {
        "case-citation-not-in-source",
        "case-quote-ansi",
        "case-quote-in-another-part",
        "case-quote-not-in-source",
    },
    "the calendar": {
        "case-date-reversed",
        "case-impossible-date",
        "case-impossible-time",
        "case-julian-after-1918",
        "case-malformed-edtf",
        "case-winter-season",
        "whatif-redate-impossible-day",
    },
    "the levels in use": {"people-level-not-listed", "people-unknown-level"},
    "the procedure's machine": {
        "case-after-final-state",
        "case-first-event-not-expulsion",
        "case-illegal-transition",
        "procedure-trigger-state",
        "procedure-reserved-trigger",
        "procedure-requires-too-many",
    },
}


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def kind_of(path: Path) -> str:
    if path.name == "procedure.toml" or path.parent.name == "procedures":
        return "procedure"
    if path.name in ("people.toml", "documents.toml"):
        return path.stem
    return "case" if path.parent.name == "cases" else "whatif"


def readable_files() -> list[Path]:
    folders = [bundled_scenarios(), Path(__file__).parent / "scenarios" / "patterns"]
    return sorted(f for folder in folders for f in folder.rglob("*.toml"))


@pytest.mark.parametrize("path", readable_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_file_the_loader_reads_validates(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    errors = [e.message for e in validator(kind_of(path)).iter_errors(data)]
    assert errors == []


def corpus() -> list[Path]:
    out = []
    for file in sorted(CORPUS.glob("*.toml")):
        try:
            tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError, ValueError):
            continue  # not TOML a reader takes at all: no schema is asked
        if file.name.split("-")[0] in KINDS:
            out.append(file)
    return out


def test_the_schemas_refuse_what_the_loader_refuses() -> None:
    """A malformed file the schema accepts is one whose fault needs more than the
    file: listed in NEEDS_MORE with what it needs (and nothing listed there is
    refused by the schema, so the list stays true)."""
    accepted = set()
    for file in corpus():
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        if validator(file.name.split("-")[0]).is_valid(data):
            accepted.add(file.stem)
    listed = set().union(*NEEDS_MORE.values())
    assert accepted == listed & {f.stem for f in corpus()}


def test_a_schema_names_the_key_and_what_was_expected() -> None:
    """What an editor shows: the place and the reason, e.g. an unknown key."""
    data = tomllib.loads((CORPUS / "case-unknown-key.toml").read_text(encoding="utf-8"))
    [error] = validator("case").iter_errors(data)
    assert (list(error.absolute_path), error.validator) == (["events", 0], "additionalProperties")
    assert "'qoute' was unexpected" in error.message
