"""Citations: the dataset by version (BibTeX, APA, CFF validated by cffconvert) and the original plan documents."""

from __future__ import annotations

import csv
import json
import re
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


def year_and_version(text: str, fmt: str) -> tuple[str | None, str | None]:
    """The year and version a citation states, read the way a reference manager would."""
    if fmt == "json":
        item = json.loads(text)[0]
        return str(item["issued"]["date-parts"][0][0]) if "issued" in item else None, item.get("version")
    if fmt == "cff":
        data = yaml.safe_load(text)
        return (str(data["date-released"])[:4] if data.get("date-released") else None), str(data["version"])
    if fmt == "bibtex":
        year, version = re.search(r"year = \{(\d{4})\}", text), re.search(r"version = \{([^}]+)\}", text)
        return (year and year.group(1)), (version and version.group(1))
    year, version = re.search(r"\((\d{4})\)", text), re.search(r"\(Version ([^)]+)\)", text)
    return (year and year.group(1)), (version and version.group(1))


@pytest.mark.parametrize("fmt", ["apa", "bibtex", "cff", "json"])
def test_cite_command_for_the_installed_version_carries_year_and_version(fmt):
    result = CliRunner().invoke(main, ["cite", "--format", fmt])
    assert result.exit_code == 0, result.output
    meta = metadata.package()
    assert meta["date_released"], "the current version has a release date"
    assert year_and_version(result.output, fmt) == (str(meta["date_released"])[:4], str(meta["version"]))


@pytest.mark.parametrize("fmt", ["apa", "bibtex", "cff", "json"])
def test_cite_command_for_a_release_carries_its_year_and_version(release_archive, fmt):
    result = CliRunner().invoke(main, ["cite", "--package", str(release_archive), "--format", fmt])
    assert result.exit_code == 0, result.output
    meta = metadata.package()
    assert year_and_version(result.output, fmt) == (str(meta["date_released"])[:4], str(meta["version"]))


HOME = {"repository": "https://example.org/yigai", "documentation": "https://docs.example.org/yigai",
        "doi": "10.5281/zenodo.1234567"}


@pytest.mark.parametrize("fmt", ["apa", "bibtex", "cff", "json"])
def test_the_home_set_in_package_yml_flows_into_every_citation_and_unset_values_stay_out(fmt):
    meta = dict(metadata.package(), **HOME)
    text = cite.dataset_citation(meta, fmt)
    assert "10.5281/zenodo.1234567" in text and "https://docs.example.org/yigai" in text or fmt == "apa"
    if fmt == "apa":
        assert text.rstrip().endswith("https://doi.org/10.5281/zenodo.1234567")
    bare = cite.dataset_citation(dict(metadata.package(), repository=None, documentation=None, doi=None), fmt)
    assert "http" not in bare.replace("creativecommons.org", "") and "doi" not in bare.lower()
    zenodo = json.loads(cite.zenodo_text(meta))
    assert {r["identifier"] for r in zenodo["related_identifiers"]} == {HOME["repository"], HOME["documentation"]}
    assert "related_identifiers" not in json.loads(cite.zenodo_text(dict(metadata.package())))


def test_the_home_in_citation_cff_is_valid_cff(tmp_path):
    path = tmp_path / "CITATION.cff"
    path.write_text(cite.cff_text(dict(metadata.package(), **HOME)), encoding="utf-8")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["repository-code"] == HOME["repository"] and data["url"] == HOME["documentation"]
    done = cff_valid(path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_committed_citation_files_are_generated_from_package_yml():
    meta = dict(metadata.package())
    assert (REPO / "CITATION.cff").read_text(encoding="utf-8") == cite.cff_text(meta)
    assert (REPO / ".zenodo.json").read_text(encoding="utf-8") == cite.zenodo_text(meta)
    for key in cite.HOME_KEYS:
        assert key in meta, f"package.yml names the dataset's {key} (null while unset)"


def test_a_plan_citation_carries_its_source_url_when_source_yml_has_one(built_package, tmp_path):
    plan = plans(built_package)[0]
    folder = tmp_path / "sources" / plan["plan_id"]
    folder.mkdir(parents=True)
    url = "https://www.example.gov.cn/plan.html"
    (folder / "source.yml").write_text(yaml.safe_dump({"raw": {"url": url}}), encoding="utf-8")
    for fmt in ("apa", "bibtex", "cff", "json"):
        result = CliRunner().invoke(main, ["cite", "--plan", plan["plan_id"], "--package", str(built_package),
                                           "--sources", str(tmp_path / "sources"), "--format", fmt])
        assert result.exit_code == 0 and url in result.output, result.output
    (folder / "source.yml").write_text(yaml.safe_dump({"raw": {"url": None}}), encoding="utf-8")
    result = CliRunner().invoke(main, ["cite", "--plan", plan["plan_id"], "--package", str(built_package),
                                       "--sources", str(tmp_path / "sources"), "--format", "json"])
    assert "URL" not in json.loads(result.output)[0]


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
