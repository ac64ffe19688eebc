"""Chapter 14: trial tables hold the published numbers, and the chapter's intervals reproduce them."""

from __future__ import annotations

import re

import numpy as np
import pytest

from cscbook import load

from .conftest import ROOT, glued_number

CH11 = "book/part3/14-pathway-inhibitors-clinic"


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


def test_null_simulation_false_positives_grow_with_each_prespecified_analysis():
    """With no true effect, one test is 'significant' 5% of the time; k planned analyses at 5%
    each give close to 1 - 0.95**k (a little less, as subgroups overlap the whole trial), and
    Bonferroni (5%/k each) keeps the chance of any false positive near 5%. Tolerance: 3 Monte
    Carlo standard errors for the simulated number of trials, plus 1 point for the Wald test."""
    n = glued_number(CH11, "tr_sim_n_trials")
    k = int(glued_number(CH11, "tr_sim_k"))
    assert k >= 3

    def close_to(share_pct, expected):
        mc_se = np.sqrt(expected * (1 - expected) / n)
        return abs(share_pct / 100 - expected) < 3 * mc_se + 0.01

    one = glued_number(CH11, "tr_sim_share_any_1")
    two = glued_number(CH11, "tr_sim_share_any_2")
    all_k = glued_number(CH11, "tr_sim_share_any_k")
    assert close_to(one, 0.05)
    assert close_to(two, 1 - 0.95**2)
    assert close_to(all_k, 1 - 0.95**k)
    assert one < two < all_k
    assert close_to(glued_number(CH11, "tr_sim_share_bonferroni_k"), 0.05)
    # the pre-specified subgroup alone keeps its nominal 5%
    assert close_to(glued_number(CH11, "tr_sim_share_subgroup"), 0.05)


def test_significant_small_subgroups_overstate_the_effect():
    """In null trials a 55-patient subgroup reaches p < 0.05 only with |log HR| > 1.96 SE, SE
    about sqrt(4 / deaths): the favourable ones must sit below about exp(-1.96 * sqrt(4/55))
    = 0.59, yet be a noise effect of the size CO.23 reported, not an absurd one."""
    subgroup_n = glued_number(CH11, "tr_co23_pstat3_n")
    threshold = np.exp(-1.959964 * np.sqrt(4 / subgroup_n))
    median_hr = glued_number(CH11, "tr_sim_median_hr_sig")
    assert 0.3 < median_hr < threshold + 0.02
    assert median_hr > glued_number(CH11, "tr_pstat3_hr_published") - 0.2


def test_interaction_test_cuts_false_positives_but_has_less_power():
    assert glued_number(CH11, "tr_ex5_null_pass") < glued_number(CH11, "tr_sim_share_subgroup")
    miss_sub = glued_number(CH11, "tr_ex5_miss_subgroup")
    miss_int = glued_number(CH11, "tr_ex5_miss_interaction")
    assert 0 < miss_sub < miss_int < 100  # the interaction test misses a real effect more often


def test_glued_interval_widths_are_the_exact_widths_of_the_mid_range_cohorts():
    from scipy import stats

    response = load("pathway_trials_response").dropna(subset=["responders", "evaluable"])
    x, n = response["responders"].astype(int), response["evaluable"].astype(int)
    rate = 100 * x / n
    low = [stats.beta.ppf(0.025, xi, ni - xi + 1) if xi > 0 else 0.0 for xi, ni in zip(x, n, strict=True)]
    high = [stats.beta.ppf(0.975, xi + 1, ni - xi) if xi < ni else 1.0 for xi, ni in zip(x, n, strict=True)]
    width = 100 * (np.array(high) - np.array(low))
    mid = rate.between(20, 80).to_numpy()
    assert glued_number(CH11, "tr_width_mid_min") == pytest.approx(width[mid].min())
    assert glued_number(CH11, "tr_width_mid_max") == pytest.approx(width[mid].max())
    # rates near zero give narrower intervals than any mid-range cohort
    assert glued_number(CH11, "tr_width_low_max") < glued_number(CH11, "tr_width_mid_min")


def test_no_raw_url_in_chapter_prose():
    """Sources are cited through references.bib, never as links typed into the prose."""
    text = (ROOT / f"{CH11}.md").read_text(encoding="utf-8")
    prose = re.sub(r"```\{code-cell\}.*?\n```", "", text, flags=re.S)
    assert not re.search(r"https?://|\]\(", prose), re.search(r".{0,60}(https?://|\]\().{0,60}", prose)


def test_chapter_states_the_current_approvals_and_the_prespecified_subgroup(built_html):
    from bs4 import BeautifulSoup

    html = (built_html / f"{CH11}.html").read_text(encoding="utf-8")
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    for drug in ("sonidegib", "glasdegib", "nirogacestat"):
        assert re.search(drug + r"[^.]*approved|approved[^.]*" + drug, text, re.I), drug
    assert "pre-specified but exploratory" in text
    assert "BRIGHT AML 1019" in text and "1.05" in text and "0.99" in text


def test_diarrhoea_rates_match_the_published_percentages():
    toxicity = load("pathway_trials_toxicity").set_index(["trial", "arm", "adverse_event"])
    drug = toxicity.loc[("CO.23", "napabucasin", "diarrhoea")]
    placebo = toxicity.loc[("CO.23", "placebo", "diarrhoea")]
    assert round(glued_number(CH11, "tr_diarrhoea_drug_pct")) == drug["pct_published"]
    assert round(glued_number(CH11, "tr_diarrhoea_placebo_pct")) == placebo["pct_published"]
    assert glued_number(CH11, "tr_diarrhoea_drug_low") < drug["pct_published"] < glued_number(
        CH11, "tr_diarrhoea_drug_high")


def test_pathway_schematic_shows_where_each_drug_acts_with_caption_and_alt_text(built_html):
    """Part III's mechanism schematic (issue 16): the built page holds fig-tr-scheme, placed
    in the biology section before the data, with a caption naming the drug targets and alt
    text that describes the drawing; the prose refers to it by number."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((built_html / f"{CH11}.html").read_text(encoding="utf-8"), "html.parser")
    figure = soup.find("figure", id="fig-tr-scheme")
    assert figure is not None, "fig-tr-scheme is missing from the built chapter"
    image = figure.find("img")
    assert image is not None and image.get("src", "").endswith(".png")
    alt = " ".join((image.get("alt") or "").split())
    assert len(alt.split()) >= 40 and alt.startswith("Schematic"), alt
    for target in ("SMO", "Porcupine", "gamma-secretase"):
        assert target in alt, target
    caption = " ".join(figure.find("figcaption").get_text(" ", strip=True).split())
    for drug, target in [("vismodegib", "SMO"), ("WNT974", "Porcupine"),
                         ("nirogacestat", "gamma-secretase")]:
        assert re.search(drug + r"[^.]*" + target, caption), (drug, target)
    assert len(figure.find("figcaption").select("span.bibtex-citation, a[href*='bibliography']")) >= 5
    # it sits in the biology, before the data, and the prose points to it
    data_heading = soup.find(id="the-data")
    assert data_heading is not None and figure in data_heading.find_all_previous("figure")
    references = [a for a in soup.select("a[href='#fig-tr-scheme']") if a.get_text().startswith("Fig.")]
    assert references, "no {numref} to fig-tr-scheme in the prose"
