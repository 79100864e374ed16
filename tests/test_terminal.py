"""What reaches a terminal: text from files shown literally by every command,
whatever it holds (escape sequences, markup, bidi overrides, zero-width
characters, line breaks)."""

from __future__ import annotations

import io
import json
import re
import sys
import unicodedata
from pathlib import Path

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
# A file name cannot hold '/' (nor, for a document, '\\').
EVIL_NAME = "s\x1b[2J\u202e\u200b\nFORGED.txt"
# What must never reach the output raw.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _s(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, for these characters)."""
    return json.dumps(text)


def build(root: Path, line: str, prose: str, file: str) -> Path:
    """A scenarios folder whose every free text holds ``line`` (one-line fields:
    titles, names, labels, locators, the outcome) or ``prose`` (summaries, quotes,
    reasoning, notes, descriptions); the source document is called ``file``."""
    (root / "cases").mkdir(parents=True)
    (root / "whatif").mkdir()
    (root / "sources").mkdir()
    quote = f"Quote{prose}end"
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
outcome = {_s("out" + line)}
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
    return build(tmp_path_factory.mktemp("hostile"), EVIL, EVIL, EVIL_NAME)


@pytest.fixture(name="twin", scope="module")
def fixture_twin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile folder with each text already as it must be shown: one-line
    fields as their escapes, prose with its line breaks as spaces."""
    return build(tmp_path_factory.mktemp("twin"), safe(EVIL), safe(EVIL, prose=True), "doc.txt")


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
        assert json.loads(titles[0].removeprefix("title: ")) == (f"Title{EVIL} (c): out{EVIL}")
        assert "FORGED" not in out.replace(titles[0], "")

    @pytest.mark.parametrize(
        "argv", [("replay", "c"), ("list",), ("whatif", "w"), ("paths",)], ids=" ".join
    )
    def test_json_holds_the_text_as_written(self, hostile: Path, argv: tuple[str, ...]) -> None:
        """--json keeps the data exactly, with what would act on a terminal escaped."""
        code, out, err = run(*argv, "--json", "--scenarios", str(hostile))
        assert (code, err) == (0, "")
        assert not RAW.search(out)
        assert f"out{EVIL}" in strings(json.loads(out))


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
