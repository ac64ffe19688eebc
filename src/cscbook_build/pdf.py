"""Sphinx extension for the printed book (the LaTeX builder only).

Jupyter Book's LaTeX route (sphinx-jupyterbook-latex) turns the whole book into
one LaTeX document. This extension reshapes that document into a book, and does
nothing for any other builder, so the website is not affected:

Structure
    The root page becomes an unnumbered chapter ("About this book"). Table of
    contents captions of the form ``Part I. Title`` become numbered LaTeX parts
    (``\\part{Title}``, numbered as the caption says); the chapters before the
    first part are unnumbered front matter with roman page numbers, the pages
    after the last part are unnumbered back matter. Chapter, figure and equation
    numbers therefore match the website's.

Exercises and solutions
    A reader cannot unfold a solution on paper. Every solution of a chapter is
    moved, in order, to a section at the end of that chapter, is typeset as a
    visibly different box ("Solution to Exercise 1.2"), and each exercise ends
    with a pointer to the page of its solution.

Tables
    pandas shows a DataFrame as an HTML table on the website and as monospace
    text everywhere else. For the PDF, every output that is an HTML table (a
    DataFrame or a Styler) is typeset as a LaTeX table (booktabs rules, numbers
    right-aligned, shrunk to the text width when it is too wide), with exactly
    the cell texts the website shows (:mod:`cscbook_build.pdf_tables`). Nothing
    is re-executed.

Builders sharing one environment
    The PDF and the website share ``_build/.doctrees``. Pages that a PDF build
    reads again are read again by the next website build too, so that their HTML
    is rewritten (Sphinx would otherwise keep the old page).

Folded code
    On the website a cell tagged ``hide-input`` (plotting boilerplate) folds its code
    under a "Show code cell source" toggle; sphinx-jupyterbook-latex would leave that
    code out of the PDF, which cannot unfold it. The PDF prints it, as any other cell.

Bibliography and index
    The bibliography is printed where the bibliography page stands in the table
    of contents, under that page's title. Every use of a glossary term
    (``{term}``) adds an index entry next to the term's own (bold) entry, which
    Sphinx makes from the glossary. DOI links print as their full address.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from .pdf_content import (
    FoldedCodeInPrint,
    GlossaryTermsInIndex,
    HtmlTablesToLatex,
    KeepShortCodeTogether,
    PlainCitationsInCaptions,
    PrintableDoiLinks,
    raw_latex,
)
from .pdf_tables import tex_escape

logger = logging.getLogger(__name__)

PART_CAPTION = re.compile(r"^Part\s+([IVXLC]+)[.:]?\s+(.+)$")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(numeral: str) -> int:
    """Value of a Roman numeral (I, IV, XII, ...)."""
    total = 0
    for index, char in enumerate(numeral):
        value = ROMAN[char]
        if index + 1 < len(numeral) and ROMAN[numeral[index + 1]] > value:
            total -= value
        else:
            total += value
    return total


# --- Book structure: front matter, parts, back matter, solutions --------------------


def _is_root_toctree(node, root: str) -> bool:
    return (
        isinstance(node, nodes.compound)
        and "toctree-wrapper" in node.get("classes", [])
        and node.get("docname") == root
    )


class IntroAsChapter(SphinxPostTransform):
    """Make the root page's content an unnumbered chapter with real sections.

    Runs just before sphinx-jupyterbook-latex flattens the root page's sections
    into bold lines (priority 700): the sections are moved into a new chapter and
    hidden from that step.
    """

    default_priority = 690
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        root = self.config.root_doc
        top = next(
            (s for s in self.document.findall(nodes.section) if s.get("docname") == root),
            None,
        )
        if top is None or not top.children or not isinstance(top[0], nodes.title):
            return
        chapter = nodes.section("", ids=["cscbook-about-this-book"])
        chapter += nodes.title("", self.config.cscbook_pdf_intro_title)
        for child in list(top.children[1:]):
            if _is_root_toctree(child, root) or (
                isinstance(child, nodes.compound) and "toctree-wrapper" in child.get("classes", [])
            ):
                continue
            top.remove(child)
            chapter += child
        for section in chapter.findall(nodes.section):
            section.attributes.pop("header_level", None)
        top.insert(1, chapter)
        top.insert(1, raw_latex(r"\cscbookfrontmatter" + "\n"))


class BookStructure(SphinxPostTransform):
    """Parts, front matter and back matter from the table of contents captions.

    Runs after sphinx-jupyterbook-latex (priority 700) has moved the root page's
    toctrees to the end of the document, one ``compound`` per caption.
    """

    default_priority = 720
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        root = self.config.root_doc
        groups = [n for n in self.document.children if _is_root_toctree(n, root)]
        if not groups:
            return
        parts = [PART_CAPTION.match(g.get("caption") or "") for g in groups]
        numbered = [i for i, match in enumerate(parts) if match]
        first = numbered[0] if numbered else 0
        last = numbered[-1] if numbered else len(groups) - 1
        for index, group in enumerate(groups):
            before = []
            if index == first:
                before.append(r"\cscbookmainmatter")
            match = parts[index]
            if match:
                number = roman_to_int(match.group(1))
                title = tex_escape(match.group(2).strip(), latex_engine="xelatex")
                before.append(rf"\cscbookpart{{{number}}}{{{title}}}")
            if index == last + 1:
                before.append(r"\cscbookbackmatter")
            if before:
                parent = group.parent
                parent.insert(parent.index(group), raw_latex("\n".join(before) + "\n"))
            if first <= index <= last:
                for chapter in group.findall(addnodes.start_of_file):
                    if chapter.parent is group:
                        self.collect_solutions(chapter)

    def collect_solutions(self, chapter: addnodes.start_of_file) -> None:
        from sphinx_exercise.nodes import is_exercise_node, solution_node

        section = next((c for c in chapter.children if isinstance(c, nodes.section)), None)
        if section is None:
            return
        solutions = list(section.findall(solution_node))
        if not solutions:
            return
        exercises = {node.get("label"): node for node in section.findall(is_exercise_node)}
        block = nodes.section("", ids=["cscbook-solutions"])
        block += nodes.title("", self.config.cscbook_pdf_solutions_title)
        for solution in solutions:
            solution.parent.remove(solution)
            block += solution
            # A short closing paragraph stays with what comes before it: alone, it would
            # be all of the chapter's last page (widow lines: visit_solution_node).
            last = ([None] + list(solution.findall(nodes.paragraph)))[-1]
            if last is not None and last.parent is not None and last.parent.index(last) > 0 \
                    and last.parent[-1] is last:
                last.parent.insert(last.parent.index(last), raw_latex("\\nopagebreak\n"))
            exercise = exercises.get(solution.get("target_label"))
            if exercise is not None and exercise.parent is not None:
                pointer = raw_latex(
                    rf"\cscbooksolutionpointer{{{solution_latex_label(solution)}}}" + "\n"
                )
                exercise.parent.insert(exercise.parent.index(exercise) + 1, pointer)
        section += block


def solution_latex_label(node) -> str:
    return "cscbook-solution:" + node.get("label", "")


def visit_solution_node(self, node) -> None:
    """sphinx-exercise's LaTeX for a solution, as a 'tip' notice rather than a 'note'."""
    registry = self.builder.env.sphinx_exercise_registry
    docname = registry[node["label"]].get("docname")
    self.body.append(
        rf"\phantomsection\label{{{docname}:{node['label']}}}"
        rf"\label{{{solution_latex_label(node)}}}" + "\n"
    )
    # A box split across pages never leaves fewer than four lines of a paragraph for the
    # next page: at a chapter's end that page would hold nothing else.
    self.body.append("\n" + r"\begingroup\widowpenalties 4 10000 10000 10000 0\relax"
                     r"\needspace{6\baselineskip}\begin{sphinxadmonition}{tip}")


