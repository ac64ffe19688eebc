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
# A primer's page name: book/front/primer-python. In the classroom edition a primer is an
# assignment like a chapter, named 00a-primer-python, 00b-primer-statistics, ... (its
# letter in reading order), so that its files sort before chapter 1's (01-...)
PRIMER_DOC = re.compile(r"^book/front/(?P<slug>primer-[\w-]+)$")
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
    """A numbered chapter of the table of contents (``book/partN/NN-slug``), or a primer
    (``book/front/primer-x``, with its ``letter`` in reading order: "a", "b", ...).

    A primer is handed out, checked and graded as a chapter is; its slug is
    ``00<letter>-primer-x`` and its number 0.
    """

    docname: str  # book/part1/01-limiting-dilution
    root: Path
    letter: str = ""  # a primer's letter; empty for a numbered chapter

    @property
    def primer(self) -> bool:
        return bool(self.letter)

    @property
    def slug(self) -> str:
        if self.primer:
            return f"00{self.letter}-{PRIMER_DOC.match(self.docname)['slug']}"
        return CHAPTER_DOC.match(self.docname)["slug"]

    @property
    def number(self) -> int:
        return 0 if self.primer else int(CHAPTER_DOC.match(self.docname)["number"])

    @property
    def in_sentence(self) -> str:
        """'chapter 3', or 'the primer "Python for this book"' (from its title, "# Primer: ...")."""
        if not self.primer:
            return f"chapter {self.number}"
        title = next((line[2:].strip() for line in self.source.read_text(encoding="utf-8").splitlines()
                      if line.startswith("# ")), self.slug) if self.exists() else self.slug
        title = re.sub(r"^Primer:\s*", "", title)
        return f'the primer "{title[:1].upper()}{title[1:]}"'

    def heading(self, title: str) -> str:
        """A notebook's title: 'Chapter 3. <title>'; a primer's title ('Primer: ...') as it is."""
        return title if self.primer else f"Chapter {self.number}. {title}"

    @property
    def source(self) -> Path:
        return self.root / f"{self.docname}.md"

    def exists(self) -> bool:
        return self.source.is_file()


def toc_chapters(root: Path) -> list[Chapter]:
    """The numbered chapters (``book/partN/NN-slug``) listed in ``_toc.yml``."""
    return [Chapter(name, Path(root)) for name in toc_docnames(root) if CHAPTER_DOC.match(name)]


def toc_primers(root: Path) -> list[Chapter]:
    """The primers (``book/front/primer-x``) listed in ``_toc.yml``, lettered in reading order."""
    names = [name for name in toc_docnames(root) if PRIMER_DOC.match(name)]
    return [Chapter(name, Path(root), "abcdefghijklmnopqrstuvwxyz"[i]) for i, name in enumerate(names)]


def toc_assignments(root: Path) -> list[Chapter]:
    """What the classroom edition hands out: the primers, then the numbered chapters."""
    return toc_primers(root) + toc_chapters(root)


def assignment_slug(root: Path, docname: str) -> str | None:
    """The classroom slug of a chapter or primer page (None for any other page)."""
    if CHAPTER_DOC.match(docname):
        return CHAPTER_DOC.match(docname)["slug"]
    return next((p.slug for p in toc_primers(root) if p.docname == docname), None)


def datasets_used(source_text: str) -> list[str]:
    """Names of the datasets a chapter loads, in order of first use."""
    names: list[str] = []
    for name in LOAD_CALL.findall(source_text):
        if name not in names:
            names.append(name)
    return names


def assignment_href(docname: str, slug: str) -> str:
    """Link from a page of the website to a chapter's (or primer's) student zip
    (``assignments/NN-slug.zip``)."""
    depth = docname.count("/")
    return "../" * depth + f"assignments/{slug}.zip"


def library_files() -> list[Path]:
    """The modules of the reader's library, ``cscbook``: what every student zip ships and
    every chapter's cache key covers (found without importing it)."""
    spec = importlib.util.find_spec("cscbook")
    return sorted(Path(spec.origin).resolve().parent.glob("*.py"))
