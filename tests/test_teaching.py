"""What a student new to the subject, and the instructor who assigns a chapter, rely on.

- every chapter opens with a "Before you start" box: the earlier chapters it builds on
  (links that work, never to a later chapter), the Python and mathematics it uses, and
  the time to read it and to do its exercises, as measured from its source;
- no page shows the book's own machinery (``glue(...)``) as if it were part of the lesson;
- every chapter has at least three concept checks on the biology, with the answer folded
  on the website and left out of the student notebook (kept in the instructor's).
"""

from __future__ import annotations

import re

import nbformat
import pytest
from bs4 import BeautifulSoup

from cscbook_build.book import toc_chapters
from cscbook_build.study_time import study_time

from .conftest import BUILD, ROOT

CHAPTERS = [c for c in toc_chapters(ROOT) if c.exists()]
LABELS = {}
for _chapter in CHAPTERS:
    _label = re.search(r"^\((ch-[\w-]+)\)=\s*$", _chapter.source.read_text(encoding="utf-8"), re.MULTILINE)
    LABELS[_label[1]] = _chapter.number


def page(chapter):
    path = BUILD / "html" / f"{chapter.docname}.html"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make html`")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find("main")


def admonitions(soup, title: str):
    return [
        box for box in soup.select("div.admonition")
        if (head := box.find(class_="admonition-title")) and head.get_text(" ", strip=True) == title
    ]


def box_source(chapter) -> str:
    text = chapter.source.read_text(encoding="utf-8")
    found = re.search(r"```\{admonition\} Before you start\n(.*?)\n```", text, re.DOTALL)
    assert found, f"{chapter.docname}: no 'Before you start' box in the source"
    return found[1]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_before_you_start_follows_the_objectives_and_names_what_it_needs(chapter):
    soup = page(chapter)
    boxes = admonitions(soup, "Before you start")
    assert len(boxes) == 1, f"{chapter.docname}: expected one 'Before you start' box"
    objectives = admonitions(soup, "Learning objectives")[0]
    following = objectives.find_next_sibling("div", class_="admonition")
    assert following is boxes[0], f"{chapter.docname}: the box must come right after the objectives"
    text = boxes[0].get_text(" ", strip=True)
    for label in ("Builds on:", "Python:", "Mathematics:", "Time:"):
        assert label in text, f"{chapter.docname}: the box lacks {label!r}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_before_you_start_builds_only_on_earlier_chapters_with_working_links(chapter):
    source = box_source(chapter)
    targets = re.findall(r"\{ref\}`[^`<]*<([^>]+)>`", source)
    for target in targets:
        assert target in LABELS, f"{chapter.docname}: builds on {target!r}, which is no chapter"
        assert LABELS[target] < chapter.number, f"{chapter.docname}: builds on a later chapter ({target})"
    if not targets:
        assert "nothing earlier" in source, f"{chapter.docname}: name what the chapter builds on"
    links = admonitions(page(chapter), "Before you start")[0].find_all("a")
    assert len(links) >= len(targets), f"{chapter.docname}: a 'Builds on' link did not resolve"
    for link in links:
        assert link.get("href"), f"{chapter.docname}: a link without a target"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_before_you_start_states_the_measured_times(chapter):
    measured = study_time(chapter.source.read_text(encoding="utf-8"))
    stated = re.search(
        r"\*\*Time:\*\* about (\d+) minutes to read and run; about (\d+) minutes for the exercises",
        box_source(chapter),
    )
    assert stated, f"{chapter.docname}: the Time line is not in the agreed form"
    assert (int(stated[1]), int(stated[2])) == (measured.reading, measured.exercises), (
        f"{chapter.docname}: the box says {stated[1]} and {stated[2]} minutes, the source measures "
        f"{measured.reading} and {measured.exercises} (run `python -m cscbook_build.study_time --write`)"
    )


def test_study_time_counts_prose_code_and_exercises():
    prose = "word " * 1000
    exercise = "```{exercise-start}\n:label: ex-a\n```\n" + "do " * 200 + "\n```{exercise-end}\n```\n"
    solution = "```{solution-start} ex-a\n```\n" + "answer " * 5000 + "\n```{solution-end}\n```\n"
    cell = "```{code-cell} ipython3\nx = 1\n```\n"
    hidden = "```{code-cell} ipython3\n:tags: [remove-cell]\nglue('x', 1)\n```\n"
    measured = study_time(prose + cell * 4 + hidden * 10 + exercise + solution)
    assert measured.reading == 10  # 1000 words at 200 a minute, 4 shown cells at half a minute: 7 -> 10
    assert measured.exercises == 20  # 10 minutes plus 200 words at 20 a minute, rounded up
    assert study_time(prose).exercises == 0


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_no_page_shows_the_books_glue_machinery(chapter):
    shown = [code.get_text() for code in page(chapter).select("div.cell_input, pre")]
    assert not [code for code in shown if "glue(" in code], (
        f"{chapter.docname}: a shown code cell calls glue(): move the call into a remove-cell cell"
    )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_at_least_three_concept_checks_with_folded_answers(chapter):
    checks = admonitions(page(chapter), "Concept check")
    assert len(checks) >= 3, f"{chapter.docname}: {len(checks)} concept checks"
    for check in checks:
        answers = admonitions(check, "Answer")
        assert len(answers) == 1, f"{chapter.docname}: a concept check without one answer"
        assert "dropdown" in answers[0].get("class", []), f"{chapter.docname}: an answer is not folded"
        question = check.get_text(" ", strip=True).replace(answers[0].get_text(" ", strip=True), "")
        assert len(question.split()) >= 8, f"{chapter.docname}: a concept check without a question"


def _notebook_text(edition: str, chapter) -> str:
    path = BUILD / "classroom" / edition / f"{chapter.slug}.ipynb"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make assignments`")
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_concept_check_answers_are_in_the_instructor_edition_only(chapter):
    source = chapter.source.read_text(encoding="utf-8")
    answers = re.findall(r":::\{admonition\} Answer\n:class: dropdown\n\n(.*?)\n:::", source, re.DOTALL)
    assert answers, f"{chapter.docname}: no concept-check answers found in the source"
    student, instructor = _notebook_text("student", chapter), _notebook_text("instructor", chapter)
    for answer in answers:
        # citations render differently in a notebook: leave them out; other roles keep their text
        answer = re.sub(r"\{cite:?\w*\}`[^`]*`", " ", answer)
        words = plain(re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", answer)).split()[:10]
        assert len(words) >= 6, f"{chapter.docname}: an answer too short to be one"
        first_words = " ".join(words)
        assert first_words not in plain(student), f"{chapter.docname}: an answer reached students"
        assert first_words in plain(instructor), f"{chapter.docname}: an answer is missing for instructors"
    assert student.count("in the instructor's edition") >= len(answers)


def plain(text: str) -> str:
    """Words only: what a reader sees, whatever the markup around it."""
    return " ".join(re.sub(r"[^\w%.,-]+", " ", text).split())
