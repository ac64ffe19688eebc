"""The autograder zips run under otter-grader's own runner, as Gradescope and ``otter grade`` use them.

``make otter-run NOTEBOOK=...`` (``python -m cscbook_build.classroom otter``) finds the
notebook's chapter, runs ``otter run -a <chapter>-autograder.zip`` and prints the score
and the path of otter's ``results.json``. The answer key must score every point and the
blank student notebook none.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from cscbook_build.classroom.otterrun import otter_run, scores

from .conftest import BUILD, ROOT

CLASSROOM = BUILD / "classroom"
SLUG = "01-limiting-dilution"


def test_scores_add_the_graded_tests_only():
    results = {"tests": [{"name": "Public Tests", "status": "passed"},
                         {"name": "ex-a", "score": 1.0, "max_score": 1.0},
                         {"name": "ex-b", "score": 0, "max_score": 2.0}]}
    assert scores(results) == (1.0, 3.0)


@pytest.fixture(scope="module")
def otter_results(tmp_path_factory):
    if not (CLASSROOM / "autograder" / f"{SLUG}-autograder.zip").is_file():
        pytest.fail("no autograder: the classroom edition was not built (make html)")
    folder = tmp_path_factory.mktemp("otter")
    key = folder / "key.ipynb"
    key.write_bytes((CLASSROOM / "instructor" / f"{SLUG}.ipynb").read_bytes())
    blank = folder / "blank-submission.ipynb"
    blank.write_bytes((CLASSROOM / "student" / f"{SLUG}.ipynb").read_bytes())

    def command_line(path):  # as an instructor runs it: make otter-run's command
        return subprocess.run([sys.executable, "-m", "cscbook_build.classroom", "otter", str(path),
                               "--root", str(ROOT)], capture_output=True, text=True, timeout=600)

    with ThreadPoolExecutor(2) as pool:  # the two notebooks at once
        from_key = pool.submit(otter_run, key, ROOT)
        from_blank = pool.submit(command_line, blank)
        return {"key": from_key.result(), "blank": from_blank.result(), "folder": folder}


def test_the_answer_key_scores_every_point_under_otter_run(otter_results):
    result = otter_results["key"]
    checks = json.loads((CLASSROOM / "instructor" / f"{SLUG}.ipynb").read_text(encoding="utf-8"))
    labels = checks["metadata"]["cscbook"]["checks"]
    assert result.slug == SLUG
    assert result.possible == len(labels) > 0
    assert result.score == result.possible, result.results.read_text(encoding="utf-8")[:3000]
    names = {test["name"] for test in json.loads(result.results.read_text(encoding="utf-8"))["tests"]}
    assert set(labels) <= names


def test_a_blank_notebook_scores_nothing_and_the_command_says_where_the_results_are(otter_results):
    finished = otter_results["blank"]
    assert finished.returncode == 0, finished.stderr[-3000:]
    line = finished.stdout.strip().splitlines()[-1]
    assert line.startswith(f"blank-submission.ipynb: {SLUG}, 0 / ")
    path = otter_results["folder"] / "otter-results" / "blank-submission" / "results.json"
    assert f"results: {path}" in line and path.is_file()
    outputs = " ".join(test.get("output", "") for test in json.loads(path.read_text(encoding="utf-8"))["tests"])
    assert "is still ..." in outputs  # otter's feedback carries the check's own message
