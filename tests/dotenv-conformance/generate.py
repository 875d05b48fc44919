#!/usr/bin/env python3
"""Regenerate expected.json by running the real python-dotenv over every vector.

Pinned oracle: python-dotenv==1.2.4

    pip install python-dotenv==1.2.4
    cd tests/dotenv-conformance && env -i PATH="$PATH" python3 generate.py

For each ``vectors/*.env`` file this records what python-dotenv says about it:

- ``values``: ``dotenv_values(path)`` as an ordered list of ``[key, value]`` pairs (value is
  null for a bare ``KEY``). A list, because JSON-object order is not kept by every reader
  and python-dotenv's dict order (first appearance of each key; the last assignment wins)
  is part of the contract.
- ``error_lines``: the 1-based line numbers from python-dotenv's warnings
  "python-dotenv could not parse statement starting at line N", in order. Note that N is
  the line where the *previous* statement ended + 1, so blank lines before a bad statement
  shift it upwards.
- ``bindings``: every statement ``parse_stream`` accepted that has a key, in file order:
  ``key``, ``literal`` (value before ``${VAR}`` interpolation), ``line`` (1-based line of
  the statement's first non-blank character) and ``text`` (the statement without leading
  blank space and without its final newline).
- ``errors``: the same ``line`` / ``text`` for every statement python-dotenv skipped.

``parse_stream`` is fed the file opened exactly like ``dotenv_values`` opens it
(``open(path, encoding="utf-8")``, universal newlines), so ``text`` has ``\\n`` where the
file has ``\\r\\n`` or a lone ``\\r``.

The process environment is emptied first (``os.environ.clear()``) so ``${VAR}`` resolves only
against earlier values of the same file, as keywire assumes.
"""

import json
import logging
import os
import re
import sys
from pathlib import Path

import dotenv
from dotenv import dotenv_values
from dotenv.parser import parse_stream

PINNED = "1.2.4"
HERE = Path(__file__).resolve().parent
WARNING = re.compile(r"^python-dotenv could not parse statement starting at line (\d+)$")


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def located(original) -> dict:
    text = original.string
    stripped = text.lstrip()
    line = original.line + len(re.findall(r"\r\n|\n|\r", text[: len(text) - len(stripped)]))
    if stripped.endswith("\n"):
        stripped = stripped[:-1]
    return {"line": line, "text": stripped}


def main() -> int:
    version = getattr(dotenv, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("python-dotenv")
    if version != PINNED:
        print(f"python-dotenv {version} installed, expected {PINNED}", file=sys.stderr)
        return 1

    os.environ.clear()
    logger = logging.getLogger("dotenv.main")
    capture = Capture()
    logger.addHandler(capture)
    logger.propagate = False

    vectors = {}
    for path in sorted((HERE / "vectors").glob("*.env")):
        capture.messages.clear()
        values = dotenv_values(path)
        error_lines = []
        for message in capture.messages:
            m = WARNING.match(message)
            if not m:
                raise SystemExit(f"{path.name}: unexpected warning {message!r}")
            error_lines.append(int(m.group(1)))

        bindings, errors = [], []
        with open(path, encoding="utf-8") as stream:
            for b in parse_stream(stream):
                if b.error:
                    errors.append(located(b.original))
                elif b.key is not None:
                    bindings.append({"key": b.key, "literal": b.value, **located(b.original)})

        vectors[path.name] = {
            "values": [[k, v] for k, v in values.items()],
            "error_lines": error_lines,
            "bindings": bindings,
            "errors": errors,
        }

    out = {"python_dotenv_version": version, "vectors": vectors}
    (HERE / "expected.json").write_text(json.dumps(out, indent=1, ensure_ascii=True) + "\n")
    print(f"wrote expected.json for {len(vectors)} vectors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
