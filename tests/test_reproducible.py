"""Two clean builds give the same website, byte for byte."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

from cscbook_build.bookcopy import copy_book

from .conftest import HTML, ROOT

BIN = Path(sys.executable).parent
# Build metadata that may legitimately differ between two builds: none so far.
DECLARED_METADATA: set[str] = set()


def test_a_second_clean_build_gives_identical_pages_and_figures(built_html, tmp_path):
    copy = copy_book(ROOT, tmp_path / "book")
    # the site offers the whole-book PDF when `make pdf` built it first (make test does):
    # the second build gets the same PDF (src/cscbook_build/publish.py)
    pdf = ROOT / "_build" / "latex" / "cscbook.pdf"
    if pdf.is_file():
        (copy / "_build" / "latex").mkdir(parents=True, exist_ok=True)
        shutil.copy2(pdf, copy / "_build" / "latex" / "cscbook.pdf")
    env = {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1767225600")}
    env.pop("CSCBOOK_DATA", None)
    for command in (
        [str(BIN / "python"), "-m", "cscbook_build.execute", "--jobs", "2", str(copy)],
        [str(BIN / "jupyter-book"), "build", str(copy), "-W", "-n", "--keep-going"],
    ):
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    fresh = copy / "_build" / "html"
    differences, missing = [], []
    for path in sorted(fresh.rglob("*")):
        if path.is_dir():
            continue
        relative = path.relative_to(fresh).as_posix()
        if relative in DECLARED_METADATA:
            continue
        other = HTML / relative
        if not other.exists():
            missing.append(relative)
        elif not filecmp.cmp(path, other, shallow=False):
            differences.append(relative)
    assert not missing, f"files only in the second build: {missing[:10]}"
    assert not differences, f"files that differ between two clean builds: {differences[:10]}"
    pages = [p for p in fresh.rglob("*.html")]
    figures = [p for p in fresh.rglob("*.png")]
    assert pages and figures
