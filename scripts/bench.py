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
and prints each time, its ratio to the baseline, the site's total size, its heaviest
page (with everything it loads, uncompressed and as sent gzip-compressed:
cscbook_build.pageweight) and the Lighthouse scores (mobile) of every chapter page
served compressed.

Everything happens in a temporary copy: the repository's own ``_build`` is untouched.
Usage: python scripts/bench.py [--json PATH] [--chapters-only] [--repeat N] [--site BUILT_HTML]
(``--chapters-only`` times the chapters alone and stops; ``--repeat`` runs each N times
and keeps the median; ``--site`` weighs and audits an already built site and stops.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
from cscbook_build.pageweight import (  # noqa: E402
    BUDGET_BYTES,
    heaviest_pages,
    lighthouse_tools_missing,
    run_lighthouse,
    site_pages,
)

TARGETS = {"clean": 10.0, "no_change": 1.5, "code_edit": 3.0}
# each chapter alone, on a 2-core machine: the median and the slowest (issue 18)
CHAPTER_MEDIAN_S = 2.5
CHAPTER_LIMIT_S = 3.5
# the execution phase against the sum of the chapters' own times divided by the jobs
EXECUTION_OVERHEAD = 1.25
JOBS = 2
SITE_LIMIT_MB = 30.0
LIGHTHOUSE_TARGETS = {"performance": 0.90, "accessibility": 1.0}
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


# A first cell the benchmark adds: it times the kernel's imports (``import`` statements,
# the chapter's and those the libraries make) and IPython's display formatting (a figure
# drawn to PNG, a table to HTML), each outermost call once, without importing anything a
# chapter imports itself.
TIMERS = """\
def _bench_install():
    import builtins, threading, time
    state = {"imports": 0.0, "display": 0.0, "inside": None, "undo": []}
    main, clock = threading.main_thread(), time.perf_counter
    def timed(kind, function):
        def wrapper(*args, **kwargs):
            if state["inside"] is not None or threading.current_thread() is not main:
                return function(*args, **kwargs)
            state["inside"], started = kind, clock()
            try:
                return function(*args, **kwargs)
            finally:
                state[kind] += clock() - started
                state["inside"] = None
        return wrapper
    formatter = get_ipython().display_formatter
    original_import, original_format = builtins.__import__, formatter.format
    builtins.__import__ = timed("imports", original_import)
    formatter.format = timed("display", original_format)
    state["undo"] = [lambda: setattr(builtins, "__import__", original_import),
                     lambda: setattr(formatter, "format", original_format)]
    return state
_bench = _bench_install()
"""
# The last cell: the two times, and the kernel as it was.
TIMES = """\
[undo() for undo in _bench["undo"]]
print(_bench["imports"], _bench["display"])
"""


def chapter_alone(path: Path, data: Path) -> dict[str, float]:
    """Execute one notebook alone, as a student would: kernel start, then every cell.

    Returns wall seconds (``seconds``), split into ``kernel_start``, ``imports``,
    ``display`` (IPython formatting outputs: drawing figures to PNG, tables) and ``rest``
    (the analysis itself, and the messages between client and kernel); and the kernel's
    own CPU seconds (``cpu``: user + system of the kernel process, measured when it has
    exited).
    """
    import nbformat
    from nbclient import NotebookClient

    from cscbook_build.signature import read_notebook

    notebook = read_notebook(path)
    os.environ["CSCBOOK_DATA"] = str(data)  # inherited by the kernel, as in the build
    cpu, start = children_cpu(), time.perf_counter()
    client = NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(path.parent)}})
    notebook.cells.insert(0, nbformat.v4.new_code_cell(TIMERS))
    notebook.cells.append(nbformat.v4.new_code_cell(TIMES))
    with client.setup_kernel():
        started = time.perf_counter()
        client.execute_cell(notebook.cells[0], 0)
        timer_cell = time.perf_counter() - started
        for index, cell in enumerate(notebook.cells[1:-1], start=1):
            client.execute_cell(cell, index)
        end = time.perf_counter()
        client.execute_cell(notebook.cells[-1], len(notebook.cells) - 1)
        imports, display = map(float, notebook.cells[-1].outputs[0]["text"].split())
    seconds = end - start - timer_cell
    kernel_start = started - start
    return {"seconds": seconds, "kernel_start": kernel_start, "imports": imports, "display": display,
            "rest": seconds - kernel_start - imports - display, "cpu": children_cpu() - cpu}


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
    parts = ("kernel_start", "imports", "display", "rest")
    print("each chapter alone (nbclient, one at a time), seconds:")
    print(f"  {'':56s} {'wall':>5s} = {'start':>5s} + {'imports':>7s} + {'figures':>7s} + {'rest':>5s}  {'CPU':>5s}")
    for name, times in alone.items():
        flag = "ok" if times["seconds"] <= CHAPTER_LIMIT_S else "OVER"
        print(f"  {name:56s} {times['seconds']:5.2f} = {times['kernel_start']:5.2f} + {times['imports']:7.2f} + "
              f"{times['display']:7.2f} + {times['rest']:5.2f}  {times['cpu']:5.2f} {flag}")
    chapters = [t for n, t in alone.items() if "/part" in n]  # the numbered chapters
    summary = {
        "median_s": statistics.median(t["seconds"] for t in chapters),
        "max_s": max(t["seconds"] for t in chapters),
        "median_cpu_s": statistics.median(t["cpu"] for t in chapters),
        "max_cpu_s": max(t["cpu"] for t in chapters),
        "sum_s": sum(t["seconds"] for t in alone.values()),
        **{f"median_{part}_s": statistics.median(t[part] for t in chapters) for part in parts},
    }
    print(f"numbered chapters: median {summary['median_s']:.2f} s (target <= {CHAPTER_MEDIAN_S}), "
          f"slowest {summary['max_s']:.2f} s (target <= {CHAPTER_LIMIT_S}); "
          f"kernel CPU median {summary['median_cpu_s']:.2f} s, max {summary['max_cpu_s']:.2f} s")
    print("  medians: kernel start {median_kernel_start_s:.2f} s, imports {median_imports_s:.2f} s, "
          "figures and tables {median_display_s:.2f} s, the rest {median_rest_s:.2f} s".format(**summary))
    return summary


