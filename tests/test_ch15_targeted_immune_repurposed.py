"""Chapter 15: the trial numbers a reader sees must match the papers they come from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from cscbook import load

from .conftest import glued_number, load_generator

CH12 = "book/part3/15-targeted-immune-repurposed"


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
    # With a roughly constant hazard in each arm (hence proportional hazards), the Poisson
    # rate ratio estimates the Cox hazard ratio whatever the level of the rates: the
    # chapter's interval must sit on top of the published 0.84-1.21.
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
    # events for HR 0.80 with equal arms, and the cost of a 2:1 allocation:
    # D is proportional to 1 / (p (1 - p)), so (1/4) / (2/9) - 1 = 12.5% more events
    z_sum = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert glued_number(CH12, "tx_ma32_events_hr080") == pytest.approx(
        4 * z_sum**2 / np.log(0.8) ** 2)
    assert glued_number(CH12, "tx_extra_events_2to1") == pytest.approx(0.125)


def _chapter_text() -> str:
    from bs4 import BeautifulSoup

    from .conftest import HTML

    html = (HTML / f"{CH12}.html").read_text(encoding="utf-8")
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_interval_widths_are_computed_not_typed():
    # Dai's 1 partial response in 21 has an exact interval of 0.1% to 23.8%: about 24 points
    # wide, not "30 to 40"; the widest is Dai's disease control, 15 of 21.
    def width(successes, total):
        low = stats.beta.ppf(0.025, successes, total - successes + 1)
        high = stats.beta.ppf(0.975, successes + 1, total - successes)
        return 100 * (high - low)

    assert glued_number(CH12, "tx_ci_width_min") == pytest.approx(width(1, 21))
    assert glued_number(CH12, "tx_ci_width_max") == pytest.approx(width(15, 21))
    assert glued_number(CH12, "tx_ci_width_min") < 30
    assert (glued_number(CH12, "tx_ci_width_min_count"),
            glued_number(CH12, "tx_ci_width_min_patients")) == (1, 21)
    assert "30 to 40 percentage points" not in _chapter_text()
    # 3 + 14 patients had PR or SD as best response, 15 were progression-free at 3 months
    assert glued_number(CH12, "tx_wang_lost_by_3mo") == 2
    # rates printed to two decimals: follow-up is known to within 0.005 / 2.74
    assert glued_number(CH12, "tx_ma32_py_rounding") == pytest.approx(0.005 / 2.74)


def _declared_check(label: str) -> dict:
    from cscbook.checks import CHECK_MIME

    from .conftest import executed_notebook

    for cell in executed_notebook(CH12).cells:
        for output in cell.get("outputs", []):
            declaration = output.get("data", {}).get(CHECK_MIME)
            if declaration and declaration["label"] == label:
                return declaration
    pytest.fail(f"{CH12} declares no check for {label}")


def test_overlapping_car_t_reports_are_not_compared_or_pooled():
    # Dai et al. 2020 enrolled "across phases I and II" of the same CART-133 programme as
    # Wang et al. 2018 (phase I: 14 HCC, 7 pancreatic, 2 colorectal); the cohorts probably
    # share HCC patients, so a Fisher test between them, or pooling, is invalid.
    source = (Path(__file__).resolve().parents[1] / f"{CH12}.md").read_text(encoding="utf-8")
    assert "fisher_exact" not in source
    text = _chapter_text()
    assert "across phases I and II" in text
    assert "probably share patients" in text
    answers = _declared_check("ex-tx-2")["answers"]
    assert (answers["distinct_min"], answers["distinct_max"]) == (23 + 21 - 14, 23 + 21)
    for name, (successes, total) in {"wang_pr_ci": (3, 23), "dai_pr_ci": (1, 21)}.items():
        low = stats.beta.ppf(0.025, successes, total - successes + 1)
        high = stats.beta.ppf(0.975, successes + 1, total - successes)
        assert answers[name] == pytest.approx([low, high], rel=1e-6)


def test_corrected_claims_stay_corrected():
    text = _chapter_text()
    # rate ratio = hazard ratio needs roughly constant (proportional) hazards, not low rates
    assert "because the event rate was low" not in text
    assert "A low event rate is not what makes them agree" in text
    # Schoenfeld's formula: events, proportional hazards, allocation term
    assert "number of events (not patients)" in text
    assert "It assumes proportional hazards" in text
    # RECIST 1.1 progression needs a 20% rise that is also at least 5 mm absolute
    assert "at least 5 mm in absolute terms" in text
    # Hirsch et al. 2009: CSC killing in culture; in mice, metformin plus doxorubicin
    assert "killed CSCs in the laboratory and kept mice in remission" not in text
    assert "combined with doxorubicin, kept mice in remission" in text
    # catumaxomab: EU 2009, withdrawn 2017, approved again 2025 (Syed 2025, Drugs 85:957)
    assert "withdrawn in June 2017" in text and "February 2025" in text


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
