"""``python -m casework``."""

from casework.cli.main import script

if __name__ == "__main__":
    script()
