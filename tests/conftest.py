"""Shared fixtures: where the repository, the data and the built book live."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from cscbook_build.book import toc_docnames

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
BUILD = ROOT / "_build"
HTML = BUILD / "html"
EXECUTED = BUILD / "jupyter_execute"


def load_generator(script: str):
    """Import a data generator (``data/generators/<script>``) as a module."""
    path = DATA / "generators" / script
    spec = importlib.util.spec_from_file_location(f"generator_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def toc_files() -> list[str]:
    """Every page listed in _toc.yml, in reading order (without suffix)."""
    return toc_docnames(ROOT)


def chapter_files() -> list[str]:
    """The numbered chapters: pages under book/partN/."""
    return [f for f in toc_files() if re.match(r"book/part\d/\d\d-", f)]


def glued_values(page: str) -> dict:
    """Values a chapter glued into its prose, as the reader sees them (text/plain)."""
    path = EXECUTED / f"{page}.glue.json"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make html` before the tests")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: output["data"]["text/plain"] for name, output in raw.items()}


def glued_number(page: str, name: str) -> float:
    values = glued_values(page)
    if name not in values:
        pytest.fail(f"{page} does not glue {name!r}")
    return float(values[name])


def executed_notebook(page: str):
    """The executed notebook of a chapter, with its outputs, from the build's cache.

    (myst-nb's copy in _build/jupyter_execute lacks outputs when it came from the cache.)
    """
    from jupyter_cache import get_cache

    from cscbook_build.signature import read_notebook

    cache = get_cache(str(BUILD / ".jupyter_cache"))
    try:
        record = cache.match_cache_notebook(read_notebook(ROOT / f"{page}.md"))
    except KeyError:
        pytest.fail(f"{page} is not in the execution cache: run `make html`")
    return cache.get_cache_bundle(record.pk).nb


# make test runs the tests in parallel, a file per worker (pytest-xdist's --dist loadfile,
# collection order kept): the slowest files first, so that none of them starts last and
# keeps one worker busy after the other has finished. Seconds are pytest's --durations in
# a CI run with one worker (a file's slowest fixture and test).
SLOWEST_FILES = (
    "test_website.py",         # the browser audit: every page, 3 widths x 2 colour schemes (~200 s)
    "test_classroom.py",       # answer keys and blank notebooks run and graded (~80 s)
    "test_reproducible.py",    # a second clean build (~65 s)
    "test_student_env.py",     # a fresh student environment from the package index (~40 s)
    "test_pdf.py",             # the PDF read page by page (~40 s)
    "test_strict_build.py",    # builds of a copy of the book (~35 s)
    "test_grading_hostile.py", # twenty hostile submissions graded in their sandboxes (~25 s)
    "test_page_budget.py",
    "test_otter.py",
)


def pytest_collection_modifyitems(items):
    rank = {name: index for index, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: order within a file kept


@pytest.fixture(scope="session")
def built_html() -> Path:
    if not (HTML / "index.html").is_file():
        pytest.fail("the website is not built: run `make html` (make test does it for you)")
    return HTML


@pytest.fixture(scope="session")
def descriptor() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
