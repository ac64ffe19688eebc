"""Comparing single-cell distributions: log-normal fits, two-component mixtures, effect sizes.

Chapter 12 teaches these steps on flow-cytometry events of a ROS probe, written out
in the chapter first; this module keeps them in one place, tested, for later use.

- :func:`fit_lognormal` fits a log-normal distribution by maximum likelihood (the mean
  and standard deviation of the log intensities).
- :func:`fit_two_component_mixture` fits a mixture of two normal distributions to
  log intensities with the expectation-maximisation (EM) algorithm.
- :func:`log_mean_difference`, :func:`geometric_mean_ratio`, :func:`cohens_d`,
  :func:`probability_of_superiority` and :func:`normal_overlap` describe how far
  apart two distributions are, in units a biologist can read.

Every function that takes intensities works on the natural-log scale internally
unless its name says otherwise; functions that take ``log_values`` expect logs
already taken (any base, used consistently).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "LognormalFit",
    "MixtureFit",
    "fit_lognormal",
    "fit_two_component_mixture",
    "mixture_log_likelihood",
    "log_mean_difference",
    "geometric_mean_ratio",
    "cohens_d",
    "probability_of_superiority",
    "normal_overlap",
]


def _positive(values) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if array.size < 2:
        raise ValueError("need at least two values")
    if np.any(~np.isfinite(array)) or np.any(array <= 0):
        raise ValueError("intensities must be finite and positive to take logs")
    return array


def _finite(values) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if array.size < 2:
        raise ValueError("need at least two values")
    if np.any(~np.isfinite(array)):
        raise ValueError("values must be finite")
    return array


@dataclass(frozen=True)
class LognormalFit:
    """A log-normal distribution fitted to positive intensities.

    ``mu`` and ``sigma`` are the mean and standard deviation of the natural log of the
    intensities; ``n`` is the number of events.
    """

    mu: float
    sigma: float
    n: int

    @property
    def geometric_mean(self) -> float:
        """``exp(mu)``: the median of the fitted log-normal distribution."""
        return float(np.exp(self.mu))

    def pdf(self, x) -> np.ndarray:
        """Density of the fitted distribution at intensities ``x`` (linear scale)."""
        return stats.lognorm.pdf(np.asarray(x, dtype=float), s=self.sigma, scale=np.exp(self.mu))


def fit_lognormal(values) -> LognormalFit:
    """Fit a log-normal distribution to positive intensities by maximum likelihood.

    The maximum-likelihood estimates are the mean and the standard deviation (divisor
    ``n``, not ``n - 1``) of the natural logs of the values.

    Parameters
    ----------
    values : array_like
        Positive intensities, for example fluorescence of single cells.

    Returns
    -------
    LognormalFit

    Examples
    --------
    >>> fit = fit_lognormal([1.0, 10.0, 100.0])
    >>> round(fit.mu, 4), round(fit.sigma, 4), round(fit.geometric_mean, 4)
    (2.3026, 1.8801, 10.0)
    """
    logs = np.log(_positive(values))
    return LognormalFit(mu=float(logs.mean()), sigma=float(logs.std(ddof=0)), n=int(logs.size))


@dataclass(frozen=True)
class MixtureFit:
    """A two-component normal mixture fitted to log intensities.

    Component 0 is the one with the lower mean. ``weights`` sum to one.
    """

    weights: tuple[float, float]
    means: tuple[float, float]
    sds: tuple[float, float]
    log_likelihood: float
    iterations: int
    converged: bool
    n: int

    def component_densities(self, log_values) -> np.ndarray:
        """Weighted density of each component at ``log_values``: shape ``(n, 2)``."""
        y = np.asarray(log_values, dtype=float).reshape(-1, 1)
        return np.asarray(self.weights) * stats.norm.pdf(y, np.asarray(self.means), np.asarray(self.sds))

    def pdf(self, log_values) -> np.ndarray:
        """Density of the whole mixture at ``log_values``."""
        return self.component_densities(log_values).sum(axis=1)

    def responsibilities(self, log_values) -> np.ndarray:
        """Probability that each value belongs to each component: shape ``(n, 2)``."""
        weighted = self.component_densities(log_values)
        return weighted / weighted.sum(axis=1, keepdims=True)

    @property
    def bic(self) -> float:
        """Bayesian information criterion: five free parameters, ``-2 logL + 5 ln n``."""
        return float(-2 * self.log_likelihood + 5 * np.log(self.n))


def mixture_log_likelihood(log_values, weights, means, sds) -> float:
    """Log-likelihood of a two-component normal mixture for ``log_values``.

    Parameters
    ----------
    log_values : array_like
        Log intensities (any base), all finite.
    weights : sequence of float
        Weight of each of the two components.
    means : sequence of float
        Mean of each component.
    sds : sequence of float
        Standard deviation of each component.

    Returns
    -------
    float
        The sum over values of the log of the weighted mixture density.

    Examples
    --------
    >>> round(mixture_log_likelihood([0.0], (0.5, 0.5), (0.0, 0.0), (1.0, 1.0)), 4)
    -0.9189
    """
    y = np.asarray(log_values, dtype=float).reshape(-1, 1)
    if np.any(~np.isfinite(y)):
        raise ValueError("values must be finite")
    weighted = np.asarray(weights) * stats.norm.pdf(y, np.asarray(means), np.asarray(sds))
    return float(np.log(weighted.sum(axis=1)).sum())


def fit_two_component_mixture(log_values, start=None, tol=1e-10, max_iter=2000) -> MixtureFit:
    """Fit a mixture of two normal distributions by expectation-maximisation.

    Each iteration has two steps. The E step computes, for every value, the probability
    (the *responsibility*) that it came from each component, given the current
    parameters. The M step re-estimates each component's weight, mean and standard
    deviation as responsibility-weighted averages. The log-likelihood never decreases;
    the loop stops when it rises by less than ``tol`` times its size.

    Parameters
    ----------
    log_values : array_like
        Log intensities (any base).
    start : tuple, optional
        ``(weights, means, sds)`` to start from. By default the lower and upper halves
        of the sorted values give the starting means and standard deviations.
    tol : float, optional
        Stop when the log-likelihood improves by less than ``tol * (1 + |logL|)``.
    max_iter : int, optional
        Give up after this many iterations (``converged`` is then ``False``).

    Returns
    -------
    MixtureFit
        Component 0 has the lower mean.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> y = np.r_[rng.normal(0.0, 1.0, 3000), rng.normal(5.0, 1.0, 1000)]
    >>> fit = fit_two_component_mixture(y)
    >>> [round(w, 2) for w in fit.weights], [round(m) for m in fit.means]
    ([0.75, 0.25], [0, 5])
    """
    y = _finite(log_values)
    if start is None:
        ordered = np.sort(y)
        lower, upper = ordered[: y.size // 2], ordered[y.size // 2 :]
        weights = np.array([0.5, 0.5])
        means = np.array([lower.mean(), upper.mean()])
        sds = np.array([lower.std() + 1e-12, upper.std() + 1e-12])
    else:
        weights, means, sds = (np.asarray(part, dtype=float).copy() for part in start)
    floor = 1e-6 * max(float(y.std()), 1e-12)
    previous = -np.inf
    converged = False
    iterations = 0
    while iterations < max_iter:
        iterations += 1
        # E step: responsibilities under the current parameters
        weighted = weights * stats.norm.pdf(y[:, None], means, sds)
        total = weighted.sum(axis=1, keepdims=True)
        log_likelihood = float(np.log(total).sum())
        responsibility = weighted / total
        # M step: weighted proportions, means and standard deviations
        share = responsibility.sum(axis=0)
        weights = share / y.size
        means = (responsibility * y[:, None]).sum(axis=0) / share
        sds = np.sqrt((responsibility * (y[:, None] - means) ** 2).sum(axis=0) / share)
        sds = np.maximum(sds, floor)
        if log_likelihood - previous < tol * (1 + abs(log_likelihood)):
            converged = True
            break
        previous = log_likelihood
    order = np.argsort(means)
    weights, means, sds = weights[order], means[order], sds[order]
    return MixtureFit(
        weights=(float(weights[0]), float(weights[1])),
        means=(float(means[0]), float(means[1])),
        sds=(float(sds[0]), float(sds[1])),
        log_likelihood=mixture_log_likelihood(y, weights, means, sds),
        iterations=iterations,
        converged=converged,
        n=int(y.size),
    )


def log_mean_difference(reference, other) -> float:
    """Mean of ``ln(other)`` minus mean of ``ln(reference)`` for positive intensities.

    Parameters
    ----------
    reference : array_like
        Positive intensities of the reference sample (at least two).
    other : array_like
        Positive intensities of the sample compared with it (at least two).

    Returns
    -------
    float
        Difference of the mean natural logs, ``other`` minus ``reference``.

    Examples
    --------
    >>> round(log_mean_difference([1.0, 1.0], [2.0, 2.0]), 4)
    0.6931
    """
    return float(np.log(_positive(other)).mean() - np.log(_positive(reference)).mean())


def geometric_mean_ratio(reference, other) -> float:
    """Geometric mean of ``other`` divided by that of ``reference``.

    This is ``exp`` of :func:`log_mean_difference`: a fold change that does not let a
    few very bright cells dominate, as the ratio of arithmetic means does.

    Parameters
    ----------
    reference : array_like
        Positive intensities of the reference sample (at least two).
    other : array_like
        Positive intensities of the sample compared with it (at least two).

    Returns
    -------
    float
        The ratio of geometric means, ``other`` over ``reference``.

    Examples
    --------
    >>> round(geometric_mean_ratio([1.0, 100.0], [5.0, 20.0]), 4)
    1.0
    """
    return float(np.exp(log_mean_difference(reference, other)))


def cohens_d(reference_log, other_log) -> float:
    """Standardised difference in means, ``(mean_other - mean_reference) / pooled SD``.

    Apply it to log intensities. The pooled standard deviation uses ``n - 1`` divisors.

    Parameters
    ----------
    reference_log : array_like
        Log intensities of the reference sample (at least two, finite).
    other_log : array_like
        Log intensities of the sample compared with it (at least two, finite).

    Returns
    -------
    float
        The difference in means divided by the pooled standard deviation.

    Examples
    --------
    >>> round(cohens_d([0.0, 2.0], [2.0, 4.0]), 4)
    1.4142
    """
    a, b = _finite(reference_log), _finite(other_log)
    pooled = ((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2)
    return float((b.mean() - a.mean()) / np.sqrt(pooled))


def probability_of_superiority(reference, other) -> float:
    """Probability that a random cell of ``other`` exceeds a random cell of ``reference``.

    Ties count one half. Computed from the Mann-Whitney U statistic, ``U / (n1 n2)``,
    so it is the same on any increasing scale (linear or log intensities). 0.5 means
    the two samples are stochastically equal.

    Parameters
    ----------
    reference : array_like
        Values of the reference sample (at least two, finite).
    other : array_like
        Values of the sample compared with it (at least two, finite).

    Returns
    -------
    float
        ``U / (n1 n2)``, between 0 and 1.

    Examples
    --------
    >>> round(probability_of_superiority([1, 2, 3], [2, 3, 4]), 4)
    0.7778
    """
    a, b = _finite(reference), _finite(other)
    u = stats.mannwhitneyu(b, a, alternative="two-sided", method="asymptotic").statistic
    return float(u / (a.size * b.size))


def normal_overlap(mean_1, sd_1, mean_2, sd_2) -> float:
    """Overlapping coefficient of two normal densities: the area under both curves.

    1 means identical distributions, 0 means none of one lies under the other. On log
    intensities it is the overlap of two log-normal distributions. Computed exactly
    from the normal distribution function between the points where the densities cross.

    Parameters
    ----------
    mean_1 : float
        Mean of the first normal distribution.
    sd_1 : float
        Standard deviation of the first distribution; must be positive.
    mean_2 : float
        Mean of the second normal distribution.
    sd_2 : float
        Standard deviation of the second distribution; must be positive.

    Returns
    -------
    float
        The area under both densities, between 0 and 1.

    Examples
    --------
    >>> round(normal_overlap(0.0, 1.0, 0.0, 1.0), 6)
    1.0
    >>> round(normal_overlap(0.0, 1.0, 1.0, 1.0), 4)
    0.6171
    """
    if sd_1 <= 0 or sd_2 <= 0:
        raise ValueError("standard deviations must be positive")
    # Where the two densities cross: a quadratic in x (linear if the SDs are equal).
    a = 1 / (2 * sd_2**2) - 1 / (2 * sd_1**2)
    b = mean_1 / sd_1**2 - mean_2 / sd_2**2
    c = mean_2**2 / (2 * sd_2**2) - mean_1**2 / (2 * sd_1**2) + np.log(sd_2 / sd_1)
    if abs(a) < 1e-14:
        crossings = [] if abs(b) < 1e-14 else [-c / b]
    else:
        discriminant = b**2 - 4 * a * c
        crossings = [] if discriminant < 0 else sorted(
            [(-b - np.sqrt(discriminant)) / (2 * a), (-b + np.sqrt(discriminant)) / (2 * a)]
        )
    edges = [-np.inf, *crossings, np.inf]
    overlap = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        probe = (low + high) / 2 if np.isfinite(low) and np.isfinite(high) else (
            high - 1 if np.isfinite(high) else (low + 1 if np.isfinite(low) else mean_1)
        )
        lower_is_1 = stats.norm.pdf(probe, mean_1, sd_1) <= stats.norm.pdf(probe, mean_2, sd_2)
        mean, sd = (mean_1, sd_1) if lower_is_1 else (mean_2, sd_2)
        overlap += stats.norm.cdf(high, mean, sd) - stats.norm.cdf(low, mean, sd)
    return float(overlap)
