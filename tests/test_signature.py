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


def test_the_pdf_builds_figure_formats_are_part_of_the_key(monkeypatch):
    """The PDF build asks for vector figures (cscbook.style): its outputs are cached apart
    from the website's, so neither build renders the other's outputs."""
    from cscbook.style import FIGURE_FORMATS_VARIABLE, PRINT_FIGURE_FORMATS
    from cscbook_build.signature import SIGNATURE_KEY, read_notebook

    chapter = ROOT / "book" / "part1" / "01-limiting-dilution.md"

    def stamp() -> dict:
        notebook = read_notebook(chapter)
        return next(c for c in notebook.cells if c.cell_type == "code").metadata[SIGNATURE_KEY]

    monkeypatch.delenv(FIGURE_FORMATS_VARIABLE, raising=False)
    website = stamp()
    monkeypatch.setenv(FIGURE_FORMATS_VARIABLE, ",".join(PRINT_FIGURE_FORMATS))
    printed = stamp()
    assert printed["data_signature"] == website["data_signature"]
    assert printed != website and printed["figure_formats"] == ",".join(PRINT_FIGURE_FORMATS)
