"""The documentation site: generated reference pages, pages and charts from the package, fonts, search, Data Docs.

Modules: reference (the committed generated pages), model (the package as the pages see it), plans and catalog
(the pages), charts and figures (SVG charts), fonts (CJK font stack and subset), search (Chinese segmentation),
npm (assets from the npm registry), datadocs (offline Great Expectations Data Docs), build (the whole site).
"""

from yigai.site.build import build_site, site_pages
from yigai.site.reference import cli_reference, data_dictionary, generated_pages, stale_pages, write_generated

__all__ = ["build_site", "cli_reference", "data_dictionary", "generated_pages", "site_pages", "stale_pages",
           "write_generated"]
