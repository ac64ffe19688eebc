"""The classroom edition, chapter by chapter: ``make assignments``.

:func:`build` turns every chapter in ``_toc.yml``, and each of the two primers before
Part I (slugs ``00a-primer-python`` and ``00b-primer-statistics``, see
:class:`cscbook_build.book.Chapter`, so that they sort before chapter 1), into

- ``_build/classroom/student/NN-slug.ipynb``: the teaching text, the chapter's code,
  and for each exercise an empty cell for the answer (``d50 = ...``), a
  ``grader.check("ex-..")`` cell where the chapter declares a check, and no solution;
- ``_build/classroom/instructor/NN-slug.ipynb``: the same with the solutions and their
  outputs (the answer key);
- ``_build/classroom/zips/NN-slug.zip``: what a student needs without the repository
  (:mod:`~cscbook_build.classroom.bundle`). The website links it ("Download as an
  assignment"), so it is also copied to ``_build/html/assignments/``;
- ``_build/classroom/autograder/NN-slug-autograder.zip``: an otter-grader autograder
  configuration (:mod:`~cscbook_build.classroom.autograder`).

``student/`` and ``instructor/`` also hold ``data/``, ``cscbook/`` and ``tests/``, so
the notebooks run where they are. The student's ``tests/`` (in ``student/`` and the zip)
hold public checks (:mod:`.public`: the answer's form and order of magnitude, common
slips, no expected value); the graded checks, with the expected values, are only in
``instructor/tests/`` and the autograder. The stages, in order: :mod:`.source` (the chapter
and its cached outputs), :mod:`.references`, :mod:`.convert`, :mod:`.editions`,
:mod:`.bundle`, :mod:`.autograder`.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ..book import Chapter, datasets_used, toc_assignments, toc_chapters
from .autograder import grading_checks, test_file, write_autograder
from .bundle import (
    imported_modules,
    merge_descriptor,
    requirements,
    restricted_datapackage,
    student_readme,
    write_bundle,
    write_notebook,
    write_zip,
)
from .editions import make_editions
from .notes import copy_notes
from .public import public_test_file
from .references import References
from .source import check_declarations, check_labels, executed_notebook, glued_values


@dataclass
class ChapterResult:
    chapter: Chapter
    checks: dict
    datasets: list[str]
    problems: list[str]


def build_chapter(chapter: Chapter, root: Path, out: Path, references: References) -> ChapterResult:
    """Both editions, the student's zip and the autograder of one chapter."""
    executed = executed_notebook(root, chapter.source)
    checks = check_declarations(executed)
    declared = check_labels(executed)  # the source's cells, read once with the outputs
    missing = [label for label in declared if label not in checks]
    if missing:
        raise SystemExit(f"{chapter.docname}: check cell(s) for {missing} have no recorded output")
    glue = glued_values(root, chapter.docname, executed)
    student, instructor, converter = make_editions(chapter, executed, checks, references, glue)
    title = re.sub(r"^# (Chapter \d+\. )?", "", next(
        (c.source.splitlines()[0] for c in student.cells if c.source.startswith("# ")), chapter.slug))

    source_text = chapter.source.read_text(encoding="utf-8")
    datasets = datasets_used(source_text)
    descriptor, dataset_paths = restricted_datapackage(root, datasets)
    # graded checks (expected values): the instructor's folder and the autograder only;
    # public checks (form and size, no value, no hint): the student's folder and zip
    tests = {label: test_file(chapter, declaration) for label, declaration in checks.items()}
    public_tests = {label: public_test_file(chapter, declaration, references.number(label, chapter.docname))
                    for label, declaration in checks.items()}
    assets = []
    for relative in converter.assets:
        source = (chapter.source.parent / relative).resolve()
        if not source.is_file():
            raise SystemExit(f"{chapter.docname}: figure file {relative} not found")
        assets.append((source, relative))
    modules = imported_modules(instructor)

    name = f"{chapter.slug}.ipynb"
    # runnable folders of all chapters
    for edition, notebook, edition_tests in (("student", student, public_tests),
                                             ("instructor", instructor, tests)):
        folder = out / edition
        write_notebook(notebook, folder / name)
        write_bundle(folder, root, dataset_paths, merge_descriptor(folder, descriptor), edition_tests, assets)

    # the instructor's teaching notes (discussion prompts, question bank, rubrics)
    capstone = not chapter.primer and chapter.number == max(c.number for c in toc_chapters(root))
    copy_notes(root, chapter.slug, source_text, capstone, out / "instructor")

    # the student's zip
    staging = out / ".staging" / chapter.slug
    shutil.rmtree(staging, ignore_errors=True)
    write_bundle(staging, root, dataset_paths, descriptor, public_tests, assets)
    write_notebook(student, staging / name)
    (staging / "requirements.txt").write_text(requirements(root, modules), encoding="utf-8")
    (staging / "README.md").write_text(student_readme(chapter, title, datasets, checks), encoding="utf-8")
    write_zip(out / "zips" / f"{chapter.slug}.zip", staging)

    # the autograder (made by otter generate: run_autograder, setup.sh, environment.yml, ...)
    write_autograder(out, chapter, root, dataset_paths, descriptor, assets, tests,
                     requirements(root, modules, jupyter=False), grading_checks(chapter, title, checks))
    return ChapterResult(chapter, checks, datasets, list(references.problems))


