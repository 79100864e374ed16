"""``python -m casework``."""

from casework.cli import run

if __name__ == "__main__":
    run()
