"""The public checks a student's zip carries: feedback without the graded values.

A chapter's check (:func:`cscbook.checks.check`) records the solution's values. Those
values stay with the instructor: in the autograder zip (its ``checks.json`` and
``tests/``, which ``make grade`` and the instructor edition use). The student's
``tests/<label>.py`` gets a *public* check instead, written from a *shape* of each
answer (:func:`public_spec`) that holds no more than the student can be told:

- its kind: a number, a string, True or False, a list of *n* values, a dict with the
  given keys (each item with its own shape);
- for a number: that it must be finite, its sign, and a plausible range of magnitudes,
  ``10**(k - 1)`` to ``10**(k + 2)`` where ``10**k <= |answer| < 10**(k + 1)``: the
  order of magnitude and nothing finer. The range is given only when every answer the
  graded check accepts (within ``rtol``/``atol``) lies inside it and has the same sign.

A number outside the range gets a specific message worked out from the range alone:
about 100 times too large or too small (a percentage for a fraction, or the reverse),
about 1000 times (nM for µM, mg for g), or the reciprocal (its 1/x lies in the answer's
decade). An answer that passes is told that its form and size are plausible and that
the value itself is checked when the notebook is graded. The public check prints
neither the expected value nor the chapter author's hint (hints often state the
formula, and may hold numbers); the hint comes with the graded feedback of ``make
grade`` (:mod:`.grade`), which also names the exact slip (:func:`.scoring.slip`).

Why only a decade: any function of the expected value from which it can be recovered to
within the check's tolerance is a leak, and so is any test a student can query, since
trying values against it is a search for the answer. A decade is at least ten times
wider than any tolerance the book uses (``rtol`` of at most 0.5 is enforced here).

The check code (:data:`CHECKER`) is written into every public check file, so that the
file needs only otter-grader and the standard library; :func:`public_check` is the same
code, run by the tests.
"""

from __future__ import annotations

import json
import math
import re

from ..book import Chapter

MAX_RTOL = 0.5

# The imports of every generated check file, public or graded: otter-grader's test_case
# where otter-grader runs the file (the autograder), the reader's library's own elsewhere.
CHECK_FILE_IMPORTS = [
    "import json",
    "",
    "try:  # otter-grader, where it is installed (the autograder)",
    "    from otter.test_files import test_case",
    "except ImportError:  # a student's notebook: the book's own runner (cscbook.checks.Notebook)",
    "    from cscbook.checks import test_case",
    "",
]

CHECKER = r'''
import math as _math
import numbers as _numbers


def _plain(value):
    """NumPy and pandas values as Python numbers, lists and dicts."""
    if hasattr(value, "to_dict") and hasattr(value, "index"):
        return {str(key): _plain(item) for key, item in value.to_dict().items()}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _show(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _size(where, got, spec):
    low, high = 10.0 ** (spec["decade"] - 1), 10.0 ** (spec["decade"] + 2)
    size = abs(got)
    if low <= size < high:
        return
    if size == 0:
        raise AssertionError(f"{where} is 0, which is not a plausible answer here")
    reciprocal = 10.0 ** spec["decade"] <= 1 / size < 10.0 ** (spec["decade"] + 1)
    if size >= high:
        if size < 10 * high:
            why = ("about 100 times too large: is it a percentage where a fraction (0 to 1) "
                   "is asked, or in a unit 100 times smaller?")
        elif size < 100 * high:
            why = ("about 1000 times too large: check the units (nM for µM, mg for g, "
                   "ms for s, mL for L).")
        else:
            why = "far larger than any plausible answer: check the units and the formula."
    elif size >= low / 10:
        why = ("about 100 times too small: is it a fraction where a percentage is asked, "
               "or in a unit 100 times larger?")
    elif size >= low / 100:
        why = "about 1000 times too small: check the units (µM for nM, g for mg, s for ms)."
    else:
        why = "far smaller than any plausible answer: check the units and the formula."
    if reciprocal:
        why += " Or it is the reciprocal (1/x) of the answer: check which way round the ratio goes."
    raise AssertionError(f"{where} = {got:.3g} is {why}")


def _check(where, got, spec):
    kind = spec["kind"]
    if kind == "boolean":
        if not isinstance(got, bool) and not (isinstance(got, _numbers.Integral) and got in (0, 1)):
            raise AssertionError(f"{where} should be True or False, not {_show(got)}")
    elif kind == "string":
        if not isinstance(got, str):
            raise AssertionError(f"{where} should be a string (text in quotes), not {_show(got)}")
        if not got.strip():
            raise AssertionError(f"{where} is an empty string")
    elif kind == "number":
        if isinstance(got, bool) or not isinstance(got, _numbers.Real):
            raise AssertionError(f"{where} should be a number, not {_show(got)}")
        got = float(got)
        if not _math.isfinite(got):
            raise AssertionError(f"{where} = {got} is not a finite number")
        sign = spec.get("sign")
        if sign and got and (got > 0) != (sign > 0):
            raise AssertionError(f"{where} = {got:.3g} has the wrong sign: the answer is "
                                 f"{'positive' if sign > 0 else 'negative'} (a difference taken "
                                 "the wrong way round?)")
        if "decade" in spec:
            _size(where, got, spec)
    elif kind == "list":
        if not isinstance(got, list):
            raise AssertionError(f"{where} should be a list (or array) of {spec['length']} values, "
                                 f"not {_show(got)}")
        if len(got) != spec["length"]:
            raise AssertionError(f"{where} has {len(got)} values; {spec['length']} are expected")
        for index, (item, part) in enumerate(zip(got, spec["items"])):
            _check(f"{where}[{index}]", item, part)
    elif kind == "dict":
        if not isinstance(got, dict):
            raise AssertionError(f"{where} should be a dict (or Series) with keys {sorted(spec['items'])}, "
                                 f"not {_show(got)}")
        missing = sorted(set(spec["items"]) - set(got))
        if missing:
            raise AssertionError(f"{where} lacks the key(s) {missing}")
        for key, part in spec["items"].items():
            _check(f"{where}[{key!r}]", got[key], part)


def public_check(name, got, spec, where=""):
    """Raise AssertionError, with a message that gives no expected value, unless ``got`` fits ``spec``."""
    if got is Ellipsis:
        raise AssertionError(f"{name} is still ... : replace the ... in `{name} = ...` with your answer "
                             "and run the cell")
    if got is None:
        raise AssertionError(f"{name} is None: did you run the cell that defines it, or assign the "
                             "result of print()?")
    try:
        _check(name, _plain(got), spec)
    except AssertionError as wrong:
        raise AssertionError(f"{wrong} {where}".strip()) from None
'''

