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


@pytest.fixture(scope="session")
def built_html() -> Path:
    if not (HTML / "index.html").is_file():
        pytest.fail("the website is not built: run `make html` (make test does it for you)")
    return HTML


@pytest.fixture(scope="session")
def descriptor() -> dict:
    return json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
