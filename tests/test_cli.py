"""The command line: output, exit codes, JSON, stepping."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from casework import Casebook
from casework.cli.commands import COMMANDS

from .conftest import edit


class TestReplay:
    def test_replay_prints_the_timeline_and_outcome(self, cli: Callable[..., object]) -> None:
        """Exit 0; the timeline ends with the outcome and the path."""
        result = cli("replay", "alliluyeva")
        assert result.code == 0
        assert result.out.endswith(
            "Outcome: reinstated\n"
            "Path: member → expelled → intercession → verification_requested → reinstated\n"
        )

    def test_json_has_the_documented_keys(self, cli: Callable[..., object]) -> None:
        """--json prints case, outcome, states and events with from/to and quote."""
        result = cli("replay", "kasparova-popova", "--json")
        data = json.loads(result.out)
        assert (data["case"], data["outcome"]) == ("kasparova-popova", "reinstated")
        assert data["states"] == [
            "member",
            "expelled",
            "appealed",
            "intercession",
            "verification_requested",
            "reinstated",
        ]
        last = data["events"][-1]
        assert {k: last[k] for k in ("id", "kind", "date", "from", "to", "quote")} == {
            "id": "reinstated",
            "kind": "reinstate",
            "date": "1921-12-20/..",
            "from": "verification_requested",
            "to": "reinstated",
            "quote": "Yevgenia Popova (Kasparova) was reinstated in the Party.",
        }

    def test_replay_without_a_case_replays_all(self, cli: Callable[..., object]) -> None:
        """Both bundled cases, each with its outcome."""
        result = cli("replay", "--json")
        assert [(d["case"], d["outcome"]) for d in json.loads(result.out)] == [
            ("alliluyeva", "reinstated"),
            ("kasparova-popova", "reinstated"),
        ]

    def test_until_a_date(self, cli: Callable[..., object]) -> None:
        """--until DATE stops part-way and says the state there."""
        result = cli("replay", "alliluyeva", "--until", "1921-12-20")
        assert "Stopped after event 6 of 7: state verification_requested\n" in result.out

    def test_step_waits_for_enter_between_events(self, cli: Callable[..., object]) -> None:
        """One prompt between each pair of events; all events shown."""
        result = cli("replay", "alliluyeva", "--step", answers=[""] * 6)
        assert len(result.prompts) == 6
        assert result.out.endswith("reinstated\n")
        assert "  7 on or after 20 Dec 1921" in result.out

    def test_step_q_stops_there(self, cli: Callable[..., object]) -> None:
        """q at the second prompt stops after event 2 and shows the state."""
        result = cli("replay", "alliluyeva", "--step", answers=["", "q"])
        assert "  3 Jul 1917" not in result.out
        assert "Stopped after event 2 of 7: state member\n" in result.out

    def test_unknown_case_exits_1_naming_the_known(self, cli: Callable[..., object]) -> None:
        """A case id that does not exist lists the ones that do."""
        result = cli("replay", "trotsky")
        assert (result.code, result.out) == (1, "")
        assert (
            result.err == "casework: no case 'trotsky'; known cases: alliluyeva, kasparova-popova\n"
        )

    def test_bad_until_is_a_usage_error(self, cli: Callable[..., object]) -> None:
        """Exit 2 with argparse's message."""
        result = cli("replay", "alliluyeva", "--until", "Christmas")
        assert result.code == 2
        assert (
            "'Christmas' is neither an event number nor a date; expected e.g. 5 or 1921-12-20"
            in result.err
        )

    def test_broken_scenarios_exit_1(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """Replaying from a broken folder reports the problem, not a traceback."""
        edit(scenarios / "cases" / "alliluyeva.toml", 'kind = "expel"', "kind = 7")
        result = cli("replay", "--scenarios", str(scenarios), "alliluyeva")
        assert result.code == 1
        assert result.err.endswith(
            "alliluyeva.toml:55: event 'expelled': kind is 7 (a number); expected a string (not empty)\n"
        )
        assert "Traceback" not in result.err


class TestList:
    def test_list(self, scenarios: Path, cli: Callable[..., object]) -> None:
        """The cases with their titles, event counts and outcomes (what-ifs: test_whatif)."""
        shutil.rmtree(scenarios / "whatif")
        result = cli("list", "--scenarios", str(scenarios))
        assert result.out == (
            "case / what-if                    events  outcome\n"
            "alliluyeva                             7  reinstated\n"
            "  Nadezhda Sergeyevna Alliluyeva\n"
            "kasparova-popova                      11  reinstated\n"
            "  Yevgenia Popova (Kasparova)\n"
        )

    def test_missing_folder(self, tmp_path: Path, cli: Callable[..., object]) -> None:
        """--scenarios pointing nowhere says what a scenarios folder holds."""
        result = cli("list", "--scenarios", str(tmp_path / "nowhere"))
        assert result.code == 1
        assert result.err.endswith(
            "nowhere: no such folder; expected a scenarios folder with procedure.toml, "
            "people.toml, documents.toml and cases/\n"
        )


class TestProcess:
    def test_python_m_casework_piped_is_plain(self, tmp_path: Path) -> None:
        """Run as a program from another folder: no escape codes when piped."""
        env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS")}
        done = subprocess.run(
            [sys.executable, "-m", "casework", "replay", "alliluyeva"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0
        assert "\x1b" not in done.stdout
        assert max(len(line) for line in done.stdout.splitlines()) <= 80

    def test_no_command_prints_help_and_exits_2(self, cli: Callable[..., object]) -> None:
        """Bare `casework` is a usage error that shows the commands."""
        result = cli()
        assert result.code == 2
        assert "replay" in result.out and "check" in result.out


class TestInternalErrors:
    @staticmethod
    def boom(*_: object) -> int:
        raise RuntimeError("table on fire")

    def test_one_short_line_without_debug(
        self, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A bug shows one line saying what failed and how to report it; exit 70."""
        monkeypatch.setitem(COMMANDS, "list", self.boom)
        result = cli("list")
        assert result.code == 70
        assert result.err == (
            "casework: internal error: RuntimeError: table on fire (please report it to "
            "the casework issue tracker; run again with --debug for the traceback)\n"
        )

    def test_debug_shows_the_traceback(
        self, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With --debug the exception propagates (and Python prints its traceback)."""
        monkeypatch.setitem(COMMANDS, "list", self.boom)
        with pytest.raises(RuntimeError, match="table on fire"):
            cli("--debug", "list")


class TestNoColor:
    def test_no_color_on_a_terminal_writes_plain_text(self, monkeypatch: object) -> None:
        """NO_COLOR gives the same plain text a pipe gets, even on a terminal."""
        import io

        from casework.cli.main import main
        from casework.views.theme import make_console

        def run() -> str:
            out = make_console(file=io.StringIO(), force_terminal=True, width=80)
            err = make_console(file=io.StringIO(), force_terminal=True, width=80)
            assert main(["replay", "alliluyeva", "--until", "4"], console=out, stderr=err) == 0
            return out.file.getvalue()  # type: ignore[attr-defined,no-any-return]

        monkeypatch.delenv("NO_COLOR", raising=False)  # type: ignore[attr-defined]
        assert "\x1b[" in run()
        monkeypatch.setenv("NO_COLOR", "1")  # type: ignore[attr-defined]
        text = run()
        assert "\x1b" not in text
        assert text.endswith(
            "Stopped after event 4 of 7: state expelled\nPath: member → expelled\n"
        )


class TestUntilOnTheCommandLine:
    def test_until_a_year(self, cli: Callable[..., Any]) -> None:
        """--until 1921 is the year: it stops before the reinstatement, not at event 1921."""
        result = cli("replay", "alliluyeva", "--until", "1921")
        assert result.code == 0
        assert "Stopped after event 6 of 7: state verification_requested\n" in result.out

    def test_until_a_year_says_how_it_was_read(self, cli: Callable[..., Any]) -> None:
        """Four digits are a year, and a note on stderr says so."""
        result = cli("replay", "alliluyeva", "--until", "1000")
        assert (result.code, result.err) == (
            0,
            "note: --until 1000: read as the year 1000 (an event number has 1-3 digits)\n",
        )
        assert cli("replay", "alliluyeva", "--until", "100").err == ""

    def test_until_says_why_it_stopped_there(self, cli: Callable[..., Any]) -> None:
        """Event 2 is before the date but event 1 is not certainly: the replay stops
        before event 1, and the ending says why, naming event 2."""
        result = cli("replay", "alliluyeva", "--until", "1917-07-20")
        assert (result.code, result.err) == (0, "")
        assert result.out.endswith(
            "Procedure: A member's case in the Party purge of 1921\n"
            "\n"
            "Stopped before event 1 of 7: state member\n"
            "Event 1 (on or before 24 Oct 1917 O.S. (6 Nov 1917 N.S.)) is not certainly on or\n"
            "before 20 Jul 1917; a case is replayed in its order, so event 2 after it, though\n"
            "on or before that day, is not shown either.\n"
            "Path: member\n"
        )

    def test_until_the_last_event_not_certainly_before(self, cli: Callable[..., Any]) -> None:
        """Nothing comes after the event it stops before: one short reason."""
        result = cli("replay", "alliluyeva", "--until", "1921-12-20")
        assert result.out.endswith(
            "Stopped after event 6 of 7: state verification_requested\n"
            "Event 7 (on or after 20 Dec 1921) is not certainly on or before 20 Dec 1921.\n"
            "Path: member → expelled → intercession → verification_requested\n"
        )

    def test_until_an_event_number_gives_no_reason(self, cli: Callable[..., Any]) -> None:
        """--until 4 stops where it was asked: nothing to explain."""
        result = cli("replay", "alliluyeva", "--until", "4")
        assert result.out.endswith(
            "Stopped after event 4 of 7: state expelled\nPath: member → expelled\n"
        )

    def test_until_three_digits(self, cli: Callable[..., Any]) -> None:
        """--until 005 is event 5."""
        five = cli("replay", "alliluyeva", "--until", "5", "--json")
        assert cli("replay", "alliluyeva", "--until", "005", "--json").out == five.out

    def test_until_an_open_end_is_a_usage_error(self, cli: Callable[..., Any]) -> None:
        """Exit 2, saying what was expected."""
        result = cli("replay", "alliluyeva", "--until", "1921-12-20/..")
        assert (result.code, result.out) == (2, "")
        assert result.err.endswith(
            "casework replay: argument --until: '1921-12-20/..' has an open end; "
            "expected a date with an end, e.g. 1921-12-20\n"
        )

    def test_list_json_lists_each_whatif_under_its_case(
        self, book: Casebook, cli: Callable[..., Any]
    ) -> None:
        """list --json: every what-if once, under the case its chain of bases ends at."""
        result = cli("list", "--json")
        assert result.code == 0
        listed = {
            row["case"]: [w["whatif"] for w in row["whatifs"]] for row in json.loads(result.out)
        }
        assert listed == {
            "alliluyeva": [
                "no-intercession-alliluyeva",
                "second-testimonial-alliluyeva",
                "upheld-after-verification-alliluyeva",
                "verification-first-alliluyeva",
            ],
            "kasparova-popova": [
                "late-intercession-kasparova",
                "no-intercession-kasparova",
                "no-intercession-upheld-kasparova",
                "no-letter-kasparova",
                "second-testimonial-kasparova",
                "upheld-after-verification-kasparova",
                "verification-first-kasparova",
            ],
        }


class TestExportGuardsInputs:
    def test_a_link_to_a_case_file_is_refused(
        self, scenarios: Path, tmp_path: Path, cli: Callable[..., Any]
    ) -> None:
        """--export through a link to the command's own case file writes nothing there."""
        case = scenarios / "cases" / "alliluyeva.toml"
        before = case.read_bytes()
        link = tmp_path / "timeline.svg"
        link.symlink_to(case)
        result = cli(
            "replay", "alliluyeva", "--scenarios", str(scenarios), "--export", str(link), width=400
        )
        assert (result.code, result.err) == (
            1,
            f"casework: {link}: cannot export over a file this command reads ({case}); "
            "expected a new file or a regular file other than its inputs\n",
        )
        assert case.read_bytes() == before
