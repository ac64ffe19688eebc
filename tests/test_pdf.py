"""The offline PDF (`make pdf`): everything the website holds, typeset as a book.

These tests read the built PDF (`_build/latex/cscbook.pdf`), its LaTeX log and the
built website, and compare the two. They run whenever xelatex is installed (`make test`
builds the PDF first then) and always in CI (`.ci/run` installs TeX and builds the PDF);
elsewhere they are skipped with a note on how to install TeX.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache, lru_cache

import pytest
import yaml
from bs4 import BeautifulSoup

from cscbook_build.pdf import PART_CAPTION
from cscbook_build.pdf_tables import TABLE_MARKER

from .conftest import BUILD, HTML, ROOT, chapter_files, toc_files
from .test_folding import CHAPTERS, folded_cells, latex_code_text

LATEX = BUILD / "latex"
PDF = LATEX / "cscbook.pdf"
LOG = LATEX / "cscbook.log"
TEX = LATEX / "cscbook.tex"

REQUIRED = os.environ.get("CI", "").lower() == "true" or bool(os.environ.get("CSCBOOK_REQUIRE_PDF"))
if shutil.which("xelatex") is None and not REQUIRED:
    pytest.skip(
        "xelatex is not installed, so the PDF is not built: `make pdf` installs TeX Live "
        "(scripts/install-tex.sh) and builds it",
        allow_module_level=True,
    )


@pytest.fixture(scope="module", autouse=True)
def built_pdf():
    if not PDF.is_file() or not LOG.is_file():
        pytest.fail(f"{PDF} is missing: run `make pdf` (make test builds it when xelatex is installed)")
    if not (HTML / "index.html").is_file():
        pytest.fail("the website is not built: run `make html`")


@lru_cache(maxsize=1)
def pdf_text() -> str:
    """The PDF's text, lines joined, hyphens at line ends kept, spaces collapsed."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(PDF), "-"], check=True,
                          capture_output=True, text=True).stdout
    return " ".join(text.replace("\u00ad", "").split())


def normalise(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split()).lower()


def find_in_pdf(phrase: str, start: int = 0) -> int:
    """Where ``phrase`` is in the PDF's text (case ignored), allowing line-end hyphenation.

    A word broken at the end of a line reads "limit- ing" in the extracted text.
    Returns -1 when the phrase is not there.
    """
    text = pdf_text().lower()
    phrase = normalise(phrase)
    at = text.find(phrase, start)
    if at >= 0:
        return at
    pattern = r"\s+".join(r"(?:-?\s)?".join(re.escape(c) for c in word) for word in phrase.split(" "))
    match = re.compile(pattern).search(text, start)
    return match.start() if match else -1


def in_pdf(phrase: str) -> bool:
    return find_in_pdf(phrase) >= 0


def chapter_text(title: str) -> str:
    """The text of the pages of the chapter called ``title`` in the PDF's contents."""
    from pypdf import PdfReader

    toc = (LATEX / "cscbook.toc").read_text(encoding="utf-8")
    entries = re.findall(r"\\contentsline \{(part|chapter)\}\{(?:\\numberline \{\w+\})?(.*?)\}\{(\w+)\}", toc)
    labels = PdfReader(str(PDF)).page_labels
    for position, (_, name, first) in enumerate(entries):
        if name == title:
            start = labels.index(first) + 1
            following = entries[position + 1][2] if position + 1 < len(entries) else None
            end = labels.index(following) if following else len(labels)
            out = subprocess.run(["pdftotext", "-f", str(start), "-l", str(max(start, end)),
                                  str(PDF), "-"], check=True, capture_output=True, text=True).stdout
            return " ".join(out.split())
    raise AssertionError(f"no chapter {title!r} in the PDF's contents")


def log_text() -> str:
    return LOG.read_text(encoding="utf-8", errors="replace")


