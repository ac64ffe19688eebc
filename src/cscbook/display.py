"""How tables look in the book's notebooks.

pandas renders a DataFrame's index as an unlabelled first column whose header cell
is empty, which screen readers announce as an empty header (axe rule
``empty-table-header``). :func:`use_book_display` registers an HTML renderer for
notebooks that drops a default 0, 1, 2, ... index and turns a named index into an
ordinary, labelled column.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["MISSING", "dataframe_html", "p_value_text", "use_book_display"]


#: How a missing value is shown: a dash, not pandas' ``NaN``, ``<NA>`` or ``None``.
MISSING = "\u2014"

_ROW = re.compile(r"<tr[^>]*>.*?</tr>", re.S)
_CELL = re.compile(r"<(td|th)(?=[\s>])")


def dataframe_html(frame: pd.DataFrame) -> str:
    """HTML for a DataFrame as a reader should see it.

    Every column has a header (no empty header cell); row numbers, whether ``0, 1, 2``
    or the gaps a filter leaves, are not shown; a named index becomes an ordinary
    column, and an unnamed index of labels a column headed "row"; missing values show
    as a dash; numeric columns carry the class ``num`` so that they align right.

    >>> table = pd.DataFrame({"arm": ["drug", "placebo"], "responders": [3, None]})
    >>> html = dataframe_html(table.iloc[[1]])
    >>> "placebo" in html and "\u2014" in html and '<td class="num">' in html
    True
    """
    shown = frame
    unnamed = all(name is None for name in frame.index.names)
    if not (unnamed and frame.index.nlevels == 1 and pd.api.types.is_integer_dtype(frame.index.dtype)):
        single = frame.index.nlevels == 1
        names = [name if name is not None else ("row" if single else f"row ({i + 1})")
                 for i, name in enumerate(frame.index.names)]
        shown = frame.rename_axis(names).reset_index()
    if not isinstance(shown.columns, pd.MultiIndex) and shown.columns.name is not None:
        # A named column axis (a pivot table's "population", a transition matrix's
        # "tomorrow") becomes an extra header cell and an empty header cell in every row:
        # fold its name into the header of the first column instead.
        name, from_index = shown.columns.name, shown is not frame
        shown = shown.rename_axis(columns=None)
        if from_index and len(shown.columns):
            first = shown.columns[0]
            shown = shown.rename(columns={first: f"{first} / {name}"})
    if isinstance(shown.columns, pd.MultiIndex):
        shown = shown.copy()
        shown.columns = [" / ".join(str(part) for part in column if str(part)) for column in shown.columns]
    numeric = {
        position for position in range(shown.shape[1])
        if pd.api.types.is_numeric_dtype(shown.iloc[:, position])
        and not pd.api.types.is_bool_dtype(shown.iloc[:, position])
    }
    for position in range(shown.shape[1]):
        column = shown.iloc[:, position]
        text_like = column.dtype == object or isinstance(column.dtype, pd.api.extensions.ExtensionDtype)
        if text_like and column.isna().any():
            # na_rep covers NaN in float columns only: None and pd.NA (nullable Int64 or
            # string columns) would print as "None" and "<NA>"
            if shown is frame:
                shown = shown.copy()
            shown.isetitem(position, column.astype(object).where(column.notna(), MISSING))
    html = shown.to_html(
        index=False,
        na_rep=MISSING,
        max_rows=pd.get_option("display.max_rows"),
        max_cols=pd.get_option("display.max_columns"),
        classes="dataframe",
        border=0,
    )
    html = html.replace('<tr style="text-align: right;">', "<tr>")  # alignment is per column
    return _ROW.sub(lambda row: _mark_numeric(row.group(0), numeric), html)


def _mark_numeric(row: str, numeric: set[int]) -> str:
    """Give the cells of a table row that sit in a numeric column the class ``num``."""
    position = -1

    def mark(cell: re.Match) -> str:
        nonlocal position
        position += 1
        return f'<{cell.group(1)} class="num"' if position in numeric else cell.group(0)

    return _CELL.sub(mark, row)


def p_value_text(p: float, smallest: float = 0.001) -> str:
    """A p-value as prose reports it: two significant digits, or "p < 0.001" below that.

    A p-value of 3.7e-56 is no more informative than "below one in a thousand" and
    reads as a misprint in a sentence.

    >>> p_value_text(0.0456), p_value_text(3.7e-56)
    ('p = 0.046', 'p < 0.001')
    """
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value lies between 0 and 1, not {p}")
    return f"p < {smallest:g}" if p < smallest else f"p = {p:.2g}"


def use_book_display() -> None:
    """Render DataFrames with :func:`dataframe_html` in IPython; elsewhere do nothing."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        return
    shell = get_ipython()
    if shell is None:
        return
    # NumPy 2 shows a scalar as np.float64(0.5): the value is what the reader needs
    np.set_printoptions(legacy="1.25")
    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, dataframe_html)
