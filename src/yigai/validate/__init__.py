"""Validate a data package: Frictionless structure first, then the expectation suites in validation/."""

from __future__ import annotations

from pathlib import Path

from yigai.errors import YigaiError
from yigai.validate import structural
from yigai.validate.report import Problem, Report

__all__ = ["Problem", "Report", "run"]


def descriptor_path(path: Path) -> Path:
    """Return the datapackage.json of a package folder (or the file itself).

    Raises:
        YigaiError: when there is no datapackage.json there.
    """
    path = Path(path)
    candidate = path / "datapackage.json" if path.is_dir() else path
    if not candidate.is_file():
        raise YigaiError("no datapackage.json found", file=str(path),
                         hint="pass a package folder (e.g. datapackage/) or its datapackage.json")
    return candidate


def run(path: Path) -> Report:
    """Validate the package at `path` and return the report of every problem."""
    descriptor = descriptor_path(path)
    report = Report(target=str(path))
    report.problems += structural.check(descriptor)
    report.checked.append("frictionless")
    return report
