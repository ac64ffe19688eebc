"""Oxygen around a blood vessel, the hypoxic fraction, and radiation survival with an OER.

Chapter 11 teaches these steps one at a time; this module keeps them in one place.

- :func:`solve_planar` and :func:`solve_krogh` solve the steady reaction-diffusion
  equation for the oxygen partial pressure (pO2) in tissue fed by a vessel, as a
  boundary-value problem with :func:`scipy.integrate.solve_bvp`: a fixed pO2 at the
  vessel wall and no net flux at the far edge of the tissue (half-way to the next
  vessel). Consumption is zero-order (a constant rate) or Michaelis-Menten
  (``rate * p / (p + km)``), which slows as oxygen runs out.
- :func:`planar_diffusion_distance` is the closed-form distance at which zero-order
  consumption uses up all the oxygen in a slab; :func:`krogh_radius_from_density`
  turns a microvessel density into the radius of tissue each vessel supplies.
- :func:`hypoxic_fraction` is the share of tissue (by length in a slab, by area
  around a cylinder) below a pO2 threshold.
- :func:`lq_survival` is the linear-quadratic survival of chapter 7 with doses divided
  by an oxygen enhancement ratio (OER), and :func:`mixed_survival` the survival of a
  tumour with a hypoxic fraction.

Units throughout: distances in micrometres, pO2 in mmHg, the diffusion coefficient in
square micrometres per second, the consumption rate in mmHg per second (the rate at
which consumption would lower pO2, that is the molar rate divided by the solubility),
doses in gray.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_bvp

__all__ = [
    "OxygenProfile",
    "planar_diffusion_distance",
    "solve_planar",
    "solve_krogh",
    "krogh_radius_from_density",
    "hypoxic_fraction",
    "lq_survival",
    "mixed_survival",
]


@dataclass(frozen=True)
class OxygenProfile:
    """A steady pO2 profile: ``po2`` (mmHg) at each ``distance`` (micrometres).

    ``geometry`` is ``"planar"`` (distance from the vessel wall) or ``"krogh"``
    (distance from the vessel's axis, from the vessel radius to the tissue radius).
    """

    distance: np.ndarray
    po2: np.ndarray
    geometry: str
    converged: bool


def _uptake(po2: np.ndarray, km: float) -> np.ndarray:
    if km == 0:
        return np.ones_like(po2)
    available = np.maximum(po2, 0.0)  # no consumption without oxygen
    return available / (available + km)


def planar_diffusion_distance(vessel_po2: float, consumption: float, diffusivity: float) -> float:
    """Distance from a vessel at which zero-order consumption exhausts the oxygen (slab).

    With ``D p'' = a`` and ``p(0) = p0``, oxygen runs out with zero gradient at
    ``L = sqrt(2 D p0 / a)``.

    Parameters
    ----------
    vessel_po2 : float
        pO2 at the vessel wall, mmHg.
    consumption : float
        Zero-order consumption rate, mmHg per second.
    diffusivity : float
        Oxygen diffusion coefficient, square micrometres per second.

    Returns
    -------
    float
        The diffusion distance in micrometres.

    Examples
    --------
    >>> print(round(planar_diffusion_distance(40.0, 8.0, 2000.0), 1))
    141.4
    """
    if vessel_po2 <= 0 or consumption <= 0 or diffusivity <= 0:
        raise ValueError("pO2, consumption and diffusivity must be positive")
    return float(np.sqrt(2 * diffusivity * vessel_po2 / consumption))


def solve_planar(
    vessel_po2: float,
    consumption: float,
    diffusivity: float,
    half_width: float,
    km: float = 0.0,
    points: int = 201,
) -> OxygenProfile:
    """Steady pO2 in a slab between a vessel (x = 0) and a no-flux plane (x = half_width).

    Solves ``D p'' = a f(p)`` with ``p(0) = vessel_po2`` and ``p'(half_width) = 0``,
    where ``f(p) = 1`` (zero order, ``km = 0``) or ``p / (p + km)`` (Michaelis-Menten).
    With zero-order consumption the solution is valid only while pO2 stays above zero,
    that is for ``half_width`` up to :func:`planar_diffusion_distance`; use ``km > 0``
    beyond it.

    Parameters
    ----------
    vessel_po2, consumption, diffusivity : float
        As in :func:`planar_diffusion_distance`.
    half_width : float
        Distance from the vessel to the no-flux plane, micrometres (half the distance
        between two parallel vessels).
    km : float, optional
        Michaelis-Menten constant, mmHg; 0 for zero-order consumption.
    points : int, optional
        Number of points at which the solution is returned.

    Returns
    -------
    OxygenProfile
        ``distance`` from the vessel wall and ``po2`` there.

    Examples
    --------
    >>> profile = solve_planar(40.0, 8.0, 2000.0, 100.0)
    >>> print(round(float(profile.po2[-1]), 2))  # 40 - 8 * 100**2 / (2 * 2000)
    20.0
    """
    if half_width <= 0:
        raise ValueError("half_width must be positive")
    rate = consumption / diffusivity

    def equations(x, y):
        return np.vstack([y[1], rate * _uptake(y[0], km)])

    def boundaries(at_vessel, at_edge):
        return np.array([at_vessel[0] - vessel_po2, at_edge[1]])

    mesh = np.linspace(0.0, half_width, 100)
    guess = np.vstack([vessel_po2 * (1 - mesh / half_width) ** 2, np.zeros_like(mesh)])
    solution = solve_bvp(equations, boundaries, mesh, guess, tol=1e-6, max_nodes=100000)
    distance = np.linspace(0.0, half_width, points)
    return OxygenProfile(distance, solution.sol(distance)[0], "planar", bool(solution.success))


def solve_krogh(
    vessel_po2: float,
    consumption: float,
    diffusivity: float,
    vessel_radius: float,
    tissue_radius: float,
    km: float = 0.0,
    points: int = 201,
) -> OxygenProfile:
    """Steady pO2 in a Krogh cylinder: tissue around one vessel, no flux at its edge.

    Solves ``D (1/r) d/dr (r dp/dr) = a f(p)`` for ``vessel_radius <= r <=
    tissue_radius`` with ``p(vessel_radius) = vessel_po2`` and ``p'(tissue_radius) = 0``.
    The state is ``(p, r p')`` so that the equations stay first order.

    Parameters
    ----------
    vessel_po2, consumption, diffusivity, km, points
        As in :func:`solve_planar`.
    vessel_radius : float
        Radius of the vessel, micrometres.
    tissue_radius : float
        Radius of the tissue cylinder the vessel supplies, micrometres.

    Returns
    -------
    OxygenProfile
        ``distance`` from the vessel's axis and ``po2`` there.

    Examples
    --------
    >>> profile = solve_krogh(40.0, 8.0, 2000.0, 5.0, 50.0)
    >>> print(round(float(profile.po2[-1]), 2))
    30.96
    """
    if not 0 < vessel_radius < tissue_radius:
        raise ValueError("need 0 < vessel_radius < tissue_radius")
    rate = consumption / diffusivity

    def equations(r, y):
        return np.vstack([y[1] / r, r * rate * _uptake(y[0], km)])

    def boundaries(at_vessel, at_edge):
        return np.array([at_vessel[0] - vessel_po2, at_edge[1]])

    mesh = np.linspace(vessel_radius, tissue_radius, 100)
    guess = np.vstack([vessel_po2 * (1 - (mesh - vessel_radius) / (tissue_radius - vessel_radius)) ** 2,
                       np.zeros_like(mesh)])
    solution = solve_bvp(equations, boundaries, mesh, guess, tol=1e-6, max_nodes=100000)
    distance = np.linspace(vessel_radius, tissue_radius, points)
    return OxygenProfile(distance, solution.sol(distance)[0], "krogh", bool(solution.success))


def krogh_radius_from_density(vessels_per_mm2: float) -> float:
    """Radius (micrometres) of the tissue cylinder per vessel, from vessels per mm².

    Each vessel supplies an area ``1 / density``; a circle of that area has radius
    ``sqrt(1 / (pi * density))``.

    Parameters
    ----------
    vessels_per_mm2 : float
        Microvessel density, vessels per square millimetre of tissue section.

    Returns
    -------
    float
        The Krogh radius in micrometres.

    Examples
    --------
    >>> print(round(krogh_radius_from_density(100.0), 1))
    56.4
    """
    if vessels_per_mm2 <= 0:
        raise ValueError("the density must be positive")
    return float(1000.0 * np.sqrt(1.0 / (np.pi * vessels_per_mm2)))


def hypoxic_fraction(profile: OxygenProfile, threshold: float) -> float:
    """Share of the tissue whose pO2 is below ``threshold`` (mmHg).

    In a slab every distance counts equally; around a cylinder a shell at radius r
    weighs in proportion to r (its area is 2 pi r dr). The integral uses the
    trapezoidal rule on the profile's points.

    Parameters
    ----------
    profile : OxygenProfile
        A profile from :func:`solve_planar` or :func:`solve_krogh`.
    threshold : float
        pO2 below which tissue counts as hypoxic, mmHg.

    Returns
    -------
    float
        The hypoxic fraction, between 0 and 1.

    Examples
    --------
    >>> profile = solve_planar(40.0, 8.0, 2000.0, 100.0, points=2001)
    >>> print(round(hypoxic_fraction(profile, 25.0), 2))  # closed form: pO2 = 25 at x = 50
    0.5
    """
    r = np.asarray(profile.distance, dtype=float)
    below = (np.asarray(profile.po2) < threshold).astype(float)
    weight = r if profile.geometry == "krogh" else np.ones_like(r)
    return float(np.trapezoid(below * weight, r) / np.trapezoid(weight, r))


def lq_survival(dose, alpha: float, beta: float, oer: float = 1.0):
    """Linear-quadratic surviving fraction with doses divided by an OER.

    ``SF = exp(-alpha D / OER - beta (D / OER)**2)``: a cell whose radiosensitivity is
    lowered by a factor OER needs OER times the dose for the same effect. ``oer = 1``
    gives the oxic curve of chapter 7.

    Parameters
    ----------
    dose : float or array
        Single dose, gray.
    alpha, beta : float
        LQ parameters of oxic cells, per Gy and per Gy².
    oer : float, optional
        Oxygen enhancement ratio of these cells relative to oxic cells (at least 1).

    Returns
    -------
    float or numpy.ndarray
        The surviving fraction.

    Examples
    --------
    >>> print(round(float(lq_survival(6.0, 0.3, 0.03, oer=3.0)), 4))
    0.4868
    """
    if oer < 1:
        raise ValueError("the OER is at least 1")
    effective = np.asarray(dose, dtype=float) / oer
    return np.exp(-alpha * effective - beta * effective**2)


def mixed_survival(dose, alpha: float, beta: float, hypoxic: float, oer: float):
    """Surviving fraction of a tumour with a fully hypoxic fraction ``hypoxic``.

    ``(1 - h) SF_oxic(D) + h SF_hypoxic(D)``: the two compartments are killed
    independently, and the hypoxic one with doses divided by ``oer``.

    Parameters
    ----------
    dose : float or array
        Single dose, gray.
    alpha, beta : float
        LQ parameters of oxic cells.
    hypoxic : float
        Fraction of cells that are hypoxic, between 0 and 1.
    oer : float
        Oxygen enhancement ratio of the hypoxic cells.

    Returns
    -------
    float or numpy.ndarray
        The surviving fraction of the whole tumour.

    Examples
    --------
    >>> print(round(float(mixed_survival(6.0, 0.3, 0.03, 0.1, 3.0)), 4))
    0.0992
    """
    if not 0 <= hypoxic <= 1:
        raise ValueError("the hypoxic fraction lies between 0 and 1")
    return (1 - hypoxic) * lq_survival(dose, alpha, beta) + hypoxic * lq_survival(
        dose, alpha, beta, oer
    )
