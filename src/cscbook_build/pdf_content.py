"""The printed book's content, cell by cell (post-transforms of :mod:`cscbook_build.pdf`).

What a page of the PDF shows of a notebook cell or a link, as opposed to the book's
structure (parts, front and back matter, solutions), which :mod:`cscbook_build.pdf`
arranges:

- an output that is an HTML table (a DataFrame or a Styler) is typeset as a LaTeX
  table (:mod:`cscbook_build.pdf_tables`);
- a code cell short enough to fit on a page starts on a new page rather than splitting;
- the code of a cell folded on the website (tag ``hide-input``) is printed;
- DOI links print as their full address, citations in captions as plain text;
- every use of a glossary term (``{term}``) adds an index entry.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from .pdf_tables import parse_html_table, table_to_latex

logger = logging.getLogger(__name__)


def raw_latex(text: str) -> nodes.raw:
    return nodes.raw("", text, format="latex")


# --- HTML tables (DataFrame and Styler outputs) to LaTeX ---------------------------


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
            boxed = any(isinstance(a, (nodes.Admonition, nodes.table)) or any(
                            kind in type(a).__name__ for kind in ("solution", "exercise"))
                        for a in ancestors(bundle))
            latex = table_to_latex(table, allow_landscape=not boxed)
            cell = next((a for a in ancestors(bundle) if isinstance(a, nodes.container)
                         and a.get("nb_element") == "cell_code"), None)
            if r"\begin{landscape}" in latex and cell is not None and cell.parent is not None:
                # a landscape page cannot start inside the output's environment: the
                # table follows the cell instead
                bundle.parent.remove(bundle)
                cell.parent.insert(cell.parent.index(cell) + 1, raw_latex(latex))
            else:
                bundle.replace_self(raw_latex(latex))


# --- Code cells that fit on a page are not split -------------------------------------


class KeepShortCodeTogether(SphinxPostTransform):
    """Start a code cell on a new page when it would otherwise be split and fits on one.

    Sphinx breaks a long code block or output across pages ("continued on next
    page"); for a cell of a few lines the break only costs the reader a page turn.
    Before a cell whose input and text outputs add up to at most ``MAX_LINES`` lines,
    and before each such block of a longer cell, a ``\needspace`` asks for room
    for all of it. Code inside boxes (exercises, solutions) is left alone: a box is
    typeset before it is placed, so there is no page to ask.
    """

    default_priority = 800
    formats = ("latex",)
    MAX_LINES = 24

    def run(self, **kwargs) -> None:
        def is_cell(node):
            return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"

        for cell in list(self.document.findall(is_cell)):
            if cell.parent is None or any(
                isinstance(a, (nodes.Admonition, nodes.table)) or any(
                    kind in type(a).__name__ for kind in ("solution", "exercise"))
                for a in ancestors(cell)
            ):
                continue
            blocks = list(cell.findall(nodes.literal_block))
            if any(True for _ in cell.findall(nodes.image)) or not blocks:
                self.keep(blocks)
                continue
            total = sum(self.lines(b) + 2 for b in blocks)
            if total <= self.MAX_LINES:
                cell.parent.insert(cell.parent.index(cell), self.need(total))
            else:
                self.keep(blocks)

    @staticmethod
    def lines(block) -> int:
        return block.astext().count("\n") + 1

    def keep(self, blocks) -> None:
        for block in blocks:
            size = self.lines(block) + 2
            if size <= self.MAX_LINES and block.parent is not None:
                block.parent.insert(block.parent.index(block), self.need(size))

    @staticmethod
    def need(lines: int) -> nodes.raw:
        return raw_latex(rf"\needspace{{{lines}\baselineskip}}" + "\n")


# --- Folded code in print ---------------------------------------------------------

FOLDED_INPUT_TAG = "hide-input"


class FoldedCodeInPrint(SphinxPostTransform):
    """Print the code of cells that the website folds (tagged ``hide-input``).

    sphinx-jupyterbook-latex (priority 400) replaces the input of every container with
    the class ``tag_hide-input`` by a node that prints nothing. On paper nothing can be
    unfolded, and the PDF holds everything the website holds, so this transform runs
    first and takes that class off code cells whose input alone is folded; their code is
    then typeset like any other cell's. Cells whose output is hidden as well keep it.
    """

    default_priority = 395
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        css_class = f"tag_{FOLDED_INPUT_TAG}"

        def is_folded_cell(node):
            return (
                isinstance(node, nodes.container)
                and node.get("nb_element") == "cell_code"
                and css_class in node.get("classes", [])
                and node.get("hide_mode") == "input"
            )

        for cell in list(self.document.findall(is_folded_cell)):
            cell["classes"].remove(css_class)


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
                    if not any(isinstance(a, addnodes.index) for a in ancestors(t))
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
            if any(isinstance(a, self.SKIP_INSIDE) for a in ancestors(ref)):
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


def ancestors(node):
    """The node's parents, nearest first."""
    node = node.parent
    while node is not None:
        yield node
        node = node.parent
