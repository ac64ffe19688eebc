"""Chapter 8 (selection under therapy): data and numbers a reader sees."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from cscbook import load

from .conftest import glued_number

CH8 = "book/part2/08-selection-under-therapy"


def odds(p):
    return p / (1 - p)


# Published shares (percent of cells) before and after chemotherapy, from the abstracts.
PANC1 = (3.8, 10.7)  # Zhou et al. 2008, PANC-1 side population, 3 days of gemcitabine
L36PL = (0.9, 5.38)  # Zhao et al. 2016, L3.6pl parental vs gemcitabine-resistant
AULMANN_1 = (4.4, 2.0)  # Aulmann et al. 2010, 50 breast carcinomas, CD44+/CD24-
AULMANN_2 = (8.7, 1.1)  # Aulmann et al. 2010, second cohort of 16 patients


def test_csc_fraction_table_holds_the_published_rows():
    table = load("csc_fraction_chemo").set_index("cohort")
    assert tuple(table.loc["L3.6pl", ["percent_before", "percent_after"]]) == L36PL
    assert tuple(table.loc["L3.6pl", ["plus_minus_before", "plus_minus_after"]]) == (0.22, 0.99)
    assert tuple(table.loc["cohort 1", ["percent_before", "percent_after"]]) == AULMANN_1
    assert tuple(table.loc["cohort 2", ["percent_before", "percent_after"]]) == AULMANN_2
    assert table.loc["cohort 1", "patients"] == 50
    assert table.loc["cohort 2", "patients"] == 16
    assert table.loc["cohort 1", "reported_p"] == pytest.approx(0.008)
    assert table["patients"].isna().sum() == 1  # the cell line has no patient count


@pytest.mark.parametrize(
    "name, shares",
    [
        ("sel_rho_panc1", PANC1),
        ("sel_rho_l36pl", L36PL),
        ("sel_rho_aulmann1", AULMANN_1),
        ("sel_rho_aulmann2", AULMANN_2),
    ],
)
def test_relative_survival_is_the_odds_ratio_of_the_published_shares(name, shares):
    before, after = (s / 100 for s in shares)
    assert glued_number(CH8, name) == pytest.approx(odds(after) / odds(before), rel=1e-9)


def test_direction_of_selection_matches_each_study():
    # Side populations rose under gemcitabine; CD44+/CD24- cells fell (Aulmann et al. 2010).
    assert glued_number(CH8, "sel_rho_panc1") > 1
    assert glued_number(CH8, "sel_rho_l36pl") > 1
    assert glued_number(CH8, "sel_rho_aulmann1") < 1
    assert glued_number(CH8, "sel_rho_aulmann2") < 1


def test_number_threshold_is_the_ratio_of_the_published_shares():
    assert glued_number(CH8, "sel_threshold_panc1") == pytest.approx(100 * PANC1[0] / PANC1[1])


def test_two_mechanism_model_is_calibrated_to_the_panc1_data():
    before, after = (s / 100 for s in PANC1)
    # plasticity: 1 - p(3) = (1 - p0) exp(-3 lambda); a sorted start (p0 = 0) then reaches
    # 1 - (1 - p1) / (1 - p0) after three days
    expected_sorted = 100 * (1 - (1 - after) / (1 - before))
    assert glued_number(CH8, "sel_sorted_day3") == pytest.approx(expected_sorted, rel=1e-6)
    rate = -math.log((1 - after) / (1 - before)) / 3
    assert glued_number(CH8, "sel_conversion_rate") == pytest.approx(100 * rate, rel=1e-6)
    # selection: the log-odds rise linearly between the published shares
    slope = (math.log(odds(after)) - math.log(odds(before))) / 3
    assert glued_number(CH8, "sel_kill_difference") == pytest.approx(slope, rel=1e-6)
    # unsorted curves differ by under a percentage point at most
    assert 0 < glued_number(CH8, "sel_largest_gap") < 1
    assert 0 < glued_number(CH8, "sel_gap_day") < 3


def test_detectability_is_a_power_argument_on_the_standard_error():
    # The gap must be judged against SD / sqrt(n), not against the SD between cultures:
    # with Zhou's ~8 cultures and the untreated SD (1.9), SE = 0.67 points.
    sd = glued_number(CH8, "sel_sd_before")
    assert sd == 1.9
    assert glued_number(CH8, "sel_se_8") == pytest.approx(sd / math.sqrt(8))
    gap = glued_number(CH8, "sel_largest_gap")
    z = NormalDist().inv_cdf(0.975)
    power = NormalDist().cdf(gap / (sd / math.sqrt(8)) - z) + NormalDist().cdf(-gap / (sd / math.sqrt(8)) - z)
    assert glued_number(CH8, "sel_power_8") == pytest.approx(100 * power, rel=1e-3)
    assert glued_number(CH8, "sel_power_8") < 50  # an experiment like Zhou's would usually miss it
    needed = math.ceil(((z + NormalDist().inv_cdf(0.8)) * sd / gap) ** 2)
    assert glued_number(CH8, "sel_cultures_80") == needed
    assert needed > 8  # more cultures than the published experiment
    # the treated cultures scattered more than the untreated ones (3.7 against 1.9)
    assert glued_number(CH8, "sel_sd_ratio") == pytest.approx(3.7 / 1.9)


def test_panc1_rise_is_significant_as_published():
    # Zhou et al. 2008 report P = 0.001; the chapter reuses chapter 5's Welch test.
    assert glued_number(CH8, "sel_n_panc1") == 8
    assert glued_number(CH8, "sel_p_panc1") == pytest.approx(0.001, abs=0.0005)
