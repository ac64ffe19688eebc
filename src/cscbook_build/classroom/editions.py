"""Stage 4 of the classroom edition: the student notebook and the instructor's answer key.

The student edition has the teaching text and the chapter's code, and for each exercise
an empty answer cell (``d50 = ...``), a ``grader.check("ex-..")`` cell where the chapter
declares a check, and no solution. The instructor edition has the solutions and their
outputs. ``from myst_nb import glue`` becomes :func:`cscbook.notebook.glue`, so both
run on a plain Jupyter install.
"""

from __future__ import annotations

import re

import nbformat

from ..book import BOOK_TITLE, Chapter
from .convert import Converter, Marker
from .references import References
from .source import is_check_cell

GLUE_IMPORT = re.compile(r"^(\s*)from myst_nb import glue\s*$", re.MULTILINE)
GLUE_SHIM = r"\1from cscbook.notebook import glue  # stands in for myst_nb.glue outside the book"


# The cells are made as plain notebook nodes: nbformat's own constructors check each cell
# against the notebook schema as it is made (about 5,000 checks a build, a third of the
# classroom edition's time); the finished notebook is checked once, as it is written
# (bundle.write_notebook), and an invalid one is refused there.
def new_markdown(text: str, **metadata):
    return nbformat.from_dict({"cell_type": "markdown", "metadata": metadata, "source": text.strip("\n")})


def new_code(source: str, outputs=None, **metadata):
    return nbformat.from_dict({"cell_type": "code", "execution_count": None, "metadata": metadata,
                               "outputs": list(outputs or []), "source": source.strip("\n")})


def answer_names(declaration: dict | None) -> list[str]:
    return list(declaration["answers"]) if declaration else []


def code_for_notebook(source: str) -> str:
    """A chapter's code cell as it runs outside the book build."""
    return GLUE_IMPORT.sub(GLUE_SHIM, source)


def clean_code_metadata(metadata: dict) -> dict:
    tags = [t for t in metadata.get("tags", []) if t != "remove-cell"]
    return {"tags": tags} if tags else {}


class _Edition:
    """Writes the cells of one edition (student or instructor) of a chapter."""

    def __init__(self, edition: str, chapter: Chapter, checks: dict, references: References,
                 converter: Converter, numbers: dict):
        self.edition, self.chapter, self.checks = edition, chapter, checks
        self.references, self.converter, self.numbers = references, converter, numbers
        self.cells: list = []
        self.markdown: list[str] = []
        self.exercise: str | None = None
        self.solution: str | None = None

    @property
    def student(self) -> bool:
        return self.edition == "student"

    def flush(self) -> None:
        text = "\n\n".join(part for part in self.markdown if part.strip())
        if text.strip():
            self.cells.append(new_markdown(text))
        self.markdown.clear()

    def check_cell(self, label: str) -> None:
        self.cells.append(
            new_code(f'grader.check("{label}")', tags=["check"], deletable=False, editable=False)
        )

    def placeholders(self, label: str) -> None:
        """Where the student's answer goes: code (``d50 = ...``), its check, and prose."""
        number = self.numbers.get(label, label)
        names = answer_names(self.checks.get(label))
        self.flush()
        if names:
            lines = [f"# {number}: your code here. Put your answer in the variable"
                     f"{'s' if len(names) > 1 else ''} below, then run the check."]
            lines += [f"{name} = ..." for name in names]
        else:
            lines = [f"# {number}: your code here (if the exercise needs any)."]
        self.cells.append(new_code("\n".join(lines), tags=["answer"]))
        if names:
            self.check_cell(label)
        self.cells.append(new_markdown(
            f"**Your answer to {number}:** *double-click this cell and write your answer here.*",
            tags=["answer"],
        ))

    def marker(self, block: Marker) -> None:
        if block.kind == "exercise-start":
            self.exercise = block.label
            number = self.references.number(block.label, self.chapter.docname) if block.label else "Exercise"
            self.numbers[block.label] = number
            title = f" ({self.converter.inline(block.title)})" if block.title else ""
            self.flush()
            self.markdown.append(f"### {number}{title}")
        elif block.kind == "exercise-end":
            if self.student:
                self.placeholders(self.exercise)
            self.exercise = None
        elif block.kind == "solution-start":
            self.solution = block.label or "?"
            if not self.student:
                self.flush()
                self.markdown.append(f"**Solution to {self.numbers.get(block.label, block.label)}**")
        elif block.kind == "solution-end":
            if not self.student:
                self.flush()
                if self.solution in self.checks:
                    self.check_cell(self.solution)
            self.solution = None

    def add(self, source_cell) -> None:
        if source_cell.cell_type == "markdown":
            for block in self.converter.blocks(source_cell.source):
                if isinstance(block, Marker):
                    self.marker(block)
                elif not (self.solution and self.student):
                    self.markdown.append(block)
            self.flush()
            return
        if source_cell.cell_type != "code" or is_check_cell(source_cell):
            return
        if self.solution and self.student:
            return
        self.flush()
        metadata = clean_code_metadata(source_cell.metadata)
        outputs = None if self.student else source_cell.get("outputs")
        self.cells.append(new_code(code_for_notebook(source_cell.source), outputs=outputs, **metadata))
        figure = source_cell.metadata.get("mystnb", {}).get("figure", {})
        if figure.get("caption"):
            name = figure.get("name")
            number = self.references.number(name, self.chapter.docname) if name else ""
            caption = self.converter.inline(str(figure["caption"]).strip()).replace("\n", " ")
            self.cells.append(new_markdown(f"*{number}.* {caption}" if number else f"*{caption}*"))


