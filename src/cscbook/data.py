"""Load the book's datasets and check them against ``data/datapackage.json``.

Every chapter reads its data through :func:`load`. The descriptor (a Frictionless
Data Package) says, for each CSV file, which columns it has, their types and the
values they may take. :func:`load` checks the file against that description and
stops with a :class:`DataValidationError` that names the file, the column and the
row when something is wrong, so a damaged file can never reach a figure silently.
"""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = [
    "DataValidationError",
    "data_dir",
    "datapackage",
    "load",
    "resource",
    "validate_frame",
]

DESCRIPTOR = "datapackage.json"
MISSING = ("",)
TRUE_VALUES = {"true", "True", "TRUE", "1", "yes"}
FALSE_VALUES = {"false", "False", "FALSE", "0", "no"}


class DataValidationError(ValueError):
    """A dataset does not match its description in ``datapackage.json``."""


def data_dir() -> Path:
    """Return the folder that holds ``datapackage.json``.

    The search order lets the same notebook run in the repository, in a student's
    unpacked assignment folder and in a test's temporary copy:

    1. the environment variable ``CSCBOOK_DATA``;
    2. ``./data`` or ``.`` in the working directory, then the same in each parent;
    3. the ``data`` folder of the repository this package was installed from.
    """
    env = os.environ.get("CSCBOOK_DATA")
    if env:
        path = Path(env).expanduser().resolve()
        if not (path / DESCRIPTOR).is_file():
            raise DataValidationError(
                f"CSCBOOK_DATA={env!r} does not contain {DESCRIPTOR}"
            )
        return path
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        for candidate in (folder / "data", folder):
            if (candidate / DESCRIPTOR).is_file():
                return candidate
    repo_data = Path(__file__).resolve().parents[2] / "data"
    if (repo_data / DESCRIPTOR).is_file():
        return repo_data
    raise DataValidationError(
        f"cannot find {DESCRIPTOR}: set CSCBOOK_DATA or run from the book's folder"
    )


@lru_cache(maxsize=8)
def _read_descriptor(path: str, mtime_ns: int) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as err:
        raise DataValidationError(
            f"{path}: not valid JSON (line {err.lineno}, column {err.colno}): {err.msg}"
        ) from None


def datapackage(folder: Path | None = None) -> dict:
    """Return the parsed data package descriptor."""
    folder = Path(folder) if folder is not None else data_dir()
    path = folder / DESCRIPTOR
    if not path.is_file():
        raise DataValidationError(f"{path}: file not found")
    return _read_descriptor(str(path), path.stat().st_mtime_ns)


def resource(name: str, folder: Path | None = None) -> dict:
    """Return the descriptor entry of the dataset called ``name``."""
    package = datapackage(folder)
    for entry in package.get("resources", []):
        if entry.get("name") == name:
            return entry
    known = ", ".join(sorted(r.get("name", "?") for r in package.get("resources", [])))
    raise DataValidationError(f"no dataset named {name!r} in {DESCRIPTOR}; known: {known}")


