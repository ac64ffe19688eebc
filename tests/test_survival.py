"""The survival helpers agree with independent references: statsmodels and a textbook example."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from cscbook.survival import (
    HazardRatio,
    KaplanMeier,
    LogRankTest,
    cox_hazard_ratio,
    exponential_hazard_ratio,
    kaplan_meier,
    logrank_test,
    median_survival,
    survival_at,
)


def _trial(seed: int, n: int = 120, ties: bool = False):
    """Two exponential arms with uniform censoring; rounded times make ties."""
    rng = np.random.default_rng(seed)
    group = (rng.random(n) < 0.5).astype(int)
    hazard = np.where(group == 1, 0.05, 0.08)
    death = rng.exponential(1 / hazard)
    follow_up = rng.uniform(6, 30, size=n)
    time = np.minimum(death, follow_up)
    if ties:
        time = np.ceil(time)
    return time, death <= follow_up, group


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kaplan_meier_matches_statsmodels(seed, ties):
    time, event, _ = _trial(seed, ties=ties)
    ours = kaplan_meier(time, event)
    reference = SurvfuncRight(time, event.astype(float))
    np.testing.assert_allclose(ours.time, reference.surv_times)
    np.testing.assert_allclose(ours.survival, reference.surv_prob, rtol=1e-12)
    np.testing.assert_allclose(ours.std_err, reference.surv_prob_se, rtol=1e-10)
    np.testing.assert_array_equal(ours.n_at_risk, reference.n_risk)
    np.testing.assert_array_equal(ours.n_events, reference.n_events)
    if np.isfinite(median_survival(ours)):
        assert median_survival(ours) == pytest.approx(reference.quantile(0.5))


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", [4, 5, 6])
def test_logrank_matches_statsmodels_survdiff(seed, ties):
    time, event, group = _trial(seed, ties=ties)
    ours = logrank_test(time, event, group)
    chi2, p = survdiff(time, event.astype(float), group)
    assert ours.chi2 == pytest.approx(chi2, rel=1e-10)
    assert ours.p == pytest.approx(p, rel=1e-8)
    assert sum(ours.observed) == pytest.approx(sum(ours.expected))
    assert sum(ours.observed) == event.sum()


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("seed", [7, 8, 9])
def test_cox_matches_statsmodels_phreg_with_breslow_ties(seed, ties):
    time, event, group = _trial(seed, ties=ties)
    ours = cox_hazard_ratio(time, event, group)
    reference = PHReg(time, group[:, None].astype(float), status=event.astype(float),
                      ties="breslow").fit()
    assert np.log(ours.hazard_ratio) == pytest.approx(float(reference.params[0]), abs=1e-8)
    assert ours.se_log == pytest.approx(float(reference.bse[0]), rel=1e-6)
    low, high = np.exp(reference.conf_int()[0])
    assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), rel=1e-6)


def test_logrank_reproduces_the_bland_altman_textbook_example():
    # Bland and Altman (2004), BMJ 328:1073: survival in weeks of patients with recurrent
    # malignant gliomas, astrocytoma (14 deaths, 6 censored) versus glioblastoma (28 deaths,
    # 3 censored), as transcribed in SciPy's documentation of scipy.stats.logrank, which
    # gives the signed statistic -2.73799 (its square is the chi-squared) and p = 0.00618.
    astro_died = [6, 13, 21, 30, 37, 38, 49, 50, 63, 79, 86, 98, 202, 219]
    astro_censored = [31, 47, 80, 82, 82, 149]
    glio_died = [10, 10, 12, 13, 14, 15, 16, 17, 18, 20, 24, 24, 25, 28, 30, 33, 35, 37,
                 40, 40, 46, 48, 76, 81, 82, 91, 112, 181]
    glio_censored = [34, 40, 70]
    time = np.array(astro_died + astro_censored + glio_died + glio_censored, dtype=float)
    event = np.array([True] * 14 + [False] * 6 + [True] * 28 + [False] * 3)
    group = np.array([0] * 20 + [1] * 31)
    test = logrank_test(time, event, group)
    assert test.observed == (14.0, 28.0)
    assert test.chi2 == pytest.approx(2.73799**2, rel=1e-5)
    assert test.p == pytest.approx(0.00618, abs=5e-6)
    # astrocytoma patients died less often than expected under equal hazards
    assert test.expected[0] > test.observed[0]


def test_exponential_fit_is_events_over_person_time():
    time, event, group = _trial(10, n=400)
    fit = exponential_hazard_ratio(time, event, group)
    rate = [event[group == g].sum() / time[group == g].sum() for g in (0, 1)]
    assert fit.hazard_ratio == pytest.approx(rate[1] / rate[0])
    d0, d1 = fit.events
    assert fit.se_log == pytest.approx(np.sqrt(1 / d0 + 1 / d1))
    # with constant hazards, the exponential and Cox estimates agree closely
    cox = cox_hazard_ratio(time, event, group)
    assert fit.hazard_ratio == pytest.approx(cox.hazard_ratio, rel=0.1)
    # and both recover the true ratio 0.05 / 0.08 within their interval
    assert cox.ci_low < 0.625 < cox.ci_high


def test_survival_at_reads_the_step_function():
    curve = kaplan_meier([2, 4, 4, 7], [True, True, False, True])
    assert survival_at(curve, [0, 1.99, 2, 3.5, 4, 6.9, 7, 50]).tolist() == pytest.approx(
        [1, 1, 0.75, 0.75, 0.5, 0.5, 0, 0])
    # the median is the first time the curve reaches 0.5, and nan if it never does
    assert median_survival(curve) == 4.0
    assert np.isnan(median_survival(kaplan_meier([1, 2, 3], [True, False, False])))


def test_results_are_frozen_dataclasses_and_inputs_are_checked():
    for result_type in (KaplanMeier, LogRankTest, HazardRatio):
        assert dataclasses.is_dataclass(result_type)
        assert result_type.__dataclass_params__.frozen
    with pytest.raises(ValueError):
        kaplan_meier([1, -2], [True, True])
    with pytest.raises(ValueError):
        logrank_test([1, 2], [True, True], [1, 1])
    with pytest.raises(ValueError):
        exponential_hazard_ratio([1, 2, 3], [True, True, True], [0, 1, 2])


@pytest.mark.parametrize("seed", [4, 5])
def test_median_matches_statsmodels_quantile(seed):
    rng = np.random.default_rng(seed)
    time = np.round(rng.exponential(10.0, size=200), 1)
    censor = np.round(rng.uniform(0, 25, size=200), 1)
    event = time <= censor
    time = np.minimum(time, censor)
    expected = SurvfuncRight(time, event.astype(int)).quantile(0.5)
    assert median_survival(kaplan_meier(time, event)) == pytest.approx(expected)


def test_median_not_reached_is_nan():
    assert np.isnan(median_survival(kaplan_meier([1, 2, 3, 4], [True, False, False, False])))
