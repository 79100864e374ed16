"""casework: historical case files as executable, source-cited state machines.

The core API is what this module exports. A few modules are public as well, each
for one audience: ``casework.testing`` and ``casework.strategies`` (assertions and
Hypothesis strategies for users' tests), ``casework.analysis.paths`` (paths through
a procedure), and the views in ``casework.views`` (terminal renderables, Mermaid
diagrams, dossiers, SVG/HTML export). Modules and names that start with ``_`` are
internal.
"""

from __future__ import annotations

# Not typing.TYPE_CHECKING: importing typing would cost more than the rest of this module.
TYPE_CHECKING = False

__version__ = "0.1.0"

# Each public name and the module that defines it. ``import casework`` imports
# none of these modules: a name's module is imported when the name is first
# used (PEP 562). A name added, moved or renamed here is also added, moved or
# renamed in the imports for type checkers below and in __all__.
_EXPORTS: dict[str, str] = {
    "ArchiveStats": "casework.analysis.archive_stats",
    "archive_stats": "casework.analysis.archive_stats",
    "import_file": "casework.analysis.archive",
    "compile_procedure": "casework.analysis.bulk",
    "CaseFileError": "casework.errors",
    "CaseworkError": "casework.errors",
    "InvalidUntil": "casework.errors",
    "Problem": "casework.errors",
    "UnknownCase": "casework.errors",
    "UnknownName": "casework.errors",
    "UnknownWhatIf": "casework.errors",
    "Casebook": "casework.load.casebook",
    "load_casebook": "casework.load.casebook",
    "check_files": "casework.load.check",
    "bundled_scenarios": "casework.load.folder",
    "Case": "casework.model.case",
    "Comparison": "casework.model.compare",
    "compare": "casework.model.compare",
    "HistDate": "casework.model.dates",
    "Document": "casework.model.documents",
    "Rule": "casework.model.edits",
    "hypothetical": "casework.model.edits",
    "BACKGROUND": "casework.model.events",
    "Citation": "casework.model.evidence",
    "Event": "casework.model.events",
    "Person": "casework.model.people",
    "ILLEGAL": "casework.model.procedure",
    "PENDING": "casework.model.procedure",
    "Procedure": "casework.model.procedure",
    "StateDef": "casework.model.procedure",
    "TransitionDef": "casework.model.procedure",
    "History": "casework.model.replay",
    "replay": "casework.model.replay",
    "IllegalStep": "casework.model.steps",
    "IllegalTransition": "casework.model.steps",
    "Step": "casework.model.steps",
    "WhatIf": "casework.model.whatif",
}

if TYPE_CHECKING:
    from casework.analysis.archive import import_file
    from casework.analysis.archive_stats import ArchiveStats, archive_stats
    from casework.analysis.bulk import compile_procedure
    from casework.errors import (
        CaseFileError,
        CaseworkError,
        InvalidUntil,
        Problem,
        UnknownCase,
        UnknownName,
        UnknownWhatIf,
    )
    from casework.load.casebook import Casebook, load_casebook
    from casework.load.check import check_files
    from casework.load.folder import bundled_scenarios
    from casework.model.case import Case
    from casework.model.compare import Comparison, compare
    from casework.model.dates import HistDate
    from casework.model.documents import Document
    from casework.model.edits import Rule, hypothetical
    from casework.model.events import BACKGROUND, Event
    from casework.model.evidence import Citation
    from casework.model.people import Person
    from casework.model.procedure import ILLEGAL, PENDING, Procedure, StateDef, TransitionDef
    from casework.model.replay import History, replay
    from casework.model.steps import IllegalStep, IllegalTransition, Step
    from casework.model.whatif import WhatIf

__all__ = [
    "BACKGROUND",
    "ILLEGAL",
    "PENDING",
    "ArchiveStats",
    "Case",
    "CaseFileError",
    "Casebook",
    "CaseworkError",
    "Citation",
    "Comparison",
    "Document",
    "Event",
    "HistDate",
    "History",
    "IllegalStep",
    "IllegalTransition",
    "InvalidUntil",
    "Person",
    "Problem",
    "Procedure",
    "Rule",
    "StateDef",
    "Step",
    "TransitionDef",
    "UnknownCase",
    "UnknownName",
    "UnknownWhatIf",
    "WhatIf",
    "__version__",
    "archive_stats",
    "bundled_scenarios",
    "check_files",
    "compare",
    "compile_procedure",
    "hypothetical",
    "import_file",
    "load_casebook",
    "replay",
]


def _import_public(name: str) -> object:
    """The public ``name``, imported from its module on first use (PEP 562)."""
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'casework' has no attribute {name!r}") from None
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value  # from now on found without this function
    return value


def __dir__() -> list[str]:
    """The module's names, the public ones not yet imported included."""
    return sorted({*globals(), *_EXPORTS})


# Type checkers see the imports above instead, so they still flag unknown names.
if not TYPE_CHECKING:
    __getattr__ = _import_public
