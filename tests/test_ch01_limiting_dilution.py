"""Chapter 1 (limiting dilution): the comparisons the prose states follow from the data."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from cscbook import load

from .conftest import glued_number

CH1 = "book/part1/01-limiting-dilution"
CSC = "ESA-high/CD44+"
REST = "Other (mainly CD44-/ESA-low)"


def _glm_interval(rows) -> tuple[float, float, float]:
    """Cells per initiating cell and its 95% interval from an independent cloglog GLM."""
    endog = np.column_stack([rows["tumours"], rows["injections"] - rows["tumours"]]).astype(float)
    fit = sm.GLM(endog, np.ones((len(rows), 1)),
                 family=sm.families.Binomial(link=sm.families.links.CLogLog()),
                 offset=np.log(rows["cells_injected"].to_numpy(float))).fit()
    low, high = sorted(np.exp(-fit.conf_int()[0]))
    return float(np.exp(-fit.params[0])), float(low), float(high)


def test_worst_case_enrichment_is_the_ratio_of_the_facing_interval_ends():
    # Dalerba et al. (2007), Table 1: the least favourable reading compares the lower end
    # for the other cells (1 in ~29,600) with the upper end for ESA-high/CD44+ (1 in ~680).
    table = load("dalerba2007_xenografts")
    csc, csc_low, csc_high = _glm_interval(table[table["population"] == CSC])
    rest, rest_low, rest_high = _glm_interval(table[table["population"] == REST])
    worst = glued_number(CH1, "ld_dalerba_worst_ratio")
    assert worst == pytest.approx(rest_low / csc_high, rel=1e-3)
    assert glued_number(CH1, "ld_dalerba_csc_high") == pytest.approx(csc_high, rel=1e-3)
    assert glued_number(CH1, "ld_dalerba_rest_low") == pytest.approx(rest_low, rel=1e-3)
    # tens of times, not hundreds: an order of magnitude below the point estimate
    assert 30 < worst < 60
    assert worst < glued_number(CH1, "ld_dalerba_ratio") / 5


def test_counts_quoted_in_words_are_the_table_counts():
    table = load("dalerba2007_xenografts")
    rest = table[table["population"] == REST]
    assert glued_number(CH1, "ld_dalerba_rest_tumours") == rest["tumours"].sum() == 1
    assert glued_number(CH1, "ld_dalerba_rest_injections") == rest["injections"].sum()
    csc = table[table["population"] == CSC].set_index("cells_injected")
    assert glued_number(CH1, "ld_dalerba_share_200") == pytest.approx(
        csc.loc[200, "tumours"] / csc.loc[200, "injections"])
    assert glued_number(CH1, "ld_dalerba_free_5000") == pytest.approx(
        1 - csc.loc[5000, "tumours"] / csc.loc[5000, "injections"])


def test_ex_ld_3_reports_the_exact_test_beside_the_asymptotic_one():
    # 6 of 10 against 1 of 10 tumours at 1000 cells: 7 events in all
    table = load("dalerba2007_xenografts").set_index("population")
    counts = [[int(table.loc[name, "tumours"]), int(table.loc[name, "injections"] - table.loc[name, "tumours"])]
              for name in ("CD44+/CD166+", "CD44-/CD166+")]
    assert counts == [[6, 4], [1, 9]]
    fisher = stats.fisher_exact(counts).pvalue
    barnard = stats.barnard_exact(counts).pvalue
    assert glued_number(CH1, "ld_ex3_fisher_p") == pytest.approx(fisher, rel=1e-6)
    assert glued_number(CH1, "ld_ex3_barnard_p") == pytest.approx(barnard, rel=1e-6)
    assert glued_number(CH1, "ld_ex3_events") == 7
    # the asymptotic likelihood-ratio test is the most optimistic of the three, and the
    # choice of test moves the p-value across 0.05: the point the solution makes
    lr = glued_number(CH1, "ld_ex3_lr_p")
    assert lr < barnard < fisher
    assert lr < 0.05 < fisher
