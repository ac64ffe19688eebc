"""Notebook outputs that are HTML tables (pandas DataFrames and Stylers) as LaTeX tables.

Used by :class:`cscbook_build.pdf.HtmlTablesToLatex` for the PDF: the website shows a
DataFrame as an HTML table, and this module typesets exactly its cell texts as a
booktabs table (numbers right-aligned, shrunk to the text width when too wide). Pure
text in, text out: no document tree, so it is tested without TeX
(``tests/test_pdf_helpers.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sphinx.util import texescape

TABLE_MARKER = "% cscbook: table from a notebook output"


def tex_escape(text: str, latex_engine: str = "xelatex") -> str:
    """Escape text for LaTeX as Sphinx does (its tables are filled by the LaTeX builder)."""
    if not texescape._tex_escape_map:
        texescape.init()
    return texescape.escape(text, latex_engine=latex_engine)


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
MISSING_VALUES = {"", "\u2014", "NaN", "nan", "<NA>", "NaT", "None", "...", "…", "inf", "-inf"}


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
