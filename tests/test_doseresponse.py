"""The 4PL helper finds the least-squares curve, inverts it correctly and bootstraps reproducibly."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from cscbook.doseresponse import bootstrap_four_pl, fit_four_pl, four_pl

# Root length of perennial ryegrass (cm) against ferulic acid (mM): the standard single
# dose-response curve distributed with the R package drc as `ryegrass` (source: Inderjit,
# Streibig and Olofsdotter 2002, Physiologia Plantarum 114:422-428; values as in the
# package's data set, 24 observations).
RYEGRASS_CONC = np.repeat([0.94, 1.88, 3.75, 7.5, 15.0, 30.0], 3)
RYEGRASS_ROOT = np.array([
    8.355555556, 6.914285714, 7.75, 6.871428571, 6.45, 5.922222222, 1.925, 2.885714286,
    4.233333333, 1.1875, 0.857142857, 1.057142857, 0.6875, 0.525, 0.825, 0.25, 0.22, 0.44,
])


def independent_least_squares(concentration, response, start):
    """Minimise the residual sum of squares directly, on the natural IC50 scale."""

    def rss(theta):
        bottom, top, ic50, hill = theta
        if ic50 <= 0:
            return np.inf
        return np.sum((response - four_pl(concentration, bottom, top, ic50, hill)) ** 2)

    result = optimize.minimize(rss, start, method="Nelder-Mead",
                               options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 40_000, "maxfev": 40_000})
    return result.x


def test_noiseless_curve_is_recovered_exactly():
    concentration = np.geomspace(0.001, 10, 9).repeat(2)
    truth = {"bottom": 0.05, "top": 0.98, "ic50": 0.2, "hill": 1.4}
    fit = fit_four_pl(concentration, four_pl(concentration, **truth))
    for name, value in truth.items():
        assert fit.params[name] == pytest.approx(value, rel=1e-6)
    assert fit.residual_sd == pytest.approx(0, abs=1e-8)


def test_fit_agrees_with_an_independent_minimiser_on_published_ryegrass_data():
    ours = fit_four_pl(RYEGRASS_CONC, RYEGRASS_ROOT)
    reference = independent_least_squares(RYEGRASS_CONC, RYEGRASS_ROOT, [0.5, 8.0, 3.0, 2.0])
    assert [ours.bottom, ours.top, ours.ic50, ours.hill] == pytest.approx(reference, rel=1e-4)
    # the ryegrass roots are about half as long as at the lowest dose between 1.88 and 3.75 mM
    assert 1.88 < ours.ic50 < 3.75


def test_standard_error_matches_the_textbook_formula():
    ours = fit_four_pl(RYEGRASS_CONC, RYEGRASS_ROOT)
    # covariance = s^2 (J'J)^-1 at the optimum, J the Jacobian of (bottom, top, log10 IC50, hill)
    theta = np.array([ours.bottom, ours.top, ours.log10_ic50, ours.hill])
    step = 1e-6

    def model(t):
        return four_pl(RYEGRASS_CONC, t[0], t[1], 10 ** t[2], t[3])

    jac = np.column_stack(
        [(model(theta + step * e) - model(theta - step * e)) / (2 * step) for e in np.eye(4)]
    )
    covariance = ours.residual_sd**2 * np.linalg.inv(jac.T @ jac)
    assert ours.se_log10_ic50 == pytest.approx(np.sqrt(covariance[2, 2]), rel=1e-4)


def test_concentration_at_inverts_the_curve_and_separates_relative_and_absolute_ic50():
    concentration = np.geomspace(0.01, 100, 9)
    fit = fit_four_pl(concentration, four_pl(concentration, 0.2, 1.0, 1.5, 1.0))
    assert fit.concentration_at(0.6) == pytest.approx(fit.ic50)  # half-way between plateaus
    absolute = fit.concentration_at(0.5)
    assert fit.predict(absolute) == pytest.approx(0.5)
    assert absolute > fit.ic50  # a raised bottom plateau pushes the absolute IC50 up
    assert np.isnan(fit.concentration_at(0.1))  # below the bottom plateau: never reached


def test_bootstrap_is_reproducible_and_agrees_with_the_wald_interval():
    rng = np.random.default_rng(7)
    concentration = np.geomspace(0.001, 10, 9).repeat(4)
    response = four_pl(concentration, 0.05, 1.0, 0.1, 1.2) + rng.normal(0, 0.03, concentration.size)
    first = bootstrap_four_pl(concentration, response, n_boot=200, seed=11)
    again = bootstrap_four_pl(concentration, response, n_boot=200, seed=11)
    other = bootstrap_four_pl(concentration, response, n_boot=200, seed=12)
    assert np.array_equal(first.samples, again.samples)
    assert not np.array_equal(first.samples, other.samples)
    assert first.samples.shape == (200 - first.n_failed, 4)
    fit = fit_four_pl(concentration, response)
    low, high = first.interval("ic50")
    assert low < fit.ic50 < high
    # with many wells per concentration the bootstrap and the curve_fit (Wald) intervals,
    # both on the log scale, should be of similar width
    wald_width = 2 * 1.96 * fit.se_log10_ic50
    assert 0.5 < np.log10(high / low) / wald_width < 2


@pytest.mark.parametrize(
    "concentration, response, message",
    [([0, 1, 2, 3], [1, 0.8, 0.5, 0.2], "positive"),
     ([1, 2, 3], [1, 0.5, 0.2], "four distinct"),
     ([1, 2, 3, 4], [1, 0.5, np.nan, 0.1], "finite"),
     ([1, 2, 3, 4], [1, 0.5], "equal length")],
)
def test_bad_input_is_refused_with_a_clear_message(concentration, response, message):
    with pytest.raises(ValueError, match=message):
        fit_four_pl(concentration, response)


def test_a_rising_curve_is_not_reported_as_an_ic50():
    concentration = np.geomspace(0.01, 100, 9)
    with pytest.raises(RuntimeError, match="falling curve"):
        fit_four_pl(concentration, four_pl(concentration, 1.0, 0.0, 1.0, 1.0) + 0.0)
