"""Where the files a command needs beyond the code live: a checkout, an unpacked release, or the installed wheel.

The expectation suites and golden row counts (`validation/`), the agency registry (`sources/agencies.yml`) and the
code list of standard indicators (`sources/indicators.yml`) travel with every copy of Yigai, always at the same relative paths:

- in a **checkout**, at the repository root (the folder holding pyproject.toml above `src/yigai/`);
- in an **unpacked release**, next to `datapackage.json` (the release archive carries them);
- in an **installed wheel**, under `yigai/_bundled/` (pyproject.toml force-includes them into the wheel).

A folder given by the user (a release, a fork's package) is looked at first, then the checkout this code runs from,
then the wheel's bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SUITES = "validation"
REGISTRY = "sources/agencies.yml"
INDICATORS = "sources/indicators.yml"
TRAVELLING = (SUITES, REGISTRY, INDICATORS)  # what a release archive and the wheel carry, at these relative paths
BUNDLE = Path(__file__).resolve().parent / "_bundled"


@dataclass(frozen=True)
class Found:
    """A file or folder located for a command.

    Attributes:
        path: where it is.
        origin: what kind of copy it comes from: "given folder", "checkout" or "installed package".
    """

    path: Path
    origin: str

    def describe(self) -> str:
        """Plain words for a note to the user, e.g. "the installed package's sources/agencies.yml (…path…)"."""
        return f"{self.path} (from the {self.origin})"


def checkout_root() -> Path | None:
    """The repository this code runs from (an editable install or a checkout), or None for an installed wheel."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "src" / "yigai").is_dir():
        return root
    return None


def roots(near: Path | None = None) -> list[tuple[Path, str]]:
    """Folders to look in, in order: `near` and its parents, the checkout, the wheel's bundle."""
    found: list[tuple[Path, str]] = []
    if near is not None:
        near = Path(near).resolve()
        found += [(p, "given folder") for p in (near, *near.parents)]
    checkout = checkout_root()
    if checkout is not None:
        found.append((checkout, "checkout"))
    if BUNDLE.is_dir():
        found.append((BUNDLE, "installed package"))
    return found


def find(relative: str, near: Path | None = None, marker: str | None = None) -> Found | None:
    """Locate `relative` (e.g. "validation" or "sources/agencies.yml") in the first root that has it.

    Args:
        relative: path relative to a root, with the repository's layout.
        near: a folder the user gave (a package, a release); it and its parents are looked at first.
        marker: for a folder, a file it must contain to count (e.g. "plans.json" for the suites).
    """
    for root, origin in roots(near):
        candidate = root / relative
        if marker is not None:
            if (candidate / marker).is_file():
                return Found(candidate, origin)
        elif candidate.exists():
            return Found(candidate, origin)
    return None


def bundled_suites() -> Path | None:
    """The suites shipped with the code (the checkout's validation/, else the wheel's bundle), if any."""
    found = find(SUITES, marker="plans.json")
    return found.path if found else None


def registry_file(sources_dir: Path) -> Found | None:
    """The agency registry for a command run on `sources_dir`: its own agencies.yml, else the one shipped with the code.

    Returns None when there is none anywhere (the caller then works with an empty registry and says so).
    """
    own = Path(sources_dir) / Path(REGISTRY).name
    if own.is_file():
        return Found(own, "given folder")
    return find(REGISTRY)


def travelling_files(root: Path | None = None) -> dict[str, Path]:
    """Every file that travels with a release, keyed by its relative path (POSIX).

    Args:
        root: the repository being released; None takes the code's own copy (checkout, else the wheel's bundle).

    Raises:
        FileNotFoundError: naming the first of them that is missing.
    """
    files: dict[str, Path] = {}
    for relative in TRAVELLING:
        found = Found(Path(root) / relative, "given folder") if root is not None else find(relative)
        if found is None or not found.path.exists():
            raise FileNotFoundError(relative)
        if found.path.is_dir():
            files.update({f"{relative}/{p.relative_to(found.path).as_posix()}": p
                          for p in sorted(found.path.rglob("*"))
                          if p.is_file() and not any(part.startswith((".", "__"))
                                                             for part in p.relative_to(found.path).parts)})
        else:
            files[relative] = found.path
    return files
