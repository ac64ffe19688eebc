"""The oxygen module against the closed-form solutions of zero-order consumption.

With a constant consumption rate a and diffusivity D, the steady pO2 has textbook closed
forms, derived here independently of the module's numerical solver:

- slab, p(0) = p0, p'(L) = 0:  p(x) = p0 - (a / D) (L x - x**2 / 2);
- Krogh cylinder, p(rc) = p0, p'(R) = 0:
  p(r) = p0 + (a / (4 D)) (r**2 - rc**2) - (a R**2 / (2 D)) ln(r / rc).
"""

from __future__ import annotations

import numpy as np
import pytest

from cscbook.oxygen import (
    hypoxic_fraction,
    krogh_radius_from_density,
    lq_survival,
    mixed_survival,
    planar_diffusion_distance,
    solve_krogh,
    solve_planar,
)

P0, A, D = 40.0, 7.0, 2000.0  # mmHg, mmHg/s, um^2/s


def planar_closed_form(x, half_width):
    return P0 - (A / D) * (half_width * x - x**2 / 2)


def krogh_closed_form(r, rc, big_r):
    return P0 + (A / (4 * D)) * (r**2 - rc**2) - (A * big_r**2 / (2 * D)) * np.log(r / rc)


@pytest.mark.parametrize("half_width", [50.0, 100.0, 150.0])
def test_planar_solver_matches_the_closed_form(half_width):
    profile = solve_planar(P0, A, D, half_width)
    assert profile.converged
    expected = planar_closed_form(profile.distance, half_width)
    assert np.allclose(profile.po2, expected, atol=1e-4)


@pytest.mark.parametrize("radii", [(5.0, 40.0), (5.0, 70.0), (3.0, 90.0)])
def test_krogh_solver_matches_the_closed_form(radii):
    rc, big_r = radii
    profile = solve_krogh(P0, A, D, rc, big_r)
    assert profile.converged
    assert profile.distance[0] == rc and profile.distance[-1] == big_r
    expected = krogh_closed_form(profile.distance, rc, big_r)
    assert np.allclose(profile.po2, expected, atol=1e-4)


def test_diffusion_distance_is_where_the_closed_form_reaches_zero_with_zero_slope():
    length = planar_diffusion_distance(P0, A, D)
    assert planar_closed_form(length, length) == pytest.approx(0.0, abs=1e-9)
    # solving the slab exactly that wide ends at zero pO2
    profile = solve_planar(P0, A, D, length)
    assert profile.po2[-1] == pytest.approx(0.0, abs=1e-3)
    # quadrupling consumption halves the distance
    assert planar_diffusion_distance(P0, 4 * A, D) == pytest.approx(length / 2)


def test_michaelis_menten_uptake_keeps_po2_non_negative_beyond_the_diffusion_distance():
    length = planar_diffusion_distance(P0, A, D)
    profile = solve_planar(P0, A, D, 2 * length, km=0.5)
    assert profile.converged
    assert profile.po2.min() > -1e-6
    assert np.all(np.diff(profile.po2) <= 1e-9)  # falls monotonically away from the vessel
    # with km small, it approaches zero-order uptake that stops when oxygen runs out:
    # p0 (1 - x / L)**2 up to the diffusion distance L, then zero
    x = profile.distance
    cut_off = np.where(x < length, P0 * (1 - x / length) ** 2, 0.0)
    assert np.allclose(profile.po2, cut_off, atol=1.5)
    assert not np.allclose(profile.po2, cut_off, atol=0.01)  # but is not identical to it


def test_hypoxic_fraction_matches_the_closed_form_in_both_geometries():
    # slab: the closed form is a parabola; find where it crosses the threshold
    half_width, threshold = 120.0, 15.0
    x = np.linspace(0, half_width, 200001)
    crossing = x[np.argmax(planar_closed_form(x, half_width) < threshold)]
    expected_planar = 1 - crossing / half_width
    profile = solve_planar(P0, A, D, half_width, points=4001)
    assert hypoxic_fraction(profile, threshold) == pytest.approx(expected_planar, abs=2e-3)
    # cylinder: weight by area, fraction = (R^2 - r*^2) / (R^2 - rc^2)
    rc, big_r = 5.0, 80.0
    r = np.linspace(rc, big_r, 200001)
    r_star = r[np.argmax(krogh_closed_form(r, rc, big_r) < threshold)]
    expected_krogh = (big_r**2 - r_star**2) / (big_r**2 - rc**2)
    assert 0 < expected_krogh < 1
    profile = solve_krogh(P0, A, D, rc, big_r, points=4001)
    assert hypoxic_fraction(profile, threshold) == pytest.approx(expected_krogh, abs=2e-3)
    # a well-supplied slab has no hypoxia; an absurd threshold makes all of it hypoxic
    assert hypoxic_fraction(solve_planar(P0, A, D, 30.0), threshold) == 0.0
    assert hypoxic_fraction(solve_planar(P0, A, D, 30.0), 100.0) == 1.0


def test_krogh_radius_gives_back_the_area_per_vessel():
    for density in (20.0, 68.0, 125.0):
        radius_mm = krogh_radius_from_density(density) / 1000
        assert np.pi * radius_mm**2 * density == pytest.approx(1.0)


def test_oer_divides_the_dose():
    dose = np.array([0.0, 2.0, 6.0, 10.0])
    alpha, beta, oer = 0.2, 0.05, 2.8
    assert np.allclose(lq_survival(dose * oer, alpha, beta, oer), lq_survival(dose, alpha, beta))
    assert lq_survival(0.0, alpha, beta, oer) == 1.0
    # hypoxic cells always survive better than oxic ones at the same dose
    assert np.all(lq_survival(dose[1:], alpha, beta, oer) > lq_survival(dose[1:], alpha, beta))
    with pytest.raises(ValueError):
        lq_survival(2.0, alpha, beta, oer=0.5)


def test_mixed_survival_is_the_weighted_sum_and_is_dominated_by_hypoxic_cells_at_high_dose():
    alpha, beta, oer, hypoxic = 0.3, 0.03, 3.0, 0.1
    dose = np.linspace(0, 20, 41)
    mixed = mixed_survival(dose, alpha, beta, hypoxic, oer)
    expected = 0.9 * np.exp(-alpha * dose - beta * dose**2) + 0.1 * np.exp(
        -alpha * dose / oer - beta * (dose / oer) ** 2
    )
    assert np.allclose(mixed, expected)
    assert mixed_survival(20.0, alpha, beta, hypoxic, oer) == pytest.approx(
        hypoxic * lq_survival(20.0, alpha, beta, oer), rel=1e-3
    )
    assert np.allclose(mixed_survival(dose, alpha, beta, 0.0, oer), lq_survival(dose, alpha, beta))
