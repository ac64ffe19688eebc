"""Chapter 13: the capstone model takes its published numbers from published datasets,
labels everything else as an assumption, and behaves as the chapter says."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cscbook import load, resource
from cscbook_build.book import datasets_used

from .conftest import ROOT, glued_number

CH13 = "book/part3/13-capstone-relapse-combinations"
SOURCE = (ROOT / f"{CH13}.md").read_text(encoding="utf-8")
CODE_CELL = re.compile(r"```\{code-cell\} ipython3\n(.*?)```", re.DOTALL)


@pytest.fixture(scope="module")
def assumptions() -> pd.DataFrame:
    """The table of assumptions exactly as the chapter builds and shows it."""
    cells = [cell for cell in CODE_CELL.findall(SOURCE) if "assumptions = pd.DataFrame(" in cell]
    assert len(cells) == 1, "the chapter builds its table of assumptions in one code cell"
    namespace = {"pd": pd}
    exec(cells[0], namespace)
    return namespace["assumptions"]


@pytest.fixture(scope="module")
def zhou_means() -> pd.Series:
    summary = load("zhou2008_sp_summary")
    means = summary[(summary["quantity"] == "sp_fraction") & (summary["statistic"] == "mean")]
    return means.set_index("condition")["value"]


def test_chapter_reads_only_published_datasets():
    assert datasets_used(SOURCE) == ["zhou2008_sp_summary", "gupta2009_salinomycin_selectivity"]
    for name in datasets_used(SOURCE):
        assert resource(name)["provenance"] == "published", name


def test_published_anchors_are_the_published_values(zhou_means):
    # Zhou et al. 2008: side population 3.8% in control culture, 10.7% after 3 days of gemcitabine
    assert (zhou_means["control"], zhou_means["gemcitabine_3d"]) == (3.8, 10.7)
    # Gupta et al. 2009: salinomycin lowered the CSC proportion more than 100-fold vs paclitaxel
    selectivity = load("gupta2009_salinomycin_selectivity")
    assert len(selectivity) == 1
    row = selectivity.iloc[0]
    assert (row["compound"], row["comparator"]) == ("salinomycin", "paclitaxel")
    assert row["fold_reduction"] == 100 and row["bound"] == "lower"
    sources = resource("gupta2009_salinomycin_selectivity")["sources"]
    assert [s["path"] for s in sources] == ["https://doi.org/10.1016/j.cell.2009.06.034"]


def test_assumptions_are_labelled_and_separate_from_the_anchors(assumptions):
    anchors = {"sp_fraction_before", "sp_fraction_after", "exposure_days", "targeted_selectivity"}
    assert list(assumptions.columns) == ["parameter", "value", "unit", "meaning"]
    assert assumptions["parameter"].is_unique
    assert not anchors & set(assumptions["parameter"]), "a published value among the assumptions"
    assert (assumptions["value"] >= 0).all()
    assert assumptions["unit"].str.len().gt(0).all() and assumptions["meaning"].str.len().gt(0).all()
    # the reader is told how many values are published and how many are chosen
    assert glued_number(CH13, "cap_n_published") == len(anchors)
    assert glued_number(CH13, "cap_n_illustrative") == len(assumptions)
    assert glued_number(CH13, "cap_n_parameters") == len(anchors) + len(assumptions)
    # ... and that the chosen ones are not measurements
    assert "Assumptions, not measurements" in SOURCE
    assert "chosen for teaching" in SOURCE


def test_chapter_derives_the_kill_difference_from_zhou_2008(zhou_means):
    before, after = zhou_means["control"] / 100, zhou_means["gemcitabine_3d"] / 100
    published_odds_ratio = (after / (1 - after)) / (before / (1 - before))
    assert glued_number(CH13, "cap_published_or") == pytest.approx(published_odds_ratio)
    assert glued_number(CH13, "cap_kill_difference") == pytest.approx(
        np.log(published_odds_ratio) / 3)
    assert glued_number(CH13, "cap_chemo_csc_kill") == pytest.approx(
        glued_number(CH13, "cap_chemo_bulk_kill") - glued_number(CH13, "cap_kill_difference"))
    # solving the model over the same 3 days roughly reproduces the published enrichment
    assert glued_number(CH13, "cap_model_or") == pytest.approx(published_odds_ratio, rel=0.15)


def test_untreated_growth_is_the_dominant_eigenvalue(assumptions):
    p = dict(zip(assumptions["parameter"], assumptions["value"], strict=True))
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
    # stronger chemotherapy delays relapse after chemotherapy alone
    assert glued_number(CH13, "cap_alone_high") > glued_number(CH13, "cap_alone_low")
