"""Validate a data package, or a contribution under sources/: files, Frictionless structure, suites, golden counts.

`run(path)` works on any copy of the package (a folder holding datapackage.json, e.g. a fork's datapackage/) and on a
sources folder (`sources/` or one `sources/<plan_id>/`). For a package it checks, in order: the files themselves
(encoding, byte order mark, header, ragged rows, missing or renamed files; see csvcheck), the Table Schema with
Frictionless (types, keys, foreign keys, enums), the Great Expectations suites in validation/ (what a schema cannot
say), and the golden row counts. For sources it checks source.yml, corrections.yml, the raw file's sha256 and the
agency registry, runs the pipeline for each plan (a stale correction is reported there), builds the package in a
temporary folder and validates that package the same way.
"""

from __future__ import annotations

from pathlib import Path

from yigai.errors import YigaiError
from yigai.validate import counts, csvcheck, frames, structural
from yigai.validate.report import Problem, Report

__all__ = ["Problem", "Report", "UsageError", "find_suites_dir", "kind_of", "run", "validate_package"]

PACKAGE, SOURCES, PLAN = "package", "sources", "plan"
SUITES_DIR = "validation"
_TARGET_HINT = "pass a package folder (e.g. datapackage/), sources/ or sources/<plan_id>/"


class UsageError(YigaiError):
    """The command was used wrongly (a path that does not exist, not a package): exit status 2."""

    usage = True


def kind_of(path: Path) -> str:
    """Say what a path is: a package, a sources folder or one plan's folder.

    Raises:
        UsageError: when it is none of these.
    """
    if not path.exists():
        raise UsageError("path does not exist", file=str(path), hint=_TARGET_HINT)
    if path.is_file():
        if path.name == "datapackage.json":
            return PACKAGE
        raise UsageError("not a data package (expected a folder or its datapackage.json)", file=str(path),
                         hint=_TARGET_HINT)
    if (path / "datapackage.json").is_file():
        return PACKAGE
    if any((path / name).is_file() for name in ("source.yml", "raw.txt", "corrections.yml")):
        return PLAN
    if (path / "agencies.yml").is_file() or any((child / "source.yml").is_file() for child in path.iterdir()
                                                if child.is_dir()):
        return SOURCES
    raise UsageError("not a data package (no datapackage.json) nor a sources folder (no plan folders)",
                     file=str(path), hint=_TARGET_HINT)


def find_suites_dir(target: Path, explicit: Path | None = None) -> Path:
    """Find validation/: the one given, else next to the target or one of its parents (an unpacked release carries
    its own), the working directory's, the repository's this code was installed from, or the installed wheel's.

    Raises:
        UsageError: when none is found.
    """
    if explicit is not None:
        if not (explicit / counts.FILE).is_file() and not (explicit / "plans.json").is_file():
            raise UsageError("not a folder of expectation suites (no plans.json or golden_counts.json)",
                             file=str(explicit), hint="pass the repository's validation/ folder")
        return explicit
    target = target.resolve()
    candidates = [p / SUITES_DIR for p in (target, *target.parents)]
    candidates += [Path.cwd() / SUITES_DIR, Path(__file__).resolve().parents[3] / SUITES_DIR]
    for candidate in candidates:
        if (candidate / "plans.json").is_file():
            return candidate
    from yigai import assets  # fallback: the suites shipped with the code (an installed wheel's bundle)

    shipped = assets.bundled_suites()
    if shipped is not None:
        return shipped
    raise UsageError("no validation/ folder of expectation suites found", file=str(target),
                     hint="run from the repository root or pass --suites DIR")


def validate_package(root: Path, suites_dir: Path, data_docs: Path | None = None, update_counts: str | None = None,
                     complete: bool = True) -> tuple[list[Problem], list[str], list[str]]:
    """Validate the package in `root`; returns (problems, checks run, changes made to the golden counts)."""
    layout, problems = csvcheck.read_layout(root)
    checked = ["files"]
    changed: list[str] = []
    if layout is None:
        return problems, checked, changed
    problems += csvcheck.check(layout)
    problems += structural.check(root / "datapackage.json", layout.descriptor, skip=layout.broken)
    checked.append("frictionless")
    from yigai.validate import suites  # imported late: it loads Great Expectations

    loaded, _texts = frames.load(layout)
    suite_files, suite_problems = suites.load(suites_dir)
    problems += suite_problems
    problems += suites.run(loaded, suite_files, suites_dir, docs_dir=data_docs)
    checked.append("suites")
    if update_counts:
        changed = counts.update(loaded, suites_dir / counts.FILE, update_counts, complete=complete)
    problems += counts.check(loaded, suites_dir / counts.FILE, complete=complete)
    checked.append("golden-counts")
    return problems, checked, changed


def run(path: Path, suites_dir: Path | None = None, fix: bool = False, data_docs: Path | None = None,
        update_counts: str | None = None) -> Report:
    """Validate a package or a sources folder and return the report of every problem.

    Args:
        path: a package folder (or its datapackage.json), sources/, or sources/<plan_id>/.
        suites_dir: the folder of expectation suites and golden counts (found automatically when None).
        fix: first apply the safe mechanical fixes (see yigai.validate.fix) and list them in the report.
        data_docs: also render the suites' results as Great Expectations Data Docs into this folder.
        update_counts: record the package's row counts in golden_counts.json with this reason first.

    Raises:
        UsageError: when the path is not something that can be validated.
    """
    from yigai.validate import contributions, fix as fixes

    path = Path(path)
    kind = kind_of(path)
    directory = path.parent if path.is_file() else path
    suites_dir = find_suites_dir(directory, suites_dir)
    report = Report(target=str(path))
    if fix:
        report.fixed += fixes.apply(directory, kind)
    if kind == PACKAGE:
        problems, checked, changed = validate_package(directory, suites_dir, data_docs, update_counts)
    else:
        problems, checked, changed = contributions.check(directory, kind == PLAN, suites_dir, data_docs,
                                                         update_counts)
    report.problems += problems
    report.checked += checked
    report.fixed += changed
    return report
