"""The build is the test of the science: failures stop it, and edited data re-execute chapters.

These tests build small copies of the book in a temporary folder, so the real
`_build/` and `data/` are never touched (the copies start from a copy of its execution
cache).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cscbook_build.bookcopy import copy_book

from .conftest import BUILD, ROOT

JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
CH1 = "book/part1/01-limiting-dilution"


def build(folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("CSCBOOK_DATA", None)
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", str(folder), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, env=env, timeout=600,
    )


def make_copy(destination: Path, chapters: list[str]) -> Path:
    """A copy of the book whose only numbered chapters are ``chapters``.

    The copy starts from the main build's execution cache, when there is one: pages whose
    key it holds (the primers, an unchanged chapter) are not executed again, and every
    page that changes here (the map of the review, an edited chapter or dataset) is.
    """
    copy_book(ROOT, destination)
    cache = BUILD / ".jupyter_cache"
    if cache.is_dir():
        shutil.copytree(cache, destination / "_build" / ".jupyter_cache")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    kept = []
    for part in toc["parts"]:
        if part["caption"].startswith("Part "):
            entries = [c for c in part["chapters"] if c["file"] in chapters]
            if entries:
                kept.append({**part, "chapters": entries})
        else:
            kept.append(part)
    toc["parts"] = kept
    (destination / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    unlink_dropped_chapters(destination, [c["file"] for part in toc_parts(ROOT) for c in part["chapters"]
                                          if c["file"] not in chapters])
    return destination


def toc_parts(root: Path) -> list[dict]:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [part for part in toc["parts"] if part["caption"].startswith("Part ")]


def unlink_dropped_chapters(destination: Path, dropped: list[str]) -> None:
    """Front pages (the map of the review, the primers) link chapters that the copy leaves
    out: their links become plain text there, as they would in a book without them."""
    labels = set()
    for name in dropped:
        found = re.search(r"^\((ch-[\w-]+)\)=", (ROOT / f"{name}.md").read_text(encoding="utf-8"), re.M)
        if found:
            labels.add(found[1])
    link = re.compile(r"\{ref\}`([^`<]*?)\s*<(ch-[\w-]+)>`")
    for page in [*(destination / "book" / "front").glob("*.md"), destination / "book" / "intro.md"]:
        text = page.read_text(encoding="utf-8")
        plain = link.sub(lambda m: m[1] if m[2] in labels else m[0], text)
        if plain != text:
            page.write_text(plain, encoding="utf-8")


def glue_value(folder: Path, name: str) -> str:
    path = folder / "_build" / "jupyter_execute" / f"{CH1}.glue.json"
    return json.loads(path.read_text(encoding="utf-8"))[name]["data"]["text/plain"]


def chapter_html(folder: Path) -> str:
    return (folder / "_build" / "html" / f"{CH1}.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cached_book(tmp_path_factory):
    folder = make_copy(tmp_path_factory.mktemp("cached") / "book", [CH1])
    result = build(folder)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return folder


def test_warm_rebuild_without_changes_gives_the_same_page(cached_book):
    before = chapter_html(cached_book)
    result = build(cached_book)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "Executed notebook" not in result.stdout + result.stderr
    assert chapter_html(cached_book) == before


def test_editing_a_csv_re_executes_the_chapter_after_a_cached_build(cached_book):
    before = float(glue_value(cached_book, "ld_elda_estimate"))
    csv = cached_book / "data" / "elda_example.csv"
    csv.write_text(csv.read_text().replace("800,24,21", "800,24,23"), encoding="utf-8")
    result = build(cached_book)
    assert result.returncode == 0, result.stdout[-2000:]
    after = float(glue_value(cached_book, "ld_elda_estimate"))
    assert after < before  # more positive wells means more active cells: fewer cells per active cell
    assert f"{after:.0f}" in chapter_html(cached_book)


def test_a_corrupted_csv_after_a_cached_build_stops_the_build_and_names_the_file(cached_book):
    csv = cached_book / "data" / "elda_example.csv"
    csv.write_text(csv.read_text().replace("200,24,9", "200,24,nine"), encoding="utf-8")
    result = build(cached_book)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "elda_example.csv" in output
    assert "'wells_positive', row 3" in output


def test_a_chapter_that_raises_stops_the_build_with_its_traceback(tmp_path):
    folder = make_copy(tmp_path / "book", [CH1])
    chapter = folder / f"{CH1}.md"
    text = chapter.read_text(encoding="utf-8")
    marker = "```{code-cell} ipython3\nelda = load("
    assert marker in text
    failing_cell = "```{code-cell} ipython3\nraise RuntimeError('deliberate failure for the test')\n```\n\n"
    chapter.write_text(text.replace(marker, failing_cell + marker, 1), encoding="utf-8")
    result = build(folder)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "RuntimeError" in output and "deliberate failure for the test" in output


def test_stream_outputs_are_joined_exactly_whatever_the_kernel_split():
    import nbformat

    from cscbook_build.execute import merge_streams

    def notebook_with(*pieces):
        cell = nbformat.v4.new_code_cell("print(...)")
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in pieces]
        return nbformat.v4.new_notebook(cells=[cell])

    one, split = notebook_with("a\nb\n"), notebook_with("a", "\nb\n")
    merge_streams(one)
    merge_streams(split)
    assert split.cells[0].outputs == one.cells[0].outputs
    assert split.cells[0].outputs[0]["text"] == "a\nb\n"
