"""Chapter 17: the published medians are the papers', and the simulated lesson holds."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cscbook import load

from .conftest import HTML, glued_number, load_generator

CH17 = "book/part3/17-immune-evasion"


def _chapter_text() -> str:
    from bs4 import BeautifulSoup

    html = (HTML / f"{CH17}.html").read_text(encoding="utf-8")
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_benchmarks_hold_the_published_abstract_numbers():
    data = load("glioblastoma_vaccine_benchmarks").set_index(["study", "cohort", "endpoint"])
    os_, pfs = "overall survival", "progression-free survival"
    # Stupp et al. 2005: 14.6 vs 12.1 months
    assert data.loc[("Stupp 2005", "radiotherapy plus temozolomide", os_), "median"] == 14.6
    assert data.loc[("Stupp 2005", "radiotherapy alone", os_), "median"] == 12.1
    # Lacroix et al. 2001: 13 vs 8.8 months by extent of resection
    assert data.loc[("Lacroix 2001", "resection of 98% or more", os_), "median"] == 13.0
    assert data.loc[("Lacroix 2001", "resection of less than 98%", os_), "median"] == 8.8
    # Bota et al. 2022 (AV-GBM-1): 60 ITT, PFS 10.4 and OS 16.0 months from enrolment
    assert data.loc[("Bota 2022", "AV-GBM-1", pfs), "median"] == 10.4
    assert data.loc[("Bota 2022", "AV-GBM-1", os_), ["median", "patients"]].tolist() == [16.0, 60]
    # Liau et al. 2023 (DCVax-L): 232 newly diagnosed 19.3 vs 16.5; 64 recurrent 13.2 vs 7.8
    assert data.loc[("Liau 2023", "DCVax-L (newly diagnosed)", os_), ["median", "patients"]].tolist() == [19.3, 232]
    assert data.loc[("Liau 2023", "external controls (newly diagnosed)", os_), "median"] == 16.5
    assert data.loc[("Liau 2023", "DCVax-L (recurrent)", os_), ["median", "patients"]].tolist() == [13.2, 64]
    assert data.loc[("Liau 2023", "external controls (recurrent)", os_), "median"] == 7.8
    # Buchroithner et al. 2018 (Audencel): 564 vs 568 days
    audencel = data.loc["Buchroithner 2018"]
    assert audencel.loc[("Audencel plus standard care", os_), ["median", "unit"]].tolist() == [564, "days"]
    assert audencel.loc[("standard care", os_), ["median", "unit"]].tolist() == [568, "days"]
    sacks = load("sacks1982_control_types").set_index("control_type")
    assert sacks.loc["historical controls"].tolist() == [56, 44]
    assert sacks.loc["randomised controls"].tolist() == [50, 10]


def test_glued_ratios_of_medians_follow_from_the_published_values():
    assert glued_number(CH17, "ie_ratio_avgbm") == pytest.approx(16.0 / 14.6)
    assert glued_number(CH17, "ie_ratio_dcvax_new") == pytest.approx(19.3 / 16.5)
    assert glued_number(CH17, "ie_ratio_dcvax_recurrent") == pytest.approx(13.2 / 7.8)
    assert glued_number(CH17, "ie_ratio_audencel") == pytest.approx(564 / 568)
    assert glued_number(CH17, "ie_ratio_resection") == pytest.approx(13.0 / 8.8)
    # the prognostic factor alone opens a wider gap than either uncontrolled newly-diagnosed comparison
    assert glued_number(CH17, "ie_ratio_resection") > glued_number(CH17, "ie_ratio_dcvax_new")
    assert glued_number(CH17, "ie_sacks_hct") == pytest.approx(44 / 56)
    assert glued_number(CH17, "ie_sacks_rct") == pytest.approx(10 / 50)


def _simulated_strata():
    cohorts = load("external_control_simulated")
    return cohorts, cohorts.groupby(["cohort", "resection"]).agg(
        deaths=("died", "sum"), months=("months", "sum"))


def test_crude_comparison_flatters_the_trial_and_stratification_corrects_it():
    cohorts, strata = _simulated_strata()
    trial, hist = strata.loc["single-arm trial"], strata.loc["historical control"]
    crude = (trial["deaths"].sum() / trial["months"].sum()) / (hist["deaths"].sum() / hist["months"].sum())
    assert glued_number(CH17, "ie_crude_rr") == pytest.approx(crude)
    assert glued_number(CH17, "ie_crude_rr") < 0.9  # a spurious benefit
    # Mantel-Haenszel by hand, independent of cscbook
    total = trial["months"] + hist["months"]
    numerator = (trial["deaths"] * hist["months"] / total).sum()
    denominator = (hist["deaths"] * trial["months"] / total).sum()
    assert glued_number(CH17, "ie_mh_rr") == pytest.approx(numerator / denominator)
    assert glued_number(CH17, "ie_mh_low") < 1 < glued_number(CH17, "ie_mh_high")
    # direct standardisation of the trial's stratum rates to the control's patient mix
    mix = cohorts[cohorts["cohort"] == "historical control"]["resection"].value_counts()
    rates = trial["deaths"] / trial["months"]
    standardised = (rates * mix / mix.sum()).sum()
    hist_rate = hist["deaths"].sum() / hist["months"].sum()
    assert glued_number(CH17, "ie_std_rr") == pytest.approx(standardised / hist_rate)
    # the Kaplan-Meier medians show a gain the treatment did not cause
    assert glued_number(CH17, "ie_sim_median_gain") > 2


def test_replicate_trials_separate_bias_from_chance():
    crude_median = glued_number(CH17, "ie_rep_crude_median")
    mh_median = glued_number(CH17, "ie_rep_mh_median")
    # expected crude ratio from the stratum mix: well below 1; the stratified one centred on 1
    assert 0.7 < crude_median < 0.92
    assert mh_median == pytest.approx(1.0, abs=0.03)
    assert glued_number(CH17, "ie_rep_crude_sig") > 0.1
    # a one-sided 2.5% error rate, within binomial noise for 2000 replicates
    assert glued_number(CH17, "ie_rep_mh_sig") == pytest.approx(0.025, abs=3 * np.sqrt(0.025 * 0.975 / 2000))
    assert glued_number(CH17, "ie_rep_n") == 2000


def test_simulation_generator_keeps_its_anchors_and_a_null_treatment():
    module = load_generator("external_control_simulated.py")
    assert module.MEDIAN_MONTHS == {"98% or more": 13.0, "less than 98%": 8.8}
    frame = module.simulate(5)
    counts = frame.groupby(["cohort", "resection"]).size()
    assert counts[("single-arm trial", "98% or more")] == 48
    assert counts[("historical control", "98% or more")] == 90
    assert frame["months"].max() <= module.FOLLOW_UP_MONTHS
    # within a stratum, the two cohorts come from the same distribution (no treatment effect)
    big = module.simulate(11)
    for stratum in ("98% or more", "less than 98%"):
        a = big[(big["cohort"] == "single-arm trial") & (big["resection"] == stratum)]["months"]
        b = big[(big["cohort"] == "historical control") & (big["resection"] == stratum)]["months"]
        assert stats.ks_2samp(a, b).pvalue > 0.001


def test_claims_stay_within_their_evidence():
    text = _chapter_text()
    assert "a hypothesis" in text
    assert "19.3 months" in text and "16.5 months" in text
    assert "564 days" in text and "568 days" in text
    assert "no randomised phase 3 result for any vaccine aimed specifically at CSCs" in text
    assert "changed to overall survival" in text
    # Vik-Mo et al. 2013: survival numbers could not be verified and are not quoted
    assert "694" not in text and "236 days" not in text
