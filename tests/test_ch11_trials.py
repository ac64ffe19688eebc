"""Chapter 11: trial tables hold the published numbers, and the chapter's intervals reproduce them."""

from __future__ import annotations

import numpy as np
import pytest

from cscbook import load

from .conftest import glued_number

CH11 = "book/part3/11-pathway-inhibitors-clinic"


def test_reconstructed_counts_reproduce_the_published_percentages():
    response = load("pathway_trials_response")
    rows = response.dropna(subset=["responders", "evaluable", "pct_published"])
    rate = 100 * rows["responders"].astype(float) / rows["evaluable"].astype(float)
    # percentages were printed with 0 or 1 decimals: allow half a unit of the last digit
    decimals = rows["pct_published"].map(lambda p: 0 if float(p).is_integer() else 1)
    assert (np.abs(rate - rows["pct_published"]) <= 0.5 / 10**decimals + 1e-9).all()
    assert set(response.loc[response["counts_reconstructed"], "trial"]) <= {
        "ERIVANCE BCC (primary)", "ERIVANCE BCC (final)", "Ipafricept phase 1b (ovary)"}


def test_published_trial_anchors():
    response = load("pathway_trials_response").set_index(["trial", "cohort", "arm"])
    experimental = response.loc[("BRIGHT AML 1003", "all randomised", "experimental")]
    control = response.loc[("BRIGHT AML 1003", "all randomised", "control")]
    assert (experimental["responders"], experimental["evaluable"]) == (15, 88)
    assert (control["responders"], control["evaluable"]) == (1, 44)
    wnt = response.loc[("WNT974 phase 1", "all treated", "experimental")]
    assert (wnt["responders"], wnt["evaluable"]) == (0, 94)
    survival = load("pathway_trials_survival").set_index(["trial", "population"])
    co23 = survival.loc[("CO.23", "all randomised")]
    assert (co23["hr"], co23["hr_ci_low"], co23["hr_ci_high"]) == (1.13, 0.88, 1.46)
    subgroup = survival.loc[("CO.23", "pSTAT3-positive tumours")]
    assert (subgroup["n_total"], subgroup["hr"], subgroup["hr_ci_high"]) == (55, 0.41, 0.73)
    replication = survival.loc[("CanStem303C", "pSTAT3-positive tumours")]
    assert (replication["n_first"], replication["n_second"], replication["hr"]) == (275, 272, 0.969)
    assert survival.loc[("BRIGHT AML 1003", "all randomised"), "ci_level"] == 0.80


def test_exact_intervals_reproduce_the_published_erivance_intervals():
    """ERIVANCE printed whole percentages (30%, 95% CI 16-48; 43%, 31-56) without naming the
    method; Clopper-Pearson limits must round to within one percentage point of them."""
    response = load("pathway_trials_response").set_index(["trial", "cohort"])
    for cohort, key in [("metastatic", "met"), ("locally advanced", "la")]:
        row = response.loc[("ERIVANCE BCC (primary)", cohort)]
        assert abs(glued_number(CH11, f"tr_erivance_{key}_low") - row["ci_low_published"]) <= 1
        assert abs(glued_number(CH11, f"tr_erivance_{key}_high") - row["ci_high_published"]) <= 1


def test_zero_responders_interval_has_its_closed_form():
    # for x = 0 the Clopper-Pearson upper limit is 1 - (alpha/2)^(1/n)
    n = glued_number(CH11, "tr_wnt974_n")
    assert glued_number(CH11, "tr_wnt974_upper") == pytest.approx(100 * (1 - 0.025 ** (1 / n)), rel=1e-9)
    assert glued_number(CH11, "tr_rule_of_three") < glued_number(CH11, "tr_wnt974_upper")
    assert glued_number(CH11, "tr_wald_low_1_44") < 0  # the Wald interval leaves [0, 1]


def test_80_percent_interval_converts_to_a_wider_95_percent_interval():
    survival = load("pathway_trials_survival").set_index(["trial", "population"])
    row = survival.loc[("BRIGHT AML 1003", "all randomised")]
    low95, high95 = glued_number(CH11, "tr_bright_low95"), glued_number(CH11, "tr_bright_high95")
    assert low95 < row["hr_ci_low"] and row["hr_ci_high"] < high95 < 1
    assert np.sqrt(low95 * high95) == pytest.approx(row["hr"])  # centred on the estimate (log scale)
    # widths on the log scale scale with the normal quantiles (1.96 / 1.2816)
    ratio = np.log(high95 / low95) / np.log(row["hr_ci_high"] / row["hr_ci_low"])
    assert ratio == pytest.approx(1.959964 / 1.281552, rel=1e-4)


def test_exponential_model_hazard_ratio_is_the_ratio_of_medians():
    survival = load("pathway_trials_survival").set_index(["trial", "population"])
    row = survival.loc[("BRIGHT AML 1003", "all randomised")]
    implied = glued_number(CH11, "tr_bright_hr_implied")
    assert implied == pytest.approx(row["median_os_second"] / row["median_os_first"])
    assert glued_number(CH11, "tr_bright_hr_published") == row["hr"]


def test_null_simulation_has_the_nominal_false_positive_rate():
    """With no true effect, one subgroup test is 'significant' 5% of the time and at least one of
    ten independent tests about 1 - 0.95**10 = 40% of the time. Tolerance: 3 Monte Carlo
    standard errors for the simulated number of trials."""
    n = glued_number(CH11, "tr_sim_n_trials")
    for k, share in [(1, glued_number(CH11, "tr_sim_share_any_1")),
                     (10, glued_number(CH11, "tr_sim_share_any_10"))]:
        expected = 1 - 0.95**k
        mc_se = np.sqrt(expected * (1 - expected) / n)
        assert abs(share / 100 - expected) < 3 * mc_se + 0.01  # + small bias of the Wald test


def test_diarrhoea_rates_match_the_published_percentages():
    toxicity = load("pathway_trials_toxicity").set_index(["trial", "arm", "adverse_event"])
    drug = toxicity.loc[("CO.23", "napabucasin", "diarrhoea")]
    placebo = toxicity.loc[("CO.23", "placebo", "diarrhoea")]
    assert round(glued_number(CH11, "tr_diarrhoea_drug_pct")) == drug["pct_published"]
    assert round(glued_number(CH11, "tr_diarrhoea_placebo_pct")) == placebo["pct_published"]
    assert glued_number(CH11, "tr_diarrhoea_drug_low") < drug["pct_published"] < glued_number(
        CH11, "tr_diarrhoea_drug_high")
