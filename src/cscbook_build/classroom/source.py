"""Stage 1 of the classroom edition: a chapter's source, its executed outputs and its checks.

Reads a chapter as the build reads it (:func:`cscbook_build.signature.read_notebook`,
so the cache key matches), takes its outputs from the build's execution cache (nothing
runs again), and collects what the chapter declared: its check cells
(:func:`cscbook.checks.check`, tagged ``remove-cell``) and the values it glued.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat

from cscbook.checks import CHECK_MIME

from ..signature import read_notebook


def read_source_notebook(path: Path) -> nbformat.NotebookNode:
    """The chapter as the build reads it (cells, metadata and data signature)."""
    return read_notebook(path)


def is_check_cell(cell) -> bool:
    """A code cell that declares checks: tagged ``remove-cell`` and calling ``check(``."""
    return (
        cell.cell_type == "code"
        and "remove-cell" in cell.metadata.get("tags", [])
        and re.search(r"\bcheck\(", cell.source) is not None
    )


CHECK_LABEL = re.compile(r"""\bcheck\(\s*["']([\w-]+)["']""")


def declared_checks(source: Path) -> list[str]:
    """Labels of the exercises whose checks the chapter declares (read from the source only)."""
    return check_labels(read_source_notebook(source))


def check_labels(notebook) -> list[str]:
    """Labels of the exercises whose checks a chapter's notebook declares."""
    labels = []
    for cell in notebook.cells:
        if is_check_cell(cell):
            labels.extend(CHECK_LABEL.findall(cell.source))
    return labels


def executed_notebook(root: Path, source: Path) -> nbformat.NotebookNode:
    """The chapter with the outputs that the build stored in its execution cache."""
    from jupyter_cache import get_cache

    notebook = read_source_notebook(source)
    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    try:
        _, merged = cache.merge_match_into_notebook(notebook)
    except KeyError:
        raise SystemExit(
            f"{source.relative_to(root)} is not in the execution cache: run `make html` first"
        ) from None
    return merged


def check_declarations(notebook) -> dict[str, dict]:
    """The declarations recorded by the chapter's check cells, by exercise label."""
    found: dict[str, dict] = {}
    for cell in notebook.cells:
        if not is_check_cell(cell):
            continue
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(CHECK_MIME)
            if payload is None:
                continue
            if isinstance(payload, str):
                payload = json.loads(payload)
            label = payload["label"]
            if label in found:
                found[label]["answers"].update(payload["answers"])
            else:
                found[label] = copy.deepcopy(payload)
    return found


def glued_values(root: Path, docname: str, notebook=None) -> dict[str, str]:
    """Text of every value the chapter glues (from the build, or from the cached outputs)."""
    values: dict[str, str] = {}
    if notebook is not None:
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                name = output.get("metadata", {}).get("scrapbook", {}).get("name")
                if name:
                    data = output.get("data", {})
                    text = next((v for k, v in data.items() if k.endswith("text/plain")), "")
                    values[name] = text if isinstance(text, str) else "".join(text)
    path = root / "_build" / "jupyter_execute" / f"{docname}.glue.json"
    if path.is_file():
        for name, output in json.loads(path.read_text(encoding="utf-8")).items():
            values.setdefault(name, output.get("data", {}).get("text/plain", ""))
    return values
