"""``python -m keywire ARGS...`` runs the installed ``keywire`` binary with ARGS and its exit
code."""

from __future__ import annotations

import os
import sys

from keywire import find_keywire_bin


def main() -> None:
    try:
        keywire = os.fsdecode(find_keywire_bin())
    except FileNotFoundError as error:
        print(f"keywire: {error}", file=sys.stderr)
        sys.exit(2)
    args = [keywire, *sys.argv[1:]]
    if sys.platform == "win32":
        # Windows has no exec: run it as a child and pass its exit code on.
        import subprocess

        sys.exit(subprocess.run(args).returncode)
    os.execvp(keywire, args)


if __name__ == "__main__":
    main()
