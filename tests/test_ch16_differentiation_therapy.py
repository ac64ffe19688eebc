"""Chapter 16: the trial numbers, exact tests, intervals and model results a reader sees."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from scipy import stats

from cscbook import load

from .conftest import glued_number

CH16 = "book/part3/16-differentiation-therapy"
ROOT = Path(__file__).resolve().parents[1]


def test_apl0406_data_hold_the_published_abstract_numbers():
    apl = load("apl0406_final").set_index("arm")
    ato, chemo = apl.loc["ATRA-ATO"], apl.loc["ATRA-chemotherapy"]
    # Platzbecker et al. 2017: 127 (100%) of 127 and 132 (97%) of 136 in complete remission;
    # at 50 months EFS 97.3% v 80%, cumulative incidence of relapse 1.9% v 13.9%, OS 99.2% v 92.6%
    assert (ato["evaluable_patients"], ato["complete_remission"]) == (127, 127)
    assert (chemo["evaluable_patients"], chemo["complete_remission"]) == (136, 132)
    assert ato["evaluable_patients"] + chemo["evaluable_patients"] == 263
    assert (ato["efs_50mo_percent"], chemo["efs_50mo_percent"]) == (97.3, 80.0)
    assert (ato["cir_50mo_percent"], chemo["cir_50mo_percent"]) == (1.9, 13.9)
    assert (ato["os_50mo_percent"], chemo["os_50mo_percent"]) == (99.2, 92.6)


def test_idh_trial_data_hold_the_published_numbers():
    idh = load("idh_inhibitor_trials").set_index(["trial", "arm"])
    stein = idh.loc[("Stein 2017", "enasidenib")]
    assert (stein["patients"], stein["orr_percent"], stein["cr_percent"], stein["median_os_months"]) == (
        176, 40.3, 19.3, 9.3)
    ena, ccr = idh.loc[("IDHENTIFY", "enasidenib")], idh.loc[("IDHENTIFY", "conventional care")]
    assert (ena["patients"], ccr["patients"]) == (158, 161)
    assert (ena["orr_percent"], ccr["orr_percent"]) == (40.5, 9.9)
    assert (ena["median_os_months"], ccr["median_os_months"], ena["os_hazard_ratio"]) == (6.5, 6.2, 0.86)
    ivo, pbo = idh.loc[("AGILE", "ivosidenib + azacitidine")], idh.loc[("AGILE", "placebo + azacitidine")]
    assert (ivo["patients"], pbo["patients"]) == (72, 74)
    assert (ivo["cr_percent"], pbo["cr_percent"]) == (47, 15)
    assert (ivo["median_os_months"], pbo["median_os_months"], ivo["os_hazard_ratio"]) == (24.0, 7.9, 0.44)


def test_fisher_test_by_hand_matches_scipy_and_the_published_p_value():
    table = [[127, 0], [132, 4]]
    reference = stats.fisher_exact(table).pvalue
    assert glued_number(CH16, "dt_fisher_p") == pytest.approx(reference, rel=1e-9)
    assert round(glued_number(CH16, "dt_fisher_p"), 2) == 0.12  # published P = .12
    # the two tails: all 4 failures outside, or all 4 inside, the ATRA-ATO arm
    assert glued_number(CH16, "dt_p_zero_failures") == pytest.approx(stats.hypergeom.pmf(0, 263, 4, 127))
    assert glued_number(CH16, "dt_p_all_failures") == pytest.approx(stats.hypergeom.pmf(4, 263, 4, 127))
    assert glued_number(CH16, "dt_expected_ato_failures") == pytest.approx(4 * 127 / 263)
    boschloo = glued_number(CH16, "dt_boschloo_p")
    assert boschloo == pytest.approx(stats.boschloo_exact(table).pvalue, rel=1e-6)
    assert 0.05 < boschloo < glued_number(CH16, "dt_fisher_p")


def test_remission_difference_interval_crosses_zero_and_the_nnt_runs_through_infinity():
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    low, high = proportion.confint_proportions_2indep(127, 127, 132, 136, method="newcomb", compare="diff")
    assert glued_number(CH16, "dt_cr_rd") == pytest.approx(1 - 132 / 136)
    assert glued_number(CH16, "dt_cr_rd_low") == pytest.approx(low, abs=1e-9)
    assert glued_number(CH16, "dt_cr_rd_high") == pytest.approx(high, abs=1e-9)
    assert low < 0 < high
    assert glued_number(CH16, "dt_cr_nnt") == pytest.approx(1 / (1 - 132 / 136))
    assert glued_number(CH16, "dt_cr_nntb_bound") == pytest.approx(1 / high, rel=1e-6)
    assert glued_number(CH16, "dt_cr_nnth_bound") == pytest.approx(-1 / low, rel=1e-6)
    text = _chapter_text()
    assert "to infinity to NNTH" in text


def test_50_month_differences_come_from_the_published_estimates():
    assert glued_number(CH16, "dt_efs_rd") == pytest.approx(0.973 - 0.80)
    assert glued_number(CH16, "dt_efs_nnt") == pytest.approx(1 / (0.973 - 0.80))
    assert glued_number(CH16, "dt_relapse_rd") == pytest.approx(0.139 - 0.019)


def test_idh_comparisons_use_the_only_counts_that_round_to_the_published_percentages():
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    # 40.5% of 158 = 64, 9.9% of 161 = 16; 47% of 72 = 34, 15% of 74 = 11, and no other count rounds so
    assert [k for k in range(159) if round(100 * k / 158, 1) == 40.5] == [64]
    assert [k for k in range(162) if round(100 * k / 161, 1) == 9.9] == [16]
    assert [k for k in range(73) if round(100 * k / 72) == 47] == [34]
    assert [k for k in range(75) if round(100 * k / 74) == 15] == [11]
    for key, (k1, n1, k2, n2) in {"idhentify": (64, 158, 16, 161), "agile": (34, 72, 11, 74)}.items():
        low, high = proportion.confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
        assert glued_number(CH16, f"dt_{key}_rd") == pytest.approx(k1 / n1 - k2 / n2)
        assert glued_number(CH16, f"dt_{key}_rd_low") == pytest.approx(low, abs=1e-9)
        assert glued_number(CH16, f"dt_{key}_rd_high") == pytest.approx(high, abs=1e-9)
        assert glued_number(CH16, f"dt_{key}_nnt_low") == pytest.approx(1 / high, rel=1e-6)
        assert 0 < low, f"{key}: a clear benefit in response"
    assert glued_number(CH16, "dt_idhentify_hr") == 0.86
    assert glued_number(CH16, "dt_agile_hr") == 0.44


def test_model_differentiation_shrinks_the_stem_cells_and_delays_relapse():
    params = load("michor2005_parameters").set_index("parameter")["value"]
    k = params["ay"] + params["ry"]
    r = params["ry"] - params["d0"]
    shift = glued_number(CH16, "dt_shift")
    assert glued_number(CH16, "dt_k") == pytest.approx(k)
    assert glued_number(CH16, "dt_stem_decline") == pytest.approx(k * shift - r)
    # stem cells after a 200-day course: exponential decline at k*shift - r from 100,000
    assert glued_number(CH16, "dt_model_differentiation_stem") == pytest.approx(
        1e5 * math.exp(-(k * shift - r) * 200), rel=1e-4)
    # the cytotoxic course leaves the stem compartment untouched
    assert glued_number(CH16, "dt_model_cytotoxic_stem") == pytest.approx(1e5 * math.exp(r * 200), rel=1e-4)
    # the algebra of the text: stem cells back at the start after k*shift*T/r days
    assert glued_number(CH16, "dt_stem_back_day") == pytest.approx(k * shift * 200 / r)
    cytotoxic = glued_number(CH16, "dt_model_cytotoxic_relapse")
    differentiation = glued_number(CH16, "dt_model_differentiation_relapse")
    assert 200 < cytotoxic < glued_number(CH16, "dt_stem_back_day") < differentiation
    # deeper response with killing, later relapse with differentiation, and the
    # combination: deepest response, relapse set by the stem cells
    assert glued_number(CH16, "dt_model_cytotoxic_nadir") < glued_number(CH16, "dt_model_differentiation_nadir")
    assert glued_number(CH16, "dt_model_both_nadir") < glued_number(CH16, "dt_model_cytotoxic_nadir")
    assert glued_number(CH16, "dt_model_both_relapse") == pytest.approx(differentiation, abs=2)
    assert glued_number(CH16, "dt_model_differentiation_nadir_day") > 200


def _chapter_text() -> str:
    from bs4 import BeautifulSoup

    from .conftest import HTML

    html = (HTML / f"{CH16}.html").read_text(encoding="utf-8")
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def _declared_check(label: str) -> dict:
    from cscbook.checks import CHECK_MIME

    from .conftest import executed_notebook

    for cell in executed_notebook(CH16).cells:
        for output in cell.get("outputs", []):
            declaration = output.get("data", {}).get(CHECK_MIME)
            if declaration and declaration["label"] == label:
                return declaration
    pytest.fail(f"{CH16} declares no check for {label}")


def test_exercise_answers_are_right():
    one_sided = _declared_check("ex-dt-1")["answers"]["p_one_sided"]
    assert one_sided == pytest.approx(stats.fisher_exact([[127, 0], [132, 4]], alternative="greater").pvalue)
    assert _declared_check("ex-dt-2")["answers"]["nnt_relapse"] == pytest.approx(1 / (0.139 - 0.019))
    week24 = _declared_check("ex-dt-3")["answers"]
    assert week24["week24_counts"] == [27, 8]  # 38% of 72 and 11% of 74
    assert week24["rd_week24"] == pytest.approx(27 / 72 - 8 / 74)
    params = load("michor2005_parameters").set_index("parameter")["value"]
    k, r = params["ay"] + params["ry"], params["ry"] - params["d0"]
    expected = math.log(1e5) / (k * 0.015 - r)
    assert _declared_check("ex-dt-4")["answers"]["cure_days"] == pytest.approx(expected, rel=1e-6)


def test_page_shows_the_honest_limits():
    text = _chapter_text()
    # the solid-tumour record and the failed survival endpoint are said, not hidden
    assert "1190" in text and "0.83 to 1.35" in text
    assert "primary endpoint was not met" in text
    assert "differentiation syndrome" in text and "33 of 281" in text
    source = (ROOT / f"{CH16}.md").read_text(encoding="utf-8")
    for taught in ("math.comb", "stats.fisher_exact", "stats.boschloo_exact", "newcombe_difference"):
        assert taught in source
