"""For researchers who never clone: the wheel installs light, carries what its commands need, and releases built
in two fresh environments from the lock file are byte-identical.

These tests create virtual environments under a temporary folder and install into them from the lock files
(requirements/*.lock, with hashes) through pip's cache, then the wheel of this checkout without dependencies.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from yigai import diff, metadata

from .conftest import REPO
from .test_diff import correct_one_value

BASE_LIMIT_MB = 200
RELEASE_INPUTS = ("sources", "validation", "src/yigai/metadata/package.yml", "CITATION.cff", "LICENSE",
                  "LICENSE-DATA.md", "CHANGELOG.md", "requirements/release.lock")


def du_mb(folder: Path) -> float:
    """Disk usage of a folder in MB (10^6 bytes), like `du -s`."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*")) / 1e6


def run(args: list, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "YIGAI_"))}
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, env=env)
    if check and done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout[-3000:]}\n"
                    f"{done.stderr[-3000:]}")
    return done


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel of this checkout (what `make dist` builds)."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir", out,
         REPO])
    return next(out.glob("yigai-*.whl"))


def fresh_env(where: Path, lock: str, wheel: Path, compile_bytecode: bool = True) -> Path:
    """A new venv with the lock file's exact versions (hashes checked), then the wheel without dependencies.

    Without `compile_bytecode`, pip skips writing .pyc files (Python writes those it needs on import): faster, but
    the venv is then smaller than a normal install.
    """
    run([sys.executable, "-m", "venv", where])
    python = where / "bin" / "python"
    speed = [] if compile_bytecode else ["--no-compile"]
    run([python, "-m", "pip", "install", "--quiet", *speed, "--require-hashes", "-r", REPO / "requirements" / lock])
    run([python, "-m", "pip", "install", "--quiet", *speed, "--no-deps", wheel])
    return where / "bin"


@pytest.fixture(scope="session")
def release_envs(wheel, tmp_path_factory) -> list[Path]:
    """Two fresh environments made from requirements/release.lock (created side by side)."""
    root = tmp_path_factory.mktemp("envs")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda n: fresh_env(root / f"env{n}", "release.lock", wheel, compile_bytecode=False),
                             (1, 2)))


def test_the_wheel_carries_the_suites_and_the_registry(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for path in sorted((REPO / "validation").glob("*.json")):
            inner = f"yigai/_bundled/validation/{path.name}"
            assert inner in names and archive.read(inner) == path.read_bytes()
        assert archive.read("yigai/_bundled/sources/agencies.yml") == (REPO / "sources/agencies.yml").read_bytes()
        assert "yigai/metadata/package.yml" in names


def test_the_lock_files_agree_and_pin_every_requirement():
    pins = {}
    for lock in ("dev.lock", "release.lock", "base.lock"):
        text = (REPO / "requirements" / lock).read_text(encoding="utf-8")
        lines = [line.split(" ;")[0].rstrip(" \\") for line in text.splitlines() if "==" in line and line[0] != " "]
        assert lines and all("--hash" not in line for line in lines)
        assert text.count("--hash=sha256:") >= len(lines), f"{lock}: every pin has hashes"
        pins[lock] = set(lines)
    assert pins["release.lock"] <= pins["dev.lock"] and pins["base.lock"] <= pins["release.lock"]


def test_the_base_wheel_installs_light_and_loads_a_release(wheel, release_archive, package_copy, tmp_path):
    empty = tmp_path / "empty"
    run([sys.executable, "-m", "venv", empty])
    bin_dir = fresh_env(tmp_path / "base", "base.lock", wheel)
    added = du_mb(tmp_path / "base") - du_mb(empty)
    assert added < BASE_LIMIT_MB, f"the base install adds {added:.0f} MB"
    python = bin_dir / "python"
    code = ("import sys, yigai; light = 'pandas' not in sys.modules; tables = yigai.load(sys.argv[1]); "
            "print(light, ','.join(tables), sum(len(t) for t in tables.values()))")
    light, names, rows = run([python, "-c", code, release_archive], cwd=tmp_path).stdout.split()
    assert light == "True" and names.split(",") == metadata.table_names() and int(rows) > 0
    cited = run([bin_dir / "yigai", "cite", "--format", "json"], cwd=tmp_path).stdout
    assert metadata.package()["version"] in cited
    needs = run([bin_dir / "yigai", "validate", release_archive.parent], cwd=tmp_path, check=False)
    assert needs.returncode == 2 and "pip install 'yigai[validate]'" in needs.stderr, needs.stderr
    # `yigai diff` needs no extra: the same report as in the development environment, with no DuckDB installed
    corrected = package_copy("corrected")
    correct_one_value(corrected)
    assert run([python, "-c", "import importlib.util as u; print(u.find_spec('duckdb'))"]).stdout.strip() == "None"
    for output_format in ("json", "markdown"):
        compared = run([bin_dir / "yigai", "diff", release_archive, corrected, "--format", output_format], cwd=tmp_path)
        expected = diff.run(release_archive, corrected)
        assert compared.stdout == (expected.to_json() if output_format == "json" else expected.to_markdown())
    assert "| 0 | 0 | 1 |" in compared.stdout


def release_in(bin_dir: Path, where: Path) -> bytes:
    """Build and release the repository's sources in a copy of the release inputs; return the archive's bytes."""
    for name in RELEASE_INPUTS:
        source, target = REPO / name, where / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    run([bin_dir / "yigai", "release", "--out", "out"], cwd=where)
    return next((where / "out").glob("*.zip")).read_bytes()


def test_releases_built_in_two_fresh_environments_from_the_lock_are_byte_identical(release_envs, release_archive,
                                                                                   tmp_path):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda pair: release_in(pair[0], tmp_path / pair[1]),
                                 zip(release_envs, ("one", "two")))
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert first == release_archive.read_bytes(), "the development environment (dev.lock) releases the same bytes"
    with zipfile.ZipFile(tmp_path / "one" / "out" / f"{release_archive.name}") as archive:
        manifest = archive.read(f"{release_archive.stem}/manifest.json").decode("utf-8")
    assert '"pyarrow": "' in manifest and '"sqlite": "' in manifest and "written_by" in manifest


def test_validate_works_outside_the_repository_from_the_release_or_the_wheel(release_envs, release_archive,
                                                                           built_package, tmp_path):
    bin_dir = release_envs[0]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run([bin_dir / "yigai", "download", release_archive, "--dest", "unpacked"], cwd=elsewhere)
    done = run([bin_dir / "yigai", "validate", "unpacked"], cwd=elsewhere)
    assert "valid" in done.stdout and "invalid" not in done.stdout
    fork = elsewhere / "fork-datapackage"
    shutil.copytree(built_package, fork)
    done = run([bin_dir / "yigai", "validate", fork.name], cwd=elsewhere)
    assert "valid" in done.stdout and "invalid" not in done.stdout


def test_extract_outside_the_repository_uses_the_shipped_registry_and_says_so(release_envs, tmp_path):
    raw = next(p for p in sorted((REPO / "sources").iterdir()) if (p / "raw.txt").is_file()) / "raw.txt"
    done = run([release_envs[0] / "yigai", "extract", raw, "--table", "agencies"], cwd=tmp_path)
    assert "using the agency registry shipped with yigai" in done.stderr and "_bundled" in done.stderr
    assert '"agencies"' in done.stdout
