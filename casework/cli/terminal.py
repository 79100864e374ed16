"""Where the command line meets the terminal: the output streams, and the key
that moves ``replay --step`` on.

:class:`Output` wraps ``sys.stdout`` or ``sys.stderr`` for the consoles: it
writes what the stream's encoding can carry (``PYTHONIOENCODING=ascii`` gets
``->`` for ``→``) and turns a failed write into :class:`OutputError`.
:func:`ask_step` is the real ``--step`` prompt: one key on a terminal, a
bounded line from a pipe.
"""

from __future__ import annotations

import errno
import os
import sys
import unicodedata
from typing import IO, TextIO

__all__ = ["ASCII", "LINE_LIMIT", "PROMPT", "Output", "OutputError", "ask_step", "read_key"]

#: What the views write beyond ASCII, and what takes its place when the output's
#: encoding has no such character. Any other such character is written without
#: its accents when that is enough (é as e), else as its escape (\u0436).
ASCII = {
    "→": "->",
    "↳": "->",
    "—": "-",
    "–": "-",
    "…": "...",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "·": "-",
    "✗": "x",
    "×": "x",
    "¶": "par. ",
    "━": "-",
    "─": "-",  # the rule between cases (rich draws it so even for an ASCII output)
    "│": "|",
}


class OutputError(Exception):
    """Writing to standard output (or error) failed; ``.error`` is the OSError."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error

    @property
    def broken_pipe(self) -> bool:
        """True when the reader went away (``casework replay | head -1``)."""
        return self.error.errno == errno.EPIPE


class Output:
    """A text stream for a console: what the encoding cannot carry is written
    in ASCII (see :data:`ASCII`), and a failed write raises OutputError."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.encoding: str = getattr(stream, "encoding", None) or "utf-8"
        self._table: dict[int, str] | None = None
        try:
            "→“”·".encode(self.encoding)
        except UnicodeEncodeError:
            self._table = {ord(k): v for k, v in ASCII.items() if not _fits(k, self.encoding)}
        except LookupError:
            pass

    def write(self, text: str) -> int:
        if self._table is not None:
            text = self._degrade(text)
        try:
            return self.stream.write(text)
        except OSError as error:
            raise OutputError(error) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as error:
            raise OutputError(error) from None

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def _degrade(self, text: str) -> str:
        try:
            text.encode(self.encoding)
            return text
        except UnicodeEncodeError:
            pass
        assert self._table is not None
        text = text.translate(self._table)
        return "".join(c if _fits(c, self.encoding) else _ascii(c) for c in text)


def _fits(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _ascii(char: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii())
    if bare.isprintable() and bare:
        return bare
    return char.encode("ascii", "backslashreplace").decode("ascii")


# -- replay --step ---------------------------------------------------------------

#: The prompt between events (ASCII, so any terminal shows it).
PROMPT = "Enter or space: next event, q: quit"
#: The most ``--step`` reads from a pipe as one answer (bytes).
LINE_LIMIT = 1024


def ask_step(prompt: str) -> str:
    """The answer to ``--step``'s prompt: ``"q"`` to stop, ``""`` to go on.

    On a terminal, one key, read with the terminal in non-canonical mode and
    restored whatever happens (Ctrl-C too): Enter or space go on, ``q`` stops,
    Ctrl-D is the end of the input; the prompt is shown on the terminal
    (stderr, or /dev/tty when stderr is not one) and erased after the key.
    From a pipe or a file, a line of at most :data:`LINE_LIMIT` bytes, no prompt.
    At the end of the input, EOFError: the caller shows the rest.
    """
    stdin = sys.stdin
    if stdin is None:
        raise EOFError
    if stdin.isatty() and _keys_readable():
        screen, close = _screen()
        try:
            return read_key(stdin.fileno(), prompt, screen)
        finally:
            if close and screen is not None:
                screen.close()
    return read_line(stdin.buffer)


def _keys_readable() -> bool:
    """True where a terminal can be read key by key (termios: not on Windows,
    where ``--step`` reads lines)."""
    try:
        import termios  # noqa: F401
    except ImportError:
        return False
    return True


def _screen() -> tuple[IO[str] | None, bool]:
    """Where the prompt goes: stderr if it is a terminal, else the terminal itself."""
    err = sys.stderr
    if err is not None and err.isatty():
        return err, False
    try:
        return open("/dev/tty", "w", encoding="ascii", errors="replace"), True
    except OSError:
        return None, False


def read_line(stream: IO[bytes], limit: int = LINE_LIMIT) -> str:
    """One answer from a pipe: a line, or its first ``limit`` bytes (the rest is
    read as the next answers); EOFError at the end of the input."""
    line = stream.readline(limit)
    if not line:
        raise EOFError
    return line.decode("utf-8", "replace").strip()


def read_key(fd: int, prompt: str = PROMPT, screen: IO[str] | None = None) -> str:
    """One key from the terminal ``fd``: ``""`` for Enter or space, ``"q"`` for q;
    other keys are ignored; Ctrl-D (or the end of the input) raises EOFError.

    The terminal is put in non-canonical mode without echo (signals stay on, so
    Ctrl-C is KeyboardInterrupt) and always restored; ``prompt`` is written to
    ``screen`` once the terminal is in that mode, and erased after the key.
    """
    import termios

    saved = termios.tcgetattr(fd)
    keyed = list(saved)
    keyed[3] = saved[3] & ~(termios.ICANON | termios.ECHO)
    keyed[6] = list(saved[6])
    keyed[6][termios.VMIN], keyed[6][termios.VTIME] = 1, 0
    shown = False
    try:
        termios.tcsetattr(fd, termios.TCSANOW, keyed)
        if screen is not None:  # once keys are read one by one: Ctrl-D is then a key
            screen.write(prompt)
            screen.flush()
            shown = True
        while True:
            key = os.read(fd, 1)
            if key in (b"", b"\x04"):
                raise EOFError
            if key in (b"\r", b"\n", b" "):
                return ""
            if key in (b"q", b"Q"):
                return "q"
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
        if shown and screen is not None:
            screen.write("\r" + " " * len(prompt) + "\r")
            screen.flush()
