"""``python -m casework``: the command line (see :func:`casework.cli.main.script`)."""

import sys

try:
    from casework.cli.main import script  # imports only sys: the rest waits for script()
except KeyboardInterrupt:  # Ctrl-C in the first milliseconds
    sys.stderr.write("casework: interrupted\n")
    sys.exit(130)

if __name__ == "__main__":
    script()
