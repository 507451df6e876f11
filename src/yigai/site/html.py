"""Small HTML builders for the generated pages: escaped text, scrolling tables, badges and links.

Generated pages are Markdown files whose data blocks are raw HTML, so that tables can scroll, rows can carry
anchors and filter values, and links can point at rows of other pages. MkDocs does not rewrite links inside raw
HTML, so links here name the built file (page.html#anchor); a test follows every one of them in the built site.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterable, Sequence
from typing import Any

from yigai.site.model import field_zh


def esc(value: Any) -> str:
    """Text escaped for HTML content or a quoted attribute (None is empty)."""
    return html.escape("" if value is None else str(value), quote=True)


def href(from_page: str, to_page: str, anchor: str = "") -> str:
    """The relative URL of a built page (docs path ending in .md) seen from another, with an optional anchor."""
    target = to_page[:-3] + ".html" if to_page.endswith(".md") else to_page
    start = posixpath.dirname(from_page) or "."
    url = "" if target == from_page[:-3] + ".html" else posixpath.relpath(target, start)
    return esc(url + (f"#{anchor}" if anchor else ""))


def link(url: str, text: Any, title: str = "") -> str:
    """An <a> element; url must already be escaped (see href)."""
    extra = f' title="{esc(title)}"' if title else ""
    return f'<a href="{url}"{extra}>{esc(text)}</a>'


def header(name: str) -> str:
    """A column header: the field name with its Chinese term under it."""
    zh = field_zh(name)
    return f"<code>{esc(name)}</code>" + (f'<br><span class="yg-zh">{esc(zh)}</span>' if zh else "")


def prose(content: str) -> str:
    """A table cell's long text (HTML already), kept readable when the table is wider than the page and scrolls."""
    return f'<div class="yg-prose">{content}</div>'


def badge(text: Any, kind: str) -> str:
    """A small label (deadline, domain, role) for use inside outlines and tables."""
    return f'<span class="yg-badge yg-badge--{esc(kind)}">{esc(text)}</span>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str] | tuple[dict[str, str], Sequence[str]]],
          css_class: str = "", caption: str = "") -> str:
    """A table wrapped in a horizontally scrolling box; headers and cells are HTML already.

    A row is its cells, or (attributes, cells) to give the <tr> an id or data-* attributes.
    """
    lines = [f'<div class="yg-scroll"><table class="yg-table {esc(css_class)}">']
    if caption:
        lines.append(f"<caption>{esc(caption)}</caption>")
    lines.append("<thead><tr>" + "".join(f"<th>{h}</th>" for h in headers) + "</tr></thead><tbody>")
    for row in rows:
        attrs, cells = row if isinstance(row, tuple) else ({}, row)
        attr_text = "".join(f' {k}="{esc(v)}"' for k, v in sorted(attrs.items()))
        lines.append(f"<tr{attr_text}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def facts(pairs: Iterable[tuple[str, str]]) -> str:
    """A two-column table of labelled facts; labels and values are HTML already."""
    return table(["", ""], [[label, value or "—"] for label, value in pairs], "yg-facts")


def block(*parts: str) -> str:
    """Raw HTML parts joined into one Markdown block (no blank line inside, blank lines around)."""
    body = "\n".join(p.strip("\n") for p in parts if p)
    return "\n" + "\n".join(line for line in body.splitlines() if line.strip()) + "\n"
