"""Chapter 5 (efflux pumps and the side population): data and numbers a reader sees."""

from __future__ import annotations

import pytest

from cscbook import load

from .conftest import glued_number

CH5 = "book/part2/05-efflux-side-population"


def test_zhou2008_summary_holds_the_published_abstract_numbers():
    # Zhou et al. 2008, World J Gastroenterol 14:925 (doi:10.3748/wjg.14.925), abstract.
    table = load("zhou2008_sp_summary")
    value = table.set_index(["quantity", "condition", "statistic"])["value"]
    published = {
        ("sp_fraction", "untreated", "median"): 3.3,
        ("sp_fraction", "untreated", "minimum"): 2.1,
        ("sp_fraction", "untreated", "maximum"): 8.7,
        ("sp_fraction", "control", "mean"): 3.8,
        ("sp_fraction", "control", "plus_minus"): 1.9,
        ("sp_fraction", "gemcitabine_3d", "mean"): 10.7,
        ("sp_fraction", "gemcitabine_3d", "plus_minus"): 3.7,
        ("sp_fraction", "comparison", "t"): 4.616,
        ("sp_fraction", "comparison", "p"): 0.001,
        ("abcb1_mrna", "non_sp", "mean"): 1.15,
        ("abcb1_mrna", "non_sp", "plus_minus"): 0.72,
        ("abcb1_mrna", "sp", "mean"): 5.82,
        ("abcb1_mrna", "sp", "plus_minus"): 1.16,
        ("abcb1_mrna", "comparison", "t"): 10.839,
        ("abcg2_mrna", "non_sp", "mean"): 1.16,
        ("abcg2_mrna", "non_sp", "plus_minus"): 0.75,
        ("abcg2_mrna", "sp", "mean"): 5.48,
        ("abcg2_mrna", "sp", "plus_minus"): 0.94,
        ("abcg2_mrna", "comparison", "t"): 11.305,
    }
    for key, number in published.items():
        assert value[key] == pytest.approx(number), key
    assert len(table) == len(published) + 2  # plus the two P values printed as 0.000


def test_implied_group_sizes_reproduce_the_published_t_statistics():
    # The published t values (10.839 and 11.305) with the published means and SDs
    # imply ten samples per group for the transporter comparisons ...
    assert round(glued_number(CH5, "ef_n_abcb1")) == 10
    assert round(glued_number(CH5, "ef_n_abcg2")) == 10
    # ... and about eight cultures per group for the SP comparison (t = 4.616).
    assert 7 < glued_number(CH5, "ef_n_sp") < 8.5
    # Read as SEMs, the "±" values could never give the published t, whatever n.
    assert glued_number(CH5, "ef_t_sem_sp") < glued_number(CH5, "ef_t_pub_sp") / 2


def test_chapter_welch_test_agrees_with_the_published_p_value():
    # Published: P = 0.001 for the rise of the SP fraction after gemcitabine.
    assert glued_number(CH5, "ef_welch_p_sp") == pytest.approx(0.001, abs=0.0005)
    # Published: SP cells express about five times more ABCB1 and ABCG2 (5.82/1.15, 5.48/1.16).
    assert glued_number(CH5, "ef_fold_abcb1") == pytest.approx(5.82 / 1.15)
    assert glued_number(CH5, "ef_fold_abcg2") == pytest.approx(5.48 / 1.16)
    assert glued_number(CH5, "ef_ci_low_abcb1") > 0
    assert glued_number(CH5, "ef_ci_low_sp") > 0


def test_simulated_gating_recovers_the_published_anchors():
    # The generator draws 3.3% efflux-capable cells (Zhou et al. 2008, median SP fraction).
    assert 2.8 < glued_number(CH5, "ef_true_sp_share") < 3.8
    # Verapamil leaves about a quarter of the gated events (2.7% -> 0.7%, PMC4509069).
    ratio = glued_number(CH5, "ef_gate_verapamil") / glued_number(CH5, "ef_gate_control")
    assert 0.1 < ratio < 0.4
    # The verapamil-subtracted estimate is a positive SP fraction below the true share,
    # and its interval excludes zero.
    estimate = glued_number(CH5, "ef_sp_estimate")
    assert 0 < glued_number(CH5, "ef_sp_estimate_low") < estimate
    assert estimate < glued_number(CH5, "ef_true_sp_share")
    # The subtraction is robust to the gate: it varies far less than the raw control share.
    assert glued_number(CH5, "ef_sweep_diff_max") - glued_number(CH5, "ef_sweep_diff_min") < 1.5


def _prose():
    import re

    from .conftest import ROOT

    source = (ROOT / f"{CH5}.md").read_text(encoding="utf-8")
    return re.sub(r"```\{code-cell\}.*?```", "", source, flags=re.S).replace("\n", " ")


def test_ch5_prose_cites_sources_instead_of_raw_urls():
    import re

    assert not re.search(r"https?://", _prose()), "raw URL in chapter prose: cite a bib entry"
    assert not re.search(r"\bPMC\d+", _prose())


def test_ch5_never_calls_the_published_spread_an_sd_without_saying_it_is_inferred():
    # Zhou et al. 2008 do not say whether "±" is an SD or an SEM; the chapter may only infer
    # it under stated assumptions (unpaired test, equal group sizes).
    from bs4 import BeautifulSoup

    from .conftest import HTML

    html = (HTML / f"{CH5}.html").read_text(encoding="utf-8")
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "mean ± SD" not in text
    assert "must be standard deviations" not in text
    assert "SD or an SEM" in text
    assert "unpaired" in text and "same size" in text


def test_ch5_does_not_claim_transporter_inhibitors_never_helped():
    # List et al. 2001 (Blood 98:3212): cyclosporine improved relapse-free and overall survival
    # in poor-risk AML, with higher daunorubicin exposure; later trials were negative.
    prose = _prose()
    assert "have not improved outcomes in randomized trials" not in prose
    for key in ("list2001", "kolitz2010", "cripe2010"):
        assert key in prose
