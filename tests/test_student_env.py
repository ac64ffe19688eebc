"""A student zip's README, followed as written on a fresh machine, gives a working notebook.

The test unzips chapter 1's student zip, runs the commands of the README's ``bash`` block
in a new folder (a new virtual environment, ``pip install -r requirements.txt``), with
``jupyter lab NOTEBOOK`` replaced by ``jupyter nbconvert --execute`` (the same Jupyter,
without a browser), and requires the blank notebook to run from top to bottom. It
installs from the package index, so it runs where CI runs (``CI`` set) or when
``CSCBOOK_STUDENT_ENV=1``; it records the environment's size and install time in
``_build/student-env.json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import zipfile

import pytest

from cscbook_build.classroom import bundle

from .conftest import BUILD

SLUG = "01-limiting-dilution"
ZIP = BUILD / "classroom" / "zips" / f"{SLUG}.zip"


def readme_commands(readme: str) -> list[str]:
    """The commands of the README's first ``bash`` block."""
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block, "the README gives no commands to run"
    return [line.strip() for line in block[1].splitlines() if line.strip() and not line.strip().startswith("#")]


def test_the_readme_gives_the_commands_in_order():
    with zipfile.ZipFile(ZIP) as archive:
        commands = readme_commands(archive.read("README.md").decode())
    assert commands[0].startswith("python3 -m venv") and "activate" in commands[1]
    assert commands[2] == "pip install -r requirements.txt"
    assert commands[3] == f"jupyter lab {SLUG}.ipynb"


@pytest.mark.skipif(not (os.environ.get("CI") or os.environ.get("CSCBOOK_STUDENT_ENV")),
                    reason="installs from the package index: set CSCBOOK_STUDENT_ENV=1 (CI runs it)")
def test_a_fresh_environment_from_the_readme_runs_the_blank_notebook(tmp_path):
    if not shutil.which("python3"):
        pytest.fail("python3 is not on PATH")
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(tmp_path)
    commands = readme_commands((tmp_path / "README.md").read_text(encoding="utf-8"))
    run = [re.sub(r"^jupyter lab (\S+)$", r"jupyter nbconvert --to notebook --execute \1 --output executed.ipynb",
                  command) for command in commands]
    script = "set -euo pipefail\n" + "\n".join(run[:-1]) + "\n"
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"VIRTUAL_ENV", "PYTHONPATH", "CSCBOOK_DATA", "PYTHONHOME"}}
    environment["PATH"] = ":".join(p for p in environment.get("PATH", "").split(":") if "/.venv/" not in p)
    started = time.perf_counter()
    installed = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=environment, capture_output=True,
                               text=True, timeout=900)
    install_seconds = time.perf_counter() - started
    assert installed.returncode == 0, installed.stderr[-3000:]
    size = sum(f.stat().st_size for f in (tmp_path / ".venv").rglob("*") if f.is_file() and not f.is_symlink())
    activate_and_open = f"set -euo pipefail\n{run[1]}\n{run[-1]}\n"
    executed = subprocess.run(["bash", "-c", activate_and_open], cwd=tmp_path,
                              env=environment, capture_output=True, text=True, timeout=600)
    assert executed.returncode == 0, executed.stderr[-3000:]
    notebook = json.loads((tmp_path / "executed.ipynb").read_text(encoding="utf-8"))
    errors = [output for cell in notebook["cells"] for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert not errors, errors[:1]
    checks = [cell for cell in notebook["cells"] if "check" in cell.get("metadata", {}).get("tags", [])]
    assert checks and all(cell.get("outputs") for cell in checks), "the checks did not run"
    record = {"install_seconds": round(install_seconds, 1), "size_mb": round(size / 1e6),
              "python": subprocess.run([str(tmp_path / ".venv" / "bin" / "python"), "--version"],
                                       capture_output=True, text=True).stdout.strip()}
    (BUILD / "student-env.json").write_text(json.dumps(record) + "\n", encoding="utf-8")
    print(record)
    # the README's figure is right, and the environment stays light (at most 700 MB)
    assert abs(record["size_mb"] - bundle.ENVIRONMENT_MB) <= 0.25 * bundle.ENVIRONMENT_MB, record
    assert f"about {bundle.ENVIRONMENT_MB} MB" in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert record["size_mb"] <= 700, record
