"""Stand-ins that let a chapter notebook run outside the book build.

The chapters put the numbers their prose quotes into the text with ``myst_nb.glue``.
A student notebook runs on a plain Jupyter install without myst-nb, so the classroom
edition imports :func:`glue` from here instead: it shows the value when the chapter
asked for it to be shown, and otherwise does nothing.
"""

from __future__ import annotations

__all__ = ["glue"]


def glue(name: str, variable, display: bool = True) -> None:
    """Do what ``myst_nb.glue`` shows a reader: display ``variable`` unless ``display=False``."""
    if not display:
        return
    try:
        from IPython.display import display as show
    except ImportError:  # plain Python
        print(variable)
        return
    show(variable)
