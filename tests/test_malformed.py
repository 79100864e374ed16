"""Malformed inputs: each gets exit 1, one line per problem with file and line, no
traceback, and nothing written.

The corpus is in tests/malformed/: ``case-*`` and ``whatif-*`` files are placed as a
case file or a what-if, ``procedure-*``, ``people-*`` and ``documents-*`` replace
that file of a scratch copy of the bundled scenarios (all read by ``casework
check``), and ``csv-*``, ``jsonl-*`` and ``xes-*`` files are imported into a new
archive.
EXPECTED holds the exact messages.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from casework import bundled_scenarios

CORPUS = Path(__file__).parent / "malformed"

EXPECTED = {
    "case-lookalike-kind": [
        "scenarios/cases/probe.toml:8: event 'expelled': unknown kind 'exp\\u0435l'; expected one of: vouch, intercede, keep, expel, expel_finally, appeal, refer, request_verification, request_information, schedule_hearing, cancel_hearing, reinstate, reinstate_as_member, reinstate_as_candidate, uphold, confirm_finally, annul, background",
    ],
    "case-account-of-unknown": [
        "scenarios/cases/probe.toml:14: event 'expelled': account_of 'trotsky' is not in people.toml; expected the id of the person whose account the source reports",
    ],
    "case-citation-not-in-source": [
        "scenarios/cases/probe.toml:17: event 'expelled': citation 1: quote not found in document 'lenin-1921-12-20' (sources/lenin-1921-12-20-to-zalutsky-and-solts.txt, lines 6–29): it matches up to 'I have learn' and then reads 't about the expulsio' where the source has 'ed about the expulsi'; expected the exact words of the source",
    ],
    "case-inferred-parts": [
        "scenarios/cases/probe.toml:14: event 'expelled': inferred part 'motive' is not known; expected some of: kind, date, actors, recipients",
        "scenarios/cases/probe.toml:14: event 'expelled': the inferred date has no reasoning; expected date = why the modeller infers it",
        "2 problems",
    ],
    "case-quote-in-another-part": [
        "scenarios/cases/probe.toml:12: event 'expelled': quote not found in document 'lenin-1921-12-20' (sources/lenin-1921-12-20-to-zalutsky-and-solts.txt, lines 6–29): it stands in document 'cw45-editors', lines 31–33 of the same file; expected the exact words of the source",
    ],
    "case-refers-to-not-edtf": [
        "scenarios/cases/probe.toml:13: event 'expelled': refers_to: date 'next Tuesday' is not a valid EDTF date; expected e.g. 1921-12-20, 1921-12, 1917-07~, 1921-08-15/1921-12-20, ../1921-12-20",
    ],
    "case-reported-without-account": [
        "scenarios/cases/probe.toml:13: event 'expelled': a reported event does not say whose account it is; expected account_of = the id of the person whose account the source reports",
    ],
    "case-role-unknown-person": [
        "scenarios/cases/probe.toml:15: role: person 'trotsky' is not in people.toml; expected the id of a person or body defined there",
    ],
    "case-secondary-primary-source": [
        "scenarios/cases/probe.toml:13: event 'expelled': basis is 'secondary', but document 'lenin-1921-12-20' is a primary source; expected a document with kind = \"secondary\" in documents.toml",
    ],
    "case-actors-number": [
        "scenarios/cases/probe.toml:13: event 'expelled': actors is a list with non-string items; expected a list of strings",
    ],
    "case-actors-string": [
        "scenarios/cases/probe.toml:13: event 'expelled': actors is the string 'lenin'; expected a list of strings",
    ],
    "case-after-final-state": [
        "scenarios/cases/probe.toml:32: event 'again' (intercede) cannot follow state 'reinstated'; allowed here: nothing (final state)",
    ],
    "case-basis-unknown": [
        "scenarios/cases/probe.toml:13: event 'expelled': basis 'rumoured' is not known; expected one of: stated, reported, secondary, inferred",
    ],
    "case-broken-string": [
        "scenarios/cases/probe.toml:8: not valid TOML: Illegal character '\\n'; expected TOML syntax",
    ],
    "case-calendar-without-date": [
        "scenarios/cases/probe.toml:12: event 'expelled': calendar without a date; expected date = an EDTF string",
    ],
    "case-date-not-string": [
        "scenarios/cases/probe.toml:9: event 'expelled': date is the TOML date/time 1921-12-20 (unquoted); expected a string",
    ],
    "case-date-reversed": [
        "scenarios/cases/probe.toml:9: event 'expelled': date '1921-12-20/1921-08-15' ends before it starts",
    ],
    "case-duplicate-event-id": [
        "scenarios/cases/probe.toml:15: event 'expelled': id is used twice; expected unique ids (first used by event 1)",
    ],
    "case-duplicate-key": [
        "scenarios/cases/probe.toml:9: not valid TOML: Cannot overwrite a value; expected TOML syntax",
    ],
    "case-empty": [
        "scenarios/cases/probe.toml: file is empty; expected a TOML document",
    ],
    "case-event-id-spaces": [
        "scenarios/cases/probe.toml:7: event 'the expulsion': id 'the expulsion' is not valid; expected letters, digits, '-' or '_'",
    ],
    "case-events-not-tables": [
        "scenarios/cases/probe.toml:5: [case]: unknown key 'events'; expected one of: id, title, person, procedure, summary",
    ],
    "case-first-event-not-expulsion": [
        "scenarios/cases/probe.toml:6: event 'reinstated' (reinstate) cannot follow state 'member'; allowed here: vouch, intercede, keep, expel, expel_finally",
    ],
    "case-fullwidth-digits": [
        "scenarios/cases/probe.toml:9: event 'expelled': date '１９２１-12-20' is not a valid EDTF date; expected ASCII digits, e.g. 1921-12-20, 1921-12, 1917-07~, 1921-08-15/1921-12-20, ../1921-12-20",
    ],
    "case-hypothetical-in-case-file": [
        "scenarios/cases/probe.toml:13: event 'expelled': basis 'hypothetical' is not known; expected one of: stated, reported, secondary, inferred",
    ],
    "case-id-not-string": [
        "scenarios/cases/probe.toml:2: [case]: id is 7 (a number); expected a string (not empty)",
    ],
    "case-id-path": [
        "scenarios/cases/probe.toml:2: case id '../../etc/passwd' is not valid; expected letters, digits, '-' or '_'",
    ],
    "case-illegal-transition": [
        "scenarios/cases/probe.toml:14: event 'intercedes' (reinstate) cannot follow state 'expelled'; allowed here: intercede, appeal, refer, request_verification, reinstate_as_candidate, uphold, confirm_finally, annul",
    ],
    "case-impossible-date": [
        "scenarios/cases/probe.toml:9: event 'expelled': date '1921-02-30' is not a real day; expected a day that exists in the calendar",
    ],
    "case-impossible-time": [
        "scenarios/cases/probe.toml:9: event 'expelled': date '1921-12-20T20:00:99' has no such time of day; expected hours 00–23, minutes and seconds 00–59, e.g. 1921-12-20T20:00:00",
    ],
    "case-inferred-without-reasoning": [
        "scenarios/cases/probe.toml:13: event 'expelled': an inferred event has no reasoning; expected reasoning = why the modeller infers it",
    ],
    "case-julian-after-1918": [
        "scenarios/cases/probe.toml:9: event 'expelled': date '../1921-12-20' is marked Old Style (julian), but Russia used the Old Style only until 31 Jan 1918; expected calendar = 'gregorian' for later dates",
    ],
    "case-kind-list": [
        "scenarios/cases/probe.toml:8: event 'expelled': kind is a list with non-string items; expected a string (not empty)",
    ],
    "case-kind-unknown": [
        "scenarios/cases/probe.toml:8: event 'expelled': unknown kind 'purge'; expected one of: vouch, intercede, keep, expel, expel_finally, appeal, refer, request_verification, request_information, schedule_hearing, cancel_hearing, reinstate, reinstate_as_member, reinstate_as_candidate, uphold, confirm_finally, annul, background",
    ],
    "case-malformed-edtf": [
        "scenarios/cases/probe.toml:9: event 'expelled': date '20/12/1921' is not a valid EDTF date; expected e.g. 1921-12-20, 1921-12, 1917-07~, 1921-08-15/1921-12-20, ../1921-12-20",
    ],
    "case-missing-id": [
        "scenarios/cases/probe.toml:1: [case]: missing key 'id'; expected id = a string",
    ],
    "case-missing-kind": [
        "scenarios/cases/probe.toml:6: event 'expelled': missing key 'kind'; expected kind = a string",
    ],
    "case-missing-quote": [
        "scenarios/cases/probe.toml:6: event 'expelled': missing key 'quote'; expected quote = a string (every event cites its source)",
    ],
    "case-missing-summary": [
        "scenarios/cases/probe.toml:6: event 'expelled': missing key 'summary'; expected summary = a string",
    ],
    "case-nested-too-deep": [
        "scenarios/cases/probe.toml:13: arrays or inline tables nested more than 50 deep; expected at most 50 levels of nesting",
    ],
    "case-no-case-table": [
        "scenarios/cases/probe.toml: missing [case] table; expected id, title and person",
    ],
    "case-no-events": [
        "scenarios/cases/probe.toml: no [[events]]; expected at least one event",
    ],
    "case-not-utf8": [
        "scenarios/cases/probe.toml:10: byte 0xe9 is not UTF-8; expected UTF-8 text",
    ],
    "case-nul-byte": [
        "scenarios/cases/probe.toml:10: contains a NUL byte; expected UTF-8 text",
    ],
    "case-number-too-long": [
        "scenarios/cases/probe.toml:13: a number of 4,400 digits; expected a number of at most 100 digits",
    ],
    "case-quote-ansi": [
        "scenarios/cases/probe.toml:12: event 'expelled': quote not found in document 'lenin-1921-12-20' (sources/lenin-1921-12-20-to-zalutsky-and-solts.txt, lines 6–29): it matches up to 'I have learned ' and then reads '\\x1b[31mabout\\x1b[0m the e' where the source has 'about the expulsion '; expected the exact words of the source",
    ],
    "case-quote-empty": [
        "scenarios/cases/probe.toml:12: event 'expelled': quote is empty; expected the exact words of the source",
    ],
    "case-quote-not-in-source": [
        "scenarios/cases/probe.toml:12: event 'expelled': quote not found in document 'lenin-1921-12-20' (sources/lenin-1921-12-20-to-zalutsky-and-solts.txt, lines 6–29): it matches up to 'on from the Party of Nadezhda ' and then reads 'Alliluyeva.' where the source has 'Sergeyevna Alliluyev'; expected the exact words of the source",
    ],
    "case-source-unknown": [
        "scenarios/cases/probe.toml:11: event 'expelled': source 'lenin-1921-12-21' is not in documents.toml; expected one of: lenin-1921-12-20, cw45-editors",
    ],
    "case-stated-with-reasoning": [
        "scenarios/cases/probe.toml:13: event 'expelled': reasoning is given but basis is 'stated'; expected basis = \"inferred\" (the reasoning is the modeller's) or no reasoning",
    ],
    "case-summary-table": [
        "scenarios/cases/probe.toml:10: event 'expelled': summary is a table; expected a string (not empty)",
    ],
    "case-triple-quotes-on-one-line": [
        "scenarios/cases/probe.toml:14: event 'expelled': unknown key 'qoute'; expected one of: id, kind, date, calendar, date_basis, actors, recipients, summary, source, locator, quote, basis, account_of, reasoning, inferred, citations, refers_to, note",
    ],
    "case-unknown-actor": [
        "scenarios/cases/probe.toml:13: event 'expelled': actor 'trotsky' is not in people.toml; expected the id of a person or body defined there",
    ],
    "case-unknown-calendar": [
        "scenarios/cases/probe.toml:9: event 'expelled': calendar 'revolutionary' is not known; expected one of: gregorian, julian",
    ],
    "case-unknown-key": [
        "scenarios/cases/probe.toml:13: event 'expelled': unknown key 'qoute'; expected one of: id, kind, date, calendar, date_basis, actors, recipients, summary, source, locator, quote, basis, account_of, reasoning, inferred, citations, refers_to, note",
    ],
    "case-unknown-person": [
        "scenarios/cases/probe.toml:4: person 'trotsky' is not in people.toml; expected the id of a person defined there",
    ],
    "case-unknown-procedure": [
        "scenarios/cases/probe.toml:5: procedure 'purge-1933' is not known; expected one of: purge-1921, discipline",
    ],
    "case-unknown-recipient": [
        "scenarios/cases/probe.toml:13: event 'expelled': recipient 'kamenev' is not in people.toml; expected the id of a person or body defined there",
    ],
    "case-unknown-table": [
        "scenarios/cases/probe.toml:14: unknown table 'appendix'; expected [case], [[events]] and [[roles]]",
    ],
    "case-whitespace-only": [
        "scenarios/cases/probe.toml: file is empty; expected a TOML document",
    ],
    "case-winter-season": [
        "scenarios/cases/probe.toml:9: event 'expelled': date '1921-24' is winter, which runs from one year into the next; expected an interval of months, e.g. 1921-12/1922-02",
    ],
    "csv-duplicate-seq": [
        "csv-duplicate-seq.csv:row 3: case 'x-1' seq 1 is already in the archive (or earlier in this file) with another event_id, kind, date; expected the same row again or a new seq; rows imported are never changed",
        "1 bad row; nothing was imported",
    ],
    "csv-empty": [
        "csv-empty.csv:row 1: the file is empty; expected columns case_id, seq, event_id, kind and any of: date, calendar, date_basis, actors, recipients, summary, source, locator, quote, basis, reasoning, note, account_of, refers_to, title, procedure",
        "1 bad row; nothing was imported",
    ],
    "csv-extra-column": [
        "csv-extra-column.csv:row 2: 6 fields, more than the 5 columns of the header; expected one field per column (quote fields that hold commas)",
        "1 bad row; nothing was imported",
    ],
    "csv-impossible-date": [
        "csv-impossible-date.csv:row 2: date '1921-02-30' is not a real day; expected a day that exists in the calendar",
        "1 bad row; nothing was imported",
    ],
    "csv-missing-column": [
        "csv-missing-column.csv:row 1: column 'kind' is missing; expected columns case_id, seq, event_id, kind and any of: date, calendar, date_basis, actors, recipients, summary, source, locator, quote, basis, reasoning, note, account_of, refers_to, title, procedure",
        "1 bad row; nothing was imported",
    ],
    "csv-many-unknown-columns": [
        "csv-many-unknown-columns.csv:row 1: columns 'colour', 'size', 'weight' and 5 more are not known; expected columns case_id, seq, event_id, kind and any of: date, calendar, date_basis, actors, recipients, summary, source, locator, quote, basis, reasoning, note, account_of, refers_to, title, procedure",
        "1 bad row; nothing was imported",
    ],
    "csv-not-utf8": [
        "csv-not-utf8.csv:row 2: byte 0xe9 is not UTF-8; expected UTF-8 text",
        "1 bad row; nothing was imported",
    ],
    "csv-nul-byte": [
        "csv-nul-byte.csv:row 2: contains a NUL byte; expected UTF-8 text",
        "1 bad row; nothing was imported",
    ],
    "csv-seq-arabic-indic": [
        "csv-seq-arabic-indic.csv:row 2: seq '٣' is not a positive whole number; expected 1, 2, 3, ... in the order of the case",
        "1 bad row; nothing was imported",
    ],
    "csv-seq-not-a-number": [
        "csv-seq-not-a-number.csv:row 2: seq 'first' is not a positive whole number; expected 1, 2, 3, ... in the order of the case",
        "1 bad row; nothing was imported",
    ],
    "csv-seq-superscript": [
        "csv-seq-superscript.csv:row 2: seq '²' is not a positive whole number; expected 1, 2, 3, ... in the order of the case",
        "1 bad row; nothing was imported",
    ],
    "csv-seq-too-large": [
        "csv-seq-too-large.csv:row 2: seq 9223372036854775808 is more than 9,223,372,036,854,775,807; expected 1, 2, 3, ... in the order of the case",
        "1 bad row; nothing was imported",
    ],
    "csv-short-row": [
        "csv-short-row.csv:row 2: 3 fields, fewer than the 5 columns of the header; expected one field per column (quote fields that hold commas)",
        "1 bad row; nothing was imported",
    ],
    "csv-stated-with-reasoning": [
        "csv-stated-with-reasoning.csv:row 2: reasoning is given but basis is 'stated'; expected basis = \"inferred\" (the reasoning is the modeller's) or no reasoning",
        "1 bad row; nothing was imported",
    ],
    "csv-too-many-columns": [
        "csv-too-many-columns.csv:row 1: 100 columns, more than 64; expected columns case_id, seq, event_id, kind and any of: date, calendar, date_basis, actors, recipients, summary, source, locator, quote, basis, reasoning, note, account_of, refers_to, title, procedure",
        "1 bad row; nothing was imported",
    ],
    "csv-hypothetical": [
        "csv-hypothetical.csv:row 2: basis 'hypothetical' is not known; expected one of: stated, reported, secondary, inferred",
        "1 bad row; nothing was imported",
    ],
    "csv-unknown-kind": [
        "csv-unknown-kind.csv:row 2: unknown kind 'purge'; expected one of: vouch, intercede, keep, expel, expel_finally, appeal, refer, request_verification, request_information, schedule_hearing, cancel_hearing, reinstate, reinstate_as_member, reinstate_as_candidate, uphold, confirm_finally, annul, background",
        "1 bad row; nothing was imported",
    ],
    "documents-kind-unknown": [
        "scenarios/documents.toml:11: document 'lenin-1921-12-20': kind 'memoir' is not known; expected one of: primary, secondary",
    ],
    "documents-lines-outside-file": [
        "scenarios/documents.toml:34: document 'cw45-editors': lines 31–99 are not lines of the file, which has 33; expected lines = [FIRST, LAST], line numbers of the file counted from 1",
    ],
    "documents-absolute-path": [
        "scenarios/documents.toml:6: document 'lenin-1921-12-20': file '/etc/passwd' is outside the scenarios folder; expected a path inside scenarios",
    ],
    "documents-escape-dotdot": [
        "scenarios/documents.toml:6: document 'lenin-1921-12-20': file '../../etc/passwd' is outside the scenarios folder; expected a path inside scenarios",
    ],
    "documents-missing-file": [
        "scenarios/documents.toml:6: document 'lenin-1921-12-20': no such file (sources/lenin-1921-12-21.txt); expected an existing file",
    ],
    "documents-symlink-out": [
        "scenarios/documents.toml:6: document 'lenin-1921-12-20': file 'sources/outside.txt' is outside the scenarios folder; expected a path inside scenarios",
    ],
    "jsonl-deeply-nested": [
        "jsonl-deeply-nested.jsonl:line 1: JSON nested too deeply to read; expected one JSON object per line",
        "1 bad row; nothing was imported",
    ],
    "jsonl-lone-surrogate": [
        "jsonl-lone-surrogate.jsonl:line 1: summary holds the lone surrogate \\ud800; expected UTF-8 text",
        "1 bad row; nothing was imported",
    ],
    "jsonl-many-unknown-keys": [
        "jsonl-many-unknown-keys.jsonl:line 1: keys 'colour', 'size', 'weight' and 5 more are not known; expected columns case_id, seq, event_id, kind and any of: date, calendar, date_basis, actors, recipients, summary, source, locator, quote, basis, reasoning, note, account_of, refers_to, title, procedure",
        "1 bad row; nothing was imported",
    ],
    "jsonl-not-json": [
        "jsonl-not-json.jsonl:line 2: not valid JSON (Expecting property name enclosed in double quotes); expected one JSON object per line",
        "1 bad row; nothing was imported",
    ],
    "jsonl-not-utf8": [
        "jsonl-not-utf8.jsonl:line 1: byte 0xe9 is not UTF-8; expected UTF-8 text",
        "1 bad row; nothing was imported",
    ],
    "jsonl-seq-too-large": [
        "jsonl-seq-too-large.jsonl:line 1: seq 9223372036854775808 is more than 9,223,372,036,854,775,807; expected 1, 2, 3, ... in the order of the case",
        "1 bad row; nothing was imported",
    ],
    "jsonl-too-many-keys": [
        "jsonl-too-many-keys.jsonl:line 1: 100 keys, more than 64; expected columns case_id, seq, event_id, kind and any of: date, calendar, date_basis, actors, recipients, summary, source, locator, quote, basis, reasoning, note, account_of, refers_to, title, procedure",
        "1 bad row; nothing was imported",
    ],
    "people-members-number": [
        "scenarios/people.toml:53: person 'alliluyev-family': members is 1 (a number); expected a list of strings",
    ],
    "people-level-not-listed": [
        "scenarios/people.toml:33: person 'central-purge-commission': level 'uyezd' is not known; expected one of: district, gubernia, central (or list it in levels = [...])",
        "scenarios/people.toml:167: relation 5: of 'central-purge-commission' is not in people.toml; expected the id of a person or body defined there",
        "scenarios/people.toml:177: relation 6: of 'central-purge-commission' is not in people.toml; expected the id of a person or body defined there",
        "3 problems",
    ],
    "people-duplicate-id": [
        "scenarios/people.toml:19: person id 'zalutsky' is defined twice; expected unique ids",
    ],
    "people-missing-name": [
        "scenarios/people.toml:100: person 'stalin': missing key 'name'; expected name = a string",
    ],
    "people-unknown-kind": [
        "scenarios/people.toml:91: person 'sverdlov': kind 'commissar' is not known; expected one of: person, body, group",
    ],
    "people-unknown-level": [
        "scenarios/people.toml:28: person 'central-purge-commission': level 'federal' is not known; expected one of: volost, uyezd, district, gubernia, regional, central, central_committee, politburo (or list it in levels = [...])",
    ],
    "people-unknown-member": [
        "scenarios/people.toml:48: person 'alliluyev-family': member 'alliluyev-grandfather' is not in people.toml; expected the id of a person defined there",
    ],
    "procedure-source-not-a-name": [
        "scenarios/procedure.toml:93: source state [1] is not a state; expected one of: appealed, expelled, expelled_finally, expulsion_annulled, expulsion_upheld, hearing_cancelled, hearing_scheduled, intercession, kept, member, referred, reinstated, reinstated_candidate, reinstated_member, verification_requested",
    ],
    "procedure-bad-requires": [
        "scenarios/procedure.toml:121: requires must map event kinds to counts; expected e.g. requires = { intercede = 2 }",
    ],
    "procedure-duplicate-state": [
        "scenarios/procedure.toml:23: state 'member' is defined twice; expected unique names",
        "scenarios/procedure.toml:70: dest state 'expelled' is not a state; expected one of: appealed, expulsion_annulled, expulsion_upheld, hearing_cancelled, hearing_scheduled, intercession, member, reinstated, reinstated_candidate, verification_requested (or internal = true)",
        "scenarios/procedure.toml:76: source state 'expelled' is not a state; expected one of: appealed, expulsion_annulled, expulsion_upheld, hearing_cancelled, hearing_scheduled, intercession, member, reinstated, reinstated_candidate, verification_requested",
        "scenarios/procedure.toml:83: source state 'expelled' is not a state; expected one of: appealed, expulsion_annulled, expulsion_upheld, hearing_cancelled, hearing_scheduled, intercession, member, reinstated, reinstated_candidate, verification_requested",
        "scenarios/procedure.toml:90: source state 'expelled' is not a state; expected one of: appealed, expulsion_annulled, expulsion_upheld, hearing_cancelled, hearing_scheduled, intercession, member, reinstated, reinstated_candidate, verification_requested",
        "5 problems",
    ],
    "procedure-final-bool": [
        "scenarios/procedure.toml:54: state 'reinstated': final is 'yes'; expected final = true or final = false",
    ],
    "procedure-lookalike-state": [
        "scenarios/procedure.toml:53: state name 'reinstat\\u0435d' is not valid: U+0435 CYRILLIC SMALL LETTER IE is not ASCII; expected ASCII letters, digits and _",
        "scenarios/procedure.toml:119: dest state 'reinstated' is not a state; expected one of: appealed, expelled, expulsion_annulled, expulsion_upheld, hearing_cancelled, hearing_scheduled, intercession, member, reinstated_candidate, verification_requested (or internal = true)",
        "2 problems",
    ],
    "procedure-no-table": [
        "scenarios/procedure.toml: missing [procedure] table; expected id, title and initial",
    ],
    "procedure-reserved-trigger": [
        "scenarios/procedure.toml:68: trigger 'background' is reserved; expected another name",
    ],
    "procedure-requires-injection": [
        'scenarios/procedure.toml:121: required kind \'intercede\\n  click member href "javascript:alert(1)"\\n%%{init: {"securityLevel": "loose"}}%%\' is not valid; expected ASCII letters, digits and _',
    ],
    "procedure-requires-too-many": [
        "scenarios/procedure.toml:121: requires 10,000,000 × intercede, too many for a path through the procedure; expected at most 1,000",
    ],
    "procedure-trigger-state": [
        "scenarios/procedure.toml:96: trigger 'state' is reserved: the state machine keeps a case's state under that name; expected another name",
    ],
    "procedure-unknown-initial": [
        "scenarios/procedure.toml:17: initial state 'candidate' is not a state; expected one of: appealed, expelled, expulsion_annulled, expulsion_upheld, hearing_cancelled, hearing_scheduled, intercession, member, reinstated, reinstated_candidate, verification_requested",
    ],
    "procedure-unknown-source": [
        "scenarios/procedure.toml:69: source state 'citizen' is not a state; expected one of: appealed, expelled, expulsion_annulled, expulsion_upheld, hearing_cancelled, hearing_scheduled, intercession, member, reinstated, reinstated_candidate, verification_requested",
    ],
    "whatif-conflicting-edits": [
        "scenarios/whatif/probe.toml:13: edit 2 (redate) names event 'reinstated', as edit 1 (remove) does; expected one edit per event",
    ],
    "whatif-insert-quotes-a-source": [
        "scenarios/whatif/probe.toml:11: event 'second-letter': a hypothetical event has no reasoning; expected reasoning = why this might have happened",
        "scenarios/whatif/probe.toml:18: event 'second-letter': a hypothetical event quotes a source; expected reasoning instead of source and quote",
        "2 problems",
    ],
    "whatif-loops-to-itself": [
        "scenarios/whatif/probe.toml:3: the chain of bases loops: probe → probe; expected a chain of what-ifs that ends at a case",
    ],
    "whatif-markup-in-event-id": [
        "scenarios/whatif/probe.toml:9: unknown event '[red]nobody[/red]\\x1b[31m' in 'alliluyeva'; expected one of: family-known, father-services, july-days-shelter, expelled, lenin-intercedes, reexamination-implied, reinstated",
    ],
    "whatif-redate-impossible-day": [
        "scenarios/whatif/probe.toml:10: edit 1: date '1922-02-30' is not a real day; expected a day that exists in the calendar",
    ],
    "whatif-rule-unknown-trigger": [
        "scenarios/whatif/probe.toml:8: unknown trigger 'reinstat'; expected one of: vouch, intercede, keep, expel, expel_finally, appeal, refer, request_verification, request_information, schedule_hearing, cancel_hearing, reinstate, reinstate_as_member, reinstate_as_candidate, uphold, confirm_finally, annul",
    ],
    "whatif-unknown-base": [
        "scenarios/whatif/probe.toml:3: unknown base 'trotsky'; expected a case or what-if id: alliluyeva, kasparova-popova, late-intercession-kasparova, no-intercession-alliluyeva, no-intercession-kasparova, no-intercession-upheld-kasparova, no-letter-kasparova, probe, second-testimonial-alliluyeva, second-testimonial-kasparova, upheld-after-verification-alliluyeva, upheld-after-verification-kasparova, verification-first-alliluyeva, verification-first-kasparova",
    ],
    "whatif-unknown-event": [
        "scenarios/whatif/probe.toml:9: unknown event 'lenin-writes' in 'alliluyeva'; expected one of: family-known, father-services, july-days-shelter, expelled, lenin-intercedes, reexamination-implied, reinstated",
    ],
    "whatif-unknown-op": [
        "scenarios/whatif/probe.toml:8: edit 1: unknown op 'rewrite'; expected one of: fork, remove, insert, replace, redate",
    ],
    "xes-bad-timestamp": [
        "xes-bad-timestamp.xes:line 5: time:timestamp 'last Tuesday' is not a date; expected an XES date, e.g. 1921-09-01T00:00:00.000+00:00",
        "1 bad row; nothing was imported",
    ],
    "xes-billion-laughs": [
        "xes-billion-laughs.xes:line 2: a DOCTYPE declaration; expected an XES log without a DTD or entities",
        "1 bad row; nothing was imported",
    ],
    "xes-empty": [
        "xes-empty.xes:line 1: the file is empty; expected an XES log (IEEE 1849)",
        "1 bad row; nothing was imported",
    ],
    "xes-event-outside-trace": [
        "xes-event-outside-trace.xes:line 3: an <event> outside a <trace>; expected events in traces",
        "1 bad row; nothing was imported",
    ],
    "xes-external-entity": [
        "xes-external-entity.xes:line 2: a DOCTYPE declaration; expected an XES log without a DTD or entities",
        "1 bad row; nothing was imported",
    ],
    "xes-mismatched-tag": [
        "xes-mismatched-tag.xes:line 7: not well-formed XML (mismatched tag); expected an XES log (IEEE 1849)",
        "1 bad row; nothing was imported",
    ],
    "xes-nested-too-deep": [
        "xes-nested-too-deep.xes:line 4: elements nested more than 16 deep; expected log, trace, event and their attributes",
        "1 bad row; nothing was imported",
    ],
    "xes-not-a-log": [
        "xes-not-a-log.xes:line 2: the root element is <html>; expected an XES <log>",
        "1 bad row; nothing was imported",
    ],
    "xes-not-utf8": [
        "xes-not-utf8.xes:line 7: byte 0xe9 is not UTF-8; expected UTF-8 text",
        "1 bad row; nothing was imported",
    ],
    "xes-trace-without-name": [
        "xes-trace-without-name.xes:line 4: an event of a trace without concept:name; expected each trace to name its case",
        "1 bad row; nothing was imported",
    ],
    "xes-unknown-activity": [
        "xes-unknown-activity.xes:line 9: unknown kind 'reinstat'; expected one of: vouch, intercede, keep, expel, expel_finally, appeal, refer, request_verification, request_information, schedule_hearing, cancel_hearing, reinstate, reinstate_as_member, reinstate_as_candidate, uphold, confirm_finally, annul, background",
        "1 bad row; nothing was imported",
    ],
}


def _file(name: str) -> Path:
    """The corpus file called ``name`` (any suffix)."""
    (found,) = CORPUS.glob(f"{name}.*")
    return found


def _place(name: str, root: Path) -> list[str]:
    """Copy the bundled scenarios to ``root``, put corpus file ``name`` where it
    belongs, and return the command that reads it."""
    scenarios = root / "scenarios"
    shutil.copytree(bundled_scenarios(), scenarios)
    # A link that leads out of the scenarios folder, for documents-symlink-out.
    (root / "outside.txt").write_text("not a source", encoding="utf-8")
    os.symlink(root / "outside.txt", scenarios / "sources" / "outside.txt")
    kind = name.split("-")[0]
    if kind in ("csv", "jsonl", "xes"):  # an archive export: imported, not checked
        shutil.copy(_file(name), root / _file(name).name)
        return ["import", _file(name).name, "--db", "archive.sqlite"]
    target = {
        "case": scenarios / "cases" / "probe.toml",
        "whatif": scenarios / "whatif" / "probe.toml",
        "procedure": scenarios / "procedure.toml",
        "people": scenarios / "people.toml",
        "documents": scenarios / "documents.toml",
    }[kind]
    shutil.copy(_file(name), target)
    return ["check", "scenarios"]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_the_corpus_is_complete() -> None:
    """Every corpus file has an expected message and vice versa (at least 40 inputs)."""
    assert sorted(p.stem for p in CORPUS.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_input(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., object]
) -> None:
    """check (or import, for archive files) reports exactly the expected lines, exit 1,
    and writes nothing: no file changed, no archive left behind."""
    command = _place(name, tmp_path)
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    result = cli(*command)
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == EXPECTED[name]
    assert "Traceback" not in result.err
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("command", "code", "prefix"),
    [(["replay", "probe"], 1, ""), (["list"], 1, ""), (["replay", "alliluyeva"], 0, "warning: ")],
)
def test_other_commands_report_the_same(
    command: list[str],
    code: int,
    prefix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., object],
) -> None:
    """replay and list report a broken case file with the same one-line message (for
    another case, replay goes on and reports it as a warning)."""
    _place("case-impossible-date", tmp_path)
    monkeypatch.chdir(tmp_path)
    result = cli(*command, "--scenarios", "scenarios")
    assert result.code == code
    assert result.err.splitlines() == [prefix + line for line in EXPECTED["case-impossible-date"]]


def test_a_100_mb_file_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., object]
) -> None:
    """A huge case file is refused by its size, before it is read."""
    scenarios = tmp_path / "scenarios"
    shutil.copytree(bundled_scenarios(), scenarios)
    with (scenarios / "cases" / "huge.toml").open("wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: no 100 MB written to disk
    monkeypatch.chdir(tmp_path)
    result = cli("check", "scenarios")
    assert result.code == 1
    assert result.err == (
        "scenarios/cases/huge.toml: file is 104,857,600 bytes; expected at most 5,242,880 bytes\n"
    )


def test_markup_and_escapes_in_every_text_field_are_literal(
    scenarios: Path, cli: Callable[..., object]
) -> None:
    """Rich markup and ANSI escapes in titles, summaries, notes and names print as written."""
    nasty = "[bold red]x[/] \\u001b[2J\\u001b]8;;http://e\\u0007y"
    case = scenarios / "cases" / "alliluyeva.toml"
    text = case.read_text("utf-8")
    for key in ("title", "summary", "date_basis", "note", "reasoning", "locator"):
        text = text.replace(f'\n{key} = "', f'\n{key} = "{nasty} ')
    case.write_text(text, "utf-8")
    people = scenarios / "people.toml"
    people.write_text(
        people.read_text("utf-8").replace('name = "V. I. Lenin"', f'name = "{nasty} Lenin"'),
        "utf-8",
    )
    result = cli("replay", "--scenarios", str(scenarios), "alliluyeva")
    assert result.code == 0
    assert "\x1b" not in result.out and "\x07" not in result.out
    shown = "[bold red]x[/] \\x1b[2J\\x1b]8;;http://e\\x07y"
    assert result.out.count(shown) >= 10
