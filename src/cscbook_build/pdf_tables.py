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
# \small type (10 pt), \footnotesize (9 pt) and \scriptsize (8 pt, the smallest type the
# book prints); a wider table stacks its column labels, wraps its prose columns or turns
# the page (a landscape page holds LANDSCAPE times as many characters a line).
SMALL_LINE = 80
FOOTNOTESIZE_LINE = 92
SCRIPTSIZE_LINE = 102
SIZES = ((r"\small", SMALL_LINE), (r"\footnotesize", FOOTNOTESIZE_LINE), (r"\scriptsize", SCRIPTSIZE_LINE))
LANDSCAPE = 1.5
WRAPPED_MIN = 16  # characters a line of a wrapped prose column holds at least
# where a wrapped column's text may break: spaces, after a slash, after a compound's hyphen
BREAKS = re.compile(r"[\s/]+|(?<=[A-Za-z])-(?=[A-Za-z])")
# (in the escaped text, where Sphinx writes a hyphen as \sphinxhyphen{})
COMPOUND_HYPHEN = re.compile(r"(?<=[A-Za-z])\\sphinxhyphen\{\}(?=[A-Za-z])")
NUMBER = re.compile(r"^[-+−]?(\d[\d,_ ]*)?(\.\d+)?([eE][-+]?\d+)?%?$")
MISSING_VALUES = {"", "\u2014", "NaN", "nan", "<NA>", "NaT", "None", "...", "…", "inf", "-inf"}


def _is_number(text: str) -> bool:
    return text in MISSING_VALUES or (bool(NUMBER.match(text)) and any(ch.isdigit() for ch in text))


def _cell_latex(cell: Cell, bold: bool) -> str:
    text = tex_escape(cell.text, latex_engine="xelatex")
    return rf"\textbf{{{text}}}" if bold and text else text


def stack_label(text: str, width: int) -> list[str]:
    """A column label broken after its underscores (or at spaces) into lines of about ``width``.

    "event_free_high" over a column of 4-character numbers becomes "event_", "free_",
    "high": the label no longer sets the column's width, and it still reads as the
    column's name in the code.
    """
    pieces = re.findall(r"[^_ ]+_*|[_ ]+", text)
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(piece.rstrip()) <= width:
            lines[-1] += piece
        else:
            lines.append(piece.lstrip())
    return [line.rstrip() for line in lines if line.strip()] or [text]


