"""One plot style for the whole book.

Colours come from the Okabe-Ito palette, which stays distinguishable for the
common forms of colour-vision deficiency. Each cell population keeps the same
colour, marker and line style in every chapter, so a reader who learned that
CSC-like cells are vermilion circles in chapter 1 sees the same in chapter 13.
Markers and line styles carry the same information as colour, so a figure still
reads in greyscale print.

In a notebook, :func:`use_book_style` also sets the formats each figure is drawn in:
PNG, which the website shows, and, when the printed book is built (``make pdf`` sets
``CSCBOOK_FIGURE_FORMATS=png,pdf``), PDF too, so that its figures are vector graphics,
sharp at any size. Elsewhere (the website, a student's notebook) a figure is drawn
once, as PNG. The variable is part of the execution cache's key
(:mod:`cscbook_build.signature`), so the website and the PDF never share a chapter's
outputs drawn for the other. The PDF output is reproducible when
``SOURCE_DATE_EPOCH`` is set, as the Makefile does.
"""

from __future__ import annotations

import os

import matplotlib as mpl
from cycler import cycler

__all__ = [
    "OKABE_ITO",
    "COLORS",
    "MARKERS",
    "LINESTYLES",
    "SEQUENTIAL_CMAP",
    "FIGURE_FORMATS",
    "PRINT_FIGURE_FORMATS",
    "FIGURE_FORMATS_VARIABLE",
    "figure_formats",
    "use_book_style",
    "population_style",
]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

COLORS = {
    "csc": OKABE_ITO["vermillion"],  # cancer stem cells, CSC-like, leukaemic stem cells
    "progenitor": OKABE_ITO["orange"],
    "bulk": OKABE_ITO["blue"],  # non-CSC, differentiated, bulk tumour cells
    "terminal": OKABE_ITO["sky_blue"],
    "normal": OKABE_ITO["bluish_green"],  # healthy cells and tissues
    "treated": OKABE_ITO["reddish_purple"],
    "other": OKABE_ITO["yellow"],
    "model": OKABE_ITO["black"],  # fitted curves and model predictions
}

MARKERS = {
    "csc": "o",
    "progenitor": "^",
    "bulk": "s",
    "terminal": "D",
    "normal": "v",
    "treated": "P",
    "other": "X",
    "model": "",
}

LINESTYLES = {
    "csc": "-",
    "progenitor": "-.",
    "bulk": "--",
    "terminal": ":",
    "normal": (0, (3, 1, 1, 1, 1, 1)),
    "treated": (0, (5, 2)),
    "other": (0, (1, 2)),
    "model": "-",
}

SEQUENTIAL_CMAP = "cividis"

# Notebook figure outputs: PNG for the website; the PDF build asks for PDF (vector) too,
# through the environment variable, so no other run draws every figure twice.
FIGURE_FORMATS = ("png",)
PRINT_FIGURE_FORMATS = ("png", "pdf")
FIGURE_FORMATS_VARIABLE = "CSCBOOK_FIGURE_FORMATS"

_CYCLE_ORDER = ["csc", "bulk", "progenitor", "normal", "treated", "terminal", "other"]


def population_style(population: str) -> dict:
    """Return matplotlib keyword arguments (colour, marker, line style) for a population."""
    if population not in COLORS:
        raise KeyError(f"unknown population {population!r}; use one of {sorted(COLORS)}")
    return {
        "color": COLORS[population],
        "marker": MARKERS[population] or None,
        "linestyle": LINESTYLES[population],
    }


def use_book_style() -> None:
    """Set matplotlib defaults (palette, sizes that read on screen and in print) and,
    in a notebook, the book's accessible table display and figure formats (PNG for
    the website, PDF too when the printed book is built: :func:`figure_formats`)."""
    from .display import use_book_display

    use_book_display()
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 110,
            # the notebook PNGs are drawn at figure.dpi (IPython ignores savefig.dpi);
            # this is for figures a reader saves to a file
            "savefig.dpi": 200,
            "savefig.bbox": "tight",
            "figure.constrained_layout.use": True,
            "font.size": 11,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "legend.fontsize": 10,
            "legend.frameon": False,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "lines.linewidth": 2.0,
            "lines.markersize": 6,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": False,
            "axes.prop_cycle": cycler(color=[COLORS[k] for k in _CYCLE_ORDER]),
            "image.cmap": SEQUENTIAL_CMAP,
            "svg.hashsalt": "cscbook",
            "pdf.fonttype": 42,
        }
    )
    _use_figure_formats()


def figure_formats() -> tuple[str, ...]:
    """The formats notebook figures are drawn in: ``$CSCBOOK_FIGURE_FORMATS`` (comma
    separated, ``png,pdf`` for the printed book) or else ``FIGURE_FORMATS``."""
    chosen = os.environ.get(FIGURE_FORMATS_VARIABLE, "")
    return tuple(f.strip() for f in chosen.split(",") if f.strip()) or FIGURE_FORMATS


def _use_figure_formats() -> None:
    """In IPython (a notebook being executed), output figures in :func:`figure_formats`."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        return
    if get_ipython() is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats(*figure_formats())
