"""casework: historical case files as executable, source-cited state machines.

The public API is what this module exports; everything else is internal.
"""

from casework.casebook import Casebook, bundled_scenarios, check_paths, load_casebook
from casework.cases import Case
from casework.dates import HistDate
from casework.errors import (
    CaseFileError,
    CaseworkError,
    IllegalTransition,
    Problem,
    UnknownCase,
)
from casework.events import BACKGROUND, Citation, Event
from casework.people import Person
from casework.procedure import PENDING, Procedure, StateDef, TransitionDef
from casework.replay import History, Step, replay
from casework.sources import Document

__version__ = "0.1.0"

__all__ = [
    "BACKGROUND",
    "PENDING",
    "Case",
    "CaseFileError",
    "Casebook",
    "CaseworkError",
    "Citation",
    "Document",
    "Event",
    "HistDate",
    "History",
    "IllegalTransition",
    "Person",
    "Problem",
    "Procedure",
    "StateDef",
    "Step",
    "TransitionDef",
    "UnknownCase",
    "__version__",
    "bundled_scenarios",
    "check_paths",
    "load_casebook",
    "replay",
]
