"""Sphinx extension: the whole-book PDF offered on the website, when it has been built.

``make pdf`` writes ``_build/latex/cscbook.pdf``. When that file exists as the website is
built (``make pdf`` then ``make html``), this extension copies it into the site as
``cscbook.pdf`` (next to ``index.html``) and links it, with its size and page count,

- from the welcome page, where the line ``% whole-book-pdf`` stands, and
- from the download menu in the header of every page (sphinx-book-theme's
  "download-buttons" group, which otherwise only prints the current page).

When it has not been built, the header has no such entry, the welcome page says how to
build the PDF, and no ``cscbook.pdf`` is left in the site from an earlier build, so there is
never a dead link.

It also keeps the search page quiet when the site is opened from the file system (a copy on
a USB stick): Sphinx's search lists its results from ``searchindex.js``, which loads as a
script from disk too, but then fetches each result page for a summary, which the browser
refuses for ``file://`` URLs (a console error per result). There the search lists the
results without their summaries.

The PDF's checksum and description are a configuration value that
only the HTML output depends on: when they change, Sphinx writes every page again (not
reading them again), so an incremental ``make html`` after ``make pdf`` picks the PDF up.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.util import logging as sphinx_logging
from sphinx.util.osutil import relative_uri

logger = sphinx_logging.getLogger(__name__)

PDF_NAME = "cscbook.pdf"  # the file `make pdf` writes, and its name in the site
MARKER = "whole-book-pdf"  # the welcome page's comment line: % whole-book-pdf
HOW_TO_BUILD = (
    "This copy of the website was built without it: run <code>make pdf</code>, then "
    "<code>make html</code>, and the whole book as one PDF is offered here."
)


def built_pdf(outdir: Path) -> Path | None:
    """The PDF ``make pdf`` left beside the HTML output (``_build/latex``), if any."""
    path = Path(outdir).parent / "latex" / PDF_NAME
    return path if path.is_file() and path.stat().st_size > 0 else None


def human_size(size: int) -> str:
    """A file size as a reader reads it: "850 kB", "4.2 MB" (SI units, as browsers show them)."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1_000_000:.1f} MB"


def page_count(path: Path) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(path)).pages)
    except Exception:  # a PDF pypdf cannot read is still offered, without a page count
        return None


def pdf_description(path: Path) -> str:
    """"PDF, 4.2 MB, 212 pages" for the links."""
    pages = page_count(path)
    parts = ["PDF", human_size(path.stat().st_size)]
    if pages:
        parts.append(f"{pages} pages")
    return ", ".join(parts)


def _record_pdf(app, config):
    """Note the built PDF in the configuration (rebuild="html"): a new PDF rewrites every page."""
    pdf = built_pdf(Path(app.outdir))
    if pdf is None:
        config.cscbook_whole_book_pdf = ""
    else:
        # the content, not the file's date: two builds from the same PDF are byte for byte the same
        digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]
        config.cscbook_whole_book_pdf = f"{digest}:{pdf_description(pdf)}"


def _description(app) -> str | None:
    value = app.config.cscbook_whole_book_pdf
    return value.split(":", 1)[1] if value else None


def _copy_pdf(app):
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / PDF_NAME
    pdf = built_pdf(Path(app.outdir))
    if pdf is None or not app.config.cscbook_whole_book_pdf:
        target.unlink(missing_ok=True)  # a PDF from an earlier build is not offered
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pdf, target)


def _link_from_welcome_page(app, doctree, docname):
    """Replace the welcome page's ``% whole-book-pdf`` line with the download link (HTML only)."""
    if app.builder.format != "html":
        return
    for comment in list(doctree.findall(nodes.comment)):
        if comment.astext().strip() != MARKER:
            continue
        description = _description(app)
        if description:
            href = relative_uri(app.builder.get_target_uri(docname), PDF_NAME)
            html = (
                f'<p class="cscbook-whole-book"><a href="{href}" download>Download the whole book '
                f"as one PDF</a> ({description}).</p>"
            )
        else:
            html = f'<p class="cscbook-whole-book">{HOW_TO_BUILD}</p>'
        comment.replace_self(nodes.raw("", html, format="html"))


def _add_to_download_menu(app, pagename, templatename, context, doctree):
    """Add "Whole book (PDF, 4.2 MB, N pages)" to the header's download menu, and name
    the theme's ".pdf" entry for what it does: it prints the page."""
    description = _description(app)
    for button in context.get("header_buttons") or []:
        if button.get("label") != "download-buttons":
            continue
        for entry in button["buttons"]:
            if entry.get("label") == "download-pdf-button":
                entry["text"] = "Print this page"
        if description:
            button["buttons"].append({
                "type": "link",
                "url": context["pathto"](PDF_NAME, 1),
                "text": f"Whole book ({description})",
                "tooltip": "Download the whole book as one PDF",
                "icon": "fas fa-book",
                "label": "download-book-button",
            })


# Before searchtools.js shows results (the page's scripts load in the head, the search
# runs once the page has loaded): no summaries where fetch() cannot read the pages.
SEARCH_FROM_DISK = (
    'if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") '
    "{ DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false; }"
)


def _search_from_disk(app, pagename, templatename, context, doctree):
    if pagename == "search":
        app.add_js_file(None, body=SEARCH_FROM_DISK)  # this page only (Sphinx resets per page)


def setup(app):
    app.add_config_value("cscbook_whole_book_pdf", "", "html", types=[str])
    app.connect("config-inited", _record_pdf)
    app.connect("builder-inited", _copy_pdf)
    app.connect("doctree-resolved", _link_from_welcome_page)
    # after sphinx-book-theme fills the header's buttons (priority 501)
    app.connect("html-page-context", _add_to_download_menu, priority=600)
    app.connect("html-page-context", _search_from_disk)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
