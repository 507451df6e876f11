"""Chinese that renders on every reader's machine: a CJK font stack and a bundled web-font subset as last resort.

The stack names the CJK fonts readers already have (Windows, macOS and iOS, Linux, Android). Behind them stands a
web font made at build time: Source Han Sans SC (Adobe, SIL Open Font License; from the npm package
node-source-han-sans-sc, pinned by integrity), subset with fontTools to exactly the characters the built site
uses. Browsers download it only when no earlier font in the stack has a character, and its `unicode-range`
keeps it off everything it does not cover. The subset is deterministic: same characters, same font bytes.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
from pathlib import Path

from yigai.errors import YigaiError
from yigai.site import npm

FAMILY = "Yigai Sans SC"
FONT_PACKAGE = npm.NpmPackage(
    "node-source-han-sans-sc", "1.1.0-2.001R",
    "sha512-ICZda+imcAzqrV7OTD+f8yr59oTlHHp22yTyyhhiaivWbi0fvHXJOUxEyQ3l4JuzjksXYijY6busNrRky+GLFw==")
FONT_MEMBER = "SourceHanSansSC-Regular.otf"
FONT_LICENCE_MEMBER = "LICENSE"
CSS_NAME = "stylesheets/fonts.css"
FONT_DIR = "assets/fonts"
# The first character worth subsetting: ASCII is left to the reader's Latin fonts.
FIRST_CODEPOINT = 0x80
# Folders of the built site whose pages do not use the site's stylesheets (Great Expectations' Data Docs).
FOREIGN_FOLDERS = ("data-docs",)
# Folders of the site's own scripts, whose strings (placeholders, labels) are shown on the pages.
OWN_SCRIPTS = ("javascripts",)

# CJK fonts readers already have, by platform, before the bundled subset (named in the stylesheet).
SYSTEM_CJK_FONTS = (
    '"PingFang SC"', '"Hiragino Sans GB"', '"Heiti SC"',             # macOS, iOS
    '"Microsoft YaHei"', '"Microsoft YaHei UI"', '"DengXian"',        # Windows
    '"Noto Sans CJK SC"', '"Noto Sans SC"', '"Source Han Sans SC"',   # Linux, Android, ChromeOS
    '"Source Han Sans CN"', '"WenQuanYi Micro Hei"', '"Droid Sans Fallback"',
)
LATIN_TEXT_FONTS = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Helvetica, Arial'
LATIN_CODE_FONTS = 'SFMono-Regular, Consolas, Menlo, "DejaVu Sans Mono", "Liberation Mono"'


def source_font(cache_dir: Path, font: Path | None = None) -> Path:
    """The full CJK font to subset: `font` when given, otherwise Source Han Sans SC from the npm cache.

    Raises:
        YigaiError: when the given font is missing or the package cannot be fetched.
    """
    if font is not None:
        if not Path(font).is_file():
            raise YigaiError("no such font file", file=str(font), hint="pass an OpenType or TrueType CJK font")
        return Path(font)
    target = Path(cache_dir) / "fonts" / f"{FONT_PACKAGE.tarball_name[:-4]}-{FONT_MEMBER}"
    if not target.is_file():
        npm.extract_member(npm.fetch(FONT_PACKAGE, Path(cache_dir) / "npm"), FONT_MEMBER, target)
    return target


def font_licence(cache_dir: Path) -> bytes:
    """The licence text (SIL OFL 1.1) of the bundled font, shipped beside the subset."""
    return npm.read_member(npm.fetch(FONT_PACKAGE, Path(cache_dir) / "npm"), FONT_LICENCE_MEMBER)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def site_characters(site_dir: Path) -> set[str]:
    """Every non-ASCII character the built site can show: its pages' text and its search index."""
    chars: set[str] = set()
    for path in sorted(Path(site_dir).rglob("*")):
        relative = path.relative_to(site_dir).parts
        if not path.is_file() or relative[0] in FOREIGN_FOLDERS:
            continue
        if path.suffix in (".html", ".svg") or (path.suffix == ".js" and relative[0] in OWN_SCRIPTS):
            chars.update(html.unescape(path.read_text(encoding="utf-8", errors="replace")))
        elif path.name == "search_index.json":
            chars.update("".join(_strings(json.loads(path.read_text(encoding="utf-8")))))
    return {c for c in chars if ord(c) >= FIRST_CODEPOINT and c not in "\ufeff\u200b\ufffd"}


