"""Execute the book's notebooks in parallel into the build's execution cache.

``jupyter-book build`` executes notebooks one after another. Running this module
first (``make html`` does) executes every chapter that is not yet in the cache,
several at a time, and stores the results where the build looks for them. The
build then finds every chapter in the cache and only renders.

Notebooks are read exactly as the build reads them (through
:func:`cscbook_build.signature.read_notebook`), so the cache keys match, data
signature included. A notebook that fails here is simply not cached: the
build executes it again and reports the error with its traceback.

Usage: ``python -m cscbook_build.execute [--jobs N] [BOOK_ROOT]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .book import toc_sources
from .signature import read_notebook

DEFAULT_TIMEOUT = 60


def merge_streams(notebook) -> None:
    """Join each code cell's stream outputs of one name (stdout, stderr) exactly.

    The kernel splits printed text into messages at moments that depend on timing, and
    myst-nb's own merge strips each piece before joining, so a split just before a
    newline became a blank line in some builds and not in others. Joined here first,
    the cached outputs, and the pages made from them, no longer depend on timing.
    """
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept, streams = [], {}
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                if output["name"] in streams:
                    streams[output["name"]]["text"] += output["text"]
                    continue
                streams[output["name"]] = output
            kept.append(output)
        cell["outputs"] = kept


def _execute(path: str, timeout: int):
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = read_notebook(Path(path))
    start = time.perf_counter()
    result = single_nb_execution(
        notebook, cwd=str(Path(path).parent), timeout=timeout, allow_errors=False,
        meta_override=True,
    )
    seconds = time.perf_counter() - start
    failed = result.err is not None
    merge_streams(notebook)
    return path, notebook if not failed else None, seconds, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = args.root.resolve()
    if "CSCBOOK_DATA" not in os.environ and (root / "data" / "datapackage.json").is_file():
        os.environ["CSCBOOK_DATA"] = str(root / "data")  # inherited by the kernels
    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    pending = []
    for path in toc_sources(root):
        try:
            cache.match_cache_notebook(read_notebook(path))
        except KeyError:
            pending.append(path)
    if not pending:
        print("[cscbook_build.execute] every notebook is in the cache")
        return 0
    print(f"[cscbook_build.execute] executing {len(pending)} notebook(s) with {args.jobs} worker(s)")
    jobs = max(1, min(args.jobs, len(pending)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_execute, str(path), args.timeout) for path in pending]
        for future in as_completed(futures):
            path, notebook, seconds, failed = future.result()
            relative = Path(path).relative_to(root)
            if failed:
                print(f"[cscbook_build.execute] {relative}: failed; the build will report it")
                continue
            cache.cache_notebook_bundle(
                CacheBundleIn(notebook, uri=path, data={"execution_seconds": seconds}),
                check_validity=False,
                overwrite=True,
            )
            print(f"[cscbook_build.execute] {relative}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
