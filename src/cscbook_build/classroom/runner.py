"""Runs one submitted notebook inside the grading sandbox and reports its answers.

This file is executed as a script (``python runner.py JOB_FILE RESULT_FD``) inside the
sandbox that :mod:`.sandbox` builds (the grader never imports it): it uses only the
standard library and IPython. It runs the notebook's code cells in order in an IPython
shell (as a kernel would, without one), with ``grader.check`` calls made harmless (the
sandbox has no checks: the grader holds them), then writes to ``RESULT_FD`` one JSON
message: which cells raised, what the answer variables hold (numbers, strings, lists and
dicts; JSON only, no pickle), and what it noticed of the notebook patching the check
code. The grader (:mod:`.grade`) compares the answers with its own copy of the checks,
outside the sandbox.

Nothing here is trusted: the notebook's code runs in this process and could change what
is reported. It cannot learn the expected values (they are not in the sandbox), so the
worst it can do is report the answers it could have computed anyway.
"""

from __future__ import annotations

import json
import math
import os
import sys
import types

MAX_ITEMS = 100_000
MAX_DEPTH = 20
MAX_TEXT = 10_000


def encode(value, depth: int = 0):
    """A JSON form of an answer: numbers, strings, booleans, None, lists and dicts (tagged)."""
    try:
        return _encode(value, depth)
    except Exception:  # noqa: BLE001 - the student's object may raise anything
        return _other(value)


def _encode(value, depth: int):
    if depth > MAX_DEPTH:
        return {"$": "other", "type": type(value).__name__, "repr": "(nested too deeply)"}
    if value is Ellipsis:
        return {"$": "ellipsis"}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value[:MAX_TEXT]
    if isinstance(value, int):
        return value if abs(value) < 2**63 else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$": "float", "value": repr(value)}
    if hasattr(value, "to_dict") and hasattr(value, "index") and not hasattr(value, "columns"):
        value = value.to_dict()  # a pandas Series (a DataFrame is reported as "other")
    elif hasattr(value, "tolist") and not isinstance(value, (list, tuple, dict)):
        try:  # NumPy arrays and scalars
            plain = value.tolist()
        except Exception:  # noqa: BLE001 - the student's object may raise anything
            return _other(value)
        return _other(value) if hasattr(plain, "tolist") else encode(plain, depth + 1)
    if isinstance(value, dict):
        items = list(value.items())[:MAX_ITEMS]
        return {"$": "dict", "items": [[str(k), encode(v, depth + 1)] for k, v in items]}
    if isinstance(value, (list, tuple)):
        return [encode(item, depth + 1) for item in list(value)[:MAX_ITEMS]]
    if isinstance(value, complex):
        return _other(value)
    try:
        import numbers

        if isinstance(value, numbers.Real):
            return encode(float(value), depth + 1)
    except Exception:  # noqa: BLE001 - the student's object may raise anything
        pass
    return _other(value)


def _other(value) -> dict:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001
        text = "?"
    return {"$": "other", "type": type(value).__name__, "repr": text[:200]}


