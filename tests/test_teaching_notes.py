"""Each chapter's teaching notes: discussion prompts, a question bank and rubrics, for
instructors only (the instructor folder of the classroom edition; never the website, the
PDF or a student zip)."""

from __future__ import annotations

import zipfile

import pytest

from cscbook_build.book import toc_chapters
from cscbook_build.classroom import notes

from .conftest import BUILD, HTML, ROOT

CHAPTERS = [c for c in toc_chapters(ROOT) if c.exists()]
LAST = max(c.number for c in CHAPTERS)

GOOD = """# Teaching notes: a chapter

## Discussion prompts
1. One?
2. Two?
3. Three?

## Question bank
""" + "".join(f"{i}. Question {i}?\n   **Answer:** yes.\n" for i in range(1, 11)) + """
## Rubrics
### ex-a-2
- 2 points: names the mechanism.
"""


def test_the_shape_check_accepts_good_notes_and_names_what_is_missing():
    assert notes.problems(GOOD, ["ex-a-2"]) == []
    assert notes.problems(GOOD, ["ex-a-2", "ex-a-4"]) == ["no rubric for ex-a-4"]
    assert notes.problems(GOOD, [], capstone=True) == ["no rubric for Report"]
    thin = GOOD.replace("3. Three?\n", "").replace("10. Question 10?\n   **Answer:** yes.\n", "10. Question 10?\n")
    assert notes.problems(thin, ["ex-a-2"]) == [
        "2 discussion prompt(s), at least 3 needed", "question(s) [10] have no '**Answer:**'"]


def test_unchecked_exercises_are_those_without_a_check_cell():
    source = ("```{exercise-start}\n:label: ex-a-1\n```\n```{exercise-start}\n:label: ex-a-2\n```\n"
              'check("ex-a-1", x=x)\n')
    assert notes.unchecked_exercises(source) == ["ex-a-2"]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_every_chapter_has_teaching_notes_of_the_required_shape(chapter):
    path = notes.notes_path(ROOT, chapter.slug)
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    source = chapter.source.read_text(encoding="utf-8")
    assert notes.problems(path.read_text(encoding="utf-8"), notes.unchecked_exercises(source),
                          capstone=chapter.number == LAST) == []


def test_teaching_notes_reach_instructors_only(built_html):
    instructor = BUILD / "classroom" / "instructor"
    if not instructor.is_dir():
        pytest.fail("the classroom edition is not built: run `make html` (make test does it for you)")
    for chapter in CHAPTERS:
        assert (instructor / f"{chapter.slug}-teaching-notes.md").is_file(), chapter.slug
        with zipfile.ZipFile(BUILD / "classroom" / "zips" / f"{chapter.slug}.zip") as archive:
            assert not [n for n in archive.namelist() if "teaching-notes" in n or n.startswith("instructor")]
    first_question = notes.question_items(notes.sections(
        notes.notes_path(ROOT, CHAPTERS[0].slug).read_text(encoding="utf-8"))["Question bank"])[0]
    stem = first_question.split("**Answer:**")[0].split(".", 1)[1].strip()[:40]
    for page in HTML.rglob("*.html"):
        assert stem not in page.read_text(encoding="utf-8"), f"a question-bank item is on {page}"
