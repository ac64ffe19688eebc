"""The loader returns checked tables and rejects damaged files with a precise message."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from cscbook import DataValidationError, load, resource
from cscbook.data import datapackage

from .conftest import DATA


def test_every_dataset_loads_with_the_declared_columns_and_types(descriptor):
    for entry in descriptor["resources"]:
        frame = load(entry["name"])
        fields = entry["schema"]["fields"]
        assert list(frame.columns) == [f["name"] for f in fields], entry["name"]
        assert len(frame) > 0
        for field in fields:
            column = frame[field["name"]]
            if field["type"] == "integer":
                assert pd.api.types.is_integer_dtype(column), (entry["name"], field["name"])
            elif field["type"] == "number":
                assert pd.api.types.is_float_dtype(column), (entry["name"], field["name"])
        assert frame.attrs["provenance"] == entry["provenance"]


@pytest.fixture()
def damaged(tmp_path, monkeypatch):
    """A private copy of data/ that a test may break; the real data/ is never touched."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv("CSCBOOK_DATA", str(copy))
    return copy


def rewrite(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_file_is_named(damaged):
    (damaged / "elda_example.csv").unlink()
    with pytest.raises(DataValidationError, match=r"elda_example\.csv: file not found"):
        load("elda_example")


def test_unknown_dataset_lists_the_known_ones(damaged):
    with pytest.raises(DataValidationError, match="no dataset named 'elda'.*elda_example"):
        load("elda")


def test_missing_column_is_named(damaged):
    rewrite(damaged / "elda_example.csv", "cells_per_well,wells_tested,", "cells_per_well,")
    path = damaged / "elda_example.csv"
    # drop the second column from every row too, so only the header tells
    rows = [line.split(",") for line in path.read_text().splitlines()]
    path.write_text("\n".join(",".join([r[0], r[-1]]) for r in rows) + "\n")
    with pytest.raises(DataValidationError, match=r"elda_example\.csv: missing column.*wells_tested"):
        load("elda_example")


def test_extra_column_is_named(damaged):
    path = damaged / "elda_example.csv"
    lines = path.read_text().splitlines()
    lines = [lines[0] + ",comment"] + [line + ",x" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError, match=r"unexpected column.*comment"):
        load("elda_example")


def test_wrong_type_names_file_column_and_row(damaged):
    rewrite(damaged / "elda_example.csv", "200,24,9", "200,24,nine")
    with pytest.raises(DataValidationError) as err:
        load("elda_example")
    message = str(err.value)
    assert "elda_example.csv" in message
    assert "'wells_positive'" in message
    assert "row 3 (line 4)" in message
    assert "'nine' is not of type integer" in message


def test_value_below_minimum_is_rejected(damaged):
    rewrite(damaged / "elda_example.csv", "50,24,2", "-50,24,2")
    with pytest.raises(DataValidationError, match=r"'cells_per_well', row 1 .*below the minimum 1"):
        load("elda_example")


def test_count_larger_than_its_total_is_rejected(damaged):
    rewrite(damaged / "elda_example.csv", "800,24,21", "800,24,25")
    with pytest.raises(DataValidationError, match=r"'wells_positive', row 5 .*greater than wells_tested"):
        load("elda_example")


def test_unknown_category_is_rejected(damaged):
    rewrite(damaged / "dalerba2007_xenografts.csv", "CD44-/CD166-,", "CD44low/CD166-,")
    with pytest.raises(DataValidationError, match=r"'population', row 20 .*'CD44low/CD166-' is not one of"):
        load("dalerba2007_xenografts")


def test_missing_required_value_is_rejected(damaged):
    rewrite(damaged / "dalerba2007_xenografts.csv", "CD44+,14000,5,2,", "CD44+,14000,,2,")
    with pytest.raises(DataValidationError, match=r"'injections', row 1 .*required but missing"):
        load("dalerba2007_xenografts")


def test_optional_value_may_be_missing(descriptor):
    frame = load("dalerba2007_xenografts")
    assert frame["note"].isna().sum() == len(frame) - 1


def test_repeated_unique_value_is_rejected(damaged):
    rewrite(damaged / "elda_example.csv", "100,24,6", "50,24,6")
    with pytest.raises(DataValidationError, match=r"'cells_per_well', row 2 .*repeats row 1"):
        load("elda_example")


def test_broken_descriptor_is_reported(damaged):
    path = damaged / "datapackage.json"
    path.write_text(path.read_text()[:-10], encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"datapackage\.json: not valid JSON"):
        load("elda_example")


def test_resource_returns_the_descriptor_entry():
    entry = resource("elda_example")
    assert entry["path"] == "elda_example.csv"
    assert datapackage()["name"] == "cscbook-data"


def test_descriptor_is_complete(descriptor):
    """Every dataset says what it is, where it comes from and whether it is simulated."""
    assert descriptor["licenses"]
    names = set()
    for entry in descriptor["resources"]:
        name = entry["name"]
        assert name not in names, f"duplicate resource name {name}"
        names.add(name)
        for key in ("path", "title", "description", "schema", "sources", "licenses"):
            assert entry.get(key), f"{name}: {key} is missing"
        assert entry["provenance"] in ("published", "simulated"), name
        for source in entry["sources"]:
            assert source.get("title") and source.get("location"), f"{name}: source incomplete"
            unverified = re.search(r"No DOI|DOI could not be verified", source["location"])
            assert source.get("path", "").startswith(
                ("https://doi.org/10.", "https://pubmed.ncbi.nlm.nih.gov/", "https://pmc.ncbi.nlm.nih.gov/",
                 "https://ashpublications.org/")
            ) or (unverified and source.get("path", "").startswith("https://")), (
                f"{name}: source without a DOI or PubMed link (and no word on why)")
            if not source["path"].startswith(("https://doi.org/", "https://pmc.", "https://pubmed.")):
                assert unverified, f"{name}: a page instead of a DOI must say why"
            assert "?term=" not in source["path"], f"{name}: a search is not a source"
        for field in entry["schema"]["fields"]:
            assert field.get("type") in ("string", "integer", "number", "boolean"), (name, field)
            assert field.get("description"), f"{name}.{field['name']}: no description"
            assert "required" in field.get("constraints", {}), f"{name}.{field['name']}"
        if entry["provenance"] == "simulated":
            assert entry["description"].startswith("Simulated"), name
            assert (DATA / entry["generator"]).is_file(), f"{name}: generator missing"


def test_every_csv_file_is_described(descriptor):
    described = {entry["path"] for entry in descriptor["resources"]}
    on_disk = {path.relative_to(DATA).as_posix() for path in DATA.rglob("*.csv")}
    assert on_disk == described


def test_descriptor_file_is_valid_json_with_two_space_indent():
    text = (DATA / "datapackage.json").read_text(encoding="utf-8")
    assert json.loads(text)
    assert text.startswith('{\n  "')
