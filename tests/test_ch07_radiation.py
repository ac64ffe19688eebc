"""Chapter 7: published study rows, and LQ estimates that recover the published parameters."""

from __future__ import annotations

import numpy as np
import pytest

from cscbook import load

from .conftest import glued_number

CH7 = "book/part2/07-quiescence-dna-repair-radiation"

# alpha (per Gy) and beta (per Gy^2) for MCF-7 cancer stem cells and other tumour cells,
# as reported by Qi et al. (AAPM 2014 abstract of the study published in Radiother Oncol
# 2017, doi:10.1016/j.radonc.2017.08.019); the simulated dishes were drawn from them.
PUBLISHED = {"csc": (0.04, 0.02), "bulk": (0.10, 0.08)}


def test_ch7_study_table_records_the_published_disagreement():
    studies = load("csc_radiation_studies").set_index("study")
    # McCord et al. 2009 (abstract): each of six CD133+ cultures was more radiosensitive than
    # established glioma lines; Bao et al. 2006 (title): glioma stem cells promote radioresistance.
    assert studies.loc["McCord et al.", "finding"] == "CSC-like more sensitive"
    assert studies.loc["McCord et al.", "comparison_cells"] == "established glioma cell lines"
    assert studies.loc["Bao et al.", "finding"] == "CSC-like more resistant"
    assert studies.loc["Kim et al.", "finding"] == "CSC-like more sensitive"
    assert studies["doi"].str.startswith("10.").all()


def test_ch7_glued_study_counts_match_the_table():
    studies = load("csc_radiation_studies")
    assert glued_number(CH7, "rad_n_studies") == len(studies)
    assert glued_number(CH7, "rad_n_resistant") + glued_number(CH7, "rad_n_sensitive") == len(studies)
    assert glued_number(CH7, "rad_n_sensitive") == (studies["finding"] == "CSC-like more sensitive").sum()


@pytest.mark.parametrize("population", ["csc", "bulk"])
def test_ch7_lq_fit_recovers_the_published_parameters_within_three_standard_errors(population):
    alpha, beta = PUBLISHED[population]
    fitted_alpha = glued_number(CH7, f"rad_alpha_{population}")
    fitted_beta = glued_number(CH7, f"rad_beta_{population}")
    assert abs(fitted_alpha - alpha) < 3 * glued_number(CH7, f"rad_se_alpha_{population}")
    assert abs(fitted_beta - beta) < 3 * glued_number(CH7, f"rad_se_beta_{population}")


def test_ch7_derived_quantities_are_consistent_with_the_fitted_parameters():
    for population in ("csc", "bulk"):
        alpha = glued_number(CH7, f"rad_alpha_{population}")
        beta = glued_number(CH7, f"rad_beta_{population}")
        sf2 = np.exp(-2 * alpha - 4 * beta)
        assert glued_number(CH7, f"rad_sf2_{population}") == pytest.approx(sf2, rel=1e-6)
        d10 = glued_number(CH7, f"rad_d10_{population}")
        assert np.exp(-alpha * d10 - beta * d10**2) == pytest.approx(0.1, rel=1e-6)
    # the published CSC parameters imply better survival per 2 Gy fraction than the tumour cells'
    assert glued_number(CH7, "rad_sf2_csc") > glued_number(CH7, "rad_sf2_bulk")
    ratio = glued_number(CH7, "rad_sf2_csc") / glued_number(CH7, "rad_sf2_bulk")
    assert glued_number(CH7, "rad_enrichment_30") == pytest.approx(ratio**30, rel=1e-6)