def unicode_range(codepoints: set[int]) -> str:
    """A CSS unicode-range descriptor listing the code points, as ranges where they run on."""
    runs: list[list[int]] = []
    for point in sorted(codepoints):
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def subset(font_path: Path, chars: set[str]) -> tuple[bytes, set[int]]:
    """The WOFF2 subset of a font to the characters it has among chars, and the code points it covers.

    Raises:
        YigaiError: when the file is not a font fontTools can read.
    """
    from fontTools import subset as subsetter

    options = subsetter.Options()
    options.flavor = "woff2"
    options.recalc_timestamp = False
    options.drop_tables += ["DSIG"]
    try:
        font = subsetter.load_font(str(font_path), options, dontLoadGlyphNames=True)
    except Exception as error:  # fontTools raises many kinds on a file that is not a font
        raise YigaiError(f"not a font fontTools can read ({error})", file=str(font_path)) from None
    covered = {ord(c) for c in chars} & set(font.getBestCmap())
    worker = subsetter.Subsetter(options)
    worker.populate(unicodes=sorted(covered))
    worker.subset(font)
    buffer = io.BytesIO()
    subsetter.save_font(font, buffer, options)
    return buffer.getvalue(), covered


def font_face_css(file_name: str, covered: set[int]) -> str:
    """The stylesheet declaring the bundled subset as the font family FAMILY."""
    return (f"/* Generated by `yigai docs`: {FAMILY} is Source Han Sans SC (SIL OFL 1.1, see "
            f"../{FONT_DIR}/LICENSE.txt), subset to the {len(covered)} characters this site uses. */\n"
            f"@font-face {{\n  font-family: \"{FAMILY}\";\n  font-style: normal;\n  font-weight: 100 900;\n"
            f"  font-display: swap;\n  src: url(\"../{FONT_DIR}/{file_name}\") format(\"woff2\");\n"
            f"  unicode-range: {unicode_range(covered)};\n}}\n" + stack_css())


def stack_css() -> str:
    """The theme's text and code font variables, with the CJK stack before the generic family."""
    return (f"body {{\n  --md-text-font-family: {LATIN_TEXT_FONTS}, {stack()}, sans-serif;\n"
            f"  --md-code-font-family: {LATIN_CODE_FONTS}, {stack()}, monospace;\n}}\n")


def bundle(site_dir: Path, cache_dir: Path, font: Path | None = None) -> dict[str, object]:
    """Subset the CJK font to the built site's characters and write it and its stylesheet into the site.

    Returns:
        what was written: the font file, the number of characters covered and the characters it lacks.
    """
    site_dir = Path(site_dir)
    chars = site_characters(site_dir)
    data, covered = subset(source_font(cache_dir, font), chars)
    name = f"yigai-sans-sc.{hashlib.sha256(data).hexdigest()[:12]}.woff2"
    folder = site_dir / FONT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    if font is None:
        (folder / "LICENSE.txt").write_bytes(font_licence(cache_dir))
    css = site_dir / CSS_NAME
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(font_face_css(name, covered), encoding="utf-8")
    missing = sorted(c for c in chars if ord(c) not in covered)
    return {"file": str((folder / name).relative_to(site_dir)), "characters": len(covered), "missing": missing,
            "bytes": len(data)}


def stack() -> str:
    """The CSS font-family list for CJK text: the readers' own fonts, then the bundled subset."""
    return ", ".join(SYSTEM_CJK_FONTS + (f'"{FAMILY}"',))


def cache_dir_for(root: Path) -> Path:
    """Where fetched packages and fonts are kept between builds (YIGAI_CACHE, or build/cache in the repo)."""
    return Path(os.environ.get("YIGAI_CACHE") or Path(root) / "build" / "cache")
