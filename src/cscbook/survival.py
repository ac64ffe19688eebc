"""Time-to-event analysis: the survival methods taught in chapter 10.

Each patient contributes a follow-up time and an indicator of whether the event
(for example death) was seen at that time (``event = True``) or the patient was
*censored*: still event-free when follow-up stopped. The functions here

- estimate a survival curve with the Kaplan-Meier product-limit estimator and
  Greenwood's standard error (:func:`kaplan_meier`), and read its median
  (:func:`median_survival`) or its value at chosen times (:func:`survival_at`);
- compare two groups with the log-rank test (:func:`logrank_test`);
- estimate a hazard ratio between two groups, either from a constant-hazard
  (exponential) model, events divided by person-time in each group
  (:func:`exponential_hazard_ratio`), or from Cox's proportional-hazards partial
  likelihood with one binary covariate and Breslow's handling of ties
  (:func:`cox_hazard_ratio`).

Ties between an event and a censoring at the same time follow the usual
convention: the censored patient counts as at risk at that time.

References: Kaplan EL, Meier P (1958) J Am Stat Assoc 53:457-481,
doi:10.1080/01621459.1958.10501452; Cox DR (1972) J R Stat Soc B 34:187-202,
doi:10.1111/j.2517-6161.1972.tb00899.x; Bland JM, Altman DG (2004) BMJ 328:1073,
doi:10.1136/bmj.328.7447.1073.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "KaplanMeier",
    "LogRankTest",
    "HazardRatio",
    "kaplan_meier",
    "median_survival",
    "survival_at",
    "logrank_test",
    "exponential_hazard_ratio",
    "cox_hazard_ratio",
]


@dataclass(frozen=True)
class KaplanMeier:
    """A Kaplan-Meier curve: one entry per distinct time at which an event happened.

    ``survival[i]`` is the estimated probability of being event-free just after
    ``time[i]``; before the first event time the curve is 1. ``std_err`` is
    Greenwood's standard error of ``survival``.
    """

    time: np.ndarray
    n_at_risk: np.ndarray
    n_events: np.ndarray
    survival: np.ndarray
    std_err: np.ndarray
    n_patients: int
    n_censored: int


@dataclass(frozen=True)
class LogRankTest:
    """The log-rank comparison of two groups (``group == 1`` against ``group == 0``)."""

    observed: tuple[float, float]
    expected: tuple[float, float]
    variance: float
    chi2: float
    p: float


@dataclass(frozen=True)
class HazardRatio:
    """A hazard ratio of group 1 against group 0, with its Wald interval and test."""

    method: str
    hazard_ratio: float
    se_log: float
    ci_low: float
    ci_high: float
    p: float
    events: tuple[int, int]


def _as_survival_data(time, event) -> tuple[np.ndarray, np.ndarray]:
    time = np.asarray(time, dtype=float)
    event = np.asarray(event).astype(bool)
    if time.ndim != 1 or time.shape != event.shape:
        raise ValueError("time and event must be one-dimensional and of the same length")
    if len(time) == 0:
        raise ValueError("no patients")
    if not np.all(np.isfinite(time)) or np.any(time < 0):
        raise ValueError("times must be finite and not negative")
    return time, event


def _as_groups(group, n: int) -> np.ndarray:
    group = np.asarray(group)
    if group.shape != (n,):
        raise ValueError("group must have one entry per patient")
    if not set(np.unique(group).tolist()) <= {0, 1}:  # booleans compare equal to 0 and 1
        raise ValueError("group must be 0 (reference) or 1 (compared group)")
    group = group.astype(int)
    if group.min() == group.max():
        raise ValueError("both groups need patients")
    return group


def _risk_table(time: np.ndarray, event: np.ndarray):
    """Distinct event times, and for each the number at risk and the number of events."""
    event_times, events = np.unique(time[event], return_counts=True)
    at_risk = len(time) - np.searchsorted(np.sort(time), event_times, side="left")
    return event_times, at_risk.astype(float), events.astype(float)


def kaplan_meier(time, event) -> KaplanMeier:
    """Estimate a survival curve by the Kaplan-Meier product-limit method.

    At each distinct event time :math:`t_j`, with :math:`n_j` patients still at
    risk and :math:`d_j` events, the curve is multiplied by
    :math:`1 - d_j / n_j`. A censored patient leaves the risk set after their
    time without lowering the curve. Greenwood's variance is
    :math:`S(t)^2 \\sum_{t_j \\le t} d_j / (n_j (n_j - d_j))`.

    Parameters
    ----------
    time : array_like
        Follow-up time of each patient (to the event or to censoring).
    event : array_like of bool
        True where the event was seen at ``time``, False where the patient was censored.

    Returns
    -------
    KaplanMeier
        The event times, numbers at risk and of events, the survival estimates and
        their standard errors.

    Examples
    --------
    >>> curve = kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False])
    >>> print(curve.time.tolist(), [round(float(s), 3) for s in curve.survival])
    [1.0, 2.0, 3.0] [0.8, 0.6, 0.3]
    """
    time, event = _as_survival_data(time, event)
    event_times, at_risk, events = _risk_table(time, event)
    factors = 1 - events / at_risk
    survival = np.cumprod(factors)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), np.inf)
    greenwood = np.cumsum(terms)
    with np.errstate(invalid="ignore"):
        std_err = np.where(np.isfinite(greenwood), survival * np.sqrt(greenwood), 0.0)
    return KaplanMeier(
        time=event_times,
        n_at_risk=at_risk.astype(int),
        n_events=events.astype(int),
        survival=survival,
        std_err=std_err,
        n_patients=len(time),
        n_censored=int(np.sum(~event)),
    )


def survival_at(curve: KaplanMeier, times) -> np.ndarray:
    """Read a Kaplan-Meier curve at chosen times (the step function, right-continuous).

    Parameters
    ----------
    curve : KaplanMeier
        A curve from :func:`kaplan_meier`.
    times : array_like
        Times at which to read the curve.

    Returns
    -------
    numpy.ndarray
        The estimated survival at each time (1 before the first event).

    Examples
    --------
    >>> curve = kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False])
    >>> print([round(float(s), 2) for s in survival_at(curve, [0.5, 2, 2.5, 10])])
    [1.0, 0.6, 0.6, 0.3]
    """
    times = np.atleast_1d(np.asarray(times, dtype=float))
    index = np.searchsorted(curve.time, times, side="right") - 1
    padded = np.concatenate([[1.0], curve.survival])
    return padded[index + 1]


def median_survival(curve: KaplanMeier) -> float:
    """The median survival: the first event time at which the curve is at or below 0.5.

    Parameters
    ----------
    curve : KaplanMeier
        A curve from :func:`kaplan_meier`.

    Returns
    -------
    float
        The median, or ``nan`` if the curve never falls to 0.5 (the median is not reached).

    Examples
    --------
    >>> curve = kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False])
    >>> median_survival(curve)
    3.0
    """
    below = np.nonzero(curve.survival <= 0.5 + 1e-12)[0]
    return float(curve.time[below[0]]) if len(below) else float("nan")


def logrank_test(time, event, group) -> LogRankTest:
    """Compare the survival of two groups with the log-rank test.

    At each distinct event time the events are shared out between the groups in
    proportion to the numbers at risk: group 1 expects
    :math:`E_j = d_j n_{1j} / n_j` of the :math:`d_j` events, with hypergeometric
    variance :math:`V_j = d_j (n_{1j}/n_j)(1 - n_{1j}/n_j)(n_j - d_j)/(n_j - 1)`.
    The statistic :math:`(O_1 - E_1)^2 / \\sum V_j` is compared with a
    chi-squared distribution with one degree of freedom.

    Parameters
    ----------
    time, event : array_like
        Follow-up times and event indicators, as for :func:`kaplan_meier`.
    group : array_like of int
        0 for the reference group, 1 for the compared group.

    Returns
    -------
    LogRankTest
        Observed and expected events in (group 0, group 1), the variance, the
        chi-squared statistic and its p-value.

    Examples
    --------
    >>> time = [1, 3, 4, 6, 8, 2, 5, 7, 9, 10]
    >>> died = [1, 1, 1, 0, 1, 1, 1, 1, 0, 1]
    >>> test = logrank_test(time, died, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    >>> print(test.observed, round(test.expected[1], 3), round(test.chi2, 3), round(test.p, 3))
    (4.0, 4.0) 5.21 0.902 0.342
    """
    time, event = _as_survival_data(time, event)
    group = _as_groups(group, len(time))
    event_times, at_risk, events = _risk_table(time, event)
    at_risk_1 = len(time[group == 1]) - np.searchsorted(
        np.sort(time[group == 1]), event_times, side="left")
    share_1 = at_risk_1 / at_risk
    expected_1 = float(np.sum(events * share_1))
    with np.errstate(invalid="ignore", divide="ignore"):
        tie_factor = np.where(at_risk > 1, (at_risk - events) / (at_risk - 1), 0.0)
    variance = float(np.sum(events * share_1 * (1 - share_1) * tie_factor))
    observed_1 = float(np.sum(event & (group == 1)))
    observed_0 = float(np.sum(event & (group == 0)))
    expected_0 = float(np.sum(events)) - expected_1
    chi2 = (observed_1 - expected_1) ** 2 / variance
    return LogRankTest(
        observed=(observed_0, observed_1),
        expected=(expected_0, expected_1),
        variance=variance,
        chi2=float(chi2),
        p=float(stats.chi2.sf(chi2, 1)),
    )


def _wald(method: str, log_hr: float, se: float, events, level: float) -> HazardRatio:
    z = float(stats.norm.ppf(0.5 + level / 2))
    return HazardRatio(
        method=method,
        hazard_ratio=float(np.exp(log_hr)),
        se_log=float(se),
        ci_low=float(np.exp(log_hr - z * se)),
        ci_high=float(np.exp(log_hr + z * se)),
        p=float(2 * stats.norm.sf(abs(log_hr / se))),
        events=events,
    )


def exponential_hazard_ratio(time, event, group, level: float = 0.95) -> HazardRatio:
    """Hazard ratio from a constant-hazard (exponential) model in each group.

    Under a constant hazard the maximum-likelihood rate of a group is its number
    of events divided by its total follow-up time (person-time). The hazard ratio
    is the ratio of the two rates, and the standard error of its log is
    :math:`\\sqrt{1/d_1 + 1/d_0}`.

    Parameters
    ----------
    time, event : array_like
        Follow-up times and event indicators, as for :func:`kaplan_meier`.
    group : array_like of int
        0 for the reference group, 1 for the compared group.
    level : float, optional
        Confidence level of the interval.

    Returns
    -------
    HazardRatio
        The ratio of group 1's rate to group 0's, its interval, Wald p-value and
        the events in (group 0, group 1).

    Examples
    --------
    >>> fit = exponential_hazard_ratio([2, 4, 6, 1, 1, 2], [1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0])
    >>> print(round(fit.hazard_ratio, 3))
    0.333
    """
    time, event = _as_survival_data(time, event)
    group = _as_groups(group, len(time))
    d = [int(np.sum(event & (group == g))) for g in (0, 1)]
    if min(d) == 0:
        raise ValueError("each group needs at least one event")
    person_time = [float(np.sum(time[group == g])) for g in (0, 1)]
    log_hr = np.log((d[1] / person_time[1]) / (d[0] / person_time[0]))
    se = np.sqrt(1 / d[0] + 1 / d[1])
    return _wald("exponential", log_hr, se, (d[0], d[1]), level)


def cox_hazard_ratio(time, event, group, level: float = 0.95, tol: float = 1e-10) -> HazardRatio:
    """Hazard ratio from Cox's proportional-hazards model with one binary covariate.

    The model leaves the shape of the hazard free and assumes only that the hazard
    of group 1 is a constant multiple :math:`e^\\beta` of group 0's. :math:`\\beta`
    maximises the partial likelihood: at each event time, the chance that the
    patients who died were the ones who died, given who was at risk. Ties are
    handled by Breslow's method. The maximum is found by Newton's method; the
    standard error comes from the observed information.

    Parameters
    ----------
    time, event : array_like
        Follow-up times and event indicators, as for :func:`kaplan_meier`.
    group : array_like of int
        0 for the reference group, 1 for the compared group.
    level : float, optional
        Confidence level of the interval.
    tol : float, optional
        Convergence tolerance on the change of :math:`\\beta`.

    Returns
    -------
    HazardRatio
        :math:`e^\\beta`, its Wald interval and p-value, and the events in
        (group 0, group 1).

    Examples
    --------
    >>> time = [1, 3, 4, 6, 8, 2, 5, 7, 9, 10]
    >>> died = [1, 1, 1, 0, 1, 1, 1, 1, 0, 1]
    >>> fit = cox_hazard_ratio(time, died, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    >>> print(round(fit.hazard_ratio, 3), round(fit.se_log, 3))
    0.485 0.777
    """
    time, event = _as_survival_data(time, event)
    group = _as_groups(group, len(time))
    event_times, at_risk, events = _risk_table(time, event)
    order = np.sort(time[group == 1])
    at_risk_1 = (len(order) - np.searchsorted(order, event_times, side="left")).astype(float)
    at_risk_0 = at_risk - at_risk_1
    events_1 = float(np.sum(event & (group == 1)))
    beta = 0.0
    for _ in range(100):
        weight_1 = at_risk_1 * np.exp(beta)
        share = weight_1 / (weight_1 + at_risk_0)
        score = events_1 - np.sum(events * share)
        information = np.sum(events * share * (1 - share))
        step = score / information
        beta += step
        if abs(step) < tol:
            break
    else:  # pragma: no cover - a binary covariate with events in both groups converges
        raise RuntimeError("Newton's method did not converge")
    weight_1 = at_risk_1 * np.exp(beta)
    share = weight_1 / (weight_1 + at_risk_0)
    information = float(np.sum(events * share * (1 - share)))
    d = (int(np.sum(event & (group == 0))), int(events_1))
    return _wald("cox", beta, 1 / np.sqrt(information), d, level)
