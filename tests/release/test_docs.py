"""Documentation: generated pages up to date; the site's pages, charts, masking, font subset and offline Data Docs.

These tests work on the generated Markdown and on small made-up inputs; tests/release/test_site_browser.py opens
the built site in headless Chromium.
"""

from __future__ import annotations

import csv
import html
import io
import json
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from yigai import metadata
from yigai import site as docs
from yigai.site import datadocs, figures, fonts, model, npm

from .conftest import REPO


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
def package_site(built_package) -> model.Site:
    """The session's package as the pages see it."""
    return model.load(built_package, REPO / "sources")


@pytest.fixture(scope="module")
def pages(package_site) -> dict[str, str]:
    """Every generated page of the site (Markdown with raw HTML), without running MkDocs."""
    return docs.site_pages(REPO, package_site)


def test_every_plan_page_lists_every_target_task_and_lead(package_site, pages):
    for plan in package_site.plans:
        plan_id = plan["plan_id"]
        page = pages[f"plans/{plan_id}.md"]
        for target in package_site.plan_rows(plan_id, "targets"):
            anchor = model.local_id(target["target_id"])
            assert f'id="{anchor}"' in page and html.escape(target["indicator"]) in page, target["target_id"]
            assert f"texts/{plan_id}.html#{anchor}" in page, target["target_id"]
        for task in package_site.plan_rows(plan_id, "tasks"):
            assert f'id="task-{model.local_id(task["task_id"])}"' in page, task["task_id"]
            for lead in package_site.leads(task["task_id"]):
                assert html.escape(package_site.agency_name(lead["agency_id"])) in page, task["task_id"]
        assert html.escape(plan["source_sha256"]) in page
        assert f"{len(package_site.plan_rows(plan_id, 'corrections'))} corrections" in page


def test_text_pages_show_the_whole_text_with_an_anchor_per_span(package_site, pages):
    import re

    for plan in package_site.plans:
        plan_id = plan["plan_id"]
        page = pages[f"texts/{plan_id}.md"]
        body = page[page.index('<div class="yg-text"'):page.rindex("</div>")]
        shown = html.unescape(re.sub(r"<[^>]+>", "", body))
        assert shown == package_site.texts[plan_id], plan_id
        for target in package_site.plan_rows(plan_id, "targets"):
            anchor = model.local_id(target["target_id"])
            assert f'id="{anchor}"' in page, target["target_id"]
            assert re.search(rf'<mark title="(?:[^"]* )?{anchor}[ "]', page), target["target_id"]


def test_spam_is_never_shown_only_its_length(package_site, pages):
    spam = [r for r in package_site.rows("corrections") if r["kind"] == model.SPAM_KIND]
    assert spam, "the package has no spam rows to mask"
    for row in spam:
        for name, text in pages.items():
            assert row["original"] not in text, (name, row["change_id"])
        assert model.masked(row["original"]) in pages["corrections.md"]
    assert "[spam masked: 4 characters]" == model.masked("足球彩票")


def test_new_columns_show_up_without_code_changes(package_site):
    tables = {name: [dict(r) for r in rows] for name, rows in package_site.tables.items()}
    columns = {name: list(cols) for name, cols in package_site.columns.items()}
    columns["agencies"].append("agency_name_en")
    tables["agencies"][0]["agency_name_en"] = "Bureau of Something"
    columns["targets"].append("indicator_code")
    tables["targets"][0]["indicator_code"] = "XYZ-CODE-1"
    wider = model.Site(tables, columns, package_site.version, package_site.sources, package_site.texts)
    assert "agency_name_en" in docs.site_pages(REPO, wider)["agencies.md"]
    assert "Bureau of Something" in docs.site_pages(REPO, wider)["agencies.md"]
    plan_id = tables["targets"][0]["plan_id"]
    assert "XYZ-CODE-1" in docs.site_pages(REPO, wider)[f"plans/{plan_id}.md"]
    assert "XYZ-CODE-1" in docs.site_pages(REPO, wider)["targets.md"]


def test_charts_are_deterministic_svg_with_chinese_labels(package_site):
    drawn = [figures.targets_by_year_and_domain(package_site), figures.tasks_by_domain_per_plan(package_site),
             figures.leads_by_function(package_site)]
    drawn += [figures.plan_timeline(package_site, p["plan_id"]) for p in package_site.plans]
    again = [figures.targets_by_year_and_domain(package_site), figures.tasks_by_domain_per_plan(package_site),
             figures.leads_by_function(package_site)]
    again += [figures.plan_timeline(package_site, p["plan_id"]) for p in package_site.plans]
    assert drawn == again
    for svg in drawn:
        root = ET.fromstring(svg)
        labels = "".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert any("\u4e00" <= c <= "\u9fff" for c in labels)
    timeline = ET.fromstring(figures.plan_timeline(package_site, package_site.plans[0]["plan_id"]))
    dots = [a for a in timeline.iter("{http://www.w3.org/2000/svg}a")]
    assert len(dots) == len(package_site.plan_rows(package_site.plans[0]["plan_id"], "targets"))


def test_code_labels_take_the_chinese_term_from_the_metadata():
    assert model.code_label("domain", "tiered-care") == "分级诊疗 tiered-care"
    assert model.code_label("domain", "") == "—"
    assert model.code_label("no_such_field", "x") == "x"


def test_unicode_range_joins_runs():
    assert fonts.unicode_range({0x4E00, 0x4E01, 0x4E02, 0x4E05}) == "U+4E00-4E02, U+4E05"


