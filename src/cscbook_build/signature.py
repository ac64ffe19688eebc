"""A chapter read as the build reads it: a notebook stamped with its data signature.

myst-nb's cache (jupyter-cache) keys a notebook on its code cells only, so an edited
CSV would leave stale outputs in place. :func:`read_notebook_with_signature` is
myst-nb's MyST reader plus a *data signature* in the first code cell's metadata: a
hash of the CSV files the chapter loads (found from its ``load("name")`` calls), of
``data/datapackage.json`` and of the reader's library (every module of the
:mod:`cscbook` package, which chapters import). jupyter-cache includes that metadata in
its key, so a changed dataset or library module means a cache miss and the chapter
executes again; the build machinery (:mod:`cscbook_build`) is not part of the key.
The same metadata holds the figure formats the kernel is asked for
(``$CSCBOOK_FIGURE_FORMATS``, set by the PDF build: see :mod:`cscbook.style`), so the
website's outputs (PNG only) and the PDF's (PNG and vector PDF) are cached apart.

Every stage that looks a chapter up in the cache reads it through this module: the
Sphinx extension (which installs the reader into myst-nb), the parallel executor and
the classroom edition, so their keys are the same.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import myst_nb.core.read as myst_nb_read

from .book import datasets_used, library_files, toc_docnames

SIGNATURE_KEY = "cscbook"
# cscbook.data.DESCRIPTOR (not imported from there: that imports pandas, a third of a
# second of every build's start; tests/test_signature.py checks the two agree)
DESCRIPTOR = "datapackage.json"
# cscbook.style.FIGURE_FORMATS_VARIABLE (not imported from there: that imports matplotlib)
FIGURE_FORMATS_VARIABLE = "CSCBOOK_FIGURE_FORMATS"
# myst-nb's own reader, taken before the Sphinx extension replaces it with ours.
_read_myst_markdown_notebook = myst_nb_read.read_myst_markdown_notebook


def find_data_folder(source: Path) -> Path | None:
    """The ``data`` folder that a notebook at ``source`` reads from."""
    if os.environ.get("CSCBOOK_DATA"):
        return Path(os.environ["CSCBOOK_DATA"])
    for folder in Path(source).resolve().parents:
        if (folder / "data" / DESCRIPTOR).is_file():
            return folder / "data"
    return None


def dependencies(source_text: str, data_folder: Path) -> list[Path]:
    """Files outside its code that a notebook's outputs depend on."""
    paths = [data_folder / DESCRIPTOR]
    try:
        package = json.loads(paths[0].read_text(encoding="utf-8"))
        by_name = {r.get("name"): r.get("path") for r in package.get("resources", [])}
    except (OSError, json.JSONDecodeError):
        by_name = {}
    for name in datasets_used(source_text):
        relative = by_name.get(name)
        paths.append(data_folder / relative if relative else data_folder / f"<{name}>")
    paths.extend(library_files())
    if "cscbook.catalogue" in source_text:
        # the map of the review reads chapter numbers, labels and titles from the table
        # of contents and the chapter files: a renumbered or renamed chapter re-runs it
        root = data_folder.parent
        toc = root / "_toc.yml"
        paths.append(toc)
        if toc.is_file():
            paths.extend(root / f"{name}.md" for name in toc_docnames(root))
    return paths


def data_signature(source_text: str, data_folder: Path) -> str:
    """Hash of the contents of every file in :func:`dependencies`."""
    sha = hashlib.sha256()
    for path in dependencies(source_text, data_folder):
        sha.update(path.name.encode())
        sha.update(path.read_bytes() if path.is_file() else b"<missing>")
    return sha.hexdigest()


def read_notebook_with_signature(text, *args, path=None, **kwargs):
    """myst-nb's MyST notebook reader, plus the data signature in the first code cell."""
    notebook = _read_myst_markdown_notebook(text, *args, path=path, **kwargs)
    folder = find_data_folder(Path(path)) if path is not None else None
    if folder is not None:
        signature = data_signature(text, folder)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.metadata[SIGNATURE_KEY] = {
                    "data_signature": signature,
                    "figure_formats": os.environ.get(FIGURE_FORMATS_VARIABLE, ""),
                }
                break
    return notebook


def read_notebook(path: Path):
    """The chapter at ``path`` as the build reads it (cells, metadata, data signature)."""
    from myst_parser.config.main import MdParserConfig

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    return read_notebook_with_signature(text, config=MdParserConfig(), add_source_map=True, path=str(path))