def make_editions(chapter: Chapter, executed, checks: dict, references: References, glue: dict):
    """The student and instructor notebooks of a chapter, and the converter (for its assets)."""
    converter = Converter(chapter.docname, references, glue)
    numbers: dict[str, str] = {}
    editions = {}
    for edition in ("student", "instructor"):
        references.cited = []
        converter.edition = edition
        writer = _Edition(edition, chapter, checks, references, converter, numbers)
        for source_cell in executed.cells:
            writer.add(source_cell)
        writer.flush()
        editions[edition] = finish_notebook(chapter, writer.cells, edition, checks, references)
    return editions["student"], editions["instructor"], converter


def finish_notebook(chapter: Chapter, cells: list, edition: str, checks: dict, references: References):
    """Add the title, the edition banner, the grader set-up and the references."""
    for cell in cells:  # "# Title" becomes "# Chapter N. Title" (a primer's "# Primer: ..." stays)
        if cell.cell_type == "markdown" and re.match(r"^# ", cell.source) and not chapter.primer:
            cell.source = re.sub(r"^# ", f"# Chapter {chapter.number}. ", cell.source, count=1)
            break
    labels = list(checks)
    if edition == "student":
        banner = (
            f"> **Student edition** of {chapter.in_sentence} of *{BOOK_TITLE}*. "
            "Run the cells from the top (*Run All* works). Each exercise has a cell for your "
            "code and answer, marked `...`"
            + (f", and {len(labels)} exercises have an automatic check (`grader.check`) that "
               "tells you whether your answer has the right form and a plausible size, and names "
               "common slips (a percentage for a fraction, a unit off by 1000, 1/x); whether the "
               "value is right is checked when your notebook is graded"
               if labels else "")
            + ". The data, the `cscbook` helper package and the checks (`tests/`) must be in "
            "this notebook's folder: unzip the whole assignment, not just the notebook."
        )
    else:
        banner = (
            f"> **Instructor edition (answer key)** of {chapter.in_sentence} of *{BOOK_TITLE}*, "
            "with the solutions and the automatic checks. Do not give this notebook to students."
        )
    banner += (
        f"\n>\n> Generated from `{chapter.docname}.md` by `make assignments`; "
        "edit the chapter source, not this notebook."
    )
    setup = new_code(
        "# Set up the automatic checks (they are in tests/). If this fails with ModuleNotFoundError,\n"
        "# run the notebook in its unzipped folder and install the requirements first:\n"
        "#   %pip install -r requirements.txt   (then restart the kernel)\n"
        "from cscbook.checks import Notebook\n\n"
        'grader = Notebook(tests_dir="tests")',
        tags=["setup"], deletable=False,
    )
    first = 0
    if cells and cells[0].cell_type == "markdown" and cells[0].source.startswith("# "):
        title, _, rest = cells[0].source.partition("\n")
        cells[0:1] = [new_markdown(title)] + ([new_markdown(rest)] if rest.strip() else [])
        first = 1
    cells[first:first] = [new_markdown(banner), setup]
    bibliography = references.bibliography()
    if bibliography:
        cells.append(new_markdown("## References\n\n" + bibliography))
    if edition == "student" and labels:
        cells.append(new_markdown(
            "## Check all your answers\n\nRun the cell below to see every automatic check "
            "at once, then save the notebook and hand it in."
        ))
        cells.append(new_code("grader.check_all()", tags=["check"], deletable=False, editable=False))
    notebook = nbformat.from_dict({"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": cells})
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "cscbook": {
            "chapter": chapter.docname, "slug": chapter.slug, "number": chapter.number,
            "edition": edition, "checks": labels,
        },
        "otter": {"assignment_name": chapter.slug},
    }
    for cell in notebook.cells:  # stable ids, so that regenerating gives the same file
        cell.pop("id", None)
    notebook.nbformat_minor = 4
    return notebook
