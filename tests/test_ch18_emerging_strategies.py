"""Chapter 18: the MRX34 numbers match the paper, and the 3+3 results match an exact calculation.

The exact references here are written independently of the chapter and of
``cscbook.doseescalation``: beta quantiles for Clopper-Pearson limits, and a direct
product of binomial probabilities for the 3+3 design.
"""

from __future__ import annotations

import numpy as np
import pytest
from bs4 import BeautifulSoup
from scipy import stats

from cscbook import load

from .conftest import HTML, executed_notebook, glued_number, glued_values

CH18 = "book/part3/18-emerging-strategies"


def clopper_pearson(successes: int, total: int) -> tuple[float, float]:
    low = stats.beta.ppf(0.025, successes, total - successes + 1) if successes else 0.0
    high = stats.beta.ppf(0.975, successes + 1, total - successes) if successes < total else 1.0
    return float(low), float(high)


def pass_level(p: float) -> float:
    """P(a 3+3 cohort sequence passes a level): 0/3, or 1/3 then 0/3."""
    return stats.binom.pmf(0, 3, p) + stats.binom.pmf(1, 3, p) * stats.binom.pmf(0, 3, p)


def page_text() -> str:
    html = (HTML / f"{CH18}.html").read_text(encoding="utf-8")
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_mrx34_data_hold_the_published_abstract_numbers():
    # Hong et al. 2020, Br J Cancer 122:1630, abstract: 85 patients; % all grade / grade 3
    events = load("hong2020_mrx34_adverse_events").set_index(["adverse_event", "grade"])
    published = {"fever": (72, 4), "chills": (53, 14), "fatigue": (51, 9),
                 "back or neck pain": (36, 5), "nausea": (36, 1), "dyspnoea": (25, 4)}
    for event, (any_grade, grade3) in published.items():
        assert events.loc[(event, "any grade"), "pct_published"] == any_grade
        assert events.loc[(event, "grade 3"), "pct_published"] == grade3
    assert set(events["patients_enrolled"]) == {85}
    outcomes = load("hong2020_mrx34_outcomes").set_index("outcome")["patients_with_outcome"]
    assert outcomes["partial response"] == 3
    assert outcomes["stable disease for at least 4 cycles"] == 16
    assert outcomes["death after an immune-mediated serious adverse event"] == 4


def test_reconstructed_counts_round_back_to_the_printed_percentages():
    # 72% of 85 can only be 61 patients; 14% only 12
    assert glued_number(CH18, "em_fever_count") == 61
    assert glued_number(CH18, "em_chills_g3_count") == 12
    assert round(100 * 61 / 85) == 72 and round(100 * 12 / 85) == 14


def test_exact_intervals_for_deaths_and_responses():
    for key, successes in {"death": 4, "pr": 3}.items():
        low, high = clopper_pearson(successes, 85)
        assert glued_number(CH18, f"em_{key}_share") == pytest.approx(successes / 85)
        assert glued_number(CH18, f"em_{key}_low") == pytest.approx(low, rel=1e-6)
        assert glued_number(CH18, f"em_{key}_high") == pytest.approx(high, rel=1e-6)
    # grade 3 chills, 12 of 85, has the highest upper limit among the grade 3 events
    assert glued_values(CH18)["em_g3_max_event"].strip("'\"") == "chills"
    assert glued_number(CH18, "em_g3_max_high") == pytest.approx(clopper_pearson(12, 85)[1], rel=1e-6)
    # 1 DLT in 6 patients: an interval from under 1% to over 60%
    low, high = clopper_pearson(1, 6)
    assert glued_number(CH18, "em_one_of_six_low") == pytest.approx(low, rel=1e-6)
    assert glued_number(CH18, "em_one_of_six_high") == pytest.approx(high, rel=1e-6)


def test_escalation_probabilities_in_the_prose_are_exact():
    for key, p in {"em_pass_010": 0.10, "em_pass_033": 0.33, "em_pass_050": 0.50}.items():
        assert glued_number(CH18, key) == pytest.approx(pass_level(p))
    # a dose with a 50% DLT rate is passed about one time in six, not "never"
    assert 0.15 < glued_number(CH18, "em_pass_050") < 0.2


