"""Documentation: generated pages up to date, and the built site shows every field in a real (headless) browser."""

from __future__ import annotations

import html
import re
import subprocess
import tempfile

import pytest

from yigai import metadata
from yigai import site as docs

from .conftest import REPO, require_tool

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_generated_pages_are_up_to_date():
    stale = docs.stale_pages(REPO / "docs")
    assert not stale, f"{stale} differ from the metadata and commands: run `yigai docs --no-site` and commit them"


def test_data_dictionary_has_every_field_term_and_code():
    text = docs.data_dictionary()
    for name, spec in metadata.fields().items():
        assert f"`{name}`" in text and spec["zh"] in text, name
        for code in spec.get("enum_doc", {}):
            assert f"`{code}`" in text, (name, code)


@pytest.fixture(scope="module")
def site(built_package, tmp_path_factory):
    """The documentation site built from the session's package."""
    return docs.build_site(REPO, tmp_path_factory.mktemp("site") / "site", built_package, REPO / "sources")


def dump_dom(page) -> str:
    """The page's DOM after rendering, from headless Chromium with a fresh profile."""
    browser = require_tool(["chromium", "chromium-browser"], "chromium")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_site_has_every_page(site, built_package):
    for page in ("index", "download", "cite", "data-dictionary", "cli", "corrections", "changelog", "releases",
                 "contributing", "plans/index"):
        assert (site / f"{page}.html").is_file(), page
    import csv

    with open(built_package / "data" / "plans.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            page = (site / "plans" / f"{row['plan_id']}.html").read_text(encoding="utf-8")
            assert html.escape(row["source_sha256"]) in page


def test_the_data_dictionary_page_shows_every_field_in_a_browser(site):
    dom = dump_dom(site / "data-dictionary.html")
    assert "<table" in dom
    shown = set(re.findall(r"<code>([a-z_0-9]+)</code>", dom))
    missing = sorted(set(metadata.fields()) - shown)
    assert not missing, f"fields missing from the rendered data dictionary: {missing}"
    for spec in metadata.fields().values():
        assert spec["zh"] in dom
