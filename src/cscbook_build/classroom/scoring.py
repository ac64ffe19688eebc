"""Scoring a submission outside its sandbox, and what shows that it tampered with the checks.

:func:`score_answers` compares the answer values the sandboxed notebook reported (see
:mod:`.runner`, which encodes them as JSON; :func:`decode` reads them back) with the
instructor's checks, using the grader's own :func:`cscbook.checks.answer_matches`.
:func:`suspicious_code` (reading the notebook's code) and :func:`changed_files`
(comparing its folder after the run with the files it was given) find attempts to patch
the check code or rewrite the check files; :mod:`.runner` reports what it sees while
the notebook runs. None of them can raise a score: they only report. :func:`slip` names
a common slip in a wrong answer (a percentage for a fraction, a unit off by 1000, 1/x, the
sign) for the feedback file; the student's public checks can only guess it from the
order of magnitude (see :mod:`.public`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path


def one_line(text, limit: int = 300) -> str:
    """Text for a CSV cell: no newlines, no control characters, not too long."""
    text = " ".join(str(text).split())
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


PATCHING = re.compile(r"""(?x)
    \bcscbook\s*\.\s*checks\s*\.\s*\w+\s*=(?!=)       # cscbook.checks.answer_matches = ...
  | \bchecks\s*\.\s*(?:answer_matches|check|to_expected|_compare|_as_plain|_describe|DEFAULT_RTOL)\s*=(?!=)
  | \banswer_matches\s*=(?!=)
  | \bgrader\s*\.\s*\w+\s*=(?!=)                      # grader.check = ...
  | \botter\s*\.\s*[\w.]+\s*=(?!=)
  | \bsetattr\s*\(\s*(?:cscbook|checks|otter|grader|Notebook)\b
  | \bsys\s*\.\s*modules\s*\[\s*['"](?:cscbook|otter)
""")
TESTS_PATH = re.compile(r"""['"/](?:\./)?tests(?:/|['"])""")
WRITING = re.compile(r"""open\s*\([^)]*['"][wax+]|write_text|write_bytes|unlink|rmtree|\bremove\(|
                         shutil\.(?:copy|move)|\brename\(|\breplace\(|rmdir""", re.VERBOSE)



MISSING = object()


class Opaque:
    """An answer the runner could not send as data (a DataFrame, a function, ...)."""

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return self.text


def decode(value):
    """The Python value of an answer sent by :func:`.runner.encode`."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        kind = value.get("$")
        if kind == "ellipsis":
            return Ellipsis
        if kind == "missing":
            return MISSING
        if kind == "float":
            return float(value.get("value", "nan"))
        if kind == "dict":
            return {str(k): decode(v) for k, v in value.get("items", [])}
        return Opaque(str(value.get("type", "?")), str(value.get("repr", "?")))
    return value


SLIPS = (
    (lambda x: x / 100, "about 100 times the expected value: a percentage where a fraction (0 to 1) is asked?"),
    (lambda x: x * 100, "about 1/100 of the expected value: a fraction where a percentage is asked?"),
    (lambda x: x / 1000, "about 1000 times the expected value: check the units (nM for µM, mg for g, ms for s)"),
    (lambda x: x * 1000, "about 1/1000 of the expected value: check the units (µM for nM, g for mg, s for ms)"),
    (lambda x: 1 / x, "the reciprocal (1/x) of the expected value: check which way round the ratio goes"),
    (lambda x: -x, "the expected value with the wrong sign"),
)


def _map_numbers(value, transform):
    if isinstance(value, bool) or not isinstance(value, (int, float, list, dict)):
        return value
    if isinstance(value, list):
        return [_map_numbers(item, transform) for item in value]
    if isinstance(value, dict):
        return {key: _map_numbers(item, transform) for key, item in value.items()}
    return transform(float(value))


def slip(got, expected, rtol: float, atol: float) -> str:
    """The common slip that turns ``expected`` into ``got`` (within tolerance), or ''."""
    from cscbook.checks import answer_matches

    for transform, text in SLIPS:
        try:
            changed = _map_numbers(got, transform)
            if changed == got:
                continue
            answer_matches("answer", changed, expected, rtol=rtol, atol=atol)
        except (AssertionError, ArithmeticError, TypeError, ValueError):
            continue
        return f"It is {text}"
    return ""


@dataclass
class CheckResult:
    label: str
    points: float
    score: float
    messages: list[str] = field(default_factory=list)
    hint: str = ""


def score_answers(checks: dict, answers: dict) -> list[CheckResult]:
    """Each check's score (points shared equally among its answers) and messages.

    ``answers`` maps each check's label to its answers' values as the runner sent them.
    """
    from cscbook.checks import answer_matches  # the grader's own copy

    results = []
    for label, check in checks.items():
        points = float(check.get("points") or 1)
        passed, messages = 0, []
        sent = answers.get(label) if isinstance(answers.get(label), dict) else {}
        for name, expected in check["answers"].items():
            got = decode(sent.get(name, {"$": "missing"}))
            if got is MISSING:
                messages.append(f"{name} is not defined: the notebook never set it (run every cell, "
                                "and keep the variable's name)")
                continue
            rtol, atol = float(check.get("rtol") or 0), float(check.get("atol") or 0)
            try:
                answer_matches(name, got, expected, rtol=rtol, atol=atol, hint=check.get("hint") or "")
            except AssertionError as wrong:
                text, found = str(wrong), slip(got, expected, rtol, atol)
                if found:  # before the hint
                    head, sep, tail = text.partition(" Hint: ")
                    text = f"{head} {found}.{sep}{tail}"
                messages.append(one_line(text, 700))
            except Exception as error:  # noqa: BLE001 - an odd value is a wrong answer, not a crash
                messages.append(f"{name} could not be checked ({type(error).__name__})")
            else:
                passed += 1
        score = points * passed / len(check["answers"]) if check["answers"] else 0.0
        results.append(CheckResult(label, points, round(score, 4), messages, check.get("hint") or ""))
    return results


def suspicious_code(cells: list[tuple[int, str]]) -> list[str]:
    """Code that patches the checks or writes to ``tests/`` (found by reading it)."""
    found = []
    for index, source in cells:
        if PATCHING.search(source):
            found.append(f"cell {index + 1} reassigns check code ({one_line(PATCHING.search(source)[0], 60)})")
        if TESTS_PATH.search(source) and WRITING.search(source):
            found.append(f"cell {index + 1} writes to or deletes tests/")
    return found


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def changed_files(work: Path, before: dict[str, str]) -> list[str]:
    """Files of ``cscbook/`` changed or deleted, and anything written under ``tests/``."""
    found = []
    for relative, digest in before.items():
        if not relative.startswith("cscbook/") or "__pycache__" in relative:
            continue
        path = work / relative
        if not path.is_file() or path.is_symlink():
            found.append(f"{relative} deleted")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            found.append(f"{relative} changed")
    tests = work / "tests"
    if tests.exists() or tests.is_symlink():
        found.append("wrote tests/")
    return found
