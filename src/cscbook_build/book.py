"""The book's structure, as every build stage reads it: pages, chapters and their datasets.

Shared by the executor (:mod:`cscbook_build.execute`), the Sphinx extension
(:mod:`cscbook_build.sphinxext`) and the classroom edition
(:mod:`cscbook_build.classroom`), so that none of them imports another for it. Plain
Python and PyYAML only: no Sphinx, no myst-nb, no nbformat.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

BOOK_TITLE = "Cancer stem cells and drug resistance, taught through data"
# A numbered chapter's page name: book/part1/01-limiting-dilution
CHAPTER_DOC = re.compile(r"^book/part\d+/(?P<slug>(?P<number>\d\d)-[\w-]+)$")
# A chapter's data: the names in its load("...") calls
LOAD_CALL = re.compile(r"""\bload\(\s*["']([A-Za-z0-9_.\-]+)["']""")


def toc_docnames(root: Path) -> list[str]:
    """Every page of ``_toc.yml`` in reading order (without suffix)."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return names


def toc_sources(root: Path) -> list[Path]:
    """Every page of ``_toc.yml`` that is a MyST notebook (has code cells), in reading order."""
    sources = []
    for name in toc_docnames(root):
        path = Path(root) / f"{name}.md"
        if path.is_file() and "```{code-cell}" in path.read_text(encoding="utf-8"):
            sources.append(path)
    return sources


@dataclass
class Chapter:
    """A numbered chapter of the table of contents (``book/partN/NN-slug``)."""

    docname: str  # book/part1/01-limiting-dilution
    root: Path

    @property
    def slug(self) -> str:
        return CHAPTER_DOC.match(self.docname)["slug"]

    @property
    def number(self) -> int:
        return int(CHAPTER_DOC.match(self.docname)["number"])

    @property
    def source(self) -> Path:
        return self.root / f"{self.docname}.md"

    def exists(self) -> bool:
        return self.source.is_file()


def toc_chapters(root: Path) -> list[Chapter]:
    """The numbered chapters (``book/partN/NN-slug``) listed in ``_toc.yml``."""
    return [Chapter(name, Path(root)) for name in toc_docnames(root) if CHAPTER_DOC.match(name)]


def datasets_used(source_text: str) -> list[str]:
    """Names of the datasets a chapter loads, in order of first use."""
    names: list[str] = []
    for name in LOAD_CALL.findall(source_text):
        if name not in names:
            names.append(name)
    return names


def assignment_href(docname: str, slug: str) -> str:
    """Link from a page of the website to a chapter's student zip (``assignments/NN-slug.zip``)."""
    depth = docname.count("/")
    return "../" * depth + f"assignments/{slug}.zip"


def library_files() -> list[Path]:
    """The modules of the reader's library, ``cscbook``: what every student zip ships and
    every chapter's cache key covers (found without importing it)."""
    spec = importlib.util.find_spec("cscbook")
    return sorted(Path(spec.origin).resolve().parent.glob("*.py"))
