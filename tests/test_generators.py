"""Simulated datasets are reproducible: `make data` writes the same bytes as the repository holds."""

from __future__ import annotations

import pytest

from .conftest import DATA, load_generator

SIMULATED = [
    entry
    for entry in __import__("json").loads((DATA / "datapackage.json").read_text())["resources"]
    if entry["provenance"] == "simulated"
]


@pytest.mark.parametrize("entry", SIMULATED, ids=[e["name"] for e in SIMULATED])
def test_generator_reproduces_the_committed_file_byte_for_byte(entry, tmp_path):
    script = DATA / entry["generator"]
    module = load_generator(script.name)
    written = module.main(tmp_path)
    assert written.name == entry["path"]
    assert written.read_bytes() == (DATA / entry["path"]).read_bytes(), (
        f"{script.name} no longer reproduces data/{entry['path']}"
    )


@pytest.mark.parametrize("entry", SIMULATED, ids=[e["name"] for e in SIMULATED])
def test_generator_names_its_published_anchor(entry):
    text = (DATA / entry["generator"]).read_text(encoding="utf-8")
    docstring = text.split('"""')[1]
    assert "doi:" in docstring.lower() or "doi.org" in docstring.lower()
    assert "simulat" in docstring.lower()
    assert "default_rng(" in text or "SEED" in text
