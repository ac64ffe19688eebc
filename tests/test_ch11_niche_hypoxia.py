"""Chapter 11: the oxygen model and the sunitinib numbers a reader sees must hold up."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cscbook import load

from .conftest import HTML, executed_notebook, glued_number

CH11 = "book/part2/11-niche-hypoxia"

# the model parameters the chapter states
P0, D, DISTANCE, THRESHOLD = 40.0, 2000.0, 150.0, 10.0


def _chapter_text() -> str:
    from bs4 import BeautifulSoup

    html = (HTML / f"{CH11}.html").read_text(encoding="utf-8")
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def _declared_check(label: str) -> dict:
    from cscbook.checks import CHECK_MIME

    for cell in executed_notebook(CH11).cells:
        for output in cell.get("outputs", []):
            declaration = output.get("data", {}).get(CHECK_MIME)
            if declaration and declaration["label"] == label:
                return declaration
    pytest.fail(f"{CH11} declares no check for {label}")


def test_sunitinib_data_hold_the_published_numbers():
    data = load("chinchar2014_sunitinib").set_index(["measure", "group"])
    expected = {
        # Chinchar et al. 2014, Results text (CD44, Aldefluor) and Figure 2 legend (MVD)
        ("cd44_cd24_low", "control"): (3.6, 0.3),
        ("cd44_cd24_low", "sunitinib"): (6.4, 0.5),
        ("aldefluor_positive", "control"): (1.5, 0.7),
        ("aldefluor_positive", "sunitinib"): (3.4, 0.8),
        ("microvessel_density", "control"): (125, 16),
        ("microvessel_density", "sunitinib"): (68, 9),
    }
    for key, (mean, plus_minus) in expected.items():
        assert (data.loc[key, "mean"], data.loc[key, "plus_minus"]) == (mean, plus_minus)
    assert set(data["n_mice"]) == {4}
    # the paper's "2.3-fold" Aldefluor rise is 3.4 / 1.5
    assert glued_number(CH11, "nh_aldh_ratio") == pytest.approx(3.4 / 1.5)


def test_calibrated_consumption_gives_thomlinson_and_grays_distance():
    consumption = glued_number(CH11, "nh_consumption")
    assert consumption == pytest.approx(2 * D * P0 / DISTANCE**2)
    assert np.sqrt(2 * D * P0 / consumption) == pytest.approx(DISTANCE)


def test_slab_hypoxic_fractions_are_fractions_and_grow_with_width():
    narrow = glued_number(CH11, "nh_slab_hypoxic_75")
    middle = glued_number(CH11, "nh_slab_hypoxic_150")
    wide = glued_number(CH11, "nh_slab_hypoxic_250")
    assert narrow == 0  # a 75 um slab is well inside the diffusion distance
    assert 0 < middle < wide < 100  # glued in percent
    # zero-order uptake would make half of the 150 um slab hypoxic (pO2 = 40 (1 - x/L)^2);
    # Michaelis-Menten uptake keeps a little more oxygen, so somewhat less than half
    assert 30 < middle < 50
    # the 250 um slab: everything beyond ~150 um is anoxic, so at least 40% is hypoxic
    assert wide > 100 * (250 - DISTANCE) / 250


def test_krogh_model_matches_the_measured_densities():
    # radius of the tissue cylinder per vessel: pi R^2 = 1 / density
    for group, density in [("control", 125), ("sunitinib", 68)]:
        expected = 1000 * np.sqrt(1 / (np.pi * density))
        assert glued_number(CH11, f"nh_radius_{group}") == pytest.approx(expected)
        assert glued_number(CH11, f"nh_hypoxic_{group}") == pytest.approx(0.0, abs=1e-9)
    onset = glued_number(CH11, "nh_onset_density")
    assert 20 <= onset < 68  # hypoxia only at densities below the sunitinib one
    assert 0 < glued_number(CH11, "nh_hypoxic_30") <= 100


def test_oer_survival_numbers_follow_the_lq_model():
    alpha, beta, oer = 0.10, 0.08, 3.0
    h = glued_number(CH11, "nh_slab_hypoxic_150") / 100

    def sf(dose, factor=1.0):
        return np.exp(-alpha * dose / factor - beta * (dose / factor) ** 2)

    assert glued_number(CH11, "nh_sf2_oxic") == pytest.approx(sf(2.0), rel=1e-3)
    mixed10 = (1 - h) * sf(10.0) + h * sf(10.0, oer)
    assert glued_number(CH11, "nh_sf10_mixed") == pytest.approx(mixed10, rel=1e-3)
    assert glued_number(CH11, "nh_sf10_ratio") == pytest.approx(mixed10 / sf(10.0), rel=1e-3)
    # after 10 Gy nearly every survivor is hypoxic; after 2 Gy far fewer are
    assert glued_number(CH11, "nh_survivor_share_10") > 99
    assert glued_number(CH11, "nh_survivor_share_2") < glued_number(CH11, "nh_survivor_share_10")


def _welch_p(m1, s1, m2, s2, n=4):
    se = np.sqrt(s1**2 / n + s2**2 / n)
    t = (m2 - m1) / se
    df = se**4 / ((s1**2 / n) ** 2 / (n - 1) + (s2**2 / n) ** 2 / (n - 1))
    return 2 * stats.t.sf(abs(t), df)


def test_welch_p_values_under_both_readings_of_plus_minus():
    for key, (m1, s1, m2, s2) in {"cd44": (3.6, 0.3, 6.4, 0.5), "aldh": (1.5, 0.7, 3.4, 0.8),
                                  "mvd": (125, 16, 68, 9)}.items():
        assert glued_number(CH11, f"nh_{key}_p_sd") == pytest.approx(_welch_p(m1, s1, m2, s2), rel=1e-6)
        # an SEM with n = 4 is half the SD
        assert glued_number(CH11, f"nh_{key}_p_sem") == pytest.approx(
            _welch_p(m1, 2 * s1, m2, 2 * s2), rel=1e-6)
    # what the prose claims: the Aldefluor rise is not significant if "±" is an SEM,
    # and neither reading reproduces the paper's P < 0.01
    assert glued_number(CH11, "nh_aldh_p_sem") > 0.05
    assert glued_number(CH11, "nh_aldh_low_sem") < 0 < glued_number(CH11, "nh_aldh_low_sd")
    assert glued_number(CH11, "nh_aldh_p_sd") > 0.01
    assert glued_number(CH11, "nh_cd44_p_sem") < 0.01 and glued_number(CH11, "nh_mvd_p_sem") < 0.05


def test_exercise_answers_are_right():
    assert _declared_check("ex-nh-1")["answers"]["hypoxic_onset_um"] == pytest.approx(
        DISTANCE * (1 - np.sqrt(THRESHOLD / P0)))
    answers = _declared_check("ex-nh-2")["answers"]
    assert answers["distance_fast_um"] == pytest.approx(DISTANCE / np.sqrt(2))
    assert answers["hypoxic_fast"] > glued_number(CH11, "nh_slab_hypoxic_150") / 100
    answers = _declared_check("ex-nh-3")["answers"]
    assert answers["p_mvd_sd"] == pytest.approx(_welch_p(125, 16, 68, 9), rel=1e-6)
    assert answers["p_mvd_sem"] == pytest.approx(_welch_p(125, 32, 68, 18), rel=1e-6)
    # the smallest p within rounding: largest difference, smallest SDs
    smallest = _declared_check("ex-nh-4")["answers"]["p_aldh_smallest"]
    assert smallest == pytest.approx(_welch_p(1.45, 0.65, 3.45, 0.75), rel=1e-6)
    assert smallest < 0.01
    onset = _declared_check("ex-nh-5")["answers"]["perfused_fraction_onset"]
    assert 0 < onset < 1


def test_the_chapter_keeps_selection_and_induction_apart_and_names_the_ambiguous_plus_minus():
    text = _chapter_text()
    assert "selection" in text and "induction" in text
    assert "do not say whether it is a standard deviation" in text
    assert "markers are not function" in text
    # the sibling chapters are named in words only: no broken link
    assert "??" not in text
