"""What a page of the built site costs a reader: every file a browser fetches for it.

``page_files`` lists the files, read from the page and the style sheets it loads:
the HTML; its scripts, style sheets (and their ``@import``), icon and preloads; its
images (below-the-fold ones too, which load as the reader scrolls); every web font
declared by a loaded style sheet (the first ``src`` of each ``@font-face``, the one a
current browser picks); and on pages with equations the MathJax components their
configuration loads, the TeX font data and the MathJax fonts a page of equations may
need. ``page_weight`` adds them up both ways: as stored, and as sent by a static host
that gzip-compresses text (GitHub Pages does; images and web fonts are already
compressed and go as they are).

``scripts/bench.py`` and ``tests/test_page_budget.py`` use it.
"""

from __future__ import annotations

import gzip
import html as html_module
import json
import re
from functools import cache
from pathlib import Path

BUDGET_BYTES = 1_000_000  # the heaviest page, as transferred compressed
COMPRESSED_SUFFIXES = {".html", ".css", ".js", ".mjs", ".svg", ".json", ".txt", ".xml", ".map", ".ttf", ".ico"}

MATHJAX_DIR = "mathjax"
# MathJax's CommonHTML output loads a font file when a glyph of it is drawn; these are
# the ones plain equations use (roman and italic letters, bold, AMS symbols, the four
# sizes of large delimiters and the zero-width font).
MATHJAX_FONTS = tuple(
    f"output/chtml/fonts/woff-v2/MathJax_{name}.woff"
    for name in ("Main-Regular", "Main-Bold", "Main-Italic", "Math-Italic", "AMS-Regular",
                 "Size1-Regular", "Size2-Regular", "Size3-Regular", "Size4-Regular", "Zero")
)
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]([^'\"]+)['\"]")


def _local(reference: str, base: Path) -> Path | None:
    reference = reference.split("?")[0].split("#")[0]
    if not reference or "://" in reference or reference.startswith(("data:", "//")):
        return None
    target = (base / reference).resolve()
    return target if target.is_file() else None


@cache
def _stylesheet_files(css: Path) -> frozenset[Path]:
    """A style sheet, the sheets it imports and the web fonts they declare."""
    text = css.read_text(encoding="utf-8", errors="replace")
    files = {css}
    for reference in CSS_IMPORT.findall(text):
        target = _local(reference, css.parent)
        if target is not None:
            files |= _stylesheet_files(target)
    for face in FONT_FACE.findall(text):
        urls = CSS_URL.findall(face)
        target = _local(urls[0], css.parent) if urls else None
        if target is not None:
            files.add(target)
    return frozenset(files)


def _mathjax_files(html: str, site: Path) -> set[Path]:
    root = site / MATHJAX_DIR
    parts = ["startup.js", "core.js", "output/chtml/fonts/tex.js", *MATHJAX_FONTS]
    config = re.search(r"window\.MathJax\s*=\s*(\{.*?\})\s*</script>", html, re.DOTALL)
    loads = json.loads(config.group(1)).get("loader", {}).get("load", []) if config else []
    for name in loads:
        name = name.replace("[tex]/", "input/tex/extensions/")
        parts.append(f"{name}.js")
    return {root / part for part in parts if (root / part).is_file()}


# A page's tags, read with two regular expressions instead of an HTML parser (15 times
# faster on this site, the same references; every build reads every page, see
# iconfont.py). The contents of script, style, textarea and title elements and comments
# are text, not tags, as in a browser's parser.
TAG = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|textarea|title)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>.*?</\1\s*>"
    r"|<([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL | re.IGNORECASE,
)
ATTRIBUTE = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
SOURCE_TAGS = {"script", "img", "source", "video", "audio"}
LOADED_LINKS = {"stylesheet", "icon", "preload", "modulepreload"}


