"""What reaches a terminal: text from files shown literally by every command,
whatever it holds (escape sequences, markup, bidi overrides, zero-width
characters, line breaks)."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from casework.cli.main import main
from casework.views.theme import HIDDEN, THEME, safe

# Everything a file could hold to act on a terminal or forge what it shows: a
# clipboard write (OSC 52), a screen clear, a hyperlink (OSC 8), rich markup, bidi
# override and isolate, zero-width space, BOM, line separator, NEL, CR LF.
EVIL = (
    "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]8;;http://x\x1b\\[red]R[/red]"
    "\u202e\u2066\u200b\ufeff\u2028\x85\r\nFORGED"
)
# A quote is flowed onto one line (model/documents.py flow()), line breaks "\n".
EVIL_QUOTE = EVIL.replace("\r\n", "\n")
# A file name cannot hold '/' (nor, for a document, '\\').
EVIL_NAME = "s\x1b[2J\u202e\u200b\nFORGED.txt"
# What must never reach the output raw.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _s(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, for these characters)."""
    return json.dumps(text)


def build(
    root: Path, line: str, prose: str, file: str, outcome: str = "finished", quoted: str = ""
) -> Path:
    """A scenarios folder whose every free text holds ``line`` (one-line fields:
    titles, names, labels, locators) or ``prose`` (summaries, quotes, reasoning,
    notes, descriptions); the source document is called ``file``, the final
    state's outcome ``outcome``; the quotes hold ``quoted`` (``prose`` by default)."""
    (root / "cases").mkdir(parents=True)
    (root / "whatif").mkdir()
    (root / "sources").mkdir()
    quote = f"Quote{quoted or prose}end"
    (root / "sources" / file).write_text(f"Header\n{quote}\n", "utf-8")
    (root / "procedure.toml").write_text(
        f"""[procedure]
id = "proc"
title = {_s("Proc title" + line)}
initial = "member"

[[states]]
name = "member"
description = {_s("desc" + prose)}

[[states]]
name = "expelled"
description = {_s("desc" + prose)}

[[states]]
name = "done"
final = true
outcome = {_s(outcome)}
description = {_s("desc" + prose)}

[[transitions]]
trigger = "expel"
source = ["member"]
dest = "expelled"
verb = {_s("expels" + line)}
description = {_s("d" + prose)}

[[transitions]]
trigger = "finish"
source = ["expelled"]
dest = "done"
verb = {_s("finishes" + line)}
description = {_s("d" + prose)}
""",
        "utf-8",
    )
    (root / "people.toml").write_text(
        f"""[[people]]
id = "p"
name = {_s("Name" + line)}
full_name = {_s("Full" + line)}
kind = "person"
description = {_s("Pdesc" + prose)}

[[people]]
id = "q"
name = {_s("Qname" + line)}
kind = "person"
description = {_s("Qdesc" + prose)}

[[people]]
id = "g"
name = {_s("Group" + line)}
kind = "group"
members = ["p", "q"]
members_reasoning = {_s("why" + prose)}
description = {_s("Gdesc" + prose)}

[[relations]]
person = "q"
relation = {_s("brother" + line)}
of = "p"
source = "doc"
locator = {_s("loc" + line)}
quote = {_s(quote)}
basis = "inferred"
reasoning = {_s("rr" + prose)}
""",
        "utf-8",
    )
    (root / "documents.toml").write_text(
        f"""[[documents]]
id = "doc"
file = {_s("sources/" + file)}
title = {_s("Doc title" + line)}
short_title = {_s("Short" + line)}
provenance = {_s("Prov" + prose)}
""",
        "utf-8",
    )

    def event(seq: int, kind: str, extra: str = "") -> str:
        return f"""
[[events]]
id = "ev{seq}"
kind = "{kind}"
date = "1921-12-0{seq}"
date_basis = {_s("db" + prose)}
actors = ["q"]
recipients = ["p"]
summary = {_s("Sum" + prose)}
source = "doc"
locator = {_s("loc" + line)}
quote = {_s(quote)}
note = {_s("note" + prose)}
{extra}"""

    (root / "cases" / "c.toml").write_text(
        f"""[case]
id = "c"
title = {_s("Title" + line)}
person = "p"
summary = {_s("Case summary" + prose)}
"""
        + event(1, "background")
        + event(2, "expel", f'basis = "inferred"\nreasoning = {_s("reason" + prose)}')
        + event(3, "finish"),
        "utf-8",
    )
    (root / "whatif" / "w.toml").write_text(
        f"""[whatif]
id = "w"
base = "c"
title = {_s("WTitle" + line)}
description = {_s("WDesc" + prose)}

[[edits]]
op = "replace"
event = "ev3"

[[edits.events]]
id = "new"
kind = "finish"
date = "1921-12-09"
summary = {_s("WSum" + prose)}
reasoning = {_s("WReason" + prose)}

[[edits]]
op = "redate"
event = "ev2"
date = "1921-12-05"
reasoning = {_s("Redate" + prose)}
""",
        "utf-8",
    )
    return root


