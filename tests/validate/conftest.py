"""Fixtures for the validation tests: copies of the built package to break, and suites with fresh golden counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from validate_helpers import REPO

from yigai import validate


@pytest.fixture(scope="session")
def suites_dir(built_package, tmp_path_factory) -> Path:
    """A copy of validation/ whose golden counts are those of this session's build.

    The committed counts are checked against the build in their own test; every other test must not fail just
    because extraction moved a count while it was being developed.
    """
    out = tmp_path_factory.mktemp("suites") / "validation"
    shutil.copytree(REPO / "validation", out)
    validate.run(built_package, suites_dir=out, update_counts="counts of this test session's build")
    return out


@pytest.fixture()
def package_copy(built_package, tmp_path) -> Path:
    """A private copy of the built package, to break."""
    out = tmp_path / "datapackage"
    shutil.copytree(built_package, out)
    return out
