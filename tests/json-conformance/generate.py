#!/usr/bin/env python3
"""Regenerate expected.json by running Python's own `json` module over every case.

Oracle: the `json` module of CPython 3.11 (its C scanner, `strict=True`), which AutoGen's
`config_list_from_json` uses: `json.loads(env_value)` for JSON held by an environment
variable, `json.load(open(path))` for a file (text mode: universal newlines).

    cd tests/json-conformance && python3 generate.py

For each case of cases.json this records, for `json.loads(text)`:
- ``value``: the result in a tagged shape (``{"o": [[key, v], ...]}`` for a dict in its
  order, ``{"a": [...]}`` for a list, ``{"n": float}`` for a number, ``"inf"``/``"nan"``
  for the non-finite ones; lone surrogates as U+FFFD), or
- ``error``: ``msg`` (without the position suffix), ``pos``, ``lineno``, ``colno``;
and ``file_error``: the same for the file read through `open()` (newlines translated),
when it differs.
"""

import json
import math
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent


def shape(v):
    if isinstance(v, dict):
        return {"o": [[k, shape(x)] for k, x in v.items()]}
    if isinstance(v, list):
        return {"a": [shape(x) for x in v]}
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        f = float(v)
        if math.isnan(f):
            return {"n": "nan"}
        if math.isinf(f):
            return {"n": "inf" if f > 0 else "-inf"}
        return {"n": f}
    if isinstance(v, str):
        return re.sub("[\ud800-\udfff]", "\ufffd", v)
    raise TypeError(type(v))


def outcome(load):
    try:
        return {"value": shape(load())}
    except json.JSONDecodeError as e:
        return {"error": {"msg": e.msg, "pos": e.pos, "lineno": e.lineno, "colno": e.colno}}


def main():
    assert sys.version_info[:2] == (3, 11), "the recorded oracle is CPython 3.11"
    cases = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            text = case["text"]
            rec = {"name": case["name"], **outcome(lambda: json.loads(text))}
            path = Path(tmp) / "OAI_CONFIG_LIST"
            path.write_bytes(text.encode("utf-8", "surrogatepass"))

            def from_file():
                with open(path, encoding="utf-8") as f:
                    return json.load(f)

            file_rec = outcome(from_file)
            if "error" in file_rec and file_rec != {k: rec[k] for k in rec if k != "name"}:
                rec["file_error"] = file_rec["error"]
            out.append(rec)
    (HERE / "expected.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