def run(*argv: str, width: int = 80, terminal: bool = False) -> tuple[int, str, str]:
    """``casework ARGS`` in-process: exit code, stdout, stderr."""

    def console() -> Console:
        return Console(
            file=io.StringIO(),
            width=width,
            theme=THEME,
            color_system="truecolor" if terminal else None,
            highlight=False,
            force_terminal=terminal,
            legacy_windows=False,
        )

    out, err = console(), console()
    answers = ["", ""]

    def ask(prompt: str) -> str:
        if not answers:
            raise EOFError
        return answers.pop()

    code = main(list(argv), console=out, stderr=err, ask=ask)
    return code, out.file.getvalue(), err.file.getvalue()  # type: ignore[attr-defined]


def strings(data: object) -> set[str]:
    """Every string in a JSON document."""
    if isinstance(data, str):
        return {data}
    if isinstance(data, dict):
        return set().union(*map(strings, data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*map(strings, data)) if data else set()
    return set()


@pytest.fixture(name="hostile", scope="module")
def fixture_hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every free text of every file holds EVIL; the source document's name EVIL_NAME."""
    return build(tmp_path_factory.mktemp("hostile"), EVIL, EVIL, EVIL_NAME, quoted=EVIL_QUOTE)


@pytest.fixture(name="twin", scope="module")
def fixture_twin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile folder with each text already as it must be shown: one-line
    fields as their escapes, prose with its line breaks as spaces."""
    return build(
        tmp_path_factory.mktemp("twin"),
        safe(EVIL),
        safe(EVIL, prose=True),
        "doc.txt",
        quoted=safe(EVIL_QUOTE, prose=True),
    )


COMMANDS = [
    ("replay", "c"),
    ("replay",),
    ("replay", "c", "--step"),
    ("replay", "c", "--until", "1921-12-02"),
    ("list",),
    ("whatif", "w"),
    ("show", "c"),
    ("show", "w"),
    ("show",),
    ("paths",),
    ("paths", "--to", "done"),
    ("check",),
]


class TestEveryCommandShowsFilesLiterally:
    @pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
    @pytest.mark.parametrize("width", [80, 200])
    def test_as_its_twin_with_the_text_already_escaped(
        self, hostile: Path, twin: Path, argv: tuple[str, ...], width: int
    ) -> None:
        """The output is exactly that of the twin folder, whose texts are already
        written as they must be shown: so nothing was acted on, hidden or split
        into lines, one-line fields have their line breaks as \\n and prose as
        spaces (the document's file name aside, which differs)."""
        args = [*argv, "--scenarios"] if argv[0] != "check" else [argv[0]]
        shown = run(*args, str(hostile), width=width)
        expected = run(*args, str(twin), width=width)
        name = safe(EVIL_NAME)
        assert shown[0] == expected[0] == 0
        assert shown[1].replace(name, "doc.txt") == expected[1].replace(str(twin), str(hostile))
        assert shown[2] == expected[2] == ""
        assert not RAW.search(shown[1])
        if argv[0] in ("replay", "show", "whatif"):
            assert "FORGED" in shown[1]  # the text is there, shown

    @pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
    def test_on_a_colour_terminal_only_colour_escapes(
        self, hostile: Path, argv: tuple[str, ...]
    ) -> None:
        """On a terminal the one escape sequence written is SGR (colour, bold, dim)."""
        args = [*argv, "--scenarios"] if argv[0] != "check" else [argv[0]]
        code, out, err = run(*args, str(hostile), terminal=True)
        assert code == 0
        assert ("\x1b[" in out) == (argv[0] != "check")  # check's one line is unstyled
        assert not RAW.search(re.sub(r"\x1b\[[0-9;]*m", "", out + err))

    @pytest.mark.parametrize("extra", [(), ("--format", "markdown")])
    def test_diagram_title_is_one_escaped_line(self, hostile: Path, extra: tuple[str, ...]) -> None:
        """The Mermaid title is one JSON (so YAML) string that reads back as written."""
        code, out, err = run("diagram", "c", *extra, "--scenarios", str(hostile))
        assert (code, err) == (0, "")
        assert not RAW.search(out)
        titles = [line for line in out.splitlines() if line.startswith("title: ")]
        assert len(titles) == 1
        assert json.loads(titles[0].removeprefix("title: ")) == f"Title{EVIL} (c): finished"
        assert "FORGED" not in out.replace(titles[0], "")

    @pytest.mark.parametrize("argv", [("replay", "c"), ("list",), ("whatif", "w")], ids=" ".join)
    def test_json_holds_the_text_as_written(self, hostile: Path, argv: tuple[str, ...]) -> None:
        """--json keeps the data exactly, with what would act on a terminal escaped."""
        code, out, err = run(*argv, "--json", "--scenarios", str(hostile))
        assert (code, err) == (0, "")
        assert not RAW.search(out)
        assert f"Title{EVIL}" in strings(json.loads(out))


class TestOutcomeLabels:
    """An outcome label is a name of the procedure's own: one holding escapes is
    refused by the procedure reader, and the refusal shows it escaped, on one line."""

    def test_an_outcome_with_escapes_is_refused_and_shown_escaped(
        self, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        hostile = build(
            tmp_path_factory.mktemp("hostile"),
            EVIL,
            EVIL,
            EVIL_NAME,
            outcome=f"out{EVIL}",
            quoted=EVIL_QUOTE,
        )
        code, out, err = run("list", "--scenarios", str(hostile))
        assert (code, out) == (1, "")
        assert "outcome" in err and "is not valid" in err
        assert len(err.splitlines()) == 1
        assert not RAW.search(err)


class TestProblemsAreOneLineEach:
    @pytest.fixture(name="broken")
    def fixture_broken(self, hostile: Path, tmp_path: Path) -> Path:
        import shutil

        root = tmp_path / "broken"
        shutil.copytree(hostile, root)
        (root / "cases" / f"bad{EVIL_NAME}.toml").write_text(
            f"""[case]
id = "bad"
title = "T"
person = {_s("nobody" + EVIL)}

[[events]]
id = "e1"
kind = {_s("nope" + EVIL)}
date = {_s("19x" + EVIL)}
summary = "x"
source = "doc"
quote = {_s("not there" + EVIL)}
""",
            "utf-8",
        )
        (root / "cases" / f"syntax{EVIL_NAME}.toml").write_text('[case\nid = "x"\n', "utf-8")
        return root

    @pytest.mark.parametrize(
        "argv", [("check",), ("list", "--scenarios"), ("replay", "c", "--scenarios")], ids=" ".join
    )
    def test_each_problem_one_line_naming_its_file(
        self, broken: Path, argv: tuple[str, ...]
    ) -> None:
        """Five problems, each one line that starts with its file's name (escaped),
        whatever the file's name and contents hold."""
        code, _, err = run(*argv, str(broken))
        lines = err.splitlines()
        warning = "warning: " if argv[0] == "replay" else ""
        bad = f"{warning}{broken}/cases/bad{safe(EVIL_NAME)}.toml:"
        syntax = f"{warning}{broken}/cases/syntax{safe(EVIL_NAME)}.toml:1: not valid TOML: "
        assert [line.startswith(bad) for line in lines[:4]] == [True] * 4
        assert lines[4].startswith(syntax)
        assert lines[5:] == ([] if warning else ["5 problems"])
        assert code == (0 if warning else 1)
        assert not RAW.search(err)


class TestSafe:
    def test_one_line_text_shows_every_hidden_character_as_its_escape(self) -> None:
        """Controls, bidi, zero-width, separators, a lone surrogate: each its escape."""
        assert safe(
            "a\x1b[2Jb\x07\nc\td\r\u202e\u2066\u200b\u2060\ufeff\u2028\u2029\x85\udcff"
        ) == (
            "a\\x1b[2Jb\\x07\\nc\\td\\r\\u202e\\u2066\\u200b\\u2060\\ufeff\\u2028\\u2029"
            "\\x85\\udcff"
        )

    def test_prose_reads_a_line_break_as_a_space(self) -> None:
        """In prose a line break of the file (CR LF too, with the spaces around it,
        a blank line too) is one space, a tab four; a lone CR or U+2028 is escaped."""
        assert safe("a\n  b\r\nc \n\n d\te\rf\u2028g", prose=True) == "a b c d    e\\rf\\u2028g"

    def test_markup_and_text_stay_as_written(self) -> None:
        """Rich markup, emoji codes and backslashes are plain characters."""
        text = "[red]x[/red] :smile: \\x1b Кремль – “q”"
        assert safe(text) == safe(text, prose=True) == text

    def test_hidden_is_every_control_format_surrogate_and_separator(self) -> None:
        """HIDDEN matches every character of Unicode categories Cc, Cf, Cs, Zl and
        Zp, and besides them only unassigned ones (Cf of later Unicode versions)."""
        everything = "".join(map(chr, range(sys.maxunicode + 1)))
        matched = set(HIDDEN.findall(everything))
        categories = {unicodedata.category(c) for c in matched}
        assert categories <= {"Cc", "Cf", "Cs", "Zl", "Zp", "Cn"}
        wanted = {
            c for c in everything if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")
        }
        assert wanted <= matched


# -- the process: encodings, failed writes, Ctrl-C, --step on a terminal --------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS", "NO_COLOR")}
    return {**env, **extra}


def casework(
    *argv: str, cwd: Path, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.CompletedProcess[bytes]:
    """``python -m casework ARGS`` as a process."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "casework", *argv],
        cwd=cwd,
        env=env or _env(),
        stderr=subprocess.PIPE,
        check=False,
        **kwargs,
    )


class TestEncodings:
    @pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
    def test_an_output_without_arrows_gets_ascii(self, tmp_path: Path, encoding: str) -> None:
        """PYTHONIOENCODING=ascii or latin-1: exit 0, -> for →, - for — and –, straight
        quotes for curly ones."""
        done = casework("replay", "alliluyeva", cwd=tmp_path, env=_env(PYTHONIOENCODING=encoding))
        assert (done.returncode, done.stderr) == (0, b"")
        text = done.stdout.decode(encoding)
        assert text.endswith(
            "Outcome: reinstated\n"
            "Path: member -> expelled -> intercession -> verification_requested -> reinstated\n"
        )
        assert "  5 20 Dec 1921, 20.00" in text
        assert '\n    "I consider it my duty to inform' in text
        assert "\n    - Lenin to Zalutsky and Solts, 20 Dec 1921, letter 1, " in text
        assert "\\u" not in text and "\\x" not in text

    def test_every_case_in_ascii_fits_nearly(self, tmp_path: Path) -> None:
        """All cases in ASCII: nothing escaped (the rule between them is dashes); a
        line with arrows may run a column or two past 80, as -> is two columns."""
        done = casework("replay", cwd=tmp_path, env=_env(PYTHONIOENCODING="ascii"))
        assert done.returncode == 0
        text = done.stdout.decode("ascii")
        assert "\\u" not in text and "\\x" not in text
        assert "\n" + "-" * 80 + "\n" in text
        assert max(len(line) for line in text.splitlines()) <= 84

    def test_json_in_ascii_is_the_same_data(self, tmp_path: Path) -> None:
        """--json to an ASCII output escapes what it cannot carry: the same JSON."""
        ascii_ = casework(
            "replay", "alliluyeva", "--json", cwd=tmp_path, env=_env(PYTHONIOENCODING="ascii")
        )
        utf8 = casework("replay", "alliluyeva", "--json", cwd=tmp_path)
        assert ascii_.returncode == utf8.returncode == 0
        assert ascii_.stdout.isascii()
        assert json.loads(ascii_.stdout) == json.loads(utf8.stdout)

    def test_output_degrades_only_what_it_cannot_carry(self) -> None:
        """Output: in latin-1 '·' and '¶' stay, → is ->, a Cyrillic letter its escape;
        é loses its accent only where the encoding has none."""
        from casework.cli.terminal import Output

        def through(encoding: str, text: str) -> str:
            raw = io.BytesIO()
            stream = io.TextIOWrapper(raw, encoding=encoding)
            Output(stream).write(text)
            stream.flush()
            return raw.getvalue().decode(encoding)

        text = "a → b · ¶1 “é” Ж…"
        assert through("utf-8", text) == text
        assert through("latin-1", text) == 'a -> b · ¶1 "é" \\u0416...'
        assert through("ascii", text) == 'a -> b - par. 1 "e" \\u0416...'


class TestFailedWrites:
    def test_a_full_disk_is_exit_74_with_one_line(self, tmp_path: Path) -> None:
        """> /dev/full: 'cannot write output', exit 74, no traceback."""
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full here")
        with open("/dev/full", "wb") as full:
            done = casework("replay", "alliluyeva", cwd=tmp_path, stdout=full)
        assert (done.returncode, done.stderr) == (
            74,
            b"casework: cannot write output (No space left on device)\n",
        )

    def test_a_closed_stdout_is_exit_74(self, tmp_path: Path) -> None:
        """Started with standard output closed (>&-): nothing done, exit 74."""
        done = casework(
            "replay", "alliluyeva", cwd=tmp_path, stdout=None, preexec_fn=lambda: os.close(1)
        )
        assert (done.returncode, done.stderr) == (
            74,
            b"casework: cannot write output (standard output is closed)\n",
        )

    def test_a_reader_gone_is_exit_141_quietly(self, tmp_path: Path) -> None:
        """The reader of the output has gone (| head -1): exit 141, nothing on stderr."""
        read, write = os.pipe()
        os.close(read)
        try:
            done = casework("replay", cwd=tmp_path, stdout=write)
        finally:
            os.close(write)
        assert (done.returncode, done.stderr) == (141, b"")


class TestInterrupted:
    @pytest.fixture(name="shim")
    def fixture_shim(self, tmp_path: Path) -> Callable[[str], dict[str, str]]:
        """An environment in which importing rich runs ``code`` (rich is imported
        only once the command line has started)."""

        def make(code: str) -> dict[str, str]:
            (tmp_path / "shim" / "rich").mkdir(parents=True, exist_ok=True)
            (tmp_path / "shim" / "rich" / "__init__.py").write_text(code)
            return _env(PYTHONPATH=str(tmp_path / "shim"))

        return make

    @pytest.mark.parametrize(
        "entry",
        [["-m", "casework"], ["-c", "from casework.cli.main import script; script()"]],
        ids=["python -m casework", "console script"],
    )
    def test_ctrl_c_while_importing_is_one_line_and_130(
        self, tmp_path: Path, shim: Callable[[str], dict[str, str]], entry: list[str]
    ) -> None:
        """A Ctrl-C during the imports: 'casework: interrupted', exit 130, no traceback."""
        done = subprocess.run(
            [sys.executable, *entry, "replay", "alliluyeva"],
            cwd=tmp_path,
            env=shim("raise KeyboardInterrupt\n"),
            capture_output=True,
            check=False,
        )
        assert (done.returncode, done.stdout, done.stderr) == (130, b"", b"casework: interrupted\n")

    def test_sigterm_while_importing_ends_without_a_traceback(
        self, tmp_path: Path, shim: Callable[[str], dict[str, str]]
    ) -> None:
        """SIGTERM keeps its default: the process ends by the signal, printing nothing."""
        done = casework(
            "replay",
            cwd=tmp_path,
            env=shim("import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n"),
        )
        assert (done.returncode, done.stdout, done.stderr) == (-signal.SIGTERM, b"", b"")

    def test_the_entry_module_imports_nothing_else(self, tmp_path: Path) -> None:
        """Importing casework.cli.main (the console script's first step) imports no
        other module of casework, nor rich: a Ctrl-C can only come before script()
        guards it in a few lines of casework's own."""
        code = "import sys; import casework.cli.main as m; print(sorted(m for m in sys.modules if m.split('.')[0] in ('casework', 'rich', 'attrs', 'transitions')))"
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, check=True
        )
        assert done.stdout == b"['casework', 'casework.cli', 'casework.cli.main']\n"


class TestStepOnATerminal:
    def test_one_key_moves_on_and_the_terminal_is_restored(self) -> None:
        """read_key on a pseudo-terminal: x is ignored, space goes on, q stops,
        Ctrl-D is the end; the prompt is erased; the terminal's modes are as before."""
        from casework.cli.terminal import read_key

        main_fd, fd = os.openpty()
        try:
            before = termios.tcgetattr(fd)
            screen = io.StringIO()
            os.write(main_fd, b"x q")
            assert read_key(fd, "P?", screen) == ""
            assert read_key(fd, "P?", screen) == "q"
            assert screen.getvalue() == "P?\r  \rP?\r  \r"
            assert termios.tcgetattr(fd) == before
        finally:
            os.close(main_fd)
            os.close(fd)

    @staticmethod
    def drive(argv: list[str], keys: list[bytes], env: dict[str, str]) -> tuple[int, str]:
        """Run a program on a new pseudo-terminal; at each prompt send the next key.
        Return its exit status and all it wrote to the terminal."""
        from casework.cli.terminal import PROMPT

        pid, fd = pty.fork()
        if pid == 0:  # the child: its terminal is the pty
            os.execve(sys.executable, [sys.executable, *argv], env)
        seen = b""
        prompts = 0
        try:
            while True:
                ready, _, _ = select.select([fd], [], [], 120)
                if not ready:
                    raise AssertionError(f"no output for 120 s; so far {seen[-300:]!r}")
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # EIO: the child has gone, and the terminal with it
                    break
                if not chunk:
                    break
                seen += chunk
                if keys and seen.count(PROMPT.encode()) > prompts:
                    prompts += 1
                    os.write(fd, keys.pop(0))
        finally:
            _, status = os.waitpid(pid, 0)
            os.close(fd)
        return os.waitstatus_to_exitcode(status), seen.decode("utf-8", "replace")

    def test_replay_step_space_enter_q(self, tmp_path: Path) -> None:
        """casework replay --step on a terminal: space, Enter, then q stops after
        event 3; each prompt is erased; exit 0."""
        from casework.cli.terminal import PROMPT

        code, screen = self.drive(
            ["-m", "casework", "replay", "alliluyeva", "--step"],
            [b" ", b"\r", b"q"],
            _env(NO_COLOR="1", COLUMNS="80", LINES="24", TERM="xterm"),
        )
        assert code == 0
        assert screen.count(PROMPT + "\r" + " " * len(PROMPT) + "\r") == 3
        assert screen.endswith("Stopped after event 3 of 7: state member\r\nPath: member\r\n")
        assert "  4 on or before 20 Dec 1921" not in screen

    def test_ctrl_c_at_the_prompt_restores_the_terminal(self, tmp_path: Path) -> None:
        """Ctrl-C at the prompt: KeyboardInterrupt, and the terminal's modes are back
        (canonical, echo) when it is handled."""
        code = (
            "import sys, termios\n"
            "from casework.cli.terminal import ask_step, PROMPT\n"
            "try:\n"
            "    ask_step(PROMPT)\n"
            "except KeyboardInterrupt:\n"
            "    lflag = termios.tcgetattr(0)[3]\n"
            "    both = termios.ICANON | termios.ECHO\n"
            "    print('interrupted, restored:', lflag & both == both)\n"
        )
        status, screen = self.drive(["-c", code], [b"\x03"], _env())
        assert status == 0
        assert screen.endswith("interrupted, restored: True\r\n")

    def test_casework_interrupted_at_the_prompt_exits_130(self, tmp_path: Path) -> None:
        """Ctrl-C at replay --step's prompt: one line, exit 130."""
        code, screen = self.drive(
            ["-m", "casework", "replay", "alliluyeva", "--step"],
            [b"\x03"],
            _env(NO_COLOR="1", COLUMNS="80"),
        )
        assert code == 130
        assert screen.endswith("casework: interrupted\r\n")

    def test_ctrl_d_shows_the_rest(self, tmp_path: Path) -> None:
        """Ctrl-D at the prompt: the rest without waiting, to the outcome; exit 0."""
        code, screen = self.drive(
            ["-m", "casework", "replay", "alliluyeva", "--step"],
            [b"\x04"],
            _env(NO_COLOR="1", COLUMNS="80"),
        )
        assert code == 0
        assert "Outcome: reinstated\r\n" in screen


class TestStepFromAPipe:
    def test_endless_input_without_a_newline_is_read_in_bounded_lines(self, tmp_path: Path) -> None:
        """< /dev/zero: each answer is at most 1 KiB, so the replay runs to its end
        (exit 0) instead of reading one endless line."""
        with open("/dev/zero", "rb") as zero:
            done = casework("replay", "alliluyeva", "--step", cwd=tmp_path, stdin=zero)
        assert (done.returncode, done.stderr) == (0, b"")
        assert done.stdout.decode().endswith(
            "Outcome: reinstated\nPath: member → expelled → intercession → verification_requested → reinstated\n"
        )

    def test_q_from_a_pipe_stops_and_eof_shows_the_rest(self, tmp_path: Path) -> None:
        """Lines from a pipe: 'q' stops; the end of the input shows the rest. No
        prompt is written (nobody to read it)."""
        done = casework("replay", "alliluyeva", "--step", cwd=tmp_path, input=b"\n\nq\n")
        assert (done.returncode, done.stderr) == (0, b"")
        assert done.stdout.decode().endswith(
            "Stopped after event 3 of 7: state member\nPath: member\n"
        )
        done = casework("replay", "alliluyeva", "--step", cwd=tmp_path, input=b"\n")
        assert done.stdout.decode().endswith(
            "Outcome: reinstated\nPath: member → expelled → intercession → verification_requested → reinstated\n"
        )

    def test_read_line_is_bounded(self) -> None:
        """read_line: at most LINE_LIMIT bytes a call; EOFError at the end."""
        from casework.cli.terminal import LINE_LIMIT, read_line

        stream = io.BytesIO(b"a" * (LINE_LIMIT + 5) + b"\nq\n")
        assert read_line(stream) == "a" * LINE_LIMIT
        assert read_line(stream) == "aaaaa"
        assert read_line(stream) == "q"
        with pytest.raises(EOFError):
            read_line(stream)