def depart_solution_node(self, node) -> None:
    self.body.append(r"\end{sphinxadmonition}\endgroup" + "\n")


class BibliographyInPlace(SphinxPostTransform):
    """Print the bibliography where the bibliography page is, under its title.

    Sphinx gathers every citation at the very end of the LaTeX document
    (priority 750); this moves them into the page that holds the
    ``{bibliography}`` directive, replacing that page's own (now empty) section.
    """

    default_priority = 760
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        from sphinx.builders.latex.nodes import thebibliography

        bibliographies = [n for n in self.document.children if isinstance(n, thebibliography)]
        if len(bibliographies) != 1:
            return
        domain = self.env.get_domain("cite")
        docnames = {key.docname for key in domain.bibliographies}
        if len(docnames) != 1:
            return
        docname = docnames.pop()
        page = next(
            (n for n in self.document.findall(addnodes.start_of_file) if n.get("docname") == docname),
            None,
        )
        section = None if page is None else next(
            (c for c in page.children if isinstance(c, nodes.section)), None
        )
        if section is None:
            return
        bibliography = bibliographies[0]
        title = section[0].astext() if isinstance(section[0], nodes.title) else "Bibliography"
        self.document.remove(bibliography)
        name = tex_escape(title, latex_engine="xelatex")
        page.replace(section, [raw_latex(rf"\renewcommand{{\bibname}}{{{name}}}" + "\n"), bibliography])


