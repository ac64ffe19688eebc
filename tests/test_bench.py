"""make bench's split of a chapter's time alone: kernel start, imports, figures and
tables, and the rest (scripts/bench.py), checked on a small notebook whose parts take
known times."""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import pytest

from .conftest import ROOT

CHAPTER = textwrap.dedent('''\
    ---
    jupytext:
      text_representation:
        format_name: myst
    kernelspec:
      display_name: Python 3
      language: python
      name: python3
    ---
    # A chapter of known times

    ```{code-cell} ipython3
    import slow_module
    ```

    ```{code-cell} ipython3
    import time
    time.sleep(0.3)
    ```

    ```{code-cell} ipython3
    class SlowTable:
        def _repr_html_(self):
            time.sleep(0.4)
            return "<table></table>"

    SlowTable()
    ```
    ''')


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_script", ROOT / "scripts" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_script"] = module
    spec.loader.exec_module(module)
    return module


def test_a_chapter_s_time_alone_is_split_into_what_it_spent(bench, tmp_path, monkeypatch):
    monkeypatch.setenv("CSCBOOK_DATA", str(ROOT / "data"))  # chapter_alone sets it: restored after
    (tmp_path / "slow_module.py").write_text("import time\ntime.sleep(0.5)\n", encoding="utf-8")
    chapter = tmp_path / "chapter.md"
    chapter.write_text(CHAPTER, encoding="utf-8")
    times = bench.chapter_alone(chapter, ROOT / "data")
    assert 0.5 <= times["imports"] < 0.5 + 0.4  # the module's half second, not the table's
    assert 0.4 <= times["display"] < 0.4 + 0.3  # the table's formatting, not the sleep
    assert times["rest"] >= 0.3  # the cell that sleeps
    assert times["kernel_start"] > 0
    parts = times["kernel_start"] + times["imports"] + times["display"] + times["rest"]
    assert parts == pytest.approx(times["seconds"])
