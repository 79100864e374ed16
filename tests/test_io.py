"""Reading and writing files: line numbers, special files, size limits, atomic
exports, and imports that change nothing they should not."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from casework import CaseFileError, CaseworkError
from casework.load.tomlfile import TomlFile, read_text
from casework.views.export import UnknownFormat, export

from .conftest import CLIResult

Cli = Callable[..., CLIResult]

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
posix_modes = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")

KINDS = (
    "vouch, intercede, keep, expel, expel_finally, appeal, refer, request_verification, "
    "request_information, schedule_hearing, cancel_hearing, reinstate, reinstate_as_member, "
    "reinstate_as_candidate, uphold, confirm_finally, annul, background"
)

PROBE = """\
[case]
id = "probe"
title = "Probe\u2028with a line separator,\u2029a paragraph separator,\u0085and a NEL"
person = "alliluyeva"

[[events]]
id = "expelled"
summary = "Expelled.\u2028Really."
kind = "purge"
date = "../1921-12-20"
source = "lenin-1921-12-20"
quote = "I have learned about the expulsion from the Party of Nadezhda Sergeyevna Alliluyeva."
"""


def finishes(action: Callable[[], object], unblock: Path | None = None) -> object:
    """Run ``action`` in a thread and return what it returns or raises; fail, rather
    than hang the suite, when it is still running after 10 s (opening ``unblock`` for
    writing then lets a reader stuck on a named pipe go)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except BaseException as err:  # handed back to the test
            outcome.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():
        if unblock is not None:
            with open(unblock, "wb"):
                pass
        pytest.fail("still running after 10 s: it opened or read the pipe")
    return outcome[0]


