"""The built documentation site as a reader sees it, in headless Chromium (a fresh profile, no network but loopback).

Asserts that Chinese renders with a real font (the browser's own checks: document.fonts and the platform fonts
Chromium used per node), that each plan page lists every target and task of its plan, that the charts are there,
that Chinese and English searches find pages, that wide tables scroll, and that the Data Docs load nothing remote.
Screenshots are kept under build/test-artifacts/site/.
"""

from __future__ import annotations

import csv
import functools
import html
import http.server
import re
import shutil
import subprocess
import tempfile
import threading
import unicodedata
from pathlib import Path

import pytest

from yigai import metadata
from yigai import site as docs
from yigai.site import datadocs, fonts
from yigai.site.model import local_id

from .conftest import REPO, require_tool

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = REPO / "build" / "test-artifacts" / "site"
PAGES = {"home": "index.html", "plan": None, "targets": "targets.html", "dictionary": "data-dictionary.html"}
CJK_FAMILIES = {name.strip('"') for name in fonts.SYSTEM_CJK_FONTS} | {fonts.FAMILY}
# A system font that fontconfig substitutes for one of the stack's names (on a machine that has CJK fonts).
CJK_FAMILY_NAME = re.compile(r"CJK|Han|Hei|Song|Ming|Kai|YaHei|PingFang|Hiragino|WenQuanYi|Fallback|\bSC\b|\bTC\b",
                             re.IGNORECASE)
WAIT_MS = 20_000


def is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF" and unicodedata.category(char).startswith("L")


def rows(package: Path, table: str) -> list[dict[str, str]]:
    with open(package / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def site(built_package, tmp_path_factory) -> Path:
    """The whole site (font subset from the npm registry, Data Docs) built from the session's package."""
    require_tool(["npm"], "npm")
    return docs.build_site(REPO, tmp_path_factory.mktemp("site") / "site", built_package, REPO / "sources")


@pytest.fixture(scope="module")
def server(site):
    """The site served on the loopback interface (the search index is fetched, which file:// does not allow)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium with a fresh, empty profile, through Playwright; every request off this machine fails."""
    executable = require_tool(["/usr/bin/chromium", "chromium", "chromium-browser"], "chromium")
    playwright_api = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, playwright_api.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            profile, executable_path=executable, args=CHROMIUM_FLAGS, headless=True,
            viewport={"width": 1280, "height": 900})
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
        yield context
        context.close()


def open_page(browser, url: str):
    page = browser.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def first_plan(package: Path) -> str:
    return rows(package, "plans")[0]["plan_id"]


