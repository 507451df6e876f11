"""Charts drawn at build time from the package as small, deterministic SVG with Chinese labels as real text.

Why hand-written SVG and not a plotting library: the charts are stacked bars and a timeline, a few hundred lines of
geometry; written here they have no dependency, the same rows give the same bytes (no ids, dates or hashes), and
their labels stay text: selectable, searchable, read by screen readers, and drawn in the site's own font stack
(the bundled CJK subset included) because the SVG is inlined in the page. A library would either need a CJK font
at build time to measure and outline the labels or emit text whose layout it cannot know.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from yigai.site.html import esc

FONT_SIZE = 13
ROW_HEIGHT = 24
BAR_HEIGHT = 16
MARGIN = 12
LEGEND_ROW = 20
WIDTH = 760
SLOT = 34
# Colour-blind-safe categorical palette (Okabe–Ito, then Tableau's 10), used in key order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#332288",
           "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#9C755F", "#BAB0AC", "#76B7B2", "#EDC948")
NEUTRAL = "#9E9E9E"
STYLE = ("<style>.yg-chart text{font-family:var(--md-text-font-family,sans-serif);fill:currentColor}"
         ".yg-chart .yg-axis{stroke:currentColor;stroke-opacity:.35}"
         ".yg-chart .yg-muted{fill-opacity:.7}</style>")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The approximate drawn width of a label: wide (CJK) characters one em, others a bit over half an em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.62 for c in text)


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _svg(title: str, description: str, width: float, height: float, body: list[str]) -> str:
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="yg-chart" role="img" viewBox="0 0 {_fmt(width)} '
        f'{_fmt(height)}" width="{_fmt(width)}" height="{_fmt(height)}" font-size="{FONT_SIZE}">',
        f"<title>{esc(title)}</title>", f"<desc>{esc(description)}</desc>", STYLE, *body, "</svg>"])


@dataclass(frozen=True)
class Bar:
    """One bar of a stacked bar chart: its label, its count per key, and an optional link."""

    label: str
    counts: dict[str, int]
    href: str = ""


def colours(keys: Sequence[str]) -> dict[str, str]:
    """A colour per key, in key order ('' — unknown — is grey)."""
    found = [k for k in keys if k]
    palette = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(found)}
    return {**palette, "": NEUTRAL}


def _legend(keys: Sequence[tuple[str, str]], colour: dict[str, str], top: float,
            width: float) -> tuple[list[str], float]:
    body, x, y = [], MARGIN, top
    for key, label in keys:
        item = text_width(label) + 32
        if x + item > width - MARGIN and x > MARGIN:
            x, y = MARGIN, y + LEGEND_ROW
        body.append(f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="12" height="12" fill="{colour[key]}"/>'
                    f'<text x="{_fmt(x + 16)}" y="{_fmt(y + 11)}">{esc(label)}</text>')
        x += item
    return body, y + LEGEND_ROW


def stacked_bars(title: str, bars: Sequence[Bar], keys: Sequence[tuple[str, str]],
                 unit: tuple[str, str] = ("", "")) -> str:
    """Horizontal bars, one per row, each split into coloured segments by key, with a legend and totals.

    Args:
        title: what the chart shows (its SVG title, read by screen readers).
        bars: the rows, top to bottom.
        keys: the segment keys in stacking and legend order, with their labels.
        unit: what a count counts (singular, plural), said after each total.
    """
    colour = colours([k for k, _ in keys])
    label_width = max([text_width(b.label) for b in bars] + [40]) + 2 * MARGIN
    biggest = max([sum(b.counts.values()) for b in bars] + [1])
    total_width = text_width(f"{biggest} {unit[1]}") + MARGIN
    plot = max(WIDTH - label_width - total_width - MARGIN, 120)
    scale = plot / biggest
    label_of = dict(keys)
    body, y = [], MARGIN
    for bar in bars:
        label = f'<text x="{_fmt(label_width - MARGIN)}" y="{_fmt(y + 12)}" text-anchor="end">{esc(bar.label)}</text>'
        body.append(f'<a href="{esc(bar.href)}">{label}</a>' if bar.href else label)
        x = label_width
        for key, _ in keys:
            count = bar.counts.get(key, 0)
            if count:
                body.append(f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(count * scale)}" height="{BAR_HEIGHT}" '
                            f'fill="{colour[key]}"><title>{esc(bar.label)} · {esc(label_of[key])}: {count}'
                            "</title></rect>")
                x += count * scale
        total = sum(bar.counts.values())
        body.append(f'<text class="yg-muted" x="{_fmt(x + 4)}" y="{_fmt(y + 12)}">{total} '
                    f'{esc(unit[0] if total == 1 else unit[1])}</text>')
        y += ROW_HEIGHT
    body.append(f'<line class="yg-axis" x1="{_fmt(label_width)}" x2="{_fmt(label_width)}" y1="{MARGIN - 4}" '
                f'y2="{_fmt(y)}"/>')
    legend, y = _legend([k for k in keys if any(b.counts.get(k[0]) for b in bars)], colour, y + MARGIN, WIDTH)
    described = "; ".join(f"{b.label}: {sum(b.counts.values())}" for b in bars)
    return _svg(title, described, WIDTH, y + MARGIN, body + legend)


@dataclass(frozen=True)
class Point:
    """One item on a timeline: its date (ISO, or '' for none), its lane, its short label, tooltip and link."""

    date: str
    lane: str
    label: str
    tooltip: str
    href: str = ""


def _year_fraction(date: str) -> float:
    year, month, day = (int(p) for p in date.split("-"))
    return year + (month - 1) / 12 + (day - 1) / 365


def timeline(title: str, points: Sequence[Point], lanes: Sequence[tuple[str, str]], undated_label: str) -> str:
    """Items placed by date along a time axis, one lane per key, undated items in a column of their own.

    Args:
        title: what the chart shows.
        points: the items; several on the same day and lane are stacked side by side.
        lanes: the lane keys top to bottom with their labels (only lanes with items are drawn).
        undated_label: the heading of the column of items without a date.
    """
    used = [(key, label) for key, label in lanes if any(p.lane == key for p in points)]
    colour = colours([k for k, _ in lanes])
    label_width = max([text_width(label) for _, label in used] + [40]) + 2 * MARGIN
    dated = [p for p in points if p.date]
    years = sorted({int(p.date[:4]) for p in dated}) or [0]
    first, last = years[0], years[-1] + 1
    undated_width = 140 if any(not p.date for p in points) else 0
    plot = WIDTH - label_width - undated_width - 2 * MARGIN - (SLOT if undated_width else 0)
    scale = (plot - SLOT) / max(last - first, 1)  # room for the labels of points at the last year end
    body, top = [], MARGIN + 18
    if undated_width:
        body.append(f'<text class="yg-muted" x="{_fmt(WIDTH - undated_width)}" y="{MARGIN + 8}">'
                    f'{esc(undated_label)}</text>')
    y = top
    for key, label in used:
        per_row = max(1, int((undated_width or 1) // SLOT))
        placed, buckets = [], {}
        for point in (p for p in points if p.lane == key):
            if point.date:
                cx = label_width + (_year_fraction(point.date) - first) * scale
                bucket = int((cx - label_width) // SLOT)
            else:
                cx, bucket = 0.0, -1
            index = buckets.get(bucket, 0)
            buckets[bucket] = index + 1
            if not point.date:
                cx = WIDTH - undated_width + 6 + (index % per_row) * SLOT
            placed.append((point, cx, index if point.date else index // per_row))
        rows_needed = max([row + 1 for _, _, row in placed] + [1])
        lane_height = max(ROW_HEIGHT * 2, rows_needed * 14 + 16)
        body.append(f'<text x="{_fmt(label_width - MARGIN)}" y="{_fmt(y + 16)}" text-anchor="end">{esc(label)}</text>'
                    f'<line class="yg-axis" x1="{_fmt(label_width)}" x2="{_fmt(WIDTH - MARGIN)}" '
                    f'y1="{_fmt(y + lane_height)}" y2="{_fmt(y + lane_height)}"/>')
        for point, cx, row in placed:
            cy = y + 10 + row * 14
            mark = (f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="5" fill="{colour.get(key, NEUTRAL)}"/>'
                    f'<text x="{_fmt(cx + 7)}" y="{_fmt(cy + 4)}" font-size="10">{esc(point.label)}</text>'
                    f"<title>{esc(point.tooltip)}</title>")
            body.append(f'<a href="{esc(point.href)}">{mark}</a>' if point.href else f"<g>{mark}</g>")
        y += lane_height
    grid = [f'<line class="yg-axis" x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{top - 4}" y2="{_fmt(y)}"/>'
            f'<text class="yg-muted" x="{_fmt(x + 3)}" y="{MARGIN + 8}">{year}</text>'
            for year, x in ((year, label_width + (year - first) * scale) for year in range(first, last + 1))
            if dated]
    described = "; ".join(f"{p.label} {p.date or undated_label}" for p in points)
    return _svg(title, described, WIDTH, y + MARGIN, grid + body)


def figure(svg: str, caption: str) -> str:
    """An inline chart (so that it uses the page's fonts and links) with its caption."""
    return f'<figure class="yg-figure">\n{svg}\n<figcaption>{esc(caption)}</figcaption>\n</figure>'
