"""Chapter 3: the published rates are stored as published, and the glued numbers follow from them."""

from __future__ import annotations

import numpy as np
import pytest

from cscbook import load

from .conftest import glued_number

CH3 = "book/part1/03-hierarchy-dynamics"

# Michor et al. (2005), Nature 435:1267, as reproduced in a third-party implementation
# (R package myelo, R/michor05.R); see the data card.
PUBLISHED = {
    "d0": 0.003, "d1": 0.008, "d2": 0.05, "d3": 1.0,
    "ax": 0.8, "bx": 5.0, "cx": 100.0,
    "ry": 0.008, "ay": 1.6, "by": 10.0, "cy": 100.0,
    "imatinib_ay_divisor": 100.0, "imatinib_by_divisor": 750.0,
}


def test_parameter_table_holds_the_published_values():
    table = load("michor2005_parameters").set_index("parameter")
    assert set(table.index) == set(PUBLISHED)
    for name, value in PUBLISHED.items():
        assert table.loc[name, "value"] == value, name
    assert set(table.loc[["d0", "d1", "d2", "d3"], "cell_line"]) == {"both"}


def test_reported_amplification_is_the_product_of_production_over_loss():
    p = PUBLISHED
    expected = p["ax"] * p["bx"] * p["cx"] / (p["d1"] * p["d2"] * p["d3"])
    assert glued_number(CH3, "hd_amplification") == pytest.approx(expected)


def test_reported_refill_time_of_progenitors_matches_ln10_over_d1():
    assert glued_number(CH3, "hd_t90_progenitor") == pytest.approx(np.log(10) / PUBLISHED["d1"], abs=2)
    assert glued_number(CH3, "hd_t90_terminal") >= glued_number(CH3, "hd_t90_progenitor")


def test_reported_division_balance_follows_from_d0_and_ax():
    k = PUBLISHED["ax"] + PUBLISHED["d0"]
    assert glued_number(CH3, "hd_division_rate") == pytest.approx(k)
    assert glued_number(CH3, "hd_balance") == pytest.approx(PUBLISHED["d0"] / k)


def test_simulated_stem_recovery_matches_the_logistic_formula():
    k = PUBLISHED["ax"] + PUBLISHED["d0"]
    formula = np.log(81) / (k * 0.05 - PUBLISHED["d0"])
    assert glued_number(CH3, "hd_recovery_f05") == pytest.approx(formula, abs=2)
    assert glued_number(CH3, "hd_asym_stem_day1000") == pytest.approx(0.1, rel=1e-3)


def test_killing_dividing_cells_spares_stem_cells_and_recovery_waits_for_progenitors():
    assert glued_number(CH3, "hd_stem_after_course") == pytest.approx(1.0, rel=1e-9)
    assert glued_number(CH3, "hd_nadir_share") < 0.1
    recovery = glued_number(CH3, "hd_recovery_after_course")
    assert recovery > 5 * glued_number(CH3, "hd_course_days")
    assert recovery == pytest.approx(np.log(10) / PUBLISHED["d1"], rel=0.15)
