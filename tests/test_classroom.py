"""The classroom edition: student notebooks, answer keys, checks, zips and grading.

``make test`` runs ``make html``, which writes the classroom edition (``make
assignments``) to ``_build/classroom``. These tests then run what an instructor and a
student would: every answer key is graded and must score full marks, every blank
student notebook runs from its unzipped assignment, outside the repository, and must
score less, and no solution text may reach a student. The two primers before Part I are
assignments too (``00a-primer-python``, ``00b-primer-statistics``) and are tested as the
chapters are.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from cscbook.checks import answer_matches, check
from cscbook_build.book import toc_assignments, toc_primers
from cscbook_build.classroom import autograder, bundle, convert, grade, source
from cscbook_build.classroom.sandbox import sandbox_problem

from .conftest import BUILD, HTML, ROOT

CLASSROOM = BUILD / "classroom"
ALL_CHAPTERS = toc_assignments(ROOT)  # the primers, then the numbered chapters
WRITTEN = [c for c in ALL_CHAPTERS if c.exists()]
IDS = [c.slug for c in WRITTEN]
ROLE_OR_DIRECTIVE = re.compile(r"\{[a-z][\w:-]*\}`|^\s*(```+|:::+)\s*\{", re.MULTILINE)


def student_notebook(chapter) -> nbformat.NotebookNode:
    path = CLASSROOM / "student" / f"{chapter.slug}.ipynb"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make assignments` (make test does it)")
    return nbformat.read(path, as_version=4)


def instructor_notebook(chapter) -> nbformat.NotebookNode:
    path = CLASSROOM / "instructor" / f"{chapter.slug}.ipynb"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make assignments` (make test does it)")
    return nbformat.read(path, as_version=4)


def all_text(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(json.dumps(output))
    return "\n".join(parts)


def squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------
# Declarations in the chapter sources
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("chapter", ALL_CHAPTERS, ids=[c.slug for c in ALL_CHAPTERS])
def test_every_chapter_declares_at_least_two_checks(chapter):
    if not chapter.exists():
        pytest.skip(f"{chapter.docname} is not written yet: nothing to check")
    labels = source.declared_checks(chapter.source)
    assert len(set(labels)) >= 2, (
        f"{chapter.docname} declares {len(set(labels))} automatic check(s); add at least two "
        "(see 'Writing a chapter' in CONTRIBUTING.md)"
    )


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_check_cells_are_hidden_and_name_an_exercise_of_the_chapter(chapter):
    text = chapter.source.read_text(encoding="utf-8")
    exercises = set(re.findall(r":label:\s*(\S+)", text))
    notebook = source.read_source_notebook(chapter.source)
    for cell in notebook.cells:
        if cell.cell_type == "code" and re.search(r"\bcheck\(", cell.source):
            assert "remove-cell" in cell.metadata.get("tags", []), (
                f"{chapter.docname}: a check cell must be tagged remove-cell, or readers see it:\n"
                + cell.source
            )
            for label in source.CHECK_LABEL.findall(cell.source):
                assert label in exercises, f"{chapter.docname}: check of unknown exercise {label!r}"


# --------------------------------------------------------------------------------------
# What make assignments writes
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_both_editions_zips_and_autograders_exist_for_every_chapter(chapter):
    for path in (
        CLASSROOM / "student" / f"{chapter.slug}.ipynb",
        CLASSROOM / "instructor" / f"{chapter.slug}.ipynb",
        CLASSROOM / "zips" / f"{chapter.slug}.zip",
        CLASSROOM / "autograder" / f"{chapter.slug}-autograder.zip",
        HTML / "assignments" / f"{chapter.slug}.zip",
    ):
        assert path.is_file(), f"{path} is missing: run `make assignments`"


def solution_material(chapter) -> tuple[list[str], list[str]]:
    """Code lines and prose sentences that appear only inside the chapter's solutions."""
    text = chapter.source.read_text(encoding="utf-8")
    inside, outside = [], []
    for piece in re.split(r"(```\{solution-start\}.*?```\{solution-end\})", text, flags=re.DOTALL):
        (inside if piece.startswith("```{solution-start}") else outside).append(piece)
    solution_text, other_text = "\n".join(inside), squash("\n".join(outside))
    code, prose = [], []
    for block in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", solution_text, re.DOTALL):
        if any("remove-cell" in line for line in block.split("\n")[:5]):
            continue
        # a cell's YAML options (---, mystnb: image: alt: ...) are metadata, not its code
        block = re.sub(r"\A---\n.*?\n---\n", "", block, flags=re.DOTALL)
        for line in block.splitlines():
            line = line.strip()
            if len(line) >= 16 and not line.startswith((":", "#")) and squash(line) not in other_text:
                code.append(line)
    without_code = re.sub(r"```\{code-cell\}[^\n]*\n.*?\n```", " ", solution_text, flags=re.DOTALL)
    without_code = "\n".join(line for line in without_code.splitlines()
                             if not line.lstrip().startswith(("```", ":")))
    without_roles = re.sub(r"\{[\w:-]+\}`[^`]*`|\$[^$]*\$|`[^`]*`|\*+", " ", without_code)
    for sentence in re.split(r"(?<=[.!?:;])\s+", squash(without_roles)):
        words = sentence.split()
        if len(words) >= 7:
            prose.append(" ".join(words[:7]))
    return code, prose


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_no_student_notebook_contains_solution_text(chapter):
    code, prose = solution_material(chapter)
    assert code or prose, f"{chapter.docname}: found no solution text to look for"
    student = student_notebook(chapter)
    text = squash(all_text(student))
    for line in code:
        assert squash(line) not in text, f"{chapter.docname}: solution code in the student notebook: {line}"
    text = squash(re.sub(r"\*+", " ", text))
    for words in prose:
        assert words not in text, f"{chapter.docname}: solution text in the student notebook: {words}..."
    assert "Solution to" not in text
    for cell in student.cells:
        assert not cell.get("outputs"), f"{chapter.docname}: the student notebook has outputs"
        assert "remove-cell" not in cell.metadata.get("tags", [])
    # ... while the answer key has them
    key = squash(all_text(instructor_notebook(chapter)))
    for line in code:
        assert squash(line) in key, f"{chapter.docname}: solution code missing from the answer key: {line}"


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_notebooks_have_plain_markdown_and_no_build_only_imports(chapter):
    for notebook in (student_notebook(chapter), instructor_notebook(chapter)):
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                leftover = ROLE_OR_DIRECTIVE.search(cell.source)
                assert leftover is None, f"{chapter.docname}: MyST left in a notebook: {cell.source[:300]}"
                assert not re.search(r"^\([\w-]+\)=\s*$", cell.source, re.MULTILINE)
            else:
                imports_myst_nb = re.search(r"^\s*(from|import)\s+myst_nb", cell.source, re.M)
                assert not imports_myst_nb, f"{chapter.docname}: myst_nb import left in a notebook"
                assert not re.search(r"\bcheck\(\"", cell.source.replace("grader.check", ""))
    student = student_notebook(chapter)
    checks = source.declared_checks(chapter.source)
    check_cells = [c.source for c in student.cells if c.cell_type == "code" and "grader.check(" in c.source]
    for label in checks:
        assert f'grader.check("{label}")' in check_cells, f"{chapter.docname}: no check cell for {label}"
    assert student.metadata["cscbook"]["slug"] == chapter.slug
    assert student.metadata["cscbook"]["edition"] == "student"