def page(name: str) -> BeautifulSoup:
    return BeautifulSoup((HTML / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def main(soup: BeautifulSoup):
    return soup.find("main") or soup


def page_title(name: str) -> str:
    heading = main(page(name)).find("h1")
    for anchor in heading.select("a.headerlink, span.section-number"):
        anchor.decompose()
    return heading.get_text(" ", strip=True)


def pdfinfo() -> dict:
    out = subprocess.run(["pdfinfo", str(PDF)], check=True, capture_output=True, text=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


# --- The book is all there ---------------------------------------------------------


def test_pdf_is_a_book_with_title_and_contents():
    info = pdfinfo()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert info["Title"].strip() == config["title"]
    assert int(info["Pages"]) >= 10
    assert in_pdf("Contents")
    toc = (LATEX / "cscbook.toc").read_text(encoding="utf-8")
    assert r"\contentsline {chapter}" in toc and r"\contentsline {part}" in toc


@pytest.mark.parametrize("name", toc_files())
def test_every_page_of_the_website_is_in_the_pdf(name):
    title = page_title(name)
    assert in_pdf(title), f"{name}: title {title!r} not found in the PDF"


def test_parts_are_numbered_as_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    captions = [p["caption"] for p in toc["parts"] if PART_CAPTION.match(p["caption"])]
    pdf_toc = (LATEX / "cscbook.toc").read_text(encoding="utf-8")
    parts = re.findall(r"\\contentsline \{part\}\{(\w+)\\hspace \{1em\}(.*?)\}\{", pdf_toc)
    assert [f"Part {n}. {title}" for n, title in parts] == captions


def test_glossary_bibliography_and_index_are_in_the_pdf():
    toc = (LATEX / "cscbook.toc").read_text(encoding="utf-8")
    chapters = re.findall(r"\\contentsline \{chapter\}\{(?:\\numberline \{\w+\})?(.*?)\}\{", toc)
    for name in ("glossary", "bibliography"):
        path = next(f for f in toc_files() if f.endswith(f"/{name}"))
        assert page_title(path) in chapters, f"{name} is not a chapter of the PDF"
    assert "Index" in chapters
    index = chapter_text("Index")
    glossary = main(page(next(f for f in toc_files() if f.endswith("/glossary"))))
    for term in glossary.find_all("dt"):
        word = term.get_text(" ", strip=True).rstrip("¶#").strip()
        assert normalise(word) in normalise(index), f"glossary term {word!r} is not in the index"


def test_bibliography_holds_every_entry_of_the_website():
    entries = main(page(next(f for f in toc_files() if f.endswith("/bibliography")))).select(
        "div.citation")
    assert entries
    for entry in entries:
        link = entry.find("a", href=re.compile(r"doi\.org/"))
        if link is None:  # a registry record without DOI: its label stands for it
            label = entry.select_one("span.label").get_text("", strip=True).strip("[]")
            assert in_pdf(f"[{label}]"), f"bibliography entry {label} is missing from the PDF"
            continue
        doi = link["href"].split("doi.org/", 1)[1]
        assert in_pdf(doi), f"bibliography entry with DOI {doi} is missing from the PDF"


def test_bibliography_and_citations_use_the_websites_author_year_style():
    # The text cites "Tang et al. (2011)": the printed list must be found by the same
    # words, not by a number, exactly as on the website.
    entries = main(page(next(f for f in toc_files() if f.endswith("/bibliography")))).select(
        "div.citation")
    labels = [entry.select_one("span.label").get_text("", strip=True).strip("[]") for entry in entries]
    assert labels and all(re.fullmatch(r"(?=.*[^\d ]).+ \d{4}[a-z]?", label) for label in labels), labels[:3]
    for label in labels[:: max(1, len(labels) // 12)]:
        assert in_pdf(f"[{label}]"), f"bibliography label [{label}] is not printed in the PDF"
    items = re.findall(r"\\bibitem\[([^\]]*)\]", TEX.read_text(encoding="utf-8"))
    assert len(items) == len(labels), "the PDF's bibliography and the website's differ in length"
    assert not any(item.isdigit() for item in items), "a numbered bibliography label in the PDF"
    bibliography = TEX.read_text(encoding="utf-8").split(r"\begin{sphinxthebibliography}", 1)[1]
    assert "and others" not in bibliography


def test_pdf_has_as_many_images_as_the_website_has():
    from pypdf import PdfReader

    on_website = sum(len(main(page(name)).find_all("img")) for name in toc_files())
    in_pdf_file = 0
    for pdf_page in PdfReader(str(PDF)).pages:
        resources = pdf_page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        if xobjects:
            in_pdf_file += sum(
                x.get_object().get("/Subtype") in ("/Image", "/Form")
                for x in xobjects.get_object().values()
            )
    assert in_pdf_file == on_website


def test_every_figure_is_vector_graphics():
    """The PDF build draws notebook figures as PDF (``make pdf-build`` sets
    CSCBOOK_FIGURE_FORMATS): the LaTeX includes no PNG or JPEG, only PDF files."""
    included = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{(.+?)\}\s*$", TEX.read_text(encoding="utf-8"),
                          re.MULTILINE)
    assert included, "no figure in the LaTeX"
    names = [name.replace("{", "").replace("}", "") for name in included]
    raster = [name for name in names if not name.endswith(".pdf")]
    assert not raster, f"raster figures in the PDF: {raster[:5]}"
    for name in names:
        assert (LATEX / name).read_bytes()[:5] == b"%PDF-", name


def test_figure_numbers_match_the_website():
    for name in toc_files():
        for caption in main(page(name)).find_all("figcaption"):
            number = caption.find(class_="caption-number")
            if number is None:
                continue
            label = " ".join(number.get_text(" ", strip=True).split())  # "Fig. 1.2"
            assert in_pdf(label), f"{name}: {label} is not in the PDF"


@pytest.mark.parametrize("chapter", chapter_files())
def test_every_solution_is_printed_after_its_exercise(chapter):
    solutions = main(page(chapter)).select("div.solution")
    title = page_title(chapter)
    start = find_in_pdf(title)
    start = find_in_pdf(title, start + 1)  # the first is the table of contents
    assert start >= 0, f"{chapter}: chapter heading not found"
    for solution in solutions:
        heading = solution.select_one(".admonition-title").get_text(" ", strip=True)
        number = re.search(r"Exercise ([\d.]+)", heading).group(1)  # "Solution to Exercise 1.2"
        exercise_at = find_in_pdf(f"Exercise {number}", start)
        pointer_at = find_in_pdf("Solution on page", exercise_at)
        solution_at = find_in_pdf(f"Solution to Exercise {number}", start)
        assert 0 <= exercise_at < pointer_at < solution_at, (
            f"{chapter}: exercise {number} is not followed by a pointer to its printed solution")


def test_every_solution_is_labelled_and_pointed_to():
    # every solution is in the PDF; a chapter's are collected at its end, with a pointer
    # from each exercise (the primers keep theirs in place, right after the exercise)
    solutions = sum(len(main(page(c)).select("div.solution")) for c in toc_files())
    in_chapters = sum(len(main(page(c)).select("div.solution")) for c in chapter_files())
    assert in_chapters < solutions, "the primers' solutions are counted too"
    assert pdf_text().count("Solution to Exercise") == solutions
    assert pdf_text().count("Solution on page") == in_chapters


# --- Typesetting quality -------------------------------------------------------------


def test_no_unresolved_reference_in_the_pdf():
    assert "??" not in pdf_text()
    log = log_text()
    assert "There were undefined references" not in log
    assert not re.search(r"Reference `[^']*' on page \d+ undefined", log)
    assert not re.search(r"Citation `[^']*' on page \d+ undefined", log)
    assert "Label(s) may have changed" not in log, "LaTeX needed another run"


def test_no_overfull_box_cuts_text_and_no_character_is_missing():
    log = log_text()
    overfull = [
        (float(points), where)
        for points, where in re.findall(r"Overfull \\hbox \((\d+\.?\d*)pt too wide\) (.*)", log)
    ]
    # up to 1pt is invisible; more means text runs into the margin or is cut off
    assert [o for o in overfull if o[0] > 1.0] == []
    # A framed box (an admonition, a solution) split across pages may reach a little into
    # the bottom margin (2.6 cm = 74 pt, empty: page numbers are in the head); up to 30 pt
    # stays well inside it, more would push text towards the edge of the page.
    too_high = [float(p) for p in re.findall(r"Overfull \\vbox \((\d+\.?\d*)pt too high\)", log)]
    assert [p for p in too_high if p > 30] == []
    assert "Missing character" not in log


def test_every_font_is_embedded():
    out = subprocess.run(["pdffonts", str(PDF)], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        # columns: name type encoding emb sub uni object ID; the name may contain spaces
        flags = row.split()[-5:-2]
        assert flags[0] == "yes", f"font not embedded: {row}"


def test_tables_are_typeset_not_printed_as_text():
    on_website = 0
    for name in toc_files():
        for output in main(page(name)).select("div.output.text_html"):
            on_website += len(output.find_all("table"))
    in_latex = TEX.read_text(encoding="utf-8").count(TABLE_MARKER)
    assert in_latex == on_website


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_code_folded_on_the_website_is_printed(chapter):
    """Plotting code that folds on the website is in the PDF, line by line."""
    printed = latex_code_text(TEX.read_text(encoding="utf-8"))
    for code in folded_cells(chapter):
        for line in code.splitlines():
            assert line in printed, f"{chapter.docname}: folded code missing from the PDF: {line}"


# --- The printed page (issue 17) ------------------------------------------------------


@lru_cache(maxsize=1)
def page_labels() -> list[str]:
    from pypdf import PdfReader

    return list(PdfReader(str(PDF)).page_labels)


@cache
def page_lines(number: int) -> tuple[str, ...]:
    """The non-empty lines of PDF page ``number`` (1-based), as laid out on the page."""
    out = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(PDF), "-"],
                         check=True, capture_output=True, text=True).stdout
    return tuple(line.strip() for line in out.splitlines() if line.strip())


def toc_entries() -> list[tuple[str, str, int]]:
    """(kind, title, first PDF page) of every part and chapter in the PDF's contents."""
    toc = (LATEX / "cscbook.toc").read_text(encoding="utf-8")
    labels = page_labels()
    front = labels.index("i")  # arabic labels before it are the title page's

    def number(label: str) -> int:
        return labels.index(label, front if label.isdigit() else 0) + 1

    return [
        (kind, name, number(first))
        for kind, name, first in re.findall(
            r"\\contentsline \{(part|chapter)\}\{(?:\\numberline \{\w+\})?(.*?)\}\{(\w+)\}", toc)
    ]


def test_no_chapter_ends_on_a_page_of_three_lines_or_fewer():
    entries = toc_entries()
    short = []
    for position, (kind, name, first) in enumerate(entries):
        if kind != "chapter" or position + 1 == len(entries):
            continue
        last = entries[position + 1][2] - 1
        while last > first and not page_lines(last):  # a blank left page
            last -= 1
        if last <= first:
            continue
        body = page_lines(last)[1:]  # below the running head
        if len(body) <= 3:
            short.append(f"{name}: page {page_labels()[last - 1]} holds {len(body)} lines")
    assert short == []


def test_no_page_is_blank_but_for_its_running_head():
    # a blank left page before a right-hand start is wholly blank
    for number, label in enumerate(page_labels(), start=1):
        if number > 2:  # after the title page and its back
            assert len(page_lines(number)) != 1, f"page {label} is blank but for its head"


def test_running_heads_on_every_page_but_part_and_chapter_openers():
    from pypdf import PdfReader

    labels = page_labels()
    openers = {first for _, _, first in toc_entries()}
    reader = PdfReader(str(PDF))
    missing = []
    for number in range(labels.index("i") + 2, len(labels) + 1):
        if number in openers or reader.pages[number - 1].get("/Rotate", 0) or not page_lines(number):
            continue
        head = page_lines(number)[0].split()
        # the page number and the chapter or section on one line
        if labels[number - 1] not in (head[0].lower(), head[-1].lower()) or len(head) < 2:
            missing.append(labels[number - 1])
    assert missing == [], f"pages without a running head: {missing[:20]}"


def test_part_pages_use_the_heading_family():
    # chapter and section headings are sans serif (Sphinx's \py@HeaderFamily); so are parts
    parts = [first for kind, _, first in toc_entries() if kind == "part"]
    assert parts
    for number in parts:
        out = subprocess.run(["pdffonts", "-f", str(number), "-l", str(number), str(PDF)],
                             check=True, capture_output=True, text=True).stdout
        fonts = [row.split()[0] for row in out.splitlines()[2:]]
        assert fonts and not [f for f in fonts if "Serif" in f], (
            f"part page {page_labels()[number - 1]} uses {fonts}")


def test_figures_stay_where_their_code_is():
    # A floating figure can land between the two halves of a code cell or output split
    # across pages; every figure is placed where it stands ([H]).
    tex = TEX.read_text(encoding="utf-8")
    placements = re.findall(r"\\begin\{figure\}\[(\w*)\]", tex)
    assert placements and set(placements) == {"H"}, sorted(set(placements))


def test_no_table_is_printed_below_8pt():
    sizes = [float(s) for s in re.findall(r"cscbook table font: (\d+\.?\d*) ?pt", log_text())]
    assert len(sizes) == TEX.read_text(encoding="utf-8").count(TABLE_MARKER), (
        "every table reports its size of type in the LaTeX log")
    assert min(sizes) >= 8.0, f"{sum(s < 8 for s in sizes)} tables below 8 pt, smallest {min(sizes)} pt"


def test_one_table_style():
    # Markdown tables (the data catalogue) and notebook tables: booktabs rules, no
    # coloured rows, column labels in bold text type
    tex = TEX.read_text(encoding="utf-8")
    assert r"\PassOptionsToPackage{colorrows}{sphinx}" not in tex
    assert r"\PassOptionsToPackage{booktabs}{sphinx}" in tex
    style = (LATEX / "cscbook.sty").read_text(encoding="utf-8")
    assert r"\protected\def\sphinxstyletheadfamily{\bfseries}" in style


def test_wrapped_code_lines_carry_no_break_markers():
    arrows, spaces = pdf_text().count("\u21aa"), pdf_text().count("\u2423")
    assert (arrows, spaces) == (0, 0), f"{arrows} hooked arrows, {spaces} visible spaces mark wrapped lines"


def test_title_page_is_dated_from_the_release():
    from cscbook_build.pdf import release_of, title_page_date

    release = release_of(ROOT / "CITATION.cff")
    assert release is not None
    title_page = " ".join(page_lines(1))
    assert title_page_date(*release) in title_page, title_page