def page_report(site: Path, scratch: Path, runs: int = 3) -> tuple[dict, list[str]]:
    """The heaviest page (both weights) and Lighthouse (mobile, default throttling) on
    every chapter page, the site served gzip-compressed, the median of ``runs`` runs per
    page: the results and a line for each."""
    site = site.resolve()
    page, stored, sent = heaviest_pages(site)[0]
    results = {"heaviest_page": page.relative_to(site).as_posix(), "heaviest_page_mb": stored / 1e6,
               "heaviest_page_compressed_mb": sent / 1e6}
    flag = "ok" if sent <= BUDGET_BYTES else "OVER"
    lines = [f"heaviest page: {results['heaviest_page']} {sent / 1e6:.2f} MB sent compressed "
             f"({stored / 1e6:.2f} MB uncompressed; target <= {BUDGET_BYTES / 1e6:.0f} MB compressed) {flag}"]
    browser = ROOT / "tests" / "browser"
    missing = lighthouse_tools_missing(browser)
    if missing:
        return {**results, "lighthouse": {"skipped": missing}}, [*lines, f"lighthouse: skipped ({missing})"]
    chapters = [p for p in site_pages(site) if re.match(r"book/part\d/\d\d-", p.relative_to(site).as_posix())]
    report = run_lighthouse(site, chapters, browser, scratch / "lighthouse.json", runs)
    lighthouse = {"pages": len(report), "runs_per_page": runs, "load_average_1min": os.getloadavg()[0],
                  "scores": {e["page"]: {"performance": e["performance"], "accessibility": e["accessibility"]}
                             for e in report}}
    for key in LIGHTHOUSE_TARGETS:
        worst = min(report, key=lambda e: e[key] if e[key] is not None else -1)
        lighthouse[f"min_{key}"], lighthouse[f"min_{key}_page"] = worst[key], worst["page"]
    lines.append(
        f"lighthouse (mobile, {len(report)} chapter pages, median of {runs} runs each, load average "
        f"{lighthouse['load_average_1min']:.1f}): "
        f"min performance {lighthouse['min_performance']} ({lighthouse['min_performance_page']}; target "
        f">= {LIGHTHOUSE_TARGETS['performance']}), min accessibility {lighthouse['min_accessibility']} "
        f"({lighthouse['min_accessibility_page']}; target {LIGHTHOUSE_TARGETS['accessibility']})")
    return {**results, "lighthouse": lighthouse}, lines


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the book build.")
    parser.add_argument("--json", type=Path, default=ROOT / "_build" / "bench.json")
    parser.add_argument("--chapters-only", action="store_true", help="time each chapter alone, then stop")
    parser.add_argument("--repeat", type=int, default=1, help="runs per chapter alone (the median is kept)")
    parser.add_argument("--site", type=Path, help="only weigh and audit this built site (e.g. _build/html)")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs per page (the median counts)")
    args = parser.parse_args()
    if args.site:
        with tempfile.TemporaryDirectory(prefix="cscbook-bench-") as scratch:
            print("\n".join(page_report(args.site, Path(scratch), args.lighthouse_runs)[1]))
        return 0
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
        pages, page_lines = page_report(site, scratch, args.lighthouse_runs)

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
        **pages,
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
    print("\n".join(page_lines))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
