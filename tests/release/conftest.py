"""Fixtures for the release tests: one release archive per session, package copies to edit, external tools."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from yigai import release

REPO = Path(__file__).resolve().parents[2]
ENSURE_TOOLS = REPO / "scripts" / "ensure_test_tools.sh"


def _tool(candidates: list[str]) -> str | None:
    for candidate in candidates:
        found = shutil.which(candidate) if "/" not in candidate else (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    return None


def require_tool(candidates: list[str], what: str) -> str:
    """Path of an external tool, installed with scripts/ensure_test_tools.sh when missing."""
    found = _tool(candidates)
    if not found:
        subprocess.run(["bash", str(ENSURE_TOOLS)], check=False)
        found = _tool(candidates)
    if not found:
        pytest.fail(f"{what} is not installed and scripts/ensure_test_tools.sh could not install it "
                    "(it needs apt-get as root and access to the package registries)")
    return found


@pytest.fixture(scope="session")
def project() -> release.Project:
    """The repository as a release project (package.yml, CITATION.cff, licences, CHANGELOG.md)."""
    return release.Project(REPO)


@pytest.fixture(scope="session")
def release_archive(built_package, project, tmp_path_factory) -> Path:
    """The release archive of the session's build."""
    return release.archive(built_package, tmp_path_factory.mktemp("release"), project)


@pytest.fixture(scope="session")
def released_folder(release_archive, tmp_path_factory) -> Path:
    """The session's release archive, unpacked and verified."""
    from yigai import loading

    return loading.extract(release_archive, tmp_path_factory.mktemp("unpacked") / "yigai")


def rehash(folder: Path) -> None:
    """Rewrite the hash and size of every resource of a package folder after its files were edited."""
    path = folder / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        data = (folder / resource["path"]).read_bytes()
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        resource["bytes"] = len(data)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@pytest.fixture
def package_copy(built_package, tmp_path):
    """A function returning a fresh editable copy of the session's package."""
    def make(name: str = "copy") -> Path:
        target = tmp_path / name
        shutil.copytree(built_package, target)
        return target
    return make
