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


def test_ch6_fold_difference_depends_on_the_effect_level_as_the_slopes_imply():
    # The IC50 ratio holds at a half-maximal effect only. The CSC-like curve is shallower
    # (smaller Hill slope), so the dose ratio must be smaller at a 10% effect and larger at
    # a 90% effect; the glued folds must also follow from the glued IC50s and slopes,
    # fold(p) = IC50 ratio * (p / (1 - p)) ** (1 / h_csc - 1 / h_bulk).
    h_csc, h_bulk = glued_number(CH6, "dr_hill_csc"), glued_number(CH6, "dr_hill_bulk")
    ic50_ratio = glued_number(CH6, "dr_ic50_csc") / glued_number(CH6, "dr_ic50_bulk")
    assert h_csc < h_bulk
    assert ic50_ratio == pytest.approx(glued_number(CH6, "dr_ratio_resistance"), rel=1e-6)
    fold_10, fold_90 = glued_number(CH6, "dr_fold_10"), glued_number(CH6, "dr_fold_90")
    assert 1 < fold_10 < glued_number(CH6, "dr_fold_25") < ic50_ratio
    assert ic50_ratio < glued_number(CH6, "dr_fold_75") < fold_90
    exponent = 1 / h_csc - 1 / h_bulk
    assert fold_10 == pytest.approx(ic50_ratio * (1 / 9) ** exponent, rel=1e-6)
    assert fold_90 == pytest.approx(ic50_ratio * 9**exponent, rel=1e-6)
    # the two ends differ from the IC50 ratio by far more than rounding: at least 1.5-fold
    assert ic50_ratio / fold_10 > 1.5 and fold_90 / ic50_ratio > 1.5


def test_ch6_the_bulk_ic90_dose_leaves_more_than_ten_percent_of_bulk_cells_alive():
    # "Removes 90% of the fitted range" is not "kills 90% of the cells" when the curve
    # levels off above zero: survival = bottom + 0.1 * (top - bottom), with top close to 1.
    bottom = glued_number(CH6, "dr_bottom_bulk")
    survival = glued_number(CH6, "dr_bulk_survival_dose90")
    assert survival > 10
    assert survival == pytest.approx(100 * (bottom + 0.1 * (1 - bottom)), abs=0.5)
    assert glued_number(CH6, "dr_csc_survival_dose90") > survival


def test_ch6_prose_does_not_generalise_the_ic50_ratio_or_use_raw_urls():
    import re

    from .conftest import ROOT

    source = (ROOT / f"{CH6}.md").read_text(encoding="utf-8")
    prose = re.sub(r"```\{code-cell\}.*?```", "", source, flags=re.S)
    assert not re.search(r"https?://", prose), "raw URL in chapter prose: cite a bib entry"
    flat = prose.replace("\n", " ")
    # quoting the claim in order to correct it is fine; stating it is not
    assert not re.search(r"needs? (?:\S+ ){1,2}as much drug for the same effect", flat)
    assert "kill 90% of the bulk cells" not in flat


def test_ch6_the_inverted_curve_in_the_text_agrees_with_the_librarys_inverse():
    # The chapter derives the dose for an effect p (share of the fitted range) as
    # IC50 * (p / (1 - p)) ** (1 / h); the library inverts the curve numerically.
    import numpy as np

    from cscbook.doseresponse import FourPLFit

    fit = FourPLFit(bottom=0.05, top=1.0, ic50=2.0, hill=0.85, covariance=np.eye(4),
                    residual_sd=0.0, n_observations=0)
    for effect in (0.10, 0.25, 0.50, 0.75, 0.90):
        by_formula = fit.ic50 * (effect / (1 - effect)) ** (1 / fit.hill)
        by_library = fit.concentration_at(fit.top - effect * (fit.top - fit.bottom))
        assert by_formula == pytest.approx(by_library, rel=1e-8)
