"""Tests computed from published summary statistics.

Chapter 5 derives these steps one at a time, written out in the chapter; this
module keeps them in one place so that later chapters (chapter 8 reuses them for
the gemcitabine side-population data) and tests call the same code.

- :func:`welch_t_from_summary` is Welch's unequal-variance t-test computed from
  each group's mean, standard deviation and size, with the Welch-Satterthwaite
  degrees of freedom and a confidence interval for the difference in means.
- :func:`implied_group_size` solves the t statistic for the common group size n
  that a paper must have used, given its means, standard deviations and t.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

__all__ = ["WelchResult", "welch_t_from_summary", "implied_group_size"]


@dataclass(frozen=True)
class WelchResult:
    """Welch's t-test for ``mean_2 - mean_1``."""

    difference: float
    standard_error: float
    t: float
    df: float
    p: float
    ci_low: float
    ci_high: float
    confidence: float


def welch_t_from_summary(
    mean_1: float,
    sd_1: float,
    n_1: int,
    mean_2: float,
    sd_2: float,
    n_2: int,
    confidence: float = 0.95,
) -> WelchResult:
    """Welch's two-sided t-test for ``mean_2 - mean_1`` from summary statistics.

    Parameters
    ----------
    mean_1, sd_1, n_1 : float, float, int
        Mean, standard deviation and size of group 1. ``sd_1`` is the standard
        deviation of single observations (not a standard error); ``n_1`` is at least 2.
    mean_2, sd_2, n_2 : float, float, int
        The same for group 2.
    confidence : float, optional
        Level of the confidence interval for the difference.

    Returns
    -------
    WelchResult
        ``difference``, ``standard_error``, ``t``, ``df`` (Welch-Satterthwaite), the
        two-sided ``p``, ``ci_low``, ``ci_high`` and ``confidence``.

    Examples
    --------
    >>> result = welch_t_from_summary(10.0, 2.0, 5, 14.0, 3.0, 6)
    >>> print(round(result.t, 2), round(result.df, 1), round(result.p, 3))
    2.64 8.7 0.028
    >>> print(round(result.ci_low, 2), round(result.ci_high, 2))
    0.55 7.45
    """
    if n_1 < 2 or n_2 < 2:
        raise ValueError("each group needs at least two observations")
    if sd_1 < 0 or sd_2 < 0:
        raise ValueError("standard deviations cannot be negative")
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie between 0 and 1")
    variance_of_mean_1 = float(sd_1) ** 2 / n_1
    variance_of_mean_2 = float(sd_2) ** 2 / n_2
    standard_error = math.sqrt(variance_of_mean_1 + variance_of_mean_2)
    if standard_error == 0:
        raise ValueError("both standard deviations are zero: the test is undefined")
    difference = float(mean_2 - mean_1)
    t = difference / standard_error
    df = (variance_of_mean_1 + variance_of_mean_2) ** 2 / (
        variance_of_mean_1**2 / (n_1 - 1) + variance_of_mean_2**2 / (n_2 - 1)
    )
    p = float(2 * stats.t.sf(abs(t), df))
    half_width = float(stats.t.ppf(0.5 + confidence / 2, df)) * standard_error
    return WelchResult(
        difference=difference,
        standard_error=standard_error,
        t=t,
        df=df,
        p=p,
        ci_low=difference - half_width,
        ci_high=difference + half_width,
        confidence=confidence,
    )


def implied_group_size(
    t: float, mean_1: float, sd_1: float, mean_2: float, sd_2: float
) -> float:
    """Common group size n that turns the summary statistics into the t statistic ``t``.

    With equal groups of size n, Student's and Welch's t are both
    ``(mean_2 - mean_1) / sqrt((sd_1**2 + sd_2**2) / n)``, so
    ``n = t**2 * (sd_1**2 + sd_2**2) / (mean_2 - mean_1)**2``. The result is not
    rounded: published means and SDs are rounded, so expect a value near, not at,
    a whole number.

    Parameters
    ----------
    t : float
        The published t statistic.
    mean_1, sd_1, mean_2, sd_2 : float
        Means and standard deviations (of single observations) of the two groups.

    Returns
    -------
    float
        The group size n, unrounded.

    Examples
    --------
    >>> print(round(implied_group_size(3.0, 10.0, 2.0, 14.0, 3.0), 2))
    7.31
    """
    difference = mean_2 - mean_1
    if difference == 0:
        raise ValueError("the means are equal: no group size gives a nonzero t")
    return float(t**2 * (sd_1**2 + sd_2**2) / difference**2)