def build(root: Path, out: Path | None = None, site: Path | None = None) -> list[ChapterResult]:
    """Write the classroom edition of every chapter to ``out`` and copy the zips into the site."""
    started = time.perf_counter()
    out = out or root / "_build" / "classroom"
    site = site if site is not None else root / "_build" / "html"
    for part in ("student", "instructor", "zips", "autograder", ".staging"):
        shutil.rmtree(out / part, ignore_errors=True)
    references = References(root)
    results = []
    for chapter in toc_assignments(root):
        if not chapter.exists():
            print(f"[classroom] {chapter.docname}: not written yet, skipped")
            continue
        references.problems = []
        result = build_chapter(chapter, root, out, references)
        results.append(result)
        for problem in result.problems:
            print(f"[classroom] {chapter.docname}: warning: {problem}")
        print(f"[classroom] {chapter.slug}: {len(result.checks)} check(s), "
              f"{len(result.datasets)} dataset(s)")
    shutil.rmtree(out / ".staging", ignore_errors=True)
    if site.is_dir():
        target = site / "assignments"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        for result in results:
            name = f"{result.chapter.slug}.zip"
            shutil.copyfile(out / "zips" / name, target / name)
    (out / "README.md").write_text(CLASSROOM_README, encoding="utf-8")
    print(f"[classroom] {len(results)} assignment(s) (primers and chapters) written to {out} "
          f"in {time.perf_counter() - started:.1f} s")
    return results


CLASSROOM_README = """# Classroom edition (generated by `make assignments`; do not edit)

Every chapter is an assignment, and so is each primer before Part I: `00a-primer-python`
(Python for this book) and `00b-primer-statistics` (statistics for this book), named so
that they come before chapter 1 (`01-...`) in every listing.

- `student/`: one student notebook per chapter and primer (no solutions), runnable here.
- `instructor/`: the answer keys, runnable here, and each chapter's teaching notes
  (`NN-slug-teaching-notes.md`: discussion prompts, a question bank, rubrics). Keep them private.
- `zips/`: one zip per chapter to hand out (notebook, data, helper package, public checks,
  requirements). The public checks test an answer's form and order of magnitude only.
- `autograder/`: one otter-grader autograder zip per chapter, with the graded checks and
  their expected values (`checks.json`, `tests/`). Keep them private.

Grade a folder of submitted notebooks: `make grade SUBMISSIONS=path/to/folder`
(writes `scores.csv` and `feedback/` in that folder; each notebook runs in a bubblewrap
sandbox with a time limit). See the book's instructor guide.
"""
