"""Grading a folder of ordinary, odd and hostile submissions (``make grade``'s command).

The notebooks belong to a small chapter made for these tests (``tests/fixtures/grading``:
``total`` = 42.5 for 1 point, ``mean`` = 10.625 and ``label`` = "four values" for 2) so
that the whole folder is graded in well under a minute, with no built book. Every row of
``scores.csv`` must be right: the status, the score (empty when not graded), the points
possible; and nothing outside a submission's sandbox may be read or written: the
hostile notebooks would earn full marks if they could read the answers from outside
their folder, from the network or from the grader's environment.

The sandbox (bubblewrap) is required here: ``make test`` installs it
(``scripts/install-sandbox.sh``); without it these tests fail, except outside CI where
they are skipped with the reason.
"""

from __future__ import annotations

import csv
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from cscbook_build.book import library_files
from cscbook_build.classroom import grade as grading
from cscbook_build.classroom.sandbox import sandbox_problem

from .conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "grading"
SLUG = "99-grading-fixture"
TIMEOUT = 20  # seconds per notebook in these tests (the default is 120); the others take 1-3 s
ANSWERS = {"total": 42.5, "mean": 10.625, "label": "four values"}
SECRET_VARIABLE = "CSCBOOK_GRADER_SECRET"

# as in the student notebooks; "old-style.ipynb" keeps the otter set-up of older zips
SETUP = 'from cscbook.checks import Notebook\n\ngrader = Notebook(tests_dir="tests")'
OLD_SETUP = 'import otter\n\ngrader = otter.Notebook(tests_dir="tests")'
LOAD = 'values = [float(x) for x in open("data/values.txt").read().split()]'
RIGHT = ("total = sum(values)", 'mean = total / len(values)\nlabel = "four values"')
WRONG = ("total = 1.0", "mean = sum(values) / len(values)\nlabel = 'five values'")
BLANK = ("total = ...", "mean = ...\nlabel = ...")
# answers taken from a dict `stolen` that a hostile cell fills if it can reach them
STOLEN = ('total = stolen.get("total", ...)', 'mean = stolen.get("mean", ...)\nlabel = stolen.get("label", ...)')
METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
    "cscbook": {"slug": SLUG, "number": 99, "edition": "student", "checks": ["ex-fx-1", "ex-fx-2"]},
    "otter": {"assignment_name": SLUG},
}
STRIPPED = {key: METADATA[key] for key in ("kernelspec", "language_info")}


def notebook(before=(), answers=RIGHT, checks=True, title=True, metadata=METADATA, setup=SETUP) -> str:
    new_code, new_markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    cells = [new_markdown("# Chapter 99. Grading fixture")] if title else []
    cells += [new_code(setup), new_code(LOAD), *(new_code(source) for source in before)]
    for source, label in zip(answers, ("ex-fx-1", "ex-fx-2"), strict=True):
        cells.append(new_code(source))
        if checks:
            cells.append(new_code(f'grader.check("{label}")'))
    if checks:
        cells.append(new_code("grader.check_all()"))
    book = nbformat.v4.new_notebook(cells=cells, metadata=metadata)
    return nbformat.writes(book)


def hostile_reads(paths: list[str]) -> str:
    """A cell that fills `stolen` with the answers from any file or variable it can read."""
    return "\n".join([
        "import json, os",
        "stolen = {}",
        f"secret = os.environ.get({SECRET_VARIABLE!r})",
        "if secret:",
        "    stolen.update(json.loads(secret))",
        f"for path in {paths!r}:",
        "    try:",
        "        text = open(path).read()",
        "    except OSError:",
        "        continue",
        "    try:",
        "        data = json.loads(text)",
        "    except ValueError:",
        "        continue",
        "    for check in data.get('checks', {}).values():",  # the fixture's checks.json
        "        stolen.update(check['answers'])",
        "    stolen.update({k: v for k, v in data.items() if k in ('total', 'mean', 'label')})",
    ])


