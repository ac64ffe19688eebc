"""Pooling study results: the meta-analysis taught in chapter 10.

Each study contributes an effect on a log scale (``y``, e.g. a log risk ratio)
and the sampling variance of that effect (``v``). The functions here

- turn two-by-two counts into log risk ratios and their variances
  (:func:`log_risk_ratio`),
- recover a standard error from a published confidence interval
  (:func:`se_from_ci`),
- pool with inverse-variance weights under a fixed-effect model
  (:func:`inverse_variance`) or under the DerSimonian-Laird random-effects model
  (:func:`dersimonian_laird`), reporting Cochran's Q, I-squared and tau-squared.

Results stay on the log scale; exponentiate to report ratios.

References: DerSimonian R, Laird N (1986) Control Clin Trials 7:177-188,
doi:10.1016/0197-2456(86)90046-2; Higgins JPT, Thompson SG (2002) Stat Med
21:1539-1558, doi:10.1002/sim.1186.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "PooledEstimate",
    "log_risk_ratio",
    "se_from_ci",
    "inverse_variance",
    "dersimonian_laird",
]


@dataclass(frozen=True)
class PooledEstimate:
    """A pooled effect on the log scale and the heterogeneity statistics behind it.

    ``weights`` are the normalised study weights (they sum to 1), in input order.
    ``tau2`` is 0 for the fixed-effect model.
    """

    method: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    q: float
    df: int
    p_heterogeneity: float
    i2: float
    tau2: float
    weights: np.ndarray

    @property
    def z(self) -> float:
        """Wald statistic of the pooled estimate against 0 (no effect)."""
        return self.estimate / self.se

    @property
    def p_value(self) -> float:
        """Two-sided p-value of the pooled estimate against 0."""
        return float(2 * stats.norm.sf(abs(self.z)))


def _as_arrays(y, v) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    v = np.asarray(v, dtype=float)
    if y.ndim != 1 or y.shape != v.shape:
        raise ValueError("y and v must be one-dimensional and of the same length")
    if len(y) < 1:
        raise ValueError("at least one study is needed")
    if not np.all(np.isfinite(y)) or not np.all(np.isfinite(v)):
        raise ValueError("y and v must be finite")
    if np.any(v <= 0):
        raise ValueError("sampling variances must be positive")
    return y, v


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError("level must lie between 0 and 1")
    return float(stats.norm.ppf(0.5 + level / 2))


def log_risk_ratio(events_a, n_a, events_b, n_b, correction: float = 0.5):
    """Return log risk ratios of group a versus group b and their variances.

    ``events_*`` count patients with the outcome (for example alive at five
    years) among ``n_*`` patients. The variance is the usual delta-method one,
    1/a - 1/n_a + 1/b - 1/n_b. A study with a zero cell gets ``correction``
    added to its events and twice ``correction`` to its totals (other studies
    are left alone).

    Parameters
    ----------
    events_a, n_a : array_like
        Patients with the outcome and patients in group a, one value per study.
    events_b, n_b : array_like
        The same for group b.
    correction : float, optional
        Added to the events of a study with a zero (or full) cell.

    Returns
    -------
    y : numpy.ndarray
        Log risk ratios, a versus b.
    v : numpy.ndarray
        Their sampling variances.

    Examples
    --------
    >>> y, v = log_risk_ratio([20, 15], [50, 40], [10, 12], [50, 40])
    >>> print([round(float(value), 3) for value in y], [round(float(value), 3) for value in v])
    [0.693, 0.223] [0.11, 0.1]
    """
    a = np.asarray(events_a, dtype=float)
    na = np.asarray(n_a, dtype=float)
    b = np.asarray(events_b, dtype=float)
    nb = np.asarray(n_b, dtype=float)
    if np.any(a < 0) or np.any(b < 0) or np.any(a > na) or np.any(b > nb):
        raise ValueError("event counts must lie between 0 and the group size")
    zero = (a == 0) | (b == 0) | (a == na) | (b == nb)
    a = np.where(zero, a + correction, a)
    b = np.where(zero, b + correction, b)
    na = np.where(zero, na + 2 * correction, na)
    nb = np.where(zero, nb + 2 * correction, nb)
    y = np.log((a / na) / (b / nb))
    v = 1 / a - 1 / na + 1 / b - 1 / nb
    return y, v


def se_from_ci(low, high, level: float = 0.95):
    """Standard error of a log ratio from its published confidence interval.

    A ratio's interval is symmetric on the log scale, so
    se = (log(high) - log(low)) / (2 z), with z the normal quantile for ``level``
    (1.96 for 95%, 1.28 for 80%).

    Parameters
    ----------
    low, high : array_like
        Lower and upper limits of the published interval for the ratio (not its log).
    level : float, optional
        Confidence level of that interval.

    Returns
    -------
    numpy.ndarray or float
        The standard error of the log ratio.

    Examples
    --------
    >>> print(round(float(se_from_ci(0.5, 2.0)), 3))
    0.354
    """
    low = np.asarray(low, dtype=float)
    high = np.asarray(high, dtype=float)
    if np.any(low <= 0) or np.any(high <= low):
        raise ValueError("need 0 < low < high")
    return (np.log(high) - np.log(low)) / (2 * _z(level))


def _heterogeneity(y: np.ndarray, v: np.ndarray) -> tuple[float, int, float, float]:
    w = 1 / v
    fixed = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - fixed) ** 2))
    df = len(y) - 1
    p = float(stats.chi2.sf(q, df)) if df > 0 else float("nan")
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return q, df, p, i2


def _pool(y, v, tau2, method, level) -> PooledEstimate:
    w = 1 / (v + tau2)
    estimate = float(np.sum(w * y) / np.sum(w))
    se = float(np.sqrt(1 / np.sum(w)))
    z = _z(level)
    q, df, p, i2 = _heterogeneity(y, v)
    return PooledEstimate(
        method=method,
        estimate=estimate,
        se=se,
        ci_low=estimate - z * se,
        ci_high=estimate + z * se,
        q=q,
        df=df,
        p_heterogeneity=p,
        i2=i2,
        tau2=float(tau2),
        weights=w / np.sum(w),
    )


def inverse_variance(y, v, level: float = 0.95) -> PooledEstimate:
    """Fixed-effect (common-effect) pooling with weights 1/v.

    Parameters
    ----------
    y : array_like
        Study effects on the log scale.
    v : array_like
        Their sampling variances (positive).
    level : float, optional
        Confidence level of the interval for the pooled effect.

    Returns
    -------
    PooledEstimate
        The pooled ``estimate``, its ``se`` and interval, Cochran's ``q`` with ``df``
        and ``p_heterogeneity``, ``i2``, ``tau2`` (0 here) and the study ``weights``.

    Examples
    --------
    >>> pooled = inverse_variance([0.2, 0.5, 0.1], [0.04, 0.09, 0.05])
    >>> print(round(pooled.estimate, 3), round(pooled.se, 3), round(pooled.q, 2))
    0.224 0.133 1.17
    >>> print([round(float(w), 3) for w in pooled.weights])
    [0.446, 0.198, 0.356]
    """
    y, v = _as_arrays(y, v)
    return _pool(y, v, 0.0, "inverse-variance (fixed effect)", level)


def dersimonian_laird(y, v, level: float = 0.95) -> PooledEstimate:
    """Random-effects pooling with the DerSimonian-Laird moment estimate of tau-squared.

    tau2 = max(0, (Q - df) / (sum(w) - sum(w**2) / sum(w))), with w = 1/v; each
    study is then weighted by 1 / (v + tau2).

    Parameters
    ----------
    y : array_like
        Study effects on the log scale.
    v : array_like
        Their sampling variances (positive).
    level : float, optional
        Confidence level of the interval for the pooled effect.

    Returns
    -------
    PooledEstimate
        As for :func:`inverse_variance`, with the estimated ``tau2``.

    Examples
    --------
    >>> pooled = dersimonian_laird([0.2, 0.9, -0.1], [0.04, 0.09, 0.05])
    >>> print(round(pooled.estimate, 3), round(pooled.tau2, 3), round(pooled.i2, 2))
    0.297 0.146 0.72
    """
    y, v = _as_arrays(y, v)
    w = 1 / v
    q, df, _, _ = _heterogeneity(y, v)
    denominator = np.sum(w) - np.sum(w**2) / np.sum(w)
    tau2 = max(0.0, (q - df) / denominator) if df > 0 else 0.0
    return _pool(y, v, tau2, "DerSimonian-Laird (random effects)", level)
