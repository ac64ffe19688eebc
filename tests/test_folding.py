"""Plotting boilerplate folds on the website, and is kept in the PDF and the student notebooks.

A code cell whose only job is to draw a figure (``fig, ax = plt.subplots()``, axis
labels, legends) is tagged ``hide-input``: on the website its code folds under a toggle
and its figure stays in view, so the reader sees first the code the chapter teaches.
Paper cannot unfold, so the PDF prints that code like any other cell
(:class:`cscbook_build.pdf_content.FoldedCodeInPrint`), and a student gets it in the notebook,
shown, to run and change.

- every chapter folds at least one cell, and every folded cell draws a figure and is
  not a solution;
- on each chapter page, each folded cell's code sits in a toggle with its figure
  outside it, and the toggle is named by the words it shows;
- the LaTeX builder prints folded code (a small Sphinx project, built in a temporary
  folder, with and without the book's PDF extension);
- each chapter's student notebook holds every folded cell's code, not hidden.

``tests/test_pdf.py`` checks the same for the book's own LaTeX when the PDF is built.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from functools import cache

import nbformat
import pytest
from bs4 import BeautifulSoup

from cscbook_build.book import toc_chapters
from cscbook_build.signature import read_notebook

from .conftest import BUILD, ROOT

FOLD_TAG = "hide-input"
CHAPTERS = [c for c in toc_chapters(ROOT) if c.exists()]
DRAWS_A_FIGURE = re.compile(r"\bplt\.subplots\(")
SOLUTION = re.compile(r"^```\{solution-start\}.*?^```\{solution-end\}", re.MULTILINE | re.DOTALL)


def folded_cells(chapter) -> tuple[str, ...]:
    """The code of a chapter's cells tagged ``hide-input``, in order."""
    return _folded_cells(str(chapter.source))


@cache
def _folded_cells(source: str) -> tuple[str, ...]:
    notebook = read_notebook(source)
    return tuple(
        cell.source for cell in notebook.cells
        if cell.cell_type == "code" and FOLD_TAG in cell.metadata.get("tags", [])
    )


def squash(code: str) -> str:
    return " ".join(code.split())


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_every_chapter_folds_its_plotting_code_and_only_that(chapter):
    folded = folded_cells(chapter)
    assert folded, f"{chapter.docname}: no cell is tagged {FOLD_TAG}; fold the cells that only draw"
    for code in folded:
        assert DRAWS_A_FIGURE.search(code), (
            f"{chapter.docname}: a folded cell draws no figure (only plotting code folds):\n{code[:200]}"
        )
    solutions = " ".join(squash(s) for s in SOLUTION.findall(chapter.source.read_text(encoding="utf-8")))
    for code in folded:
        assert squash(code) not in solutions, f"{chapter.docname}: a solution's cell is folded"


def page(chapter) -> BeautifulSoup:
    path = BUILD / "html" / f"{chapter.docname}.html"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make html`")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("main")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_folded_code_is_a_toggle_above_a_figure_in_view(chapter):
    cells = page(chapter).select("div.cell.tag_hide-input")
    assert len(cells) == len(folded_cells(chapter)), f"{chapter.docname}: folded cells missing on the page"
    for cell in cells:
        toggle = cell.find("details", recursive=False)
        assert toggle is not None, f"{chapter.docname}: a hide-input cell has no toggle"
        code = toggle.select_one("div.cell_input")
        assert code is not None and DRAWS_A_FIGURE.search(code.get_text()), (
            f"{chapter.docname}: the toggle does not hold the cell's plotting code"
        )
        summary = toggle.find("summary")
        assert not summary.has_attr("aria-label"), "the toggle's name must be the words it shows"
        assert summary.get_text(" ", strip=True), "the toggle shows no words"
        output = cell.select_one("div.cell_output")
        assert output is not None and output.find("img"), f"{chapter.docname}: a folded cell shows no figure"
        assert toggle not in output.parents, f"{chapter.docname}: the figure is folded too"


# --- The PDF: a small book built with the LaTeX builder -----------------------------

PAGE = textwrap.dedent('''\
    ---
    jupytext:
      text_representation:
        format_name: myst
    kernelspec:
      name: python3
      display_name: Python 3
      language: python
    ---
    # Folding

    ```{code-cell} ipython3
    :tags: [hide-input]
    ax.set_xlabel("drawn by folded code")
    ```

    ```{code-cell} ipython3
    taught = "shown code"
    ```
    ''')


def build_latex(tmp_path, extensions: list[str]) -> str:
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        f"extensions = {extensions!r}\nnb_execution_mode = 'off'\n", encoding="utf-8"
    )
    (source / "index.md").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "latex"
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "latex", "-q", str(source), str(out)],
                   check=True, capture_output=True, text=True)
    tex = "\n".join(path.read_text(encoding="utf-8") for path in out.glob("*.tex"))
    return latex_code_text(tex)


def latex_code_text(tex: str) -> str:
    """The text of LaTeX code listings as typed: Pygments' markup taken off."""
    escapes = {"us": "_", "dq": '"', "sq": "'", "ob": "\0", "cb": "\1", "bs": "\\", "lb": "[",
               "rb": "]", "sh": "#", "pc": "%", "dl": "$", "hy": "-", "at": "@", "zsq": "'",
               "lt": "<", "gt": ">", "am": "&", "cn": ":", "sc": ";", "ti": "~", "ca": "^", "PYZ": ""}
    text = re.sub(r"\\PYG\{[^}]*\}\{", "", tex)
    text = re.sub(r"\\PYGZ(\w+)\{\}", lambda m: escapes.get(m[1], m[0]), text)
    text = text.replace("}", "")
    return text.replace("\0", "{").replace("\1", "}")


def test_the_pdf_prints_folded_code(tmp_path):
    printed = build_latex(tmp_path, ["myst_nb", "sphinx_jupyterbook_latex", "cscbook_build.pdf"])
    assert 'taught = "shown code"' in printed
    assert 'ax.set_xlabel("drawn by folded code")' in printed


def test_without_the_books_extension_folded_code_would_be_missing_from_the_pdf(tmp_path):
    printed = build_latex(tmp_path, ["myst_nb", "sphinx_jupyterbook_latex", "sphinx_exercise"])
    assert 'taught = "shown code"' in printed
    assert "drawn by folded code" not in printed


# --- The student notebook --------------------------------------------------------------


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_the_student_notebook_shows_every_folded_cell(chapter):
    path = BUILD / "classroom" / "student" / f"{chapter.slug}.ipynb"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make assignments` (make test does it)")
    notebook = nbformat.read(path, as_version=4)
    shown = {
        squash(cell.source) for cell in notebook.cells
        if cell.cell_type == "code" and not cell.metadata.get("jupyter", {}).get("source_hidden")
    }
    for code in folded_cells(chapter):
        assert squash(code) in shown, f"{chapter.docname}: a folded cell is not shown in the student notebook"
