"""Chapter 13: the capstone model is anchored to its published numbers and behaves as told."""

from __future__ import annotations

import numpy as np
import pytest

from cscbook import load

from .conftest import ROOT, glued_number

CH13 = "book/part3/13-capstone-relapse-combinations"


@pytest.fixture(scope="module")
def parameters():
    table = load("capstone_parameters")
    return table, dict(zip(table["parameter"], table["value"], strict=True))


def test_published_parameters_are_the_published_values(parameters):
    table, values = parameters
    # Zhou et al. 2008: side population 3.8% before and 10.7% after 3 days of gemcitabine
    assert (values["sp_fraction_before"], values["sp_fraction_after"]) == (0.038, 0.107)
    assert values["exposure_days"] == 3
    # Gupta et al. 2009: salinomycin lowered the CSC proportion more than 100-fold
    assert values["targeted_selectivity"] == 100
    assert set(table.loc[table["basis"] == "published", "parameter"]) == {
        "sp_fraction_before", "sp_fraction_after", "exposure_days", "targeted_selectivity"}


def test_every_row_says_where_its_value_comes_from(parameters):
    table, _ = parameters
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    for row in table.itertuples():
        if row.basis == "published":
            assert row.source and f"{{{row.source}," in bib, row.parameter
        else:
            assert row.source is None, f"{row.parameter}: illustrative value with a source"


def test_chapter_derives_the_kill_difference_from_zhou_2008():
    published_odds_ratio = (0.107 / 0.893) / (0.038 / 0.962)
    assert glued_number(CH13, "cap_published_or") == pytest.approx(published_odds_ratio)
    assert glued_number(CH13, "cap_kill_difference") == pytest.approx(
        np.log(published_odds_ratio) / 3)
    # solving the model over the same 3 days roughly reproduces the published enrichment
    assert glued_number(CH13, "cap_model_or") == pytest.approx(published_odds_ratio, rel=0.15)


def test_untreated_growth_is_the_dominant_eigenvalue(parameters):
    _, p = parameters
    matrix = np.array([
        [p["csc_symmetric_fraction"] * p["csc_division_rate"] - p["csc_death_rate"],
         p["plasticity_rate"]],
        [(1 - p["csc_symmetric_fraction"]) * p["csc_division_rate"],
         p["bulk_division_rate"] - p["bulk_death_rate"] - p["plasticity_rate"]],
    ])
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    dominant = np.argmax(eigenvalues.real)
    mixture = np.abs(eigenvectors[:, dominant].real)
    assert glued_number(CH13, "cap_growth_rate") == pytest.approx(eigenvalues[dominant].real)
    assert glued_number(CH13, "cap_csc_fraction") == pytest.approx(mixture[0] / mixture.sum())


def test_model_tells_the_story_of_the_chapter():
    # chemotherapy alone enriches CSCs, as the published before/after data did ...
    assert glued_number(CH13, "cap_csc_fraction_end_chemo") > glued_number(CH13, "cap_csc_fraction")
    # ... and relapse comes later when a CSC-targeted drug is added
    assert glued_number(CH13, "cap_relapse_combo") > glued_number(CH13, "cap_relapse_chemo")
    assert glued_number(CH13, "cap_nadir_combo") < glued_number(CH13, "cap_nadir_chemo")
    # with any plasticity every scenario of the sweep relapses within follow-up
    horizon_months = glued_number(CH13, "cap_horizon_years") * 12
    assert glued_number(CH13, "cap_best_with_plasticity") < horizon_months
    assert 0 < glued_number(CH13, "cap_n_no_relapse") < glued_number(CH13, "cap_n_scenarios")
