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
    the cell texts the website shows. Nothing is re-executed.

Builders sharing one environment
    The PDF and the website share ``_build/.doctrees``. Pages that a PDF build
    reads again are read again by the next website build too, so that their HTML
    is rewritten (Sphinx would otherwise keep the old page).

Bibliography and index
    The bibliography is printed where the bibliography page stands in the table
    of contents, under that page's title. Every use of a glossary term
    (``{term}``) adds an index entry next to the term's own (bold) entry, which
    Sphinx makes from the glossary. DOI links print as their full address.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging, texescape

logger = logging.getLogger(__name__)

PART_CAPTION = re.compile(r"^Part\s+([IVXLC]+)[.:]?\s+(.+)$")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
TABLE_MARKER = "% cscbook: table from a notebook output"


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


def tex_escape(text: str, latex_engine: str = "xelatex") -> str:
    """Escape text for LaTeX as Sphinx does (its tables are filled by the LaTeX builder)."""
    if not texescape._tex_escape_map:
        texescape.init()
    return texescape.escape(text, latex_engine=latex_engine)


def raw_latex(text: str) -> nodes.raw:
    return nodes.raw("", text, format="latex")


# --- HTML tables (DataFrame and Styler outputs) to LaTeX ---------------------------


@dataclass
class Cell:
    text: str
    header: bool  # a <th>: column label, index label or index value
    colspan: int = 1
    rowspan: int = 1


@dataclass
class HtmlTable:
    head: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)
    caption: str = ""
    after: str = ""  # text after the table, e.g. pandas' "61 rows × 3 columns"


