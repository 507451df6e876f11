"""Resolve a path named in a package's descriptor without ever leaving the package folder.

A descriptor is input like any other: a fork's datapackage.json may name `../../etc/passwd`, `/proc/self/environ`,
a URL, or a file that is a symlink to somewhere else. Such a path is refused with a problem naming the resource, and
its target is neither opened nor even tested for existence beyond the package folder.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath

# A descriptor path is a relative POSIX path of plain names: no drive, scheme, backslash or control character.
# Glob characters are refused too: DuckDB's CSV reader would expand them into other files.
_SAFE_NAME = re.compile(r"[^\x00-\x1f\x7f\\:*?\"<>|\[\]{}]+")


class UnsafePath(ValueError):
    """A path that points, or may point, outside the package folder (the message says why)."""


def inside(root: Path, relative: object) -> Path:
    """The file `relative` names inside `root`, after checking that it stays inside.

    Args:
        root: the package folder.
        relative: the path as written in the descriptor.

    Raises:
        UnsafePath: when the path is not a string, is absolute, is a URL, has `..` or odd characters, or resolves
            (through symlinks) outside `root`, or names something that is not a regular file.
        FileNotFoundError: when the path is safe but nothing is there.
    """
    if not isinstance(relative, str) or not relative:
        raise UnsafePath("the path must be a single relative path (a string)")
    if "://" in relative or relative.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", relative):
        raise UnsafePath("the path is absolute or a URL; a package names only files inside its own folder")
    parts = PurePosixPath(relative).parts
    if any(part in ("..", ".") for part in parts) or not all(_SAFE_NAME.fullmatch(part) for part in parts):
        raise UnsafePath("the path has '..', '.', a backslash or control characters; a package names only files "
                         "inside its own folder, by plain relative paths")
    base = root.resolve()
    candidate = base.joinpath(*parts)
    # Walk the components so that a symlinked folder or file is resolved before anything is opened.
    current = base
    for part in parts:
        current = current / part
        if current.is_symlink():
            target = Path(os.path.realpath(current))
            if target != base and base not in target.parents:
                raise UnsafePath("the path is a symlink that leads outside the package folder")
    resolved = Path(os.path.realpath(candidate))
    if base not in resolved.parents:
        raise UnsafePath("the path resolves outside the package folder")
    try:
        mode = resolved.stat().st_mode
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnsafePath(f"the file cannot be examined ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise UnsafePath("the path is not a regular file (a folder, device or pipe)")
    return resolved


def display(relative: object) -> str:
    """A descriptor path as a report shows it (never the resolved target)."""
    return relative if isinstance(relative, str) else repr(relative)