def test_declared_mtd_probabilities_follow_from_the_assumed_curve():
    # the chapter's assumption: doses 10, 20, 33, 50, 70, 93, 124 mg/m2, logistic in log
    # dose with TD50 = 110 and slope 3, target 25%
    doses = np.array([10, 20, 33, 50, 70, 93, 124], dtype=float)
    p = 1 / (1 + (110 / doses) ** 3)
    passed = np.array([pass_level(x) for x in p])
    true_level = int(np.flatnonzero(p <= 0.25).max())
    assert glued_number(CH18, "em_true_dose") == doses[true_level] == 70
    reach = np.concatenate([[1.0], np.cumprod(passed)])
    # declared MTD = level i when the trial passes levels 0..i and stops at i + 1
    p_declared = [reach[i + 1] * (1 - passed[i + 1]) for i in range(len(doses) - 1)]
    p_declared.append(reach[-1])
    p_declared = np.array(p_declared)
    assert glued_number(CH18, "em_p_correct") == pytest.approx(p_declared[true_level])
    assert glued_number(CH18, "em_p_above") == pytest.approx(p_declared[true_level + 1:].sum())
    below = 1 - p_declared[true_level:].sum()  # includes "no dose declared"
    assert glued_number(CH18, "em_p_below") == pytest.approx(below)
    # the simulation agrees with the exact answer to within Monte Carlo noise
    assert glued_number(CH18, "em_n_trials") >= 2000
    assert glued_number(CH18, "em_largest_gap") < 0.03
    # expected patients: 3 + 3 * P(exactly 1 of 3) at every level reached
    patients = reach[:-1] * (3 + 3 * stats.binom.pmf(1, 3, p))
    assert glued_number(CH18, "em_expected_total") == pytest.approx(patients.sum())
    assert glued_number(CH18, "em_expected_above") == pytest.approx(patients[true_level + 1:].sum())
    assert 0 < glued_number(CH18, "em_share_above") < 0.5


def test_rare_toxicity_numbers():
    assert glued_number(CH18, "em_unseen_six") == pytest.approx(0.95**6)
    # one-sided 95% upper limit after 0 of n: 1 - 0.05 ** (1 / n); the rule of three
    # (3 / n) approximates it for large n
    assert glued_number(CH18, "em_upper_six") == pytest.approx(1 - 0.05 ** (1 / 6))
    assert glued_number(CH18, "em_upper_twenty") == pytest.approx(3 / 20, abs=0.015)


def test_checked_exercise_answers():
    from cscbook.checks import CHECK_MIME

    declared = {}
    for cell in executed_notebook(CH18).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get(CHECK_MIME)
            if data:
                declared[data["label"]] = data["answers"]
    assert declared["ex-em-1"]["most_common_dose"] == 70
    low, high = clopper_pearson(3 + 16, 85)
    assert declared["ex-em-2"]["activity_low"] == pytest.approx(low, rel=1e-6)
    assert declared["ex-em-2"]["activity_high"] == pytest.approx(high, rel=1e-6)
    assert declared["ex-em-3"]["pass_both"] == pytest.approx(pass_level(0.3) * pass_level(0.4))
    assert declared["ex-em-5"]["p_silent"] == pytest.approx((1 - 4 / 85) ** 6)
    # a shallower curve moves the true MTD down and makes the right answer less likely
    assert declared["ex-em-4"]["shallow_true_dose"] < 70
    assert declared["ex-em-4"]["shallow_correct"] < glued_number(CH18, "em_p_correct")


def test_the_page_labels_the_curve_an_assumption_and_states_the_trial_outcome():
    text = page_text()
    assert "assumptions for teaching" in text
    assert "not fitted to MRX34" in text
    assert "four patients" in text and "closed early" in text
    for figure in ("fig-em-adverse-events", "fig-em-pass-curve", "fig-em-dose-curve",
                   "fig-em-mtd-distribution"):
        assert figure in (HTML / f"{CH18}.html").read_text(encoding="utf-8")
