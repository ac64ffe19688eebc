"""Teaching notes: the instructor-only part of a chapter (``instructor/NN-slug.md``).

Each chapter has a file of notes that only instructors receive: in the instructor folder
of the classroom edition, never on the website, in the PDF or in a student zip. It holds
discussion prompts for class, a bank of questions with answers for quizzes and tests, and
rubrics for the exercises that no automatic check grades (and, for the capstone, for the
written report). :func:`problems` checks the shape that ``make assignments`` and the tests
rely on::

    # Teaching notes: <chapter title>

    ## Discussion prompts
    1. ...                      (at least 3)

    ## Question bank
    1. <question>               (at least 10, each with an answer line)
       **Answer:** ...

    ## Rubrics
    ### ex-label                (one per exercise without an automatic check)
    - ...
"""

from __future__ import annotations

import re
from pathlib import Path

MIN_PROMPTS = 3
MIN_QUESTIONS = 10
SECTIONS = ("Discussion prompts", "Question bank", "Rubrics")
_SECTION = re.compile(r"^## (.+?)\s*$", re.M)
_ITEM = re.compile(r"^\d+\.\s+\S", re.M)


def notes_path(root: Path, slug: str) -> Path:
    """Where the teaching notes of the chapter ``slug`` live."""
    return Path(root) / "instructor" / f"{slug}.md"


def sections(text: str) -> dict[str, str]:
    """The body of each ``## `` section of the notes, by heading."""
    found = list(_SECTION.finditer(text))
    return {m.group(1): text[m.end():(found[i + 1].start() if i + 1 < len(found) else len(text))]
            for i, m in enumerate(found)}


def question_items(body: str) -> list[str]:
    """The numbered items of a section, each with its continuation lines."""
    starts = [m.start() for m in _ITEM.finditer(body)]
    return [body[a:b].strip() for a, b in zip(starts, starts[1:] + [len(body)], strict=True)]


def problems(text: str, unchecked_exercises: list[str], capstone: bool = False) -> list[str]:
    """What the notes lack, as sentences; empty when they have the required shape.

    ``unchecked_exercises`` are the labels of the chapter's exercises that no automatic
    check grades: each needs a rubric (a ``### label`` heading under Rubrics). The capstone's
    notes also need a rubric for the written report (``### Report``).
    """
    found = sections(text)
    issues = [f"no '## {name}' section" for name in SECTIONS if name not in found]
    prompts = question_items(found.get("Discussion prompts", ""))
    if "Discussion prompts" in found and len(prompts) < MIN_PROMPTS:
        issues.append(f"{len(prompts)} discussion prompt(s), at least {MIN_PROMPTS} needed")
    questions = question_items(found.get("Question bank", ""))
    if "Question bank" in found and len(questions) < MIN_QUESTIONS:
        issues.append(f"{len(questions)} question(s) in the bank, at least {MIN_QUESTIONS} needed")
    unanswered = [i + 1 for i, q in enumerate(questions) if "**Answer:**" not in q]
    if unanswered:
        issues.append(f"question(s) {unanswered} have no '**Answer:**'")
    rubrics = set(re.findall(r"^### (\S+)", found.get("Rubrics", ""), re.M))
    needed = list(unchecked_exercises) + (["Report"] if capstone else [])
    issues += [f"no rubric for {label}" for label in needed if label not in rubrics]
    return issues


_EXERCISE = re.compile(r"^```\{exercise-start\}\s*\n:label:\s*(ex-[\w-]+)", re.M)
_CHECK = re.compile(r"""\bcheck\(\s*["'](ex-[\w-]+)["']""")


def unchecked_exercises(source_text: str) -> list[str]:
    """Labels of a chapter's exercises that no ``check(...)`` cell grades, in order."""
    checked = set(_CHECK.findall(source_text))
    return [label for label in _EXERCISE.findall(source_text) if label not in checked]


def copy_notes(root: Path, slug: str, source_text: str, capstone: bool, folder: Path) -> Path | None:
    """Check the chapter's teaching notes and copy them into an instructor ``folder``.

    Returns the copy, or ``None`` when the chapter has no notes yet. Malformed notes stop
    ``make assignments`` with a message that names the file and what it lacks.
    """
    path = notes_path(root, slug)
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    found = problems(text, unchecked_exercises(source_text), capstone)
    if found:
        raise SystemExit(f"{path.relative_to(root)}: " + "; ".join(found))
    target = folder / f"{slug}-teaching-notes.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
