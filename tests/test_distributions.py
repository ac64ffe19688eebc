"""cscbook.distributions against independent references.

References: SciPy's own maximum-likelihood fit of the log-normal distribution; known
parameters recovered from large seeded samples; a direct numerical maximisation of the
mixture likelihood (scipy.optimize), not EM; brute-force pair counting for the
probability of superiority; statsmodels' t statistic for Cohen's d; closed forms for
the overlap of two normal densities and numerical integration where none exists.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from cscbook.distributions import (
    cohens_d,
    fit_lognormal,
    fit_two_component_mixture,
    geometric_mean_ratio,
    log_mean_difference,
    mixture_log_likelihood,
    normal_overlap,
    probability_of_superiority,
)


def test_lognormal_fit_matches_scipy_maximum_likelihood():
    rng = np.random.default_rng(2009)
    values = rng.lognormal(mean=6.5, sigma=0.8, size=5000)
    fit = fit_lognormal(values)
    shape, loc, scale = stats.lognorm.fit(values, floc=0)
    assert loc == 0
    assert fit.sigma == pytest.approx(shape, rel=1e-4)
    assert fit.geometric_mean == pytest.approx(scale, rel=1e-4)
    # and it recovers the parameters the sample was drawn with
    assert fit.mu == pytest.approx(6.5, abs=0.05)
    assert fit.sigma == pytest.approx(0.8, abs=0.03)
    # the density is SciPy's log-normal density
    grid = np.array([100.0, 700.0, 3000.0])
    assert fit.pdf(grid) == pytest.approx(stats.lognorm.pdf(grid, s=shape, scale=scale), rel=1e-3)


def test_lognormal_fit_rejects_values_that_have_no_log():
    with pytest.raises(ValueError):
        fit_lognormal([1.0, 0.0, 3.0])
    with pytest.raises(ValueError):
        fit_lognormal([1.0, -2.0])


def test_mixture_recovers_known_parameters_from_a_large_seeded_sample():
    # Components 2.8 standard deviations apart: EM converges in about 250 iterations (at
    # 2 apart and 60,000 values it needed over 1,300 and most of this file's time).
    rng = np.random.default_rng(2013)
    n = 30_000
    low = rng.random(n) < 0.55
    y = np.where(low, rng.normal(2.5, 0.25, n), rng.normal(3.2, 0.30, n))
    fit = fit_two_component_mixture(y)
    assert fit.converged
    assert fit.weights[0] == pytest.approx(0.55, abs=0.02)
    assert fit.means == pytest.approx((2.5, 3.2), abs=0.02)
    assert fit.sds == pytest.approx((0.25, 0.30), abs=0.02)
    # responsibilities are probabilities and classify most events correctly
    resp = fit.responsibilities(y)
    assert np.allclose(resp.sum(axis=1), 1)
    assert np.mean((resp[:, 0] > 0.5) == low) > 0.8


def test_em_reaches_the_maximum_found_by_a_general_optimiser():
    rng = np.random.default_rng(7)
    y = np.r_[rng.normal(0.0, 1.0, 1500), rng.normal(2.2, 0.6, 900)]
    fit = fit_two_component_mixture(y)

    def negative_log_likelihood(theta):
        logit_w, m1, m2, log_s1, log_s2 = theta
        w = 1 / (1 + np.exp(-logit_w))
        return -mixture_log_likelihood(y, (w, 1 - w), (m1, m2), (np.exp(log_s1), np.exp(log_s2)))

    start = np.array([0.0, -0.5, 2.5, 0.0, 0.0])
    best = optimize.minimize(negative_log_likelihood, start, method="Nelder-Mead",
                             options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 20000, "maxfev": 20000})
    assert fit.log_likelihood == pytest.approx(-best.fun, abs=1e-3)
    w = 1 / (1 + np.exp(-best.x[0]))
    assert fit.weights[0] == pytest.approx(w, abs=1e-3)
    assert fit.means == pytest.approx(tuple(best.x[1:3]), abs=1e-3)
    # a better fit than the parameters the data were drawn with, as a maximum must be
    truth = mixture_log_likelihood(y, (1500 / 2400, 900 / 2400), (0.0, 2.2), (1.0, 0.6))
    assert fit.log_likelihood >= truth


def test_mixture_density_integrates_to_one_and_bic_counts_five_parameters():
    rng = np.random.default_rng(3)
    y = rng.normal(0, 1, 500)
    fit = fit_two_component_mixture(y)
    area, _ = integrate.quad(lambda v: float(fit.pdf([v])[0]), -15, 15)
    assert area == pytest.approx(1.0, abs=1e-6)
    assert fit.bic == pytest.approx(-2 * fit.log_likelihood + 5 * np.log(500))


def test_log_mean_difference_and_geometric_mean_ratio():
    reference = np.array([10.0, 1000.0])  # geometric mean 100
    other = np.array([50.0, 200.0])  # geometric mean 100
    assert log_mean_difference(reference, other) == pytest.approx(0.0, abs=1e-12)
    assert geometric_mean_ratio(reference, other) == pytest.approx(1.0)
    # ... although the arithmetic means differ about fourfold
    assert reference.mean() / other.mean() == pytest.approx(505 / 125)
    assert geometric_mean_ratio([2.0, 8.0], [1.0, 4.0]) == pytest.approx(0.5)


def test_cohens_d_agrees_with_the_statsmodels_t_statistic():
    from statsmodels.stats.weightstats import ttest_ind

    rng = np.random.default_rng(11)
    a, b = rng.normal(0, 1, 40), rng.normal(0.7, 1.3, 55)
    t, _, _ = ttest_ind(b, a, usevar="pooled")
    assert cohens_d(a, b) == pytest.approx(t * np.sqrt(1 / 40 + 1 / 55), rel=1e-10)


def test_probability_of_superiority_counts_pairs():
    rng = np.random.default_rng(5)
    a = rng.integers(0, 6, 30).astype(float)  # many ties on purpose
    b = rng.integers(1, 7, 25).astype(float)
    diff = b[:, None] - a[None, :]
    brute = ((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size
    assert probability_of_superiority(a, b) == pytest.approx(brute, abs=1e-12)
    # the same on a log scale: it depends on ranks only
    assert probability_of_superiority(np.exp(a), np.exp(b)) == pytest.approx(brute, abs=1e-12)


def test_probability_of_superiority_for_normals_is_phi_of_delta_over_root_two():
    rng = np.random.default_rng(1992)
    a, b = rng.normal(0, 1, 100_000), rng.normal(0.5, 1, 100_000)
    assert probability_of_superiority(a, b) == pytest.approx(stats.norm.cdf(0.5 / np.sqrt(2)), abs=0.005)


@pytest.mark.parametrize("delta", [0.0, 0.3, 1.0, 2.5])
def test_overlap_of_equal_variance_normals_has_a_closed_form(delta):
    assert normal_overlap(1.0, 0.4, 1.0 + delta * 0.4, 0.4) == pytest.approx(
        2 * stats.norm.cdf(-abs(delta) / 2), abs=1e-10)


@pytest.mark.parametrize("params", [(0.0, 1.0, 1.0, 2.0), (2.5, 0.25, 3.0, 0.3), (0.0, 0.5, 0.0, 1.5)])
def test_overlap_of_unequal_variance_normals_matches_numerical_integration(params):
    m1, s1, m2, s2 = params
    area, _ = integrate.quad(
        lambda x: min(stats.norm.pdf(x, m1, s1), stats.norm.pdf(x, m2, s2)), -30, 30, limit=400,
        points=[m1, m2])
    assert normal_overlap(m1, s1, m2, s2) == pytest.approx(area, abs=1e-7)
    assert normal_overlap(m2, s2, m1, s1) == pytest.approx(area, abs=1e-7)
