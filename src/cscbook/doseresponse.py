"""The four-parameter logistic (4PL) dose-response model.

Chapter 6 builds this model step by step; this module keeps the result in one
place so that later chapters, exercises and tests can reuse it. The model is

    response(c) = bottom + (top - bottom) / (1 + (c / ic50) ** hill),

a curve that falls from ``top`` at low concentration ``c`` to ``bottom`` at high
concentration when ``hill`` > 0. ``ic50`` is the *relative* IC50: the
concentration at which the response is half-way between the two plateaus
(Sebaugh 2011, Pharm Stat 10:128, doi:10.1002/pst.426). When responses are
fractions of an untreated control, the *absolute* IC50 is the concentration at
which the response equals 0.5; :meth:`FourPLFit.concentration_at` gives both.

The fit is ordinary nonlinear least squares with :func:`scipy.optimize.curve_fit`,
parameterised on ``log10(ic50)`` because concentrations span orders of magnitude.
Uncertainty comes from a bootstrap that resamples replicate wells within each
concentration, with a seeded random number generator.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize

__all__ = [
    "FourPLFit",
    "BootstrapFourPL",
    "four_pl",
    "fit_four_pl",
    "bootstrap_four_pl",
]

PARAMETERS = ("bottom", "top", "ic50", "hill")


def four_pl(concentration, bottom, top, ic50, hill):
    """Response predicted by the 4PL model at ``concentration`` (> 0).

    Parameters
    ----------
    concentration : array_like
        Drug concentrations, all positive.
    bottom, top : float
        Response plateaus at high and at low concentration.
    ic50 : float
        Relative IC50: the concentration half-way between the plateaus.
    hill : float
        Hill slope (> 0 for a falling curve).

    Returns
    -------
    numpy.ndarray
        The predicted response at each concentration.

    Examples
    --------
    >>> response = four_pl([0.1, 1.0, 10.0], bottom=0.0, top=1.0, ic50=1.0, hill=1.0)
    >>> print([round(float(value), 3) for value in response])
    [0.909, 0.5, 0.091]
    """
    concentration = np.asarray(concentration, dtype=float)
    return bottom + (top - bottom) / (1.0 + (concentration / ic50) ** hill)


def _four_pl_log(concentration, bottom, top, log10_ic50, hill):
    return four_pl(concentration, bottom, top, 10.0**log10_ic50, hill)


def _four_pl_log_jacobian(concentration, bottom, top, log10_ic50, hill):
    """Partial derivatives of :func:`_four_pl_log`; an exact Jacobian makes fitting faster."""
    log_ratio = np.log(concentration) - log10_ic50 * np.log(10.0)  # ln(c / ic50)
    u = np.exp(hill * log_ratio)
    share = 1.0 / (1.0 + u)
    slope_term = (top - bottom) * u * share**2
    return np.column_stack(
        [1.0 - share, share, slope_term * hill * np.log(10.0), -slope_term * log_ratio]
    )


@dataclass(frozen=True)
class FourPLFit:
    """Result of fitting the 4PL model to one dose-response curve."""

    bottom: float
    top: float
    ic50: float
    hill: float
    covariance: np.ndarray  # of (bottom, top, log10_ic50, hill)
    residual_sd: float
    n_observations: int

    @property
    def params(self) -> dict:
        """The four fitted parameters by name."""
        return {name: getattr(self, name) for name in PARAMETERS}

    @property
    def log10_ic50(self) -> float:
        return float(np.log10(self.ic50))

    @property
    def se_log10_ic50(self) -> float:
        """Standard error of log10(IC50) from the curve_fit covariance."""
        return float(np.sqrt(self.covariance[2, 2]))

    def predict(self, concentration) -> np.ndarray:
        """Fitted response at ``concentration``."""
        return four_pl(concentration, self.bottom, self.top, self.ic50, self.hill)

    def concentration_at(self, response: float) -> float:
        """Concentration at which the fitted curve passes through ``response``.

        Returns ``nan`` when the curve never reaches that response (for example
        an absolute IC50 of 0.5 when the bottom plateau lies above 0.5).
        """
        low, high = sorted((self.bottom, self.top))
        if not low < response < high:
            return float("nan")
        ratio = (self.top - self.bottom) / (response - self.bottom) - 1.0
        return float(self.ic50 * ratio ** (1.0 / self.hill))


def _as_arrays(concentration, response):
    concentration = np.asarray(concentration, dtype=float)
    response = np.asarray(response, dtype=float)
    if concentration.shape != response.shape or concentration.ndim != 1:
        raise ValueError("concentration and response must be 1-D arrays of equal length")
    if np.any(concentration <= 0):
        raise ValueError("every concentration must be positive (fit controls separately)")
    if np.unique(concentration).size < 4:
        raise ValueError("a 4PL fit needs at least four distinct concentrations")
    if not np.all(np.isfinite(response)):
        raise ValueError("responses must be finite numbers")
    return concentration, response


def _starting_values(concentration, response):
    """Rough but robust start: plateaus from the extremes, IC50 at the mid-response."""
    order = np.argsort(concentration)
    conc, resp = concentration[order], response[order]
    levels = np.unique(conc)
    top = float(np.mean(resp[conc == levels[0]]))
    bottom = float(np.mean(resp[conc == levels[-1]]))
    middle = (top + bottom) / 2
    means = np.array([resp[conc == level].mean() for level in levels])
    nearest = levels[int(np.argmin(np.abs(means - middle)))]
    return [bottom, top, float(np.log10(nearest)), 1.0]


def fit_four_pl(concentration, response, start=None) -> FourPLFit:
    """Fit the 4PL model by least squares (Levenberg-Marquardt, via ``curve_fit``).

    ``concentration`` must be positive (untreated controls are used to normalise
    ``response``, not as a point on the curve). ``start`` may give starting values
    for (bottom, top, log10_ic50, hill). Raises ``RuntimeError`` when the fit does
    not converge to a falling curve (top above bottom, Hill slope > 0) with its IC50 within three
    orders of magnitude of the tested range.

    Parameters
    ----------
    concentration : array_like
        Drug concentrations, all positive, at least four distinct ones.
    response : array_like
        Response at each concentration (for example viability as a fraction of the
        untreated control).
    start : sequence of float, optional
        Starting values for (bottom, top, log10_ic50, hill).

    Returns
    -------
    FourPLFit
        ``bottom``, ``top``, ``ic50``, ``hill``, their ``covariance`` (on the
        log10(IC50) scale), ``residual_sd`` and ``n_observations``.

    Examples
    --------
    >>> concentration = [0.01, 0.01, 0.1, 0.1, 1, 1, 10, 10, 100, 100]
    >>> response = [1.02, 0.98, 1.00, 0.96, 0.75, 0.71, 0.23, 0.19, 0.13, 0.09]
    >>> fit = fit_four_pl(concentration, response)
    >>> print(round(fit.ic50, 2), round(fit.hill, 2), round(fit.bottom, 2), round(fit.top, 2))
    1.97 1.23 0.1 1.0
    >>> print(round(fit.concentration_at(0.5), 2))
    2.38
    """
    concentration, response = _as_arrays(concentration, response)
    p0 = list(start) if start is not None else _starting_values(concentration, response)
    params, covariance = _least_squares(concentration, response, p0)
    bottom, top, log10_ic50, hill = (float(v) for v in params)
    residuals = response - _four_pl_log(concentration, *params)
    dof = max(len(response) - 4, 1)
    return FourPLFit(
        bottom=bottom,
        top=top,
        ic50=float(10.0**log10_ic50),
        hill=hill,
        covariance=np.asarray(covariance),
        residual_sd=float(np.sqrt(np.sum(residuals**2) / dof)),
        n_observations=int(len(response)),
    )


def _least_squares(concentration, response, p0):
    """The curve_fit call shared by :func:`fit_four_pl` and the bootstrap, with its checks."""
    with warnings.catch_warnings():
        # an unidentifiable fit is an error here, not a warning printed to the reader
        warnings.simplefilter("error", optimize.OptimizeWarning)
        try:
            params, covariance = optimize.curve_fit(
                _four_pl_log, concentration, response, p0=p0, jac=_four_pl_log_jacobian, maxfev=10_000
            )
        except optimize.OptimizeWarning as err:
            raise RuntimeError(f"the 4PL fit failed: {err}") from None
    bottom, top, log10_ic50, hill = params
    low, high = np.log10(concentration.min()), np.log10(concentration.max())
    if hill <= 0 or top <= bottom or not (low - 3 < log10_ic50 < high + 3):
        raise RuntimeError("the 4PL fit did not converge to a falling curve within the tested range")
    return params, covariance


@dataclass(frozen=True)
class BootstrapFourPL:
    """Bootstrap replicates of a 4PL fit: one row per resample, columns as PARAMETERS."""

    samples: np.ndarray
    n_failed: int

    def values(self, name: str) -> np.ndarray:
        """All bootstrap estimates of one parameter (``bottom``, ``top``, ``ic50``, ``hill``)."""
        return self.samples[:, PARAMETERS.index(name)]

    def interval(self, name: str = "ic50", confidence: float = 0.95) -> tuple[float, float]:
        """Percentile interval for a parameter."""
        tail = (1 - confidence) / 2 * 100
        low, high = np.percentile(self.values(name), [tail, 100 - tail])
        return float(low), float(high)


def bootstrap_four_pl(concentration, response, n_boot: int = 500, seed: int = 0) -> BootstrapFourPL:
    """Resample replicate responses within each concentration and refit, ``n_boot`` times.

    Resampling within concentrations keeps the dilution series of the experiment
    and asks how much the fit would move if the same plate were run again. The
    random number generator is seeded, so the result is reproducible. Resamples
    whose fit fails to converge are counted in ``n_failed`` and left out.

    Parameters
    ----------
    concentration, response : array_like
        The data, as for :func:`fit_four_pl`.
    n_boot : int, optional
        Number of resamples.
    seed : int, optional
        Seed of the random number generator.

    Returns
    -------
    BootstrapFourPL
        ``samples`` (one row of bottom, top, ic50, hill per converged resample) and
        ``n_failed``; ``interval(name)`` gives a percentile interval.

    Examples
    --------
    >>> concentration = [0.01, 0.01, 0.1, 0.1, 1, 1, 10, 10, 100, 100]
    >>> response = [1.02, 0.98, 1.00, 0.96, 0.75, 0.71, 0.23, 0.19, 0.13, 0.09]
    >>> boot = bootstrap_four_pl(concentration, response, n_boot=50, seed=1)
    >>> print([round(value, 1) for value in boot.interval("ic50")], boot.n_failed)
    [1.7, 2.2] 0
    """
    concentration, response = _as_arrays(concentration, response)
    rng = np.random.default_rng(seed)
    original = fit_four_pl(concentration, response)
    start = [original.bottom, original.top, original.log10_ic50, original.hill]
    groups = [np.flatnonzero(concentration == level) for level in np.unique(concentration)]
    samples, failed = [], 0
    for _ in range(n_boot):
        picked = np.concatenate([rng.choice(index, size=index.size, replace=True) for index in groups])
        try:
            params, _ = _least_squares(concentration[picked], response[picked], start)
        except RuntimeError:
            failed += 1
            continue
        samples.append([params[0], params[1], 10.0 ** params[2], params[3]])
    return BootstrapFourPL(samples=np.array(samples).reshape(-1, 4), n_failed=failed)
