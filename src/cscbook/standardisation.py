"""Comparing a single-arm cohort with an external control, fairly.

Chapter 17 teaches why a single-arm trial compared with a historical or external
control can show a benefit that the treatment did not cause, and how comparing
like with like (within strata of a prognostic factor) removes the part of the gap
that the factor explains. The steps are written out in the chapter; this module
keeps them in one place, with tests against independent references.

- :func:`rate_ratio`: the crude ratio of two event rates (events per person-time)
  with a Wald interval on the log scale.
- :func:`mantel_haenszel_rate_ratio`: the rate ratio pooled over strata with
  Mantel-Haenszel weights and the Greenland-Robins variance.
- :func:`directly_standardised_rate`: a cohort's stratum-specific rates averaged
  with the weights of a standard population (direct standardisation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "RateRatio",
    "rate_ratio",
    "mantel_haenszel_rate_ratio",
    "directly_standardised_rate",
]


@dataclass(frozen=True)
class RateRatio:
    """A rate ratio with its confidence interval (``ratio`` of group a over group b)."""

    ratio: float
    low: float
    high: float
    se_log: float


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2))


def rate_ratio(events_a, time_a, events_b, time_b, level: float = 0.95) -> RateRatio:
    """The crude rate ratio (a over b) with a Wald interval on the log scale.

    The standard error of the log ratio is :math:`\\sqrt{1/d_a + 1/d_b}`.

    Parameters
    ----------
    events_a : float
        Number of events in group a.
    time_a : float
        Person-time of group a.
    events_b : float
        Number of events in group b.
    time_b : float
        Person-time of group b.
    level : float, optional
        Confidence level of the interval (default 0.95).

    Returns
    -------
    RateRatio
        The ratio of rates (a over b), the interval limits ``low`` and ``high`` and
        ``se_log``, the standard error of the log ratio.

    Examples
    --------
    >>> result = rate_ratio(20, 100.0, 10, 100.0)
    >>> round(result.ratio, 2), round(result.se_log, 3)
    (2.0, 0.387)
    """
    ratio = (events_a / time_a) / (events_b / time_b)
    se_log = float(np.sqrt(1 / events_a + 1 / events_b))
    half = _z(level) * se_log
    return RateRatio(float(ratio), float(ratio * np.exp(-half)), float(ratio * np.exp(half)), se_log)


def mantel_haenszel_rate_ratio(events_a, time_a, events_b, time_b, level: float = 0.95) -> RateRatio:
    """The Mantel-Haenszel rate ratio (a over b) pooled over strata.

    Each argument holds one value per stratum. The estimate is
    :math:`\\sum_k d_{ak} T_{bk} / T_k \\big/ \\sum_k d_{bk} T_{ak} / T_k`, with
    :math:`T_k = T_{ak} + T_{bk}`, and the variance of its log is that of Greenland
    and Robins (1985), which stays valid when strata are small.

    Parameters
    ----------
    events_a : array_like
        Events in group a, one per stratum.
    time_a : array_like
        Person-time of group a, one per stratum.
    events_b : array_like
        Events in group b, one per stratum.
    time_b : array_like
        Person-time of group b, one per stratum.
    level : float, optional
        Confidence level of the interval (default 0.95).

    Returns
    -------
    RateRatio
        The pooled ratio (a over b), the Wald interval limits ``low`` and ``high`` on
        the log scale and ``se_log``, the Greenland-Robins standard error of the log ratio.

    Examples
    --------
    >>> result = mantel_haenszel_rate_ratio([10, 30], [50.0, 100.0], [20, 6], [100.0, 20.0])
    >>> round(result.ratio, 3)
    1.0
    """
    d_a, t_a, d_b, t_b = (np.asarray(x, dtype=float) for x in (events_a, time_a, events_b, time_b))
    total_time = t_a + t_b
    numerator_terms = d_a * t_b / total_time
    denominator_terms = d_b * t_a / total_time
    ratio = numerator_terms.sum() / denominator_terms.sum()
    variance = ((d_a + d_b) * t_a * t_b / total_time**2).sum() / (
        numerator_terms.sum() * denominator_terms.sum()
    )
    se_log = float(np.sqrt(variance))
    half = _z(level) * se_log
    return RateRatio(float(ratio), float(ratio * np.exp(-half)), float(ratio * np.exp(half)), se_log)


def directly_standardised_rate(events, person_time, standard_weights) -> float:
    """A cohort's event rate re-weighted to the stratum mix of a standard population.

    Parameters
    ----------
    events, person_time : array-like
        The cohort's events and person-time in each stratum.
    standard_weights : array-like
        The size (or share) of each stratum in the standard population; they are
        normalised to sum to 1.

    Returns
    -------
    float
        :math:`\\sum_k w_k d_k / T_k` with :math:`\\sum_k w_k = 1`: the rate the cohort
        would have if its strata were mixed as in the standard population.

    Examples
    --------
    >>> round(directly_standardised_rate([5, 20], [100.0, 100.0], [3, 1]), 4)
    0.0875
    """
    rates = np.asarray(events, dtype=float) / np.asarray(person_time, dtype=float)
    weights = np.asarray(standard_weights, dtype=float)
    return float((weights / weights.sum() * rates).sum())
