"""The single-hit model agrees with an independent GLM fit and behaves like a sound estimator."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from cscbook import load
from cscbook.dilution import compare_groups, fit_single_hit, positive_probability, slope_test


def elda_arrays():
    table = load("elda_example")
    return (
        table["cells_per_well"].to_numpy(float),
        table["wells_tested"].to_numpy(float),
        table["wells_positive"].to_numpy(float),
    )


def statsmodels_fit(dose, tested, positive, free_slope=False):
    """The method Hu and Smyth (2009) describe: binomial GLM, cloglog link, offset log(dose)."""
    endog = np.column_stack([positive, tested - positive])
    family = sm.families.Binomial(link=sm.families.links.CLogLog())
    if free_slope:
        return sm.GLM(endog, sm.add_constant(np.log(dose)), family=family).fit()
    return sm.GLM(endog, np.ones((len(dose), 1)), family=family, offset=np.log(dose)).fit()


def test_elda_example_matches_an_independent_glm():
    dose, tested, positive = elda_arrays()
    ours = fit_single_hit(dose, tested, positive)
    reference = statsmodels_fit(dose, tested, positive)
    assert ours.log_frequency == pytest.approx(reference.params[0], rel=1e-6)
    assert ours.se_log_frequency == pytest.approx(reference.bse[0], rel=1e-4)
    low, high = ours.interval
    ref_low, ref_high = np.sort(np.exp(-reference.conf_int()[0]))
    assert (low, high) == pytest.approx((ref_low, ref_high), rel=1e-4)


def test_slope_test_matches_the_free_slope_glm():
    dose, tested, positive = elda_arrays()
    ours = slope_test(dose, tested, positive)
    reference = statsmodels_fit(dose, tested, positive, free_slope=True)
    assert ours.slope == pytest.approx(reference.params[1], rel=1e-4)
    assert ours.se_slope == pytest.approx(reference.bse[1], rel=1e-3)
    fixed = statsmodels_fit(dose, tested, positive)
    assert ours.lr_chisq == pytest.approx(fixed.deviance - reference.deviance, rel=1e-3, abs=1e-6)


def test_group_comparison_is_a_likelihood_ratio_test():
    table = load("dalerba2007_xenografts")
    groups = {}
    for name in ("ESA-high/CD44+", "Other (mainly CD44-/ESA-low)"):
        rows = table[table["population"] == name]
        groups[name] = tuple(rows[c].to_numpy(float) for c in ("cells_injected", "injections", "tumours"))
    result = compare_groups(groups)
    separate = sum(statsmodels_fit(*arrays).llf for arrays in groups.values())
    pooled = statsmodels_fit(*(np.concatenate(parts) for parts in zip(*groups.values(), strict=True))).llf
    assert result.chisq == pytest.approx(2 * (separate - pooled), rel=1e-5)
    assert result.df == 1
    # Dalerba et al. report ESA-high/CD44+ cells as strongly enriched for tumorigenic cells.
    fits = result.fits
    assert fits["ESA-high/CD44+"].frequency > 100 * fits["Other (mainly CD44-/ESA-low)"].frequency


def test_fit_recovers_a_known_frequency_from_a_large_experiment():
    rng = np.random.default_rng(1)
    dose = np.array([10, 30, 100, 300, 1000], dtype=float)
    tested = np.full_like(dose, 2000)
    positive = rng.binomial(2000, positive_probability(dose, 1 / 150))
    fit = fit_single_hit(dose, tested, positive)
    low, high = fit.interval
    assert low < 150 < high
    assert high / low < 1.2


def test_single_hit_data_pass_and_multi_hit_data_fail_the_slope_test():
    dose = np.array([25, 50, 100, 200, 400, 800], dtype=float)
    tested = np.full_like(dose, 400)
    single = positive_probability(dose, 1 / 200) * 400
    double = positive_probability(dose, 1 / 200**2, slope=2) * 400
    assert slope_test(dose, tested, np.round(single)).lr_p > 0.5
    assert slope_test(dose, tested, np.round(double)).slope == pytest.approx(2, abs=0.1)


@pytest.mark.parametrize(
    "positive, message",
    [([0, 0, 0], "all assays negative"), ([5, 5, 5], "all assays negative or all positive"),
     ([6, 1, 1], "between 0 and the number tested")],
)
def test_impossible_or_degenerate_counts_are_refused(positive, message):
    with pytest.raises(ValueError, match=message):
        fit_single_hit([10, 100, 1000], [5, 5, 5], positive)