def imports_of(notebook) -> tuple[set[str], set[str]]:
    """Third-party top-level modules and cscbook submodules imported by a notebook."""
    modules, book_modules = set(), set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for match in re.finditer(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", cell.source, re.M):
            name = match[1] or match[2]
            top = name.split(".")[0]
            if top == "cscbook":
                book_modules.add(name.split(".")[1] if "." in name else "__init__")
            elif top not in sys.stdlib_module_names:
                modules.add(top)
    return modules, book_modules


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_the_zip_contains_what_the_notebook_reads(chapter):
    archive = zipfile.ZipFile(CLASSROOM / "zips" / f"{chapter.slug}.zip")
    names = set(archive.namelist())
    notebook = nbformat.reads(archive.read(f"{chapter.slug}.ipynb").decode(), as_version=4)
    assert {"README.md", "requirements.txt", "data/datapackage.json", "cscbook/__init__.py"} <= names
    # the data: exactly the datasets the chapter loads, with their files
    descriptor = json.loads(archive.read("data/datapackage.json"))
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    source_loads = set(re.findall(r"""\bload\(\s*["']([\w.-]+)["']""", chapter.source.read_text()))
    loaded = set(re.findall(r"""\bload\(\s*["']([\w.-]+)["']""", code))
    assert loaded <= source_loads
    shipped = {r["name"]: r["path"] for r in descriptor["resources"]}
    assert set(shipped) == source_loads, f"{chapter.docname}: datapackage.json is not restricted to its data"
    for path in shipped.values():
        assert f"data/{path}" in names, f"{chapter.docname}: {path} missing from the zip"
    assert not [n for n in names if n.startswith("data/") and n.endswith(".csv")
                and n.removeprefix("data/") not in shipped.values()], "unused CSV files in the zip"
    # the helper package: the reader's library whole (every module the notebook imports
    # among them), and nothing of the build machinery
    _, book_modules = imports_of(notebook)
    for module in book_modules | {"__init__", "data", "notebook"}:
        assert f"cscbook/{module}.py" in names, f"{chapter.docname}: cscbook/{module}.py missing"
    library = {f"cscbook/{path.name}" for path in (ROOT / "src" / "cscbook").glob("*.py")}
    assert {n for n in names if n.startswith("cscbook/")} == library
    assert not [n for n in names if "cscbook_build" in n]
    # the checks: one file per grader.check
    for label in re.findall(r'grader\.check\("([\w-]+)"\)', code):
        assert f"tests/{label}.py" in names, f"{chapter.docname}: tests/{label}.py missing"
    # the requirements: every third-party import, pinned
    requirements = archive.read("requirements.txt").decode()
    pinned = {line.split("==")[0].lower() for line in requirements.splitlines() if "==" in line}
    modules, _ = imports_of(notebook)
    for module in modules:
        dist = bundle.DISTRIBUTIONS.get(module, module)
        if dist:
            assert dist.lower() in pinned, f"{chapter.docname}: {dist} not in requirements.txt"
    # a working Jupyter (kernel and JupyterLab), the Python versions, and no grading software
    assert {"ipykernel", "jupyterlab"} <= pinned, f"{chapter.docname}: no Jupyter in requirements.txt"
    assert "otter-grader" not in pinned and "otter" not in code.replace("otter-grader", "")
    low, high = bundle.PYTHON_VERSIONS
    assert f"Python {low} to {high}" in requirements
    readme = archive.read("README.md").decode()
    assert f"Python {low} to {high}" in readme and "pip install -r requirements.txt" in readme
    # figures the notebook shows
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", cell.source):
                if not re.match(r"^[a-z]+:", target):
                    assert os.path.normpath(target) in names, f"{chapter.docname}: image {target} missing"


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_each_autograder_holds_the_chapters_checks_as_data(chapter):
    """``make grade`` scores from ``checks.json``: the same declarations as the check files."""
    with zipfile.ZipFile(CLASSROOM / "autograder" / f"{chapter.slug}-autograder.zip") as archive:
        names = archive.namelist()
        data = json.loads(archive.read("checks.json"))
    assert data["slug"] == chapter.slug and data["number"] == chapter.number
    assert set(data["checks"]) == set(source.declared_checks(chapter.source))
    for label, declared in data["checks"].items():
        assert f"tests/{label}.py" in names
        assert declared["answers"] and declared["points"] > 0 and declared["rtol"] is not None
    assert not [n for n in names if n.startswith("files/tests/")], "the sandbox must get no checks"


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_each_autograder_is_otter_graders_own(chapter):
    """What ``otter generate`` writes, so that ``otter run``, ``otter grade`` and Gradescope take it."""
    with zipfile.ZipFile(CLASSROOM / "autograder" / f"{chapter.slug}-autograder.zip") as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        config = json.loads(archive.read("otter_config.json"))
        environment = archive.read("environment.yml").decode()
        runner = archive.read("run_autograder").decode()
        tests = {n: archive.read(n).decode() for n in names if n.startswith("tests/")}
    assert {"run_autograder", "run_otter.py", "setup.sh", "environment.yml", "otter_config.json"} <= names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111, "the scripts must be executable"
    assert "run_otter.py" in runner
    assert config["assignment_name"] == chapter.slug and config["lang"] == "python"
    assert config["show_hidden"] is True, "students would never see their checks' results on Gradescope"
    assert "otter-grader" in environment and "python=3.11" in environment
    for dist in ("numpy", "pandas", "scipy", "matplotlib"):
        assert re.search(rf"- {dist}==[\d.]+", environment), f"{dist} is not pinned in environment.yml"
    assert "jupyterlab" not in environment, "the grading image needs no JupyterLab"
    # the graded tests (expected values) and, in files/, what the notebook imports and loads
    assert tests and all("EXPECTED" in text for text in tests.values())
    assert "files/cscbook/checks.py" in names and "files/data/datapackage.json" in names


def test_make_assignments_is_reproducible_and_needs_no_execution(tmp_path):
    """A second run, from the cache alone, writes the same student notebooks and zips."""
    before = {p.name: p.read_bytes() for p in (CLASSROOM / "zips").glob("*.zip")}
    out = tmp_path / "classroom"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-c",
         "from pathlib import Path; from cscbook_build.classroom.assignments import build; "
         f"build(Path({str(ROOT)!r}), Path({str(out)!r}), site=Path({str(tmp_path / 'site')!r}))"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Executing" not in result.stdout + result.stderr
    after = {p.name: p.read_bytes() for p in (out / "zips").glob("*.zip")}
    assert after == before


# --------------------------------------------------------------------------------------
# Running them: the student's zip, alone; the instructor's grading command
# --------------------------------------------------------------------------------------


def run_unzipped(zip_path: str, folder: str) -> dict:
    """Unzip a student assignment into ``folder`` (outside the repository) and run it."""
    from nbclient import NotebookClient

    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    notebook_path = next(Path(folder).glob("*.ipynb"))
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import json as _json, os as _os, cscbook as _cscbook\n"
        "_results = grader.check_all()\n"
        "print('CLASSROOM-REPORT', _json.dumps({'package': _cscbook.__file__, "
        "'data': str(_cscbook.data_dir()), 'cwd': _os.getcwd(), "
        "'total': float(_results.total), 'possible': float(_results.possible)}))"
    ))
    saved = {key: os.environ.pop(key, None) for key in ("CSCBOOK_DATA", "PYTHONPATH")}
    try:
        client = NotebookClient(notebook, timeout=300, allow_errors=True,
                                resources={"metadata": {"path": folder}})
        client.execute()
    finally:
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
    errors, report = [], None
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            # a cell tagged raises-exception shows an error on purpose (the Python primer's
            # "Reading an error"); Jupyter's Run All does not stop there
            if output.output_type == "error" and "raises-exception" not in cell.metadata.get("tags", []):
                errors.append(f"{output.ename}: {output.evalue} in\n{cell.source[:300]}")
            text = output.get("text", "")
            if "CLASSROOM-REPORT" in text:
                report = json.loads(text.split("CLASSROOM-REPORT", 1)[1].strip().splitlines()[0])
    return {"errors": errors, "report": report}


