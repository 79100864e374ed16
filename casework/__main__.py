"""``python -m casework``."""

from casework.cli import run

run()
