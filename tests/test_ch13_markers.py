"""Chapter 13: the CD133 meta-analysis rows are Chen et al.'s, and the pooled value agrees with theirs."""

from __future__ import annotations

import numpy as np
import pytest

from cscbook import load

from .conftest import glued_number

CH10 = "book/part3/13-markers-predict-outcome"

# Chen et al. 2013 (PLoS One 8:e56380), abstract: 15 studies, random effects,
# five-year overall survival RR 0.67 (95% CI 0.54-0.82); disease-free survival 0.71 (0.52-0.96).
PUBLISHED_OS = (0.67, 0.54, 0.82)
PUBLISHED_DFS = (0.71, 0.52, 0.96)


def test_dataset_holds_the_table_1_rows_of_chen_2013():
    chen = load("chen2013_cd133_crc").set_index(["study", "outcome"])
    os_ = "5-year overall survival"
    expected = {  # Table 1, column "5-year OS rate": H (alive/n) and L (alive/n)
        "Kojima": (13, 21, 113, 139),
        "Wang": (23, 38, 32, 35),
        "Li": (19, 42, 48, 62),
        "Horst": (16, 36, 55, 74),
    }
    for study, counts in expected.items():
        row = chen.loc[(study, os_)]
        assert tuple(row[["event_free_high", "n_high", "event_free_low", "n_low"]]) == counts
    assert tuple(chen.loc[("Kojima", "5-year disease-free survival"),
                          ["event_free_high", "n_high", "event_free_low", "n_low"]]) == (11, 16, 97, 124)
    assert tuple(chen.loc[("Wang", "5-year disease-free survival"),
                          ["event_free_high", "n_high", "event_free_low", "n_low"]]) == (16, 38, 32, 35)


def test_printed_percentages_match_the_counts_to_within_half_a_point():
    # The counts in Chen's Table 1 were evidently derived from survival percentages, so the
    # two need not agree exactly, but a gap over half a percentage point would mean a typo.
    chen = load("chen2013_cd133_crc")
    gap_high = 100 * chen["event_free_high"] / chen["n_high"] - chen["pct_high_published"]
    gap_low = 100 * chen["event_free_low"] / chen["n_low"] - chen["pct_low_published"]
    assert np.abs(gap_high).max() < 0.5 and np.abs(gap_low).max() < 0.5
    assert glued_number(CH10, "ma_largest_pct_gap") == pytest.approx(
        max(np.abs(gap_high).max(), np.abs(gap_low).max()))


def test_published_pooled_estimates_are_stored_as_printed():
    published = load("cd133_aldh_metaanalyses").set_index(["meta_analysis", "year", "outcome"])
    chen_os = published.loc[("Chen et al.", 2013, "5-year overall survival")]
    assert tuple(chen_os[["estimate", "ci_low", "ci_high"]]) == PUBLISHED_OS
    assert chen_os["studies"] == 15 and chen_os["patients"] == 810 + 1487
    chen_dfs = published.loc[("Chen et al.", 2013, "5-year disease-free survival")]
    assert tuple(chen_dfs[["estimate", "ci_low", "ci_high"]]) == PUBLISHED_DFS
    assert (published["ci_low"] < published["estimate"]).all()
    assert (published["estimate"] < published["ci_high"]).all()


def test_glued_pooled_estimate_agrees_with_the_published_one():
    """Tolerance: half the width of the published 95% CI on the log scale (log(0.82/0.54)/2).

    The chapter pools 4 of the 15 studies, so an exact match is impossible; but a subset of
    the same studies should land within the published interval. A transcription error of
    the kind that matters (high and low swapped, a wrong row) moves the estimate to about
    1.5 or far outside it.
    """
    rr, low, high = PUBLISHED_OS
    ours = glued_number(CH10, "ma_os_re_rr")
    tolerance = np.log(high / low) / 2
    assert abs(np.log(ours) - np.log(rr)) < tolerance
    assert low < ours < high
    assert glued_number(CH10, "ma_published_rr") == rr
    assert glued_number(CH10, "ma_log_gap") == pytest.approx(abs(np.log(ours) - np.log(rr)), rel=1e-6)


def test_glued_intervals_are_consistent_with_the_models():
    # four homogeneous studies: Q below its degrees of freedom, so DerSimonian-Laird = fixed effect
    assert glued_number(CH10, "ma_os_tau2") == 0
    assert glued_number(CH10, "ma_os_i2_pct") == 0
    assert glued_number(CH10, "ma_os_re_rr") == pytest.approx(glued_number(CH10, "ma_os_fe_rr"))
    assert glued_number(CH10, "ma_os_re_high") < 1  # CD133-high patients survived less often
    # two disagreeing studies: the random-effects interval is wider and contains Chen's value
    fixed_width = glued_number(CH10, "ma_dfs_fixed_high") / glued_number(CH10, "ma_dfs_fixed_low")
    random_width = glued_number(CH10, "ma_dfs_random_high") / glued_number(CH10, "ma_dfs_random_low")
    assert random_width > fixed_width
    assert glued_number(CH10, "ma_dfs_i2_pct") > 50
    assert glued_number(CH10, "ma_dfs_random_low") < PUBLISHED_DFS[0] < glued_number(
        CH10, "ma_dfs_random_high")


def _os_intervals():
    chen = load("chen2013_cd133_crc")
    rows = chen[chen["outcome"] == "5-year overall survival"]
    a, n1 = rows["event_free_high"].to_numpy(), rows["n_high"].to_numpy()
    c, n2 = rows["event_free_low"].to_numpy(), rows["n_low"].to_numpy()
    log_rr = np.log((a / n1) / (c / n2))
    se = np.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return log_rr, log_rr - 1.96 * se, log_rr + 1.96 * se


def test_glued_count_of_single_study_intervals_that_exclude_1():
    # The chapter once called one study "ambiguous" while three of the four already exclude 1.
    log_rr, low, high = _os_intervals()
    excluding = int(((high < 0) | (low > 0)).sum())
    assert excluding == 3
    assert glued_number(CH10, "ma_n_ci_excluding_1") == excluding
    assert glued_number(CH10, "ma_n_rr_below_1") == int((log_rr < 0).sum()) == 4


def test_pooled_interval_is_narrower_than_every_single_study():
    _, low, high = _os_intervals()
    narrowest = (high - low).min()
    pooled = np.log(glued_number(CH10, "ma_os_re_high")) - np.log(glued_number(CH10, "ma_os_re_low"))
    assert glued_number(CH10, "ma_pooled_width_pct") == pytest.approx(100 * pooled / narrowest, rel=1e-6)
    assert 0 < glued_number(CH10, "ma_pooled_width_pct") < 100


def test_swapped_columns_would_give_the_reciprocal_risk_ratio_outside_the_published_interval():
    swapped = glued_number(CH10, "ma_swapped_rr")
    assert swapped == pytest.approx(1 / glued_number(CH10, "ma_os_re_rr"))
    assert swapped > PUBLISHED_OS[2]
