"""Optional dependencies: which `pip install 'yigai[...]'` brings what a command needs.

The base install loads, downloads, cites and compares releases. The extras (declared in pyproject.toml, one line
per requirement) add what contributors and maintainers need: `build`, `validate`, `datadocs`, `docs`, `parquet`.
When a command imports a library that is not installed, the command line says which extra to install instead of
showing a traceback; the extra is read from the installed package's own metadata, so pyproject.toml stays the one
list.
"""

from __future__ import annotations

import importlib
import re
from importlib import metadata as importlib_metadata

from yigai.errors import YigaiError

# Import names that differ from their distribution names on PyPI.
DISTRIBUTIONS = {"yaml": "pyyaml", "great_expectations": "great-expectations", "mkdocs": "mkdocs-material",
                 "material": "mkdocs-material", "pyarrow": "pyarrow", "opencc": "opencc"}
# The extra each command needs, for when the installed metadata cannot tell (a source tree that is not installed).
COMMAND_EXTRAS = {"build": "build", "extract": "build", "release": "build,validate", "validate": "validate",
                  "docs": "docs"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def extras_providing(distribution: str) -> list[str]:
    """The extras of the installed yigai that require `distribution` (directly or through another extra)."""
    try:
        requires = importlib_metadata.requires("yigai") or []
    except importlib_metadata.PackageNotFoundError:
        return []
    direct: dict[str, set[str]] = {}
    for line in requires:
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?[^;]*;.*extra\s*==\s*['\"]([^'\"]+)['\"]", line)
        if match:
            name, inner, extra = match.groups()
            names = {f"yigai[{e.strip()}]" for e in inner.split(",")} if _normalise(name) == "yigai" and inner \
                else {_normalise(name)}
            direct.setdefault(extra, set()).update(names)

    def provides(extra: str, seen: frozenset = frozenset()) -> bool:
        for name in direct.get(extra, ()):
            if name == _normalise(distribution):
                return True
            if name.startswith("yigai[") and name[6:-1] not in seen and provides(name[6:-1], seen | {extra}):
                return True
        return False

    found = [extra for extra in direct if provides(extra)]
    return sorted(found, key=lambda e: (len(direct[e]), e))


def missing_extra(module: str, command: str | None = None, purpose: str | None = None) -> YigaiError:
    """The error to show when `module` is not installed: which extra to install for it.

    Args:
        module: the import name that failed (e.g. "frictionless" or "great_expectations.core").
        command: the yigai command that needs it, if any.
        purpose: what it is needed for, in words (default: the command).
    """
    top = module.split(".")[0]
    distribution = DISTRIBUTIONS.get(top, top)
    providing = extras_providing(distribution)
    wanted = COMMAND_EXTRAS.get(command or "")
    extra = wanted if wanted and (not providing or set(wanted.split(",")) & set(providing)) else \
        (providing[0] if providing else wanted)
    what = purpose or (f"`yigai {command}`" if command else "this")
    if not extra:
        return YigaiError(f"{what} needs {distribution}, which is not installed",
                          hint=f"pip install {distribution}")
    return YigaiError(f"{what} needs the optional dependencies of yigai[{extra}] ({distribution} is not installed)",
                      hint=f"pip install 'yigai[{extra}]'")


def require(module: str, extra: str | None = None, purpose: str | None = None) -> None:
    """Import `module` or raise the error that says which extra installs it.

    Raises:
        YigaiError: when it is not installed.
    """
    try:
        importlib.import_module(module)
    except ModuleNotFoundError:
        error = missing_extra(module, purpose=purpose)
        if extra and extra not in (error.hint or ""):
            error.hint = f"pip install 'yigai[{extra}]'"
            error.message = f"{purpose or 'this'} needs the optional dependencies of yigai[{extra}] " \
                            f"({module} is not installed)"
        raise error from None