@pytest.fixture(scope="module")
def unzipped_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("students")
    if str(base.resolve()).startswith(str(ROOT.resolve())):
        pytest.fail("the temporary folder must be outside the repository")
    jobs = int(os.environ.get("JOBS", "2"))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {
            chapter.slug: pool.submit(
                run_unzipped, str(CLASSROOM / "zips" / f"{chapter.slug}.zip"), str(base / chapter.slug)
            )
            for chapter in WRITTEN
        }
        return {slug: future.result() for slug, future in futures.items()}, base


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_blank_student_notebook_runs_from_its_zip_alone_and_scores_less_than_full(chapter, unzipped_runs):
    runs, base = unzipped_runs
    run = runs[chapter.slug]
    raised = "\n".join(run["errors"])
    assert not raised, f"{chapter.docname}: the blank student notebook raised:\n{raised}"
    report = run["report"]
    assert report is not None, f"{chapter.docname}: the notebook did not reach its last cell"
    folder = str((base / chapter.slug).resolve())
    assert report["package"].startswith(folder), "cscbook was not imported from the assignment folder"
    assert report["data"].startswith(folder), "the data were not read from the assignment folder"
    assert report["possible"] >= 2
    assert report["total"] < report["possible"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every answer key and every blank student notebook, graded by the instructor's command."""
    folder = tmp_path_factory.mktemp("submissions")
    for chapter in WRITTEN:
        shutil.copy(CLASSROOM / "instructor" / f"{chapter.slug}.ipynb", folder / f"key-{chapter.slug}.ipynb")
        blank = folder / f"blank-{chapter.number:02d}{chapter.letter}.ipynb"
        shutil.copy(CLASSROOM / "student" / f"{chapter.slug}.ipynb", blank)
    command = [sys.executable, "-m", "cscbook_build.classroom", "grade", str(folder), "--root", str(ROOT),
               "--jobs", os.environ.get("JOBS", "2")]
    problem = sandbox_problem()
    if problem:  # the book's own notebooks can be trusted; CI must have the sandbox
        assert not os.environ.get("CI"), f"grading needs its sandbox in CI: {problem}"
        command.append("--unsafe-no-sandbox")
    result = subprocess.run(command, capture_output=True, text=True, timeout=3000, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with open(folder / "scores.csv", newline="", encoding="utf-8") as handle:
        rows = {row["file"]: row for row in csv.DictReader(handle)}
    return rows


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_every_answer_key_scores_full_marks(chapter, graded):
    row = graded[f"key-{chapter.slug}.ipynb"]
    assert row["chapter"] == chapter.slug
    assert row["status"] == "graded", row
    assert row["errors"] == "0", row["detail"]
    assert float(row["possible"]) >= 2
    assert float(row["score"]) == float(row["possible"]), row
    for label in source.declared_checks(chapter.source):
        assert float(row[f"q:{label}"]) > 0, f"{label} failed on the answer key"


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_every_blank_student_notebook_is_graded_less_than_full_without_errors(chapter, graded):
    row = graded[f"blank-{chapter.number:02d}{chapter.letter}.ipynb"]
    assert row["chapter"] == chapter.slug  # found from the notebook's metadata
    assert row["status"] == "graded", row
    assert row["errors"] == "0", row["detail"]
    assert float(row["score"]) < float(row["possible"])


# --------------------------------------------------------------------------------------
# The checks themselves
# --------------------------------------------------------------------------------------


def test_checks_accept_numerically_equal_answers():
    answer_matches("x", 520, 520.2, rtol=0.01)
    answer_matches("x", np.float64(520.21), 520.2)
    answer_matches("x", [1.0, 2.0], [1, 2])
    answer_matches("x", (1.0, 2.0), [1.0, 2.0])
    answer_matches("x", np.array([1.0, 2.0]), [1.0, 2.0])
    answer_matches("x", pd.Series({"a": 1.0, "b": 2.0}), {"a": 1.0, "b": 2.0})
    answer_matches("x", {"a": np.float32(1.0), "b": 2}, {"a": 1.0, "b": 2.0})
    answer_matches("x", np.True_, True)
    answer_matches("x", " Hierarchical ", "hierarchical")
    answer_matches("x", 0.0101, 0.01, rtol=0, atol=0.001)


@pytest.mark.parametrize(
    ("got", "expected", "message"),
    [
        (..., 520.2, "replace the ... in `x = ...`"),
        (None, 520.2, "is None"),
        ("520", 520.2, "should be a number"),
        (693.1, 520.2, "is not the expected value"),
        ([1.0], [1.0, 2.0], "has 1 values; 2 are expected"),
        ({"a": 1.0}, {"a": 1.0, "b": 2.0}, "lacks the key(s) ['b']"),
        (float("nan"), 1.0, "not a finite number"),
    ],
)
def test_checks_say_what_is_wrong_without_giving_the_answer(got, expected, message):
    with pytest.raises(AssertionError) as failure:
        answer_matches("x", got, expected, hint="use log(2) / f")
    text = str(failure.value)
    assert message in text
    assert "520.2" not in text and "2.0" not in text.replace(str(got), "")
    if got is not ... and got is not None:
        assert "Hint: use log(2) / f" in text


def test_a_check_records_its_answers_and_refuses_what_it_cannot_check():
    declaration = check("ex-test-1", d50=np.float64(520.2), pair=(1, 2), hint="h")
    assert declaration["answers"] == {"d50": 520.2, "pair": [1, 2]}
    with pytest.raises(ValueError):
        check("ex-test-2")
    with pytest.raises(TypeError):
        check("ex-test-3", model=object())


def test_generated_check_files_run_under_otter(tmp_path):
    from otter.nbmeta_config import NBMetadataConfig
    from otter.test_files import create_test_file

    chapter = WRITTEN[0]
    declaration = {"label": "ex-demo", "answers": {"d50": 520.2, "p_value": 0.015},
                   "rtol": 0.01, "atol": 0.0, "hint": "a hint", "points": 2}
    path = tmp_path / "ex-demo.py"
    path.write_text(autograder.test_file(chapter, declaration), encoding="utf-8")
    test = create_test_file(str(path), NBMetadataConfig())
    test.run({"d50": 521, "p_value": ...})
    assert test.score == pytest.approx(1.0) and test.possible == 2
    assert "replace the ... in `p_value = ...`" in test.summary()
    test.run({"d50": 520.2, "p_value": 0.0150001})
    assert test.score == test.possible


# --------------------------------------------------------------------------------------
# The website
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_each_chapter_page_links_its_assignment_zip(built_html, chapter):
    from bs4 import BeautifulSoup

    page = built_html / f"{chapter.docname}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = [a for a in soup.find_all("a") if a.get_text(strip=True) == "Download as an assignment"]
    assert len(links) == 1, f"{chapter.docname}: no 'Download as an assignment' link"
    target = (page.parent / links[0]["href"]).resolve()
    assert target.is_file(), f"{chapter.docname}: the link points at a missing file {target}"
    assert zipfile.is_zipfile(target)
    assert target.read_bytes() == (CLASSROOM / "zips" / f"{chapter.slug}.zip").read_bytes()


def test_the_primers_are_assignments_that_sort_before_chapter_1():
    """Both primers are in the classroom edition, named to come first, titled as primers."""
    primers = toc_primers(ROOT)
    assert [p.slug for p in primers] == ["00a-primer-python", "00b-primer-statistics"]
    names = sorted(p.name for p in (CLASSROOM / "zips").glob("*.zip"))
    assert names[:3] == ["00a-primer-python.zip", "00b-primer-statistics.zip", "01-limiting-dilution.zip"]
    for primer in primers:
        student = student_notebook(primer)
        assert student.cells[0].source.startswith("# Primer: "), student.cells[0].source
        assert "Chapter 0" not in all_text(student)
        with zipfile.ZipFile(CLASSROOM / "zips" / f"{primer.slug}.zip") as archive:
            readme = archive.read("README.md").decode()
        assert readme.startswith("# Primer: ") and "Chapter 0" not in readme
    readme = (CLASSROOM / "README.md").read_text(encoding="utf-8")
    assert "00a-primer-python" in readme and "00b-primer-statistics" in readme


@pytest.mark.parametrize("primer", toc_primers(ROOT), ids=lambda p: p.slug)
def test_make_grade_tells_a_primer_from_its_content_or_its_name(tmp_path, primer):
    """A primer's notebook without metadata or check cells is found from its title, or its
    file name with or without the 00a- prefix; ``--chapter primer-python`` names it."""
    graders = grade.load_autograders(CLASSROOM / "autograder")
    notebook = json.loads((CLASSROOM / "student" / f"{primer.slug}.ipynb").read_text(encoding="utf-8"))
    notebook["metadata"] = {}
    notebook["cells"] = [c for c in notebook["cells"] if "grader.check" not in "".join(c["source"])]
    topic = primer.slug.split("-", 1)[1]  # primer-python
    assert grade.detect_chapter(tmp_path / "homework.ipynb", notebook, graders) == (primer.slug, "title")
    assert grade.detect_chapter(tmp_path / f"{topic}-jo.ipynb", None, graders) == (primer.slug, "file name")
    assert grade.detect_chapter(tmp_path / "x.ipynb", None, graders, topic) == (primer.slug, "--chapter")
    # a chapter's title still finds the chapter, not a primer
    notebook["cells"][0]["source"] = "# Chapter 1. Counting"
    assert grade.detect_chapter(tmp_path / "homework.ipynb", notebook, graders)[0] == "01-limiting-dilution"


def test_instructor_guide_explains_editions_checks_grading_and_schedule(built_html):
    from bs4 import BeautifulSoup

    page = built_html / "book" / "back" / "instructor-guide.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("main")
    text = soup.get_text(" ", strip=True)
    for phrase in ("Student edition", "Instructor edition", "make grade", "scores.csv",
                   "Solutions on a public website can be read by students", "private",
                   "remove-cell", "A 14-week term", "Biology-first", "Quantitative"):
        assert phrase in text, f"the instructor guide does not mention {phrase!r}"
    rows = soup.select("table tbody tr")
    assert len([r for r in rows if re.match(r"^\d+$", r.find("td").get_text(strip=True))]) == 14
    for chapter in WRITTEN:
        assert (chapter.slug if chapter.primer else f"Chapter {chapter.number}:") in text
        checks = source.declared_checks(chapter.source)
        assert f"automatic checks: {len(checks)}" in text
        hrefs = [a["href"] for a in soup.find_all("a", href=True)
                 if a["href"].endswith(f"{chapter.slug}.zip")]
        assert hrefs and (page.parent / hrefs[0]).resolve().is_file()


def test_myst_becomes_plain_markdown():
    class FakeReferences:
        problems: list = []

        def number(self, label, docname):
            return {"fig-a": "Fig. 2.1", "eq-a": "(2.1)"}.get(label, label)

        def bare_number(self, label, docname):
            return self.number(label, docname).split()[-1]

        def title(self, label, docname):
            return "The data"

        def cite(self, role, keys):
            return "Smith (2020)" if role == "cite:t" else "(Smith, 2020)"

    converter = convert.Converter("book/part1/02-x", FakeReferences(), {"n_cells": "1234.5678"})
    source = "\n".join([
        "(sec-data)=",
        "% a MyST comment",
        "See {numref}`fig-a`, {numref}`Figure %s <fig-a>`, equation {eq}`eq-a`, {ref}`sec-data`,",
        "{term}`cancer stem cells <cancer stem cell>` as {cite:t}`smith2020` found {cite:p}`smith2020`;",
        "about {glue:text}`n_cells:,.0f` cells.",
        "",
        "$$",
        "y = x",
        "$$ (eq-a)",
        "",
        "```{admonition} Data card",
        ":class: note",
        "",
        "Some **text**.",
        "```",
        "",
        "```python",
        "print('{term}`kept as code`')",
        "```",
    ])
    blocks = converter.blocks(source)
    text = "\n".join(b for b in blocks if isinstance(b, str))
    assert "See Fig. 2.1, Figure 2.1, equation (2.1), The data," in text
    assert "cancer stem cells as Smith (2020) found (Smith, 2020);" in text
    assert "about 1,235 cells." in text
    assert "\\tag{2.1}\n$$" in text
    assert "> **Data card**\n>\n> Some **text**." in text
    assert "print('{term}`kept as code`')" in text
    assert "(sec-data)=" not in text and "MyST comment" not in text

    gated = "\n".join([
        "```{exercise-start} A title", ":label: ex-x-1", "```", "Do it.", "```{exercise-end}", "```",
        "```{solution-start} ex-x-1", ":class: dropdown", "```", "Secret.", "```{solution-end}", "```",
    ])
    kinds = [(b.kind, b.label) if isinstance(b, convert.Marker) else b.strip() for b in converter.blocks(gated)]
    assert kinds == [("exercise-start", "ex-x-1"), "Do it.", ("exercise-end", ""),
                     ("solution-start", "ex-x-1"), "Secret.", ("solution-end", "")]


def test_a_check_file_with_a_boolean_or_missing_answer_runs(tmp_path):
    """true, false and null are JSON, not Python: the generated check must still load."""
    from cscbook_build.book import Chapter

    chapter = Chapter("book/part1/01-limiting-dilution", ROOT)
    declaration = {"label": "ex-x-1", "answers": {"two_preferred": False, "converged": True, "d50": 12.5},
                   "rtol": 0.01, "atol": 0.0, "hint": "", "points": 1}
    namespace: dict = {}
    exec(compile(autograder.test_file(chapter, declaration), "check.py", "exec"), namespace)
    assert namespace["EXPECTED"] == {"two_preferred": False, "converged": True, "d50": 12.5}
