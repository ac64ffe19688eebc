"""The website works offline, has no broken links and passes an accessibility audit.

The browser checks drive Debian's Chromium (installed by
``scripts/install-browser-tools.sh``, which ``make test`` runs) through
playwright-core, serving the built site from a local HTTP server on 127.0.0.1.
tests/browser/audit.mjs loads every page in light and dark mode and looks at it at
390 px (a phone), 768 px (a tablet) and 1440 px (a desktop screen).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from PIL import Image

from cscbook.style import FONT_METADATA
from cscbook_build.book import toc_docnames
from cscbook_build.publish import HOW_TO_BUILD, PDF_NAME

from .conftest import HTML, ROOT

BROWSER_DIR = ROOT / "tests" / "browser"
RESOURCE_ATTRIBUTES = {
    "script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
    "video": "src", "audio": "src", "embed": "src", "object": "data",
}
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def html_pages() -> list[Path]:
    """The site's pages (theme template fragments copied into _static are not pages)."""
    return sorted(
        path for path in HTML.rglob("*.html")
        if path.relative_to(HTML).parts[0] not in ("_static", "_sources", "mathjax")
    )


def test_no_page_references_an_external_resource(built_html):
    problems = []
    for path in html_pages():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in RESOURCE_ATTRIBUTES.items():
            for element in soup.find_all(tag):
                value = element.get(attribute, "")
                if tag == "link" and "stylesheet" not in element.get("rel", []) and \
                        "preload" not in element.get("rel", []) and "icon" not in element.get("rel", []):
                    continue
                if EXTERNAL.match(value):
                    problems.append(f"{path.relative_to(HTML)}: <{tag} {attribute}={value}>")
    for css in HTML.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8", errors="replace")):
            if EXTERNAL.match(url):
                problems.append(f"{css.relative_to(HTML)}: url({url})")
    assert not problems, "external resources:\n" + "\n".join(problems[:20])


def _anchors(path: Path, cache: dict) -> set[str]:
    if path not in cache:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        cache[path] = {el.get("id") for el in soup.find_all(id=True)} | {
            el.get("name") for el in soup.find_all("a", attrs={"name": True})
        }
    return cache[path]


def test_every_internal_link_image_and_anchor_resolves(built_html):
    broken, anchors = [], {}
    for path in html_pages():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        references = [(a.name, a.get("href")) for a in soup.find_all(["a", "link"], href=True)]
        references += [(el.name, el.get("src")) for el in soup.find_all(["img", "script"], src=True)]
        for tag, target in references:
            if not target or EXTERNAL.match(target) or target.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urlsplit(target)
            if parts.scheme:
                continue
            file = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if file.is_dir():
                file = file / "index.html"
            if not file.exists():
                broken.append(f"{path.relative_to(HTML)}: <{tag}> {target} (no such file)")
                continue
            fragment = unquote(parts.fragment)
            if fragment and file.suffix == ".html" and fragment not in _anchors(file, anchors):
                broken.append(f"{path.relative_to(HTML)}: <{tag}> {target} (no such anchor)")
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:30])


