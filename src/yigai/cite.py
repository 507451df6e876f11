"""Cite the dataset (by version) and the original plan documents, in BibTeX, APA and the Citation File Format.

The dataset citation is made from the package metadata (src/yigai/metadata/package.yml for the installed
version, or a package's datapackage.json and CITATION.cff). CITATION.cff and .zenodo.json in the repository are
generated from the same metadata, so they never disagree. The dataset's home — `repository`, `documentation` and
`doi` in package.yml — is set once there and carried into every citation; a value that is not set is left out,
never guessed. Every format carries the version and the release year.

A plan citation is made from the plan's row of the `plans` table: its signing bodies (issuer_names), title,
document number (doc_number) and date (issue_date), plus the URL the document was captured from when its
source.yml records one.

Formats: APA (text), BibTeX, CFF (YAML) and JSON (CSL-JSON, as read by Zotero, pandoc and citeproc).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import yaml

from yigai.errors import YigaiError

FORMATS = ("bibtex", "apa", "cff", "json")
HOME_KEYS = ("repository", "documentation", "doi")  # package.yml keys of the dataset's home
CFF_HEADER = ("# Generated from src/yigai/metadata/package.yml by `yigai release --bump` (see docs/releases.md);\n"
              "# do not edit by hand. Validate with: cffconvert --validate -i CITATION.cff\n")
UNKNOWN = "[unknown]"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _date(meta: dict[str, Any]) -> str | None:
    value = meta.get("date_released")
    return str(value) if value else None


def _authors(meta: dict[str, Any]) -> list[dict[str, str]]:
    """CFF authors from Data Package contributors: people by given/family name, organisations by title."""
    people = meta.get("contributors") or []
    creators = [c for c in people if "creator" in (c.get("roles") or [])] or list(people)
    authors = []
    for person in creators:
        if person.get("familyName"):
            entry = {"family-names": person["familyName"]}
            if person.get("givenName"):
                entry["given-names"] = person["givenName"]
            authors.append(entry)
        else:
            authors.append({"name": person.get("title") or "Yigai contributors"})
    return authors


def _author_names(meta: dict[str, Any]) -> list[str]:
    return [a.get("name") or f"{a['family-names']}, {a.get('given-names', '')}".strip(", ")
            for a in _authors(meta)]


def cff_data(meta: dict[str, Any]) -> dict[str, Any]:
    """The CITATION.cff document of a dataset version, as data."""
    data: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it by version as below.",
        "type": "dataset",
        "title": meta["title"],
        "abstract": " ".join(str(meta.get("description", "")).split()),
        "authors": _authors(meta),
        "version": str(meta["version"]),
    }
    if _date(meta):
        data["date-released"] = _date(meta)
    licences = meta.get("licenses") or []
    if licences:
        data["license"] = licences[0]["name"]
    home = {"doi": meta.get("doi"), "url": _landing(meta), "repository-code": meta.get("repository")}
    data.update({key: value for key, value in home.items() if value})
    if meta.get("keywords"):
        data["keywords"] = [str(k) for k in meta["keywords"]]
    return data


def cff_text(meta: dict[str, Any]) -> str:
    """The CITATION.cff file of a dataset version (YAML with a header comment)."""
    body = yaml.safe_dump(cff_data(meta), allow_unicode=True, sort_keys=False, width=110)
    return CFF_HEADER + body


def zenodo_text(meta: dict[str, Any]) -> str:
    """The .zenodo.json deposit metadata of a dataset version."""
    data: dict[str, Any] = {
        "upload_type": "dataset",
        "title": meta["title"],
        "description": " ".join(str(meta.get("description", "")).split()),
        "version": str(meta["version"]),
        "creators": [{"name": n} for n in _author_names(meta)],
        "keywords": [str(k) for k in meta.get("keywords", [])],
        "license": (meta.get("licenses") or [{"name": "CC-BY-4.0"}])[0]["name"].lower(),
        "access_right": "open",
        "language": "zho",
    }
    if _date(meta):
        data["publication_date"] = _date(meta)
    related = [{"identifier": meta[key], "relation": relation, "scheme": "url"}
               for key, relation in (("repository", "isSupplementedBy"), ("documentation", "isDocumentedBy"))
               if meta.get(key)]
    if related:
        data["related_identifiers"] = related
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _landing(meta: dict[str, Any]) -> str | None:
    """The page a citation points to: the documentation, else the repository (None while neither is set)."""
    return meta.get("documentation") or meta.get("url") or meta.get("repository") or None


def _link(meta: dict[str, Any]) -> str | None:
    """The link an APA citation ends with: the DOI when minted, else the landing page."""
    return f"https://doi.org/{meta['doi']}" if meta.get("doi") else _landing(meta)


def version_of(meta: dict[str, Any]) -> str:
    """The dataset version of package metadata, as text."""
    return str(meta["version"])


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", str(text))


def _bibtex(kind: str, key: str, fields: list[tuple[str, str | None]]) -> str:
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines + ["}"]) + "\n"


def dataset_citation(meta: dict[str, Any], fmt: str = "apa") -> str:
    """Cite a dataset version.

    Args:
        meta: package metadata (name, title, version, contributors, licenses, date_released, and the home keys
            repository, documentation, doi when set).
        fmt: bibtex, apa, cff or json (CSL-JSON).
    """
    _check_format(fmt)
    if fmt == "cff":
        return cff_text(meta)
    version, date = version_of(meta), _date(meta)
    year = date[:4] if date else None
    if fmt == "json":
        item: dict[str, Any] = {"id": f"{meta.get('name', 'yigai')}-{version}", "type": "dataset",
                                "title": meta["title"], "author": [{"literal": n} for n in _author_names(meta)],
                                "version": version, "genre": "Data set", "medium": "Frictionless data package"}
        if date:
            item["issued"] = {"date-parts": [[int(part) for part in date.split("-")]]}
        if meta.get("doi"):
            item["DOI"] = meta["doi"]
        if _landing(meta):
            item["URL"] = _landing(meta)
        return json.dumps([item], ensure_ascii=False, indent=2) + "\n"
    if fmt == "bibtex":
        key = f"{meta.get('name', 'yigai')}_{version.replace('.', '_')}"
        authors = " and ".join("{" + _bibtex_escape(n) + "}" for n in _author_names(meta))
        return _bibtex("misc", key, [
            ("author", authors), ("title", "{" + _bibtex_escape(meta["title"]) + "}"), ("year", year),
            ("version", version), ("doi", meta.get("doi")), ("url", _landing(meta)),
            ("note", f"Dataset, version {version}" + (f", released {date}" if date else "")
             + ". Licence: " + (meta.get("licenses") or [{"name": "see the package"}])[0]["name"]),
        ])
    authors = ", ".join(_author_names(meta))
    text = f"{authors}. ({year or 'n.d.'}). *{meta['title']}* (Version {version}) [Data set]."
    return text + (f" {_link(meta)}" if _link(meta) else "") + "\n"


def plan_citation(plan: dict[str, Any], fmt: str = "apa", dataset_version: str | None = None,
                  url: str | None = None) -> str:
    """Cite the original document of one plan from its row of the `plans` table.

    Args:
        plan: the plan row (plan_id, title, doc_number, issue_date, issuer_names, jurisdiction).
        fmt: bibtex, apa, cff (a CFF reference entry, to paste under `references:`) or json (CSL-JSON).
        dataset_version: the dataset version the row comes from, mentioned in the note.
        url: where the document was captured from (source.yml's raw.url), when known.
    """
    _check_format(fmt)
    issuers = [n for n in (plan.get("issuer_names") or "").split("；") if n and n != UNKNOWN]
    date = plan.get("issue_date") or None
    year = date[:4] if date else None
    number = plan.get("doc_number") or None
    source = f"Text in the Yigai dataset{' version ' + dataset_version if dataset_version else ''}, " \
             f"texts/{plan['plan_id']}.txt."
    if fmt == "json":
        item: dict[str, Any] = {"id": plan["plan_id"], "type": "document", "genre": "Government document",
                                "title": plan["title"], "author": [{"literal": n} for n in issuers],
                                "language": "zh", "note": source}
        if number:
            item["number"] = number
        if date:
            item["issued"] = {"date-parts": [[int(part) for part in date.split("-")]]}
        if url:
            item["URL"] = url
        return json.dumps([item], ensure_ascii=False, indent=2) + "\n"
    if fmt == "cff":
        entry: dict[str, Any] = {"type": "government-document", "title": plan["title"],
                                 "authors": [{"name": n} for n in issuers] or [{"name": UNKNOWN}]}
        if number:
            entry["number"] = number
        if date:
            entry["date-published"] = date
            entry["year"] = int(year)
        if url:
            entry["url"] = url
        entry["languages"] = ["zh"]
        entry["notes"] = f"Implementation plan of {plan.get('jurisdiction')}. {source}"
        return yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, width=110)
    if fmt == "bibtex":
        return _bibtex("misc", plan["plan_id"].replace("-", "_"), [
            ("author", " and ".join("{" + _bibtex_escape(n) + "}" for n in issuers)),
            ("title", "{" + _bibtex_escape(plan["title"]) + "}"), ("number", number), ("year", year),
            ("date", date), ("url", url), ("language", "chinese"),
            ("note", f"Government document{', ' + _bibtex_escape(number) if number else ''}. "
                     + _bibtex_escape(source)),
        ])
    when = "n.d."
    if date:
        when = f"{year}, {_MONTHS[int(date[5:7]) - 1]} {int(date[8:10])}"
    who = ", ".join(issuers) or UNKNOWN
    number_text = f" ({number})" if number else ""
    return f"{who}. ({when}). *{plan['title']}*{number_text} [Government document]. {url or source}" + \
        (f" {source}" if url else "") + "\n"


def source_url(sources_dir: Path, plan_id: str) -> str | None:
    """The URL a plan's document was captured from, from sources/<plan_id>/source.yml (None when unknown)."""
    path = Path(sources_dir) / plan_id / "source.yml"
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return None
    url = (data.get("raw") or {}).get("url") if isinstance(data, dict) and isinstance(data.get("raw"), dict) else None
    return str(url) if url and re.match(r"^https?://\S+$", str(url)) else None


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise YigaiError(f"unknown citation format {fmt!r}", field="format", hint=f"use one of {', '.join(FORMATS)}")


def package_meta(folder: Path) -> dict[str, Any]:
    """Dataset metadata of a package folder: its datapackage.json, and the release date from its CITATION.cff.

    A folder without CITATION.cff (a build, not a release) takes the release date of package.yml when it is of the
    same version.
    """
    from yigai import metadata
    from yigai.loading import read_descriptor

    meta = dict(read_descriptor(folder))
    cff = folder / "CITATION.cff"
    if not cff.is_file() and str(meta.get("version")) == str(metadata.package()["version"]):
        meta["date_released"] = metadata.package().get("date_released")
        meta.update({key: metadata.package()[key] for key in HOME_KEYS if metadata.package().get(key)})
    if cff.is_file():
        data = yaml.safe_load(cff.read_text(encoding="utf-8")) or {}
        released = data.get("date-released")
        meta["date_released"] = str(released) if released else None
        for key, cff_key in (("doi", "doi"), ("documentation", "url"), ("repository", "repository-code")):
            if data.get(cff_key):
                meta[key] = data[cff_key]
    return meta


def find_plan(folder: Path, plan_id: str) -> dict[str, str]:
    """Return the row of `plans` for plan_id from a package folder (empty cells as None).

    Raises:
        YigaiError: when the package has no such plan, listing the plans it has.
    """
    path = folder / "data" / "plans.csv"
    if not path.is_file():
        raise YigaiError("the package has no plans table", file=str(path))
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["plan_id"] == plan_id:
            return {k: (v or None) for k, v in row.items()}
    known = ", ".join(r["plan_id"] for r in rows)
    raise YigaiError(f"no plan {plan_id!r} in the package", file=str(path), field="plan_id",
                     hint=f"known plans: {known}")
