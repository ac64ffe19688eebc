"""Benchmark the book's build against Jupyter Book's own sample book, on this machine.

Measures, in one run:
  1. a clean build of this book (parallel pre-execution, then the strict build),
  2. a rebuild with no change,
  3. a rebuild after a code edit in one chapter (chapter 1),
  4. a clean build of the sample book made by ``jupyter-book create`` (the baseline),
and prints each time, its ratio to the baseline, each chapter's execution time,
the site's total size and its heaviest page (the HTML plus every local file it
references; pages with equations also count MathJax and its fonts).

Everything happens in a temporary copy: the repository's own ``_build`` is untouched.
Usage: python scripts/bench.py [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
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
CHAPTER_LIMIT_S = 5.0
SITE_LIMIT_MB = 30.0
PAGE_LIMIT_MB = 2.0
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
    args = parser.parse_args()
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
        pages = [p for p in site.rglob("*.html") if p.relative_to(site).parts[0] not in ("_static", "_sources")]
        weights = {p.relative_to(site).as_posix(): page_weight(p, site) for p in pages}
        heaviest = max(weights, key=weights.get)

    results = {
        "baseline_sample_book_s": baseline,
        "clean_build_s": clean,
        "no_change_rebuild_s": no_change,
        "code_edit_rebuild_s": code_edit,
        "ratios": {"clean": clean / baseline, "no_change": no_change / baseline, "code_edit": code_edit / baseline},
        "chapter_execution_s": per_chapter,
        "site_size_mb": size / 1e6,
        "heaviest_page": heaviest,
        "heaviest_page_mb": weights[heaviest] / 1e6,
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
    print(f"heaviest page: {heaviest} {results['heaviest_page_mb']:.2f} MB (target < {PAGE_LIMIT_MB:.0f} MB)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
