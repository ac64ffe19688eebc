"""The page budget: the heaviest page, with everything it loads, is at most 1 MB as a
static host sends it (gzip-compressed), and Lighthouse on a phone scores chapter pages
at least 90 for performance and 100 for accessibility.

Weights come from :mod:`cscbook_build.pageweight` (also used by ``make bench``); the
icon-font subset from :mod:`cscbook_build.iconfont`.
"""

from __future__ import annotations

import os
import re

import pytest
from bs4 import BeautifulSoup

from cscbook_build.iconfont import (
    FONT_DIR,
    FONTS,
    class_codepoints,
    css_icon_codepoints,
    loaded_files,
    used_icon_classes,
)
from cscbook_build.pageweight import (
    BUDGET_BYTES,
    heaviest_pages,
    lighthouse_tools_missing,
    page_files,
    page_references,
    page_weight,
    run_lighthouse,
    site_pages,
    transferred_size,
)

from .conftest import ROOT, chapter_files

BROWSER_DIR = ROOT / "tests" / "browser"
LIGHTHOUSE_PAGES = 3  # the heaviest chapter pages; make bench runs every chapter page
MIN_PERFORMANCE = 0.90
CLEAR_PERFORMANCE = 0.95  # a first run this high needs no median of three
MIN_ACCESSIBILITY = 1.0


def test_heaviest_page_is_within_the_budget(built_html):
    page, stored, sent = heaviest_pages(built_html)[0]
    assert sent <= BUDGET_BYTES, (
        f"{page.relative_to(built_html)} weighs {sent / 1e6:.2f} MB as sent compressed "
        f"({stored / 1e6:.2f} MB uncompressed), over the {BUDGET_BYTES / 1e6:g} MB budget"
    )


def test_budget_counts_everything_a_page_loads(tmp_path):
    """A small site whose page loads one file of each kind: every one is counted, and
    text counts compressed while images and fonts count as they are."""
    site = tmp_path
    for name, content in {
        "_static/app.js": "console.log('x');\n" * 200,
        "_static/a.css": '@import "b.css";\n' + "p{color:red}\n" * 200,
        "_static/b.css": '@font-face{font-family:X;src:url(f.woff2) format("woff2"),url(f.ttf)}',
        "_static/f.woff2": "F" * 1000,
        "_static/f.ttf": "T" * 5000,  # a fallback a current browser never fetches
        "_static/icon.svg": "<svg/>",
        "_images/fig1.png": "P" * 3000,
        "_images/fig2.png": "Q" * 4000,
        "_images/unused.png": "U" * 9000,
        "mathjax/startup.js": "s" * 100, "mathjax/core.js": "c" * 100,
        "mathjax/output/chtml.js": "o" * 100, "mathjax/output/chtml/fonts/tex.js": "t" * 100,
        "mathjax/input/tex/extensions/ams.js": "a" * 100,
        "mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff": "m" * 700,
        "mathjax/output/chtml/fonts/woff-v2/MathJax_Fraktur-Bold.woff": "k" * 700,
    }.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(content)
    page = site / "book" / "page.html"
    page.parent.mkdir()
    page.write_text(
        '<html><head><link rel="stylesheet" href="../_static/a.css?v=1">'
        '<link rel="icon" href="../_static/icon.svg"><script src="../_static/app.js"></script>'
        '<script>window.MathJax = {"loader": {"load": ["[tex]/ams", "output/chtml"]}}</script>'
        '<script defer src="../mathjax/startup.js"></script></head><body>'
        '<img src="../_images/fig1.png"><img loading="lazy" src="../_images/fig2.png">'
        '<script src="https://example.org/x.js"></script></body></html>'
    )
    expected = {page, *(site / name for name in (
        "_static/app.js", "_static/a.css", "_static/b.css", "_static/f.woff2", "_static/icon.svg",
        "_images/fig1.png", "_images/fig2.png", "mathjax/startup.js", "mathjax/core.js",
        "mathjax/output/chtml.js", "mathjax/output/chtml/fonts/tex.js", "mathjax/input/tex/extensions/ams.js",
        "mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff"))}
    assert page_files(page, site) == expected
    stored, sent = page_weight(page, site)
    assert stored == sum(path.stat().st_size for path in expected)
    assert transferred_size(site / "_images/fig2.png") == 4000
    assert transferred_size(site / "_static/app.js") < 200
    assert sent < stored


