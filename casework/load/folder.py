"""A scenarios folder on disk: where it is, and which files it holds."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "FOLDER_EXPECTED",
    "PROCEDURE_FILE",
    "SHARED_FILES",
    "WHATIF_DIR",
    "bundled_scenarios",
    "case_files",
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
