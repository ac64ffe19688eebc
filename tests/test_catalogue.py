"""Tests for cscbook.catalogue: the book's chapters and datasets, and the map drawn from them."""

from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest

from cscbook.catalogue import (
    IN_PREPARATION,
    NOT_TAUGHT,
    MapEntry,
    book_chapters,
    chapter_datasets,
    draw_map,
    map_table,
    markdown_table,
)
from cscbook_build.book import toc_chapters

from .conftest import DATA, ROOT

matplotlib.use("Agg")


def test_chapters_follow_the_toc_as_the_build_tools_read_it():
    # cscbook_build reads _toc.yml with PyYAML: an independent parse of the same file
    expected = [c.docname for c in toc_chapters(ROOT)]
    chapters = book_chapters(ROOT)
    assert chapters["docname"].tolist() == expected
    assert chapters["number"].tolist() == list(range(1, len(expected) + 1))
    for row in chapters.itertuples():
        source = (ROOT / f"{row.docname}.md").read_text(encoding="utf-8")
        assert f"({row.label})=\n# {row.title}\n" in source
        assert row.docname.startswith(f"book/part{row.part}/")


def test_a_toc_with_an_unnumbered_part_numbers_only_the_numbered_parts(tmp_path):
    (tmp_path / "book" / "part1").mkdir(parents=True)
    (tmp_path / "book" / "part2").mkdir(parents=True)
    for doc, label in [("part1/01-a", "ch-a"), ("part2/05-b", "ch-b"), ("part2/99-x", "ch-x")]:
        (tmp_path / "book" / f"{doc}.md").write_text(f"---\nx: 1\n---\n\n({label})=\n# Title {label}\n")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n"
        "- caption: Getting started\n  chapters:\n  - file: book/part2/99-x\n"
        "- caption: Part I\n  numbered: true\n  chapters:\n  - file: book/part1/01-a\n"
        "- caption: Part II\n  numbered: true\n  chapters:\n  - file: book/part2/05-b.md\n"
    )
    chapters = book_chapters(tmp_path)
    assert chapters[["number", "part", "label", "title"]].values.tolist() == [
        [1, 1, "ch-a", "Title ch-a"], [2, 2, "ch-b", "Title ch-b"]]


def test_chapter_datasets_are_the_descriptor_resources():
    resources = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    datasets = chapter_datasets(DATA)
    assert datasets["name"].tolist() == [r["name"] for r in resources]
    assert datasets["chapter"].tolist() == [r["chapter"] for r in resources]
    assert set(datasets["provenance"]) <= {"published", "simulated"}


@pytest.fixture
def small_book():
    chapters = pd.DataFrame({"number": [1, 2], "part": [1, 2], "label": ["ch-a", "ch-b"],
                             "title": ["A", "B"], "docname": ["book/part1/01-a", "book/part2/02-b"],
                             "stem": ["01-a", "02-b"]})
    datasets = pd.DataFrame({"name": ["x", "y", "z"], "chapter": ["01-a", "01-a", "09-other"],
                             "provenance": ["published", "simulated", "published"],
                             "title": ["X", "Y", "Z"]})
    return chapters, datasets


def test_map_table_joins_chapters_and_only_their_datasets(small_book):
    chapters, datasets = small_book
    table = map_table([MapEntry("one", "ch-a", "m1"), MapEntry("two", "ch-b", "m2"),
                       MapEntry("gap", None, source="s")], chapters, datasets)
    assert table["number"].tolist() == [1, 2, None]
    assert table["datasets"].tolist() == [[("x", "published"), ("y", "simulated")], [], []]
    assert table["taught"].tolist() == [True, True, False]
    # a chapter missing from this build (the strict test books hold chapter 1 only) is shown
    # as in preparation and never linked
    lost = map_table([MapEntry("lost", "ch-missing")], chapters, datasets)
    assert lost["taught"].tolist() == [False] and lost["source"].tolist() == [IN_PREPARATION]
    assert "{ref}" not in markdown_table(lost, "Feature") and "in preparation" in markdown_table(lost, "Feature")


def test_markdown_table_links_taught_rows_and_marks_the_others(small_book):
    chapters, datasets = small_book
    table = map_table([MapEntry("one\ntwo", "ch-a", "m1"), MapEntry("bare", "ch-b"),
                       MapEntry("gap", None)], chapters, datasets)
    lines = markdown_table(table, "Thing").splitlines()
    # a long table, so that the PDF may break a map's table across pages
    assert lines[:4] == ["```{list-table}", ":header-rows: 1", ":widths: 28 13 35 24", ":class: longtable"]
    assert lines[-1] == "```"
    assert lines[4] == ""
    rows = "\n".join(lines[5:-1]).split("\n* - ")
    assert rows[0].strip() == "* - Thing\n  - Chapter\n  - Datasets\n  - Method"
    # every row has exactly four cells, and an item's line break cannot split its row
    assert [row.count("\n  - ") for row in rows] == [3, 3, 3, 3]
    assert rows[1] == "one two\n  - {ref}`chapter 1 <ch-a>`\n  - `x` (published), `y` (simulated)\n  - m1"
    assert rows[2] == "bare\n  - {ref}`chapter 2 <ch-b>`\n  - no dataset yet\n  - —"
    assert rows[3] == f"gap\n  - {NOT_TAUGHT}\n  - —\n  - —"


def test_draw_map_marks_untaught_boxes_by_hatching_dashes_and_words(small_book):
    chapters, datasets = small_book
    table = map_table([MapEntry("one", "ch-a"), MapEntry("gap", None), MapEntry("two", "ch-b")],
                      chapters, datasets)
    figure = draw_map(table, {1: "#0072B2", 2: "#D55E00"})
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.texts] == ["one", "ch. 1", "gap", NOT_TAUGHT, "two", "ch. 2"]
    boxes = ax.patches
    assert len(boxes) == 6  # an item box and a badge per row
    hatched = [bool(p.get_hatch()) for p in boxes]
    assert hatched == [False, False, True, False, False, False]
    dashed = [p.get_linestyle() not in ("-", "solid") for p in boxes]
    assert dashed == [False, False, True, True, False, False]
    # a taught box carries its part's colour; the untaught box is white
    assert matplotlib.colors.to_hex(boxes[0].get_edgecolor()) == "#0072b2"
    assert matplotlib.colors.to_hex(boxes[4].get_edgecolor()) == "#d55e00"
    assert matplotlib.colors.to_hex(boxes[2].get_facecolor()) == "#ffffff"
    matplotlib.pyplot.close(figure)
