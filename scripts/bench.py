"""Benchmark the book's build against Jupyter Book's own sample book, on this machine.

Measures, in one run:
  1. each chapter alone: executed one at a time with nbclient, as a student waits for
     it (kernel start and every cell), in wall time and in the kernel's CPU time (user +
     system, which other work on the machine barely changes);
  2. a clean build of this book, as ``make html`` runs it, phase by phase: execution
     (parallel, ``--jobs 2``), Sphinx (the strict ``jupyter-book build``) and the
     classroom edition; the execution phase is compared with its ideal, the sum of the
     chapters' own times divided by the jobs;
  3. a rebuild with no change,
  4. a rebuild after a code edit in one chapter (chapter 1),
  5. a clean build of the sample book made by ``jupyter-book create`` (the baseline),
and prints each time, its ratio to the baseline, the site's total size and its
heaviest page (the HTML plus every local file it references; pages with equations also
count MathJax and its fonts).

Everything happens in a temporary copy: the repository's own ``_build`` is untouched.
Usage: python scripts/bench.py [--json PATH] [--chapters-only] [--repeat N]
(``--chapters-only`` times the chapters alone and stops; ``--repeat`` runs each N times
and keeps the median.)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "src"))

from cscbook_build.bookcopy import copy_book  # noqa: E402

TARGETS = {"clean": 10.0, "no_change": 1.5, "code_edit": 3.0}
# each chapter alone, on a 2-core machine: the median and the slowest (issue 18)
CHAPTER_MEDIAN_S = 2.5
CHAPTER_LIMIT_S = 3.5
# the execution phase against the sum of the chapters' own times divided by the jobs
EXECUTION_OVERHEAD = 1.25
JOBS = 2
SITE_LIMIT_MB = 30.0
PAGE_LIMIT_MB = 2.0
ENV = {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1767225600"}


def children_cpu() -> float:
    """User + system CPU seconds of the finished child processes (kernels, builds)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(commands: list[list[str]]) -> float:
    return timed_cpu(commands)[0]


