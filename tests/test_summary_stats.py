"""Tests for cscbook.summary_stats (Welch's t-test from published summary statistics)."""

import math

import numpy as np
import pytest
from scipy import stats

from cscbook.summary_stats import implied_group_size, welch_t_from_summary


@pytest.mark.parametrize(
    "mean_1, sd_1, n_1, mean_2, sd_2, n_2",
    [
        (3.8, 1.9, 8, 10.7, 3.7, 8),
        (1.15, 0.72, 10, 5.82, 1.16, 10),
        (0.0, 1.0, 3, 0.5, 4.0, 12),
        (10.0, 2.0, 25, 9.0, 0.5, 4),
    ],
)
def test_welch_matches_scipy(mean_1, sd_1, n_1, mean_2, sd_2, n_2):
    result = welch_t_from_summary(mean_1, sd_1, n_1, mean_2, sd_2, n_2)
    check = stats.ttest_ind_from_stats(mean_2, sd_2, n_2, mean_1, sd_1, n_1, equal_var=False)
    assert math.isclose(result.t, check.statistic, rel_tol=1e-12)
    assert math.isclose(result.p, check.pvalue, rel_tol=1e-9)


def test_equal_variances_and_sizes_give_student_degrees_of_freedom():
    result = welch_t_from_summary(0.0, 2.0, 6, 1.0, 2.0, 6)
    assert math.isclose(result.df, 10.0)


def test_interval_is_centred_on_the_difference_and_contains_it():
    result = welch_t_from_summary(1.16, 0.75, 10, 5.48, 0.94, 10, confidence=0.9)
    assert math.isclose((result.ci_low + result.ci_high) / 2, result.difference)
    assert result.ci_low < result.difference < result.ci_high
    wider = welch_t_from_summary(1.16, 0.75, 10, 5.48, 0.94, 10, confidence=0.99)
    assert wider.ci_high - wider.ci_low > result.ci_high - result.ci_low


def test_zhou2008_expression_t_statistics_are_reproduced_with_ten_per_group():
    # Zhou et al. 2008 (doi:10.3748/wjg.14.925), abstract: ABCB1 1.15 +/- 0.72 vs
    # 5.82 +/- 1.16, t = 10.839; ABCG2 1.16 +/- 0.75 vs 5.48 +/- 0.94, t = 11.305.
    for (m1, s1, m2, s2, t_published) in [
        (1.15, 0.72, 5.82, 1.16, 10.839),
        (1.16, 0.75, 5.48, 0.94, 11.305),
    ]:
        n = implied_group_size(t_published, m1, s1, m2, s2)
        assert round(n) == 10
        result = welch_t_from_summary(m1, s1, 10, m2, s2, 10)
        assert result.t == pytest.approx(t_published, rel=0.01)


def test_zhou2008_side_population_comparison_implies_about_eight_per_group():
    # Abstract: SP fraction 3.8% +/- 1.9% before vs 10.7% +/- 3.7% after gemcitabine,
    # t = 4.616, P = 0.001.
    n = implied_group_size(4.616, 3.8, 1.9, 10.7, 3.7)
    assert 7 < n < 8.5
    result = welch_t_from_summary(3.8, 1.9, 8, 10.7, 3.7, 8)
    assert result.p == pytest.approx(0.001, abs=0.0005)


def test_implied_group_size_inverts_the_t_statistic():
    rng = np.random.default_rng(5)
    for _ in range(20):
        m1, m2 = rng.normal(size=2)
        s1, s2 = rng.uniform(0.2, 2.0, size=2)
        n = int(rng.integers(2, 40))
        t = welch_t_from_summary(m1, s1, n, m2, s2, n).t
        assert implied_group_size(t, m1, s1, m2, s2) == pytest.approx(n)


@pytest.mark.parametrize(
    "args",
    [
        (0.0, 1.0, 1, 1.0, 1.0, 5),
        (0.0, -1.0, 5, 1.0, 1.0, 5),
        (0.0, 0.0, 5, 1.0, 0.0, 5),
    ],
)
def test_invalid_inputs_are_rejected(args):
    with pytest.raises(ValueError):
        welch_t_from_summary(*args)


def test_equal_means_have_no_implied_group_size():
    with pytest.raises(ValueError):
        implied_group_size(2.0, 1.0, 0.5, 1.0, 0.5)
