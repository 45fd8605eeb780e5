"""Make GX's Data Docs work with no network: its pages load jQuery, Bootstrap and bootstrap-table from CDNs
(the index is blank without them). The same files, vendored in `data_docs_vendor/` (see its README for
sources and licences), are copied beside the docs and every page is pointed at them."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "data_docs_vendor"
# The CDN address of each asset GX's page template loads → the vendored file (under data_docs_vendor/).
CDN_ASSETS = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap-4.3.1/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap-4.3.1/bootstrap.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js-1.12.9/popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table-1.19.1/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table-1.19.1/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table-1.19.1/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "bootstrap-dark-1.1.0/bootstrap-prefers-dark.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome-free-6.6.0/css/all.min.css",
}
# Scripts that draw no chart in these docs (no page calls vegaEmbed): dropped rather than fetched.
_UNUSED_SCRIPT_RE = re.compile(r'<script src="https://cdn\.jsdelivr\.net/npm/vega[^"]*">\s*</script>\s*')
# Subresource-integrity and CORS attributes make a browser refuse a file:// script; the files are ours now.
_SRI_RE = re.compile(r'\s+(?:integrity="[^"]*"|crossorigin="[^"]*")')
# GX's logo lives on its web server (an <img>, and a CSS background in dark mode): left out, offline.
_REMOTE_IMG_RE = re.compile(r'<img\s[^>]*src="https://great-expectations-web-assets[^"]*"[^>]*>')
_REMOTE_BACKGROUND_RE = re.compile(r"url\('https://great-expectations-web-assets[^']*'\)")


def make_offline(docs_dir: Path) -> int:
    """Copy the vendored assets to DOCS_DIR/static/vendor and rewrite every page's CDN links to them;
    returns how many pages were rewritten."""
    target = docs_dir / "static" / "vendor"
    shutil.copytree(VENDOR_DIR, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    rewritten = 0
    for page in docs_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        prefix = os.path.relpath(target, page.parent).replace(os.sep, "/")
        offline = html
        for url, local in CDN_ASSETS.items():
            offline = offline.replace(url, f"{prefix}/{local}")
        offline = _REMOTE_IMG_RE.sub("", _SRI_RE.sub("", _UNUSED_SCRIPT_RE.sub("", offline)))
        offline = _REMOTE_BACKGROUND_RE.sub("none", offline)
        if offline != html:
            page.write_text(offline, encoding="utf-8")
            rewritten += 1
    return rewritten
