"""Export: any rich renderable written to an SVG picture or an HTML page.

The renderable is drawn exactly as the terminal would draw it at ``width``
columns, recorded, and exported with rich's ``export_svg``/``export_html`` in
a light theme made for a white page. The file is written atomically: a
temporary file in the same folder, synced, then ``os.replace``, so a reader
never sees half a file and an old file survives a failed export. Only a new
file or a regular file is written: a folder, device, named pipe or socket, a
symlink loop and the command's own input files are refused, and the temporary
file goes with Ctrl-C, SIGTERM and SIGHUP too.
"""

from __future__ import annotations

import errno
import html
import io
import os
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import Any

from rich.console import Console, RenderableType
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from rich.theme import Theme

from casework.errors import CaseworkError, file_kind
from casework.views.theme import THEME

__all__ = ["FORMATS", "LIGHT", "UnknownFormat", "export", "write_text"]

#: The file suffixes :func:`export` writes.
FORMATS = (".svg", ".html")

_NORMAL = [
    (17, 24, 39),  # black
    (185, 28, 28),  # red
    (21, 110, 52),  # green
    (146, 84, 6),  # yellow (amber: yellow itself vanishes on white)
    (29, 78, 216),  # blue
    (134, 25, 143),  # magenta
    (14, 100, 130),  # cyan
    (75, 85, 99),  # white (grey: white itself vanishes on white)
]

#: Colours for a white page: the ANSI colours the theme names (green quotes,
#: cyan dates, magenta states, yellow inferences) darkened until they read as
#: well as black text on white (each at least 6:1), and a grey for what the
#: terminal shows dim (notes, citations, numbers: 6:1).
LIGHT = TerminalTheme(
    (255, 255, 255),
    (17, 24, 39),
    _NORMAL,
    [(91, 100, 114), *_NORMAL[1:]],  # bright black: the grey of dim text
)


def _undimmed(style: Style) -> Style:
    """A dim style as LIGHT's grey: rich draws dim text by blending it with the
    page (40% in SVG, 50% in HTML), which on white gives 4.7:1 and 3.4:1."""
    if not style.dim:
        return style
    return style + Style(dim=False, color=style.color or "bright_black")


#: The theme of a picture: casework's, with every dim style in LIGHT's grey.
_PAGE = Theme({name: _undimmed(style) for name, style in THEME.styles.items()})


class UnknownFormat(CaseworkError, ValueError):
    """:func:`export` was asked for a suffix it does not write; keeps ``.path`` and
    ``.suffix``. Also a ValueError, as it was before it joined the family."""

    def __init__(self, path: Path, suffix: str) -> None:
        self.path = path
        self.suffix = suffix
        super().__init__(
            f"{path}: cannot export to {suffix or 'a file without a suffix'!r}; "
            f"expected a name ending in {' or '.join(FORMATS)}"
        )


_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{{stylesheet}}
body {{{{
    color: {{foreground}};
    background-color: {{background}};
    margin: 2em;
}}}}
h1 {{{{ font: bold 1.1em sans-serif; }}}}
</style>
</head>
<body>
<h1>{title}</h1>
<pre style="font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace;\
line-height:1.35"><code style="font-family:inherit">{{code}}</code></pre>
</body>
</html>
"""


def export(
    renderable: RenderableType,
    path: str | Path,
    *,
    title: str = "casework",
    width: int = 80,
    protect: Iterable[str | Path] = (),
) -> Path:
    """Write ``renderable`` to ``path``, an ``.svg`` picture or an ``.html`` page.

    The content is what the terminal shows at ``width`` columns (the default, 80,
    is the width of piped output); ``title`` heads the picture or page. Returns
    the path written. Raises :class:`UnknownFormat` for another suffix, and
    CaseworkError when the file cannot be written (the old file, if any, is left
    as it was).

    Only a new file or a regular file is written; an existing file keeps its
    permission bits. A symlink to a regular file is written through (the file it
    points to is replaced, the link kept), and a dangling symlink gets its file
    when the folder it points into exists. A folder, device, named pipe or socket,
    named or behind a symlink, and a symlink loop are refused; so is any file of
    ``protect``, the files the command read (case files, sources), compared as
    files so that no symlink or hard link to one gets past.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnknownFormat(path, suffix)
    console = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        theme=_PAGE,
        highlight=False,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    console.print(renderable)
    if suffix == ".svg":
        # rich gives each line a clip path but the last (it counts to the last line's
        # number, not past it), and clips the picture 3.4 px below that line's
        # baseline: an underscore, lower than that, would be cut off. A blank line
        # after it gives it its own clip path and the room below.
        console.line()
        # rich derives its SVG ids from a hash of the content: pinned, so equal input
        # gives an equal file.
        text = console.export_svg(title=title, theme=LIGHT, unique_id="casework")
    else:
        escaped = html.escape(title).replace("{", "{{").replace("}", "}}")
        text = console.export_html(theme=LIGHT, code_format=_HTML.format(title=escaped))
    _write_atomically(path, text, protect)
    return path


