"""Chapter 3: the published rates are stored as published, and the glued numbers follow from them."""

from __future__ import annotations

import numpy as np
import pytest

from cscbook import load

from .conftest import ROOT, glued_number

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


# Catlin et al. (2011), Blood 117:4460: a human haematopoietic stem cell replicates about once
# every 40 weeks (range 25-50 weeks).
HSC_DAYS_BETWEEN_DIVISIONS = {"estimate": 40 * 7, "shortest": 25 * 7, "longest": 50 * 7}


def test_effective_stem_rate_is_compared_with_the_measured_human_division_rate():
    k = PUBLISHED["ax"] + PUBLISHED["d0"]
    ratio = glued_number(CH3, "hd_k_times_hsc")
    assert ratio == pytest.approx(k * HSC_DAYS_BETWEEN_DIVISIONS["estimate"])
    # the prose says "about 200 times": the effective rate is two orders of magnitude too fast
    assert 100 < ratio < 300
    assert glued_number(CH3, "hd_k_times_hsc_low") == pytest.approx(
        k * HSC_DAYS_BETWEEN_DIVISIONS["shortest"])
    assert glued_number(CH3, "hd_k_times_hsc_high") == pytest.approx(
        k * HSC_DAYS_BETWEEN_DIVISIONS["longest"])


def test_chapter_does_not_read_the_effective_rate_as_a_per_cell_division_rate():
    text = (ROOT / f"{CH3}.md").read_text(encoding="utf-8")
    prose = " ".join(text.split())
    assert "a stem cell divides {glue:text}`hd_division_rate" not in prose
    assert "effective rate of the stem compartment" in prose
    assert "{cite:t}`catlin2011`" in prose


def test_stem_pool_recovery_rates_are_positive_for_the_shares_the_chapter_reports():
    # logistic growth rate k f - d0 must be positive, or the "recovery time" is meaningless
    k = PUBLISHED["ax"] + PUBLISHED["d0"]
    for share in (0.01, 0.05, 0.5):
        assert k * share - PUBLISHED["d0"] > 0
    assert glued_number(CH3, "hd_recovery_f5pct_analytic") > 0
    assert glued_number(CH3, "hd_recovery_f50pct_analytic") > 0


def test_exercise_stem_kill_solution_reports_what_the_model_prints():
    bare_kill = np.exp(-0.1 * 30)
    assert glued_number(CH3, "hd_ex3_bare_kill") == pytest.approx(bare_kill)
    # only without symmetric divisions does the pool end the course at e^-3 and stay there
    assert glued_number(CH3, "hd_ex3_stem_asym") == pytest.approx(bare_kill, rel=0.01)
    assert glued_number(CH3, "hd_ex3_terminal_asym") == pytest.approx(bare_kill, rel=0.02)
    # with 5% symmetric divisions the feedback keeps about twice as many stem cells ...
    assert glued_number(CH3, "hd_ex3_stem_sym5") > 1.5 * glued_number(CH3, "hd_ex3_stem_asym")
    # ... and the hierarchy is back to normal after three years
    assert glued_number(CH3, "hd_ex3_terminal_sym5") == pytest.approx(1.0, abs=0.02)
