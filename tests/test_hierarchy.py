"""The compartment model helper (chapters 3 and 9) behaves as its equations say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cscbook import load
from cscbook.hierarchy import (
    hierarchy_rhs,
    leukaemic_rates,
    normal_rates,
    parameter_values,
    simulate_cml,
    steady_state,
)


@pytest.fixture(scope="module")
def params():
    return parameter_values(load("michor2005_parameters"))


def test_parameter_values_needs_the_right_columns():
    with pytest.raises(ValueError, match="parameter"):
        parameter_values(pd.DataFrame({"name": ["d0"], "value": [0.003]}))


def test_steady_state_is_a_fixed_point_and_amplifies_by_the_product_of_the_rates(params):
    rates = normal_rates(params)
    state = steady_state(rates, stem=2.0)
    assert hierarchy_rhs(0.0, state, rates) == pytest.approx(np.zeros(4), abs=1e-9)
    expected = params["ax"] * params["bx"] * params["cx"] / (params["d1"] * params["d2"] * params["d3"])
    assert state[3] / state[0] == pytest.approx(expected)


def test_extra_loss_removes_cells_from_the_named_compartment_only(params):
    rates = normal_rates(params)
    state = steady_state(rates)
    change = hierarchy_rhs(0.0, state, rates, extra_loss=(0.0, 0.1, 0.0, 0.0))
    assert change == pytest.approx([0.0, -0.1 * state[1], 0.0, 0.0], abs=1e-9)


def test_rates_without_a_key_are_rejected(params):
    rates = normal_rates(params)
    del rates["d2"]
    with pytest.raises(KeyError, match="d2"):
        hierarchy_rhs(0.0, [1.0, 1.0, 1.0, 1.0], rates)


def test_imatinib_divides_the_leukaemic_production_rates_by_the_published_factors(params):
    off = leukaemic_rates(params)
    on = leukaemic_rates(params, on_imatinib=True)
    assert off["a"] / on["a"] == pytest.approx(params["imatinib_ay_divisor"])
    assert off["b"] / on["b"] == pytest.approx(params["imatinib_by_divisor"])
    assert on["c"] == off["c"] == params["cy"]
    assert off["stem_growth"] == pytest.approx(params["ry"] - params["d0"])
    assert leukaemic_rates(params, stem_growth=0.0)["stem_growth"] == 0.0


def test_without_therapy_the_leukaemic_share_stays_at_its_steady_state(params):
    run = simulate_cml(params, np.arange(0, 400.0), leukaemic_stem=0.25, therapy=(500.0, 900.0),
                       stem_growth_off_therapy=0.0)
    output = steady_state(leukaemic_rates(params), 0.25)[3] / steady_state(normal_rates(params))[3]
    assert run["ratio"].to_numpy() == pytest.approx(output / (1 + output), rel=1e-6)


def test_imatinib_slopes_are_the_turnover_rates_of_differentiated_cells_and_progenitors(params):
    # Michor et al. (2005): the first slope reflects differentiated cells (d2), the second
    # progenitors (d1).
    run = simulate_cml(params, np.arange(0, 700.0), leukaemic_stem=0.25, stem_growth_on_therapy=0.0)

    def slope(start, stop):
        part = run[(run["day"] >= start) & (run["day"] <= stop)]
        return np.polyfit(part["day"], np.log(part["ratio"]), 1)[0]

    assert -slope(30, 90) == pytest.approx(params["d2"], rel=0.15)
    assert -slope(250, 450) == pytest.approx(params["d1"], rel=0.15)


def test_stopping_therapy_returns_the_leukaemic_share_to_baseline(params):
    run = simulate_cml(params, np.arange(0, 2000.0), leukaemic_stem=0.25, therapy=(0.0, 365.0),
                       stem_growth_on_therapy=0.0, stem_growth_off_therapy=0.0)
    assert run["ratio"].iloc[365] < run["ratio"].iloc[0] / 1000
    assert run["ratio"].iloc[-1] == pytest.approx(run["ratio"].iloc[0], rel=1e-3)


def test_results_do_not_depend_on_which_days_are_requested(params):
    # the solver restarts at the end of therapy even if that day is not requested
    kwargs = {"leukaemic_stem": 0.25, "therapy": (0.0, 100.5), "stem_growth_on_therapy": 0.0,
              "stem_growth_off_therapy": 0.0}
    coarse = simulate_cml(params, np.arange(0, 301.0, 50.0), **kwargs).set_index("day")
    fine = simulate_cml(params, np.arange(0, 301.0, 1.0), **kwargs).set_index("day")
    assert coarse["ratio"].to_numpy() == pytest.approx(fine.loc[coarse.index, "ratio"].to_numpy(),
                                                       rel=1e-5)


@pytest.mark.parametrize("days, therapy", [([0.0, 5.0, 3.0], (0.0, 10.0)), ([0.0, 5.0], (4.0, 4.0))])
def test_bad_arguments_are_rejected(params, days, therapy):
    with pytest.raises(ValueError):
        simulate_cml(params, days, leukaemic_stem=0.1, therapy=therapy)
