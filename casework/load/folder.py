"""A scenarios folder on disk: where it is, and which files it holds."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from casework.errors import Problem

__all__ = [
    "ENVIRONMENT",
    "FOLDER_EXPECTED",
    "PROCEDURE_FILE",
    "SHARED_FILES",
    "WHATIF_DIR",
    "bundled_scenarios",
    "case_files",
    "find_scenarios",
    "procedure_files",
    "real",
    "scenarios_root",
    "toml_files",
    "whatif_files",
]

#: The folder of a scenarios folder that holds what-if files.
WHATIF_DIR = "whatif"

PROCEDURE_FILE = "procedure.toml"
#: The files of a scenarios folder that every case shares (beside procedures/*.toml).
SHARED_FILES = (PROCEDURE_FILE, "people.toml", "documents.toml")
FOLDER_EXPECTED = (
    "expected a scenarios folder with procedure.toml, people.toml, documents.toml and cases/"
)


def bundled_scenarios() -> Path:
    """The scenarios folder shipped with casework.

    An installed wheel carries it as ``casework/_scenarios``; a source checkout
    (or an editable install) has it beside the package.
    """
    here = Path(__file__).resolve().parent.parent  # the casework package
    installed = here / "_scenarios"
    return installed if installed.is_dir() else here.parent / "scenarios"


def real(path: Path) -> Path:
    """The absolute path with its symlinks followed as far as they lead: unlike
    Path.resolve, a symlink loop is no error here (reading the file says why)."""
    return Path(os.path.realpath(path))


def scenarios_root(file: Path) -> Path | None:
    """The scenarios folder a file lies in (the nearest with procedure.toml), or None."""
    for parent in real(file).parents:
        if (parent / PROCEDURE_FILE).is_file():
            return parent
    return None


def procedure_files(root: Path) -> list[Path]:
    """The procedure files of a scenarios folder: procedure.toml, then procedures/*.toml."""
    return [root / PROCEDURE_FILE, *sorted((root / "procedures").glob("*.toml"))]


def toml_files(folder: Path, what: str, problems: list[Problem] | None = None) -> list[Path]:
    """The .toml files in a folder, by name (none when there is no such folder).

    A ``folder`` that is not a folder (a file, a named pipe) or cannot be read
    is a problem of that folder, added to ``problems``: never an empty folder
    in silence. ``what`` says what it should hold ("case files").
    """
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries if entry.name.endswith(".toml")]
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        found = _kind(folder)
        problem = Problem.at(folder, 0, found, f"expected a folder of {what} (*.toml)")
    except OSError as err:
        problem = Problem.at(
            folder, 0, f"cannot read: {err.strerror}", f"expected a folder of {what} to read"
        )
    else:
        return sorted(folder / name for name in names)
    if problems is not None:
        problems.append(problem)
    return []


def _kind(path: Path) -> str:
    """What a path that is not a folder is, as a problem says it."""
    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        return f"cannot read: {err.strerror}"
    if stat.S_ISREG(mode):
        return "is a file, not a folder"
    what = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else ""
    return f"not a folder ({what or 'a device or special file'})"


def case_files(root: Path, problems: list[Problem] | None = None) -> list[Path]:
    """The case files of a scenarios folder, by name (see :func:`toml_files`)."""
    return toml_files(root / "cases", "case files", problems)


def whatif_files(root: Path, problems: list[Problem] | None = None) -> list[Path]:
    """The what-if files of a scenarios folder, by name (see :func:`toml_files`)."""
    return toml_files(root / WHATIF_DIR, "what-if files", problems)


#: The environment variable that names a scenarios folder.
ENVIRONMENT = "CASEWORK_SCENARIOS"


def find_scenarios(
    explicit: str | Path | None = None,
    *,
    start: Path | None = None,
    environ: dict[str, str] | None = None,
) -> tuple[Path, str]:
    """The scenarios folder a command uses, and how it was found, as pytest and
    git find theirs: ``--scenarios`` (``explicit``) wins; then the environment
    variable ``CASEWORK_SCENARIOS``; then, from the working directory (``start``)
    upwards, the first folder that holds procedure.toml or a ``scenarios/``
    folder that does; else the bundled cases."""
    import os

    if explicit:
        return Path(explicit), "--scenarios"
    env = (os.environ if environ is None else environ).get(ENVIRONMENT, "")
    if env:
        return Path(env), ENVIRONMENT
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        try:
            if (folder / PROCEDURE_FILE).is_file():
                return folder, f"found from {here}"
            if (folder / "scenarios" / PROCEDURE_FILE).is_file():
                return folder / "scenarios", f"found from {here}"
        except OSError:
            break
    return bundled_scenarios(), "the bundled cases"
