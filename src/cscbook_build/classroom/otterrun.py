"""``python -m cscbook_build.classroom otter NOTEBOOK`` (``make otter-run``): grade one notebook
with otter-grader's own runner, ``otter run``, and the chapter's autograder zip.

This is the check that the autograder zips work as otter-grader (and so Gradescope and
``otter grade``) will use them: it finds the notebook's chapter as ``make grade`` does,
runs ``otter run -a <chapter>-autograder.zip``, and prints the score and where otter's
``results.json`` is. ``otter run`` executes the notebook as the user who runs it, with
no sandbox, no time limit and the checks in the same process as the student's code: use
it for notebooks you trust (or inside a container, as ``otter grade`` and Gradescope
do). For grading a class for credit, ``make grade`` (:mod:`.grade`) isolates each
notebook and keeps the expected values out of its reach.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .grade import detect_chapter, load_autograders, read_submission


@dataclass(frozen=True)
class OtterResult:
    """Score of one notebook under ``otter run``."""

    notebook: Path
    slug: str
    score: float
    possible: float
    results: Path

    def summary(self) -> str:
        return (f"{self.notebook.name}: {self.slug}, {self.score:g} / {self.possible:g} points (otter run); "
                f"results: {self.results}")


def scores(results: dict) -> tuple[float, float]:
    """Points and possible points of otter's ``results.json`` (tests with a ``max_score``)."""
    graded = [test for test in results.get("tests", []) if test.get("max_score") is not None]
    return (float(sum(float(test.get("score") or 0) for test in graded)),
            float(sum(float(test["max_score"]) for test in graded)))


def otter_run(notebook: Path, root: Path, autograders: Path | None = None, chapter: str | None = None,
              out: Path | None = None, timeout: float = 600) -> OtterResult:
    graders = load_autograders(autograders or root / "_build" / "classroom" / "autograder")
    if not graders:
        raise SystemExit("no autograders in _build/classroom/autograder: run `make assignments` first")
    parsed, problem = read_submission(notebook)
    if parsed is None and not chapter:
        raise SystemExit(f"{notebook}: {problem}")
    slug, how = detect_chapter(notebook, parsed, graders, chapter)
    if slug is None:
        raise SystemExit(f"{notebook}: {how} (name it with --chapter)")
    out = (out or notebook.parent / "otter-results" / notebook.stem).resolve()
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").unlink(missing_ok=True)
    otter = Path(sys.executable).with_name("otter")
    command = [str(otter), "run", "-a", str(graders[slug].path), "-o", str(out), "--no-logo", str(notebook)]
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"{notebook}: otter run did not finish in {timeout:g} s") from None
    path = out / "results.json"
    if not path.is_file():
        raise SystemExit(f"{notebook}: otter run wrote no results (exit code {finished.returncode}):\n"
                         + (finished.stderr or finished.stdout)[-2000:])
    score, possible = scores(json.loads(path.read_text(encoding="utf-8")))
    return OtterResult(notebook, slug, score, possible, path)
