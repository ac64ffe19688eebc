"""The single-hit Poisson model of a limiting-dilution assay.

Chapter 1 derives these steps one at a time; this module keeps them in one place
so that later chapters, exercises and tests can reuse them. The method is the
one described by Hu and Smyth (2009) for ELDA: a binomial model with a
complementary log-log link and offset ``log(dose)``,

    P(positive | dose d) = 1 - exp(-f * d ** slope),

fitted by maximum likelihood. Under the single-hit model the slope is 1 and
``f`` is the frequency of active (e.g. tumour-initiating) cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

__all__ = [
    "SingleHitFit",
    "SlopeTest",
    "GroupComparison",
    "fit_single_hit",
    "slope_test",
    "compare_groups",
    "positive_probability",
]


@dataclass(frozen=True)
class SingleHitFit:
    """Result of fitting the single-hit model to one population."""

    log_frequency: float  # natural log of f, the active-cell frequency
    se_log_frequency: float  # Wald standard error of log f
    log_likelihood: float
    confidence: float

    @property
    def frequency(self) -> float:
        """Estimated fraction of cells that are active (f)."""
        return float(np.exp(self.log_frequency))

    @property
    def cells_per_active_cell(self) -> float:
        """1/f: how many cells contain one active cell on average."""
        return float(np.exp(-self.log_frequency))

    @property
    def interval(self) -> tuple[float, float]:
        """Wald interval for 1/f (cells per active cell), as ELDA reports it."""
        z = stats.norm.ppf(0.5 + self.confidence / 2)
        low = np.exp(-(self.log_frequency + z * self.se_log_frequency))
        high = np.exp(-(self.log_frequency - z * self.se_log_frequency))
        return float(low), float(high)


@dataclass(frozen=True)
class SlopeTest:
    """Result of :func:`slope_test`: the free slope on log(dose) and two tests of slope = 1."""

    slope: float  # maximum-likelihood slope on log(dose)
    se_slope: float  # its Wald standard error
    wald_z: float  # (slope - 1) / se_slope
    wald_p: float  # two-sided p-value of the Wald test
    lr_chisq: float  # likelihood-ratio statistic for slope = 1 (1 df)
    lr_p: float  # its p-value


@dataclass(frozen=True)
class GroupComparison:
    """Result of :func:`compare_groups`: a likelihood-ratio test of one shared frequency."""

    chisq: float  # likelihood-ratio chi-square statistic
    df: int  # degrees of freedom: number of groups - 1
    p: float  # p-value
    fits: dict[str, SingleHitFit]  # the separate fit of each group, by name
    pooled: SingleHitFit  # one fit to all groups together


def positive_probability(dose, frequency, slope=1.0):
    """Probability that a well or mouse given ``dose`` cells is positive.

    Parameters
    ----------
    dose : array_like
        Cells per well or mouse.
    frequency : float
        Fraction of cells that are active, ``f``.
    slope : float, optional
        Exponent on ``dose``; 1 under the single-hit model.

    Returns
    -------
    numpy.ndarray
        ``1 - exp(-f * dose ** slope)``, one value per dose.

    Examples
    --------
    >>> p = positive_probability([10, 100, 1000], frequency=0.01)
    >>> print([round(float(value), 3) for value in p])
    [0.095, 0.632, 1.0]
    """
    dose = np.asarray(dose, dtype=float)
    return -np.expm1(-frequency * dose**slope)


def _as_arrays(dose, tested, positive):
    dose = np.asarray(dose, dtype=float)
    tested = np.asarray(tested, dtype=float)
    positive = np.asarray(positive, dtype=float)
    if not (dose.shape == tested.shape == positive.shape) or dose.ndim != 1:
        raise ValueError("dose, tested and positive must be 1-D arrays of equal length")
    if np.any(dose <= 0):
        raise ValueError("every dose must be positive")
    if np.any(positive < 0) or np.any(positive > tested):
        raise ValueError("positive counts must lie between 0 and the number tested")
    return dose, tested, positive


def _log_likelihood(intercept, slope, dose, tested, positive):
    mean_hits = np.exp(intercept + slope * np.log(dose))
    log_p = np.log(-np.expm1(-mean_hits))
    log_q = -mean_hits
    return float(np.sum(positive * log_p + (tested - positive) * log_q))


def _information(intercept, slope, dose, tested):
    """Expected (Fisher) information for (intercept, slope) of the cloglog GLM."""
    mean_hits = np.exp(intercept + slope * np.log(dose))
    p = -np.expm1(-mean_hits)
    dp = mean_hits * np.exp(-mean_hits)
    weight = tested * dp**2 / (p * (1 - p))
    x = np.vstack([np.ones_like(dose), np.log(dose)])
    return (x * weight) @ x.T


def fit_single_hit(dose, tested, positive, confidence: float = 0.95) -> SingleHitFit:
    """Fit the single-hit model (slope fixed at 1) by maximum likelihood.

    Parameters
    ----------
    dose : array_like
        Number of cells per well or mouse.
    tested : array_like
        Number of wells or mice at each dose.
    positive : array_like
        How many of them were positive.
    confidence : float, optional
        Level of the interval for 1/f (``SingleHitFit.interval``).

    Returns
    -------
    SingleHitFit
        ``log_frequency``, ``se_log_frequency``, ``log_likelihood`` and ``confidence``,
        with ``frequency``, ``cells_per_active_cell`` and ``interval`` computed from them.

    Raises
    ------
    ValueError
        When every assay is negative or every assay positive, because the estimate
        then lies on the edge of the parameter space.

    Examples
    --------
    >>> fit = fit_single_hit([10, 100, 1000], [10, 10, 10], [1, 6, 10])
    >>> print(round(fit.cells_per_active_cell, 1))
    106.8
    >>> print([round(v, 1) for v in fit.interval])
    [49.9, 228.9]
    """
    dose, tested, positive = _as_arrays(dose, tested, positive)
    if positive.sum() == 0 or np.all(positive == tested):
        raise ValueError(
            "all assays negative or all positive: the maximum-likelihood frequency is "
            "0 or infinite; report a one-sided bound instead"
        )
    start = np.log(max(positive.sum(), 0.5) / np.sum(tested * dose))
    result = optimize.minimize_scalar(
        lambda a: -_log_likelihood(a, 1.0, dose, tested, positive),
        bracket=(start - 1, start + 1),
    )
    intercept = float(result.x)
    information = _information(intercept, 1.0, dose, tested)[0, 0]
    return SingleHitFit(
        log_frequency=intercept,
        se_log_frequency=float(1 / np.sqrt(information)),
        log_likelihood=-float(result.fun),
        confidence=confidence,
    )


def slope_test(dose, tested, positive) -> SlopeTest:
    """Test the single-hit assumption: is the slope on log(dose) equal to 1?

    Fits the model with a free slope and tests slope = 1 two ways, by the Wald test
    and by the likelihood-ratio test.

    Parameters
    ----------
    dose, tested, positive : array_like
        Cells per well or mouse, how many were tested and how many were positive at
        each dose, as for :func:`fit_single_hit`.

    Returns
    -------
    SlopeTest
        ``slope``, ``se_slope``, ``wald_z``, ``wald_p``, ``lr_chisq`` and ``lr_p``.

    Examples
    --------
    >>> result = slope_test([10, 100, 1000], [10, 10, 10], [1, 6, 10])
    >>> print(round(result.slope, 2), round(result.se_slope, 2), round(result.lr_p, 2))
    0.95 0.42 0.91
    """
    dose, tested, positive = _as_arrays(dose, tested, positive)
    fixed = fit_single_hit(dose, tested, positive)
    result = optimize.minimize(
        lambda theta: -_log_likelihood(theta[0], theta[1], dose, tested, positive),
        x0=[fixed.log_frequency, 1.0],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000},
    )
    intercept, slope = (float(v) for v in result.x)
    covariance = np.linalg.inv(_information(intercept, slope, dose, tested))
    se_slope = float(np.sqrt(covariance[1, 1]))
    z = (slope - 1) / se_slope
    lr = max(0.0, 2 * (-float(result.fun) - fixed.log_likelihood))
    return SlopeTest(
        slope=slope,
        se_slope=se_slope,
        wald_z=float(z),
        wald_p=float(2 * stats.norm.sf(abs(z))),
        lr_chisq=lr,
        lr_p=float(stats.chi2.sf(lr, df=1)),
    )


def compare_groups(groups: dict) -> GroupComparison:
    """Likelihood-ratio test that several populations share one active-cell frequency.

    Parameters
    ----------
    groups : dict
        Maps a population name to a ``(dose, tested, positive)`` tuple, at least two
        of them.

    Returns
    -------
    GroupComparison
        ``chisq``, its degrees of freedom ``df`` and the p-value ``p``, with the
        separate fits (``fits``, by name) and the ``pooled`` fit.

    Examples
    --------
    >>> result = compare_groups({
    ...     "A": ([10, 100, 1000], [10, 10, 10], [1, 6, 10]),
    ...     "B": ([10, 100, 1000], [10, 10, 10], [0, 2, 7]),
    ... })
    >>> print(round(result.chisq, 2), result.df, f"{result.p:.1e}")
    13.38 1 2.5e-04
    >>> print({name: round(fit.cells_per_active_cell) for name, fit in result.fits.items()})
    {'A': 107, 'B': 749}
    """
    if len(groups) < 2:
        raise ValueError("need at least two groups to compare")
    fits = {name: fit_single_hit(*arrays) for name, arrays in groups.items()}
    pooled = fit_single_hit(*(np.concatenate(parts) for parts in zip(*groups.values(), strict=True)))
    chisq = 2 * (sum(fit.log_likelihood for fit in fits.values()) - pooled.log_likelihood)
    df = len(groups) - 1
    return GroupComparison(
        chisq=float(chisq),
        df=df,
        p=float(stats.chi2.sf(chisq, df)),
        fits=fits,
        pooled=pooled,
    )
