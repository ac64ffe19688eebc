"""What the book teaches, and where: its chapters, their datasets, and a map of both.

The page *The map of the review* places every mechanism of resistance and every
strategy against cancer stem cells in the chapter that teaches it. Chapter numbers,
titles and datasets are not typed by hand there: they are read, when the book is built,
from the table of contents (``_toc.yml``), from the chapters' own first lines and from
``data/datapackage.json``, so the map follows the book when chapters move or gain data.

- :func:`book_chapters` lists the numbered chapters in reading order.
- :func:`chapter_datasets` lists the datasets of ``datapackage.json`` by chapter.
- :func:`map_table` joins a list of map entries to both and
  :func:`markdown_table` writes the result as a MyST table with links to the chapters.
- :func:`draw_map` draws the entries as a column of labelled boxes, one per row.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.patches import FancyBboxPatch

from .data import data_dir, datapackage

__all__ = [
    "IN_PREPARATION",
    "NOT_TAUGHT",
    "MapEntry",
    "book_root",
    "book_chapters",
    "chapter_datasets",
    "map_table",
    "markdown_table",
    "draw_map",
]

# What the map says, in the figure and in the table, for an item no chapter teaches.
NOT_TAUGHT = "not taught"
IN_PREPARATION = "in preparation: its chapter is not in this build"
# A numbered chapter's page in _toc.yml: book/part1/01-limiting-dilution
_CHAPTER_FILE = re.compile(r"^\s*-?\s*file:\s*(book/part\d+/[\w.-]+?)(?:\.md)?\s*$")
_CAPTION = re.compile(r"^\s*-?\s*caption:")
_NUMBERED = re.compile(r"^\s*numbered:\s*true\s*$", re.IGNORECASE)
_LABEL = re.compile(r"^\((?P<label>[\w-]+)\)=\s*$")
_TITLE = re.compile(r"^#\s+(?P<title>.+?)\s*$")


@dataclass(frozen=True)
class MapEntry:
    """One box of the map: a mechanism or strategy and the chapter that teaches it.

    ``label`` is the chapter's cross-reference label (``ch-efflux-side-population``),
    or ``None`` when no chapter teaches the item. ``method`` is what the chapter
    computes; ``source`` names where an untaught item comes from.
    """

    item: str
    label: str | None
    method: str = ""
    source: str = ""

    @property
    def taught(self) -> bool:
        return self.label is not None


def book_root(folder: Path | None = None) -> Path:
    """Return the book's root folder (the one holding ``_toc.yml``).

    Parameters
    ----------
    folder : Path, optional
        The root itself; by default the parent of the data folder that
        :func:`cscbook.data.data_dir` finds.

    Returns
    -------
    Path
        A folder with a ``_toc.yml`` file.

    Examples
    --------
    >>> (book_root() / "_toc.yml").is_file()
    True
    """
    root = Path(folder) if folder is not None else data_dir().parent
    if not (root / "_toc.yml").is_file():
        raise FileNotFoundError(f"{root}: no _toc.yml; pass the book's root folder")
    return root


def _numbered_chapter_files(toc_text: str) -> list[str]:
    files: list[str] = []
    numbered = False
    for line in toc_text.splitlines():
        if _CAPTION.match(line):
            numbered = False
        elif _NUMBERED.match(line):
            numbered = True
        elif (match := _CHAPTER_FILE.match(line)) and numbered:
            files.append(match.group(1))
    return files


def _label_and_title(path: Path) -> tuple[str, str]:
    label = title = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not label and (match := _LABEL.match(line)):
            label = match["label"]
        elif label and (match := _TITLE.match(line)):
            title = match["title"]
            break
    if not label or not title:
        raise ValueError(f"{path}: no '(label)=' line followed by a '# title'")
    return label, title


def book_chapters(root: Path | None = None) -> pd.DataFrame:
    """Return the numbered chapters of the book in reading order.

    Chapters are numbered in the order of the numbered parts of ``_toc.yml``, one
    count across all parts, as the website numbers them.

    Parameters
    ----------
    root : Path, optional
        The book's root folder (see :func:`book_root`).

    Returns
    -------
    pandas.DataFrame
        One row per chapter: ``number``, ``part`` (the N of its folder
        ``book/partN``), ``label`` (its cross-reference label),
        ``title``, ``docname`` (``book/part1/01-limiting-dilution``) and ``stem``
        (the file name without suffix, as the ``chapter`` field of
        ``datapackage.json`` names it).

    Examples
    --------
    >>> chapters = book_chapters()
    >>> first = chapters.iloc[0]
    >>> int(first["number"]), first["label"]
    (1, 'ch-limiting-dilution')
    """
    root = book_root(root)
    rows = []
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    for number, docname in enumerate(_numbered_chapter_files(toc), start=1):
        label, title = _label_and_title(root / f"{docname}.md")
        part = int(re.match(r"book/part(\d+)/", docname).group(1))
        rows.append({"number": number, "part": part, "label": label, "title": title,
                     "docname": docname, "stem": docname.rsplit("/", 1)[-1]})
    return pd.DataFrame(rows, columns=["number", "part", "label", "title", "docname", "stem"])


def chapter_datasets(folder: Path | None = None) -> pd.DataFrame:
    """Return every dataset of ``datapackage.json`` with the chapter that uses it.

    Parameters
    ----------
    folder : Path, optional
        The data folder (see :func:`cscbook.data.data_dir`).

    Returns
    -------
    pandas.DataFrame
        One row per dataset, in the descriptor's order: ``name`` (what
        ``load`` takes), ``chapter`` (the chapter file's stem), ``provenance``
        (``published`` or ``simulated``) and ``title``.

    Examples
    --------
    >>> datasets = chapter_datasets()
    >>> "elda_example" in set(datasets["name"])
    True
    """
    rows = [
        {"name": entry.get("name", ""), "chapter": entry.get("chapter", ""),
         "provenance": entry.get("provenance", ""), "title": entry.get("title", "")}
        for entry in datapackage(folder).get("resources", [])
    ]
    return pd.DataFrame(rows, columns=["name", "chapter", "provenance", "title"])


def map_table(entries: list[MapEntry], chapters: pd.DataFrame,
              datasets: pd.DataFrame) -> pd.DataFrame:
    """Join map entries to the chapters that teach them and those chapters' datasets.

    Parameters
    ----------
    entries : list of MapEntry
        The boxes of one map, in the order to show them.
    chapters : pandas.DataFrame
        From :func:`book_chapters`.
    datasets : pandas.DataFrame
        From :func:`chapter_datasets`.

    Returns
    -------
    pandas.DataFrame
        One row per entry: ``item``, ``label``, ``number`` and ``part``
        (``None`` when not taught), ``title``, ``datasets`` (a list of ``(name, provenance)`` pairs),
        ``method``, ``source`` and ``taught``.

    An entry whose chapter is not in this build (no numbered chapter carries its label) is
    shown as not taught, with :data:`IN_PREPARATION` as its source.

    Examples
    --------
    >>> chapters = pd.DataFrame({"number": [1], "part": [1], "label": ["ch-a"], "title": ["A"],
    ...                          "docname": ["book/part1/01-a"], "stem": ["01-a"]})
    >>> datasets = pd.DataFrame({"name": ["x"], "chapter": ["01-a"],
    ...                          "provenance": ["published"], "title": ["X"]})
    >>> table = map_table([MapEntry("counting", "ch-a", "a GLM"),
    ...                    MapEntry("spreading", None, source="a review")],
    ...                   chapters, datasets)
    >>> table[["item", "number", "datasets"]].values.tolist()
    [['counting', 1, [('x', 'published')]], ['spreading', None, []]]
    """
    by_label = chapters.set_index("label")
    rows = []
    for entry in entries:
        row = {"item": entry.item, "label": entry.label, "number": None, "part": None, "title": "",
               "datasets": [], "method": entry.method, "source": entry.source,
               "taught": entry.taught}
        if entry.taught and entry.label not in by_label.index:
            # a chapter left out of this build (the test books hold chapter 1 only): shown as
            # in preparation, never linked; tests/test_review_map.py keeps the real book whole
            row.update(taught=False, source=IN_PREPARATION)
        elif entry.taught:
            chapter = by_label.loc[entry.label]
            used = datasets[datasets["chapter"] == chapter["stem"]]
            row.update(number=int(chapter["number"]), part=int(chapter["part"]), title=chapter["title"],
                       datasets=list(zip(used["name"], used["provenance"], strict=True)))
        rows.append(row)
    # object columns keep a missing chapter number as None, not NaN
    return pd.DataFrame(rows, columns=["item", "label", "number", "part", "title", "datasets",
                                       "method", "source", "taught"], dtype=object)


def markdown_table(table: pd.DataFrame, first_header: str,
                   widths: tuple[int, int, int, int] = (28, 13, 35, 24)) -> str:
    """Write a map table as a MyST ``list-table`` with links to the chapters.

    Each taught item links to its chapter with a ``{ref}`` role; an item no
    chapter teaches says :data:`NOT_TAUGHT` and has a dash for dataset and method.
    A ``list-table`` (rather than a pipe table) sets the column widths, which the
    PDF needs: without them LaTeX squeezes the short chapter column; and it is a long
    table, which the PDF may break across pages (a map's table is taller than a page).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`map_table`.
    first_header : str
        The header of the first column ("Mechanism", "Strategy").
    widths : tuple of int
        Relative widths of the four columns.

    Returns
    -------
    str
        The table as MyST Markdown, ready for a ``text/markdown`` output that
        myst-nb renders as MyST.

    Examples
    --------
    >>> table = pd.DataFrame([{"item": "counting", "label": "ch-a", "number": 1,
    ...     "datasets": [("x", "published")], "method": "a GLM", "taught": True}])
    >>> print(markdown_table(table, "Feature"))
    ```{list-table}
    :header-rows: 1
    :widths: 28 13 35 24
    :class: longtable
    <BLANKLINE>
    * - Feature
      - Chapter
      - Datasets
      - Method
    * - counting
      - {ref}`chapter 1 <ch-a>`
      - `x` (published)
      - a GLM
    ```
    """
    lines = ["```{list-table}", ":header-rows: 1", ":widths: " + " ".join(map(str, widths)),
             ":class: longtable", "",
             f"* - {first_header}", "  - Chapter", "  - Datasets", "  - Method"]
    for row in table.itertuples(index=False):
        if row.taught:
            chapter = f"{{ref}}`chapter {row.number} <{row.label}>`"
            data = ", ".join(f"`{name}` ({kind})" for name, kind in row.datasets) or "no dataset yet"
            method = row.method or "—"
        elif getattr(row, "source", None) == IN_PREPARATION:
            chapter, data, method = "in preparation", "—", "—"
        else:
            chapter, data, method = NOT_TAUGHT, "—", "—"
        item = " ".join(str(row.item).split())
        lines += [f"* - {item}", f"  - {chapter}", f"  - {data}", f"  - {method}"]
    lines.append("```")
    return "\n".join(lines)


def draw_map(table: pd.DataFrame, colors: dict[int, str], width: float = 4.4, wrap: int = 29,
             fontsize: float = 12.5):
    """Draw a map as one column of boxes: the item on the left, its chapter on the right.

    A taught item is a box tinted with the colour of its chapter's part and a badge
    "ch. N"; an item no chapter teaches is a white box hatched in grey with a dashed
    border and the badge "not taught", so the difference does not rest on colour.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`map_table`.
    colors : dict
        Part number -> colour (``#RRGGBB``); a taught box is tinted with it.
    width : float
        Figure width in inches (the height follows from the number of lines).
    wrap : int
        Characters per line of an item's label.
    fontsize : float
        Font size of the labels, in points.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (no axes frame, no ticks).

    Examples
    --------
    >>> table = pd.DataFrame([{"item": "counting", "number": 1, "part": 1, "taught": True},
    ...                       {"item": "spreading", "number": None, "part": None, "taught": False}])
    >>> figure = draw_map(table, {1: "#0072B2"})
    >>> [t.get_text() for t in figure.axes[0].texts]
    ['counting', 'ch. 1', 'spreading', 'not taught']
    >>> plt.close(figure)
    """
    labels = [textwrap.fill(str(item), wrap) for item in table["item"]]
    heights = [0.36 + 0.22 * label.count("\n") for label in labels]
    gap = 0.1
    total = sum(heights) + gap * (len(heights) + 1)
    figure, ax = plt.subplots(figsize=(width, total * fontsize / 11.0 * 0.92 + 0.1),
                              layout="constrained")
    ax.set_xlim(0, 1)
    ax.set_ylim(total, 0)
    ax.set_axis_off()
    top = gap
    for label, height, row in zip(labels, heights, table.itertuples(index=False), strict=True):
        middle = top + height / 2
        if row.taught:
            color = colors[int(row.part)]
            box = dict(facecolor=color + "2E", edgecolor=color, linewidth=1.6, linestyle="-")
            badge = dict(facecolor="white", edgecolor=color, linewidth=2.2, linestyle="-")
            badge_text, text_color, style = f"ch. {int(row.number)}", "black", "normal"
        else:
            box = dict(facecolor="white", edgecolor="#555555", linewidth=1.4,
                       linestyle=(0, (4, 2)), hatch="///")
            badge = dict(facecolor="#EEEEEE", edgecolor="#555555", linewidth=1.4,
                         linestyle=(0, (4, 2)))
            badge_text, text_color, style = NOT_TAUGHT, "#333333", "italic"
        ax.add_patch(FancyBboxPatch((0.005, top), 0.72, height, zorder=1,
                                    boxstyle="round,pad=0,rounding_size=0.03",
                                    mutation_aspect=1 / width, **box))
        ax.add_patch(FancyBboxPatch((0.755, top), 0.24, height, zorder=1,
                                    boxstyle="round,pad=0,rounding_size=0.03",
                                    mutation_aspect=1 / width, **badge))
        ax.text(0.03, middle, label, va="center", ha="left", fontsize=fontsize,
                color=text_color, style=style, zorder=3,
                bbox=None if row.taught else dict(facecolor="white", edgecolor="none", pad=1.5))
        ax.text(0.875, middle, badge_text, va="center", ha="center",
                fontsize=fontsize if row.taught else fontsize - 1,
                fontweight="bold" if row.taught else "normal", style=style,
                color=text_color, zorder=3)
        top += height + gap
    return figure
