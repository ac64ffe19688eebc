"""Chapter 19: the capstone model takes its published numbers from published datasets,
labels everything else as an assumption, and behaves as the chapter says."""

from __future__ import annotations

import ast
import re

import numpy as np
import pandas as pd
import pytest

from cscbook import load, resource
from cscbook_build.book import datasets_used

from .conftest import ROOT, executed_notebook, glued_number, glued_values

CH13 = "book/part3/19-capstone-relapse-combinations"
SOURCE = (ROOT / f"{CH13}.md").read_text(encoding="utf-8")
CODE_CELL = re.compile(r"```\{code-cell\} ipython3\n(.*?)```", re.DOTALL)


@pytest.fixture(scope="module")
def assumptions() -> pd.DataFrame:
    """The table of assumptions exactly as the chapter builds and shows it."""
    cells = [cell for cell in CODE_CELL.findall(SOURCE) if "assumptions = pd.DataFrame(" in cell]
    assert len(cells) == 1, "the chapter builds its table of assumptions in one code cell"
    namespace = {"pd": pd}
    exec(cells[0], namespace)
    return namespace["assumptions"]


@pytest.fixture(scope="module")
def zhou_means() -> pd.Series:
    summary = load("zhou2008_sp_summary")
    means = summary[(summary["quantity"] == "sp_fraction") & (summary["statistic"] == "mean")]
    return means.set_index("condition")["value"]


def test_chapter_reads_only_published_datasets():
    assert datasets_used(SOURCE) == ["zhou2008_sp_summary", "gupta2009_salinomycin_selectivity"]
    for name in datasets_used(SOURCE):
        assert resource(name)["provenance"] == "published", name


def test_published_anchors_are_the_published_values(zhou_means):
    # Zhou et al. 2008: side population 3.8% in control culture, 10.7% after 3 days of gemcitabine
    assert (zhou_means["control"], zhou_means["gemcitabine_3d"]) == (3.8, 10.7)
    # Gupta et al. 2009: salinomycin lowered the CSC proportion more than 100-fold vs paclitaxel
    selectivity = load("gupta2009_salinomycin_selectivity")
    assert len(selectivity) == 1
    row = selectivity.iloc[0]
    assert (row["compound"], row["comparator"]) == ("salinomycin", "paclitaxel")
    assert row["fold_reduction"] == 100 and row["bound"] == "lower"
    sources = resource("gupta2009_salinomycin_selectivity")["sources"]
    assert [s["path"] for s in sources] == ["https://doi.org/10.1016/j.cell.2009.06.034"]


def test_assumptions_are_labelled_and_separate_from_the_anchors(assumptions):
    anchors = {"sp_fraction_before", "sp_fraction_after", "exposure_days", "targeted_selectivity"}
    assert list(assumptions.columns) == ["parameter", "value", "unit", "meaning"]
    assert assumptions["parameter"].is_unique
    assert not anchors & set(assumptions["parameter"]), "a published value among the assumptions"
    assert (assumptions["value"] >= 0).all()
    assert assumptions["unit"].str.len().gt(0).all() and assumptions["meaning"].str.len().gt(0).all()
    # the reader is told how many values are published and how many are chosen
    assert glued_number(CH13, "cap_n_published") == len(anchors)
    assert glued_number(CH13, "cap_n_illustrative") == len(assumptions)
    assert glued_number(CH13, "cap_n_parameters") == len(anchors) + len(assumptions)
    # ... and that the chosen ones are not measurements
    assert "Assumptions, not measurements" in SOURCE
    assert "chosen for teaching" in SOURCE


def test_chapter_derives_the_kill_difference_from_zhou_2008(zhou_means):
    before, after = zhou_means["control"] / 100, zhou_means["gemcitabine_3d"] / 100
    published_odds_ratio = (after / (1 - after)) / (before / (1 - before))
    assert glued_number(CH13, "cap_published_or") == pytest.approx(published_odds_ratio)
    assert glued_number(CH13, "cap_kill_difference") == pytest.approx(
        np.log(published_odds_ratio) / 3)
    assert glued_number(CH13, "cap_chemo_csc_kill") == pytest.approx(
        glued_number(CH13, "cap_chemo_bulk_kill") - glued_number(CH13, "cap_kill_difference"))
    # solving the model over the same 3 days roughly reproduces the published enrichment
    assert glued_number(CH13, "cap_model_or") == pytest.approx(published_odds_ratio, rel=0.15)


def test_untreated_growth_is_the_dominant_eigenvalue(assumptions):
    p = dict(zip(assumptions["parameter"], assumptions["value"], strict=True))
    matrix = np.array([
        [p["csc_symmetric_fraction"] * p["csc_division_rate"] - p["csc_death_rate"],
         p["plasticity_rate"]],
        [(1 - p["csc_symmetric_fraction"]) * p["csc_division_rate"],
         p["bulk_division_rate"] - p["bulk_death_rate"] - p["plasticity_rate"]],
    ])
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    dominant = np.argmax(eigenvalues.real)
    mixture = np.abs(eigenvectors[:, dominant].real)
    assert glued_number(CH13, "cap_growth_rate") == pytest.approx(eigenvalues[dominant].real)
    assert glued_number(CH13, "cap_csc_fraction") == pytest.approx(mixture[0] / mixture.sum())