class TestLineNumbers:
    def test_line_separators_inside_strings_do_not_move_lines(
        self, scenarios: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """U+2028, U+2029 and U+0085 in a title and a summary are not line ends: an
        error further down names the line the file has."""
        (scenarios / "cases" / "probe.toml").write_text(PROBE, encoding="utf-8")
        monkeypatch.chdir(scenarios.parent)
        result = cli("check", "scenarios", width=400)
        assert result.code == 1
        assert result.err.splitlines() == [
            "scenarios/cases/probe.toml:9: event 'expelled': unknown kind 'purge'; "
            f"expected one of: {KINDS}"
        ]

    def test_key_and_table_lines_count_only_newlines(self, tmp_path: Path) -> None:
        """TomlFile counts lines as TOML does: at "\\n" (and "\\r\\n") only."""
        path = tmp_path / "x.toml"
        path.write_bytes(
            'a = "one\u2028two\u0085three"\r\n\r\n[t]\r\nb = "\u2029"\r\nc = 1\r\n'.encode()
        )
        toml = TomlFile.read(path)
        assert (toml.key_line("a"), toml.table_line("t")) == (1, 3)
        assert (toml.key_line("b", "t"), toml.key_line("c", "t")) == (4, 5)


class TestReadText:
    @needs_fifo
    def test_a_named_pipe_is_refused_unopened(self, tmp_path: Path) -> None:
        """A FIFO named like a case file is refused before it is opened (opening it
        would wait for a writer forever)."""
        fifo = tmp_path / "x.toml"
        os.mkfifo(fifo)
        err = finishes(lambda: read_text(fifo), unblock=fifo)
        assert isinstance(err, CaseFileError)
        assert str(err) == f"{fifo}: not a regular file (a named pipe); expected a text file"

    @needs_fifo
    def test_check_does_not_hang_on_a_named_pipe(
        self, scenarios: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """casework check reports a FIFO among the case files as one bad file."""
        fifo = scenarios / "cases" / "x.toml"
        os.mkfifo(fifo)
        monkeypatch.chdir(scenarios.parent)
        result = finishes(lambda: cli("check", "scenarios"), unblock=fifo)
        assert isinstance(result, CLIResult)
        assert (result.code, result.out) == (1, "")
        assert result.err == (
            "scenarios/cases/x.toml: not a regular file (a named pipe); expected a text file\n"
        )

    def test_a_folder_is_refused(self, tmp_path: Path) -> None:
        """A folder where a file should be says so."""
        with pytest.raises(CaseFileError) as err:
            read_text(tmp_path)
        assert str(err.value) == f"{tmp_path}: is a folder; expected a file"

    def test_size_limit(self, tmp_path: Path) -> None:
        """A file of max_bytes is read; one byte more is refused with its size."""
        path = tmp_path / "x.toml"
        path.write_bytes(b"a = 123456")
        assert read_text(path, max_bytes=10) == "a = 123456"
        path.write_bytes(b"a = 1234567")
        with pytest.raises(CaseFileError) as err:
            read_text(path, max_bytes=10)
        assert str(err.value) == f"{path}: file is 11 bytes; expected at most 10 bytes"

    def test_a_file_that_grows_after_it_is_measured_is_cut_off(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """At most max_bytes + 1 bytes are read, whatever the size said before: a
        file that grew past the limit is refused."""
        path = tmp_path / "x.toml"
        path.write_bytes(b"a = 1" + b" " * 100)
        real_fstat = os.fstat

        def stale_fstat(fd: int) -> os.stat_result:  # the size before the file grew
            fields = list(real_fstat(fd))
            fields[stat.ST_SIZE] = 5
            return os.stat_result(fields)

        monkeypatch.setattr(os, "fstat", stale_fstat)
        with pytest.raises(CaseFileError) as err:
            read_text(path, max_bytes=10)
        assert str(err.value) == f"{path}: file is more than 10 bytes; expected at most 10 bytes"


@pytest.fixture(name="calls")
def fixture_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The fsync and replace calls an export makes, in order."""
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src: Path, dst: Path) -> None:
        calls.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    yield calls


class TestAtomicExport:
    @pytest.fixture(name="temp", params=["unnamed", "named"])
    def fixture_temp(self, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
        """Both ways to make the temporary file: with no name until it is written
        (O_TMPFILE, where the system has it) and by name (everywhere else)."""
        if request.param == "unnamed" and not hasattr(os, "O_TMPFILE"):
            pytest.skip("no O_TMPFILE here")
        if request.param == "named":
            monkeypatch.delattr(os, "O_TMPFILE", raising=False)
        return str(request.param)

    def test_synced_before_and_after_the_rename(
        self, tmp_path: Path, calls: list[str], temp: str
    ) -> None:
        """The file is synced before it replaces the old one, and the folder after."""
        export("x", tmp_path / "t.svg")
        assert calls == ["fsync file", "replace", "fsync folder"]

    def test_the_temporary_name_is_short_and_exists_only_once_written(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, temp: str
    ) -> None:
        """While the file is written, the folder holds the old file and, without
        O_TMPFILE, a temporary file whose name is short whatever the target's."""
        target = tmp_path / ("a" * 200 + ".svg")
        target.write_text("old", "utf-8")
        seen: list[list[str]] = []
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            if not stat.S_ISDIR(os.fstat(fd).st_mode):
                seen.append(sorted(p.name for p in tmp_path.iterdir()))
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
        export("x", target)
        assert len(seen) == 1
        if temp == "unnamed":
            assert seen[0] == [target.name]
        else:
            assert len(seen[0]) == 2 and seen[0][1] == target.name
            assert re.fullmatch(r"\.casework-[0-9a-f]{16}\.tmp", seen[0][0])
        assert [p.name for p in tmp_path.iterdir()] == [target.name]

    @pytest.mark.parametrize("name", ["a" * 251 + ".svg", "ж" * 125 + ".html"])
    def test_a_name_as_long_as_the_system_allows(
        self, tmp_path: Path, temp: str, name: str
    ) -> None:
        """A 255-byte name (a 254-byte one in Cyrillic) is written: the temporary
        name does not grow with it."""
        if sys.platform == "win32" or os.pathconf(tmp_path, "PC_NAME_MAX") < 255:
            pytest.skip("names here are limited otherwise")
        assert len(os.fsencode(name)) >= 254
        export("x", tmp_path / name)
        assert [p.name for p in tmp_path.iterdir()] == [name]
        assert (tmp_path / name).read_text("utf-8").startswith("<")

    @posix_modes
    def test_keeps_the_old_files_permissions(self, tmp_path: Path, temp: str) -> None:
        """Replacing a file keeps its permission bits; a new file gets the umask's."""
        target = tmp_path / "t.html"
        target.write_text("old", "utf-8")
        target.chmod(0o640)
        export("x", target)
        assert "<html" in target.read_text("utf-8")
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
        umask = os.umask(0)
        os.umask(umask)
        export("x", tmp_path / "new.html")
        assert stat.S_IMODE((tmp_path / "new.html").stat().st_mode) == 0o666 & ~umask

    @pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
    def test_an_interrupted_export_leaves_the_old_file_and_no_temporary(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        error: type[BaseException],
        temp: str,
    ) -> None:
        """Ctrl-C or an I/O error before the rename: the old file is as it was and the
        temporary file is gone."""
        target = tmp_path / "t.svg"
        target.write_text("old", "utf-8")

        def fail(fd: int) -> None:
            raise error(5, "Input/output error") if error is OSError else error()

        monkeypatch.setattr(os, "fsync", fail)
        expected = CaseworkError if error is OSError else error
        with pytest.raises(expected) as err:
            export("x", target)
        if error is OSError:
            assert str(err.value) == (
                f"{target}: cannot write (Input/output error); expected a file in an "
                "existing, writable folder"
            )
        assert [p.name for p in tmp_path.iterdir()] == ["t.svg"]
        assert target.read_text("utf-8") == "old"

    @pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
    def test_a_symlink_is_written_through(self, tmp_path: Path, temp: str) -> None:
        """Exporting to a symlink replaces the file it points to; the link stays a link
        and no temporary file is left in either folder."""
        (tmp_path / "real").mkdir()
        (tmp_path / "links").mkdir()
        real = tmp_path / "real" / "t.svg"
        real.write_text("old", "utf-8")
        real.chmod(0o600)
        link = tmp_path / "links" / "t.svg"
        link.symlink_to(Path("..") / "real" / "t.svg")
        assert export("x", link) == link
        assert link.is_symlink() and os.readlink(link) == str(Path("..") / "real" / "t.svg")
        assert real.read_text("utf-8").startswith("<svg")
        assert stat.S_IMODE(real.stat().st_mode) == 0o600
        assert [p.name for p in (tmp_path / "real").iterdir()] == ["t.svg"]
        assert [p.name for p in (tmp_path / "links").iterdir()] == ["t.svg"]

    @pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
    def test_a_dangling_symlink_gets_its_file(self, tmp_path: Path) -> None:
        """A symlink to a file not yet there: the file is created, the link kept."""
        link = tmp_path / "t.html"
        link.symlink_to("made.html")
        export("x", link)
        assert link.is_symlink() and "<html" in (tmp_path / "made.html").read_text("utf-8")

    @pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
    def test_a_dangling_symlink_into_no_folder(self, tmp_path: Path) -> None:
        """A symlink into a folder that does not exist: no folder is made."""
        link = tmp_path / "t.html"
        link.symlink_to(Path("nowhere") / "made.html")
        with pytest.raises(CaseworkError) as err:
            export("x", link)
        assert str(err.value) == (
            f"{link}: cannot write (No such file or directory); expected a file in an "
            "existing, writable folder"
        )
        assert [p.name for p in tmp_path.iterdir()] == ["t.html"]

    def test_unknown_suffix_is_a_casework_error(self, tmp_path: Path) -> None:
        """Another suffix raises UnknownFormat, in the CaseworkError family (and still a
        ValueError), naming the suffix; nothing is written."""
        with pytest.raises(UnknownFormat) as err:
            export("x", tmp_path / "t.PNG")
        assert isinstance(err.value, CaseworkError) and isinstance(err.value, ValueError)
        assert err.value.suffix == ".png"
        assert str(err.value) == (
            f"{tmp_path / 't.PNG'}: cannot export to '.png'; expected a name ending in "
            ".svg or .html"
        )
        assert list(tmp_path.iterdir()) == []


def make_special(kind: str, where: Path) -> str:
    """Make a file of ``kind`` at ``where`` (a name in the working folder, as a
    socket's address is short); return what an export calls it."""
    if kind == "folder":
        where.mkdir()
        return "a folder"
    if kind == "named pipe":
        os.mkfifo(where)
        return "a named pipe"
    if kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(where.name)
        sock.close()
        return "a socket"
    if kind == "device":  # /dev/null's numbers, in a folder of the test's own
        try:
            os.mknod(where, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except OSError:
            pytest.skip("cannot make a device here (not root)")
        return "a device"
    assert kind == "symlink loop"
    where.symlink_to(where.name + ".other")
    where.with_name(where.name + ".other").symlink_to(where.name)
    return "a symlink loop"


def snapshot(folder: Path) -> list[tuple[str, int, int, int, int]]:
    """What is in ``folder``, each as name, type and mode, inode, size and time of
    change (not of access: following a symlink may set that)."""
    found = []
    for p in folder.iterdir():
        info = os.lstat(p)
        found.append((p.name, info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns))
    return sorted(found)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files and symlinks")
class TestExportRefuses:
    """What an export must never replace: anything but a regular file, whether named
    or behind a symlink, and the files the command read."""

    KINDS = ("folder", "named pipe", "socket", "device", "symlink loop")

    @pytest.fixture(name="here")
    def fixture_here(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        monkeypatch.chdir(tmp_path)
        return Path(os.path.realpath(tmp_path))

    @staticmethod
    def refused(path: Path, *, protect: tuple[Path, ...] = ()) -> str:
        with pytest.raises(CaseworkError) as err:
            export("x", path, protect=protect)
        return str(err.value)

    @pytest.mark.parametrize("kind", KINDS)
    def test_named(self, here: Path, kind: str) -> None:
        """The name itself is a folder, a pipe, a socket, a device or a symlink loop:
        refused, and the thing and its folder are as they were."""
        target = here / "t.svg"
        what = make_special(kind, target)
        before = snapshot(here)
        assert self.refused(target) == (
            f"{target}: cannot export over {what}; expected a new file or a regular file"
        )
        assert snapshot(here) == before

    @pytest.mark.parametrize("kind", KINDS)
    def test_behind_a_symlink(self, here: Path, kind: str) -> None:
        """A symlink to one of them: refused, saying where the link leads (relative
        to the working folder)."""
        what = make_special(kind, here / "thing")
        (here / "out").mkdir()
        link = here / "out" / "t.svg"
        link.symlink_to(Path("..") / "thing")
        before = snapshot(here)
        assert self.refused(Path("out", "t.svg")) == (
            f"{Path('out', 't.svg')}: cannot export over {what} (thing); expected a new "
            "file or a regular file"
        )
        assert snapshot(here) == before
        assert [p.name for p in (here / "out").iterdir()] == ["t.svg"]

    def test_a_link_elsewhere_shows_the_whole_path(self, here: Path) -> None:
        """Where the link leads out of the working folder, the path is absolute."""
        (here / "in").mkdir()
        (here / "away").mkdir()
        os.chdir(here / "in")
        Path("t.svg").symlink_to(here / "away")
        assert self.refused(Path("t.svg")) == (
            f"t.svg: cannot export over a folder ({here / 'away'}); expected a new file or "
            "a regular file"
        )

    def test_the_files_the_command_read(self, here: Path) -> None:
        """A protected file is refused named, behind a symlink or as a hard link of its
        own; a protected name that does not exist, or another file, changes nothing."""
        case = here / "case.html"
        case.write_text("the case", "utf-8")
        (here / "link.html").symlink_to("case.html")
        os.link(case, here / "hard.html")
        inputs = (here / "missing.toml", case)
        expected = "expected a new file or a regular file other than its inputs"
        assert self.refused(case, protect=inputs) == (
            f"{case}: cannot export over a file this command reads; {expected}"
        )
        assert self.refused(here / "link.html", protect=inputs) == (
            f"{here / 'link.html'}: cannot export over a file this command reads "
            f"(case.html); {expected}"
        )
        assert self.refused(here / "hard.html", protect=inputs) == (
            f"{here / 'hard.html'}: cannot export over a file this command reads; {expected}"
        )
        assert case.read_text("utf-8") == "the case"
        export("x", here / "other.html", protect=iter(inputs))
        assert sorted(p.name for p in here.iterdir()) == [
            "case.html",
            "hard.html",
            "link.html",
            "other.html",
        ]

    def test_checked_again_before_the_rename(
        self, here: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A file that becomes a folder while the export is written is not replaced,
        and the temporary file goes."""
        target = here / "t.svg"
        target.write_text("old", "utf-8")
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            real_fsync(fd)
            if target.is_file():
                target.unlink()
                target.mkdir()

        monkeypatch.setattr(os, "fsync", fsync)
        assert self.refused(target) == (
            f"{target}: cannot export over a folder; expected a new file or a regular file"
        )
        assert [p.name for p in here.iterdir()] == ["t.svg"] and target.is_dir()


#: A process that exports while its disk is slow: it prints the folder's files once
#: the text is on its way, then waits for a byte that never comes.
SLOW_EXPORT = """\
import json, os, sys
from pathlib import Path
from casework.views.export import _write_atomically

temp, slow, target = sys.argv[1:]
if temp == "named" and hasattr(os, "O_TMPFILE"):
    del os.O_TMPFILE
real = getattr(os, slow)

def waits(*args):
    print(json.dumps(sorted(os.listdir(os.path.dirname(target)))), flush=True)
    sys.stdin.read()
    return real(*args)

setattr(os, slow, waits)
_write_atomically(Path(target), "x" * 10_000_000)
print("written")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
class TestExportSignals:
    """A signal that ends the process (SIGTERM, SIGHUP) removes the temporary file
    first; one that is ignored or handled otherwise keeps its way."""

    @pytest.mark.parametrize(
        ("temp", "slow", "signum"),
        [
            ("named", "fsync", signal.SIGTERM),
            ("named", "fsync", signal.SIGHUP),
            ("named", "replace", signal.SIGTERM),
            ("unnamed", "fsync", signal.SIGTERM),
            ("unnamed", "replace", signal.SIGTERM),
        ],
    )
    def test_a_process_ended_mid_export_leaves_no_temporary(
        self, tmp_path: Path, temp: str, slow: str, signum: int
    ) -> None:
        """A process whose disk is slow is sent the signal while its 10 MB export
        is in ``os.fsync`` or ``os.replace``: it ends by that signal, with the old
        file as it was and nothing else in the folder."""
        if temp == "unnamed" and not hasattr(os, "O_TMPFILE"):
            pytest.skip("no O_TMPFILE here")
        target = tmp_path / "t.svg"
        target.write_text("old", "utf-8")
        root = str(Path(__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]),
        }
        proc = subprocess.Popen(
            [sys.executable, "-c", SLOW_EXPORT, temp, slow, str(target)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert proc.stdout is not None
            files = json.loads(proc.stdout.readline() or "null")
            proc.send_signal(signum)
            out, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
        assert files is not None, err
        named = temp == "named" or slow == "replace"  # a temporary name existed
        assert len(files) == (2 if named else 1) and files[-1] == "t.svg"
        assert (proc.returncode, out, err) == (-signum, "", "")
        assert [p.name for p in tmp_path.iterdir()] == ["t.svg"]
        assert target.read_text("utf-8") == "old"

    @pytest.fixture(name="signalled")
    def fixture_signalled(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """SIGTERM arrives while the export's file is synced."""
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            if not stat.S_ISDIR(os.fstat(fd).st_mode):
                signal.raise_signal(signal.SIGTERM)
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)

    def test_a_handler_of_the_programs_own(self, tmp_path: Path, signalled: None) -> None:
        """A handler that lets the program go on runs, the export stops with an error
        and no temporary file, and the handler is in place again."""
        target = tmp_path / "t.svg"
        target.write_text("old", "utf-8")
        got: list[int] = []

        def handler(signum: int, frame: object) -> None:
            got.append(signum)

        old = signal.signal(signal.SIGTERM, handler)
        try:
            with pytest.raises(CaseworkError) as err:
                export("x", target)
            after = signal.getsignal(signal.SIGTERM)
        finally:
            signal.signal(signal.SIGTERM, old)
        assert str(err.value) == (
            f"{target}: not written, stopped by SIGTERM; the old file, if any, is as it was"
        )
        assert got == [signal.SIGTERM] and after is handler
        assert [p.name for p in tmp_path.iterdir()] == ["t.svg"]
        assert target.read_text("utf-8") == "old"

    def test_an_ignored_signal_stays_ignored(self, tmp_path: Path, signalled: None) -> None:
        """Under ``nohup`` (the signal ignored) the export goes on to its end."""
        target = tmp_path / "t.svg"
        old = signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            export("x", target)
            after = signal.getsignal(signal.SIGTERM)
        finally:
            signal.signal(signal.SIGTERM, old)
        assert after == signal.SIG_IGN
        assert target.read_text("utf-8").startswith("<svg")

    def test_from_another_thread(self, tmp_path: Path) -> None:
        """Off the main thread, where no handler can be set, the export still works."""
        target = tmp_path / "t.svg"
        before = signal.getsignal(signal.SIGTERM)
        assert finishes(lambda: export("x", target)) == target
        assert signal.getsignal(signal.SIGTERM) == before
        assert target.read_text("utf-8").startswith("<svg")


SMALL = Path(__file__).parent / "archive" / "small.csv"


def archive_rows(db: Path) -> list[tuple[str, ...]]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return list(con.execute("SELECT case_id, title FROM cases ORDER BY case_id"))
    finally:
        con.close()


class TestImportChangesNothing:
    @pytest.fixture(name="db")
    def fixture_db(self, cli: Cli, tmp_path: Path) -> Path:
        """An archive holding tests/archive/small.csv (a-001 is titled, a-003 not)."""
        db = tmp_path / "archive.sqlite"
        assert cli("import", str(SMALL), "--db", str(db)).code == 0
        return db

    def test_another_title_for_a_titled_case_is_a_bad_row(
        self, cli: Cli, db: Path, tmp_path: Path
    ) -> None:
        """A later file cannot retitle a stored case; nothing of it is imported."""
        more = tmp_path / "more.csv"
        more.write_text(
            "case_id,seq,event_id,kind,title\na-001,4,again,appeal,Ivanov I. I. (retitled)\n",
            encoding="utf-8",
        )
        before = db.read_bytes()
        result = cli("import", str(more), "--db", str(db), width=400)
        assert (result.code, result.out) == (1, "")
        assert result.err.splitlines() == [
            f"{more}:row 2: case 'a-001' already has the title 'Ivanov I. I.'; "
            "expected the same title or none",
            "1 bad row; nothing was imported",
        ]
        assert db.read_bytes() == before

    def test_a_missing_title_may_be_filled_in(self, cli: Cli, db: Path, tmp_path: Path) -> None:
        """A case stored without a title takes the first one a later file gives; the
        same title again is fine, another is a bad row."""
        more = tmp_path / "more.csv"
        more.write_text(
            "case_id,seq,event_id,kind,title\n"
            "a-003,1,expelled,expel,Sidorov P. P.\n"
            "a-003,2,appeal,appeal,Sidorov P. P.\n",
            encoding="utf-8",
        )
        result = cli("import", str(more), "--db", str(db))
        assert (result.code, result.err) == (0, "")
        assert ("a-003", "Sidorov P. P.") in archive_rows(db)
        more.write_text("case_id,seq,event_id,kind,title\na-003,1,expelled,expel,Other\n", "utf-8")
        result = cli("import", str(more), "--db", str(db), width=400)
        assert result.err.splitlines()[0] == (
            f"{more}:row 2: case 'a-003' already has the title 'Sidorov P. P.'; "
            "expected the same title or none"
        )

    def test_a_failed_import_leaves_a_0_byte_db_at_0_bytes(self, cli: Cli, tmp_path: Path) -> None:
        """An empty file given as --db is used, but a failed import leaves it empty:
        no tables, no journal."""
        db = tmp_path / "empty.sqlite"
        db.touch()
        bad = tmp_path / "bad.csv"
        bad.write_text(SMALL.read_text("utf-8") + "a-009,1,e1,purge,,,,,,,,,,,\n", "utf-8")
        result = cli("import", str(bad), "--db", str(db), width=400)
        assert result.code == 1
        assert result.err.splitlines()[-1] == "1 bad row; nothing was imported"
        assert db.read_bytes() == b""
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "empty.sqlite"]
        assert cli("import", str(SMALL), "--db", str(db)).code == 0
        assert len(archive_rows(db)) == 6