def test_maths_is_served_from_the_site(built_html):
    page = (built_html / "book" / "part1" / "01-limiting-dilution.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script[^>]*src="([^"]*mathjax/startup[^"]*)"', page)
    assert scripts, "no MathJax script on a page with equations"
    local = (built_html / "book" / "part1" / scripts[0].split("?")[0]).resolve()
    assert local.is_file(), local
    assert (built_html / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()


# ----------------------------------------------------------------------------- browser

def _browser_tools_missing() -> str | None:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists() and not shutil.which("chromium"):
        return "Chromium is not installed (run scripts/install-browser-tools.sh)"
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        return "npm test tools are not installed (run scripts/install-browser-tools.sh)"
    if not shutil.which("node"):
        return "node is not installed"
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser_report(built_html, tmp_path_factory):
    missing = _browser_tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; CI must run the browser checks")
        pytest.skip(missing)
    handler = functools.partial(_QuietHandler, directory=str(built_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        urls = [
            base + str(path.relative_to(built_html))
            for path in html_pages()
            if 'http-equiv="Refresh"' not in path.read_text(encoding="utf-8")  # redirect stubs
        ]
        urls += pages_opened_from_disk(built_html)  # as from a USB stick: file:// URLs
        urls.append(base + "search.html?q=limiting+dilution")
        report = _audit_both_schemes(urls, tmp_path_factory.mktemp("browser"))
    finally:
        server.shutdown()
    return {"base": base, "pages": report}


def _audit_both_schemes(urls: list[str], folder: Path) -> list[dict]:
    """tests/browser/audit.mjs once per colour scheme, the two at once (a browser each), merged.

    The light run opens every URL; the dark run only the served pages (a page opened from
    disk is loaded once, see audit.mjs). Each page's entry gets both runs' passes, and the
    dark run's console errors and failed requests, marked "(dark)".
    """
    runs = {}
    for scheme, wanted in (("light", urls), ("dark", [u for u in urls if not u.startswith("file://")])):
        output = folder / f"report-{scheme}.json"
        process = subprocess.Popen(["node", str(BROWSER_DIR / "audit.mjs"), str(output), *wanted],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "AUDIT_SCHEMES": scheme})
        runs[scheme] = (process, output)
    for scheme, (process, _) in runs.items():
        try:
            _, errors = process.communicate(timeout=1800)
        except subprocess.TimeoutExpired:
            for other, _ in runs.values():
                other.kill()
            raise
        assert process.returncode == 0, f"{scheme} audit failed:\n{errors[-3000:]}"
    report = json.loads(runs["light"][1].read_text(encoding="utf-8"))
    dark = {entry["url"]: entry for entry in json.loads(runs["dark"][1].read_text(encoding="utf-8"))}
    for entry in report:
        other = dark.get(entry["url"])
        if other is not None:
            entry["passes"] += other["passes"]
            entry["consoleErrors"] += [f"(dark) {message}" for message in other["consoleErrors"]]
            entry["failedRequests"] += [f"(dark) {request}" for request in other["failedRequests"]]
    return report


def _name(entry, base):
    return entry["url"].replace(base, "") if entry["url"].startswith(base) else entry["url"]


def test_pages_request_nothing_from_outside_in_a_browser(browser_report):
    base = browser_report["base"]
    outside = []
    for entry in browser_report["pages"]:
        for url in entry["requests"]:
            if not url.startswith((base, "file://", "data:", "blob:")):
                outside.append(f"{_name(entry, base)} -> {url}")
    assert not outside, "requests leaving the site:\n" + "\n".join(outside[:20])


def test_search_finds_pages(browser_report):
    # The search index loads only on the search page (see _templates/layout.html), and
    # the search box of every page sends its query there.
    searches = [e for e in browser_report["pages"] if e.get("searchResults") is not None]
    assert searches, "the audit ran no search"
    for entry in searches:
        assert entry["searchResults"] >= 1, f"no results for {entry['url']}"


def test_only_the_search_page_loads_the_search_index(built_html):
    loaders = sorted(
        str(path.relative_to(built_html)) for path in html_pages()
        if "searchindex.js" in path.read_text(encoding="utf-8")
    )
    assert loaders == ["search.html"]
    chapter = (built_html / "book" / "part1" / "01-limiting-dilution.html").read_text(encoding="utf-8")
    assert 'action="../../search.html"' in chapter


def test_pages_have_no_console_errors_or_failed_requests(browser_report):
    base = browser_report["base"]
    problems = []
    for entry in browser_report["pages"]:
        problems += [f"{_name(entry, base)}: {message}" for message in entry["consoleErrors"]]
        problems += [f"{_name(entry, base)}: failed {request}" for request in entry["failedRequests"]]
    assert not problems, "\n".join(problems[:20])


def test_equations_render_offline_from_a_server_and_from_disk(browser_report):
    pages = [entry for entry in browser_report["pages"] if entry["math"]["hasMath"]]
    assert any(entry["url"].startswith("file://") for entry in pages)
    for entry in pages:
        assert entry["math"]["mathjaxLoaded"], f"MathJax did not load on {entry['url']}"
        assert entry["math"]["rendered"] > 0, f"no equation rendered on {entry['url']}"


PHONE, DESKTOP = 390, 1440
MIN_FIGURE_TEXT_PX = 9


def _passes(browser_report, width=None):
    """(page name, pass) for every page and every scheme and viewport (or one width)."""
    base = browser_report["base"]
    for entry in browser_report["pages"]:
        for audit in entry["passes"]:
            if width is None or audit["width"] == width:
                yield _name(entry, base), audit


def test_every_page_is_audited_in_light_and_dark_mode_at_three_widths(browser_report):
    """Every page the server sends; the copies opened from disk (file://, the same
    pages) are loaded once, for the checks of a site on a USB stick."""
    for entry in browser_report["pages"]:
        if entry["url"].startswith("file://"):
            assert entry["passes"] == [], entry["url"]
            continue
        seen = {(audit["scheme"], audit["width"]) for audit in entry["passes"]}
        assert seen == {(s, w) for s in ("light", "dark") for w in (PHONE, 768, DESKTOP)}, entry["url"]
        for audit in entry["passes"]:  # the theme took the scheme the audit asked for
            assert audit["theme"] == audit["scheme"], (entry["url"], audit["scheme"], audit["theme"])


def test_no_accessibility_violations(browser_report):
    """axe-core, WCAG 2.2 A and AA and best practice, per viewport and colour scheme."""
    problems, counts = [], {}
    for name, audit in _passes(browser_report):
        key = f"{audit['scheme']} {audit['width']} px"
        counts[key] = counts.get(key, 0) + sum(v["count"] for v in audit["violations"])
        for violation in audit["violations"]:
            targets = "; ".join(str(node["target"]) for node in violation["nodes"][:3])
            problems.append(
                f"{name} [{key}]: {violation['id']} ({violation['impact']}, "
                f"{violation['count']} nodes): {violation['help']} [{targets}]"
            )
    summary = ", ".join(f"{key}: {count}" for key, count in counts.items())
    assert not problems, (
        f"{len(problems)} axe violations (nodes per pass: {summary}):\n" + "\n".join(problems[:40])
    )


def _image_file(src: str, base: str) -> Path:
    if src.startswith("file://"):
        return Path(unquote(urlsplit(src).path))
    return HTML / unquote(urlsplit(src).path).lstrip("/")


def figure_text_heights(browser_report, width=PHONE):
    """(page, image, CSS px) for every figure: the height of its smallest text on screen.

    A notebook figure's PNG records its smallest font size in points and its resolution
    (cscbook.style), so that text is ``points / 72 * dpi`` image pixels tall, and the
    browser shows the image at ``displayed width / image width`` of its pixels.
    """
    heights = []
    for name, audit in _passes(browser_report, width):
        if audit["scheme"] != "light":
            continue
        for figure in audit["layout"]["figures"]:
            path = _image_file(figure["src"], browser_report["base"])
            with Image.open(path) as image:
                text, natural_width = getattr(image, "text", {}), image.size[0]
            font_key, dpi_key = FONT_METADATA
            if font_key not in text:
                heights.append((name, path.name, None))
                continue
            points, dpi = float(text[font_key]), float(text[dpi_key])
            heights.append((name, path.name, points / 72 * dpi * figure["width"] / natural_width))
    return heights


def test_figure_text_is_at_least_9_px_tall_on_a_phone(browser_report):
    heights = figure_text_heights(browser_report)
    assert heights, "no figure was measured"
    unknown = [f"{page}: {image}" for page, image, px in heights if px is None]
    assert not unknown, "figures without a recorded font size (draw them with cscbook.style):\n" + \
        "\n".join(unknown[:20])
    small = sorted((px, page, image) for page, image, px in heights if px < MIN_FIGURE_TEXT_PX)
    assert not small, f"figure text under {MIN_FIGURE_TEXT_PX} px at {PHONE} px:\n" + "\n".join(
        f"{page}: {image}: {px:.1f} px" for px, page, image in small[:20]
    )


def test_no_page_scrolls_sideways_on_a_phone(browser_report):
    problems = [
        f"{name} [{audit['scheme']}]: {audit['layout']['scrollWidth']} px wide "
        f"({', '.join(audit['layout']['wide'])})"
        for name, audit in _passes(browser_report, PHONE)
        if audit["layout"]["scrollWidth"] > audit["layout"]["innerWidth"] or audit["layout"]["wide"]
    ]
    assert not problems, "\n".join(problems[:20])


def test_code_and_equations_stay_inside_the_column(browser_report):
    """Nothing runs past the article's edge; what is too wide scrolls inside its block
    (axe checks that the block is reachable with the keyboard), and on a desktop screen
    code lines wrap instead of scrolling."""
    problems = []
    for name, audit in _passes(browser_report):
        layout, where = audit["layout"], f"{name} [{audit['scheme']} {audit['width']} px]"
        problems += [f"{where}: clipped {item}" for item in layout["clippedCode"] + layout["clippedEquations"]]
        problems += [f"{where}: {item}" for item in layout["outsideArticle"]]
        if audit["width"] == DESKTOP:
            problems += [f"{where}: scrolls {item}" for item in layout["scrollingCode"]]
    assert not problems, "\n".join(problems[:30])


def test_one_search_field_and_it_leaves_the_query_readable(browser_report):
    headers = [
        f"{name} [{audit['width']} px]" for name, audit in _passes(browser_report)
        if audit["layout"]["headerSearchFields"]
    ]
    assert not headers, "a second search bar across the top of the page:\n" + "\n".join(headers[:10])
    fields = [(name, audit) for name, audit in _passes(browser_report) if audit["layout"]["searchIcon"]]
    assert fields, "no search field measured"
    for name, audit in fields:
        icon = audit["layout"]["searchIcon"]
        assert icon["iconRight"] <= icon["textLeft"], (name, audit["width"], icon)

# ----------------------------------------------------------------------------- publishing

WHOLE_BOOK_PDF = ROOT / "_build" / "latex" / PDF_NAME
SEARCH_QUERY = "?q=limiting+dilution"


def toc() -> dict:
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def pages_opened_from_disk(site: Path) -> list[str]:
    """The pages the browser opens as files (a copy of the site on a USB stick, no server):
    the welcome page, the first page of each part, the back matter, and a search."""
    docs = [toc()["root"]]
    docs += [part["chapters"][0]["file"] for part in toc()["parts"]]
    docs += [f"book/back/{name}" for name in ("glossary", "bibliography", "data-catalogue", "instructor-guide")]
    urls = [(site / f"{doc}.html").as_uri() for doc in dict.fromkeys(docs)]
    return urls + [(site / "search.html").as_uri() + SEARCH_QUERY]


def test_the_browser_opens_the_representative_pages_from_the_file_system(browser_report):
    """Welcome page, each part's first page, glossary, bibliography, data catalogue,
    instructor guide and the search page open as files with no console error, no failed
    request, equations rendered and search results listed."""
    by_url = {entry["url"]: entry for entry in browser_report["pages"]}
    wanted = pages_opened_from_disk(HTML)
    assert len(wanted) >= 10
    problems = []
    for url in wanted:
        entry = by_url.get(url)
        if entry is None:
            problems.append(f"{url}: not opened")
            continue
        problems += [f"{url}: {message}" for message in entry["consoleErrors"]]
        problems += [f"{url}: failed {request}" for request in entry["failedRequests"]]
        problems += [f"{url}: requested {request}" for request in entry["requests"]
                     if not request.startswith(("file://", "data:", "blob:"))]
        if entry["math"]["hasMath"] and not entry["math"]["rendered"]:
            problems.append(f"{url}: equations not rendered")
    assert not problems, "\n".join(problems[:20])
    assert any(by_url[url]["math"]["rendered"] for url in wanted), "no page opened from disk had equations"
    assert by_url[wanted[-1]]["searchResults"], "the search page found nothing when opened from disk"


def test_internal_links_work_without_a_web_server(built_html):
    """Opened from the file system, a link to a folder shows a file listing (no server
    serves its index.html) and a link starting with / leaves the site; the root page's
    redirect must reach the welcome page."""
    problems = []
    for path in html_pages():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        targets = [a.get("href") for a in soup.find_all(["a", "link"], href=True)]
        targets += [el.get("src") for el in soup.find_all(["img", "script"], src=True)]
        targets += [form.get("action") for form in soup.find_all("form", action=True)]
        for target in targets:
            if not target or EXTERNAL.match(target) or target.startswith(("mailto:", "javascript:", "data:", "#")):
                continue
            link = urlsplit(target).path
            if link.startswith("/"):
                problems.append(f"{path.relative_to(built_html)}: {target} (from the root of the disk)")
            elif link and (link.endswith("/") or (path.parent / unquote(link)).is_dir()):
                problems.append(f"{path.relative_to(built_html)}: {target} (a folder)")
    assert not problems, "\n".join(problems[:20])
    redirect = re.search(r'url=([^"]+)"', (built_html / "index.html").read_text(encoding="utf-8"))
    assert redirect and (built_html / redirect[1]).is_file()
    assert redirect[1] == f"{toc()['root']}.html"


def test_the_whole_book_pdf_is_offered_exactly_when_it_was_built(built_html):
    """`make pdf` then `make html` (or `make book`): the site holds the PDF and links it
    from the welcome page and every page's download menu; without it, no link, and the
    welcome page says how to build it. (test_publish.py builds a small book both ways.)"""
    welcome = built_html / f"{toc()['root']}.html"
    linking = [
        path for path in html_pages()
        if any(a["href"].split("/")[-1] == PDF_NAME
               for a in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find_all("a", href=True))
    ]
    if not WHOLE_BOOK_PDF.is_file():
        assert not (built_html / PDF_NAME).exists(), "a PDF that this build did not find is in the site"
        assert not linking
        assert HOW_TO_BUILD in welcome.read_text(encoding="utf-8")
        return
    assert (built_html / PDF_NAME).is_file(), "the PDF was built but the site does not hold it"
    assert (built_html / PDF_NAME).read_bytes() == WHOLE_BOOK_PDF.read_bytes(), \
        "the site's PDF is not the one built: run `make html` after `make pdf`"
    soup = BeautifulSoup(welcome.read_text(encoding="utf-8"), "html.parser")
    link = soup.select_one("p.cscbook-whole-book a")
    assert link is not None and link["href"].split("/")[-1] == PDF_NAME
    assert re.search(r"\(PDF, [\d.]+ [kM]B, \d+ pages\)", link.parent.get_text())
    chapters = [built_html / f"{doc}.html" for doc in toc_docnames(ROOT)]
    missing = [str(p.relative_to(built_html)) for p in chapters if p not in linking]
    assert not missing, f"pages whose download menu lacks the whole book: {missing[:5]}"