def load(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Read the dataset ``name`` and return it as a checked DataFrame.

    Columns get the types the descriptor gives (``integer`` columns become
    ``int64``, or nullable ``Int64`` when values may be missing), and every
    constraint (required, minimum, maximum, enum, unique) is checked. The
    DataFrame's ``attrs`` carry the resource's title, provenance and sources.
    """
    folder = Path(folder) if folder is not None else data_dir()
    entry = resource(name, folder)
    path = folder / entry["path"]
    if not path.is_file():
        raise DataValidationError(f"{path}: file not found (dataset {name!r})")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    frame = validate_frame(raw, entry["schema"], label=str(path))
    frame.attrs.update(
        name=name,
        title=entry.get("title", name),
        provenance=entry.get("provenance"),
        sources=entry.get("sources", []),
    )
    return frame


def _where(label: str, column: str, index: int) -> str:
    # Row numbers count data rows from 1; the file line adds the header line.
    return f"{label}, column {column!r}, row {index + 1} (line {index + 2})"


def _convert(value: str, kind: str):
    if kind == "integer":
        number = int(value)
        return number
    if kind == "number":
        number = float(value)
        if math.isnan(number):
            raise ValueError("NaN")
        return number
    if kind == "boolean":
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
        raise ValueError(value)
    if kind == "string":
        return value
    raise DataValidationError(f"unsupported field type {kind!r}")


def validate_frame(raw: pd.DataFrame, schema: dict, label: str = "data") -> pd.DataFrame:
    """Check a table of strings against a Table Schema and return typed columns.

    ``label`` names the file in error messages.
    """
    fields = schema.get("fields", [])
    expected = [field["name"] for field in fields]
    present = list(raw.columns)
    missing = [name for name in expected if name not in present]
    if missing:
        raise DataValidationError(f"{label}: missing column(s) {missing}")
    extra = [name for name in present if name not in expected]
    if extra:
        raise DataValidationError(f"{label}: unexpected column(s) {extra}")
    if len(raw) == 0:
        raise DataValidationError(f"{label}: no data rows")

    typed = {}
    for field in fields:
        name, kind = field["name"], field.get("type", "string")
        rules = field.get("constraints", {})
        values = []
        for index, text in enumerate(raw[name].tolist()):
            text = text.strip()
            if text in MISSING:
                if rules.get("required"):
                    raise DataValidationError(
                        f"{_where(label, name, index)}: value is required but missing"
                    )
                values.append(None)
                continue
            try:
                value = _convert(text, kind)
            except (ValueError, OverflowError):
                raise DataValidationError(
                    f"{_where(label, name, index)}: {text!r} is not of type {kind}"
                ) from None
            if "enum" in rules and value not in rules["enum"]:
                raise DataValidationError(
                    f"{_where(label, name, index)}: {text!r} is not one of {rules['enum']}"
                )
            if "minimum" in rules and value < rules["minimum"]:
                raise DataValidationError(
                    f"{_where(label, name, index)}: {text} is below the minimum {rules['minimum']}"
                )
            if "maximum" in rules and value > rules["maximum"]:
                raise DataValidationError(
                    f"{_where(label, name, index)}: {text} is above the maximum {rules['maximum']}"
                )
            values.append(value)
        if rules.get("unique"):
            seen: dict = {}
            for index, value in enumerate(values):
                if value is None:
                    continue
                if value in seen:
                    raise DataValidationError(
                        f"{_where(label, name, index)}: {value!r} repeats row {seen[value] + 1}"
                        " but the column must be unique"
                    )
                seen[value] = index
        typed[name] = _as_series(values, kind)
    frame = pd.DataFrame(typed, columns=expected)
    _check_not_greater_than(frame, fields, label)
    _check_primary_key(frame, schema, label)
    return frame


def _check_not_greater_than(frame: pd.DataFrame, fields: list, label: str) -> None:
    """Book extension: ``"notGreaterThan": "other_column"`` bounds a count by another."""
    for field in fields:
        other = field.get("constraints", {}).get("notGreaterThan")
        if not other:
            continue
        if other not in frame.columns:
            raise DataValidationError(
                f"{label}: column {field['name']!r} is bounded by unknown column {other!r}"
            )
        too_big = (frame[field["name"]] > frame[other]).fillna(False).to_numpy()
        if too_big.any():
            index = int(too_big.nonzero()[0][0])
            raise DataValidationError(
                f"{_where(label, field['name'], index)}: {frame[field['name']].iloc[index]} "
                f"is greater than {other} ({frame[other].iloc[index]})"
            )


def _as_series(values: list, kind: str) -> pd.Series:
    has_missing = any(value is None for value in values)
    if kind == "integer":
        return pd.Series(values, dtype="Int64" if has_missing else "int64")
    if kind == "number":
        return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    if kind == "boolean":
        return pd.Series(values, dtype="boolean" if has_missing else "bool")
    return pd.Series(values, dtype="object" if has_missing else "str")


def _check_primary_key(frame: pd.DataFrame, schema: dict, label: str) -> None:
    key = schema.get("primaryKey")
    if not key:
        return
    key = [key] if isinstance(key, str) else list(key)
    duplicated = frame.duplicated(subset=key, keep="first")
    if duplicated.any():
        index = int(duplicated.to_numpy().nonzero()[0][0])
        raise DataValidationError(
            f"{_where(label, ', '.join(key), index)}: primary key repeats an earlier row"
        )