class LimitedStream:
    """A text stream that passes on the first ``limit`` characters and drops the rest."""

    def __init__(self, fd: int, limit: int):
        self.fd, self.limit, self.written, self.dropped = fd, limit, 0, 0
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, text) -> int:
        text = str(text)
        room = self.limit - self.written
        if room > 0:
            part = text[:room]
            try:
                os.write(self.fd, part.encode("utf-8", "replace"))
            except OSError:
                pass
            self.written += len(part)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.fd

    @property
    def closed(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


class _Grader:
    """What ``Notebook(...)`` (the book's or otter's) gives while grading: ``check`` records the answers.

    As otter-grader does, an exercise's answers are taken when its ``grader.check`` cell
    runs (a later cell may reuse the name); ``check_all`` takes those not yet taken.
    Every other method does nothing.
    """

    def __init__(self, *args, **kwargs):
        pass

    def check(self, label=None, *args, **kwargs):
        _take(str(label), replace=True)

    def check_all(self, *args, **kwargs):
        for label in _JOB.get("checks", {}):
            _take(label, replace=False)

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


_JOB: dict = {}
_TAKEN: dict = {}
_NAMESPACE: dict = {}


def _take(label: str, replace: bool) -> None:
    names = _JOB.get("checks", {}).get(label)
    if names is None or (label in _TAKEN and not replace):
        return
    _TAKEN[label] = {name: encode(_NAMESPACE[name]) if name in _NAMESPACE else {"$": "missing"}
                     for name in names}


def stand_in_otter() -> types.ModuleType:
    module = types.ModuleType("otter")
    module.Notebook = _Grader
    module.__doc__ = "grading stand-in: the checks run outside the sandbox"
    sys.modules["otter"] = module
    return module


def stand_in_checks() -> None:
    """The same stand-in for ``cscbook.checks.Notebook``, the grader of the book's notebooks.

    (Notebooks from older zips set up ``otter.Notebook``: :func:`stand_in_otter`.)
    """
    try:
        import cscbook.checks as checks
    except Exception:  # no library beside the notebook: its own import fails the same way
        return
    checks.Notebook = _Grader


def patched_checks(otter_module, namespace: dict) -> list[str]:
    """Signs that the notebook replaced the check code (reported as tampering)."""
    found = []
    checks = sys.modules.get("cscbook.checks")
    if checks is not None:
        if not isinstance(checks, types.ModuleType):
            found.append("cscbook.checks was replaced")
        else:
            filename = getattr(checks, "__file__", None)
            for name, value in list(vars(checks).items()):
                code = getattr(value, "__code__", None)
                if callable(value) and code is not None and not name.startswith("__"):
                    own = getattr(value, "__module__", None) == "cscbook.checks"
                    if own and code.co_filename != filename:
                        found.append(f"cscbook.checks.{name} was replaced")
                    elif not own and name in {"answer_matches", "check", "to_expected", "_compare"}:
                        found.append(f"cscbook.checks.{name} was replaced")
    if sys.modules.get("otter") is not otter_module or otter_module.Notebook is not _Grader:
        found.append("the otter module was replaced")
    elif set(vars(_Grader)) - {"__init__", "__getattr__", "__module__", "__doc__", "__dict__",
                               "__weakref__", "__qualname__", "check", "check_all"} or \
            getattr(_Grader.check, "__code__", None) is not _CHECK_CODE:
        found.append("the grader's check methods were replaced")
    for value in list(namespace.values()):
        if isinstance(value, _Grader) and vars(value):
            found.append("the grader's check methods were replaced")
            break
    return found


_CHECK_CODE = _Grader.check.__code__


def main() -> None:
    job_path, result_fd = sys.argv[1], int(sys.argv[2])
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    _JOB.update(job)
    os.set_inheritable(result_fd, False)
    os.chdir(job["cwd"])
    sys.path[0] = job["cwd"]  # as in a kernel started in the notebook's folder
    sys.argv = ["notebook"]
    out, err = LimitedStream(1, job["max_output"]), LimitedStream(2, job["max_output"])
    sys.stdout, sys.stderr = out, err  # (one object for both is ten times slower)
    otter_module = stand_in_otter()
    stand_in_checks()

    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(colors="NoColor")
    shell.history_manager.enabled = False
    global _NAMESPACE
    _NAMESPACE = shell.user_ns
    errors = []
    for index, source in job["cells"]:
        result = shell.run_cell(source, store_history=False, silent=False)
        error = result.error_before_exec or result.error_in_exec
        if error is not None:
            errors.append([index, type(error).__name__])
        out.write("\n")
    namespace = shell.user_ns
    for label in job["checks"]:  # exercises whose check cell never ran: the final values
        _take(label, replace=False)
    answers = {label: _TAKEN[label] for label in job["checks"]}
    report = {"errors": errors, "answers": answers, "tampering": patched_checks(otter_module, namespace),
              "output_dropped": out.dropped + err.dropped}
    data = json.dumps(report).encode("utf-8")
    while data:
        data = data[os.write(result_fd, data):]
    os.close(result_fd)
    os._exit(0)  # no atexit handlers of the notebook's


if __name__ == "__main__":
    main()
