"""Site search that finds Chinese words as well as English ones.

MkDocs Material's search plugin segments Chinese text with jieba when jieba is installed, joining the words with
zero-width spaces; the index's separator must then split on them too (and on Chinese punctuation). In the browser,
the search box splits a Chinese query into the words the index knows, so a query need not be typed with spaces.
Search matches the start of indexed words, so jieba's own dictionary is kept: it cuts a body's name into its
parts (杭州市 / 民政局), and a search for either part, or for the whole name, finds it.
"""

from __future__ import annotations

from typing import Any

# MkDocs Material's default separator, plus the zero-width space jieba's segmentation puts between Chinese words,
# and Chinese punctuation.
SEPARATOR = r'[\s\u200b\-_,:!=\[\]()"`/，。、；：！？（）《》“”]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])'
# Front matter for pages that are long texts: found by search, but ranked after the pages about the data.
LOW_RANK = "---\nsearch:\n  boost: 0.5\n---\n\n"


def configure(config: dict[str, Any]) -> dict[str, Any]:
    """Set the search plugin of an MkDocs config to index Chinese (segmented) and English words."""
    plugins = []
    for plugin in config.get("plugins") or ["search"]:
        name = plugin if isinstance(plugin, str) else next(iter(plugin))
        if name == "search":
            options = dict(plugin["search"] or {}) if isinstance(plugin, dict) else {}
            options.setdefault("lang", ["en"])
            options["separator"] = SEPARATOR
            plugin = {"search": options}
        plugins.append(plugin)
    config["plugins"] = plugins
    return config