_namespace: dict = {}
exec(compile(CHECKER, "cscbook_build/classroom/public.py:CHECKER", "exec"), _namespace)  # noqa: S102
public_check = _namespace["public_check"]


def public_spec(expected, rtol: float = 0.0, atol: float = 0.0) -> dict:
    """The shape of an expected value that a student may see (see the module's docstring)."""
    if isinstance(expected, bool):
        return {"kind": "boolean"}
    if isinstance(expected, str):
        return {"kind": "string"}
    if isinstance(expected, (int, float)):
        spec: dict = {"kind": "number"}
        value = float(expected)
        low, high = abs(value) * (1 - rtol) - atol, abs(value) * (1 + rtol) + atol
        if value == 0 or low <= 0 or rtol > MAX_RTOL:
            return spec  # zero, or accepted answers of either sign: no sign, no range
        decade = math.floor(math.log10(abs(value)))
        spec["sign"] = 1 if value > 0 else -1
        if 10.0 ** (decade - 1) <= low and high < 10.0 ** (decade + 2):
            spec["decade"] = decade
        return spec
    if isinstance(expected, list):
        return {"kind": "list", "length": len(expected),
                "items": [public_spec(item, rtol, atol) for item in expected]}
    if isinstance(expected, dict):
        return {"kind": "dict", "items": {str(k): public_spec(v, rtol, atol) for k, v in expected.items()}}
    return {"kind": "any"}


def public_test_file(chapter: Chapter, declaration: dict, number: str = "") -> str:
    """The student's ``tests/<label>.py``: otter-grader's format, no expected value, no hint."""
    label = declaration["label"]
    rtol, atol = float(declaration.get("rtol") or 0), float(declaration.get("atol") or 0)
    specs = {name: public_spec(value, rtol, atol) for name, value in declaration["answers"].items()}
    exercise = number or label
    where = (f"(Re-read {exercise}: it says what to compute and which variable holds it. "
             "The exercise's hint comes with your graded feedback.)")
    passed = ("the answer has the right form and a plausible size; whether it is right is "
              "checked when your notebook is graded")
    lines = [
        f'"""Public check of exercise {label} ({chapter.in_sentence}): the form and size of the answer.',
        "",
        "It tells you whether your answer has the right type, length or keys, sign and order of",
        "magnitude, and names common slips (a percentage for a fraction, a unit off by 1000, 1/x).",
        "The graded values are not in this file: your instructor's grader holds them.",
        f"Generated by `make assignments` from {chapter.docname}.md; edit the chapter, not this file.",
        '"""',
        "",
        *CHECK_FILE_IMPORTS,
        "OK_FORMAT = False",
        "",
        f"name = {label!r}",
        f"points = {declaration.get('points', 1)!r}",
        f"SHAPES = json.loads({json.dumps(specs, sort_keys=True)!r})",
        f"WHERE = {where!r}",
        CHECKER,
    ]
    for answer in declaration["answers"]:
        function = re.sub(r"\W", "_", f"test_{answer}")
        lines += [
            "",
            f"@test_case(name={f'{label}: {answer}'!r}, success_message={passed!r})",
            f"def {function}(env):",
            f"    public_check({answer!r}, env.get({answer!r}), SHAPES[{answer!r}], WHERE)",
        ]
    return "\n".join(lines) + "\n"
