"""Chapter 12: the trial numbers a reader sees must match the papers they come from."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cscbook import load

from .conftest import glued_number, load_generator

CH12 = "book/part3/12-targeted-immune-repurposed"


def test_cart133_trials_hold_the_published_abstract_numbers():
    trials = load("cart133_trials").set_index("study")
    wang, dai = trials.loc["Wang 2018"], trials.loc["Dai 2020"]
    # Wang et al. 2018: 23 patients, 3 partial remissions, 14 stable disease,
    # 3-month disease control 65.2%, median PFS 5 months.
    assert (wang["patients"], wang["partial_response"], wang["stable_disease"]) == (23, 3, 14)
    assert wang["disease_control_3mo_percent"] == 65.2
    assert wang["median_pfs_months"] == 5.0
    # Dai et al. 2020: 21 patients, 1 PR, 14 SD, 6 progressed; PFS 6.8 (4.3-8.4), OS 12 (9.3-15.3).
    assert (dai["patients"], dai["partial_response"], dai["stable_disease"]) == (21, 1, 14)
    assert dai["progressive_disease"] == 6
    assert (dai["median_pfs_months"], dai["median_pfs_low"], dai["median_pfs_high"]) == (6.8, 4.3, 8.4)
    assert (dai["median_os_months"], dai["median_os_low"], dai["median_os_high"]) == (12.0, 9.3, 15.3)
    # the best-response categories of Dai's abstract add up to the patients treated
    assert dai["partial_response"] + dai["stable_disease"] + dai["progressive_disease"] == dai["patients"]


def test_chapter_reports_exact_intervals_for_the_published_counts():
    for key, (successes, total) in {"wang_pr": (3, 23), "wang_dcr": (17, 23),
                                    "dai_pr": (1, 21), "dai_dcr": (15, 21)}.items():
        # Clopper-Pearson limits from beta quantiles, independent of the chapter's code
        low = stats.beta.ppf(0.025, successes, total - successes + 1)
        high = stats.beta.ppf(0.975, successes + 1, total - successes)
        assert glued_number(CH12, f"tx_{key}_estimate") == pytest.approx(successes / total)
        assert glued_number(CH12, f"tx_{key}_low") == pytest.approx(low, rel=1e-6)
        assert glued_number(CH12, f"tx_{key}_high") == pytest.approx(high, rel=1e-6)
    # 65.2% of 23 patients is 15 patients
    assert glued_number(CH12, "tx_wang_dcr3_count") == 15
    assert glued_number(CH12, "tx_dai_other") == 6


def test_ma32_data_match_the_published_abstract():
    rates = load("goodwin2022_ma32_rates").set_index(["outcome", "arm"])
    idfs = "invasive disease-free survival event"
    assert rates.loc[(idfs, "metformin"), "rate_per_100_patient_years"] == 2.78
    assert rates.loc[(idfs, "placebo"), "rate_per_100_patient_years"] == 2.74
    assert rates.loc[("death", "metformin"), "rate_per_100_patient_years"] == 1.46
    assert rates.loc[("death", "placebo"), "rate_per_100_patient_years"] == 1.32
    # 465 invasive disease-free survival events in the hormone-receptor-positive analysis
    assert rates.loc[idfs, "events"].sum() == 465
    hazard = load("goodwin2022_ma32_hazard_ratio").iloc[0]
    assert (hazard["hazard_ratio"], hazard["ci_low"], hazard["ci_high"]) == (1.01, 0.84, 1.21)


def test_chapter_rate_ratio_agrees_with_the_published_hazard_ratio():
    # With low, steady event rates the Poisson rate ratio and the Cox hazard ratio estimate
    # the same quantity: the chapter's interval must sit on top of the published 0.84-1.21.
    assert glued_number(CH12, "tx_ma32_rr") == pytest.approx(1.01, abs=0.01)
    assert glued_number(CH12, "tx_ma32_rr_low") == pytest.approx(0.84, abs=0.01)
    assert glued_number(CH12, "tx_ma32_rr_high") == pytest.approx(1.21, abs=0.015)
    assert glued_number(CH12, "tx_ma32_exact_low") < 1 < glued_number(CH12, "tx_ma32_exact_high")
    # follow-up implied by the published rates: events / (rate per patient-year)
    assert glued_number(CH12, "tx_ma32_py_metformin") == pytest.approx(234 / 0.0278)
    assert glued_number(CH12, "tx_ma32_py_placebo") == pytest.approx(231 / 0.0274)


def test_detectable_hazard_ratio_follows_schoenfeld_for_465_events():
    expected = np.exp(-2 * (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) / np.sqrt(465))
    assert glued_number(CH12, "tx_ma32_detectable_hr") == pytest.approx(expected)


def test_simulated_swimmer_cohort_honours_every_published_anchor():
    swimmers = load("cart133_swimmer_simulated")
    assert len(swimmers) == 23
    assert swimmers["cancer"].value_counts().to_dict() == {
        "hepatocellular": 14, "pancreatic": 7, "colorectal": 2}
    assert swimmers["best_response"].value_counts().to_dict() == {
        "stable disease": 14, "progressive disease": 6, "partial response": 3}
    assert swimmers["pfs_months"].median() == pytest.approx(5.0)
    assert (swimmers["pfs_months"] > 3).sum() == 15  # 65.2% of 23
    assert glued_number(CH12, "tx_sim_median") == pytest.approx(5.0)


def test_swimmer_generator_keeps_its_anchors_for_other_seeds():
    module = load_generator("cart133_swimmer_simulated.py")
    for seed in (1, 2, 3):
        cohort = module.simulate(seed)
        assert cohort["pfs_months"].median() == pytest.approx(5.0)
        assert (cohort["pfs_months"] > 3).sum() == 15
        early = cohort[cohort["pfs_months"] <= 3]
        assert set(early["best_response"]) <= {"progressive disease", "stable disease"}
