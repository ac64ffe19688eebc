"""Grading: ``make grade SUBMISSIONS=folder`` (``python -m cscbook_build.classroom grade``).

Every ``.ipynb`` file in the folder (any name, any depth) is one row of ``scores.csv``:

1. **Which chapter.** ``--chapter`` if given; else the notebook's metadata; else its
   content (the labels of its ``grader.check`` cells, its "# Chapter N." title, or a
   primer's title, "# Primer: ..."); else its file name. The primers before Part I are
   graded as chapters are (slugs ``00a-primer-python``, ``00b-primer-statistics``;
   ``--chapter primer-python`` works too). A notebook that is not JSON is an *invalid notebook*; one whose chapter
   cannot be told, an *unknown chapter*.
2. **Run it, sandboxed.** The notebook's code cells run from the top in a fresh folder
   holding only the chapter's data and the ``cscbook`` package (from the instructor's
   autograder zip: no checks, no expected values), inside the sandbox of
   :mod:`.sandbox` (no network, nothing else of the machine visible, an unprivileged
   user), with a wall-clock time-out and CPU, memory, file-size and output limits. Each
   submission is its own process tree, ``jobs`` at a time: one that hangs is killed
   (*timed out*), one that kills its process or runs out of memory outside a cell
   (*kernel died*) stops nothing else. :mod:`.runner` reports the answer variables'
   values as JSON.
3. **Score it, outside.** The grader compares those values with its own copy of the
   checks (the autograder's ``checks.json``) using its own
   :func:`cscbook.checks.answer_matches`: patching the check code or rewriting the check
   files inside the notebook cannot raise a score. What can be seen of such attempts
   (check functions replaced in the notebook, files written to ``tests/`` or
   ``cscbook/``, code that does it) makes the row *tampering suspected*, with the score
   it earned.

Rows are written to the CSV (and flushed) as each submission finishes, then sorted by
file at the end; the score is empty when a submission was not graded. Beside the CSV,
``feedback/`` gets one Markdown file per submission with each check's message and hint.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .sandbox import Limits, Outcome, Sandbox, run, sandbox_problem
from .scoring import CheckResult, changed_files, digests, one_line, score_answers, suspicious_code

GRADED, TIMED_OUT, INVALID, DIED, UNKNOWN, TAMPERING = (
    "graded", "timed out", "invalid notebook", "kernel died", "unknown chapter", "tampering suspected")
STATUSES = (GRADED, TIMED_OUT, INVALID, DIED, UNKNOWN, TAMPERING)
FIXED_COLUMNS = ["file", "chapter", "status", "score", "possible", "percent", "errors", "seconds", "detail"]
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
RUNNER = Path(__file__).with_name("runner.py")
MATPLOTLIB_CACHE = ".config/matplotlib"  # MPLCONFIGDIR in a notebook's folder (see .sandbox)
CHECK_CALL = re.compile(r"""grader\s*\.\s*check\s*\(\s*['"]([\w-]+)['"]""")
TITLE = re.compile(r"^#\s+Chapter\s+(\d+)\b", re.MULTILINE)


# --------------------------------------------------------------------------------------
# The instructor's checks
# --------------------------------------------------------------------------------------


@dataclass
class Autograder:
    """One chapter's autograder zip and the checks in its ``checks.json``."""

    slug: str
    number: int | None
    title: str
    checks: dict
    path: Path

    @property
    def possible(self) -> float:
        return float(sum(float(c.get("points") or 1) for c in self.checks.values()))

    @property
    def answers(self) -> dict[str, list[str]]:
        """Each check's answer variables."""
        return {label: list(check["answers"]) for label, check in self.checks.items()}


def load_autograders(folder: Path) -> dict[str, Autograder]:
    graders = {}
    for path in sorted(folder.glob("*-autograder.zip")):
        with zipfile.ZipFile(path) as archive:
            if "checks.json" not in archive.namelist():
                raise SystemExit(f"{path} has no checks.json: rebuild it with `make assignments`")
            data = json.loads(archive.read("checks.json"))
        graders[data["slug"]] = Autograder(data["slug"], data.get("number"), data.get("title", ""),
                                           data["checks"], path)
    return graders


# --------------------------------------------------------------------------------------
# The submission: is it a notebook, and of which chapter
# --------------------------------------------------------------------------------------


def read_submission(path: Path) -> tuple[dict | None, str]:
    """The notebook as a dict, or None and why it cannot be graded."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return None, f"file too large ({size // 1024 // 1024} MB)"
        text = path.read_bytes().decode("utf-8")
        notebook = json.loads(text)
    except UnicodeDecodeError:
        return None, "not a text file (not UTF-8)"
    except ValueError as error:
        return None, f"not JSON ({one_line(error, 120)})"
    except OSError as error:
        return None, f"cannot read it ({one_line(error, 120)})"
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells", notebook.get("worksheets")), list):
        return None, "JSON but not a Jupyter notebook (no cells)"
    if "worksheets" in notebook and "cells" not in notebook:  # nbformat 3
        notebook["cells"] = [c for sheet in notebook["worksheets"] for c in sheet.get("cells", [])]
    return notebook, ""


def cell_source(cell: dict) -> str:
    source = cell.get("source", cell.get("input", ""))
    return "".join(source) if isinstance(source, list) else str(source)


def raising_cells(notebook: dict) -> set[int]:
    """Cells tagged ``raises-exception`` (Jupyter's tag, kept from the book, for a cell that
    shows an error on purpose, as the Python primer's "Reading an error" does): their errors
    are not counted."""
    found = set()
    for index, cell in enumerate(notebook["cells"]):
        metadata = cell.get("metadata") if isinstance(cell, dict) else None
        tags = metadata.get("tags") if isinstance(metadata, dict) else None
        if isinstance(tags, list) and "raises-exception" in tags:
            found.add(index)
    return found


def code_cells(notebook: dict) -> list[tuple[int, str]]:
    return [(index, cell_source(cell)) for index, cell in enumerate(notebook["cells"])
            if isinstance(cell, dict) and cell.get("cell_type") == "code"]


def detect_chapter(path: Path, notebook: dict | None, graders: dict[str, Autograder],
                   override: str | None = None) -> tuple[str | None, str]:
    """The chapter's slug and how it was found (or None and why not)."""
    if override:
        if override in graders:
            return override, "--chapter"
        matches = [s for s in graders if s.startswith(override) or s.split("-", 1)[0] == override.zfill(2)
                   or s.split("-", 1)[-1] == override]
        return (matches[0], "--chapter") if len(matches) == 1 else (None, f"--chapter {override} is no chapter")
    if notebook is not None:
        metadata = notebook.get("metadata") if isinstance(notebook.get("metadata"), dict) else {}
        for key, field_name in (("cscbook", "slug"), ("otter", "assignment_name")):
            value = metadata.get(key, {}).get(field_name) if isinstance(metadata.get(key), dict) else None
            if value in graders:
                return value, "metadata"
        labels = set()
        for _, source in code_cells(notebook):
            labels.update(CHECK_CALL.findall(source))
        scores = {slug: len(labels & set(g.checks)) for slug, g in graders.items()}
        best = max(scores.values(), default=0)
        if best and list(scores.values()).count(best) == 1:
            return max(scores, key=scores.get), "check labels"
        for cell in notebook["cells"][:5]:
            if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
                text = cell_source(cell)
                title = TITLE.search(text)
                if title:
                    slug = next((s for s, g in graders.items() if g.number == int(title[1])), None)
                    if slug:
                        return slug, "title"
                # a primer keeps its own title ("# Primer: Python for this book")
                slug = next((s for s, g in graders.items() if not g.number and g.title
                             and re.search(rf"^#\s+{re.escape(g.title)}\s*$", text, re.MULTILINE)), None)
                if slug:
                    return slug, "title"
    name = path.name.lower()
    slug = next((s for s in graders if s in name), None)
    if slug is None:  # a primer's name without its prefix: primer-python.ipynb
        slug = next((s for s, g in graders.items() if not g.number and s.split("-", 1)[-1] in name), None)
    if slug is None:
        prefix = re.match(r"^(\d{1,2})[-_ ]", name)
        slug = next((s for s, g in graders.items() if prefix and g.number and g.number == int(prefix[1])), None)
    return (slug, "file name") if slug else (None, "cannot tell which chapter it is")


# --------------------------------------------------------------------------------------
# One submission
# --------------------------------------------------------------------------------------


@dataclass
class Graded:
    row: dict
    checks: list[CheckResult] = field(default_factory=list)
    output: str = ""


def killed_by(outcome: Outcome) -> int | None:
    """The signal that ended the run (bwrap passes it on as exit code 128 + its number)."""
    code = outcome.returncode
    if code is not None and code < 0:
        return -code
    return code - 128 if code is not None and 128 < code < 160 else None


def died_detail(outcome: Outcome) -> str:
    number = killed_by(outcome)
    if number:
        try:
            how = f"was killed by {signal.Signals(number).name}"
        except ValueError:
            how = f"was killed by signal {number}"
        if number == signal.SIGKILL:
            how += " (by its own code, or by the system when memory ran out)"
    else:
        how = f"exited with code {outcome.returncode} before reporting"
    lines = [line for line in outcome.output.splitlines() if line.strip()]
    last = f"; last output: {one_line(lines[-1], 150)}" if lines else ""
    return f"the notebook's process {how}{last}"


def run_notebook(sandbox: Sandbox, limits: Limits, work: Path, control: Path, cells: list, checks: dict) -> Outcome:
    """Run ``cells`` with :mod:`.runner` in the sandbox, in ``work`` (``control``: read-only)."""
    inside_work, inside_control = sandbox.paths(work, control)
    shutil.copyfile(RUNNER, control / "runner.py")
    job = {"cells": cells, "checks": checks, "cwd": inside_work, "max_output": limits.output_chars}
    (control / "job.json").write_text(json.dumps(job), encoding="utf-8")
    sandbox.prepare(work)
    argv = [sys.executable, f"{inside_control}/runner.py", f"{inside_control}/job.json"]
    return run(sandbox, work, control, argv, limits)


def self_test(sandbox: Sandbox, scratch: Path) -> Path | None:
    """Refuse to start when the sandbox cannot run Python (every row would be 'kernel died').

    The trial run also builds matplotlib's font cache, which every notebook's folder then
    starts with (about a second less per notebook); returns that cache's folder.
    """
    work, control = scratch / "self-test" / "work", scratch / "self-test" / "grader"
    work.mkdir(parents=True)
    control.mkdir()
    cells = [[0, "import json, os\nanswer = sorted(os.listdir('.'))"],
             [1, "try:\n    import matplotlib.font_manager\nexcept ImportError:\n    pass"]]
    outcome = run_notebook(sandbox, Limits(timeout=120), work, control, cells, {"self-test": ["answer"]})
    try:
        report = json.loads(outcome.result.decode("utf-8"))
        ok = report["errors"] == [] and "self-test" in report["answers"]
    except (ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        shutil.rmtree(scratch / "self-test", ignore_errors=True)
        raise SystemExit("grading refused: the sandbox cannot run the grader's Python "
                         f"({died_detail(outcome)}); output: {one_line(outcome.output, 600)}")
    fonts = scratch / "matplotlib"
    if (work / MATPLOTLIB_CACHE).is_dir():
        shutil.copytree(work / MATPLOTLIB_CACHE, fonts, symlinks=False)
    shutil.rmtree(scratch / "self-test", ignore_errors=True)
    return fonts if fonts.is_dir() else None


def grade_one(path: Path, notebook: dict, grader: Autograder, sandbox: Sandbox, limits: Limits,
              scratch: Path, fonts: Path | None = None) -> Graded:
    row = {"chapter": grader.slug, "possible": round(grader.possible, 4)}
    folder = Path(tempfile.mkdtemp(prefix="submission-", dir=scratch))
    work, control = folder / "work", folder / "grader"
    try:
        work.mkdir()
        control.mkdir()
        with zipfile.ZipFile(grader.path) as archive:
            for member in archive.namelist():
                if member.startswith("files/") and not member.endswith("/") and ".." not in member:
                    target = work / member.removeprefix("files/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(member))
        before = digests(work)
        if fonts is not None:
            shutil.copytree(fonts, work / MATPLOTLIB_CACHE)
        cells = code_cells(notebook)
        outcome = run_notebook(sandbox, limits, work, control, cells, grader.answers)
        row["seconds"] = round(outcome.seconds, 2)
        if outcome.timed_out:
            row.update(status=TIMED_OUT, detail=f"still running after {limits.timeout:g} s: killed")
            return Graded(row, output=outcome.output)
        if killed_by(outcome) == getattr(signal, "SIGXCPU", None):  # the CPU-time limit, a time limit too
            row.update(status=TIMED_OUT, detail=f"used more than {limits.cpu_seconds} s of CPU time: killed")
            return Graded(row, output=outcome.output)
        try:
            report = json.loads(outcome.result.decode("utf-8")) if outcome.result else None
            if not isinstance(report, dict) or not isinstance(report.get("answers"), dict):
                report = None
        except ValueError:
            report = None
        if report is None:
            row.update(status=DIED, detail=died_detail(outcome))
            return Graded(row, output=outcome.output)
        checks = score_answers(grader.checks, report["answers"])
        total = sum(c.score for c in checks)
        expected = raising_cells(notebook)
        errors = [e for e in report.get("errors", []) if isinstance(e, list) and len(e) == 2
                  and e[0] not in expected]
        row.update(score=round(total, 4), errors=len(errors),
                   percent=round(100 * total / grader.possible, 1) if grader.possible else "")
        for check in checks:
            row[f"q:{check.label}"] = check.score
        notes = []
        if errors:  # cells are counted from 1, markdown cells included, as Jupyter shows them
            notes.append("cells raised " + ", ".join(f"{one_line(name, 40)} (cell {index + 1})"
                                                     for index, name in errors[:8]))
        if report.get("output_dropped") or outcome.output_bytes > limits.output_chars:
            notes.append("output over the limit was dropped")
        tampering = [one_line(t, 80) for t in report.get("tampering", []) if isinstance(t, str)][:5]
        tampering += changed_files(work, before) + suspicious_code(cells)
        tampering = list(dict.fromkeys(tampering))
        if tampering:
            row["status"] = TAMPERING
            notes.insert(0, "; ".join(tampering[:6]) + " (the score comes from the grader's own checks)")
        else:
            row["status"] = GRADED
        row["detail"] = "; ".join(notes)
        return Graded(row, checks, outcome.output)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------
# Feedback and the CSV
# --------------------------------------------------------------------------------------

STATUS_ADVICE = {
    TIMED_OUT: "The notebook was still running when the time limit ran out, so it was not graded. "
               "Look for a loop that never ends or a computation far larger than the exercise needs.",
    INVALID: "The file is not a readable Jupyter notebook (it may be truncated or not saved "
             "properly), so it was not graded. Open it in Jupyter, save it again and resubmit.",
    DIED: "The notebook's Python process stopped before the end (it was killed, ran out of "
          "memory, or the code ended it), so it was not graded.",
    UNKNOWN: "The grader could not tell which chapter this notebook belongs to, so it was not graded.",
    TAMPERING: "The notebook changes the check code or the check files. It was scored with the "
               "grader's own checks; your instructor will look at it.",
}


def feedback_text(row: dict, checks: list[CheckResult]) -> str:
    lines = [f"# Feedback on {row['file']}", ""]
    lines.append(f"- Chapter: {row.get('chapter') or 'unknown'}")
    lines.append(f"- Status: {row['status']}")
    if row.get("score", "") != "":
        lines.append(f"- Score: {row['score']:g} of {row['possible']:g} ({row.get('percent', '')}%)")
    if row.get("detail"):
        lines.append(f"- Details: {row['detail']}")
    if row["status"] in STATUS_ADVICE:
        lines += ["", STATUS_ADVICE[row["status"]]]
    for check in checks:
        verdict = "passed" if check.score == check.points else ("partly passed" if check.score else "not passed")
        lines += ["", f"## {check.label}: {check.score:g} of {check.points:g} point(s), {verdict}"]
        lines += [f"- {message}" for message in check.messages]
        if check.messages and check.hint and not any("Hint:" in m for m in check.messages):
            lines.append(f"- Hint: {check.hint}")
    return "\n".join(lines) + "\n"


class ScoreSheet:
    """``scores.csv``, written a row at a time (flushed), then sorted by file at the end."""

    def __init__(self, path: Path, columns: list[str]):
        self.path, self.columns, self.rows = path, columns, []
        self.lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed in finish()
        self.writer = csv.DictWriter(self.handle, fieldnames=columns, restval="", extrasaction="ignore")
        self.writer.writeheader()
        self.handle.flush()

    def add(self, row: dict) -> None:
        clean = {key: one_line(value) if isinstance(value, str) else value for key, value in row.items()}
        with self.lock:
            self.rows.append(clean)
            self.writer.writerow(clean)
            self.handle.flush()
            os.fsync(self.handle.fileno())

    def finish(self) -> None:
        self.handle.close()
        partial = self.path.with_suffix(".csv.tmp")
        with open(partial, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=self.columns, restval="", extrasaction="ignore")
            writer.writeheader()
            for row in sorted(self.rows, key=lambda r: r["file"]):
                writer.writerow(row)
        os.replace(partial, self.path)


def grade(folder: Path, root: Path, out: Path | None = None, jobs: int = 2, *,
          limits: Limits | None = None, chapter: str | None = None, unsafe: bool = False,
          feedback: Path | None = None, autograders: Path | None = None) -> Path:
    """Grade every notebook in ``folder`` into a CSV (and feedback files); returns the CSV's path."""
    limits = limits or Limits()
    graders = load_autograders(autograders or root / "_build" / "classroom" / "autograder")
    if not graders:
        raise SystemExit("no autograders in _build/classroom/autograder: run `make assignments` first")
    problem = sandbox_problem()
    if problem and not unsafe:
        raise SystemExit(
            f"grading refused: no sandbox for student code ({problem}). Install bubblewrap "
            "(scripts/install-sandbox.sh), or, for notebooks you trust, pass --unsafe-no-sandbox "
            "(make grade ... UNSAFE=1)."
        )
    sandbox = Sandbox(sandboxed=not unsafe, exclude=[root, folder, *([out.parent] if out else [])])
    if unsafe:
        print("[grade] WARNING: --unsafe-no-sandbox: student code runs with your permissions "
              "(only the time, memory and output limits apply)")
    out = out or folder / "scores.csv"
    feedback = feedback or out.parent / "feedback"
    submissions = sorted(p for p in folder.rglob("*.ipynb")
                         if ".ipynb_checkpoints" not in p.parts and p.is_file() and not p.is_symlink())
    plan = []
    for path in submissions:
        notebook, problem_text = read_submission(path)
        relative = os.path.relpath(path, folder)
        slug, how = detect_chapter(path, notebook, graders, chapter)
        plan.append((path, relative, notebook, problem_text, slug, how))
    labels = []
    for slug in sorted({p[4] for p in plan if p[4]}):
        labels += [f"q:{label}" for label in graders[slug].checks]
    scratch = Path(tempfile.mkdtemp(prefix="cscbook-grade-"))
    os.chmod(scratch, 0o755)
    fonts = None
    try:
        if any(notebook is not None and slug for _, _, notebook, _, slug, _ in plan):
            fonts = self_test(sandbox, scratch)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    sheet = ScoreSheet(out, FIXED_COLUMNS + labels)

    def finish(graded: Graded) -> None:
        row = graded.row
        sheet.add(row)
        target = feedback / Path(row["file"]).with_suffix(".md")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(feedback_text(row, graded.checks), encoding="utf-8")
        score = f"{row['score']:g} / {row['possible']:g}" if row.get("score", "") != "" else "no score"
        print(f"[grade] {row['file']}: {score} ({row['status']}{'; ' + row['detail'] if row.get('detail') else ''})",
              flush=True)

    work = []
    for path, relative, notebook, problem_text, slug, how in plan:
        base = {"file": relative, "chapter": slug or ""}
        if notebook is None:
            finish(Graded({**base, "status": INVALID, "detail": problem_text,
                           **({"possible": round(graders[slug].possible, 4)} if slug else {})}))
        elif slug is None:
            finish(Graded({**base, "status": UNKNOWN, "detail": how}))
        else:
            work.append((path, relative, notebook, slug, how))
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(grade_one, path, notebook, graders[slug], sandbox, limits, scratch, fonts):
                       (relative, slug, how) for path, relative, notebook, slug, how in work}
            for future in as_completed(futures):
                relative, slug, how = futures[future]
                try:
                    graded = future.result()
                except Exception as error:  # noqa: BLE001 - a grader bug must not lose the other rows
                    graded = Graded({"chapter": slug, "status": DIED,
                                     "detail": f"grader error: {type(error).__name__}: {error}"})
                graded.row["file"] = relative
                if how not in ("metadata", "--chapter"):
                    note = f"chapter found from its {how}"
                    graded.row["detail"] = "; ".join(filter(None, [graded.row.get("detail", ""), note]))
                finish(graded)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        sheet.finish()
    counts = {status: sum(r["status"] == status for r in sheet.rows) for status in STATUSES}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    print(f"[grade] {len(sheet.rows)} notebook(s): {summary}; scores written to {out}, feedback to {feedback}")
    return out