def hostile_writes(paths: list[str]) -> str:
    return "\n".join([
        "escaped = []",
        f"for path in {paths!r}:",
        "    try:",
        "        with open(path, 'w') as handle:",
        "            handle.write('escaped')",
        "        escaped.append(path)",
        "    except OSError:",
        "        pass",
        "print('escaped to', escaped)",
    ])


class AnswerServer(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802 - http.server's name
        AnswerServer.hits.append(self.path)
        body = json.dumps(ANSWERS).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def make_autograder(folder: Path) -> Path:
    """The fixture chapter as an autograder zip, with the reader's library in files/."""
    staging = folder / "staging"
    shutil.copytree(FIXTURE, staging, ignore=shutil.ignore_patterns("README.md"))
    (staging / "files" / "cscbook").mkdir()
    for path in library_files():
        shutil.copyfile(path, staging / "files" / "cscbook" / path.name)
    out = folder / "autograder"
    out.mkdir()
    with zipfile.ZipFile(out / f"{SLUG}-autograder.zip", "w") as archive:
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(staging).as_posix())
    return out


# file -> (status, score or "" when not graded); every row must be exactly this
EXPECTED = {
    "correct.ipynb": ("graded", 3),
    "wrong.ipynb": ("graded", 1),
    "blank.ipynb": ("graded", 0),
    "exception.ipynb": ("graded", 3),
    "infinite-loop.ipynb": ("timed out", ""),
    "memory-blow-up.ipynb": ("graded", 3),
    "huge-output.ipynb": ("graded", 3),
    "kills-parent.ipynb": ("graded", 3),
    "kills-itself.ipynb": ("kernel died", ""),
    "outside-folder.ipynb": ("graded", 0),
    "network.ipynb": ("graded", 0),
    "patches-checks.ipynb": ("tampering suspected", 0),
    "rewrites-tests.ipynb": ("tampering suspected", 0),
    "truncated.ipynb": ("invalid notebook", ""),
    "not-a-notebook.ipynb": ("invalid notebook", ""),
    "homework final.ipynb": ("graded", 3),  # metadata stripped and renamed: found from its checks
    "no-checks-no-metadata.ipynb": ("graded", 3),  # found from its title
    "student-7/Copy of submission (2).ipynb": ("graded", 3),  # renamed, in a subfolder
    "notes.ipynb": ("unknown chapter", ""),
    "old-style.ipynb": ("graded", 3),  # set up with otter.Notebook, as zips before 0.2.0
}


