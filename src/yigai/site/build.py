"""Build the documentation site: generate the pages from the package, run MkDocs, bundle the font and Data Docs.

The build works in a staging folder next to the output and replaces the output only when every step succeeded:
1. copy docs/ and add the generated pages (plans, texts, targets, agencies, charts, corrections, changelog);
2. build with MkDocs Material (strict: a broken link or missing page fails the build), searching Chinese too;
3. subset the CJK font to the characters of the built pages and write it with its stylesheet;
4. render the Great Expectations Data Docs into data-docs/ with their assets local.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from yigai.errors import YigaiError
from yigai.site import catalog, datadocs, fonts, plans, search
from yigai.site.model import Site, load
from yigai.site.reference import generated_pages

DATA_DOCS_DIR = "data-docs"


def site_pages(root: Path, site: Site) -> dict[str, str]:
    """Every page generated for the site (path inside docs → Markdown)."""
    pages = generated_pages()
    pages["plans/index.md"] = plans.plans_index(site)
    for plan in site.plans:
        pages[plans.plan_page_path(plan["plan_id"])] = plans.plan_page(site, plan)
        pages[plans.text_page_path(plan["plan_id"])] = plans.text_page(site, plan)
    pages["targets.md"] = catalog.targets_page(site)
    pages["agencies.md"] = catalog.agencies_page(site)
    pages["charts.md"] = catalog.charts_page(site)
    pages["corrections.md"] = catalog.corrections_page(site)
    changelog = Path(root) / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else "# Changelog\n"
    pages["changelog.md"] = text.replace("](docs/", "](")
    if not (Path(root) / "docs" / "contributing.md").is_file():
        pages["contributing.md"] = ("# Contributing\n\nThe contribution guide is `docs/contributing.md` in the "
                                    "repository.\n")
    return pages


def _config(root: Path, docs_dir: Path, site_dir: Path, site: Site) -> dict[str, Any]:
    path = root / "mkdocs.yml"
    if not path.is_file():
        raise YigaiError("no mkdocs.yml", file=str(path), hint="run `yigai docs` from the repository root")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["docs_dir"], config["site_dir"] = str(docs_dir), str(site_dir)
    config["use_directory_urls"] = False  # the generated pages link to page.html files
    nav = []
    for entry in config.get("nav", []):
        if isinstance(entry, dict) and list(entry.values()) == ["plans/index.md"]:
            title = next(iter(entry))
            entry = {title: ["plans/index.md"] + [{p["plan_id"]: plans.plan_page_path(p["plan_id"])}
                                                  for p in site.plans]}
        nav.append(entry)
    config["nav"] = nav
    return search.configure(config)


def _mkdocs(config_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config_path)],
                          capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    if done.returncode != 0:
        raise YigaiError("the documentation site did not build:\n" + (done.stderr or done.stdout).strip()[-4000:],
                         file="mkdocs.yml")


def build_site(root: Path, out_dir: Path, package_dir: Path, sources_dir: Path, font: Path | None = None,
               data_docs: bool = True, cache_dir: Path | None = None, notes: list[str] | None = None) -> Path:
    """Build the documentation site into out_dir (replaced only when the build succeeds); return out_dir.

    Args:
        root: the repository (mkdocs.yml, docs/, CHANGELOG.md).
        out_dir: where the site goes.
        package_dir: the package the pages are generated from.
        sources_dir: the plans' sources (source.yml facts on the plan pages).
        font: a CJK font file to subset instead of Source Han Sans SC from the npm registry.
        data_docs: also render the Great Expectations Data Docs into data-docs/.
        cache_dir: where fetched packages are kept (default: YIGAI_CACHE or build/cache).
        notes: a list to which what the reader of the build should know is appended (font size and coverage,
            Data Docs assets that could not be made local).

    Raises:
        YigaiError: when MkDocs reports an error or a warning, or an asset cannot be fetched.
    """
    root, out_dir = Path(root).resolve(), Path(out_dir).resolve()
    cache_dir = Path(cache_dir) if cache_dir else fonts.cache_dir_for(root)
    site = load(package_dir, sources_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out_dir.parent))
    try:
        docs_dir, built = staging / "docs", staging / "site"
        shutil.copytree(root / "docs", docs_dir)
        for name, text in site_pages(root, site).items():
            (docs_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (docs_dir / name).write_text(text, encoding="utf-8")
        config = _config(root, docs_dir, built, site)
        (staging / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                            encoding="utf-8")
        _mkdocs(staging / "mkdocs.yml")
        bundled = fonts.bundle(built, cache_dir, font)
        said = [f"font subset: {bundled['file']}, {bundled['characters']} characters, {bundled['bytes']} bytes"]
        if bundled["missing"]:
            said.append(f"the font lacks {len(bundled['missing'])} character(s) the site uses: "
                        + " ".join(f"U+{ord(c):04X}" for c in bundled["missing"][:20]))
        if data_docs:
            dropped = datadocs.build(package_dir, built / DATA_DOCS_DIR, cache_dir)
            said += [f"Data Docs: removed a remote asset that has no local copy: {url}" for url in dropped]
        if notes is not None:
            notes.extend(said)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(built, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir
