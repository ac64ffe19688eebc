"""The map of the review: every chapter is on it, its datasets are real, and gaps are marked.

These tests read the built page as a reader sees it: the links in its tables, the
dataset names in them, the "not taught" rows and the alt text of its three figures.
"""

from __future__ import annotations

import posixpath
import re

import pytest
from bs4 import BeautifulSoup

from cscbook.catalogue import NOT_TAUGHT

from .conftest import chapter_files, glued_number

PAGE = "book/front/review-map"
DASH = "—"


@pytest.fixture(scope="module")
def main(built_html):
    path = built_html / f"{PAGE}.html"
    assert path.is_file(), f"{path} was not built: is book/front/review-map in _toc.yml?"
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return soup.find("main") or soup


def linked_docname(href: str) -> str:
    """The page a link on the map page points to (``book/part1/01-limiting-dilution``)."""
    target = href.split("#")[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(PAGE), target)).removesuffix(".html")


def map_rows(main):
    """Every body row of the page's map tables, as (item, chapter cell, datasets cell, method)."""
    rows = []
    for table in main.find_all("table"):
        headers = [th.get_text(" ", strip=True) for th in table.find_all("th")]
        if headers[1:] != ["Chapter", "Datasets", "Method"]:
            continue
        for tr in table.find("tbody").find_all("tr"):
            rows.append(tr.find_all("td"))
    return rows


def test_the_page_has_three_map_tables_with_a_row_per_box(main):
    tables = [t for t in main.find_all("table")
              if [th.get_text(strip=True) for th in t.find_all("th")][1:] == ["Chapter", "Datasets", "Method"]]
    assert len(tables) == 3
    assert len(map_rows(main)) == glued_number(PAGE, "map_items_total")


def test_every_numbered_chapter_of_the_toc_is_linked_from_the_map(main):
    linked = {linked_docname(a["href"]) for a in main.find_all("a", href=True)
              if not a["href"].startswith(("http", "#"))}
    chapters = chapter_files()
    assert chapters, "no numbered chapters in _toc.yml"
    missing = [c for c in chapters if c not in linked]
    assert missing == [], f"chapters the map does not link: {missing}"
    assert glued_number(PAGE, "map_chapters_linked") == len(chapters)
    assert glued_number(PAGE, "map_chapters_in_book") == len(chapters)


def test_each_table_link_says_the_number_the_website_gives_that_chapter(main):
    numbers = {c: i for i, c in enumerate(chapter_files(), start=1)}
    for cells in map_rows(main):
        link = cells[1].find("a", href=True)
        if link is None:
            continue
        docname = linked_docname(link["href"])
        assert link.get_text(strip=True) == f"chapter {numbers[docname]}", docname


def test_chapter_numbers_in_the_prose_match_the_chapters_they_link(main):
    # the prose types numbers ("chapter 4"), the tables compute them: both must agree
    numbers = {c: i for i, c in enumerate(chapter_files(), start=1)}
    checked = 0
    for link in main.find_all("a", href=True):
        docname = linked_docname(link["href"]) if not link["href"].startswith(("http", "#")) else ""
        said = re.fullmatch(r"(?:[Cc]hapters? )?(\d+)", " ".join(link.get_text().split()))
        if docname in numbers and said:
            assert int(said[1]) == numbers[docname], f"{link.get_text()!r} links {docname}"
            checked += 1
    assert checked >= 30


def test_every_dataset_in_the_tables_is_in_the_descriptor_with_that_chapter(main, descriptor):
    by_name = {r["name"]: r for r in descriptor["resources"]}
    by_chapter: dict[str, set[str]] = {}
    for r in descriptor["resources"]:
        by_chapter.setdefault(r.get("chapter"), set()).add(r["name"])
    checked = 0
    for cells in map_rows(main):
        link = cells[1].find("a", href=True)
        if link is None:
            continue
        stem = linked_docname(link["href"]).rsplit("/", 1)[-1]
        named = {code.get_text(strip=True) for code in cells[2].find_all("code")}
        for name in named:
            assert name in by_name, f"{name} is not in datapackage.json"
            assert by_name[name].get("chapter") == stem, f"{name} belongs to {by_name[name].get('chapter')}, not {stem}"
            kind = by_name[name]["provenance"]
            assert f"{name} ({kind})" in cells[2].get_text(" ", strip=True), name
            checked += 1
        # and no dataset of that chapter is left out of its row
        assert named == by_chapter.get(stem, set()), stem
    assert checked > 20, "the map tables name fewer datasets than the book has"


def test_untaught_items_are_marked_in_words_in_the_tables(main):
    untaught = [cells for cells in map_rows(main) if cells[1].get_text(strip=True) == NOT_TAUGHT]
    assert len(untaught) == glued_number(PAGE, "map_items_not_taught") >= 1
    for cells in untaught:
        assert cells[1].find("a") is None
        assert cells[2].get_text(strip=True) == DASH and cells[3].get_text(strip=True) == DASH
    for cells in map_rows(main):
        if cells[1].get_text(strip=True) != NOT_TAUGHT:
            assert cells[1].find("a", href=True) is not None, cells[0].get_text()
    assert (glued_number(PAGE, "map_items_taught") + glued_number(PAGE, "map_items_not_taught")
            == glued_number(PAGE, "map_items_total"))


def test_figures_have_captions_and_alt_text_that_list_every_box_as_the_table_does(main):
    figures = main.find_all("figure")
    assert [f.get("id") for f in figures] == ["fig-map-features", "fig-map-mechanisms", "fig-map-strategies"]
    alts = []
    for figure in figures:
        alt = (figure.find("img").get("alt") or "").strip()
        assert len(alt.split()) >= 20 and not re.search(r"\.(png|svg|jpe?g)$", alt), figure.get("id")
        assert len(figure.find("figcaption").get_text(" ", strip=True).split()) >= 20
        alts.append(alt.lower())
    for cells in map_rows(main):
        item = cells[0].get_text(" ", strip=True).lower()
        chapter = cells[1].get_text(strip=True)
        expected = f"{item} ({chapter})"
        assert any(expected in alt for alt in alts), f"no figure's alt text says {expected!r}"
    assert all("not taught" in alt and "hatched" in alt for alt in alts)


def test_the_page_says_what_its_maps_are_based_on_and_what_the_book_leaves_out(main):
    text = " ".join(main.get_text(" ", strip=True).split())
    assert "not copies of the review's figures" in text.replace("’", "'")
    assert "What the book leaves out" in text
    cited = {a["href"].split("#")[1] for a in main.find_all("a", href=True) if "bibliography.html#" in a["href"]}
    assert len(cited) >= 3


def test_no_box_of_the_real_book_is_left_in_preparation(main):
    # the map shows a chapter missing from a build as "in preparation" (the strict test books
    # hold chapter 1 only); the real book must have every chapter its maps name
    assert "in preparation" not in main.get_text(" ")
