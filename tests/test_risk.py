"""cscbook.risk against independent references: SciPy's Fisher test, statsmodels' intervals."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from cscbook.risk import (
    counts_matching_percent,
    fisher_two_sided,
    hypergeometric_pmf,
    newcombe_difference,
    number_needed_to_treat,
    wilson_interval,
)


def test_hypergeometric_pmf_matches_scipy_and_sums_to_one():
    total, successes, draws = 263, 4, 127
    values = [hypergeometric_pmf(x, total, successes, draws) for x in range(0, 5)]
    reference = stats.hypergeom.pmf(range(0, 5), total, successes, draws)
    assert np.allclose(values, reference, rtol=1e-12)
    assert sum(values) == pytest.approx(1.0)
    assert hypergeometric_pmf(5, total, successes, draws) == 0.0


@pytest.mark.parametrize("table", [(127, 0, 132, 4), (3, 1, 1, 3), (0, 10, 5, 5), (7, 2, 8, 1),
                                   (1, 0, 0, 1), (12, 5, 3, 9), (0, 0, 4, 6)])
def test_fisher_matches_scipy_on_chosen_tables(table):
    a, b, c, d = table
    expected = stats.fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue
    assert fisher_two_sided(a, b, c, d) == pytest.approx(expected, rel=1e-9)


def test_fisher_matches_scipy_on_many_random_tables():
    rng = np.random.default_rng(16)
    for a, b, c, d in rng.integers(0, 25, size=(200, 4)):
        expected = stats.fisher_exact([[a, b], [c, d]]).pvalue
        assert fisher_two_sided(int(a), int(b), int(c), int(d)) == pytest.approx(expected, rel=1e-8)


def test_apl0406_remission_table_gives_the_published_p_value():
    # Platzbecker et al. 2017: 127 of 127 vs 132 of 136 in complete remission, P = .12
    assert round(fisher_two_sided(127, 0, 132, 4), 2) == 0.12


def test_wilson_interval_matches_statsmodels():
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    for k, n in [(0, 10), (1, 21), (127, 127), (132, 136), (71, 176), (34, 72)]:
        low, high = proportion.proportion_confint(k, n, alpha=0.05, method="wilson")
        assert wilson_interval(k, n) == pytest.approx((low, high), abs=1e-12)


def test_newcombe_difference_matches_statsmodels():
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    cases = [(127, 127, 132, 136), (64, 158, 16, 161), (34, 72, 11, 74), (0, 20, 3, 20),
             (5, 5, 0, 5), (10, 40, 12, 38)]
    for k1, n1, k2, n2 in cases:
        low, high = proportion.confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
        difference, my_low, my_high = newcombe_difference(k1, n1, k2, n2)
        assert difference == pytest.approx(k1 / n1 - k2 / n2)
        assert (my_low, my_high) == pytest.approx((low, high), abs=1e-10)
        assert -1 <= my_low <= difference <= my_high <= 1


def test_interval_widens_with_confidence():
    narrow = newcombe_difference(34, 72, 11, 74, confidence=0.80)
    wide = newcombe_difference(34, 72, 11, 74, confidence=0.99)
    assert wide[1] < narrow[1] and wide[2] > narrow[2]


def test_nnt_inverts_and_swaps_the_limits_when_the_interval_excludes_zero():
    result = number_needed_to_treat(0.25, 0.10, 0.40)
    assert result.nnt == pytest.approx(4.0)
    assert result.benefit_bound == pytest.approx(2.5)
    assert result.harm_bound is None
    assert not result.crosses_zero
    assert result.describe() == "NNTB 4.0 (95% CI 2.5 to 10.0)"


def test_nnt_interval_runs_through_infinity_when_the_difference_interval_contains_zero():
    # Altman (1998): an ARR interval of -5% to +25% becomes NNTB 4 to infinity to NNTH 20
    result = number_needed_to_treat(0.10, -0.05, 0.25)
    assert result.crosses_zero
    assert result.benefit_bound == pytest.approx(4.0)
    assert result.harm_bound == pytest.approx(20.0)
    assert "infinity" in result.describe()


def test_nnt_for_harm_and_invalid_input():
    harm = number_needed_to_treat(-0.2, -0.3, -0.1)
    assert harm.nnt == pytest.approx(-5.0)
    assert harm.describe().startswith("NNTH 5.0")
    with pytest.raises(ValueError):
        number_needed_to_treat(0.0, -0.1, 0.1)
    with pytest.raises(ValueError):
        number_needed_to_treat(0.5, 0.1, 0.4)


def test_counts_matching_percent_recovers_a_count_only_when_the_rounding_allows():
    for n in (7, 21, 72, 158, 176):
        for k in range(n + 1):
            for decimals in (0, 1):
                percent = round(100 * k / n, decimals)
                assert k in counts_matching_percent(percent, n, decimals)
    assert counts_matching_percent(40.3, 176) == [71]
    assert counts_matching_percent(19.3, 176) == [34]
    # with a large denominator and a whole-number percentage several counts fit
    assert len(counts_matching_percent(40, 1000, decimals=0)) > 1
    assert all(math.isclose(round(100 * k / 74), 15) for k in counts_matching_percent(15, 74, 0))


def test_invalid_counts_are_rejected():
    for args in [(-1, 10), (11, 10), (1, 0), (1.5, 10)]:
        with pytest.raises(ValueError):
            wilson_interval(*args)
    with pytest.raises(ValueError):
        fisher_two_sided(-1, 2, 3, 4)


def test_fisher_p_value_is_a_probability_for_every_small_table():
    for a, b, c, d in itertools.product(range(4), repeat=4):
        if a + b + c + d == 0:
            continue
        assert 0 < fisher_two_sided(a, b, c, d) <= 1