# --- The title page ----------------------------------------------------------------


def release_of(citation: Path) -> tuple[str, str] | None:
    """The version and release date (``date-released``, ISO) that CITATION.cff gives."""
    import yaml

    if not citation.is_file():
        return None
    data = yaml.safe_load(citation.read_text(encoding="utf-8")) or {}
    version, released = data.get("version"), data.get("date-released")
    if not version or not released:
        return None
    return str(version), str(released)


def title_page_date(version: str, released: str) -> str:
    """The title page's date line: "Version 0.1.0, 27 November 2026"."""
    import datetime

    day = datetime.date.fromisoformat(released)
    return f"Version {version}, {day.day} {day:%B} {day.year}"


def _date_from_citation(app) -> None:
    """Date the title page from the release in CITATION.cff, not from the build day.

    Sphinx dates it ``today`` (with SOURCE_DATE_EPOCH, the fixed epoch of the
    reproducible build: "Jan 01, 2026"). The book's date is its release. Only for
    the LaTeX builder: the website has no title page.
    """
    if app.builder.name != "latex":
        return
    for folder in (Path(app.srcdir), *Path(app.srcdir).parents[:2]):
        release = release_of(folder / "CITATION.cff")
        if release is not None:
            app.config.today = title_page_date(*release)
            app.builder.context["date"] = app.config.today  # filled in before this event
            return


# --- Builders sharing one environment ------------------------------------------------

REREAD_FOR_HTML = "cscbook-reread-for-html.json"


def _remember_pages_read_by_another_builder(app, env, docnames) -> None:
    """Note the pages a LaTeX (or other non-HTML) build reads again.

    All builders share ``_build/.doctrees``. A page that the PDF build re-reads
    (because its data or the package changed) is up to date in that shared
    environment afterwards, and the HTML builder, which rewrites a page only when
    the environment or the page's source file changed, would keep its old HTML.
    """
    if app.builder.format == "html" or not docnames:
        return
    path = Path(app.doctreedir) / REREAD_FOR_HTML
    pending = set(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else set()
    path.write_text(json.dumps(sorted(pending | set(docnames))), encoding="utf-8")


def _reread_for_html(app, env, added, changed, removed) -> list[str]:
    """In an HTML build, read again the pages another builder read since the last one."""
    if app.builder.format != "html":
        return []
    path = Path(app.doctreedir) / REREAD_FOR_HTML
    if not path.is_file():
        return []
    app.cscbook_reread = path
    return [name for name in json.loads(path.read_text(encoding="utf-8")) if name in env.found_docs]


def _forget_reread(app, exception) -> None:
    path = getattr(app, "cscbook_reread", None)
    if exception is None and path is not None and path.is_file():
        path.unlink()


def setup(app):
    app.setup_extension("sphinx_exercise")
    from sphinx_exercise.nodes import solution_node

    app.add_config_value("cscbook_pdf_intro_title", "About this book", "env")
    app.add_config_value("cscbook_pdf_solutions_title", "Solutions to the exercises", "env")
    app.add_node(solution_node, override=True, latex=(visit_solution_node, depart_solution_node))
    app.add_post_transform(HtmlTablesToLatex)
    app.add_post_transform(FoldedCodeInPrint)
    app.add_post_transform(KeepShortCodeTogether)
    app.add_post_transform(PrintableDoiLinks)
    app.add_post_transform(PlainCitationsInCaptions)
    app.add_post_transform(GlossaryTermsInIndex)
    app.add_post_transform(IntroAsChapter)
    app.add_post_transform(BookStructure)
    app.add_post_transform(BibliographyInPlace)
    app.connect("builder-inited", _date_from_citation)
    app.connect("env-before-read-docs", _remember_pages_read_by_another_builder)
    app.connect("env-get-outdated", _reread_for_html)
    app.connect("build-finished", _forget_reread)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
