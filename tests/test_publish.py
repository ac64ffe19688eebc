"""The whole-book PDF on the website (src/cscbook_build/publish.py), built or not.

A two-page book with the book's theme is built with Sphinx here, with no PDF, with a small
PDF standing in for ``make pdf``'s, and again after the PDF is removed: the welcome page and
the header's download menu link the PDF only when it is in the site, and no link is dead.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cscbook_build.publish import HOW_TO_BUILD, PDF_NAME, SEARCH_FROM_DISK, human_size

CONF = """
extensions = ["myst_parser", "cscbook_build.publish"]
html_theme = "sphinx_book_theme"
root_doc = "book/intro"
exclude_patterns = ["_build"]
"""
INTRO = """# Welcome

- **Offline**, the book builds as a single PDF.

  % whole-book-pdf

```{toctree}
chapter
```
"""
CHAPTER = "# A chapter\n\nSome text.\n"


def make_pdf(path: Path, pages: int = 3) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def build(root: Path) -> Path:
    """An incremental HTML build into _build/html, as `make html` does (warnings are errors)."""
    out = root / "_build" / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "-d", str(root / "_build" / ".doctrees"),
         str(root), str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The site built three times in one folder: before `make pdf`, after it, and after the
    PDF is deleted. Each build is incremental and no page source changes in between."""
    root = tmp_path_factory.mktemp("book")
    (root / "book").mkdir()
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "book" / "intro.md").write_text(INTRO, encoding="utf-8")
    (root / "book" / "chapter.md").write_text(CHAPTER, encoding="utf-8")
    states = {}
    for state in ("before", "built", "deleted"):
        pdf = root / "_build" / "latex" / PDF_NAME
        if state == "built":
            states["pdf"] = make_pdf(pdf, pages=3)
        elif state == "deleted":
            pdf.unlink()
        out = build(root)
        snapshot = root / state
        shutil.copytree(out, snapshot)
        states[state] = snapshot
    return states


def pdf_links(page: Path) -> list:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [a for a in soup.find_all("a", href=True) if a["href"].split("/")[-1] == PDF_NAME]


@pytest.mark.parametrize("state", ["before", "deleted"])
def test_no_pdf_no_link_and_the_welcome_page_says_how_to_build_it(builds, state):
    out = builds[state]
    assert not (out / PDF_NAME).exists(), "a PDF from an earlier build is still in the site"
    for page in out.rglob("*.html"):
        assert not pdf_links(page), f"{page.name} links a PDF that was not built"
    welcome = (out / "book" / "intro.html").read_text(encoding="utf-8")
    assert HOW_TO_BUILD in welcome
    assert "whole-book-pdf" not in welcome  # the marker line itself is not shown


def test_a_built_pdf_is_copied_and_linked_from_the_welcome_page_and_every_download_menu(builds):
    out = builds["built"]
    assert (out / PDF_NAME).read_bytes() == builds["pdf"]
    description = f"PDF, {human_size(len(builds['pdf']))}, 3 pages"
    welcome = pdf_links(out / "book" / "intro.html")
    in_text = [a for a in welcome if "Download the whole book" in a.get_text()]
    assert len(in_text) == 1 and in_text[0]["href"] == "../cscbook.pdf"
    assert f"({description})" in in_text[0].parent.get_text()
    assert HOW_TO_BUILD not in (out / "book" / "intro.html").read_text(encoding="utf-8")
    # the chapter was not changed since the build before: it is written again all the same
    for page in ("book/intro.html", "book/chapter.html"):
        soup = BeautifulSoup((out / page).read_text(encoding="utf-8"), "html.parser")
        menu = soup.select_one(".dropdown-download-buttons")
        assert menu is not None, f"{page} has no download menu"
        entry = menu.select_one("a.btn-download-book-button")
        assert entry is not None, f"{page}: the download menu does not offer the whole book"
        assert re.sub(r"\s+", " ", entry.get_text()).strip() == f"Whole book ({description})"
        printing = menu.select_one(".btn-download-pdf-button")
        assert printing is not None and printing.get_text().strip() == "Print this page"
    for page in out.rglob("*.html"):
        for link in pdf_links(page):
            assert (page.parent / link["href"]).resolve().is_file(), f"{page}: dead link {link['href']}"


def test_only_the_search_page_turns_summaries_off_when_opened_from_disk(builds):
    out = builds["built"]
    assert SEARCH_FROM_DISK in (out / "search.html").read_text(encoding="utf-8")
    searchtools = (out / "search.html").read_text(encoding="utf-8").index("searchtools.js")
    assert (out / "search.html").read_text(encoding="utf-8").index(SEARCH_FROM_DISK) < searchtools
    for page in ("book/intro.html", "book/chapter.html"):
        assert SEARCH_FROM_DISK not in (out / page).read_text(encoding="utf-8")


def test_sizes_read_as_a_browser_shows_them():
    assert human_size(400) == "1 kB"
    assert human_size(850_400) == "850 kB"
    assert human_size(4_215_000) == "4.2 MB"
