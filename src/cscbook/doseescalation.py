"""First-in-human dose escalation: the 3+3 design, exactly and by simulation.

A phase I trial gives a new drug to small cohorts of patients at rising dose levels and
watches for dose-limiting toxicities (DLTs). The 3+3 design is a fixed rule:

- treat 3 patients at the current level;
- 0 of 3 with a DLT: go up one level;
- 1 of 3: treat 3 more at the same level; 1 of 6 in all: go up; 2 or more of 6: stop;
- 2 or more of 3: stop.

When the trial stops at a level, the level just below is declared the maximum tolerated
dose (MTD). Stopping at the first level declares none; clearing the highest level
declares the highest. Many protocols add patients at the declared MTD before naming it;
this module follows the plain rule above (Storer's "A" design, as Le Tourneau et al.
2009 describe it).

Because each level is an independent binomial experiment, the probabilities of every
outcome can be computed exactly (:func:`three_plus_three_exact`); the simulator
(:func:`simulate_three_plus_three`) runs many trials at once and must agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "ThreePlusThreeTrials",
    "dlt_probabilities",
    "fibonacci_doses",
    "probability_of_escalating",
    "simulate_three_plus_three",
    "three_plus_three_exact",
    "true_mtd_level",
]


def fibonacci_doses(start: float, increments=(1.0, 0.67, 0.5, 0.4, 0.33, 0.33)) -> np.ndarray:
    """Dose levels that rise by shrinking steps ("modified Fibonacci").

    Parameters
    ----------
    start : float
        The first (lowest) dose.
    increments : sequence of float
        Relative increase from each level to the next (1.0 doubles the dose).

    Returns
    -------
    numpy.ndarray
        ``len(increments) + 1`` doses, from ``start`` upwards.

    Examples
    --------
    >>> fibonacci_doses(10, increments=(1.0, 0.5)).tolist()
    [10.0, 20.0, 30.0]
    """
    factors = np.concatenate([[1.0], 1.0 + np.asarray(increments, dtype=float)])
    return float(start) * np.cumprod(factors)


def dlt_probabilities(doses, td50: float, slope: float) -> np.ndarray:
    """Probability of a dose-limiting toxicity under a logistic curve in log dose.

    ``p = 1 / (1 + (td50 / dose) ** slope)``: the same shape as a Hill curve, with
    ``td50`` the dose at which half of the patients have a DLT.

    Parameters
    ----------
    doses : array_like
        Doses (same unit as ``td50``), all positive.
    td50 : float
        Dose with a 50% probability of a DLT.
    slope : float
        Steepness (the Hill slope); larger values give a sharper rise.

    Returns
    -------
    numpy.ndarray
        DLT probabilities, one per dose.

    Examples
    --------
    >>> dlt_probabilities([50, 100, 200], td50=100, slope=1).round(3).tolist()
    [0.333, 0.5, 0.667]
    """
    doses = np.asarray(doses, dtype=float)
    if np.any(doses <= 0) or td50 <= 0:
        raise ValueError("doses and td50 must be positive")
    return 1.0 / (1.0 + (td50 / doses) ** slope)


def probability_of_escalating(p) -> np.ndarray:
    """Probability that the 3+3 rule passes a level whose true DLT probability is ``p``.

    The level is passed with 0 DLTs in 3 patients, or exactly 1 in 3 and then 0 in 3
    more: ``(1 - p)**3 + 3 p (1 - p)**2 * (1 - p)**3``.

    Parameters
    ----------
    p : float or array_like
        True DLT probability of each level, between 0 and 1.

    Returns
    -------
    numpy.ndarray
        Probability of escalating past each level, the same shape as ``p``.

    Examples
    --------
    >>> float(probability_of_escalating(0.0)), float(probability_of_escalating(1.0))
    (1.0, 0.0)
    >>> round(float(probability_of_escalating(0.5)), 4)
    0.1719
    """
    p = np.asarray(p, dtype=float)
    q = 1.0 - p
    return q**3 + 3.0 * p * q**2 * q**3


def true_mtd_level(p, target: float) -> int:
    """Index of the highest level whose DLT probability does not exceed ``target``.

    Returns -1 when even the first level is above the target.

    Parameters
    ----------
    p : array_like
        True DLT probability at each dose level, lowest first.
    target : float
        Highest acceptable DLT probability.

    Returns
    -------
    int
        Index of the true MTD level, or -1 when no level is at or below ``target``.

    Examples
    --------
    >>> true_mtd_level([0.05, 0.15, 0.3, 0.5], target=0.25)
    1
    """
    p = np.asarray(p, dtype=float)
    below = np.flatnonzero(p <= target)
    return int(below.max()) if below.size else -1


def three_plus_three_exact(p) -> pd.DataFrame:
    """Exact operating characteristics of the 3+3 design for DLT probabilities ``p``.

    Parameters
    ----------
    p : array_like
        True DLT probability at each dose level, lowest first.

    Returns
    -------
    pandas.DataFrame
        One row per level ``0 .. K-1`` plus a row ``-1`` (no dose declared), indexed by
        ``level``, with columns ``p_dlt`` (the level's DLT probability; missing for -1),
        ``p_reach`` (probability the trial treats patients at the level),
        ``p_declared_mtd`` (probability the level is declared the MTD; sums to 1 over
        the rows), ``expected_patients`` and ``expected_dlts`` (at the level, averaged
        over trials).

    Examples
    --------
    >>> exact = three_plus_three_exact([0.0, 1.0])
    >>> exact["p_declared_mtd"].tolist()
    [0.0, 1.0, 0.0]
    >>> float(exact["expected_patients"].sum())
    6.0
    """
    p = np.asarray(p, dtype=float)
    if p.ndim != 1 or p.size == 0 or np.any((p < 0) | (p > 1)):
        raise ValueError("p must be a non-empty list of probabilities")
    passed = probability_of_escalating(p)
    reach = np.concatenate([[1.0], np.cumprod(passed)[:-1]])
    stop_here = reach * (1.0 - passed)
    one_of_three = 3.0 * p * (1.0 - p) ** 2
    patients = reach * (3.0 + 3.0 * one_of_three)
    dlts = reach * 3.0 * p * (1.0 + one_of_three)
    # stopping at level i declares level i - 1; clearing every level declares the top
    declared = np.concatenate([stop_here[1:], [reach[-1] * passed[-1]]])
    table = pd.DataFrame({
        "level": np.arange(-1, p.size),
        "p_dlt": np.concatenate([[np.nan], p]),
        "p_reach": np.concatenate([[np.nan], reach]),
        "p_declared_mtd": np.concatenate([[stop_here[0]], declared]),
        "expected_patients": np.concatenate([[0.0], patients]),
        "expected_dlts": np.concatenate([[0.0], dlts]),
    })
    return table.set_index("level")


@dataclass(frozen=True)
class ThreePlusThreeTrials:
    """Simulated 3+3 trials: one row per trial, one column per dose level.

    Attributes
    ----------
    declared_mtd : numpy.ndarray
        Declared MTD level of each trial (-1: none).
    patients : numpy.ndarray
        Patients treated at each level (trials x levels).
    dlts : numpy.ndarray
        DLTs seen at each level (trials x levels).
    """

    declared_mtd: np.ndarray
    patients: np.ndarray
    dlts: np.ndarray

    @property
    def n_trials(self) -> int:
        return int(self.declared_mtd.size)

    def mtd_distribution(self, n_levels: int | None = None) -> pd.Series:
        """Share of trials declaring each level (index -1 .. K-1) the MTD."""
        n_levels = self.patients.shape[1] if n_levels is None else n_levels
        counts = np.bincount(self.declared_mtd + 1, minlength=n_levels + 1)
        return pd.Series(counts / self.n_trials, index=pd.Index(np.arange(-1, n_levels), name="level"))


def simulate_three_plus_three(p, n_trials: int, rng: np.random.Generator) -> ThreePlusThreeTrials:
    """Simulate ``n_trials`` independent 3+3 trials at once.

    The loop runs over dose levels (a handful), not over trials: at each level every
    trial still escalating draws its cohorts together.

    Parameters
    ----------
    p : array_like
        True DLT probability at each dose level, lowest first.
    n_trials : int
        Number of trials to simulate.
    rng : numpy.random.Generator
        Source of randomness (seed it for reproducible results).

    Returns
    -------
    ThreePlusThreeTrials

    Examples
    --------
    >>> trials = simulate_three_plus_three([0.0, 1.0], 5, np.random.default_rng(1))
    >>> trials.declared_mtd.tolist()
    [0, 0, 0, 0, 0]
    >>> trials.patients.sum(axis=1).tolist()
    [6, 6, 6, 6, 6]
    """
    p = np.asarray(p, dtype=float)
    if p.ndim != 1 or p.size == 0 or np.any((p < 0) | (p > 1)):
        raise ValueError("p must be a non-empty list of probabilities")
    n_levels = p.size
    patients = np.zeros((n_trials, n_levels), dtype=int)
    dlts = np.zeros((n_trials, n_levels), dtype=int)
    declared = np.full(n_trials, n_levels - 1)  # trials that clear every level
    active = np.ones(n_trials, dtype=bool)
    for level in range(n_levels):
        rows = np.flatnonzero(active)
        first = rng.binomial(3, p[level], size=rows.size)
        second = np.where(first == 1, rng.binomial(3, p[level], size=rows.size), 0)
        patients[rows, level] = np.where(first == 1, 6, 3)
        dlts[rows, level] = first + second
        stopped = rows[(first + second) >= 2]
        declared[stopped] = level - 1
        active[stopped] = False
    return ThreePlusThreeTrials(declared_mtd=declared, patients=patients, dlts=dlts)
