"""Locating the ``actlint`` executable installed by the wheel."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

__all__ = ["find_actlint_bin"]

_EXE = "actlint" + (sysconfig.get_config_var("EXE") or "")


def _candidates() -> list[Path]:
    """Where an installed wheel may have put the executable, in order."""
    dirs: list[str] = []
    # The environment this interpreter runs in (a virtualenv's bin/ or
    # Scripts\, or the system's scripts directory).
    scripts = sysconfig.get_path("scripts")
    if scripts:
        dirs.append(scripts)
    # `pip install --user`.
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    else:
        user_scheme = "nt_user" if os.name == "nt" else "posix_user"
    try:
        user_scripts = sysconfig.get_path("scripts", scheme=user_scheme)
    except KeyError:
        user_scripts = None
    if user_scripts:
        dirs.append(user_scripts)
    # `pip install --target DIR`: the package is DIR/actlint, the
    # executable DIR/bin/actlint.
    package_root = Path(__file__).resolve().parent.parent
    dirs.append(str(package_root / "bin"))
    dirs.append(str(package_root / "Scripts"))
    return [Path(d) / _EXE for d in dirs]


def find_actlint_bin() -> str:
    """Return the path of the ``actlint`` executable.

    The environment's scripts directory (where ``pip install actlint`` puts
    it) is searched first, then the user scheme's (``pip install --user``),
    then the ``bin`` directory beside a ``pip install --target`` install,
    and finally ``PATH``. The ``ACTLINT_BIN`` environment variable, when
    set, overrides the search.

    Raises:
        FileNotFoundError: no ``actlint`` executable was found.
    """
    override = os.environ.get("ACTLINT_BIN")
    if override:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override
        raise FileNotFoundError(
            f"ACTLINT_BIN is set to {override!r}, which is not an executable file"
        )
    for candidate in _candidates():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("actlint")
    if found:
        return found
    raise FileNotFoundError(
        "the actlint executable was not found in this environment's scripts "
        f"directory ({sysconfig.get_path('scripts')}) nor on PATH; "
        "reinstall the package with `pip install --force-reinstall actlint`"
    )