def _references_by_a_parser(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = [tag["src"] for tag in soup.find_all(["script", "img", "source", "video", "audio"], src=True)]
    return found + [tag["href"] for tag in soup.find_all("link", href=True)
                    if {"stylesheet", "icon", "preload", "modulepreload"} & set(tag.get("rel", []))]


def test_page_references_read_tags_as_an_html_parser_does():
    """The fast reader skips what a parser treats as text (comments, script and style
    contents), takes quoted ``>`` and entities in attributes, and any case or quoting."""
    html = (
        '<!-- <img src="commented.png"> --><HTML><head><TITLE>a page</TITLE>'
        "<script>var s = '<img src=\"in-script.png\">';</script>"
        '<style>p::after{content:"<link rel=stylesheet href=in-style.css>"}</style>'
        "<LINK REL='preload stylesheet' HREF='a.css?x=1&amp;y=2'><link rel=icon href=i.svg>"
        '<link rel="canonical" href="not-loaded.html"><link href="no-rel.css"></head>'
        '<body><img alt="1 > 0" src="fig.png"><script defer src="s.js"></script>'
        '<video src=v.mp4></video><img data-src="lazy-hint.png"></body></HTML>'
    )
    expected = ["a.css?x=1&y=2", "i.svg", "fig.png", "s.js", "v.mp4"]
    assert sorted(page_references(html)) == sorted(expected) == sorted(_references_by_a_parser(html))


def test_page_references_agree_with_an_html_parser_on_every_page(built_html):
    pages = site_pages(built_html)
    assert len(pages) >= 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert sorted(page_references(html)) == sorted(_references_by_a_parser(html)), page.name


def test_budget_counts_the_heaviest_page_s_figures_scripts_styles_and_fonts(built_html):
    page = heaviest_pages(built_html)[0][0]
    files = {path.relative_to(built_html).as_posix() for path in page_files(page, built_html)}
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    images = {(page.parent / img["src"]).resolve().relative_to(built_html).as_posix() for img in soup.find_all("img")}
    assert images and images <= files, f"figures not counted: {sorted(images - files)}"
    for needed in ("_static/styles/pydata-sphinx-theme.css", "_static/scripts/bootstrap.js",
                   "_static/vendor/fontawesome/webfonts/fa-solid-900.woff2",
                   "mathjax/startup.js", "mathjax/core.js", "mathjax/output/chtml.js",
                   "mathjax/output/chtml/fonts/tex.js", "mathjax/input/tex-base.js",
                   "mathjax/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff"):
        assert needed in files, f"{needed} is not counted in {page.relative_to(built_html)}"


def test_icon_fonts_keep_every_icon_the_site_uses(built_html):
    """A missing glyph would show an empty box: every ``fa-*`` class named in a page or
    a loaded script, and every icon code point in a loaded style sheet, is in the subset
    fonts, and the fonts were subset (a whole Font Awesome font is over 100 KB)."""
    from fontTools.ttLib import TTFont

    table = class_codepoints(built_html)
    used = used_icon_classes(built_html)
    assert {"fa-magnifying-glass", "fa-bars", "fa-sun", "fa-moon"} <= used, used
    cmaps = {name: set(TTFont(built_html / FONT_DIR / f"{name}.woff2").getBestCmap()) for name in FONTS}
    missing = sorted(name for name in used if table[name] not in cmaps["fa-solid-900"])
    assert not missing, f"icons used but not in the subset solid font: {missing}"
    glyphs = set().union(*cmaps.values())
    css = css_icon_codepoints(loaded_files(built_html))
    assert css and css <= glyphs, f"icon code points missing from the fonts: {sorted(hex(c) for c in css - glyphs)}"
    for name in FONTS:
        size = (built_html / FONT_DIR / f"{name}.woff2").stat().st_size
        assert size < 20_000, f"{name}.woff2 is {size} bytes: not subset"


def test_every_icon_class_in_the_pages_has_its_rule(built_html):
    """Unused rules are dropped from the theme's class table; used ones must stay."""
    table = class_codepoints(built_html)
    named = set()
    for path in loaded_files(built_html):
        if path.suffix in (".html", ".js"):
            named |= set(re.findall(r'class="[^"]*\b(?:fa-solid|fas)\b[^"]*\b(fa-[a-z0-9-]+)', path.read_text(
                encoding="utf-8", errors="replace")))
    named -= {"fa-lg", "fa-solid"}
    assert named and named <= set(table), f"icon classes without a rule: {sorted(named - set(table))}"


def test_figures_after_the_first_load_lazily_and_carry_their_size(built_html):
    problems = []
    for name in chapter_files():
        page = built_html / f"{name}.html"
        images = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find_all("img")
        for index, img in enumerate(images):
            if img["src"].split("?")[0].endswith((".png", ".jpg", ".jpeg")) and not (
                    img.get("width") and img.get("height")):
                problems.append(f"{name}: {img['src']} has no width and height")
            if index > 0 and img.get("loading") != "lazy":
                problems.append(f"{name}: figure {index + 1} is not lazy")
            if index == 0 and img.get("loading") == "lazy":
                problems.append(f"{name}: the first figure is lazy")
    assert not problems, "\n".join(problems[:20])


def test_extension_scripts_do_not_block_the_first_paint(built_html):
    page = built_html / f"{chapter_files()[0]}.html"
    head = page.read_text(encoding="utf-8").split("</head>")[0]
    blocking = [src for attrs, src in re.findall(r"<script([^>]*)\bsrc=\"([^\"]+)\"", head)
                if "defer" not in attrs and "async" not in attrs and "documentation_options" not in src]
    assert not blocking, f"render-blocking scripts: {blocking}"


# ----------------------------------------------------------------------------- Lighthouse

@pytest.fixture(scope="session")
def lighthouse_report(built_html, tmp_path_factory):
    """Lighthouse (mobile, default throttling) on the three heaviest chapter pages by page
    weight, the site served gzip-compressed, three runs each, the median run reported
    (as Lighthouse's documentation on variability advises), except that a page whose first
    run scores at least CLEAR_PERFORMANCE runs once: three runs of one page differed by at
    most 0.05 (six chapter pages measured, December 2026: chapter 9 0.91-0.96, the others
    0.01-0.02), so all three would be at least 0.90 (the report keeps every run's scores);
    ``make bench`` runs every chapter page."""
    missing = lighthouse_tools_missing(BROWSER_DIR)
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; CI must run Lighthouse")
        pytest.skip(missing)
    chapters = [built_html / f"{name}.html" for name in chapter_files()]
    pages = [page for page, _, _ in heaviest_pages(built_html, LIGHTHOUSE_PAGES, chapters)]
    output = tmp_path_factory.mktemp("lighthouse") / "report.json"
    return run_lighthouse(built_html, pages, BROWSER_DIR, output, runs=3, clear=CLEAR_PERFORMANCE)


def _lighthouse_failures(report: list[dict], category: str, minimum: float) -> list[str]:
    failures = []
    for entry in report:
        if entry["runtimeError"]:
            failures.append(f"{entry['page']}: Lighthouse error {entry['runtimeError']}")
        elif entry[category] is None or entry[category] < minimum:
            lost = "; ".join(f"{a['id']} {a['score']} {a['displayValue']}" for a in entry["lost"]
                             if a["category"] == category)
            runs = ", ".join(str(run[category]) for run in entry["runs"])
            failures.append(f"{entry['page']}: {category} {entry[category]} (median run of {runs}): {lost}")
    return failures


@pytest.mark.alone
def test_lighthouse_accessibility_is_100_on_the_heaviest_chapter_pages(lighthouse_report):
    failures = _lighthouse_failures(lighthouse_report, "accessibility", MIN_ACCESSIBILITY)
    assert not failures, "\n".join(failures)


@pytest.mark.alone
def test_lighthouse_performance_is_at_least_90_on_the_heaviest_chapter_pages(lighthouse_report):
    """Performance scores are lower on a busy machine: the message gives the load average."""
    failures = _lighthouse_failures(lighthouse_report, "performance", MIN_PERFORMANCE)
    assert not failures, f"load average {os.getloadavg()[0]:.1f}\n" + "\n".join(failures)


@pytest.mark.alone
def test_budget_counts_every_request_lighthouse_saw(lighthouse_report, built_html):
    """Every file the browser fetched for a page is among the files the budget counts."""
    uncounted = []
    for entry in lighthouse_report:
        counted = {path.relative_to(built_html).as_posix() for path in page_files(built_html / entry["page"],
                                                                                    built_html)}
        for request in entry["requests"]:
            url = request["url"]
            if not url.startswith(entry["base"]):
                continue
            name = url.removeprefix(entry["base"]).split("?")[0].split("#")[0]
            if name not in counted:
                uncounted.append(f"{entry['page']}: {name} ({request['transferSize']} bytes)")
    assert not uncounted, "fetched but not counted:\n" + "\n".join(uncounted)
