"""How tables look in the book's notebooks.

pandas renders a DataFrame's index as an unlabelled first column whose header cell
is empty, which screen readers announce as an empty header (axe rule
``empty-table-header``). :func:`use_book_display` registers an HTML renderer for
notebooks that drops a default 0, 1, 2, ... index and turns a named index into an
ordinary, labelled column.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["dataframe_html", "use_book_display"]


def dataframe_html(frame: pd.DataFrame) -> str:
    """HTML for a DataFrame with a header on every column and no empty header cell."""
    shown = frame
    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        index = False
    else:
        names = [name if name is not None else f"level_{i}" for i, name in enumerate(frame.index.names)]
        shown = frame.rename_axis(names).reset_index()
        index = False
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
    return shown.to_html(
        index=index,
        max_rows=pd.get_option("display.max_rows"),
        max_cols=pd.get_option("display.max_columns"),
        classes="dataframe",
        border=0,
    )


def use_book_display() -> None:
    """Render DataFrames with :func:`dataframe_html` in IPython; elsewhere do nothing."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, dataframe_html)
