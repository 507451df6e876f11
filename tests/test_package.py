"""Tests for the build: deterministic bytes, no drift from the committed package, atomic writes, valid output."""

from __future__ import annotations

import csv
import filecmp
import json
import shutil
from pathlib import Path

import pytest
from frictionless import Package

from yigai import metadata, package
from yigai.errors import YigaiError

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "sources"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(built_package, tmp_path):
    again = tmp_path / "again"
    package.run(SOURCES, again)
    assert tree(built_package) == tree(again)


@pytest.mark.plans
def test_committed_package_equals_a_fresh_build(built_package):
    committed = REPO / "datapackage"
    assert committed.is_dir(), "datapackage/ is missing: run `yigai build`"
    fresh, published = tree(built_package), tree(committed)
    assert sorted(fresh) == sorted(published), "files differ: run `yigai build` and commit datapackage/"
    changed = [name for name in fresh if fresh[name] != published[name]]
    assert not changed, f"datapackage/ differs from a fresh build in {changed}: run `yigai build` and commit it"


@pytest.mark.plans
def test_frictionless_validates_the_build(built_package):
    report = Package(str(built_package / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_descriptor_is_generated_from_metadata(built_package):
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"].endswith("/2.0/datapackage.json")
    assert descriptor["version"] == metadata.package()["version"]
    tables = [r for r in descriptor["resources"] if r.get("type") == "table"]
    assert [r["name"] for r in tables] == metadata.table_names()
    for resource in tables:
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert names == metadata.columns(resource["name"])
        for field in resource["schema"]["fields"]:
            assert field["description"] and field["title"], field["name"]
        with open(built_package / resource["path"], encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == names
    texts = [r for r in descriptor["resources"] if r["path"].startswith("texts/")]
    assert len(texts) == len(list(SOURCES.glob("*/raw.txt")))
    for resource in descriptor["resources"]:
        data = (built_package / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"].startswith("sha256:")


@pytest.mark.plans
def test_rows_are_sorted_by_primary_key(built_package):
    for table in ("plans", "plan_issuers", "citations", "agencies", "corrections"):
        with open(built_package / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        key = metadata.primary_key(table)
        idents = [tuple(int(r[k]) if k in ("position", "change_id") else r[k] for k in key) for r in rows]
        assert idents == sorted(idents), table


def test_failed_build_leaves_previous_package_untouched(built_package, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built_package, out)
    bad_sources = tmp_path / "sources"
    shutil.copytree(SOURCES, bad_sources)
    raw = next(p for p in sorted(bad_sources.iterdir()) if (p / "raw.txt").is_file()) / "raw.txt"
    raw.write_bytes(raw.read_bytes() + b"\n")
    with pytest.raises(YigaiError):
        package.run(bad_sources, out)
    assert not filecmp.dircmp(built_package, out).diff_files
    assert tree(out) == tree(built_package)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.plans
def test_published_texts_are_clean(built_package):
    import opencc

    converter = opencc.OpenCC("t2s")
    for path in sorted((built_package / "texts").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert converter.convert(text) == text, f"traditional characters in {path.name}"
        assert "\ufffd" not in text and "?" not in text, path.name
        for spam in ("彩票", "娱乐平台", "足彩", "视频", "午夜"):
            assert spam not in text, (spam, path.name)


def test_the_built_package_folder_is_not_private(tmp_path):
    """The package folder replaces the old one with the mode a plain mkdir gives (not mkdtemp's 0700)."""
    import os

    from yigai import package

    out = tmp_path / "datapackage"
    package.write({"README.md": b"x\n"}, out)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
