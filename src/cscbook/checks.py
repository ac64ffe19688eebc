"""Automatic checks for exercises, declared in the chapter and run in the student notebook.

A chapter declares a check next to the exercise it checks, in a code cell that the
website and the PDF never show (tag ``remove-cell``), after the solution's code::

    ```{code-cell} ipython3
    :tags: [remove-cell]
    from cscbook.checks import check
    check("ex-ld-1", d50=d50, rtol=0.01,
          hint="Solve exp(-f d) = 1/2 for d, with f = csc_fit.frequency.")
    ```

When the book is built the cell runs after the solution, so :func:`check` sees the
solution's values and records them (with the tolerance and the hint) as the cell's
output. ``make assignments`` reads that output from the execution cache and writes an
otter-grader test for each answer: the student notebook gets ``d50 = ...`` where the
answer goes and ``grader.check("ex-ld-1")`` after it. A check therefore cannot drift
from its solution: the book build runs one against the other every time.

:func:`answer_matches` is what the generated tests call. It accepts any answer that is
numerically equal to the expected one within the tolerance (an ``int`` for a ``float``,
a tuple, list, NumPy array or pandas Series for a list, a Series for a dict) and
raises an ``AssertionError`` whose message says what is wrong, and gives the hint,
without giving the answer away.

:class:`Notebook` runs those check files in a student's notebook
(``grader = Notebook(tests_dir="tests")``, then ``grader.check("ex-ld-1")``). It takes
the calls of otter-grader's ``otter.Notebook`` and reads otter-grader's check-file format
(:class:`test_case`), so a student needs no grading software: the instructor's
otter-grader autograder reads the same files.
"""

from __future__ import annotations

import html
import json
import math
import numbers
import runpy
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["CHECK_MIME", "CheckResult", "CheckResults", "Notebook", "answer_matches", "check", "test_case",
           "to_expected"]

CHECK_MIME = "application/vnd.cscbook.check+json"
DEFAULT_RTOL = 1e-3