def _attributes(text: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for name, value in ATTRIBUTE.findall(text):
        if value[:1] in ("\"", "'"):
            value = value[1:-1]
        attributes.setdefault(name.lower(), html_module.unescape(value))
    return attributes


def page_references(html: str) -> list[str]:
    """The addresses a page loads: ``src`` of its scripts, images and media, and ``href``
    of its style sheet, icon and preload links."""
    references = []
    for match in TAG.finditer(html):
        if match.group(0).startswith("<!--"):
            continue
        tag = (match.group(1) or match.group(3)).lower()
        attributes = _attributes(match.group(2) if match.group(1) else match.group(4))
        if tag in SOURCE_TAGS and "src" in attributes:
            references.append(attributes["src"])
        elif tag == "link" and "href" in attributes and LOADED_LINKS & set(attributes.get("rel", "").split()):
            references.append(attributes["href"])
    return references


def page_files(page: Path, site: Path) -> set[Path]:
    """Every file of the site a browser fetches to show ``page`` and scroll through it."""
    page, site = page.resolve(), site.resolve()
    html = page.read_text(encoding="utf-8")
    references = page_references(html)
    files = {page}
    for reference in references:
        target = _local(reference, page.parent)
        if target is None:
            continue
        files |= _stylesheet_files(target) if target.suffix == ".css" else {target}
    if f"{MATHJAX_DIR}/startup.js" in html:
        files |= _mathjax_files(html, site)
    return files


@cache
def transferred_size(path: Path) -> int:
    """Bytes sent for ``path`` by a host that gzip-compresses text (level 6, as nginx and
    GitHub Pages do); images and web fonts are sent as they are."""
    data = path.read_bytes()
    if path.suffix.lower() in COMPRESSED_SUFFIXES:
        return min(len(data), len(gzip.compress(data, compresslevel=6, mtime=0)))
    return len(data)


def page_weight(page: Path, site: Path) -> tuple[int, int]:
    """(bytes stored, bytes transferred compressed) of ``page`` with everything it loads."""
    files = page_files(page, site)
    return sum(f.stat().st_size for f in files), sum(transferred_size(f) for f in files)


def site_pages(site: Path) -> list[Path]:
    """The site's pages: not theme fragments in _static, sources, or redirect stubs."""
    return sorted(
        path for path in site.rglob("*.html")
        if path.relative_to(site).parts[0] not in ("_static", "_sources", MATHJAX_DIR)
        and 'http-equiv="Refresh"' not in path.read_text(encoding="utf-8")
    )


def heaviest_pages(site: Path, count: int = 1, pages: list[Path] | None = None) -> list[tuple[Path, int, int]]:
    """The ``count`` heaviest pages as (page, stored bytes, transferred bytes), heaviest
    (as transferred) first."""
    weights = [(page, *page_weight(page, site)) for page in (pages if pages is not None else site_pages(site))]
    return sorted(weights, key=lambda entry: entry[2], reverse=True)[:count]


# ----------------------------------------------------------------------------- serving

def _compressing_handler(site: Path):
    import http.server
    import io
    import mimetypes

    class Handler(http.server.SimpleHTTPRequestHandler):
        """Serve ``site`` as a static host does: text gzip-compressed when the browser
        accepts it (``Content-Encoding: gzip``), images and web fonts as they are."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args):
            pass

        def send_head(self):
            path = Path(self.translate_path(self.path))
            accepts = "gzip" in self.headers.get("Accept-Encoding", "")
            if not accepts or not path.is_file() or path.suffix.lower() not in COMPRESSED_SUFFIXES:
                return super().send_head()
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            self.send_response(200)
            self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    return Handler


class CompressedServer:
    """``with CompressedServer(site) as base:`` serves ``site`` compressed on 127.0.0.1."""

    def __init__(self, site: Path):
        self.site = Path(site)

    def __enter__(self) -> str:
        import http.server
        import threading

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _compressing_handler(self.site))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def lighthouse_tools_missing(browser_dir: Path) -> str | None:
    """Why Lighthouse cannot run here, or None."""
    import os
    import shutil

    chrome = os.environ.get("CHROME_PATH") or os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if not Path(chrome).exists():
        return f"Chromium is not installed at {chrome} (run scripts/install-browser-tools.sh)"
    if not shutil.which("node"):
        return "node is not installed"
    if not (browser_dir / "node_modules" / "lighthouse").is_dir():
        return "Lighthouse is not installed (run scripts/install-browser-tools.sh)"
    return None


def run_lighthouse(site: Path, pages: list[Path], browser_dir: Path, output: Path, runs: int = 3,
                   clear: float | None = None) -> list[dict]:
    """Lighthouse (mobile, default throttling) on ``pages`` of ``site`` served compressed,
    ``runs`` times each (the run with the median performance score is reported), or once
    for a page whose first run scores at least ``clear`` for performance; one entry per
    page with ``page`` (relative to the site), the scores, every run's scores and the
    requests (see tests/browser/lighthouse.mjs)."""
    import os
    import subprocess

    site = Path(site).resolve()
    with CompressedServer(site) as base:
        urls = [base + page.resolve().relative_to(site).as_posix() for page in pages]
        env = {**os.environ}
        env.setdefault("CHROME_PATH", env.get("CHROMIUM", "/usr/bin/chromium"))
        env["LIGHTHOUSE_RUNS"] = str(runs)
        if clear is not None:
            env["LIGHTHOUSE_CLEAR"] = str(clear)
        result = subprocess.run(["node", str(browser_dir / "lighthouse.mjs"), str(output), *urls],
                                capture_output=True, text=True, timeout=300 + 120 * runs * len(urls), env=env)
    if result.returncode != 0:
        raise RuntimeError(f"Lighthouse failed:\n{result.stderr[-3000:]}")
    report = json.loads(output.read_text(encoding="utf-8"))
    for entry in report:
        entry["page"] = entry["url"].removeprefix(base)
        entry["base"] = base
    return report
