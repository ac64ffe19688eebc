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


def positive_probability(dose, frequency, slope=1.0):
    """Probability that a well or mouse given ``dose`` cells is positive."""
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

    ``dose`` is the number of cells per well or mouse, ``tested`` the number of
    wells or mice at that dose and ``positive`` how many of them were positive.
    Raises ``ValueError`` when every assay is negative or every assay positive,
    because the estimate then lies on the edge of the parameter space.
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


def slope_test(dose, tested, positive) -> dict:
    """Test the single-hit assumption: is the slope on log(dose) equal to 1?

    Fits the model with a free slope and returns the slope, its standard error,
    the Wald z statistic and p-value, and the likelihood-ratio statistic and
    p-value for slope = 1.
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
    return {
        "slope": slope,
        "se_slope": se_slope,
        "wald_z": float(z),
        "wald_p": float(2 * stats.norm.sf(abs(z))),
        "lr_chisq": lr,
        "lr_p": float(stats.chi2.sf(lr, df=1)),
    }


def compare_groups(groups: dict) -> dict:
    """Likelihood-ratio test that several populations share one active-cell frequency.

    ``groups`` maps a population name to a ``(dose, tested, positive)`` tuple.
    Returns the chi-square statistic, its degrees of freedom and the p-value,
    with the separate fits and the pooled fit.
    """
    if len(groups) < 2:
        raise ValueError("need at least two groups to compare")
    fits = {name: fit_single_hit(*arrays) for name, arrays in groups.items()}
    pooled = fit_single_hit(*(np.concatenate(parts) for parts in zip(*groups.values(), strict=True)))
    chisq = 2 * (sum(fit.log_likelihood for fit in fits.values()) - pooled.log_likelihood)
    df = len(groups) - 1
    return {
        "chisq": float(chisq),
        "df": df,
        "p": float(stats.chi2.sf(chisq, df)),
        "fits": fits,
        "pooled": pooled,
    }
