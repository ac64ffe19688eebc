"""Public and hidden checks: a student's zip holds no graded value, yet its checks help.

The graded checks (the solution's values) stay in the instructor's autograder
(``checks.json``, ``tests/``) and ``instructor/``; each student's ``tests/<label>.py`` is
a public check (:mod:`cscbook_build.classroom.public`). The leak test reads every file of
every student zip (and of ``student/`` and the website's copies) and looks for every
graded value written the ways a student could copy it and pass: ``repr``, and each
rounded form (``.1g`` to ``.8g``, ``.0f`` to ``.6f``) that the graded check accepts.
``test_the_leak_finder_finds_the_old_layout`` shows that it fails on the old layout,
where the student's check files held the expected values.
"""

from __future__ import annotations

import json
import math
import re
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cscbook_build.book import library_files
from cscbook_build.classroom import autograder, public, scoring

from .conftest import BUILD, HTML, ROOT
from .test_classroom import IDS, WRITTEN

CLASSROOM = BUILD / "classroom"


# --------------------------------------------------------------------------------------
# The leak finder
# --------------------------------------------------------------------------------------


def flatten(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from flatten(item)
    elif isinstance(value, list):
        for item in value:
            yield from flatten(item)
    else:
        yield value


def distinctive(form: str) -> bool:
    """A number with at least three significant digits that is not a round number.

    Shorter ones (0.75, 17, 1000) stand in any text by chance; finding them proves nothing.
    """
    mantissa = form.lower().split("e")[0]
    if "." in mantissa:  # 75.0 is written with two digits
        mantissa = mantissa.rstrip("0").rstrip(".")
    digits = re.sub(r"\D", "", mantissa).lstrip("0")
    return len(digits) >= 3 and digits.rstrip("0") != digits[:1]


def value_forms(value, rtol: float, atol: float) -> set[str]:
    """The ways a graded value can be written that its check accepts."""
    if value is None or isinstance(value, bool):
        return set()  # True/False/None: no text can hide them
    if isinstance(value, str):
        return {value.strip()} if len(value.strip()) >= 4 else set()
    number = float(value)
    forms = {repr(value), str(value)}
    for x in (number, abs(number)):
        forms |= {f"{x:.{n}g}" for n in range(1, 9)} | {f"{x:.{d}f}" for d in range(7)}
    accepted = set()
    for form in forms:
        shown = float(form)
        if math.isclose(shown if form.startswith("-") else abs(shown), abs(number) if not form.startswith("-")
                        else number, rel_tol=rtol, abs_tol=atol) and distinctive(form):
            accepted.add(form)
    return accepted


def verbatim(name: str, data: bytes) -> bool:
    """Files copied unchanged from the public repository (the library, the data and its
    descriptor): checked to be so, then not searched (a dataset may hold any number)."""
    if name.startswith("cscbook/"):
        source = next((p for p in library_files() if p.name == name.removeprefix("cscbook/")), None)
        assert source is not None and source.read_bytes() == data, f"{name} is not the library's copy"
        return True
    if name == "data/datapackage.json":  # the repository's descriptor, restricted to the chapter's data
        repository = json.loads((ROOT / name).read_text(encoding="utf-8"))
        shipped = json.loads(data)
        assert [r for r in repository["resources"] if r in shipped["resources"]] == shipped["resources"]
        assert {k: v for k, v in shipped.items() if k != "resources"} == {
            k: v for k, v in repository.items() if k != "resources"}, f"{name} is not the repository's"
        return True
    if name.startswith("data/"):
        assert (ROOT / name).read_bytes() == data, f"{name} is not the repository's copy"
        return True
    return False


def find_leaks(files: dict[str, bytes], checks: dict) -> list[str]:
    """Every graded value of ``checks`` found in ``files`` (name -> bytes), as text."""
    found = []
    for name, data in sorted(files.items()):
        if verbatim(name, data) or name.endswith((".png", ".jpg", ".svg", ".gif")):
            continue
        text = data.decode("utf-8", "replace")
        for label, check in checks.items():
            rtol, atol = float(check.get("rtol") or 0), float(check.get("atol") or 0)
            for value in flatten(check["answers"]):
                for form in value_forms(value, rtol, atol):
                    if isinstance(value, str):
                        if name.endswith(".ipynb"):
                            continue  # the exercise names the choices a string answer picks from
                        pattern = r"(?<!\w)" + re.escape(form) + r"(?!\w)"
                    else:
                        pattern = r"(?<![\w.])" + re.escape(form) + r"(?!\d|\.\d)"
                    hit = re.search(pattern, text, re.IGNORECASE)
                    if hit:
                        context = " ".join(text[max(0, hit.start() - 50):hit.end() + 20].split())
                        found.append(f"{name}: {label} = {form!r} in ...{context}...")
    return found


def zip_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def graded_checks(slug: str) -> dict:
    with zipfile.ZipFile(CLASSROOM / "autograder" / f"{slug}-autograder.zip") as archive:
        return json.loads(archive.read("checks.json"))["checks"]


# Chapter prose that states a graded value (the chapter's text, not its checks); reported
# to the chapters' authors. Each entry: (slug, label, form). Any other finding fails.
KNOWN_PROSE = {
    ("06-detoxification-dose-response", "ex-dr-2", "14.5"),
}


def is_known_prose(slug: str, finding: str) -> bool:
    name, rest = finding.split(": ", 1)
    label, form = rest.split(" = ", 1)[0], rest.split(" = ", 1)[1].split(" in ", 1)[0].strip("'")
    return name.endswith(".ipynb") and (slug, label, form) in KNOWN_PROSE


def test_the_leak_finder_finds_the_old_layout(tmp_path):
    """The old student zip (graded check files in ``tests/``) fails; the public one passes."""
    chapter = WRITTEN[0]
    declaration = {"label": "ex-demo", "answers": {"d50": 340.7488373605116, "pair": [0.0123456, 271.8],
                                                   "model": "hierarchical"},
                   "rtol": 0.01, "atol": 0.0, "hint": "about 341 cells", "points": 1}
    checks = {"ex-demo": declaration}
    old = {"tests/ex-demo.py": autograder.test_file(chapter, declaration).encode()}
    leaks = find_leaks(old, checks)
    assert any("340.7488373605116" in leak for leak in leaks), leaks
    assert any("'271.8'" in leak for leak in leaks) and any("hierarchical" in leak for leak in leaks)
    assert any("'341'" in leak for leak in leaks), "the hint's rounded value was not found"
    # rounded forms count too, wherever they are
    assert find_leaks({"README.md": b"The answer is about 340.7 cells."}, checks)
    assert find_leaks({"x.ipynb": b'"d = 0.01235"'}, checks)
    assert not find_leaks({"README.md": b"Between 100 and 1000 cells; 3407 is not it."}, checks)
    new = {"tests/ex-demo.py": public.public_test_file(chapter, declaration, "Exercise 1.9").encode()}
    assert find_leaks(new, checks) == []


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_no_student_zip_holds_a_graded_value(chapter):
    checks = graded_checks(chapter.slug)
    student = CLASSROOM / "student"
    places = {
        "zip": zip_files(CLASSROOM / "zips" / f"{chapter.slug}.zip"),
        "website zip": zip_files(HTML / "assignments" / f"{chapter.slug}.zip"),
        "student/": {f"{chapter.slug}.ipynb": (student / f"{chapter.slug}.ipynb").read_bytes(),
                     **{f"tests/{label}.py": (student / "tests" / f"{label}.py").read_bytes()
                        for label in checks}},
    }
    assert {f"tests/{label}.py" for label in checks} <= set(places["zip"])
    for where, files in places.items():
        found = find_leaks(files, checks)
        leaks = [f for f in found if not is_known_prose(chapter.slug, f)]
        assert not leaks, f"{chapter.slug} ({where}) holds graded values:\n" + "\n".join(leaks)
        known = {(s, label, form) for s, label, form in KNOWN_PROSE if s == chapter.slug}
        seen = {(chapter.slug, f.split(": ", 1)[1].split(" = ")[0],
                 f.split(" = ", 1)[1].split(" in ", 1)[0].strip("'")) for f in found}
        assert known <= seen, f"fixed in the chapter? remove {sorted(known - seen)} from KNOWN_PROSE"


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_public_checks_pass_every_answer_the_graded_check_accepts(chapter):
    """The answer key, and answers at the edges of the tolerance, pass the public checks."""
    from otter.nbmeta_config import NBMetadataConfig
    from otter.test_files import create_test_file

    for label, check in graded_checks(chapter.slug).items():
        path = CLASSROOM / "student" / "tests" / f"{label}.py"
        test = create_test_file(str(path), NBMetadataConfig())
        test.run(dict(check["answers"]))
        assert test.score == test.possible, f"{label}: the answer key fails its public check:\n{test.summary()}"
        rtol = float(check["rtol"] or 0)
        for factor in (1 - rtol * 0.99, 1 + rtol * 0.99):
            edge = scoring._map_numbers(check["answers"], lambda x, f=factor: x * f)
            test.run(edge)
            assert test.score == test.possible, f"{label}: an accepted answer fails:\n{test.summary()}"
        hidden = (CLASSROOM / "instructor" / "tests" / f"{label}.py").read_text(encoding="utf-8")
        assert "EXPECTED" in hidden, "the instructor's folder must keep the graded checks"


@pytest.mark.parametrize("chapter", WRITTEN, ids=IDS)
def test_public_checks_run_without_grading_software(chapter, monkeypatch):
    """A student's environment has no otter-grader: cscbook.checks.Notebook runs the same files."""
    from cscbook.checks import Notebook

    for name in ("otter", "otter.test_files"):
        monkeypatch.setitem(sys.modules, name, None)  # import otter fails, as on a student's laptop
    grader = Notebook(tests_dir=CLASSROOM / "student" / "tests")
    for label, check in graded_checks(chapter.slug).items():
        result = grader.check(label, dict(check["answers"]))
        assert result.ok, f"{label}: the answer key fails its public check without otter:\n{result!r}"
        blank = grader.check(label, {name: ... for name in check["answers"]})
        assert not blank.ok and "is still ..." in repr(blank), repr(blank)
    assert "missing" in repr(grader.check("ex-no-such-exercise", {}))


@pytest.mark.parametrize(
    ("got", "expected", "message"),
    [
        (52020.0, 520.2, "about 100 times too large: is it a percentage"),
        (75.0, 0.75, "about 100 times too large: is it a percentage"),
        (0.0075, 0.75, "about 100 times too small"),
        (520200.0, 520.2, "about 1000 times too large: check the units (nM for µM"),
        (0.52, 520.2, "about 1000 times too small"),
        (1 / 520.2, 520.2, "the reciprocal (1/x)"),
        (-530.0, 520.2, "has the wrong sign"),
        ("five", 520.2, "should be a number"),
        (float("inf"), 520.2, "not a finite number"),
        ([1.0], [1.0, 250.0], "has 1 values; 2 are expected"),
        ({"a": 1.0}, {"a": 1.0, "b": 2.0}, "lacks the key(s) ['b']"),
        (..., 520.2, "replace the ... in `x = ...`"),
        ("", "hierarchical", "is an empty string"),
    ],
)
def test_public_checks_name_the_slip_without_the_value(got, expected, message):
    with pytest.raises(AssertionError) as failure:
        public.public_check("x", got, public.public_spec(expected, 0.01), "(see Exercise 1.2)")
    text = str(failure.value)
    assert message in text
    assert not find_leaks({"message.txt": text.encode()},  # (the student's own value is echoed)
                          {"c": {"answers": {"x": expected}, "rtol": 0.01, "atol": 0}})


def test_public_checks_accept_plausible_wrong_answers_and_say_so():
    """A wrong value of the right size passes: the public check is no answer oracle."""
    spec = public.public_spec(520.2, 0.01)
    for got in (60.0, 520.2, np.float64(300), 9000):
        public.public_check("x", got, spec)
    assert public.public_spec(0.0, 0.01) == {"kind": "number"}  # no range, no sign around zero
    assert "decade" not in public.public_spec(0.02, 0.0, atol=0.05)


def test_the_graders_feedback_names_the_exact_slip():
    checks = {"ex-a": {"answers": {"f": 0.25, "ic50": 3.1, "rate": 0.05, "d": -2.0}, "rtol": 0.01, "atol": 0,
                       "hint": "Use the fit.", "points": 1}}
    (result,) = scoring.score_answers(checks, {"ex-a": {"f": 25.0, "ic50": 3100.0, "rate": 20.0, "d": 2.0}})
    text = "\n".join(result.messages)
    assert "f = 25 is not the expected value" in text and "a percentage where a fraction" in text
    assert "ic50 = 3100 is not the expected value" in text and "check the units" in text
    assert "the reciprocal (1/x)" in text and "with the wrong sign" in text
    assert text.index("percentage") < text.index("Hint: Use the fit.")
    (plain,) = scoring.score_answers(checks, {"ex-a": {"f": 0.5, "ic50": 3.1, "rate": 0.05, "d": -2.0}})
    assert plain.messages == ["f = 0.5 is not the expected value (checked to a 0.01 relative tolerance) "
                              "Hint: Use the fit."]
