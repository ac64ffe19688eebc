"""The 3+3 dose-escalation helpers against independent references.

The reference for the exact operating characteristics is a brute-force walk through every
possible trial (each cohort's number of DLTs, with its binomial probability from
scipy.stats), written without the closed-form escalation probability the module uses.
The simulator must agree with it within Monte Carlo error.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cscbook.doseescalation import (
    dlt_probabilities,
    fibonacci_doses,
    probability_of_escalating,
    simulate_three_plus_three,
    three_plus_three_exact,
    true_mtd_level,
)


def enumerate_trials(p):
    """Every path of a 3+3 trial: (probability, declared MTD, patients per level)."""
    paths = []

    def walk(level, prob, patients):
        if level == len(p):
            paths.append((prob, len(p) - 1, patients))
            return
        for first in range(4):
            p_first = stats.binom.pmf(first, 3, p[level])
            if first == 0:
                walk(level + 1, prob * p_first, patients + [3])
            elif first == 1:
                for second in range(4):
                    p_both = p_first * stats.binom.pmf(second, 3, p[level])
                    if second == 0:
                        walk(level + 1, prob * p_both, patients + [6])
                    else:
                        paths.append((prob * p_both, level - 1, patients + [6]))
            else:
                paths.append((prob * p_first, level - 1, patients + [3]))

    walk(0, 1.0, [])
    return paths


SCENARIOS = [
    [0.05, 0.10, 0.20, 0.30, 0.50],
    [0.30, 0.45, 0.60],
    [0.01, 0.02, 0.03, 0.05, 0.08, 0.12],
    list(dlt_probabilities(fibonacci_doses(10), td50=110, slope=3)),
]


@pytest.mark.parametrize("p", SCENARIOS)
def test_exact_operating_characteristics_match_a_brute_force_enumeration(p):
    paths = enumerate_trials(p)
    assert sum(prob for prob, _, _ in paths) == pytest.approx(1.0)
    exact = three_plus_three_exact(p)
    for level in range(-1, len(p)):
        expected = sum(prob for prob, mtd, _ in paths if mtd == level)
        assert exact.loc[level, "p_declared_mtd"] == pytest.approx(expected, abs=1e-12)
    for level in range(len(p)):
        patients = sum(prob * (n[level] if level < len(n) else 0) for prob, _, n in paths)
        assert exact.loc[level, "expected_patients"] == pytest.approx(patients, abs=1e-12)
    assert exact["p_declared_mtd"].sum() == pytest.approx(1.0)


def test_escalation_probability_is_the_textbook_table():
    # P(pass a level) = P(0/3) + P(1/3) P(0/3); at p = 0.1 ... 0.6 the standard table
    # reads 0.91, 0.71, 0.49, 0.31, 0.17, 0.08
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    assert probability_of_escalating(p).round(2).tolist() == [0.91, 0.71, 0.49, 0.31, 0.17, 0.08]
    # decreasing in p, from 1 (no toxicity) to 0 (certain toxicity)
    grid = np.linspace(0, 1, 101)
    assert np.all(np.diff(probability_of_escalating(grid)) <= 0)


@pytest.mark.parametrize("p", SCENARIOS[:2] + SCENARIOS[3:])
def test_simulation_agrees_with_the_exact_calculation(p):
    n = 40_000
    trials = simulate_three_plus_three(p, n, np.random.default_rng(20261201))
    exact = three_plus_three_exact(p)
    simulated = trials.mtd_distribution()
    # each share within 4.5 binomial standard errors of the exact probability
    se = np.sqrt(exact["p_declared_mtd"] * (1 - exact["p_declared_mtd"]) / n) + 1e-9
    assert np.all(np.abs(simulated - exact["p_declared_mtd"]) < 4.5 * se + 1e-12)
    mean_patients = trials.patients.mean(axis=0)
    assert mean_patients == pytest.approx(exact.loc[0:, "expected_patients"].to_numpy(), abs=0.05)
    mean_dlts = trials.dlts.mean(axis=0)
    assert mean_dlts == pytest.approx(exact.loc[0:, "expected_dlts"].to_numpy(), abs=0.05)


def test_simulated_trials_follow_the_rule():
    trials = simulate_three_plus_three([0.2, 0.35, 0.5], 5000, np.random.default_rng(3))
    assert set(np.unique(trials.patients)) <= {0, 3, 6}
    # a level with 6 patients had exactly 1 DLT in its first cohort, so at least 1 in all
    assert np.all(trials.dlts[trials.patients == 6] >= 1)
    # levels above the stopping level are never treated
    for row, mtd in zip(trials.patients, trials.declared_mtd, strict=True):
        assert np.all(row[mtd + 2:] == 0)


def test_dose_helpers():
    assert np.round(fibonacci_doses(10)).tolist() == [10, 20, 33, 50, 70, 93, 124]
    p = dlt_probabilities([50, 100, 200], td50=100, slope=2)
    assert p.tolist() == pytest.approx([0.2, 0.5, 0.8])
    assert true_mtd_level([0.3, 0.4], target=0.25) == -1
    assert true_mtd_level([0.1, 0.25, 0.3], target=0.25) == 1
    with pytest.raises(ValueError):
        three_plus_three_exact([0.2, 1.2])
    with pytest.raises(ValueError):
        dlt_probabilities([0, 10], td50=10, slope=1)
