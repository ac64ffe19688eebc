"""Benchmark the book's build against Jupyter Book's own sample book, on this machine.

Measures, in one run:
  1. a clean build of this book (parallel pre-execution, then the strict build),
  2. a rebuild with no change,
  3. a rebuild after a code edit in one chapter (chapter 1),
  4. a clean build of the sample book made by ``jupyter-book create`` (the baseline),
and prints each time, its ratio to the baseline, each chapter's execution time,
the site's total size, its heaviest page (with everything it loads, uncompressed and
as sent gzip-compressed: cscbook_build.pageweight) and the Lighthouse scores (mobile)
of every chapter page served compressed.

Everything happens in a temporary copy: the repository's own ``_build`` is untouched.
Usage: python scripts/bench.py [--json PATH] [--site BUILT_HTML]
(--site: only the page weights and Lighthouse scores of an already built site.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
CHAPTER_LIMIT_S = 5.0
SITE_LIMIT_MB = 30.0
LIGHTHOUSE_TARGETS = {"performance": 0.90, "accessibility": 1.0}
ENV = {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1767225600"}


def timed(commands: list[list[str]]) -> float:
    start = time.perf_counter()
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True, env=ENV)
        if result.returncode != 0:
            sys.exit(f"benchmark step failed: {' '.join(command)}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return time.perf_counter() - start


def book_build(folder: Path) -> list[list[str]]:
    return [
        [str(BIN / "python"), "-m", "cscbook_build.execute", "--jobs", "2", str(folder)],
        [str(BIN / "jupyter-book"), "build", str(folder), "-W", "-n", "--keep-going"],
    ]


def chapter_times(folder: Path) -> dict[str, float]:
    from jupyter_cache import get_cache

    cache = get_cache(str(folder / "_build" / ".jupyter_cache"))
    times = {}
    for record in cache.list_cache_records():
        name = Path(record.uri).relative_to(folder).as_posix() if record.uri.startswith(str(folder)) else record.uri
        times[name] = float(record.data.get("execution_seconds") or 0.0)
    return dict(sorted(times.items()))


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
    parser.add_argument("--site", type=Path, help="only weigh and audit this built site (e.g. _build/html)")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs per page (the median counts)")
    args = parser.parse_args()
    if args.site:
        with tempfile.TemporaryDirectory(prefix="cscbook-bench-") as scratch:
            print("\n".join(page_report(args.site, Path(scratch), args.lighthouse_runs)[1]))
        return 0
    with tempfile.TemporaryDirectory(prefix="cscbook-bench-") as scratch:
        scratch = Path(scratch)
        book = copy_book(ROOT, scratch / "book")
        sample = scratch / "sample"
        subprocess.run([str(BIN / "jupyter-book"), "create", str(sample)], check=True,
                       capture_output=True, env=ENV)

        baseline = timed([[str(BIN / "jupyter-book"), "build", str(sample)]])
        clean = timed(book_build(book))
        per_chapter = chapter_times(book)
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
        "chapter_execution_s": per_chapter,
        "site_size_mb": size / 1e6,
        **pages,
    }
    print(f"{'step':34s} {'seconds':>8s} {'x sample':>9s} {'target':>7s}")
    print(f"{'sample book, clean build':34s} {baseline:8.1f} {1:9.2f}")
    for key, label in (("clean", "this book, clean build"), ("no_change", "this book, no-change rebuild"),
                       ("code_edit", "this book, one-chapter code edit")):
        seconds = results[{"clean": "clean_build_s", "no_change": "no_change_rebuild_s",
                           "code_edit": "code_edit_rebuild_s"}[key]]
        ratio = results["ratios"][key]
        flag = "ok" if ratio <= TARGETS[key] else "OVER"
        print(f"{label:34s} {seconds:8.1f} {ratio:9.2f} {TARGETS[key]:6.1f}x {flag}")
    print("\nchapter execution (s):")
    for name, seconds in per_chapter.items():
        flag = "ok" if seconds < CHAPTER_LIMIT_S else "OVER"
        print(f"  {name:60s} {seconds:5.1f} {flag}")
    print(f"\nsite size: {results['site_size_mb']:.1f} MB (target < {SITE_LIMIT_MB:.0f} MB)")
    print("\n".join(page_lines))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
