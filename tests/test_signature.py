"""The execution cache re-runs a page when anything its outputs depend on changes."""

from __future__ import annotations

import shutil

from cscbook_build.signature import data_signature

from .conftest import ROOT

MAP_SOURCE = "from cscbook.catalogue import book_chapters\nbook_chapters()\n"
PLAIN_SOURCE = "from cscbook import load\nload('elda_example')\n"


def _copy(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    shutil.copytree(ROOT / "book", tmp_path / "book")
    return tmp_path


def test_a_renamed_chapter_reruns_the_map_but_not_an_ordinary_chapter(tmp_path):
    root = _copy(tmp_path)
    before_map = data_signature(MAP_SOURCE, root / "data")
    before_plain = data_signature(PLAIN_SOURCE, root / "data")
    first = next(root.glob("book/part1/01-*.md"))
    first.write_text(first.read_text(encoding="utf-8").replace("\n# ", "\n# Renamed: ", 1), encoding="utf-8")
    assert data_signature(MAP_SOURCE, root / "data") != before_map
    assert data_signature(PLAIN_SOURCE, root / "data") == before_plain
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert data_signature(MAP_SOURCE, root / "data") != before_map


def test_a_changed_dataset_reruns_the_chapter_that_loads_it(tmp_path):
    root = _copy(tmp_path)
    before = data_signature(PLAIN_SOURCE, root / "data")
    csv = root / "data" / "elda_example.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("50,24,2", "50,24,3"), encoding="utf-8")
    assert data_signature(PLAIN_SOURCE, root / "data") != before
