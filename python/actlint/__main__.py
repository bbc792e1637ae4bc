"""``python -m actlint``: the actlint command line, with the same arguments
and exit code as the ``actlint`` executable."""

from __future__ import annotations

import os
import subprocess
import sys

from actlint._binary import find_actlint_bin


def main() -> int:
    """Run the ``actlint`` executable with this process's arguments.

    On POSIX systems the executable replaces this process (so signals and
    the exit code are its own); elsewhere it runs as a child and its exit
    code is returned.
    """
    try:
        actlint = find_actlint_bin()
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    args = [actlint, *sys.argv[1:]]
    if sys.platform == "win32":
        return subprocess.run(args, check=False).returncode
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(actlint, args)
    return 2  # unreachable: execv does not return


if __name__ == "__main__":
    sys.exit(main())
