"""Chapter 12 (redox, metabolism and autophagy): what a reader sees must follow from the data.

Every glued number is recomputed here from the CSV files, by routes independent of the
chapter's code (SciPy's geometric mean, counting pairs of cells, numerical integration),
and the published tables must hold what the abstracts say.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from cscbook import load

from .conftest import HTML, executed_notebook, glued_number

CH12 = "book/part2/12-redox-metabolism"


def _samples():
    events = load("ros_flow_simulated")
    bulk = events.loc[events["sample"] == "non-tumorigenic", "dcf_intensity"].to_numpy()
    csc = events.loc[events["sample"] == "CSC-enriched", "dcf_intensity"].to_numpy()
    truth = events.loc[events["sample"] == "CSC-enriched", "true_state"].to_numpy()
    return bulk, csc, truth


def _page_text() -> str:
    from bs4 import BeautifulSoup

    html = (HTML / f"{CH12}.html").read_text(encoding="utf-8")
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def _declared_check(label: str) -> dict:
    from cscbook.checks import CHECK_MIME

    for cell in executed_notebook(CH12).cells:
        for output in cell.get("outputs", []):
            declaration = output.get("data", {}).get(CHECK_MIME)
            if declaration and declaration["label"] == label:
                return declaration["answers"]
    pytest.fail(f"{CH12} declares no check for {label}")


def test_published_findings_are_those_of_the_abstracts():
    studies = load("redox_csc_studies")
    result = {(row.study, row.property): row.csc_like_result for row in studies.itertuples()}
    # Diehn 2009: lower ROS in CSC subsets, spared after irradiation
    assert result[("Diehn et al.", "ROS level")] == "lower"
    assert result[("Diehn et al.", "radiation response")] == "more resistant"
    # Kim 2012: the title says CSC-like cells are more sensitive to ionising radiation
    assert result[("Kim et al.", "radiation response")] == "more sensitive"
    # Lagadinou 2013 (ROS-low LSCs), Viale 2014 and Vlashi 2014 (OXPHOS), Ciavardelli 2014 (glycolysis)
    assert result[("Lagadinou et al.", "ROS level")] == "lower"
    assert result[("Viale et al.", "main energy pathway")] == "OXPHOS"
    assert result[("Vlashi et al.", "main energy pathway")] == "OXPHOS"
    assert result[("Ciavardelli et al.", "main energy pathway")] == "glycolysis"
    assert result[("Gong et al.", "autophagy")] == "higher"
    # the DOIs are the ones in the bibliography
    assert set(studies["doi"]) == {
        "10.1038/nature07733", "10.1371/journal.pone.0050423", "10.1016/j.stem.2012.12.013",
        "10.1038/nature13611", "10.1007/s10549-014-3051-2", "10.1038/cddis.2014.285",
        "10.1038/onc.2012.252"}


def test_oxphos_inhibitor_trials_hold_the_published_numbers():
    trials = load("yap2023_oxphos_trials").set_index("trial")
    # Yap et al. 2023 abstract: NCT02882321 (AML, n = 17), NCT03291938 (solid tumours, n = 23)
    assert trials.loc["NCT02882321", "patients"] == 17
    assert trials.loc["NCT03291938", "patients"] == 23
    assert set(trials["status"]) == {"discontinued"}
    assert set(trials["recommended_phase2_dose"]) == {"not established"}
    assert glued_number(CH12, "rx_trial_patients") == 40


def test_geometric_means_and_their_ratio_are_recomputed_from_the_events():
    bulk, csc, _ = _samples()
    assert glued_number(CH12, "rx_gm_bulk") == pytest.approx(stats.gmean(bulk), rel=1e-9)
    assert glued_number(CH12, "rx_gm_csc") == pytest.approx(stats.gmean(csc), rel=1e-9)
    ratio = stats.gmean(csc) / stats.gmean(bulk)
    assert glued_number(CH12, "rx_gm_ratio") == pytest.approx(ratio, rel=1e-9)
    assert glued_number(CH12, "rx_gm_fold_lower") == pytest.approx(1 / ratio, rel=1e-9)
    # the CSC-enriched cells are the dimmer ones, and the arithmetic ratio differs
    assert 0 < ratio < 1
    assert glued_number(CH12, "rx_am_ratio") == pytest.approx(csc.mean() / bulk.mean(), rel=1e-9)
    # log scale makes the skewed intensities symmetric
    assert glued_number(CH12, "rx_skew_linear") > 1
    assert abs(glued_number(CH12, "rx_skew_log")) < 0.2


def test_probability_of_superiority_counts_pairs_of_cells():
    bulk, csc, _ = _samples()
    # for each non-tumorigenic cell: how many CSC-enriched cells are dimmer (ties count half)
    ordered = np.sort(csc)
    dimmer = np.searchsorted(ordered, bulk, side="left")
    ties = np.searchsorted(ordered, bulk, side="right") - dimmer
    pairs = (dimmer + 0.5 * ties).sum() / (bulk.size * csc.size)
    assert glued_number(CH12, "rx_superiority") == pytest.approx(pairs, abs=1e-9)
    assert 0.5 < pairs < 1


def test_overlap_is_the_area_shared_by_the_fitted_log_normals():
    mu_bulk = np.log10(glued_number(CH12, "rx_gm_bulk"))
    mu_csc = np.log10(glued_number(CH12, "rx_gm_csc"))
    s_bulk, s_csc = glued_number(CH12, "rx_sigma_bulk"), glued_number(CH12, "rx_sigma_csc")
    area, _ = integrate.quad(
        lambda y: min(stats.norm.pdf(y, mu_bulk, s_bulk), stats.norm.pdf(y, mu_csc, s_csc)),
        0, 6, points=[mu_csc, mu_bulk], limit=200)
    assert glued_number(CH12, "rx_overlap") == pytest.approx(area, abs=1e-6)
    assert 0.3 < area < 0.9  # shifted, but far from separated


def test_mixture_estimates_the_true_ros_low_share_but_not_every_cell():
    _, _, truth = _samples()
    true_share = np.mean(truth == "ROS-low")
    assert glued_number(CH12, "rx_true_low") == pytest.approx(true_share)
    assert glued_number(CH12, "rx_mix_w_low") == pytest.approx(true_share, abs=0.05)
    assert glued_number(CH12, "rx_mix_gm_low") < glued_number(CH12, "rx_mix_gm_high")
    # the bright component sits near the non-tumorigenic cells (within 25%)
    assert glued_number(CH12, "rx_mix_gm_high") / glued_number(CH12, "rx_gm_bulk") == pytest.approx(1, abs=0.25)
    assert 0 < glued_number(CH12, "rx_misassigned") < 0.3
    assert glued_number(CH12, "rx_bic_gain") > 10


def test_tiny_shift_is_significant_with_many_events_but_the_effect_stays_tiny():
    p = glued_number(CH12, "rx_big_p")
    assert p < 1e-6
    assert glued_number(CH12, "rx_big_p_inverse") == pytest.approx(1 / p, rel=0.06)
    assert glued_number(CH12, "rx_big_superiority") == pytest.approx(0.5, abs=0.02)
    assert glued_number(CH12, "rx_shift_ratio") == pytest.approx(10**0.01)


def test_exercise_answers_follow_the_closed_forms():
    sigma = glued_number(CH12, "rx_sigma_bulk")
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert _declared_check("ex-rx-4")["events_needed"] == int(np.ceil(2 * z**2 * sigma**2 / 0.01**2))
    # the non-tumorigenic cells were drawn from one log-normal: BIC must not prefer two
    answers = _declared_check("ex-rx-2")
    assert answers["preferred_model"] == "one log-normal" and answers["bic_one"] < answers["bic_two"]
    bulk, csc, _ = _samples()
    assert _declared_check("ex-rx-1")["fraction_below"] == pytest.approx(
        np.mean(csc < np.quantile(bulk, 0.10)))
    assert _declared_check("ex-rx-5")["breast_pathways"] == ["OXPHOS", "glycolysis"]


def test_page_labels_simulated_data_and_keeps_the_qualifiers_of_the_claims():
    text = _page_text()
    assert "illustrative assumption" in text
    assert "subsets of CSCs in some human and mouse breast tumours" in text
    assert text.count("Simulated data") >= 3  # one per figure caption
    assert "no consensus" in text