class _TableParser(HTMLParser):
    """Collect the cells of the HTML tables in a notebook output."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[HtmlTable] = []
        self.other_text: list[str] = []
        self._section = "body"
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None
        self._in_caption = False
        self._skip = 0  # inside <style> or <script>

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self.tables.append(HtmlTable())
            self._section = "body"
        elif not self.tables:
            return
        elif tag == "thead":
            self._section = "head"
        elif tag in ("tbody", "tfoot"):
            self._section = "body"
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = Cell(
                "", tag == "th",
                _span(attributes.get("colspan")), _span(attributes.get("rowspan")),
            )
        elif tag == "caption":
            self._in_caption = True
        elif tag == "br" and self._cell is not None:
            self._cell.text += " "

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._cell.text = " ".join(self._cell.text.split())
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            (table.head if self._section == "head" else table.body).append(self._row)
            self._row = None
        elif tag == "thead":
            self._section = "body"
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.text += data
        elif self._in_caption:
            self.tables[-1].caption += data
        elif data.strip():
            self.other_text.append(data.strip())


def _span(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def parse_html_table(html: str) -> HtmlTable | None:
    """The table of an HTML output that consists of one table, else ``None``.

    Text outside the table (pandas adds "61 rows × 3 columns" below a truncated
    frame) is kept in ``after``; an output with more than one table, or with
    prose around it, is not a table output and gives ``None``.
    """
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    if len(parser.tables) != 1:
        return None
    table = parser.tables[0]
    if not table.body and not table.head:
        return None
    after = " ".join(parser.other_text)
    if len(after) > 80:
        return None
    table.caption = " ".join(table.caption.split())
    table.after = after
    return table


def _grid(rows: list[list[Cell]]) -> list[list[Cell | None]]:
    """Place cells on a grid, resolving row and column spans.

    A spanned-over position holds ``None``; a cell spanning rows is repeated as an
    empty cell below its first row (pandas sparsifies repeated index labels the
    same way in its text output).
    """
    grid: list[list[Cell | None]] = []
    pending: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(rows):
        line: list[Cell | None] = []
        cells = iter(row)
        c = 0
        while True:
            if (r, c) in pending:
                line.append(pending.pop((r, c)))
                c += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            line.append(cell)
            line.extend([None] * (cell.colspan - 1))
            for down in range(1, cell.rowspan):
                pending[(r + down, c)] = Cell("", cell.header, cell.colspan)
                for extra in range(1, cell.colspan):
                    pending[(r + down, c + extra)] = None  # type: ignore[assignment]
            c += cell.colspan
        grid.append(line)
    width = max((len(line) for line in grid), default=0)
    return [line + [Cell("", False)] * (width - len(line)) for line in grid]


# Characters (column padding included) that fit on a line of a code cell's output in
# \small type; a wider table is set smaller, wrapped or shrunk to the line.
SMALL_LINE = 80
FOOTNOTESIZE_LINE = 92
NUMBER = re.compile(r"^[-+−]?(\d[\d,_ ]*)?(\.\d+)?([eE][-+]?\d+)?%?$")
MISSING_VALUES = {"", "NaN", "nan", "<NA>", "NaT", "None", "...", "…", "inf", "-inf"}


def _is_number(text: str) -> bool:
    return text in MISSING_VALUES or (bool(NUMBER.match(text)) and any(ch.isdigit() for ch in text))


def _cell_latex(cell: Cell, bold: bool) -> str:
    text = tex_escape(cell.text, latex_engine="xelatex")
    return rf"\textbf{{{text}}}" if bold and text else text


def table_to_latex(table: HtmlTable) -> str:
    """LaTeX for a parsed HTML table: booktabs rules, a longtable when it is long."""
    head = _grid(table.head)
    body = _grid(table.body)
    ncols = max([len(r) for r in head + body] or [0])
    head = [r + [Cell("", True)] * (ncols - len(r)) for r in head]
    body = [r + [Cell("", False)] * (ncols - len(r)) for r in body]
    # index columns: a column whose body cells are all <th>
    index_cols = [
        all(row[c] is None or row[c].header for row in body) if body else False
        for c in range(ncols)
    ]
    align = []
    for c in range(ncols):
        values = [row[c].text for row in body if row[c] is not None]
        numeric = not index_cols[c] and values and all(_is_number(v) for v in values)
        align.append("r" if numeric else "l")
    widths = [
        max([len(row[c].text) for row in head + body if row[c] is not None] or [0])
        for c in range(ncols)
    ]
    estimate = sum(widths) + 2 * ncols  # characters, column padding included
    size = r"\small" if estimate <= SMALL_LINE else r"\footnotesize"
    # A table too wide for the line, with long prose in some columns (a "meaning" or
    # "note" column), wraps those columns rather than shrinking the whole table.
    wrapped = []
    if estimate > SMALL_LINE:
        wide_text = [c for c in range(ncols) if align[c] == "l" and not index_cols[c] and widths[c] > 24]
        fixed = sum(widths[c] for c in range(ncols) if c not in wide_text) + 2 * ncols
        for font, capacity in ((r"\small", SMALL_LINE), (r"\footnotesize", FOOTNOTESIZE_LINE)):
            if wide_text and fixed <= capacity - 22 * len(wide_text):
                wrapped, size = wide_text, font
                break

    def line(row: list[Cell | None], header_row: bool) -> str:
        out = []
        c = 0
        while c < ncols:
            cell = row[c]
            span = 1
            while c + span < ncols and row[c + span] is None:
                span += 1
            if cell is None:
                out.append("")
            else:
                text = _cell_latex(cell, bold=header_row or index_cols[c])
                if span > 1:
                    text = rf"\multicolumn{{{span}}}{{c}}{{{text}}}"
                out.append(text)
            c += span
        return " & ".join(out) + r" \\"

    head_lines = [line(r, True) for r in head]
    body_lines = [line(r, False) for r in body]
    spec = "@{}" + "".join(
        r">{\raggedright\arraybackslash}X" if c in wrapped else align[c] for c in range(ncols)
    ) + "@{}"
    out = [TABLE_MARKER, r"\begin{cscbooktable}{" + size + "}"]
    if len(body) > 30:
        out.append(r"\begin{longtable}{" + spec + "}")
        if table.caption:
            out.append(r"\caption*{" + tex_escape(table.caption, latex_engine="xelatex") + r"}\\")
        out.append(r"\toprule")
        out += head_lines
        if head_lines:
            out.append(r"\midrule")
        out.append(r"\endhead")
        out.append(r"\bottomrule")
        out.append(r"\endfoot")
        out += body_lines
        out.append(r"\end{longtable}")
    else:
        if table.caption:
            out.append(r"\cscbooktablecaption{" + tex_escape(table.caption, latex_engine="xelatex") + "}")
        if wrapped:
            out.append(r"\begin{tabularx}{\linewidth}{" + spec + "}")
        else:
            out.append(r"\begin{adjustbox}{max width=\linewidth}")
            out.append(r"\begin{tabular}{" + spec + "}")
        out.append(r"\toprule")
        out += head_lines
        if head_lines:
            out.append(r"\midrule")
        out += body_lines
        out.append(r"\bottomrule")
        if wrapped:
            out.append(r"\end{tabularx}")
        else:
            out.append(r"\end{tabular}")
            out.append(r"\end{adjustbox}")
    if table.after:
        out.append(r"\cscbooktablenote{" + tex_escape(table.after, latex_engine="xelatex") + "}")
    out.append(r"\end{cscbooktable}")
    return "\n".join(out) + "\n"


class HtmlTablesToLatex(SphinxPostTransform):
    """Typeset notebook outputs that are HTML tables (DataFrames) as LaTeX tables.

    Runs before myst-nb picks one mime type per output (priority 4), so it sees
    the whole bundle: an output whose best LaTeX choice would be its plain-text
    repr, but which also has an HTML table, gets the table instead.
    """

    default_priority = 3
    formats = ("latex",)
    PREFERRED = ("application/pdf", "image/png", "image/jpeg", "text/latex")

    def run(self, **kwargs) -> None:
        def is_bundle(node):
            return isinstance(node, nodes.container) and node.get("nb_element") == "mime_bundle"

        for bundle in list(self.document.findall(is_bundle)):
            by_type = {child.get("mime_type"): child for child in bundle.children}
            if any(kind in by_type for kind in self.PREFERRED) or "text/html" not in by_type:
                continue
            html = by_type["text/html"].astext()
            table = parse_html_table(html)
            if table is None:
                continue
            bundle.replace_self(raw_latex(table_to_latex(table)))


# --- Links in print -------------------------------------------------------------------


class PrintableDoiLinks(SphinxPostTransform):
    """Print a DOI link as its full address instead of "doi:..." plus a footnote.

    In print every external link gets its address in a footnote
    (``latex_show_urls``); for the bibliography's "doi:10.1038/..." links that
    footnote would only repeat the DOI. Showing ``https://doi.org/10.1038/...``
    in place is shorter and can be typed in. Runs before Sphinx adds the
    footnotes (priority 400).
    """

    default_priority = 390
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for ref in list(self.document.findall(nodes.reference)):
            uri = ref.get("refuri", "")
            text = ref.astext()
            if text.lower().startswith("doi:") and uri.lower().endswith(text[4:].lower()):
                ref.children = [nodes.Text(uri)]


class PlainCitationsInCaptions(SphinxPostTransform):
    """Citations in figure captions and headings print as text, without a link.

    LaTeX copies captions and headings into its lists (moving arguments), where the
    link of an author-year citation (raw LaTeX from pybtex) breaks the build ("Argument of \\Hy@tempa has
    an extra }"). The citation's text stays; the bibliography is a page away.
    Runs after references are resolved (priority 10).
    """

    default_priority = 20
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        def is_citation(node):
            return isinstance(node, nodes.inline) and "bibtex-citation" in node.get("classes", [])

        for holder in list(self.document.findall(lambda n: isinstance(n, (nodes.caption, nodes.title)))):
            for citation in list(holder.findall(is_citation)):
                for ref in list(citation.findall(nodes.reference)):
                    ref.replace_self(nodes.inline("", "", *ref.children))
                # pybtex's LaTeX backend writes the link as raw "\hyperlink{...}{" ... "}"
                for raw in list(citation.findall(lambda n: "raw" in type(n).__name__.lower())):
                    raw.parent.remove(raw)


# --- Glossary terms in the index ---------------------------------------------------


class GlossaryTermsInIndex(SphinxPostTransform):
    """Add an index entry wherever a glossary term is used with ``{term}``.

    Runs before references are resolved (priority 10), while the term roles are
    still ``pending_xref`` nodes. The entry uses the glossary's own spelling, so
    uses and definition (Sphinx's bold entry) share one line of the index.
    """

    default_priority = 6
    formats = ("latex",)
    SKIP_INSIDE = (nodes.title, nodes.caption, nodes.term, nodes.table, nodes.literal_block)

    def run(self, **kwargs) -> None:
        canonical = {}
        for glossary in self.document.findall(addnodes.glossary):
            for term in list(glossary.findall(nodes.term)):
                text = " ".join(
                    t.astext() for t in term.findall(nodes.Text)
                    if not any(isinstance(a, addnodes.index) for a in _ancestors(t))
                ).strip()
                if text:
                    canonical[text.lower()] = text
                self.move_entry_out_of_term(term)

        def is_term(node):
            return (
                isinstance(node, addnodes.pending_xref)
                and node.get("refdomain") == "std"
                and node.get("reftype") == "term"
            )

        for ref in list(self.document.findall(is_term)):
            if any(isinstance(a, self.SKIP_INSIDE) for a in _ancestors(ref)):
                continue
            target = " ".join(ref.get("reftarget", "").split()).lower()
            if target not in canonical:
                continue
            entry = addnodes.index(entries=[("single", canonical[target], "", "", None)])
            entry["inline"] = True
            ref.parent.insert(ref.parent.index(ref), entry)

    @staticmethod
    def move_entry_out_of_term(term: nodes.term) -> None:
        """Write the glossary's own index entry from the definition, not the term.

        Inside the term (a LaTeX macro argument) ``\\sphinxhyphen{}`` reaches the
        index file as ``\\sphinxhyphen {}``, so a hyphenated term would get two
        index lines, one for its definition and one for its uses.
        """
        item = term.parent
        definition = next((c for c in item.children if isinstance(c, nodes.definition)), None)
        if definition is None:
            return
        target = definition[0] if definition.children and isinstance(
            definition[0], nodes.paragraph) else definition
        for entry in list(term.findall(addnodes.index)):
            entry.parent.remove(entry)
            entry["inline"] = True
            target.insert(0, entry)


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


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
    self.body.append("\n" + r"\needspace{6\baselineskip}\begin{sphinxadmonition}{tip}")


def depart_solution_node(self, node) -> None:
    self.body.append(r"\end{sphinxadmonition}" + "\n")


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
    app.add_post_transform(PrintableDoiLinks)
    app.add_post_transform(PlainCitationsInCaptions)
    app.add_post_transform(GlossaryTermsInIndex)
    app.add_post_transform(IntroAsChapter)
    app.add_post_transform(BookStructure)
    app.add_post_transform(BibliographyInPlace)
    app.connect("env-before-read-docs", _remember_pages_read_by_another_builder)
    app.connect("env-get-outdated", _reread_for_html)
    app.connect("build-finished", _forget_reread)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
