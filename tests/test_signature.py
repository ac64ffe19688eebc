"""The execution cache re-runs a page when anything its outputs depend on changes."""

from __future__ import annotations

import shutil
from pathlib import Path

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


def test_the_signature_names_the_loaders_descriptor():
    from cscbook import data
    from cscbook_build import signature

    assert signature.DESCRIPTOR == data.DESCRIPTOR


class _Record:
    def __init__(self, pk, hashkey):
        self.pk, self.hashkey = pk, hashkey


class _Cache:
    """A stand-in for jupyter-cache: it holds the notebooks whose sources are in ``held``."""

    def __init__(self, path, held):
        self.path, self.held, self.matched = path, held, []

    def match_cache_notebook(self, notebook):
        name = notebook.metadata["name"]
        self.matched.append(name)
        if name not in self.held:
            raise KeyError(name)
        return _Record(*self.held[name])

    def get_cache_record(self, pk):
        for held_pk, hashkey in self.held.values():
            if held_pk == pk:
                return _Record(pk, hashkey)
        raise KeyError(pk)


def test_the_executor_reads_a_chapter_again_only_when_its_source_or_data_changed(tmp_path, monkeypatch):
    """cscbook_build.execute's index of sources: an unchanged source is not read again
    (MyST parsing is most of a no-change build's first step); an edit, a changed
    dataset, or a record gone from the cache sends it back to the reader."""
    import nbformat

    from cscbook_build import execute

    monkeypatch.delenv("CSCBOOK_DATA", raising=False)  # each source finds the copy's data/
    root = _copy(tmp_path)
    chapters = sorted(root.glob("book/part1/0[12]-*.md"))
    monkeypatch.setattr(execute, "read_notebook",
                        lambda path: nbformat.v4.new_notebook(metadata={"name": Path(path).name}))
    (root / "cache").mkdir()
    cache = _Cache(root / "cache", {chapters[0].name: (1, "a"), chapters[1].name: (2, "b")})
    assert execute.uncached_sources(cache, chapters) == []
    assert cache.matched == [c.name for c in chapters]  # the first time, each is read

    cache.matched.clear()
    assert execute.uncached_sources(cache, chapters) == []
    assert cache.matched == []  # unchanged: none is read

    chapters[0].write_text(chapters[0].read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    csv = root / "data" / "elda_example.csv"  # chapter 1 loads it
    assert execute.uncached_sources(cache, chapters) == []
    assert cache.matched == [chapters[0].name]
    cache.matched.clear()
    csv.write_text(csv.read_text(encoding="utf-8").replace("50,24,2", "50,24,3"), encoding="utf-8")
    execute.uncached_sources(cache, chapters)
    assert cache.matched == [chapters[0].name]

    cache.matched.clear()
    cache.held[chapters[1].name] = (7, "b2")  # executed again: a new record replaced the old
    del cache.held[chapters[0].name]
    assert execute.uncached_sources(cache, chapters) == [chapters[0]]
    assert cache.matched == [c.name for c in chapters]
