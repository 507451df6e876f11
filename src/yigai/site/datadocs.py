"""Great Expectations Data Docs that work offline: every stylesheet, script, font and image they load kept local.

Data Docs pages load Bootstrap, jQuery, Font Awesome, Vega and friends from CDNs (jsDelivr, unpkg, cdnjs,
BootstrapCDN, code.jquery.com) and a logo from a tracking URL. `make_offline` rewrites every such reference to a
copy inside the folder: CDN files are taken from the same npm package and version (fetched with `npm pack`, see
yigai.site.npm), the logo from the Data Docs' own static/images. A reference it cannot map is removed and
reported, so that no page ever reaches out to the network when it is opened.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from yigai.errors import YigaiError
from yigai.site import npm

VENDOR_DIR = "static/vendor"
# Version ranges in CDN URLs (cdn.jsdelivr.net/npm/vega@5) resolved to fixed releases, so builds are repeatable.
PINNED_RANGES = {("vega", "5"): "5.33.1", ("vega-lite", "5"): "5.23.0", ("vega-embed", "6"): "6.29.0"}
# cdnjs libraries: npm package and the folder of the package that cdnjs serves.
CDNJS = {"font-awesome": ("@fortawesome/fontawesome-free", ""), "popper.js": ("popper.js", "dist/"),
         "bootstrap-datepicker": ("bootstrap-datepicker", "dist/"), "jquery": ("jquery", "dist/"),
         "bootstrap": ("bootstrap", "dist/")}
ASSET_TAG = re.compile(r"<(script|link|img)\b[^>]*?>", re.IGNORECASE)
REMOTE_ATTR = re.compile(r"""\b(src|href)\s*=\s*(["'])(https?://[^"']+)\2""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")

Fetcher = Callable[[npm.NpmPackage], Path]


def npm_file(url: str) -> tuple[str, str, str] | None:
    """The npm package, version and file (None for the package's entry point) a CDN URL serves, if known."""
    parts = urlsplit(url)
    path = parts.path.lstrip("/")
    if parts.netloc in ("cdn.jsdelivr.net", "unpkg.com"):
        path = path.removeprefix("npm/") if parts.netloc == "cdn.jsdelivr.net" else path
        found = re.fullmatch(r"((?:@[^/@]+/)?[^/@]+)@([^/]+)(?:/(.*))?", path)
        return (found.group(1), found.group(2), found.group(3) or "") if found else None
    if parts.netloc == "cdnjs.cloudflare.com":
        found = re.fullmatch(r"ajax/libs/([^/]+)/([^/]+)/(.+)", path)
        if found and found.group(1) in CDNJS:
            package, folder = CDNJS[found.group(1)]
            return package, found.group(2), folder + found.group(3)
    if parts.netloc.endswith("bootstrapcdn.com"):
        found = re.fullmatch(r"bootstrap/([^/]+)/(.+)", path)
        return ("bootstrap", found.group(1), "dist/" + found.group(2)) if found else None
    if parts.netloc == "code.jquery.com":
        found = re.fullmatch(r"jquery-([0-9.]+)(\.min)?\.js", path)
        return ("jquery", found.group(1), f"dist/jquery{found.group(2) or ''}.js") if found else None
    return None


class Vendor:
    """Copies files of npm packages into a Data Docs folder, with the files their stylesheets refer to."""

    def __init__(self, folder: Path, fetcher: Fetcher) -> None:
        self.folder, self.fetcher = folder, fetcher
        self.tarballs: dict[tuple[str, str], Path] = {}

    def tarball(self, name: str, version: str) -> Path:
        """The tarball of a package version (a pinned range resolved first)."""
        version = PINNED_RANGES.get((name, version), version)
        if (name, version) not in self.tarballs:
            self.tarballs[(name, version)] = self.fetcher(npm.NpmPackage(name, version))
        return self.tarballs[(name, version)]

    def copy(self, name: str, version: str, member: str) -> Path:
        """Copy one file of a package (and, for a stylesheet, the local files it uses); return the copy."""
        tarball = self.tarball(name, version)
        member = member or npm.entry_point(tarball)
        exact = npm.version_of(tarball)
        target = self.folder / VENDOR_DIR / f"{name.lstrip('@').replace('/', '-')}@{exact}" / member
        if not target.is_file():
            npm.extract_member(tarball, member, target)
            if target.suffix == ".css":
                for reference in sorted(set(m.group(2) for m in CSS_URL.finditer(target.read_text("utf-8")))):
                    relative = reference.split("?")[0].split("#")[0]
                    if relative and not re.match(r"^(?:[a-z]+:|/|#)", relative):
                        self.copy(name, exact, posixpath.normpath(posixpath.join(posixpath.dirname(member),
                                                                                 relative)))
        return target


def _local_image(folder: Path, url: str) -> Path | None:
    name = posixpath.basename(urlsplit(url).path)
    found = sorted((folder / "static").rglob(name)) if name else []
    return found[0] if found else None


def make_offline(folder: Path, fetcher: Fetcher) -> list[str]:
    """Rewrite every Data Docs page in folder to load its assets from inside folder.

    Args:
        folder: a Data Docs site (index.html, static/, expectations/, validations/).
        fetcher: gives the tarball of an npm package (see yigai.site.npm.fetch).

    Returns:
        the remote URLs that could not be made local and were removed, sorted.
    """
    folder = Path(folder)
    vendor, dropped = Vendor(folder, fetcher), set()
    for page in sorted(folder.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="surrogateescape")

        def local(tag: re.Match) -> str:
            found = REMOTE_ATTR.search(tag.group(0))
            if not found or (tag.group(1).lower() == "link" and "stylesheet" not in tag.group(0).lower()):
                return tag.group(0)
            url = found.group(3)
            spec = npm_file(url)
            target = vendor.copy(*spec) if spec else _local_image(folder, url)
            if target is None:
                dropped.add(url)
                return "" if tag.group(1).lower() != "script" else "<script>"
            relative = os.path.relpath(target, page.parent).replace(os.sep, "/")
            rewritten = tag.group(0).replace(found.group(0), f'{found.group(1)}="{relative}"')
            return re.sub(r"""\s(?:integrity|crossorigin)(?:\s*=\s*(["'])[^"']*\1)?""", "", rewritten)

        changed = ASSET_TAG.sub(local, text)
        if changed != text:
            page.write_text(changed, encoding="utf-8", errors="surrogateescape")
    return sorted(dropped)


def remote_assets(folder: Path) -> list[str]:
    """The remote URLs still loaded (script, stylesheet, image) by any page of a Data Docs folder."""
    found = set()
    for page in sorted(Path(folder).rglob("*.html")):
        for tag in ASSET_TAG.finditer(page.read_text(encoding="utf-8", errors="surrogateescape")):
            is_style_link = tag.group(1).lower() != "link" or "stylesheet" in tag.group(0).lower()
            attr = REMOTE_ATTR.search(tag.group(0))
            if attr and is_style_link:
                found.add(attr.group(3))
    return sorted(found)


def build(package_dir: Path, out_dir: Path, cache_dir: Path) -> list[str]:
    """Validate a package, render its Data Docs into out_dir with their assets local; return the URLs removed.

    Raises:
        YigaiError: when validation renders no Data Docs.
    """
    from yigai import validate

    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="data-docs-") as scratch:
        rendered = Path(scratch) / "data-docs"
        validate.run(Path(package_dir), data_docs=rendered)
        if not (rendered / "index.html").is_file():
            raise YigaiError("validation rendered no Data Docs", file=str(package_dir))
        dropped = make_offline(rendered, lambda package: npm.fetch(package, Path(cache_dir) / "npm"))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(rendered, out_dir)
    return dropped