def tiny_font(path: Path) -> Path:
    """A TrueType font with three square glyphs (A, 医, 改), made with fontTools."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", "A", "uni533B", "uni6539"]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord("A"): "A", ord("医"): "uni533B", ord("改"): "uni6539"})
    glyphs = {}
    for size, name in enumerate(names):
        pen = TTGlyphPen(None)
        pen.moveTo((0, 0)), pen.lineTo((0, 500 + size)), pen.lineTo((500, 500)), pen.lineTo((500, 0))
        pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({n: (600, 0) for n in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Tiny", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))
    return path


def test_font_subset_is_deterministic_and_exact(tmp_path):
    font = tiny_font(tmp_path / "tiny.ttf")
    first, covered = fonts.subset(font, {"医", "é"})
    second, _ = fonts.subset(font, {"医", "é"})
    assert first == second and first[:4] == b"wOF2"
    assert covered == {ord("医")}
    assert "U+533B" in fonts.font_face_css("x.woff2", covered)


def test_the_site_font_covers_the_characters_of_the_built_pages(tmp_path):
    site_dir = tmp_path / "site"
    (site_dir / "javascripts").mkdir(parents=True)
    (site_dir / "index.html").write_text("<p>医改 &#25913; abc</p>", encoding="utf-8")
    (site_dir / "javascripts" / "x.js").write_text('box.placeholder = "筛选";', encoding="utf-8")
    (site_dir / "search").mkdir()
    (site_dir / "search" / "search_index.json").write_text(json.dumps({"docs": [{"text": "方案"}]}))
    assert fonts.site_characters(site_dir) == set("医改筛选方案")
    result = fonts.bundle(site_dir, tmp_path / "cache", tiny_font(tmp_path / "tiny.ttf"))
    assert result["characters"] == 2 and result["missing"] == sorted("方案筛选")
    css = (site_dir / fonts.CSS_NAME).read_text(encoding="utf-8")
    assert fonts.FAMILY in css and Path(result["file"]).name in css


@pytest.mark.parametrize("url, expected", [
    ("https://cdn.jsdelivr.net/npm/vega@5", ("vega", "5", "")),
    ("https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css",
     ("@forevolve/bootstrap-dark", "1.1.0", "dist/css/bootstrap-prefers-dark.css")),
    ("https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js",
     ("bootstrap-table", "1.19.1", "dist/bootstrap-table.min.js")),
    ("https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css",
     ("@fortawesome/fontawesome-free", "6.6.0", "css/all.min.css")),
    ("https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js",
     ("popper.js", "1.12.9", "dist/umd/popper.min.js")),
    ("https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css",
     ("bootstrap", "4.3.1", "dist/css/bootstrap.min.css")),
    ("https://code.jquery.com/jquery-3.7.1.min.js", ("jquery", "3.7.1", "dist/jquery.min.js")),
    ("https://example.org/tracker.js", None),
])
def test_cdn_urls_map_to_npm_package_files(url, expected):
    assert datadocs.npm_file(url) == expected


def fake_tarball(folder: Path, name: str, version: str, files: dict[str, bytes]) -> Path:
    path = folder / npm.NpmPackage(name, version).tarball_name
    with tarfile.open(path, "w:gz") as archive:
        for member, data in {"package.json": json.dumps({"name": name, "version": version,
                                                          "main": "main.js"}).encode(), **files}.items():
            info = tarfile.TarInfo(f"package/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_data_docs_are_made_offline(tmp_path):
    docs_dir = tmp_path / "data-docs"
    (docs_dir / "static" / "images").mkdir(parents=True)
    (docs_dir / "static" / "images" / "logo-long.png").write_bytes(b"png")
    (docs_dir / "validations").mkdir()
    page = docs_dir / "validations" / "page.html"
    page.write_text(
        '<link rel="stylesheet" href="https://unpkg.com/kit@1.0.0/css/kit.css" integrity="sha384-x" '
        'crossorigin="anonymous"/>\n<script src="https://cdn.jsdelivr.net/npm/kit@1.0.0"></script>\n'
        '<script src="https://example.org/tracker.js"></script>\n'
        '<img src="https://assets.example.org/logo-long.png?d=1&id=2">\n'
        '<a href="https://greatexpectations.io">a link stays</a>', encoding="utf-8")
    fetched = []

    def fetcher(package):
        fetched.append(package.spec)
        return fake_tarball(tmp_path, package.name, package.version, {
            "css/kit.css": b"@font-face{src:url(../fonts/kit.woff2?v=1)} .x{background:url(data:image/png;base64,AA)}",
            "fonts/kit.woff2": b"font", "main.js": b"var kit;"})

    dropped = datadocs.make_offline(docs_dir, fetcher)
    text = page.read_text(encoding="utf-8")
    assert dropped == ["https://example.org/tracker.js"]
    assert datadocs.remote_assets(docs_dir) == []
    assert 'href="../static/vendor/kit@1.0.0/css/kit.css"' in text and "integrity" not in text
    assert 'src="../static/vendor/kit@1.0.0/main.js"' in text
    assert 'src="../static/images/logo-long.png"' in text
    assert 'href="https://greatexpectations.io"' in text
    assert (docs_dir / "static/vendor/kit@1.0.0/fonts/kit.woff2").read_bytes() == b"font"
    assert fetched == ["kit@1.0.0"]


def test_a_tarball_that_does_not_match_its_pin_is_refused(tmp_path):
    from yigai.errors import YigaiError

    tarball = fake_tarball(tmp_path, "kit", "1.0.0", {})
    with pytest.raises(YigaiError, match="integrity"):
        npm.fetch(npm.NpmPackage("kit", "1.0.0", "sha512-AAAA"), tmp_path)
    assert not tarball.exists()
    ok = fake_tarball(tmp_path, "kit", "1.0.0", {})
    assert npm.fetch(npm.NpmPackage("kit", "1.0.0", npm.integrity_of(ok)), tmp_path) == ok