def to_expected(value):
    """The JSON form of a solution's value: numbers, strings, booleans, lists and dicts."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if hasattr(value, "to_dict") and hasattr(value, "index"):  # pandas Series
        return {str(key): to_expected(item) for key, item in value.to_dict().items()}
    if isinstance(value, Mapping):
        return {str(key): to_expected(item) for key, item in value.items()}
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        return to_expected(value.tolist())
    if isinstance(value, (list, tuple)):
        return [to_expected(item) for item in value]
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"cannot check a non-finite answer ({number})")
        return number
    raise TypeError(
        f"cannot check an answer of type {type(value).__name__}: use a number, a string, "
        "a boolean, or a list or dict of them"
    )


def check(label: str, *, rtol: float = DEFAULT_RTOL, atol: float = 0.0, hint: str = "",
          points: float = 1, **answers):
    """Declare the automatic check of exercise ``label`` (run in the chapter, after its solution).

    ``answers`` maps each variable the student must fill in to the solution's value,
    e.g. ``check("ex-ld-1", d50=d50)``. Numbers match within ``rtol`` (relative) or
    ``atol`` (absolute); strings and booleans must be equal. ``hint`` is shown when the
    check fails. Returns the declaration, which is also displayed as the cell's output
    (the cell is tagged ``remove-cell``, so readers never see it).
    """
    if not answers:
        raise ValueError(f"check({label!r}) names no answer, e.g. check({label!r}, d50=d50)")
    if not label.replace("-", "_").isidentifier():
        raise ValueError(f"{label!r} is not an exercise label like 'ex-ld-1'")
    declaration = {
        "label": label,
        "answers": {name: to_expected(value) for name, value in answers.items()},
        "rtol": float(rtol),
        "atol": float(atol),
        "hint": hint,
        "points": points,
    }
    # The values must pass their own test; this catches a tolerance that is too tight.
    for name, expected in declaration["answers"].items():
        answer_matches(name, answers[name], expected, rtol=rtol, atol=atol)
    summary = f"check {label}: " + ", ".join(declaration["answers"])
    try:
        from IPython.display import display

        display({CHECK_MIME: declaration, "text/plain": summary}, raw=True)
    except ImportError:  # plain Python
        print(json.dumps(declaration))
    return declaration


def _describe(value) -> str:
    if value is Ellipsis:
        return "..."
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _as_plain(value):
    """Turn NumPy and pandas values into Python numbers, lists and dicts for comparison."""
    if hasattr(value, "to_dict") and hasattr(value, "index"):
        return {str(key): _as_plain(item) for key, item in value.to_dict().items()}
    if isinstance(value, Mapping):
        return {str(key): _as_plain(item) for key, item in value.items()}
    if hasattr(value, "tolist"):
        return _as_plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_as_plain(item) for item in value]
    return value


def _compare(where: str, got, expected, rtol: float, atol: float) -> None:
    if isinstance(expected, bool):
        if not isinstance(got, bool) and not (isinstance(got, numbers.Integral) and got in (0, 1)):
            raise AssertionError(f"{where} should be True or False, not {_describe(got)}")
        if bool(got) != expected:
            raise AssertionError(f"{where} = {_describe(got)} is not the expected answer")
        return
    if isinstance(expected, str):
        if not isinstance(got, str):
            raise AssertionError(f"{where} should be a string (text in quotes), not {_describe(got)}")
        if got.strip().casefold() != expected.strip().casefold():
            raise AssertionError(f"{where} = {got!r} is not the expected answer")
        return
    if isinstance(expected, (int, float)):
        if isinstance(got, bool) or not isinstance(got, numbers.Real):
            raise AssertionError(f"{where} should be a number, not {_describe(got)}")
        got = float(got)
        if not math.isfinite(got):
            raise AssertionError(f"{where} = {got} is not a finite number")
        if not math.isclose(got, expected, rel_tol=rtol, abs_tol=atol):
            tolerance = f"{rtol:.2g} relative" if rtol else f"{atol:.2g} absolute"
            raise AssertionError(
                f"{where} = {got:.6g} is not the expected value (checked to a {tolerance} tolerance)"
            )
        return
    if isinstance(expected, list):
        if not isinstance(got, list):
            raise AssertionError(
                f"{where} should be a list (or array) of {len(expected)} values, not {_describe(got)}"
            )
        if len(got) != len(expected):
            raise AssertionError(f"{where} has {len(got)} values; {len(expected)} are expected")
        for index, (item, wanted) in enumerate(zip(got, expected, strict=True)):
            _compare(f"{where}[{index}]", item, wanted, rtol, atol)
        return
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            raise AssertionError(
                f"{where} should be a dict (or Series) with keys {sorted(expected)}, not {_describe(got)}"
            )
        missing = sorted(set(expected) - set(got))
        if missing:
            raise AssertionError(f"{where} lacks the key(s) {missing}")
        for key, wanted in expected.items():
            _compare(f"{where}[{key!r}]", got[key], wanted, rtol, atol)
        return
    if expected is None:
        if got is not None:
            raise AssertionError(f"{where} should be None")
        return
    raise TypeError(f"unsupported expected value {expected!r}")


def answer_matches(name: str, got, expected, *, rtol: float = DEFAULT_RTOL, atol: float = 0.0,
                   hint: str = "") -> None:
    """Raise ``AssertionError`` unless the answer ``got`` equals ``expected`` within tolerance.

    The message says what is wrong and, when an answer is given but wrong, adds ``hint``.
    """
    if got is Ellipsis:
        raise AssertionError(
            f"{name} is still ... : replace the ... in `{name} = ...` with your answer and run the cell"
        )
    if got is None:
        raise AssertionError(
            f"{name} is None: did you run the cell that defines it, or assign the result of print()?"
        )
    try:
        _compare(name, _as_plain(got), expected, rtol, atol)
    except AssertionError as wrong:
        raise AssertionError(f"{wrong} Hint: {hint}" if hint else str(wrong)) from None


# --------------------------------------------------------------------------------------
# Running the checks in a notebook, without otter-grader
# --------------------------------------------------------------------------------------


class test_case:  # noqa: N801 -- otter-grader's name, so one check file serves both
    """Mark a function of a check file as one test (otter-grader's exception-based format).

    The function takes the notebook's variables (``env``) and raises ``AssertionError``
    with a message when the answer is not right.
    """

    def __init__(self, name: str | None = None, points: float | None = None, hidden: bool = False,
                 success_message: str | None = None, failure_message: str | None = None):
        self.name, self.points, self.hidden = name, points, hidden
        self.success_message, self.failure_message = success_message, failure_message
        self.test_func = None

    def __call__(self, test_func):
        self.test_func = test_func
        return self


class CheckResult:
    """The outcome of one exercise's check file: which tests passed and what failed."""

    def __init__(self, label: str, passed: list[str], failures: list[tuple[str, str]], note: str = "",
                 points: float = 1.0):
        self.label, self.passed, self.failures, self.note = label, passed, failures, note
        self.possible = float(points)
        tests = len(passed) + len(failures)
        self.score = self.possible * len(passed) / tests if tests else 0.0  # shared equally, as otter-grader does

    @property
    def ok(self) -> bool:
        return bool(self.passed) and not self.failures

    def lines(self) -> list[str]:
        if self.ok:
            return [f"{self.label}: passed. {self.note}".strip()]
        if not self.failures:
            return [f"{self.label}: no check ran."]
        return [f"{self.label}: {len(self.failures)} of {len(self.passed) + len(self.failures)} "
                "test(s) failed."] + [f"  - {name}: {message}" for name, message in self.failures]

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        first, *rest = self.lines()
        mark = "&#x2705;" if self.ok else "&#x274C;"
        items = "".join(f"<li>{html.escape(line.lstrip(' -'))}</li>" for line in rest)
        return f"<p>{mark} {html.escape(first)}</p>" + (f"<ul>{items}</ul>" if items else "")


class CheckResults(list):
    """The results of :meth:`Notebook.check_all`, one per exercise, shown together."""

    @property
    def total(self) -> float:
        """Points of the checks passed (of the public checks, in a student's notebook)."""
        return sum(result.score for result in self)

    @property
    def possible(self) -> float:
        return sum(result.possible for result in self)

    def __repr__(self) -> str:
        return "\n".join(repr(result) for result in self) or "no check files found"

    def _repr_html_(self) -> str:
        return "".join(result._repr_html_() for result in self) or "<p>no check files found</p>"


def _notebook_namespace() -> dict:
    """The variables of the notebook (IPython's user namespace) or of the calling module."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            return shell.user_ns
    except ImportError:
        pass
    return sys._getframe(2).f_globals


class Notebook:
    """Run the exercises' check files (``tests_dir/<label>.py``) on the notebook's variables.

    The same calls as otter-grader's ``otter.Notebook``: ``check(label)`` for one exercise
    and ``check_all()`` for every check file in ``tests_dir``. A check never raises: a
    missing or broken check file is reported in its result.
    """

    def __init__(self, tests_dir: str | Path = "tests", **_ignored):
        self.tests_dir = Path(tests_dir)

    def check(self, label: str, global_env: dict | None = None) -> CheckResult:
        env = global_env if global_env is not None else _notebook_namespace()
        path = self.tests_dir / f"{label}.py"
        if not path.is_file():
            return CheckResult(label, [], [("check file", f"{path} is missing: unzip the whole assignment "
                                                           "so that tests/ is beside the notebook")])
        try:
            namespace = runpy.run_path(str(path), run_name=f"cscbook_check_{label.replace('-', '_')}")
        except Exception as error:  # a broken file is reported, not raised
            return CheckResult(label, [], [("check file", f"{path} could not be read ({type(error).__name__}: "
                                                           f"{error})")])
        cases = [value for value in namespace.values()
                 if callable(getattr(value, "test_func", None)) and hasattr(value, "name")]
        passed, failures, notes = [], [], []
        for case in cases:
            try:
                case.test_func(env)
            except AssertionError as wrong:
                failures.append((case.name, str(wrong)))
            except Exception as error:
                failures.append((case.name, f"the check stopped with {type(error).__name__}: {error}"))
            else:
                passed.append(case.name)
                if case.success_message and case.success_message not in notes:
                    notes.append(case.success_message)
        note = " ".join(notes)
        points = namespace.get("points", 1)
        return CheckResult(label, passed, failures, note[:1].upper() + note[1:] + ("." if note else ""),
                           points=float(points) if isinstance(points, (int, float)) else 1.0)

    def check_all(self) -> CheckResults:
        env = _notebook_namespace()
        return CheckResults(self.check(path.stem, env) for path in sorted(self.tests_dir.glob("*.py")))
