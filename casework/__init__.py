"""casework: historical case files as executable, source-cited state machines.

The core API is what this module exports. A few modules are public as well, each
for one audience: ``casework.testing``, ``casework.analysis.paths`` and
``casework.strategies`` (assertions, path enumeration and Hypothesis strategies
for users' tests), ``casework.views.render``, ``casework.views.diagram``, ``casework.views.dossier``
and ``casework.views.export`` (terminal views, Mermaid, dossiers, SVG/HTML). Modules and
names that start with ``_`` are internal.
"""

from casework.analysis.archive import ArchiveStats, archive_stats, import_file
from casework.analysis.bulk import compile_procedure
from casework.errors import (
    CaseFileError,
    CaseworkError,
    IllegalTransition,
    InvalidUntil,
    Problem,
    UnknownCase,
    UnknownName,
    UnknownWhatIf,
)
from casework.load.casebook import Casebook, bundled_scenarios, check_paths, load_casebook
from casework.load.cases import Case
from casework.load.people import Person
from casework.load.sources import Document
from casework.model.dates import HistDate
from casework.model.events import BACKGROUND, Citation, Event
from casework.model.procedure import ILLEGAL, PENDING, Procedure, StateDef, TransitionDef
from casework.model.replay import History, Step, replay
from casework.model.whatif import Comparison, Rule, Run, WhatIf, hypothetical, run

__version__ = "0.1.0"

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
    "IllegalTransition",
    "InvalidUntil",
    "Person",
    "Problem",
    "Procedure",
    "Rule",
    "Run",
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
    "check_paths",
    "compile_procedure",
    "hypothetical",
    "import_file",
    "load_casebook",
    "replay",
    "run",
]