def platform_fonts(page, selector: str) -> list[tuple[str, list[dict]]]:
    """For each element matching selector: its own text and the fonts Chromium drew that text with."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    found = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"][:20]:
        described = cdp.send("DOM.describeNode", {"nodeId": node, "depth": 1})["node"]
        text = "".join(child.get("nodeValue", "") for child in described.get("children", [])
                       if child.get("nodeType") == 3)
        found.append((text, cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]))
    cdp.detach()
    return found


def no_system_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    return not subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout.strip()


SELECTORS = {"home": ".md-header__topic .md-ellipsis, .md-typeset p",
             "plan": ".md-typeset h1, .yg-prose, .yg-tree li",
             "targets": ".yg-prose, .yg-chart text",
             "dictionary": ".md-typeset td, .md-typeset h1"}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_chinese_renders_with_a_real_font(name, browser, server, built_package):
    path = PAGES[name] or f"plans/{first_plan(built_package)}.html"
    page = open_page(browser, server + path)
    try:
        assert page.evaluate(f"document.fonts.check('16px \"{fonts.FAMILY}\"', '医改')")
        checked = 0
        for text, used in platform_fonts(page, SELECTORS[name]):
            cjk = sum(1 for c in text if is_cjk(c))
            if not cjk:
                continue
            checked += 1
            real = [f for f in used if f["familyName"] in CJK_FAMILIES or f["isCustomFont"]
                    or CJK_FAMILY_NAME.search(f["familyName"])]
            assert sum(f["glyphCount"] for f in real) >= cjk, (path, text[:40], used)
            if no_system_cjk_font():
                assert any(f["isCustomFont"] for f in used), (path, text[:40], used)
        assert checked, f"no Chinese text found on {path} under {SELECTORS[name]}"
        page.screenshot(path=str(SHOTS / f"{name}.png"))
    finally:
        page.close()


def test_the_site_has_every_page_and_no_remote_asset(site, built_package):
    for page in ("index", "download", "cite", "data-dictionary", "cli", "corrections", "changelog", "releases",
                 "contributing", "plans/index", "targets", "agencies", "charts", "validation", "data-docs/index"):
        assert (site / f"{page}.html").is_file(), page
    for plan in rows(built_package, "plans"):
        assert (site / "plans" / f"{plan['plan_id']}.html").is_file()
        assert (site / "texts" / f"{plan['plan_id']}.html").is_file()
    pages = [p for p in site.rglob("*.html") if "data-docs" not in p.parts]
    assert datadocs.remote_assets(site) == [] and pages


def test_the_bundled_font_covers_every_common_chinese_character_of_the_site(site):
    from fontTools.ttLib import TTFont

    css = (site / fonts.CSS_NAME).read_text(encoding="utf-8")
    font_file = site / "stylesheets" / re.search(r'url\("([^"]+)"\)', css).group(1)
    cmap = set(TTFont(str(font_file)).getBestCmap())
    used = fonts.site_characters(site)
    common = {c for c in used if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"}
    assert len(common) > 500
    missing = sorted(c for c in common if ord(c) not in cmap)
    assert not missing, missing
    assert len(cmap) < 3 * len(used), "the subset holds far more than the site uses"


def test_every_link_and_anchor_of_the_generated_pages_resolves(site):
    ids: dict[Path, set[str]] = {}
    broken = []
    for page in sorted(p for p in site.rglob("*.html") if "data-docs" not in p.parts and p.name != "404.html"):
        for target in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
            if re.match(r"^(?:[a-z]+:|//|#[a-z]+=)", target) or target.startswith("#__"):
                continue
            path, _, anchor = html.unescape(target).partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append((str(page.relative_to(site)), target))
                continue
            if anchor and file.suffix == ".html" and "=" not in anchor:
                if file not in ids:
                    ids[file] = set(re.findall(r'\bid="([^"]+)"', file.read_text(encoding="utf-8")))
                if anchor not in ids[file]:
                    broken.append((str(page.relative_to(site)), target))
    assert not broken, broken[:10]


def test_the_data_dictionary_shows_every_field_and_its_chinese_term(browser, server):
    page = open_page(browser, server + "data-dictionary.html")
    try:
        shown = set(page.eval_on_selector_all("table code", "codes => codes.map(c => c.textContent)"))
        text = page.inner_text("article")
    finally:
        page.close()
    missing = sorted(set(metadata.fields()) - shown)
    assert not missing, f"fields missing from the rendered data dictionary: {missing}"
    for spec in metadata.fields().values():
        assert spec["zh"] in text


def test_every_plan_page_lists_every_target_and_task(browser, server, built_package):
    targets, tasks = rows(built_package, "targets"), rows(built_package, "tasks")
    for plan in rows(built_package, "plans"):
        plan_id = plan["plan_id"]
        page = open_page(browser, server + f"plans/{plan_id}.html")
        try:
            shown_targets = page.eval_on_selector_all("table.yg-targets tbody tr[id]",
                                                      "rows => rows.map(r => [r.id, r.cells[1].textContent])")
            shown_tasks = page.eval_on_selector_all(".yg-tree li[id]", "items => items.map(i => i.id)")
            if plan_id == first_plan(built_package):
                page.screenshot(path=str(SHOTS / "plan-full.png"), full_page=True)
        finally:
            page.close()
        expected = [(t["target_id"].split(":", 1)[1], " ".join(t["indicator"].split()))
                    for t in targets if t["plan_id"] == plan_id]
        assert [(i, " ".join(text.split())) for i, text in shown_targets] == expected, plan_id
        expected_tasks = sorted("task-" + local_id(t["task_id"]) for t in tasks if t["plan_id"] == plan_id)
        assert sorted(shown_tasks) == expected_tasks, plan_id


@pytest.mark.parametrize("path, minimum", [("charts.html", 3), ("targets.html", 1), ("agencies.html", 1),
                                           ("plans/index.html", 1), ("PLAN", 1)])
def test_charts_are_drawn_with_chinese_labels(path, minimum, browser, server, built_package):
    path = f"plans/{first_plan(built_package)}.html" if path == "PLAN" else path
    page = open_page(browser, server + path)
    try:
        charts = page.eval_on_selector_all("svg.yg-chart", "svgs => svgs.map(s => [s.getBBox().width, "
                                           "s.querySelectorAll('rect, circle').length, s.textContent])")
    finally:
        page.close()
    assert len(charts) >= minimum, path
    for width, marks, text in charts:
        assert width > 100 and marks > 0, (path, width, marks)
        assert any(is_cjk(c) for c in text), path


@pytest.mark.parametrize("term", ["CHINESE", "corrections"])
def test_search_finds_chinese_and_english_words(term, browser, server, built_package):
    agency = rows(built_package, "agencies")[0]["agency_name"]
    term = agency[-3:] if term == "CHINESE" else term  # the end of a body's name: a word jieba cuts out of it
    page = open_page(browser, server + "index.html")
    try:
        page.fill("input.md-search__input", term, timeout=WAIT_MS)
        page.wait_for_selector(".md-search-result__item", timeout=WAIT_MS)
        results = page.eval_on_selector_all(".md-search-result__item",
                                            "items => items.map(i => i.textContent.replace(/\u200b/g, ''))")
        page.screenshot(path=str(SHOTS / f"search-{'zh' if any(is_cjk(c) for c in term) else 'en'}.png"))
    finally:
        page.close()
    assert results and any(term.lower() in r.lower() for r in results), (term, results[:3])
    if any(is_cjk(c) for c in term):
        assert any(agency in r for r in results), (term, results[:3])  # the agencies page, by the body's full name


def test_targets_filter_in_the_browser(browser, server, built_package):
    plan_id = first_plan(built_package)
    expected = sum(1 for t in rows(built_package, "targets") if t["plan_id"] == plan_id)
    page = open_page(browser, server + "targets.html")
    try:
        page.select_option(".yg-filters select[data-key=plan]", plan_id)
        visible = page.eval_on_selector_all("table.yg-filterable tbody tr", "rs => rs.filter(r => !r.hidden).length")
        page.screenshot(path=str(SHOTS / "targets-filtered.png"))
    finally:
        page.close()
    assert visible == expected


def test_wide_tables_scroll_and_the_page_does_not(browser, server):
    page = open_page(browser, server + "corrections.html")
    try:
        page.set_viewport_size({"width": 800, "height": 900})
        boxes = page.eval_on_selector_all(".yg-scroll", "bs => bs.map(b => [b.scrollWidth, b.clientWidth, "
                                          "getComputedStyle(b).overflowX])")
        page_overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(SHOTS / "corrections-narrow.png"))
    finally:
        page.close()
    assert boxes and all(overflow == "auto" for _, _, overflow in boxes)
    assert any(scroll > client for scroll, client, _ in boxes), "no table was wider than the page"
    assert page_overflow <= 0


def test_data_docs_load_nothing_remote_and_are_styled(site, browser):
    assert datadocs.remote_assets(site / "data-docs") == []
    failed = []
    page = browser.new_page()
    page.on("requestfailed", lambda request: failed.append(request.url))
    try:
        page.goto((site / "data-docs" / "index.html").as_uri(), wait_until="load")
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        jquery = page.evaluate("typeof window.jQuery")
        page.screenshot(path=str(SHOTS / "data-docs.png"))
    finally:
        page.close()
    assert not failed, failed
    assert jquery == "function"
    assert "apple-system" in font or "Segoe" in font, font  # Bootstrap's font stack: its stylesheet was applied
