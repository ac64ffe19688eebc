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

Figures are drawn for a phone first. A phone (390 CSS px wide) shows a figure about
340 px wide, and text in it is ``points / 72 * 340 / width_in_inches`` px tall, so
a figure ``FIGURE_WIDTH`` (4.8) inches wide keeps 10 pt text at about 9.8 px, above
the 9 px the book's browser test asks for. A figure with two panels stacks them
(``plt.subplots(2, 1, ...)``) rather than setting them side by side at twice the
width. Each PNG records its smallest font size and its resolution
(``FONT_METADATA``), so the browser test measures the text as a reader sees it.
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
    "FIGURE_WIDTH",
    "MIN_FONT_PT",
    "FONT_METADATA",
    "smallest_font_pt",
    "fit_labels",
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

# Figure width in inches and the smallest font size in points: together they keep the
# text of a figure at least 9 CSS px tall on a 390 px phone (see the module docstring).
FIGURE_WIDTH = 4.8
MIN_FONT_PT = 10

# PNG text chunks written with every notebook figure: its smallest font size (points)
# and its resolution (dots per inch). tests/test_website.py reads them.
FONT_METADATA = ("cscbook:min-font-pt", "cscbook:dpi")

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


def fit_labels(ax, tick_width: int = 20, label_width: int = 32) -> None:
    """Break long category labels (the y tick labels of a forest or bar plot) into lines
    of at most ``tick_width`` characters and the x-axis label into lines of at most
    ``label_width``, so that the figure keeps its ``FIGURE_WIDTH`` and its text size on a
    phone instead of growing sideways. Call it after setting the labels."""
    import textwrap

    def wrap(text: str, width: int) -> str:
        return "\n".join(textwrap.fill(line, width) for line in text.split("\n"))

    ticks = ax.yaxis.get_majorticklocs()
    labels = ax.yaxis.get_major_formatter().format_ticks(ticks)
    if any(len(label) > tick_width for label in labels):
        ax.set_yticks(ticks, [wrap(label, tick_width) for label in labels])
    if ax.get_xlabel():
        ax.set_xlabel(wrap(ax.get_xlabel(), label_width))


def use_book_style() -> None:
    """Set matplotlib defaults (palette, sizes that read on screen and in print) and,
    in a notebook, the book's accessible table display and figure formats (PNG for
    the website, PDF too when the printed book is built: :func:`figure_formats`)."""
    from .display import use_book_display

    use_book_display()
    mpl.rcParams.update(
        {
            "figure.figsize": (FIGURE_WIDTH, 3.0),
            "figure.dpi": 110,
            # the notebook PNGs are drawn at figure.dpi (IPython ignores savefig.dpi);
            # this is for figures a reader saves to a file
            "savefig.dpi": 200,
            "savefig.bbox": "tight",
            "figure.constrained_layout.use": True,
            "font.size": 11,
            "axes.titlesize": 11,
            "axes.labelsize": 11,
            "legend.fontsize": MIN_FONT_PT,
            "legend.frameon": False,
            "xtick.labelsize": MIN_FONT_PT,
            "ytick.labelsize": MIN_FONT_PT,
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
    from matplotlib.figure import Figure
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats(*figure_formats())
    png = get_ipython().display_formatter.formatters["image/png"]
    png.for_type(Figure, _png_with_font_metadata)


def smallest_font_pt(fig) -> float | None:
    """The smallest font size (points) of the visible, non-empty text in a figure."""
    from matplotlib.text import Text

    sizes = [
        text.get_fontsize()
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip() and _shown(text)
    ]
    return min(sizes) if sizes else None


def _shown(artist) -> bool:
    """Whether an artist and the axes or axis holding it are visible."""
    axes = getattr(artist, "axes", None)
    if axes is not None and not axes.get_visible():
        return False
    if axes is not None and not axes.axison:
        return artist not in axes.xaxis.findobj() and artist not in axes.yaxis.findobj()
    return True


def _png_with_font_metadata(fig):
    """IPython's PNG output of a figure, with its smallest font size and dpi recorded."""
    from IPython.core.pylabtools import print_figure

    smallest = smallest_font_pt(fig)
    metadata = {FONT_METADATA[1]: f"{fig.dpi:g}"}
    if smallest is not None:
        metadata[FONT_METADATA[0]] = f"{smallest:g}"
    return print_figure(fig, "png", base64=True, bbox_inches="tight", metadata=metadata)
