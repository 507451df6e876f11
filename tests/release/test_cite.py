"""Citations: the dataset by version (BibTeX, APA, CFF validated by cffconvert) and the original plan documents."""

from __future__ import annotations

import csv
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from yigai import cite, metadata
from yigai.cli import main

from .conftest import REPO, require_tool

CFFCONVERT = [str(REPO / ".venv-tools" / "bin" / "cffconvert"), "cffconvert"]


def plans(folder):
    with open(folder / "data" / "plans.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def cff_valid(path) -> subprocess.CompletedProcess:
    tool = require_tool(CFFCONVERT, "cffconvert")
    return subprocess.run([tool, "--validate", "-i", str(path)], capture_output=True, text=True)


def test_citation_cff_is_valid_under_the_cff_schema():
    done = cff_valid(REPO / "CITATION.cff")
    assert done.returncode == 0, done.stdout + done.stderr
    data = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(data["version"]) == str(metadata.package()["version"])
    assert data["title"] == metadata.package()["title"]


def test_an_invalid_cff_is_rejected_by_the_validator(tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text("cff-version: 1.2.0\nmessage: x\ntitle: t\nauthors: nobody\n", encoding="utf-8")
    assert cff_valid(broken).returncode != 0


def test_a_released_version_and_its_plan_references_are_valid_cff(built_package, tmp_path):
    meta = dict(metadata.package(), version="1.2.0", date_released="2026-12-01")
    document = yaml.safe_load(cite.cff_text(meta))
    assert document["date-released"] == "2026-12-01"
    document["references"] = [yaml.safe_load(cite.plan_citation(row, "cff", "1.2.0")) for row in plans(built_package)]
    path = tmp_path / "CITATION.cff"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = cff_valid(path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_dataset_citation_formats():
    meta = dict(metadata.package(), date_released="2026-12-01")
    version = str(meta["version"])
    bibtex = cite.dataset_citation(meta, "bibtex")
    assert bibtex.startswith("@misc{") and f"version = {{{version}}}" in bibtex and "year = {2026}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")
    apa = cite.dataset_citation(meta, "apa")
    assert apa.startswith("Yigai contributors. (2026). *") and f"(Version {version}) [Data set]." in apa
    assert "(n.d.)" in cite.dataset_citation(dict(meta, date_released=None), "apa")
    assert yaml.safe_load(cite.dataset_citation(meta, "cff"))["version"] == version


@pytest.mark.parametrize("fmt", ["apa", "bibtex", "cff"])
def test_cite_command_for_the_installed_version(fmt):
    result = CliRunner().invoke(main, ["cite", "--format", fmt])
    assert result.exit_code == 0, result.output
    assert str(metadata.package()["version"]) in result.output


def test_cite_command_for_a_release_archive_uses_its_version(release_archive):
    result = CliRunner().invoke(main, ["cite", "--package", str(release_archive), "--format", "bibtex"])
    assert result.exit_code == 0, result.output
    assert f"version = {{{metadata.package()['version']}}}" in result.output


def test_every_plan_can_be_cited_with_issuer_title_number_and_date(built_package):
    for row in plans(built_package):
        plan = {k: (v or None) for k, v in row.items()}
        apa = cite.plan_citation(plan, "apa", "0.1.0")
        bibtex = cite.plan_citation(plan, "bibtex", "0.1.0")
        reference = yaml.safe_load(cite.plan_citation(plan, "cff", "0.1.0"))
        assert plan["title"] in apa and plan["title"] in bibtex and reference["title"] == plan["title"]
        if plan["doc_number"]:
            assert plan["doc_number"] in apa and reference["number"] == plan["doc_number"]
        if plan["issue_date"]:
            assert f"({plan['issue_date'][:4]}, " in apa and reference["date-published"] == plan["issue_date"]
        issuers = [n for n in (plan["issuer_names"] or "").split("；") if n and n != "[unknown]"]
        for name in issuers:
            assert name in apa and name in bibtex
        assert [a["name"] for a in reference["authors"]] == (issuers or ["[unknown]"])


def test_cite_plan_command(built_package):
    plan_id = plans(built_package)[0]["plan_id"]
    result = CliRunner().invoke(main, ["cite", "--plan", plan_id, "--package", str(built_package)])
    assert result.exit_code == 0, result.output
    assert "[Government document]" in result.output
    missing = CliRunner().invoke(main, ["cite", "--plan", "nowhere-2000-01", "--package", str(built_package)])
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    assert plan_id in missing.output
