"""Semantic versions for the dataset: the bump must match the change, and every version record moves together."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import zipfile

import pytest
import yaml

from yigai import cite, diff, metadata, versioning
from yigai.errors import YigaiError
from yigai.release import Project

from .conftest import REPO, rehash
from .test_diff import drop_column


@pytest.mark.parametrize("level, expected", [("patch", "1.4.3"), ("minor", "1.5.0"), ("major", "2.0.0")])
def test_bump_version(level, expected):
    assert versioning.bump_version("1.4.2", level) == expected


def test_a_removed_column_is_not_a_patch(built_package, package_copy):
    smaller = package_copy()
    drop_column(smaller, "targets", "scope")
    changes = diff.run(built_package, smaller)
    with pytest.raises(YigaiError) as caught:
        versioning.check_bump("patch", changes)
    message = str(caught.value)
    assert "too small" in message and "targets.scope removed" in message and "major" in message
    with pytest.raises(YigaiError, match="at least a major"):
        versioning.check_bump("minor", changes)
    versioning.check_bump("major", changes)


def test_a_bump_needs_a_change(built_package):
    with pytest.raises(YigaiError, match="nothing changed"):
        versioning.check_bump("patch", diff.run(built_package, built_package))


def test_set_version_keeps_comments_and_layout():
    text = "# comment\nname: yigai\nversion: 0.1.0  \ndate_released: null\nkeywords: [a]\n"
    out = versioning.set_version(text, "0.2.0", dt.date(2026, 12, 1))
    assert out == "# comment\nname: yigai\nversion: 0.2.0\ndate_released: 2026-12-01\nkeywords: [a]\n"


def test_changelog_entry_takes_the_unreleased_notes():
    text = "# Changelog\n\nIntro.\n\n## Unreleased\n\n- hand note\n\n## 0.1.0 — 2026-01-01\n\nOld.\n"
    out = versioning.add_changelog_entry(text, "0.2.0", dt.date(2026, 2, 1), "Generated.\n")
    assert out == ("# Changelog\n\nIntro.\n\n## Unreleased\n\n## 0.2.0 — 2026-02-01\n\n- hand note\n\nGenerated.\n"
                   "\n## 0.1.0 — 2026-01-01\n\nOld.\n")


@pytest.fixture
def project_copy(tmp_path, monkeypatch):
    """The repository's release files in a temporary project, with the build reading its package.yml."""
    root = tmp_path / "project"
    for name in ("CITATION.cff", ".zenodo.json", "CHANGELOG.md", "LICENSE", "LICENSE-DATA.md",
                 "src/yigai/metadata/package.yml", "sources/agencies.yml", "sources/indicators.yml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "validation", root / "validation")
    project = Project(root)
    monkeypatch.setattr(metadata, "package", lambda: yaml.safe_load(project.package_yml.read_text(encoding="utf-8")))
    return project


def test_bump_refuses_too_small_and_then_bumps_every_record_together(project_copy, built_package, package_copy,
                                                                    tmp_path):
    project = project_copy
    baseline = package_copy("baseline")
    rows = list(csv.reader((baseline / "data" / "plans.csv").open(encoding="utf-8", newline="")))
    with (baseline / "data" / "plans.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows[:-1])
    rehash(baseline)
    before = {p: p.read_bytes() for p in (project.package_yml, project.citation, project.zenodo, project.changelog)}
    old_version = metadata.package()["version"]
    package_dir, out = tmp_path / "package", tmp_path / "release"
    from .conftest import REPO as repo

    with pytest.raises(YigaiError, match="at least a minor"):
        versioning.bump(project, repo / "sources", package_dir, out, "patch", dt.date(2026, 12, 1), str(baseline))
    assert {p: p.read_bytes() for p in before} == before

    done = versioning.bump(project, repo / "sources", package_dir, out, "minor", dt.date(2026, 12, 1), str(baseline))
    new_version = versioning.bump_version(old_version, "minor")
    assert (done.old_version, done.new_version) == (old_version, new_version)
    meta = yaml.safe_load(project.package_yml.read_text(encoding="utf-8"))
    assert meta["version"] == new_version and str(meta["date_released"]) == "2026-12-01"
    cff = yaml.safe_load(project.citation.read_text(encoding="utf-8"))
    assert cff["version"] == new_version and cff["date-released"] == "2026-12-01"
    assert json.loads(project.zenodo.read_text(encoding="utf-8"))["publication_date"] == "2026-12-01"
    changelog = project.changelog.read_text(encoding="utf-8")
    assert f"## {new_version} — 2026-12-01" in changelog and f"- added `{rows[-1][0]}`" in changelog
    assert json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))["version"] == new_version
    assert done.archive == out / f"{meta['name']}-{new_version}.zip"
    with zipfile.ZipFile(done.archive) as archive:
        inside = archive.read(f"{meta['name']}-{new_version}/CITATION.cff").decode("utf-8")
        assert {i.date_time for i in archive.infolist()} == {(2026, 12, 1, 0, 0, 0)}
    assert inside == project.citation.read_text(encoding="utf-8")


def test_the_release_date_defaults_to_the_last_commit_not_the_clock():
    expected = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%cs"], capture_output=True,
                              text=True).stdout.strip()
    if not expected:
        pytest.skip("not a git checkout")
    assert versioning.last_commit_date(REPO).isoformat() == expected


def test_citation_files_are_generated_from_package_yml():
    meta = metadata.package()
    assert (REPO / "CITATION.cff").read_text(encoding="utf-8") == cite.cff_text(meta), \
        "CITATION.cff differs from package.yml: regenerate it (yigai release --bump does)"
    assert (REPO / ".zenodo.json").read_text(encoding="utf-8") == cite.zenodo_text(meta)


def git(root, *args):
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)


def test_the_baseline_is_the_committed_package_at_the_last_version_change(project_copy, package_copy, tmp_path):
    project = project_copy
    root = project.root
    shutil.copytree(package_copy("released"), root / "datapackage")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "release")
    (root / "datapackage" / "README.md").write_text("changed after the release\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "later work")
    with versioning.baseline(project, tmp_path / "out") as (snapshot, label):
        assert snapshot is not None and "last release commit" in label
        assert snapshot.version == metadata.package()["version"]
    no_git = Project(tmp_path / "plain")
    with versioning.baseline(no_git, tmp_path / "out") as (snapshot, label):
        assert snapshot is None and "first release" in label


def test_new_entries_in_the_corrections_report_alone_are_a_patch(built_package, package_copy):
    fewer = package_copy()
    path = fewer / "data" / "corrections.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    rehash(fewer)
    assert diff.run(fewer, built_package).required_bump()[0] == "patch"


def test_without_a_previous_release_every_plan_is_new_so_at_least_minor():
    with pytest.raises(YigaiError, match="at least a minor"):
        versioning.check_bump("patch", None, plans=6)
    versioning.check_bump("minor", None, plans=6)
    versioning.check_bump("patch", None, plans=0)
