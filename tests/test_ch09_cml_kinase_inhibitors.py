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


# Treatment-free remission trials, abstracts: (arm size, {month: (published %, CI low, CI high)}).
# STIM1: Etienne et al. 2017 J Clin Oncol 35:298 (molecular recurrence-free survival);
# TWISTER: Ross et al. 2013 Blood 122:515 (stable treatment-free remission);
# HOVON 51: Thielen et al. 2013 Eur J Cancer 49:3242 (molecular relapse rate).
TFR = {
    ("STIM1", "stopped", "relapse-free"): (100, {6: (43, 33, 52), 60: (38, 29, 47)}),
    ("TWISTER", "stopped", "relapse-free"): (40, {24: (47.1, None, None)}),
    ("HOVON 51", "stopped", "relapsed"): (15, {12: (53, None, None), 24: (67, None, None)}),
    ("HOVON 51", "continued", "relapsed"): (18, {12: (0, None, None), 24: (6, None, None)}),
}
STIM_MEDIAN_MONTHS_TO_LOSS_OF_UNDETECTABLE_DISEASE = 2.5


def test_tfr_trials_are_stored_as_published():
    table = load("cml_tfr_trials")
    assert len(table) == sum(len(points) for _, points in TFR.values())
    for (trial, arm, measure), (patients, points) in TFR.items():
        rows = table[(table["trial"] == trial) & (table["arm"] == arm)].set_index("month")
        assert set(rows["measure"]) == {measure}
        assert set(rows["patients"]) == {patients}
        for month, (percent, low, high) in points.items():
            assert rows.loc[month, "percent"] == percent
            if low is None:
                assert np.isnan(rows.loc[month, "ci_low_percent"])
            else:
                assert (rows.loc[month, "ci_low_percent"], rows.loc[month, "ci_high_percent"]) == (low, high)


def test_tfr_trials_are_labelled_published_with_their_sources(descriptor):
    entry = next(e for e in descriptor["resources"] if e["name"] == "cml_tfr_trials")
    assert entry["provenance"] == "published"
    paths = [source["path"] for source in entry["sources"]]
    assert "https://doi.org/10.1016/j.ejca.2013.06.018" in paths  # HOVON 51
    assert len(paths) == 3
    assert all("Abstract" in source["location"] for source in entry["sources"])


def test_chapter_quotes_the_published_relapse_free_fractions():
    assert glued_number(CH9, "cml_tfr_stim6") == 43
    assert glued_number(CH9, "cml_tfr_stim60") == 38
    assert glued_number(CH9, "cml_tfr_twister24") == pytest.approx(47.1)
    # HOVON 51 publishes relapse rates; the chapter shows the complement
    assert glued_number(CH9, "cml_tfr_hovon_stop24") == 100 - 67
    assert glued_number(CH9, "cml_tfr_hovon_continue24") == 100 - 6


def test_model_predicts_more_relapse_than_the_clinic_as_the_text_says():
    model = glued_number(CH9, "cml_tfr_model_rf6")
    published = glued_number(CH9, "cml_tfr_stim6")
    assert model == 0, "the model without stem-cell depletion should relapse in every patient"
    assert published - model == pytest.approx(glued_number(CH9, "cml_tfr_gap6"))
    assert glued_number(CH9, "cml_tfr_gap6") > 30  # the text calls the gap large


def test_model_patients_qualify_for_stopping_and_relapse_within_days():
    assert glued_number(CH9, "cml_tfr_model_share_at_stop") < MR45_PCT
    days = glued_number(CH9, "cml_tfr_model_days_max")
    assert 0 < days < 30  # "within days", faster than any trial relapse
    assert days < STIM_MEDIAN_MONTHS_TO_LOSS_OF_UNDETECTABLE_DISEASE * 30


def test_stem_depletion_needed_for_remission_follows_from_the_parameters():
    from scipy.optimize import brentq

    from cscbook.hierarchy import leukaemic_rates, normal_rates, parameter_values, steady_state

    params = parameter_values(load("michor2005_parameters"))
    normal = steady_state(normal_rates(params), 1.0)[3]

    def share(stem):
        terminal = steady_state(leukaemic_rates(params), stem)[3]
        return terminal / (normal + terminal)

    fold = 0.25 / brentq(lambda stem: share(stem) - 0.001, 1e-12, 0.25)
    assert glued_number(CH9, "cml_tfr_fold_needed") == pytest.approx(fold, rel=0.01)
    years = np.log(fold) / params["d0"] / 365
    assert glued_number(CH9, "cml_tfr_years_full_block") == pytest.approx(years, rel=1e-6)
    assert years > 3  # longer than the 3 years of therapy some trials required
    assert glued_number(CH9, "cml_tfr_regrowth_days") == pytest.approx(
        np.log(10) / (params["ry"] - params["d0"]))


def test_chapter_prose_has_no_raw_links():
    import re

    from .conftest import ROOT

    text = (ROOT / f"{CH9}.md").read_text(encoding="utf-8")
    prose = re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.DOTALL)
    assert "](http" not in prose
    assert not re.search(r"(?<![`<])https?://", prose)


def test_instructor_guide_shows_chapter_numbers_not_placeholders(built_html):
    guide = (built_html / "book" / "back" / "instructor-guide.html").read_text(encoding="utf-8")
    assert "%s" not in guide
