"""Grading: ``make grade SUBMISSIONS=folder`` (``python -m cscbook_build.classroom grade``).

Every submitted ``.ipynb`` in the folder is matched to its chapter (from its metadata,
else its file name), executed afresh by otter-grader against the instructor's copy of
the checks (the autograder zips of ``make assignments``), and scored; one CSV row per
notebook: score, points possible, cells that raised and one column per check. Grading
runs student code: grade untrusted submissions in isolation (see the instructor guide).
"""

from __future__ import annotations

import csv
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def submission_chapter(path: Path, slugs: list[str]) -> str | None:
    """Which chapter a submitted notebook belongs to (its metadata, else its file name)."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        slug = notebook.get("metadata", {}).get("cscbook", {}).get("slug")
        if slug in slugs:
            return slug
    except (OSError, ValueError):
        pass
    for slug in slugs:
        if slug in path.name or path.name.startswith(slug[:3]):
            return slug
    return None


def grade_one(submission: str, autograder: str) -> dict:
    """Grade one notebook with otter-grader; returns a row of the scores table."""
    import contextlib
    import io

    from otter.api import grade_submission

    row: dict = {"file": submission}
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            results = grade_submission(submission, autograder, quiet=True)
    except Exception as error:  # noqa: BLE001 - report it in the table and go on
        row.update(score=0, possible="", percent=0, errors="", status=f"not graded: {error}")
        return row
    row["score"] = round(float(results.total), 4)
    row["possible"] = round(float(results.possible), 4)
    row["percent"] = round(100 * row["score"] / row["possible"], 1) if row["possible"] else 0
    executed = getattr(results, "notebook", None)
    errors = []
    if executed is not None:
        for cell in executed.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    errors.append(out.get("ename", "error"))
    row["errors"] = len(errors)
    row["status"] = "graded" if not errors else "graded; cells raised " + ", ".join(sorted(set(errors)))
    for name, test_file_result in results.results.items():
        row[f"q:{name}"] = round(float(test_file_result.score), 4)
    return row


def grade(folder: Path, root: Path, out: Path | None = None, jobs: int = 2) -> Path:
    """Grade every notebook in ``folder`` and write a CSV of scores; returns its path."""
    autograders = root / "_build" / "classroom" / "autograder"
    slugs = sorted(p.name.removesuffix("-autograder.zip") for p in autograders.glob("*-autograder.zip"))
    if not slugs:
        raise SystemExit("no autograders in _build/classroom/autograder: run `make assignments` first")
    submissions = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    out = out or folder / "scores.csv"
    rows = []
    work = []
    for path in submissions:
        slug = submission_chapter(path, slugs)
        if slug is None:
            rows.append({"file": str(path), "status": "not graded: cannot tell which chapter it is"})
            continue
        work.append((str(path), str(autograders / f"{slug}-autograder.zip"), slug))
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(work) or 1))) as pool:
        futures = [(slug, pool.submit(grade_one, path, autograder)) for path, autograder, slug in work]
        for slug, future in futures:
            row = future.result()
            row["chapter"] = slug
            rows.append(row)
            print(f"[grade] {Path(row['file']).name}: {row.get('score')} / {row.get('possible')} "
                  f"({row.get('status')})")
    for row in rows:
        row["file"] = os.path.relpath(row["file"], folder)
    fixed = ["file", "chapter", "score", "possible", "percent", "errors", "status"]
    questions = sorted({key for row in rows for key in row if key.startswith("q:")})
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fixed + questions, restval="")
        writer.writeheader()
        for row in sorted(rows, key=lambda r: r["file"]):
            writer.writerow(row)
    print(f"[grade] {len(rows)} notebook(s); scores written to {out}")
    return out
