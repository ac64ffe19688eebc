"""Make a private copy of the book's sources, for tests and the benchmark.

Only what the build reads is copied (configuration, chapters, data, templates,
static files, the LaTeX style, the teaching notes, the pinned requirements the student
zips repeat, and CITATION.cff, which dates the PDF's title page), never ``_build`` or
``.venv``, so a build in the copy is clean.
"""

from __future__ import annotations

import shutil
from pathlib import Path

BOOK_FILES = ("_config.yml", "_toc.yml", "requirements.txt", "CITATION.cff")
BOOK_FOLDERS = ("book", "data", "_static", "_templates", "latex", "instructor")


def copy_book(root: Path, destination: Path) -> Path:
    """Copy the book at ``root`` into ``destination`` and return ``destination``."""
    root, destination = Path(root), Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    for name in BOOK_FILES:
        shutil.copy2(root / name, destination / name)
    for name in BOOK_FOLDERS:
        if (root / name).is_dir():
            shutil.copytree(root / name, destination / name, dirs_exist_ok=True)
    return destination
