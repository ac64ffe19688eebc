"""Stage 5 of the classroom edition: what a notebook needs beside it, and the student's zip.

A student notebook runs without the repository: beside it go the CSV files the chapter
loads with a ``datapackage.json`` restricted to them, the reader's library
:mod:`cscbook` (whole: it imports nothing from the build), the check files
(``tests/``: public checks only, see :mod:`.public`), a pinned ``requirements.txt`` and a
README. Zips are written with fixed
dates and order, so the bytes are reproducible.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import zipfile
from pathlib import Path

import nbformat

from ..book import BOOK_TITLE, Chapter, library_files

# Top-level modules a chapter may import, and the PyPI distribution that provides them.
DISTRIBUTIONS = {
    "numpy": "numpy", "pandas": "pandas", "matplotlib": "matplotlib", "scipy": "scipy",
    "statsmodels": "statsmodels", "otter": "otter-grader", "cycler": "cycler",
    "sklearn": "scikit-learn", "seaborn": "seaborn", "yaml": "PyYAML", "PIL": "pillow",
    "IPython": None, "ipywidgets": "ipywidgets", "lifelines": "lifelines", "cscbook": None,
    "myst_nb": None,
}
# What every notebook needs: the cscbook package's own dependencies. A student's zip adds
# Jupyter (a kernel and JupyterLab) and no grading software: its checks run with
# cscbook.checks.Notebook. The autograder adds nothing: otter-grader's environment brings
# otter-grader and Jupyter's kernel.
BASE_REQUIREMENTS = ["numpy", "pandas", "matplotlib", "scipy"]
JUPYTER_REQUIREMENTS = ["ipykernel", "jupyterlab"]
# The book's own build does not need JupyterLab, so its pin lives here; `make test`
# installs it into a fresh environment from a student zip (tests/test_student_env.py).
EXTRA_PINS = {"jupyterlab": "jupyterlab==4.6.6"}
# Every pin has wheels for these versions (pip download --only-binary=:all: --python-version);
# pandas 3 and NumPy 2.4 need Python 3.11 or later.
PYTHON_VERSIONS = ("3.11", "3.14")
# The size of that environment (measured, with Python 3.11 on Linux, by
# tests/test_student_env.py, which fails if it is more than 25% off).
ENVIRONMENT_MB = 600


def restricted_datapackage(root: Path, names: list[str]) -> tuple[dict, list[str]]:
    """The descriptor with only the datasets ``names``, and their file paths."""
    package = json.loads((root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    resources = [r for r in package.get("resources", []) if r.get("name") in names]
    missing = sorted(set(names) - {r["name"] for r in resources})
    if missing:
        raise SystemExit(f"datasets not in data/datapackage.json: {missing}")
    restricted = {**package, "resources": resources}
    return restricted, [r["path"] for r in resources]


def imported_modules(notebook) -> set[str]:
    modules = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for match in re.finditer(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w., ]+))", cell.source, re.M):
            if match[1]:
                modules.add(match[1].split(".")[0])
            else:
                modules.update(part.strip().split(" ")[0].split(".")[0] for part in match[2].split(","))
    return {m for m in modules if m and m not in sys.stdlib_module_names}


def pinned_versions(root: Path) -> dict[str, str]:
    pins = {}
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pins[re.sub(r"[-_.]+", "-", name).lower()] = f"{name}=={version}"
    return pins


def requirements(root: Path, modules: set[str], jupyter: bool = True) -> str:
    """Pinned requirements of a notebook that imports ``modules``.

    ``jupyter``: add a kernel and JupyterLab (the student's zip); without them, what the
    autograder's environment needs beside otter-grader.
    """
    pins = {**pinned_versions(root), **EXTRA_PINS}
    wanted = list(BASE_REQUIREMENTS)
    for module in sorted(modules):
        dist = DISTRIBUTIONS.get(module, module)
        if dist and dist not in wanted and dist != "otter-grader":
            wanted.append(dist)
    low, high = PYTHON_VERSIONS
    if jupyter:
        wanted += JUPYTER_REQUIREMENTS
        lines = [f"# Python {low} to {high}. What this notebook needs, Jupyter included, at the versions",
                 "# the book was built with:  pip install -r requirements.txt"]
    else:
        lines = [f"# Python {low} to {high}. What the grading environment needs beside otter-grader",
                 "# (which otter-grader's setup installs), at the versions the book was built with."]
    lines += [pins.get(re.sub(r"[-_.]+", "-", d).lower(), d) for d in wanted]
    return "\n".join(lines) + "\n"


def student_readme(chapter: Chapter, title: str, datasets: list[str], checks: dict) -> str:
    name = f"{chapter.slug}.ipynb"
    return f"""# {chapter.heading(title)}

An assignment from the open textbook *{BOOK_TITLE}*: the chapter as a notebook, with a
cell for each exercise's answer and automatic checks for {len(checks)} of them.

Contents: `{name}` (the notebook), `data/` ({", ".join(datasets) or "no datasets"} and
their description, `datapackage.json`), `cscbook/` (the book's small helper package),
`tests/` (the automatic checks) and `requirements.txt`.

The checks tell you whether an answer has the right form (a number, a list of the right
length, ...) and a plausible size, and name common slips such as a percentage given for
a fraction, a unit off by a factor of 1000, or 1/x. They do not hold the expected values:
whether an answer is right is decided when your notebook is graded.

## How to open it

You need Python {PYTHON_VERSIONS[0]} to {PYTHON_VERSIONS[1]} (`python3 --version`). The requirements are
the packages the notebook uses and JupyterLab, about {ENVIRONMENT_MB} MB; no grading software.

- **Your laptop** (Linux or macOS; on Windows write `py` for `python3` and
  `.venv\\Scripts\\activate` for the `source` line): unzip this folder, then in a terminal
  inside it run

  ```bash
  python3 -m venv .venv
  source .venv/bin/activate
  pip install -r requirements.txt
  jupyter lab {name}
  ```

  Next time, only the `source` and `jupyter lab` lines are needed.
- **JupyterHub**: upload the zip, open a terminal and run `unzip {chapter.slug}.zip`,
  then open `{name}`. Run `pip install -r requirements.txt` if a cell reports
  `ModuleNotFoundError`.
- **Google Colab**: open `{name}` (File > Upload notebook), then upload the zip into the
  Files pane and run `!unzip -o {chapter.slug}.zip` in a new cell at the top (Colab has
  the packages already).

Run the cells from the top. Put each answer where the notebook shows `...`, then run the
`grader.check(...)` cell below it. Hand in the saved `.ipynb` file.

Text and data: CC BY 4.0. Code: MIT. Cite the book and the primary studies it uses.
"""


def write_bundle(folder: Path, root: Path, dataset_paths: list[str], descriptor: dict,
                 tests: dict[str, str], assets: list[tuple[Path, str]]) -> None:
    """Write ``data/``, ``cscbook/`` and ``tests/`` (and figure files) into ``folder``."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for relative in dataset_paths:
        target = folder / "data" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / "data" / relative, target)
    (folder / "cscbook").mkdir(exist_ok=True)
    for path in library_files():  # the reader's library, whole
        shutil.copyfile(path, folder / "cscbook" / path.name)
    (folder / "tests").mkdir(exist_ok=True)
    for label, text in tests.items():
        (folder / "tests" / f"{label}.py").write_text(text, encoding="utf-8")
    for source, relative in assets:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def write_zip(path: Path, folder: Path) -> None:
    """Zip ``folder``'s contents with fixed dates and order, so the bytes are reproducible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in file.parts:
                continue
            info = zipfile.ZipInfo(file.relative_to(folder).as_posix(), date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if file.stat().st_mode & 0o100 else 0o644) << 16
            archive.writestr(info, file.read_bytes())


def write_notebook(notebook, path: Path) -> None:
    """Write a notebook, refusing one that does not follow the notebook schema."""
    problems: dict = {}
    text = nbformat.writes(notebook, capture_validation_error=problems)
    if problems:
        raise ValueError(f"{path.name} would not be a valid notebook: {problems['ValidationError'].message}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")


def merge_descriptor(folder: Path, descriptor: dict) -> dict:
    """Resources of every chapter already written to a shared folder, plus this chapter's."""
    path = folder / "data" / "datapackage.json"
    if not path.is_file():
        return descriptor
    existing = json.loads(path.read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"]}
    kept = [r for r in existing.get("resources", []) if r["name"] not in names]
    return {**descriptor, "resources": kept + descriptor["resources"]}
