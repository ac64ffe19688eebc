"""Execute the book's notebooks in parallel into the build's execution cache.

``jupyter-book build`` executes notebooks one after another. Running this module
first (``make html`` does) executes every chapter that is not yet in the cache,
several at a time, and stores the results where the build looks for them. The
build then finds every chapter in the cache and only renders.

Notebooks are read exactly as the build reads them (through
:func:`cscbook_build.signature.read_notebook`), so the cache keys match, data
signature included. A notebook that fails here is simply not cached: the
build executes it again and reports the error with its traceback.

Reading a chapter as a notebook (MyST parsing, nbformat's checks) takes about 0.1 s, two
seconds for the book on every build. So the cache folder also keeps an index,
``cscbook-sources.json``: for each source, a hash of everything its cache key is made
from and more (the whole text, the data signature, the figure formats and the versions
of myst-nb and jupyter-cache) and the cache record it matched. A source whose hash is in
the index, with its record still in the cache, is not read again; any edit, even to
prose, means one more reading, which finds the record or executes the chapter.

Usage: ``python -m cscbook_build.execute [--jobs N] [BOOK_ROOT]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .book import toc_sources
from .signature import FIGURE_FORMATS_VARIABLE, data_signature, find_data_folder, read_notebook

DEFAULT_TIMEOUT = 60
SOURCE_INDEX = "cscbook-sources.json"  # in the cache folder, see the module's docstring
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def source_hash(path: Path) -> str:
    """A hash of a source's text, data signature, figure formats and the versions of the
    reader and the cache: equal hashes mean equal cache keys."""
    from importlib.metadata import version

    text = Path(path).read_text(encoding="utf-8")
    folder = find_data_folder(Path(path))
    parts = [text, data_signature(text, folder) if folder is not None else "",
             os.environ.get(FIGURE_FORMATS_VARIABLE, ""), version("myst-nb"), version("jupyter-cache")]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def uncached_sources(cache, paths: list[Path]) -> list[Path]:
    """The sources whose notebooks the cache does not hold; the index is brought up to date."""
    index_path = Path(cache.path) / SOURCE_INDEX
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    fresh, pending = {}, []
    for path in paths:
        key = source_hash(path)
        try:
            pk, hashkey = index[key]
            if cache.get_cache_record(pk).hashkey != hashkey:  # KeyError when it is gone
                raise KeyError(pk)
        except (KeyError, TypeError, ValueError):
            try:
                record = cache.match_cache_notebook(read_notebook(path))
            except KeyError:
                pending.append(path)
                continue
            pk, hashkey = record.pk, record.hashkey
        fresh[key] = [pk, hashkey]
    index_path.write_text(json.dumps(fresh, indent=0, sort_keys=True), encoding="utf-8")
    return pending


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
    # Kernels run side by side: one BLAS thread each, so that idle BLAS threads spinning
    # in one kernel do not take the core the other is computing on (the execution phase
    # takes about 7% less time on two cores). The book's matrices are small: numbers and
    # figures are the same either way.
    for variable in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    if "CSCBOOK_DATA" not in os.environ and (root / "data" / "datapackage.json").is_file():
        os.environ["CSCBOOK_DATA"] = str(root / "data")  # inherited by the kernels
    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    pending = uncached_sources(cache, toc_sources(root))
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
