"""Shared fixtures: the repository paths and one build of the package per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# Property tests check what is found, never how fast: a first example that compiles patterns, or a busy CI machine,
# must not fail a test (Hypothesis's default is a 200 ms deadline per example).
settings.register_profile("yigai", deadline=None)
settings.load_profile("yigai")
SOURCES = REPO / "sources"


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def built_package(tmp_path_factory) -> Path:
    """A package built from the committed sources into a temporary folder (built once per session)."""
    from yigai import package

    out = tmp_path_factory.mktemp("built") / "datapackage"
    package.run(SOURCES, out)
    return out


def pytest_configure(config) -> None:
    """Register the marker of the checks that must hold for every plan under sources/ (run again, in a temporary
    copy of the repository, after `yigai add` adds an invented plan: tests/test_contributing.py)."""
    config.addinivalue_line("markers", "plans: a check that holds for every plan under sources/, whatever it is")
