"""Chapter 10: the VIALE-A numbers a reader sees match the paper, and the survival analysis of
the simulated trial matches an independent implementation (statsmodels)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cscbook import load

from .conftest import glued_number, glued_values, load_generator

CH10 = "book/part2/10-apoptosis-bcl2"
VEN, PBO = "venetoclax + azacitidine", "placebo + azacitidine"


def _simulated():
    data = load("viale_a_simulated_survival")
    treated = (data["arm"] == VEN).to_numpy().astype(int)
    return data["months"].to_numpy(), data["died"].to_numpy().astype(bool), treated


def test_published_viale_a_values_are_those_of_the_abstract():
    # DiNardo et al. 2020, N Engl J Med 383:617, abstract
    arms = load("dinardo2020_viale_a_arms").set_index("arm")
    assert arms.loc[VEN, ["patients", "median_os_months", "cr_percent", "cr_cri_percent"]].tolist() == [
        286, 14.7, 36.7, 66.4]
    assert arms.loc[PBO, ["patients", "median_os_months", "cr_percent", "cr_cri_percent"]].tolist() == [
        145, 9.6, 17.9, 28.3]
    hr = load("dinardo2020_viale_a_hazard_ratio").iloc[0]
    assert (hr["hazard_ratio"], hr["ci_low"], hr["ci_high"], hr["ci_level"]) == (0.66, 0.52, 0.85, 0.95)
    assert hr["median_follow_up_months"] == 20.5


@pytest.mark.parametrize(("key", "percent", "patients", "count"), [
    ("cr_ven", 36.7, 286, 105), ("cr_pbo", 17.9, 145, 26),
    ("crcri_ven", 66.4, 286, 190), ("crcri_pbo", 28.3, 145, 41),
])
def test_recovered_counts_are_the_only_ones_that_print_as_published(key, percent, patients, count):
    fitting = [k for k in range(patients + 1) if abs(100 * k / patients - percent) < 0.05]
    assert fitting == [count]
    assert glued_number(CH10, f"ap_{key}_count") == count
    # exact (Clopper-Pearson) limits from beta quantiles
    low = stats.beta.ppf(0.025, count, patients - count + 1)
    high = stats.beta.ppf(0.975, count + 1, patients - count)
    assert glued_number(CH10, f"ap_{key}_low") == pytest.approx(low, rel=1e-6)
    assert glued_number(CH10, f"ap_{key}_high") == pytest.approx(high, rel=1e-6)


@pytest.mark.parametrize(("key", "ven", "pbo"), [("cr", 105, 26), ("crcri", 190, 41)])
def test_difference_in_remission_matches_statsmodels_newcombe(key, ven, pbo):
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(ven, 286, pbo, 145, method="newcomb", compare="diff")
    assert glued_number(CH10, f"ap_{key}_diff") == pytest.approx(ven / 286 - pbo / 145)
    assert glued_number(CH10, f"ap_{key}_diff_low") == pytest.approx(low, rel=1e-6)
    assert glued_number(CH10, f"ap_{key}_diff_high") == pytest.approx(high, rel=1e-6)
    assert glued_number(CH10, f"ap_{key}_ratio") == pytest.approx((ven / 286) / (pbo / 145))
    assert glued_number(CH10, f"ap_{key}_difference_points") == pytest.approx(100 * (ven / 286 - pbo / 145))
    assert glued_number(CH10, f"ap_{key}_low_points") == pytest.approx(100 * low, rel=1e-6)
    # the paper's P < 0.001 for both endpoints
    assert stats.fisher_exact([[ven, 286 - ven], [pbo, 145 - pbo]]).pvalue < 0.001
    if key == "crcri":
        assert glued_number(CH10, "ap_crcri_nnt") == pytest.approx(1 / (ven / 286 - pbo / 145))


def test_simulated_trial_has_the_published_groups_and_only_administrative_censoring():
    data = load("viale_a_simulated_survival")
    assert data["arm"].value_counts().to_dict() == {VEN: 286, PBO: 145}
    censored = data.loc[~data["died"], "months"]
    # potential follow-up runs from 7 to 34 months: nobody is censored before 7 months
    assert censored.min() >= 7.0 and data["months"].max() <= 34.0
    assert glued_number(CH10, "ap_sim_censored") == len(censored)
    assert glued_number(CH10, "ap_model_hr") == pytest.approx(9.6 / 14.7)


def test_generator_recovers_its_anchors_on_average_over_seeds():
    # Exponential survival with the published medians: pooled over seeds, events divided by
    # person-time must give back ln 2 / median in each arm, and the follow-up scheme must
    # give a median potential follow-up of 20.5 months.
    module = load_generator("viale_a_simulated_survival.py")
    frames = [module.simulate(seed) for seed in range(1, 21)]
    for arm, median in ((VEN, 14.7), (PBO, 9.6)):
        deaths = sum(int(f.loc[f["arm"] == arm, "died"].sum()) for f in frames)
        months = sum(float(f.loc[f["arm"] == arm, "months"].sum()) for f in frames)
        assert deaths / months == pytest.approx(np.log(2) / median, rel=0.05)
    assert np.median(module.ENROLMENT_MONTHS + module.CUT_AFTER_LAST_ENTRY_MONTHS
                     - np.linspace(0, module.ENROLMENT_MONTHS, 1001)) == pytest.approx(20.5)


def test_kaplan_meier_medians_and_logrank_match_statsmodels():
    from statsmodels.duration.survfunc import SurvfuncRight, survdiff

    months, died, treated = _simulated()
    for arm_value, key in ((1, "ven"), (0, "pbo")):
        reference = SurvfuncRight(months[treated == arm_value], died[treated == arm_value].astype(float))
        assert glued_number(CH10, f"ap_sim_median_{key}") == pytest.approx(reference.quantile(0.5))
    chi2, p = survdiff(months, died.astype(float), treated)
    assert glued_number(CH10, "ap_lr_chi2") == pytest.approx(chi2, rel=1e-8)
    assert glued_number(CH10, "ap_lr_p") == pytest.approx(p, rel=1e-6)
    assert glued_number(CH10, "ap_lr_obs_ven") == died[treated == 1].sum()
    # the simulated medians land near the published ones they were drawn from
    assert glued_number(CH10, "ap_sim_median_ven") == pytest.approx(14.7, rel=0.2)
    assert glued_number(CH10, "ap_sim_median_pbo") == pytest.approx(9.6, rel=0.2)


def test_cox_hazard_ratio_matches_statsmodels_and_covers_the_published_one():
    from statsmodels.duration.hazard_regression import PHReg

    months, died, treated = _simulated()
    fit = PHReg(months, treated[:, None].astype(float), status=died.astype(float), ties="breslow").fit()
    assert glued_number(CH10, "ap_cox_hr") == pytest.approx(float(np.exp(fit.params[0])), rel=1e-6)
    low, high = np.exp(fit.conf_int()[0])
    assert glued_number(CH10, "ap_cox_low") == pytest.approx(low, rel=1e-5)
    assert glued_number(CH10, "ap_cox_high") == pytest.approx(high, rel=1e-5)
    assert glued_number(CH10, "ap_cox_low") < 0.66 < glued_number(CH10, "ap_cox_high")
    # exponential and Cox estimates agree when the hazards are constant
    assert glued_number(CH10, "ap_exp_hr") == pytest.approx(glued_number(CH10, "ap_cox_hr"), rel=0.05)


def test_other_seeds_scatter_around_the_model_hazard_ratio():
    assert glued_number(CH10, "ap_seeds_n") == 200
    assert glued_number(CH10, "ap_seeds_median") == pytest.approx(9.6 / 14.7, abs=0.03)
    assert glued_number(CH10, "ap_seeds_low") < 9.6 / 14.7 < glued_number(CH10, "ap_seeds_high")
    # the spread of 200 trials is about as wide as the published 95% interval (0.52 to 0.85)
    assert 0.40 < glued_number(CH10, "ap_seeds_low") < 0.60
    assert 0.75 < glued_number(CH10, "ap_seeds_high") < 0.95
    assert 0.88 <= glued_number(CH10, "ap_seeds_coverage") <= 0.99
    assert 0.75 <= glued_number(CH10, "ap_seeds_power") <= 1.0


def _declared_check(label: str) -> dict:
    from cscbook.checks import CHECK_MIME

    from .conftest import executed_notebook

    for cell in executed_notebook(CH10).cells:
        for output in cell.get("outputs", []):
            declaration = output.get("data", {}).get(CHECK_MIME)
            if declaration and declaration["label"] == label:
                return declaration
    pytest.fail(f"{CH10} declares no check for {label}")


def test_exercise_answer_keys_are_right():
    # ex-ap-2: product-limit estimates for the ten patients of the exercise, by hand
    assert _declared_check("ex-ap-2")["answers"]["km_by_hand"] == pytest.approx(
        [0.9, 0.8, 0.8 * 4 / 5, 0.8 * 4 / 5 * 3 / 4, 0.8 * 4 / 5 * 3 / 4 / 2])
    # ex-ap-3: number needed to treat for one more complete remission
    assert _declared_check("ex-ap-3")["answers"]["nnt_cr"] == pytest.approx(1 / (105 / 286 - 26 / 145))
    # ex-ap-5: Cox hazard ratio with every patient censored at 12 months (statsmodels)
    from statsmodels.duration.hazard_regression import PHReg

    months, died, treated = _simulated()
    cut = np.minimum(months, 12)
    fit = PHReg(cut, treated[:, None].astype(float), status=(died & (months <= 12)).astype(float),
                ties="breslow").fit()
    assert _declared_check("ex-ap-5")["answers"]["hr_cut12"] == pytest.approx(
        float(np.exp(fit.params[0])), rel=1e-6)
    # ex-ap-1: survival at 12 months read from the step function
    answers = _declared_check("ex-ap-1")["answers"]
    assert 0 < answers["surv12_pbo"] < answers["surv12_ven"] < 1


def _page():
    from bs4 import BeautifulSoup

    from .conftest import HTML

    return BeautifulSoup((HTML / f"{CH10}.html").read_text(encoding="utf-8"), "html.parser")


def test_simulated_figures_say_so_and_every_figure_has_alt_text():
    figures = _page().find("main").find_all("figure")
    assert len(figures) >= 4
    captions = {f.get("id"): f.find("figcaption").get_text(" ", strip=True) for f in figures}
    assert "SIMULATED" in captions["fig-ap-km"] and "SIMULATED" in captions["fig-ap-seeds"]
    for figure in figures:
        assert len(figure.find("img").get("alt", "").split()) >= 20


def test_clinical_and_statistical_claims_stay_as_verified():
    text = " ".join(_page().find("main").get_text(" ").split())
    # FDA: accelerated approval 21 November 2018, regular approval 16 October 2020
    assert "accelerated approval on 21 November 2018" in text
    assert "16 October 2020" in text
    # a hazard ratio is a ratio of rates among patients still alive, not longer survival
    assert "ratio of rates among the patients still alive" in text
    assert "single number for the whole curve only under proportional hazards" in text
    # resistance: monocytic AML relies on MCL-1 (Pei et al. 2020)
    assert "relied on MCL-1" in text
    values = glued_values(CH10)
    assert not [name for name in values if not name.startswith("ap_")]