def timed_cpu(commands: list[list[str]]) -> tuple[float, float]:
    """Wall and CPU seconds (the commands and everything they started) of running commands."""
    start, cpu = time.perf_counter(), children_cpu()
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True, env=ENV)
        if result.returncode != 0:
            sys.exit(f"benchmark step failed: {' '.join(command)}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return time.perf_counter() - start, children_cpu() - cpu


def execution(folder: Path) -> list[str]:
    return [str(BIN / "python"), "-m", "cscbook_build.execute", "--jobs", str(JOBS), str(folder)]


def sphinx(folder: Path) -> list[str]:
    return [str(BIN / "jupyter-book"), "build", str(folder), "-W", "-n", "--keep-going"]


def classroom(folder: Path) -> list[str]:
    return [str(BIN / "python"), "-m", "cscbook_build.classroom", "build", str(folder)]


def book_build(folder: Path) -> list[list[str]]:
    return [execution(folder), sphinx(folder)]


def chapter_alone(path: Path, data: Path) -> dict[str, float]:
    """Execute one notebook alone, as a student would: kernel start, then every cell.

    Returns wall seconds (``seconds``), of which ``kernel_start``, and the kernel's own CPU
    seconds (``cpu``: user + system of the kernel process, measured when it has exited).
    """
    from nbclient import NotebookClient

    from cscbook_build.signature import read_notebook

    notebook = read_notebook(path)
    os.environ["CSCBOOK_DATA"] = str(data)  # inherited by the kernel, as in the build
    cpu, start = children_cpu(), time.perf_counter()
    client = NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
    end = time.perf_counter()
    return {"seconds": end - start, "kernel_start": started - start, "cpu": children_cpu() - cpu}


def chapters_alone(folder: Path, repeat: int = 1) -> dict[str, dict[str, float]]:
    """Every notebook of the table of contents alone (the median of ``repeat`` runs)."""
    from cscbook_build.book import toc_sources

    runs = {}
    for _ in range(repeat):
        for path in toc_sources(folder):
            name = path.relative_to(folder).as_posix()
            runs.setdefault(name, []).append(chapter_alone(path, folder / "data"))
    return {name: {key: statistics.median(run[key] for run in times) for key in times[0]}
            for name, times in runs.items()}


def print_chapters(alone: dict[str, dict[str, float]]) -> dict[str, float]:
    print(f"each chapter alone (nbclient, one at a time): {'wall s':>7s} {'start s':>7s} {'CPU s':>6s}")
    for name, times in alone.items():
        flag = "ok" if times["seconds"] <= CHAPTER_LIMIT_S else "OVER"
        print(f"  {name:58s} {times['seconds']:5.2f} {times['kernel_start']:7.2f} {times['cpu']:6.2f} {flag}")
    chapters = [t for n, t in alone.items() if "/part" in n]  # the numbered chapters
    summary = {
        "median_s": statistics.median(t["seconds"] for t in chapters),
        "max_s": max(t["seconds"] for t in chapters),
        "median_cpu_s": statistics.median(t["cpu"] for t in chapters),
        "max_cpu_s": max(t["cpu"] for t in chapters),
        "sum_s": sum(t["seconds"] for t in alone.values()),
    }
    print(f"numbered chapters: median {summary['median_s']:.2f} s (target <= {CHAPTER_MEDIAN_S}), "
          f"slowest {summary['max_s']:.2f} s (target <= {CHAPTER_LIMIT_S}); "
          f"kernel CPU median {summary['median_cpu_s']:.2f} s, max {summary['max_cpu_s']:.2f} s")
    return summary


MATHJAX_LOADS = (
    "core.js", "input/tex-base.js", "input/tex/extensions/ams.js", "input/tex/extensions/newcommand.js",
    "input/tex/extensions/noundefined.js", "input/tex/extensions/boldsymbol.js", "output/chtml.js",
    "output/chtml/fonts/tex.js", "a11y/assistive-mml.js",
    # the fonts almost every page with maths needs
    "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff", "output/chtml/fonts/woff-v2/MathJax_Math-Italic.woff",
    "output/chtml/fonts/woff-v2/MathJax_Size1-Regular.woff", "output/chtml/fonts/woff-v2/MathJax_Zero.woff",
)


def page_weight(page: Path, site: Path) -> int:
    """Bytes a browser fetches for a page: the HTML, its scripts, style sheets and images,
    the theme's icon font, and for pages with equations the MathJax components they load."""
    from bs4 import BeautifulSoup

    html = page.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    references = [tag.get("src") for tag in soup.find_all(["script", "img"], src=True)]
    references += [
        tag.get("href") for tag in soup.find_all("link", href=True)
        if {"stylesheet", "icon"} & set(tag.get("rel", []))
    ]
    files = set()
    for reference in references:
        reference = reference.split("?")[0]
        if "://" in reference or reference.startswith("data:"):
            continue
        target = (page.parent / reference).resolve()
        if target.is_file():
            files.add(target)
    files.add(site / "_static" / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2")
    if "mathjax/startup.js" in html:
        files.update(site / "mathjax" / part for part in MATHJAX_LOADS)
    return page.stat().st_size + sum(f.stat().st_size for f in files if f.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the book build.")
    parser.add_argument("--json", type=Path, default=ROOT / "_build" / "bench.json")
    parser.add_argument("--chapters-only", action="store_true", help="time each chapter alone, then stop")
    parser.add_argument("--repeat", type=int, default=1, help="runs per chapter alone (the median is kept)")
    args = parser.parse_args()
    os.environ.update(ENV)
    with tempfile.TemporaryDirectory(prefix="cscbook-bench-") as scratch:
        scratch = Path(scratch)
        book = copy_book(ROOT, scratch / "book")
        alone = chapters_alone(book, args.repeat)
        chapters = print_chapters(alone)
        if args.chapters_only:
            return 0
        sample = scratch / "sample"
        subprocess.run([str(BIN / "jupyter-book"), "create", str(sample)], check=True,
                       capture_output=True, env=ENV)

        baseline = timed([[str(BIN / "jupyter-book"), "build", str(sample)]])
        phases = {name: timed_cpu([command]) for name, command in (
            ("execution", execution(book)), ("sphinx", sphinx(book)), ("classroom", classroom(book)))}
        clean = sum(wall for wall, _ in phases.values())
        ideal = chapters["sum_s"] / JOBS
        no_change = timed(book_build(book))
        chapter = book / "book" / "part1" / "01-limiting-dilution.md"
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(text.replace("use_book_style()\n", "use_book_style()\nbenchmark_edit = 1\n", 1),
                           encoding="utf-8")
        code_edit = timed(book_build(book))

        site = book / "_build" / "html"
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        pages = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] not in ("_static", "_sources")]
        weights = {p.relative_to(site).as_posix(): page_weight(p, site) for p in pages}
        heaviest = max(weights, key=weights.get)

    results = {
        "baseline_sample_book_s": baseline,
        "clean_build_s": clean,
        "no_change_rebuild_s": no_change,
        "code_edit_rebuild_s": code_edit,
        "ratios": {"clean": clean / baseline, "no_change": no_change / baseline, "code_edit": code_edit / baseline},
        "clean_build_phases": {name: {"seconds": wall, "cpu_s": cpu} for name, (wall, cpu) in phases.items()},
        "execution_ideal_s": ideal,
        "execution_over_ideal": phases["execution"][0] / ideal,
        "chapters_alone": alone,
        "chapters_alone_summary": chapters,
        "site_size_mb": size / 1e6,
        "heaviest_page": heaviest,
        "heaviest_page_mb": weights[heaviest] / 1e6,
    }
    print(f"{'step':34s} {'seconds':>8s} {'x sample':>9s} {'target':>7s}")
    print(f"{'sample book, clean build':34s} {baseline:8.1f} {1:9.2f}")
    for key, label in (("clean", "this book, clean build (3 phases)"), ("no_change", "this book, no-change rebuild"),
                       ("code_edit", "this book, one-chapter code edit")):
        seconds = results[{"clean": "clean_build_s", "no_change": "no_change_rebuild_s",
                           "code_edit": "code_edit_rebuild_s"}[key]]
        ratio = results["ratios"][key]
        flag = "ok" if ratio <= TARGETS[key] else "OVER"
        print(f"{label:34s} {seconds:8.1f} {ratio:9.2f} {TARGETS[key]:6.1f}x {flag}")
    print("\nclean build phases:          wall s   CPU s")
    for name, (wall, cpu) in phases.items():
        print(f"  {name:26s} {wall:8.1f} {cpu:7.1f}")
    over = results["execution_over_ideal"]
    print(f"execution against its ideal (chapters alone {chapters['sum_s']:.1f} s / {JOBS} jobs = {ideal:.1f} s): "
          f"{over:.2f}x (target <= {EXECUTION_OVERHEAD}) {'ok' if over <= EXECUTION_OVERHEAD else 'OVER'}")
    print(f"\nsite size: {results['site_size_mb']:.1f} MB (target < {SITE_LIMIT_MB:.0f} MB)")
    print(f"heaviest page: {heaviest} {results['heaviest_page_mb']:.2f} MB (target < {PAGE_LIMIT_MB:.0f} MB)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
