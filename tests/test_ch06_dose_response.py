"""Chapter 6: the numbers a reader sees agree with the published direction of the effects."""

from __future__ import annotations

import pytest

from cscbook import load

from .conftest import glued_number, load_generator

CH6 = "book/part2/06-detoxification-dose-response"


def generator_truth():
    """The curves the simulated plate was drawn from (the generator's teaching choices)."""
    return load_generator("aldh_doxorubicin_simulated.py").TRUE_CURVES


def test_ch6_dataset_has_the_design_described_in_the_data_card():
    plate = load("aldh_doxorubicin_simulated")
    assert plate.groupby(["population", "pretreatment"]).size().tolist() == [27, 27, 27, 27]
    assert sorted(plate["doxorubicin_um"].unique()) == pytest.approx(
        [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10])
    assert plate.attrs["provenance"] == "simulated"


def test_ch6_aldh_high_cells_resist_doxorubicin_as_croker_and_allan_reported():
    # Croker and Allan (2012): significantly more ALDHhiCD44+ than ALDHlowCD44- cells survived
    # doxorubicin/paclitaxel, so the reported resistance factor and its whole interval exceed 1.
    assert glued_number(CH6, "dr_ratio_resistance_low") > 1
    assert glued_number(CH6, "dr_ratio_resistance") > glued_number(CH6, "dr_ratio_resistance_low")
    assert glued_number(CH6, "dr_ratio_resistance") < glued_number(CH6, "dr_ratio_resistance_high")


def test_ch6_deab_sensitises_aldh_high_cells_and_not_bulk_cells():
    # Croker and Allan (2012): DEAB sensitised ALDHhiCD44+ cells and had no effect on
    # ALDHlowCD44- cells. The chapter's Wald interval for the bulk cells must include 1.
    assert glued_number(CH6, "dr_ratio_deab_csc_low") > 1
    assert glued_number(CH6, "dr_wald_bulk_low") < 1 < glued_number(CH6, "dr_wald_bulk_high")
    assert glued_number(CH6, "dr_ratio_residual") < glued_number(CH6, "dr_ratio_resistance")


def test_ch6_by_hand_fit_equals_the_helper_and_recovers_the_simulated_truth():
    truth = generator_truth()
    assert glued_number(CH6, "dr_byhand_ic50") == pytest.approx(glued_number(CH6, "dr_ic50_csc"), rel=1e-4)
    assert glued_number(CH6, "dr_byhand_low") < truth[("ALDH-high/CD44+", "vehicle")][2] < glued_number(
        CH6, "dr_byhand_high")
    bulk_ic50 = truth[("ALDH-low/CD44-", "vehicle")][2]
    assert glued_number(CH6, "dr_ic50_bulk") == pytest.approx(bulk_ic50, rel=0.25)


def test_ch6_enrichment_follows_from_the_fitted_curves():
    # a drug that favours the CSC-like cells enriches them; DEAB reduces the enrichment
    assert glued_number(CH6, "dr_enrich_vehicle") > glued_number(CH6, "dr_enrich_deab") > 1
    assert glued_number(CH6, "dr_abs_ic50_csc") > glued_number(CH6, "dr_ic50_csc")
