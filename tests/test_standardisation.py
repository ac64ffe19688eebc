"""Tests for cscbook.standardisation against independent references (statsmodels, hand sums)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from cscbook.standardisation import directly_standardised_rate, mantel_haenszel_rate_ratio, rate_ratio


def test_crude_rate_ratio_matches_a_poisson_glm():
    events, time = np.array([37, 22]), np.array([410.0, 530.0])
    result = rate_ratio(events[0], time[0], events[1], time[1])
    design = sm.add_constant(np.array([1.0, 0.0]))
    fit = sm.GLM(events, design, family=sm.families.Poisson(), offset=np.log(time)).fit()
    assert result.ratio == pytest.approx(np.exp(fit.params[1]))
    assert result.se_log == pytest.approx(fit.bse[1], rel=1e-6)
    low, high = np.exp(fit.conf_int()[1])
    assert (result.low, result.high) == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))


def test_mantel_haenszel_with_one_stratum_is_the_crude_ratio():
    pooled = mantel_haenszel_rate_ratio([12], [80.0], [30], [150.0])
    crude = rate_ratio(12, 80.0, 30, 150.0)
    assert pooled.ratio == pytest.approx(crude.ratio)
    assert pooled.se_log == pytest.approx(np.sqrt(1 / 12 + 1 / 30))  # Greenland-Robins reduces to this


def test_mantel_haenszel_recovers_a_common_ratio_as_the_poisson_glm_does():
    # Three strata with very different rates and one common rate ratio of exactly 1.5:
    # the MH estimate and the stratified Poisson maximum-likelihood estimate both equal it.
    time_a, time_b = np.array([40.0, 120.0, 60.0]), np.array([200.0, 90.0, 300.0])
    base = np.array([0.05, 0.2, 0.1])
    events_a, events_b = 1.5 * base * time_a, base * time_b
    pooled = mantel_haenszel_rate_ratio(events_a, time_a, events_b, time_b)
    assert pooled.ratio == pytest.approx(1.5)
    frame = pd.DataFrame({
        "events": np.r_[events_a, events_b], "time": np.r_[time_a, time_b],
        "group": [1.0] * 3 + [0.0] * 3, "stratum": [0, 1, 2] * 2})
    design = pd.get_dummies(frame["stratum"], prefix="s", dtype=float)
    design["group"] = frame["group"]
    fit = sm.GLM(frame["events"], design, family=sm.families.Poisson(),
                 offset=np.log(frame["time"])).fit()
    assert np.exp(fit.params["group"]) == pytest.approx(1.5)


def test_mantel_haenszel_by_hand():
    d_a, t_a, d_b, t_b = [4, 9], [10.0, 30.0], [6, 3], [30.0, 10.0]
    numerator = 4 * 30 / 40 + 9 * 10 / 40  # 3 + 2.25
    denominator = 6 * 10 / 40 + 3 * 30 / 40  # 1.5 + 2.25
    variance = ((10 * 10 * 30 / 40**2) + (12 * 30 * 10 / 40**2)) / (numerator * denominator)
    result = mantel_haenszel_rate_ratio(d_a, t_a, d_b, t_b)
    assert result.ratio == pytest.approx(numerator / denominator)
    assert result.se_log == pytest.approx(np.sqrt(variance))


def test_direct_standardisation_by_hand():
    # rates 0.1 and 0.3 per month; standard mix 70% / 30% -> 0.07 + 0.09 = 0.16
    assert directly_standardised_rate([10, 30], [100.0, 100.0], [70, 30]) == pytest.approx(0.16)
    # standardising a cohort to its own mix gives back its crude rate
    events, time = np.array([8, 25]), np.array([120.0, 60.0])
    assert directly_standardised_rate(events, time, time) == pytest.approx(events.sum() / time.sum())
