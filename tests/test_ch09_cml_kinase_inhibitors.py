"""Chapter 9: published rows are stored as published; fits and model agree with the published slopes."""

from __future__ import annotations

import numpy as np
import pytest

from cscbook import load

from .conftest import glued_number

CH9 = "book/part2/09-cml-kinase-inhibitors"

# Tang et al. (2011), Blood 118:1622, abstract: slope and the spread after the +/- sign, per day.
TANG = {("imatinib", 1): (-0.052, 0.018), ("nilotinib", 1): (-0.042, 0.015),
        ("imatinib", 2): (-0.0057, 0.0038), ("nilotinib", 2): (-0.0019, 0.0013)}
# Branford et al. (2014), Blood 124:511, abstract.
BRANFORD = {
    "halving_under_76_days": (74, {"overall survival at 4 years": 95, "progression-free survival": 92,
                                   "failure-free survival": 59, "major molecular response": 54}),
    "not_halved_by_76_days": (21, {"overall survival at 4 years": 58, "progression-free survival": 63,
                                   "failure-free survival": 6, "major molecular response": 5}),
}
MR45_PCT = 0.0032  # Breccia et al. (2017): MR4.5 is BCR-ABL1 <= 0.0032% (IS)


def test_tang_slopes_are_stored_as_published():
    table = load("tang2011_slopes").set_index(["drug", "phase"])
    assert len(table) == len(TANG)
    for key, (slope, spread) in TANG.items():
        assert table.loc[key, "slope_per_day"] == slope
        assert table.loc[key, "plus_minus_per_day"] == spread


def test_branford_outcomes_are_stored_as_published():
    table = load("branford2014_halving")
    assert len(table) == 8
    for group, (patients, outcomes) in BRANFORD.items():
        rows = table[table["group"] == group].set_index("outcome")
        assert set(rows["patients"]) == {patients}
        for outcome, percent in outcomes.items():
            assert rows.loc[outcome, "percent"] == percent


def test_simulated_samples_are_missing_exactly_when_below_the_mr45_floor():
    samples = load("tang2011_simulated_bcrabl")
    assert samples["patient"].nunique() == 30
    assert samples["bcr_abl_pct"].isna().equals(~samples["detected"])
    assert samples.loc[samples["detected"], "bcr_abl_pct"].min() >= MR45_PCT


def test_reported_halving_times_follow_from_the_published_slopes():
    assert glued_number(CH9, "cml_tang_halving1") == pytest.approx(np.log(2) / 0.052)
    assert glued_number(CH9, "cml_tang_halving2") == pytest.approx(np.log(2) / 0.0057)
    assert glued_number(CH9, "cml_branford_rate") == pytest.approx(np.log(2) / 76)


def test_window_fits_recover_the_published_imatinib_slopes_they_were_simulated_from():
    slope1, spread1 = TANG[("imatinib", 1)]
    slope2, spread2 = TANG[("imatinib", 2)]
    assert glued_number(CH9, "cml_fit_slope1_median") == pytest.approx(slope1, abs=spread1 / 2)
    assert glued_number(CH9, "cml_fit_slope2_median") == pytest.approx(slope2, abs=spread2 / 2)


def test_model_slopes_lie_within_the_published_spread_of_tang():
    for phase, name in [(1, "cml_model_slope1"), (2, "cml_model_slope2")]:
        slope, spread = TANG[("imatinib", phase)]
        assert slope - spread <= glued_number(CH9, name) <= slope + spread, name


def test_model_relapses_after_stopping_however_long_the_therapy():
    for years in (1, 4):
        assert glued_number(CH9, f"cml_stop{years}_logs") > 3
        assert 0 < glued_number(CH9, f"cml_stop{years}_back") < 3 * 365
