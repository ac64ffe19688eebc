"""The pooling helpers reproduce a published cross-check and behave like sound estimators."""

from __future__ import annotations

import numpy as np
import pytest

from cscbook.metaanalysis import dersimonian_laird, inverse_variance, log_risk_ratio, se_from_ci

# The BCG vaccine trials (Colditz et al. 1994; dataset dat.bcg of the R package metafor):
# vaccinated cases, vaccinated non-cases, control cases, control non-cases.
BCG = np.array(
    [
        [4, 119, 11, 128],
        [6, 300, 29, 274],
        [3, 228, 11, 209],
        [62, 13536, 248, 12619],
        [33, 5036, 47, 5761],
        [180, 1361, 372, 1079],
        [8, 2537, 10, 619],
        [505, 87886, 499, 87892],
        [29, 7470, 45, 7232],
        [17, 1699, 65, 1600],
        [186, 50448, 141, 27197],
        [5, 2493, 3, 2338],
        [27, 16886, 29, 17825],
    ],
    dtype=float,
)


def bcg_log_rr():
    a, b, c, d = BCG.T
    return log_risk_ratio(a, a + b, c, c + d)


def test_bcg_trials_reproduce_metafor_and_stata_metan():
    # metafor's test suite checks rma.uni() against Stata's `metan` on these 13 trials
    # (tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r); values printed to 4 decimals.
    y, v = bcg_log_rr()
    fixed = inverse_variance(y, v)
    assert fixed.estimate == pytest.approx(-0.4303, abs=5e-5)
    assert (fixed.ci_low, fixed.ci_high) == pytest.approx((-0.5097, -0.3509), abs=5e-5)
    assert fixed.q == pytest.approx(152.2330, abs=5e-4)
    assert np.exp(fixed.estimate) == pytest.approx(0.6503, abs=5e-5)
    random = dersimonian_laird(y, v)
    assert random.estimate == pytest.approx(-0.7141, abs=5e-5)
    assert (random.ci_low, random.ci_high) == pytest.approx((-1.0644, -0.3638), abs=5e-5)


def test_random_effects_equal_fixed_effect_when_q_is_below_its_degrees_of_freedom():
    y = np.array([-0.2, -0.25, -0.22])
    v = np.array([0.04, 0.05, 0.06])
    fixed, random = inverse_variance(y, v), dersimonian_laird(y, v)
    assert random.tau2 == 0
    assert random.i2 == 0
    assert random.estimate == pytest.approx(fixed.estimate)
    assert random.se == pytest.approx(fixed.se)


def test_heterogeneity_widens_the_interval_and_evens_out_the_weights():
    y, v = bcg_log_rr()
    fixed, random = inverse_variance(y, v), dersimonian_laird(y, v)
    assert random.tau2 > 0
    assert random.ci_high - random.ci_low > fixed.ci_high - fixed.ci_low
    assert fixed.weights.sum() == pytest.approx(1) and random.weights.sum() == pytest.approx(1)
    assert random.weights.max() < fixed.weights.max()
    assert random.i2 == pytest.approx((random.q - random.df) / random.q)


def test_single_study_pools_to_itself():
    result = dersimonian_laird([0.3], [0.04])
    assert result.estimate == pytest.approx(0.3)
    assert result.se == pytest.approx(0.2)
    assert result.tau2 == 0 and result.df == 0


def test_log_risk_ratio_matches_the_hand_formula_and_corrects_zero_cells():
    y, v = log_risk_ratio([13], [21], [113], [139])
    assert y[0] == pytest.approx(np.log((13 / 21) / (113 / 139)))
    assert v[0] == pytest.approx(1 / 13 - 1 / 21 + 1 / 113 - 1 / 139)
    y0, v0 = log_risk_ratio([0, 5], [10, 10], [3, 5], [10, 10])
    assert np.isfinite(y0).all() and np.isfinite(v0).all()
    assert y0[0] == pytest.approx(np.log((0.5 / 11) / (3.5 / 11)))
    assert y0[1] == pytest.approx(0.0)  # untouched study without a zero cell


def test_se_from_ci_round_trips_at_any_level():
    se = 0.21
    for level, z in [(0.95, 1.959964), (0.80, 1.281552)]:
        low, high = np.exp(np.log(0.5) + np.array([-z, z]) * se)
        assert se_from_ci(low, high, level=level) == pytest.approx(se, rel=1e-5)


@pytest.mark.parametrize(
    "y, v",
    [([0.1, 0.2], [0.1]), ([0.1], [0.0]), ([np.nan], [0.1]), ([], [])],
)
def test_bad_input_is_refused(y, v):
    with pytest.raises(ValueError):
        dersimonian_laird(y, v)


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        log_risk_ratio([12], [10], [3], [10])