def test_model_tells_the_story_of_the_chapter():
    # chemotherapy alone enriches CSCs, as the published before/after data did ...
    assert glued_number(CH13, "cap_csc_fraction_end_chemo") > glued_number(CH13, "cap_csc_fraction")
    # ... and relapse comes later when a CSC-targeted drug is added
    assert glued_number(CH13, "cap_relapse_combo") > glued_number(CH13, "cap_relapse_chemo")
    assert glued_number(CH13, "cap_nadir_combo") < glued_number(CH13, "cap_nadir_chemo")
    # with any plasticity every scenario of the sweep relapses within follow-up
    horizon_months = glued_number(CH13, "cap_horizon_years") * 12
    assert glued_number(CH13, "cap_best_with_plasticity") < horizon_months
    assert 0 < glued_number(CH13, "cap_n_no_relapse") < glued_number(CH13, "cap_n_scenarios")
    # stronger chemotherapy delays relapse after chemotherapy alone
    assert glued_number(CH13, "cap_alone_high") > glued_number(CH13, "cap_alone_low")


def _model_namespace(params: dict) -> dict:
    """The chapter's model code (stable_mixture, rhs, treatment_schedule, simulate), run as
    the chapter defines it, with `params` as the chapter's parameter dictionary."""
    from scipy.integrate import solve_ivp

    namespace = {"np": np, "solve_ivp": solve_ivp, "params": params,
                 "glue": lambda *args, **kwargs: None}
    for name in ("def stable_mixture(", "def rhs(", "def simulate("):
        cells = [cell for cell in CODE_CELL.findall(SOURCE) if name in cell]
        assert len(cells) == 1, f"the chapter defines {name[4:-1]} in one code cell"
        exec(cells[0], namespace)
    return namespace


def test_rates_used_in_the_chapter_and_its_solutions_are_not_negative(zhou_means):
    # the main analysis (selection reading) and the chemotherapy-intensity sweep
    assert glued_number(CH13, "cap_chemo_csc_kill") >= 0
    assert glued_number(CH13, "cap_intensity_min_csc_kill") >= 0
    # ex-cap-3: the CSC kill rate of every scenario, including the largest enrichment, whose
    # kill difference exceeds the assumed bulk kill rate (it would need a negative CSC kill)
    values = glued_values(CH13)
    csc_kills = ast.literal_eval(values["cap_ex3_csc_kills"])
    differences = ast.literal_eval(values["cap_ex3_kill_differences"])
    bulk_kill = glued_number(CH13, "cap_chemo_bulk_kill")
    assert len(csc_kills) == len(differences) == 3
    assert min(csc_kills) >= 0, f"a negative CSC kill rate in ex-cap-3: {csc_kills}"
    assert differences[-1] > bulk_kill, "the largest enrichment needs more than selection"
    assert csc_kills[-1] == 0
    assert csc_kills[:2] == pytest.approx([bulk_kill - d for d in differences[:2]])
    # ... and that run relapses during the course, as the solution says
    assert glued_number(CH13, "cap_ex3_largest_relapse") < glued_number(CH13, "cap_course_months")
    # the induced-plasticity reading converts cells at a positive rate, as in chapter 8
    before, after = zhou_means["control"] / 100, zhou_means["gemcitabine_3d"] / 100
    assert glued_number(CH13, "cap_induced_conversion_pct") == pytest.approx(
        100 * np.log((1 - before) / (1 - after)) / 3)


def test_model_refuses_negative_rates(assumptions):
    params = {name: float(value) for name, value in
              zip(assumptions["parameter"], assumptions["value"], strict=True)}
    params.update(targeted_selectivity=100.0, chemo_csc_kill=-0.121, chemo_induced_conversion=0.0)
    model = _model_namespace(params)
    with pytest.raises(ValueError, match="negative"):
        model["rhs"](0.0, [1.0, 1.0], -0.1, 0.6, params)
    # the old ex-cap-3 solution's largest enrichment needed a CSC kill of about -0.12 per day
    with pytest.raises(ValueError, match="negative"):
        model["simulate"](params, 0.0)
    params["chemo_csc_kill"] = 0.0
    assert model["simulate"](params, 0.0)["relapse_day"] is not None


def test_selection_and_induced_plasticity_readings_differ():
    # both readings are run; they fit the same shares but predict different enrichments
    # in the model tumour and different relapse times
    assert glued_number(CH13, "cap_induced_model_or") < glued_number(CH13, "cap_model_or")
    assert glued_number(CH13, "cap_induced_relapse_chemo") != pytest.approx(
        glued_number(CH13, "cap_relapse_chemo"), rel=0.1)
    assert "induced plasticity" in SOURCE and "{term}`therapy-induced selection`" in SOURCE


def test_stochastic_extinction_matches_the_exact_calculation():
    # ex-cap-6: the simulation uses probabilities 1 - exp(-rate * dt), not rates, and agrees
    # with the backward equation for the extinction probability
    notebook = executed_notebook(CH13)
    text = "".join(output.get("text", "") for cell in notebook.cells
                   for output in cell.get("outputs", []) if output.get("name") == "stdout")
    rows = re.findall(r"targeted kill ([\d.]+): extinction probability ([\d.]+) simulated, "
                      r"([\d.]+) exact", text)
    assert [float(kill) for kill, _, _ in rows] == [0.1, 0.125, 0.15, 0.2]
    simulated = [float(s) for _, s, _ in rows]
    exact = [float(e) for _, _, e in rows]
    assert simulated == pytest.approx(exact, abs=0.05)
    assert exact == sorted(exact) and exact[0] < 0.05 and exact[-1] > 0.95
    assert "1 - np.exp(-(birth + death_rate) * step)" in SOURCE
