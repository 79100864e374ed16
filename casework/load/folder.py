"""A scenarios folder on disk: where it is, and which files it holds."""

from __future__ import annotations

from pathlib import Path

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
    "scenarios_root",
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


def scenarios_root(file: Path) -> Path | None:
    """The scenarios folder a file lies in (the nearest with procedure.toml), or None."""
    for parent in file.resolve().parents:
        if (parent / PROCEDURE_FILE).is_file():
            return parent
    return None


def procedure_files(root: Path) -> list[Path]:
    """The procedure files of a scenarios folder: procedure.toml, then procedures/*.toml."""
    return [root / PROCEDURE_FILE, *sorted((root / "procedures").glob("*.toml"))]


def case_files(root: Path) -> list[Path]:
    """The case files of a scenarios folder, by name."""
    return sorted((root / "cases").glob("*.toml"))


def whatif_files(root: Path) -> list[Path]:
    """The what-if files of a scenarios folder, by name."""
    return sorted((root / WHATIF_DIR).glob("*.toml"))


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
