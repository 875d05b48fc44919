"""keywire: finds AutoGen API-key wiring mistakes. The wheel installs the ``keywire`` binary;
``python -m keywire`` runs it (see ``find_keywire_bin``)."""

from __future__ import annotations

import os
import sys
import sysconfig

__all__ = ["find_keywire_bin"]


def _exe_name() -> str:
    return "keywire" + (sysconfig.get_config_var("EXE") or "")


def _user_scheme() -> str:
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"


def find_keywire_bin() -> str:
    """The path of the ``keywire`` binary installed with this package.

    Looked up, in order, in this environment's scripts directory (a virtual environment, a
    system or ``pipx``/``uv tool`` install), the user scheme's (``pip install --user``), and a
    ``bin`` folder next to the package (``pip install --target``). Raises FileNotFoundError
    naming every place it looked.
    """
    exe = _exe_name()
    candidates = [os.path.join(sysconfig.get_path("scripts"), exe)]
    try:
        candidates.append(os.path.join(sysconfig.get_path("scripts", scheme=_user_scheme()), exe))
    except KeyError:
        pass
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    candidates.append(os.path.join(package_root, "bin", exe))
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "the keywire binary was not found; looked in: "
        + ", ".join(candidates)
        + " (reinstall with `pip install --force-reinstall keywire`)"
    )
