"""`make lint` checks the chapters too, and pre-commit runs the same checks.

The chapters are MyST notebooks: nbQA hands their code cells to ruff, with two rules off
that teaching cells break on purpose (a late import, a bare name that shows a value).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import yaml

from .conftest import ROOT


def lint_commands() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "the Makefile has no lint target"
    return [line.strip() for line in recipe.group(1).splitlines()]


def test_make_lint_checks_the_python_and_every_chapter():
    commands = lint_commands()
    ruff = next(c for c in commands if c.startswith("$(BIN)/ruff check"))
    assert set(ruff.split()[2:]) == {"src", "tests", "data/generators", "scripts"}
    nbqa = next(c for c in commands if c.startswith("$(BIN)/nbqa ruff"))
    assert "book/" in nbqa.split() and "contributing/chapter-template.md" in nbqa.split()


def test_pre_commit_runs_the_checks_of_make_lint_on_the_same_files():
    hooks = {
        hook["id"]: hook
        for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"]
        for hook in repo["hooks"]
    }
    assert hooks["ruff"]["entry"] == ".venv/bin/ruff check"
    assert hooks["nbqa-ruff"]["entry"] == ".venv/bin/nbqa ruff"
    samples = {
        "ruff": ["src/cscbook/data.py", "tests/test_lint.py", "data/generators/x.py", "scripts/bench.py"],
        "nbqa-ruff": ["book/part1/01-limiting-dilution.md", "contributing/chapter-template.md"],
    }
    for hook_id, paths in samples.items():
        for path in paths:
            assert re.search(hooks[hook_id]["files"], path), f"{hook_id} skips {path}"
    assert not re.search(hooks["nbqa-ruff"]["files"], "README.md")


NOTEBOOK = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

```{{code-cell}} ipython3
import numpy as np

values = np.arange(3)
```

Some prose.

```{{code-cell}} ipython3
{cell}
```
"""


def nbqa_ruff(tmp_path, cell: str) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "chapter.md").write_text(NOTEBOOK.format(cell=cell), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "nbqa", "ruff", "chapter.md"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )


def test_a_late_import_and_a_bare_last_name_pass_but_an_unused_import_fails(tmp_path):
    teaching = nbqa_ruff(tmp_path, "from scipy import stats\n\nshifted = values + stats.norm.ppf(0.5)\nshifted")
    assert teaching.returncode == 0, teaching.stdout + teaching.stderr
    assert "All checks passed" in teaching.stdout  # nbQA read it: it passes files it cannot read
    unused = nbqa_ruff(tmp_path, "import os\n\nvalues")
    assert unused.returncode != 0 and "F401" in unused.stdout
