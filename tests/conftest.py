"""Shared fixtures: the repository paths and one build of the package per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
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
