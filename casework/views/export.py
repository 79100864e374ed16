"""Export: any rich renderable written to an SVG picture or an HTML page.

The renderable is drawn exactly as the terminal would draw it at ``width``
columns, recorded, and exported with rich's ``export_svg``/``export_html`` in
a light theme made for a white page. The file is written atomically: a
temporary file in the same folder, synced, then ``os.replace``, so a reader
never sees half a file and an old file survives a failed export.
"""

from __future__ import annotations

import html
import io
import os
import secrets
import shutil
from pathlib import Path

from rich.console import Console, RenderableType
from rich.terminal_theme import TerminalTheme

from casework.errors import CaseworkError
from casework.views.render import THEME

__all__ = ["FORMATS", "LIGHT", "UnknownFormat", "export"]

#: The file suffixes :func:`export` writes.
FORMATS = (".svg", ".html")

#: Colours for a white page: the ANSI colours the theme names (green quotes,
#: cyan dates, magenta states, yellow inferences) darkened until they read as
#: well as black text on white.
LIGHT = TerminalTheme(
    (255, 255, 255),
    (17, 24, 39),
    [
        (17, 24, 39),  # black
        (185, 28, 28),  # red
        (21, 110, 52),  # green
        (146, 84, 6),  # yellow (amber: yellow itself vanishes on white)
        (29, 78, 216),  # blue
        (134, 25, 143),  # magenta
        (14, 100, 130),  # cyan
        (75, 85, 99),  # white (grey: white itself vanishes on white)
    ],
)


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
    renderable: RenderableType, path: str | Path, *, title: str = "casework", width: int = 80
) -> Path:
    """Write ``renderable`` to ``path``, an ``.svg`` picture or an ``.html`` page.

    The content is what the terminal shows at ``width`` columns (the default, 80,
    is the width of piped output); ``title`` heads the picture or page. Returns
    the path written. Raises :class:`UnknownFormat` for another suffix, and
    CaseworkError when the file cannot be written (the old file, if any, is left
    as it was). When ``path`` is a symlink, the file it points to is replaced and
    the link kept; an existing file keeps its permission bits.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnknownFormat(path, suffix)
    console = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        theme=THEME,
        highlight=False,
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    console.print(renderable)
    if suffix == ".svg":
        # rich derives its SVG ids from a hash of the content: pinned, so equal input
        # gives an equal file.
        text = console.export_svg(title=title, theme=LIGHT, unique_id="casework")
    else:
        escaped = html.escape(title).replace("{", "{{").replace("}", "}}")
        text = console.export_html(theme=LIGHT, code_format=_HTML.format(title=escaped))
    _write_atomically(path, text)
    return path


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all.

    A temporary file beside the target is written, flushed and synced, given the
    old file's permission bits, and renamed over it; the folder is then synced
    (best effort) so the rename survives a crash. A symlink is written through:
    the file it points to is replaced and the link is kept. On any failure,
    Ctrl-C included, the temporary file is removed and the old file is untouched.
    """
    created = False
    try:
        # realpath, not resolve: it never raises (a dangling link's file is created).
        target = Path(os.path.realpath(path)) if path.is_symlink() else path
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        # os.open with 0o666 lets the umask decide the mode, as for any new file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        created = True
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
        created = False
    except OSError as err:
        raise CaseworkError(
            f"{path}: cannot write ({err.strerror or err}); expected a file in an existing, "
            "writable folder"
        ) from None
    finally:
        if created:
            tmp.unlink(missing_ok=True)
    _sync_folder(target.parent)


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