def write_text(
    path: str | Path, text: str | Iterable[str], *, protect: Iterable[str | Path] = ()
) -> Path:
    """Write ``text`` (UTF-8; a string, or its parts as they are made) to ``path``
    as :func:`export` writes its files: whole or not at all, only a new or a
    regular file, never one of ``protect``. Returns the path written; raises
    CaseworkError as :func:`export` does, and whatever making the parts raises
    (the old file, if any, is left as it was)."""
    path = Path(path)
    _write_atomically(path, text, protect)
    return path


def _write_atomically(
    path: Path, text: str | Iterable[str], protect: Iterable[str | Path] = ()
) -> None:
    """Write ``text`` to ``path`` whole or not at all.

    ``path`` is checked first (see :func:`export`; ``protect`` as there). Where the
    system has them (Linux's O_TMPFILE), the text goes to a file with no name in the
    target's folder, which gets its temporary name only once written and synced;
    elsewhere the temporary file is created by name. Either way the name is short
    (``.casework-<16 hex digits>.tmp``), so a target whose name is as long as the
    system allows still has one. The file gets the old file's permission bits, is
    synced and renamed over the target; the folder is then synced (best effort) so
    the rename survives a crash. On any failure, Ctrl-C, SIGTERM and SIGHUP
    included, the temporary file is removed and the old file is untouched; a
    signal is then handed on to the handler it had before (by default, the process
    ends). Signals are watched only when called from the main thread.
    """
    inputs = _identities(protect)
    target, mode = _target(path, inputs)
    tmp = target.with_name(f".casework-{secrets.token_hex(8)}.tmp")
    guard = _SignalGuard()
    try:
        with guard:
            try:
                _write(tmp, text, mode, guard)
                _recheck(path, target, inputs)
                os.replace(tmp, target)
                guard.tmp = None
            finally:
                if guard.tmp is not None:
                    _remove(tmp)  # then forgotten: a signal in between removes it again
                    guard.tmp = None
    except OSError as err:
        raise CaseworkError(
            f"{path}: cannot write ({err.strerror or err}); expected a file in an existing, "
            "writable folder"
        ) from None
    except _Stopped as stop:  # the signal's old handler let the process live on
        raise CaseworkError(
            f"{path}: not written, stopped by {signal.Signals(stop.signum).name}; the old "
            "file, if any, is as it was"
        ) from None
    _sync_folder(target.parent)


_EXPECTED = "expected a new file or a regular file"


def _target(path: Path, inputs: set[tuple[int, int]]) -> tuple[Path, int | None]:
    """The file ``path`` names, every symlink followed, and its permission bits
    (None when there is no file yet); CaseworkError when it must not be replaced."""
    # realpath never raises: a dangling link gives the name its file would have, a
    # loop gives a name that is still a link.
    target = Path(os.path.realpath(path))
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return target, None
    except OSError as err:
        if err.errno == errno.ELOOP:  # a loop on the way to the folder
            raise _refused(path, target, "a symlink loop") from None
        raise CaseworkError(
            f"{path}: cannot write ({err.strerror or err}); expected a file in an existing, "
            "writable folder"
        ) from None
    _check(path, target, info, inputs)
    return target, stat.S_IMODE(info.st_mode) & 0o777


