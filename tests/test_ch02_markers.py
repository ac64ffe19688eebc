"""Chapter 2 (markers and heterogeneity): the published rows and the numbers a reader sees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cscbook import load

from .conftest import ROOT, glued_number, load_generator

CH2 = "book/part1/02-markers-heterogeneity"


def test_published_cohort_counts_are_as_printed_in_the_abstracts():
    cohorts = load("marker_positive_tumours").set_index("source")
    # Hirschmann-Jax et al. 2004: side population in 15 of 23 neuroblastomas (65%).
    assert cohorts.loc["Hirschmann-Jax et al. 2004", ["positive_tumours", "tumours"]].tolist() == [15, 23]
    # Tan et al. 2013: ALDH1 in 35 of 141 tumours (25%).
    assert cohorts.loc["Tan et al. 2013", ["positive_tumours", "tumours"]].tolist() == [35, 141]
    # Honeth et al. 2008 print only "31% of 240 tumours": no count may be invented.
    assert cohorts.loc["Honeth et al. 2008", "tumours"] == 240
    assert pd.isna(cohorts.loc["Honeth et al. 2008", "positive_tumours"])
    assert cohorts.loc["Honeth et al. 2008", "reported_percent"] == 31
    # Where a count is published, the printed percentage is that count, rounded.
    known = cohorts.dropna(subset=["positive_tumours"])
    recomputed = (100 * known["positive_tumours"] / known["tumours"]).round()
    assert (recomputed == known["reported_percent"]).all()


def test_kase_summary_statistics_are_the_published_ones():
    kase = load("kase2013_cd133_glioblastoma").set_index(["quantity", "group"])
    # Kase et al. 2013, abstract: 42 patients; CD133+ cells 0.5-82%, mean 33 +/- 24%, median 28%;
    # median survival 9.0 (7.6-10.5) months below the median, 12.0 (9.3-14.7) at or above it.
    assert kase.loc[("patients", "all"), "estimate"] == 42
    assert kase.loc[("cd133_percent_minimum", "all"), "estimate"] == 0.5
    assert kase.loc[("cd133_percent_maximum", "all"), "estimate"] == 82
    assert kase.loc[("cd133_percent_median", "all"), "estimate"] == 28
    low = kase.loc[("median_survival", "low CD133 (below median)")]
    high = kase.loc[("median_survival", "high CD133 (median or above)")]
    assert (low["estimate"], low["ci_low"], low["ci_high"]) == (9.0, 7.6, 10.5)
    assert (high["estimate"], high["ci_low"], high["ci_high"]) == (12.0, 9.3, 14.7)


def test_reported_wilson_intervals_match_an_independent_implementation():
    # counts from the abstracts of Tan et al. 2013 (35/141) and Hirschmann-Jax et al. 2004 (15/23)
    for key, k, n in [("aldh1", 35, 141), ("sp", 15, 23)]:
        low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert glued_number(CH2, f"mk_{key}_wilson_low") == pytest.approx(low, abs=1e-4)
        assert glued_number(CH2, f"mk_{key}_wilson_high") == pytest.approx(high, abs=1e-4)
        assert glued_number(CH2, f"mk_{key}_estimate") == pytest.approx(k / n)


def test_reconstructed_honeth_counts_round_to_the_printed_31_percent():
    low, high = glued_number(CH2, "mk_honeth_count_low"), glued_number(CH2, "mk_honeth_count_high")
    for count in (low, high):
        assert round(100 * count / 240) == 31
    assert round(100 * (low - 1) / 240) != 31 and round(100 * (high + 1) / 240) != 31


def test_beta_description_reproduces_the_published_median_it_was_not_fitted_to():
    # Matched to the published mean (33%) and SD (24%); the published median is 28%.
    assert glued_number(CH2, "mk_kase_mean") == 33
    assert glued_number(CH2, "mk_kase_sd") == 24
    assert glued_number(CH2, "mk_beta_median") == pytest.approx(28, abs=2)
    # simulated cohorts of 42 should span roughly the published range 0.5% to 82%
    assert glued_number(CH2, "mk_sim_min_median") < 5
    assert glued_number(CH2, "mk_sim_max_median") > 60


def _flow_generator():
    return load_generator("cd44_cd24_flow_simulated.py")


def test_simulated_flow_sample_follows_its_declared_design():
    generator = _flow_generator()
    events = load("cd44_cd24_flow_simulated")
    stained = events[events["sample"] == "stained"]
    assert len(stained) == generator.STAINED_CELLS
    assert (events["sample"] == "unstained control").sum() == generator.CONTROL_CELLS
    expected = generator.POPULATIONS["CD44+CD24-"][0]
    observed = (stained["true_population"] == "CD44+CD24-").mean()
    # within four binomial standard errors of the design fraction
    assert abs(observed - expected) < 4 * np.sqrt(expected * (1 - expected) / len(stained))


def test_gate_position_moves_the_estimate_more_than_counting_noise():
    true_fraction = glued_number(CH2, "mk_true_fraction")
    low, high = glued_number(CH2, "mk_sweep_min"), glued_number(CH2, "mk_sweep_max")
    assert low < true_fraction < high
    assert high - low > 5 * glued_number(CH2, "mk_sweep_ci_width")
    # the control-based gate misses CD24-low cells, so it under-counts (the chapter says so)
    assert glued_number(CH2, "mk_gate_high") < true_fraction


def test_reported_jeffreys_interval_matches_an_independent_implementation():
    # Brown, Cai and DasGupta (2001) recommend Wilson or Jeffreys for small n: 15 of 23
    low, high = proportion_confint(15, 23, alpha=0.05, method="jeffreys")
    assert glued_number(CH2, "mk_sp_jeffreys_low") == pytest.approx(low, abs=1e-4)
    assert glued_number(CH2, "mk_sp_jeffreys_high") == pytest.approx(high, abs=1e-4)


def test_kase_multivariate_hazard_ratio_is_reported_as_published_and_as_protective():
    # Kase et al. 2013, abstract: the CD133+ proportion was "a significant independent
    # predictor for longer overall survival (HR 2.0, 95% CI 1.0-3.8)".
    kase = load("kase2013_cd133_glioblastoma").set_index("quantity")
    row = kase.loc["multivariate_hazard_ratio"]
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == (2.0, 1.0, 3.8)
    assert glued_number(CH2, "mk_kase_hr") == 2.0
    assert (glued_number(CH2, "mk_kase_hr_low"), glued_number(CH2, "mk_kase_hr_high")) == (1.0, 3.8)
    source = (ROOT / f"{CH2}.md").read_text(encoding="utf-8")
    assert "predictor of *longer*" in source
    # the cohort predates WHO 2021: the chapter names IDH status as unmeasured
    assert "IDH" in source and "louis2021" in source