@pytest.fixture(scope="module")
def sandbox_required():
    problem = sandbox_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"grading needs its sandbox in CI: {problem}")
        pytest.skip(f"no sandbox here ({problem}); scripts/install-sandbox.sh installs bubblewrap")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, sandbox_required):
    base = tmp_path_factory.mktemp("hostile")
    autograders = make_autograder(base)
    secret = base / "secret"
    secret.mkdir()
    (secret / "answers.json").write_text(json.dumps(ANSWERS))
    outside = base / "outside"
    outside.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AnswerServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/answers"

    folder = base / "submissions"
    folder.mkdir()
    correct = notebook()
    reads = [str(secret / "answers.json"), str(FIXTURE / "checks.json"), str(folder / "correct.ipynb"),
             "../../secret/answers.json", "/etc/shadow", "/proc/1/environ"]
    writes = [str(outside / "escaped.txt"), str(folder / "escaped.txt"), "/tmp/escaped.txt",
              "../escaped.txt", str(ROOT / "escaped.txt")]
    network = "\n".join([
        "import json, socket, urllib.request",
        "stolen = {}",
        "try:",
        f"    stolen = json.loads(urllib.request.urlopen({url!r}, timeout=3).read())",
        "finally:",
        "    socket.create_connection(('1.1.1.1', 53), timeout=3)",
    ])
    files = {
        "correct.ipynb": correct,
        "wrong.ipynb": notebook(answers=WRONG),
        "blank.ipynb": notebook(answers=BLANK),
        "exception.ipynb": notebook(before=["1 / 0"]),
        "infinite-loop.ipynb": notebook(before=["while True:\n    pass"]),
        "memory-blow-up.ipynb": notebook(before=[
            "blocks = []\nwhile True:\n    blocks.append(bytearray(64 * 2**20))", "del blocks"]),
        "huge-output.ipynb": notebook(before=[
            "for _ in range(200_000):\n    print('x' * 1000)",
            "import os\nos.write(1, b'y' * 50_000_000)"]),
        "kills-parent.ipynb": notebook(before=["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"]),
        "kills-itself.ipynb": notebook(before=["import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"]),
        "outside-folder.ipynb": notebook(before=[hostile_reads(reads), hostile_writes(writes)], answers=STOLEN),
        "network.ipynb": notebook(before=[network], answers=STOLEN),
        "patches-checks.ipynb": notebook(answers=BLANK, before=[
            # disguised, so that only the check made while it runs can see it
            "target = __import__('cscbook.checks', fromlist=['checks'])\n"
            "setattr(target, 'answer' + '_matches', lambda *args, **kwargs: None)\n"
            "vars(grader)['check'] = lambda *args, **kwargs: None"]),
        "rewrites-tests.ipynb": notebook(answers=BLANK, before=[
            "import os, shutil\nshutil.rmtree('tests', ignore_errors=True)\nos.makedirs('tests')\n"
            "with open(os.path.join('tests', 'ex-fx-1.py'), 'w') as handle:\n"
            "    handle.write('OK_FORMAT = True\\ntest = {\"name\": \"ex-fx-1\", \"points\": 1, \"suites\": []}\\n')"]),
        "truncated.ipynb": correct[: len(correct) // 2],
        "not-a-notebook.ipynb": json.dumps({"hello": "world"}),
        "homework final.ipynb": notebook(metadata=STRIPPED),
        "no-checks-no-metadata.ipynb": notebook(checks=False, metadata=STRIPPED),
        "student-7/Copy of submission (2).ipynb": correct,
        "notes.ipynb": notebook(checks=False, title=False, metadata=STRIPPED),
        "old-style.ipynb": notebook(setup=OLD_SETUP),
    }
    assert set(files) == set(EXPECTED)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")

    scratch = base / "tmp"  # where the grader makes each notebook's folder
    scratch.mkdir()
    env = {**os.environ, SECRET_VARIABLE: json.dumps(ANSWERS), "TMPDIR": str(scratch)}
    command = [sys.executable, "-m", "cscbook_build.classroom", "grade", str(folder), "--root", str(ROOT),
               "--autograders", str(autograders), "--jobs", "2", "--timeout", str(TIMEOUT),
               "--memory", "1024"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=env, cwd=ROOT)
    rows_while_running = 0
    while process.poll() is None and time.perf_counter() - started < 150:
        scores = folder / "scores.csv"
        if scores.is_file():
            text = scores.read_text(encoding="utf-8")
            if process.poll() is None:
                rows_while_running = max(rows_while_running, text.count(",graded,"))
        time.sleep(0.2)
    if process.poll() is None:
        process.kill()
        pytest.fail("grading the hostile folder did not finish in 150 s: is the time-out gone?")
    output = process.stdout.read()
    seconds = time.perf_counter() - started
    server.shutdown()
    assert process.returncode == 0, output[-4000:]
    with open(folder / "scores.csv", newline="", encoding="utf-8") as handle:
        raw = handle.read()
        handle.seek(0)
        rows = {row["file"]: row for row in csv.DictReader(handle)}
    return {"rows": rows, "raw": raw, "output": output, "seconds": seconds, "folder": folder,
            "outside": outside, "hits": list(AnswerServer.hits), "rows_while_running": rows_while_running,
            "scratch": scratch}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_row_is_right(hostile, name):
    row = hostile["rows"].get(name)
    assert row is not None, f"no row for {name}:\n{hostile['output'][-3000:]}"
    status, score = EXPECTED[name]
    assert (row["status"], row["score"]) == (status, "" if score == "" else f"{float(score)}"), row
    if name not in ("truncated.ipynb", "not-a-notebook.ipynb", "notes.ipynb"):
        assert row["chapter"] == SLUG
    if status != "unknown chapter" and row["chapter"]:
        assert row["possible"] == "3.0", row
    if status in ("graded", "tampering suspected"):
        assert row["q:ex-fx-1"] != "" and row["q:ex-fx-2"] != ""
    else:
        assert row["score"] == "" and row["percent"] == ""


def test_the_details_say_what_happened(hostile):
    rows = hostile["rows"]
    assert rows["exception.ipynb"]["errors"] == "1"
    assert "ZeroDivisionError (cell 4)" in rows["exception.ipynb"]["detail"]  # title, setup, data, 1 / 0
    assert "MemoryError" in rows["memory-blow-up.ipynb"]["detail"]
    assert "output over the limit was dropped" in rows["huge-output.ipynb"]["detail"]
    assert f"still running after {TIMEOUT} s" in rows["infinite-loop.ipynb"]["detail"]
    assert "SIGKILL" in rows["kills-itself.ipynb"]["detail"]
    assert "not JSON" in rows["truncated.ipynb"]["detail"]
    assert "chapter found from its check labels" in rows["homework final.ipynb"]["detail"]
    assert "chapter found from its title" in rows["no-checks-no-metadata.ipynb"]["detail"]
    assert "cscbook.checks.answer_matches was replaced" in rows["patches-checks.ipynb"]["detail"]
    assert "grader's check methods were replaced" in rows["patches-checks.ipynb"]["detail"]
    assert "wrote tests/" in rows["rewrites-tests.ipynb"]["detail"]
    for name in ("correct.ipynb", "wrong.ipynb", "blank.ipynb", "homework final.ipynb"):
        assert rows[name]["errors"] == "0", rows[name]
        assert "tamper" not in rows[name]["detail"]


def test_no_cell_holds_a_line_break_and_there_is_one_row_per_file(hostile):
    records = list(csv.reader(hostile["raw"].splitlines()))
    assert len(records) == 1 + len(EXPECTED)
    assert all(len(record) == len(records[0]) for record in records)
    assert all("\n" not in cell and "\r" not in cell for record in records for cell in record)


def test_nothing_outside_the_sandbox_was_read_or_written(hostile):
    assert hostile["hits"] == [], "a notebook reached the grader's network"
    assert not any(hostile["outside"].iterdir()), "a notebook wrote outside its folder"
    assert not (hostile["folder"] / "escaped.txt").exists()
    assert not (ROOT / "escaped.txt").exists()
    assert not Path("/tmp/escaped.txt").exists()
    # the notebooks' own folders are gone: no copy of the chapter is left behind
    assert not list(hostile["scratch"].iterdir())


def test_rows_are_written_while_grading_goes_on(hostile):
    assert hostile["rows_while_running"] >= 1, "no graded row was in scores.csv before the run ended"


def test_the_folder_is_graded_in_bounded_time(hostile):
    # 19 notebooks, 2 at a time; one runs into the 20 s time-out
    assert hostile["seconds"] < 180, f"{hostile['seconds']:.0f} s"
    print(f"hostile folder graded in {hostile['seconds']:.1f} s")


def test_each_submission_gets_feedback_with_messages_and_hints(hostile):
    feedback = hostile["folder"] / "feedback"
    for name in EXPECTED:
        assert (feedback / Path(name).with_suffix(".md")).is_file(), name
    wrong = (feedback / "wrong.md").read_text(encoding="utf-8")
    assert "## ex-fx-1: 0 of 1 point(s), not passed" in wrong
    assert "total = 1 is not the expected value" in wrong and "Hint: Add up the values." in wrong
    assert "## ex-fx-2: 1 of 2 point(s), partly passed" in wrong
    assert "42.5" not in wrong and "10.625" not in wrong and "four values" not in wrong
    assert "was not graded" in (feedback / "infinite-loop.md").read_text(encoding="utf-8")


def test_the_chapter_can_be_named_for_a_notebook_it_cannot_be_told_from(tmp_path, sandbox_required):
    autograders = make_autograder(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.ipynb").write_text(notebook(checks=False, title=False, metadata=STRIPPED))
    grading.grade(folder, ROOT, jobs=1, chapter="99", autograders=autograders,
                  limits=grading.Limits(timeout=60, memory_mb=2048))
    with open(folder / "scores.csv", newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["chapter"], row["status"], row["score"]) == (SLUG, "graded", "3.0")


def test_grading_refuses_without_a_sandbox_unless_told_it_is_unsafe(tmp_path, monkeypatch):
    autograders = make_autograder(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "correct.ipynb").write_text(notebook())
    # even unsandboxed, a notebook that kills its parent kills a go-between, not the grader
    (folder / "kills-parent.ipynb").write_text(
        notebook(before=["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"]))
    monkeypatch.setattr(grading, "sandbox_problem", lambda: "bwrap is not installed (test)")
    with pytest.raises(SystemExit, match="grading refused: no sandbox"):
        grading.grade(folder, ROOT, autograders=autograders)
    assert not (folder / "scores.csv").exists()
    grading.grade(folder, ROOT, jobs=1, unsafe=True, autograders=autograders,
                  limits=grading.Limits(timeout=60, memory_mb=2048))
    text = (folder / "scores.csv").read_text(encoding="utf-8")
    assert "correct.ipynb,99-grading-fixture,graded,3.0," in text
    assert "kills-parent.ipynb,99-grading-fixture,graded,3.0," in text


def test_grading_refuses_when_the_sandbox_cannot_run_python(tmp_path, monkeypatch, sandbox_required):
    """A broken sandbox must stop the run, not give every notebook 'kernel died'."""
    autograders = make_autograder(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "correct.ipynb").write_text(notebook())
    broken = tmp_path / "runner.py"
    broken.write_text("import sys\nprint('no Python here')\nsys.exit(3)\n")
    monkeypatch.setattr(grading, "RUNNER", broken)
    with pytest.raises(SystemExit, match="the sandbox cannot run the grader's Python .*no Python here"):
        grading.grade(folder, ROOT, autograders=autograders)
    assert not (folder / "scores.csv").exists()


def test_answers_cross_the_sandbox_as_data_and_are_checked_as_in_the_notebook():
    import numpy as np
    import pandas as pd

    from cscbook.checks import answer_matches
    from cscbook_build.classroom.runner import encode
    from cscbook_build.classroom.scoring import Opaque, decode

    def crossed(value):
        return decode(json.loads(json.dumps(encode(value))))

    answer_matches("x", crossed(np.float64(520.21)), 520.2)
    answer_matches("x", crossed(np.array([1.0, 2.0])), [1.0, 2.0])
    answer_matches("x", crossed((1, 2)), [1, 2])
    answer_matches("x", crossed(pd.Series({"a": 1.0, "b": 2.0})), {"a": 1.0, "b": 2.0})
    answer_matches("x", crossed(np.True_), True)
    assert crossed(...) is Ellipsis and crossed(None) is None
    assert np.isnan(crossed(float("nan"))) and crossed(float("-inf")) == float("-inf")
    frame = crossed(pd.DataFrame({"a": [1]}))
    assert isinstance(frame, Opaque) and frame.type_name == "DataFrame"
    with pytest.raises(AssertionError, match="should be a number"):
        answer_matches("x", frame, 1.0)
    assert isinstance(crossed(lambda: 1), Opaque)


def test_code_that_patches_checks_is_found_and_ordinary_code_is_not():
    from cscbook_build.classroom.scoring import suspicious_code

    ordinary = ['grader = otter.Notebook(tests_dir="tests")', 'grader.check("ex-fx-1")', "checks.columns = ['a']",
                "total == checks.total", "import cscbook.checks", "open('results.csv', 'w').write('x')"]
    assert suspicious_code(list(enumerate(ordinary))) == []
    patching = ["cscbook.checks.answer_matches = print", "import cscbook.checks as checks\nchecks.check = None",
                "grader.check = lambda *a: None", "setattr(otter, 'Notebook', object)",
                "import sys\nsys.modules['cscbook.checks'] = None", "import shutil\nshutil.rmtree('tests')",
                "open('tests/ex-fx-1.py', 'w').write('')"]
    found = suspicious_code(list(enumerate(patching)))
    assert [int(f.split()[1]) for f in found] == list(range(1, len(patching) + 1))