def _recheck(path: Path, target: Path, inputs: set[tuple[int, int]]) -> None:
    """Check the target again just before the rename, in case it changed while the
    file was written. A symlink put there is fine: the rename replaces the link."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return
    if not stat.S_ISLNK(info.st_mode):
        _check(path, target, info, inputs)


def _check(path: Path, target: Path, info: os.stat_result, inputs: set[tuple[int, int]]) -> None:
    kind = file_kind(info.st_mode)
    if kind:
        raise _refused(path, target, f"a {kind}")
    if (info.st_dev, info.st_ino) in inputs:
        raise _refused(
            path,
            target,
            "a file this command reads",
            "expected a new file or a regular file other than its inputs",
        )


def _refused(path: Path, target: Path, what: str, expected: str = _EXPECTED) -> CaseworkError:
    """The error for a target that must not be replaced; where ``path`` is a
    symlink, it says where the link leads."""
    if target != Path(os.path.realpath(path.parent), path.name):
        here = os.path.realpath(os.curdir)
        inside = str(target).startswith(here.rstrip(os.sep) + os.sep)
        what += f" ({os.path.relpath(target, here) if inside else target})"
    return CaseworkError(f"{path}: cannot export over {what}; {expected}")


def _identities(files: Iterable[str | Path]) -> set[tuple[int, int]]:
    """(device, inode) of each of ``files`` that exists, symlinks followed."""
    found = set()
    for file in files:
        try:
            info = os.stat(file)
        except (OSError, ValueError):
            continue
        found.add((info.st_dev, info.st_ino))
    return found


def _write(tmp: Path, text: str | Iterable[str], mode: int | None, guard: _SignalGuard) -> None:
    """Write, sync and name the temporary file ``tmp``; ``guard.tmp`` is set while
    the name may exist."""
    fd = _open_unnamed(tmp.parent)
    named = fd is None
    if fd is None:
        guard.tmp = tmp  # before it exists: a signal from here on removes it
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            # 0o666 lets the umask decide the mode, as for any new file.
            fd = os.open(tmp, flags, 0o666)
        except OSError:
            guard.tmp = None  # not ours, should it exist
            raise
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        if mode is not None:
            if os.chmod in os.supports_fd:
                os.chmod(out.fileno(), mode)
            else:
                os.chmod(tmp, mode)
        out.writelines([text] if isinstance(text, str) else text)  # text, or its parts
        out.flush()
        os.fsync(out.fileno())
        if not named:
            # linkat(AT_SYMLINK_FOLLOW) from /proc/self/fd, as open(2) shows for O_TMPFILE
            proc = os.open("/proc/self/fd", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                guard.tmp = tmp
                os.link(str(out.fileno()), tmp, src_dir_fd=proc, follow_symlinks=True)
            except OSError:
                guard.tmp = None
                raise
            finally:
                os.close(proc)


#: What open(2) gives where O_TMPFILE is unknown to the system or the file system.
_NO_TMPFILE = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL})


def _open_unnamed(folder: Path) -> int | None:
    """A file open for writing in ``folder`` that has no name yet, so that nothing
    is left should the process die; None where there are no such files."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o666)
    except OSError as err:
        if err.errno in _NO_TMPFILE:
            return None
        raise


def _remove(tmp: Path) -> None:
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass


#: Signals that end a process by default and that a supervisor, ``kill`` or a
#: closed terminal send. (SIGINT is Python's KeyboardInterrupt; SIGKILL cannot be
#: caught, which is what O_TMPFILE is for.)
_ENDING: tuple[int, ...] = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)

_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class _Stopped(BaseException):
    """An ending signal came during the write and its old handler returned."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _SignalGuard:
    """While in use, an ending signal removes the temporary file ``tmp`` (when set)
    before it is handed to the handler it had before. Signals that are ignored
    (``nohup``) stay ignored; off the main thread nothing is changed, as Python
    lets only the main thread set handlers."""

    def __init__(self) -> None:
        self.tmp: Path | None = None
        self._old: dict[int, _Handler] = {}

    def __enter__(self) -> _SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for signum in _ENDING:
                old = signal.getsignal(signum)
                if old is None or old == signal.SIG_IGN:  # set outside Python, or ignored
                    continue
                signal.signal(signum, self._stop)
                self._old[signum] = old
        return self

    def __exit__(self, *exc: object) -> None:
        self._restore()

    def _restore(self) -> None:
        while self._old:
            signum, old = self._old.popitem()
            signal.signal(signum, old)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        for other in self._old:
            signal.signal(other, signal.SIG_IGN)  # no second stop while this one is handled
        if self.tmp is not None:
            _remove(self.tmp)
            self.tmp = None
        self._restore()
        signal.raise_signal(signum)  # the old handler's turn: by default the process ends here
        raise _Stopped(signum)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; where folders cannot be opened or
    synced (Windows, some file systems) the rename is left to the system."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