def table_to_latex(table: HtmlTable, allow_landscape: bool = True) -> str:
    """LaTeX for a parsed HTML table: booktabs rules, a longtable when it is long.

    The type is \\small when the table fits the line, else \\footnotesize or
    \\scriptsize (8 pt); a table too wide for that stacks its column labels, wraps its
    prose columns, and at last turns its page to landscape (not inside a box, where
    ``allow_landscape`` is false), so that no table is shrunk below 8 pt. The LaTeX
    reports the size each table is printed at (``cscbook table font`` in the log).
    """
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

    def widths_of(rows):
        return [
            max([len(row[c].text) for row in rows if row[c] is not None] or [0])
            for c in range(ncols)
        ]

    widths = widths_of(head + body)
    estimate = sum(widths) + 2 * ncols  # characters, column padding included
    # Too wide for the line: column labels (single-column header cells) are stacked
    # over as many lines as needed to be about as wide as their column's values.
    stacked: dict[tuple[int, int], list[str]] = {}
    if estimate > SMALL_LINE:
        body_widths = widths_of(body)
        for r, row in enumerate(head):
            for c, cell in enumerate(row):
                if cell is None or (c + 1 < ncols and row[c + 1] is None) or len(cell.text) <= 6:
                    continue
                lines = stack_label(cell.text, max(body_widths[c], 6))
                if len(lines) > 1:
                    stacked[(r, c)] = lines
        widths = [
            max([body_widths[c]] + [
                max(len(x) for x in stacked[(r, c)]) if (r, c) in stacked
                else len(row[c].text) if row[c] is not None else 0
                for r, row in enumerate(head)
            ])
            for c in range(ncols)
        ]
        estimate = sum(widths) + 2 * ncols
    def wraps(c: int) -> bool:
        """A column of prose: wider than WRAPPED_MIN, and no word longer than that."""
        words = [w for row in body if row[c] is not None for w in BREAKS.split(row[c].text)]
        return (align[c] == "l" and not index_cols[c] and widths[c] > WRAPPED_MIN
                and max((len(w) for w in words), default=0) <= WRAPPED_MIN)

    wide_text = [c for c in range(ncols) if wraps(c)]
    fixed = sum(widths[c] for c in range(ncols) if c not in wide_text) + 2 * ncols

    def layout(factor: float):
        """(size, wrapped columns, characters a wrapped column holds), or None."""
        for font, capacity in SIZES:
            capacity = int(capacity * factor)
            if estimate <= capacity:
                return font, [], 0
            if wide_text and fixed <= capacity - WRAPPED_MIN * len(wide_text):
                return font, wide_text, (capacity - fixed) / len(wide_text) / capacity
        return None

    landscape = False
    chosen = layout(1.0)
    if chosen is None and allow_landscape:
        # too wide for an upright page even at 8 pt: turn the page (and shrink what
        # still does not fit, which the log reports)
        chosen = layout(LANDSCAPE)
        landscape = True
    size, wrapped, share = chosen or (r"\scriptsize", [], 0)
    long = len(body) > 30

    def header_text(r: int, c: int, cell: Cell) -> str:
        if (r, c) not in stacked:
            return _cell_latex(cell, bold=True)
        lines = [_cell_latex(Cell(x, True), bold=True) for x in stacked[(r, c)]]
        return r"\begin{tabular}[b]{@{}" + align[c] + "@{}}" + r" \\ ".join(lines) + r"\end{tabular}"

    def line(r: int, row: list[Cell | None], header_row: bool) -> str:
        out = []
        c = 0
        while c < ncols:
            cell = row[c]
            span = 1
            while c + span < ncols and row[c + span] is None:
                span += 1
            if cell is None:
                out.append("")
            elif header_row:
                text = header_text(r, c, cell)
                out.append(rf"\multicolumn{{{span}}}{{c}}{{{text}}}" if span > 1 else text)
            else:
                text = _cell_latex(cell, bold=index_cols[c])
                # a wrapped column may break after a slash ("epirubicin/cyclophosphamide") or
                # the hyphen of a compound ("anthracycline-based")
                if c in wrapped:
                    text = COMPOUND_HYPHEN.sub(r"\\sphinxhyphen{}\\allowbreak{}", text.replace("/", r"/\allowbreak{}"))
                out.append(text)
            c += span
        return " & ".join(out) + r" \\"

    head_lines = [line(r, row, True) for r, row in enumerate(head)]
    body_lines = [line(r, row, False) for r, row in enumerate(body)]

    def column(c: int) -> str:
        if c not in wrapped:
            return align[c]
        if long:  # longtable has no X columns
            return rf">{{\raggedright\arraybackslash}}p{{{share:.3f}\linewidth}}"
        return r">{\raggedright\arraybackslash}X"

    spec = "@{}" + "".join(column(c) for c in range(ncols)) + "@{}"
    out = [TABLE_MARKER]
    if landscape:
        out.append(r"\begin{landscape}")
    out.append(r"\begin{cscbooktable}{" + size + "}")
    if long:
        out.append(r"\cscbooktablefont")
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
            out.append(r"\cscbooktablefont")
            out.append(r"\begin{tabularx}{\linewidth}{" + spec + "}")
        else:
            out.append(r"\begin{cscbookfit}")
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
            out.append(r"\end{cscbookfit}")
    if table.after:
        out.append(r"\cscbooktablenote{" + tex_escape(table.after, latex_engine="xelatex") + "}")
    out.append(r"\end{cscbooktable}")
    if landscape:
        out.append(r"\end{landscape}")
    return "\n".join(out) + "\n"
