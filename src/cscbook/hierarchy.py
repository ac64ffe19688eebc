"""The stem, progenitor, differentiated and terminal compartment model.

Chapter 3 builds this model of haematopoiesis, after Michor et al. (2005), and chapter 9
uses it for chronic myeloid leukaemia (CML) under imatinib. Each cell line (normal or
leukaemic) has four compartments:

====  ===============  =========================================================
 i    compartment      change per day
====  ===============  =========================================================
 0    stem             ``stem_growth * s``  (net self-renewal minus loss)
 1    progenitor       ``a * s - d1 * p``
 2    differentiated   ``b * p - d2 * d``
 3    terminal         ``c * d - d3 * m``
====  ===============  =========================================================

A compartment produces cells of the next one without being emptied by it (each
production event behaves like an asymmetric division), and loses cells by death or
exit at its own rate. Rates are per day; cell numbers are in units of the normal stem
compartment at steady state, so only ratios matter.

Imatinib acts only on leukaemic cells: it divides the leukaemic production rates ``a``
and ``b`` by the fold reductions in the parameter table. Normal cells are at steady
state throughout.

The parameter values come from the dataset ``michor2005_parameters``; see its data card
for where they were taken from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

__all__ = [
    "COMPARTMENTS",
    "parameter_values",
    "normal_rates",
    "leukaemic_rates",
    "hierarchy_rhs",
    "steady_state",
    "cml_rhs",
    "bcr_abl_ratio",
    "simulate_cml",
]

COMPARTMENTS = ("stem", "progenitor", "differentiated", "terminal")
_RATE_KEYS = ("stem_growth", "a", "b", "c", "d1", "d2", "d3")


def parameter_values(table: pd.DataFrame) -> dict[str, float]:
    """Return ``{parameter: value}`` from the ``michor2005_parameters`` table.

    Parameters
    ----------
    table : pandas.DataFrame
        A table with columns ``parameter`` and ``value``.

    Returns
    -------
    dict of str to float
        The parameter values by name, to pass to :func:`normal_rates`,
        :func:`leukaemic_rates` and :func:`simulate_cml`.

    Examples
    --------
    >>> table = pd.DataFrame({"parameter": ["d1", "d2"], "value": [0.008, 0.05]})
    >>> parameter_values(table)
    {'d1': 0.008, 'd2': 0.05}
    """
    if not {"parameter", "value"} <= set(table.columns):
        raise ValueError("the table needs columns 'parameter' and 'value'")
    return {str(name): float(value) for name, value in zip(table["parameter"], table["value"], strict=True)}


def normal_rates(params: Mapping[str, float]) -> dict[str, float]:
    """Rates of the normal cell line, with the stem compartment held at steady state.

    Parameters
    ----------
    params : mapping of str to float
        Parameter values by name (``ax``, ``bx``, ``cx``, ``d1``, ``d2``, ``d3``), as
        :func:`parameter_values` returns them.

    Returns
    -------
    dict of str to float
        The rates ``stem_growth`` (0), ``a``, ``b``, ``c``, ``d1``, ``d2`` and ``d3``.

    Examples
    --------
    >>> params = {"ax": 0.8, "bx": 5.0, "cx": 100.0, "ay": 1.6, "by": 10.0, "cy": 100.0,
    ...           "d0": 0.003, "d1": 0.008, "d2": 0.05, "d3": 1.0, "ry": 0.008,
    ...           "imatinib_ay_divisor": 100.0, "imatinib_by_divisor": 750.0}
    >>> normal_rates(params)
    {'stem_growth': 0.0, 'a': 0.8, 'b': 5.0, 'c': 100.0, 'd1': 0.008, 'd2': 0.05, 'd3': 1.0}
    """
    return {
        "stem_growth": 0.0,
        "a": params["ax"],
        "b": params["bx"],
        "c": params["cx"],
        "d1": params["d1"],
        "d2": params["d2"],
        "d3": params["d3"],
    }


def leukaemic_rates(
    params: Mapping[str, float],
    on_imatinib: bool = False,
    stem_growth: float | None = None,
) -> dict[str, float]:
    """Rates of the leukaemic cell line, with or without imatinib.

    ``stem_growth`` is the net growth rate of the leukaemic stem compartment per day.
    By default it is ``ry - d0`` from the parameter table; pass another value to
    explore what the model cannot pin down (for example, stem cells held constant).

    Parameters
    ----------
    params : mapping of str to float
        Parameter values by name, as :func:`parameter_values` returns them.
    on_imatinib : bool, optional
        Divide ``ay`` and ``by`` by the imatinib fold reductions.
    stem_growth : float, optional
        Net growth rate of the leukaemic stem compartment per day.

    Returns
    -------
    dict of str to float
        The rates ``stem_growth``, ``a``, ``b``, ``c``, ``d1``, ``d2`` and ``d3``.

    Examples
    --------
    >>> params = {"ax": 0.8, "bx": 5.0, "cx": 100.0, "ay": 1.6, "by": 10.0, "cy": 100.0,
    ...           "d0": 0.003, "d1": 0.008, "d2": 0.05, "d3": 1.0, "ry": 0.008,
    ...           "imatinib_ay_divisor": 100.0, "imatinib_by_divisor": 750.0}
    >>> rates = leukaemic_rates(params, on_imatinib=True)
    >>> print(round(rates["stem_growth"], 4), round(rates["a"], 4), round(rates["b"], 4))
    0.005 0.016 0.0133
    """
    a, b = params["ay"], params["by"]
    if on_imatinib:
        a = a / params["imatinib_ay_divisor"]
        b = b / params["imatinib_by_divisor"]
    growth = params["ry"] - params["d0"] if stem_growth is None else float(stem_growth)
    return {
        "stem_growth": growth,
        "a": a,
        "b": b,
        "c": params["cy"],
        "d1": params["d1"],
        "d2": params["d2"],
        "d3": params["d3"],
    }


def _check_rates(rates: Mapping[str, float]) -> None:
    missing = [key for key in _RATE_KEYS if key not in rates]
    if missing:
        raise KeyError(f"rates lack {missing}")


def hierarchy_rhs(
    t: float,
    cells: Sequence[float],
    rates: Mapping[str, float],
    extra_loss: Sequence[float] = (0.0, 0.0, 0.0, 0.0),
) -> np.ndarray:
    """Right-hand side of the four-compartment model for one cell line.

    ``cells`` holds (stem, progenitor, differentiated, terminal); ``rates`` has the
    keys ``stem_growth, a, b, c, d1, d2, d3``; ``extra_loss`` adds a loss rate per
    compartment (for example a drug that kills dividing cells). ``t`` is unused but
    kept so that the function can be passed to :func:`scipy.integrate.solve_ivp`.

    Parameters
    ----------
    t : float
        Time in days (unused).
    cells : sequence of float
        Sizes of the four compartments.
    rates : mapping of str to float
        As :func:`normal_rates` or :func:`leukaemic_rates` return them.
    extra_loss : sequence of float, optional
        An added loss rate per compartment.

    Returns
    -------
    numpy.ndarray
        The change per day of each compartment.

    Examples
    --------
    >>> rates = {"stem_growth": 0.0, "a": 0.8, "b": 5.0, "c": 100.0, "d1": 0.008, "d2": 0.05, "d3": 1.0}
    >>> print(hierarchy_rhs(0.0, [1.0, 50.0, 5000.0, 500000.0], rates).tolist())
    [0.0, 0.4, 0.0, 0.0]
    """
    _check_rates(rates)
    stem, progenitor, differentiated, terminal = cells
    loss0, loss1, loss2, loss3 = extra_loss
    return np.array(
        [
            (rates["stem_growth"] - loss0) * stem,
            rates["a"] * stem - (rates["d1"] + loss1) * progenitor,
            rates["b"] * progenitor - (rates["d2"] + loss2) * differentiated,
            rates["c"] * differentiated - (rates["d3"] + loss3) * terminal,
        ]
    )


def steady_state(rates: Mapping[str, float], stem: float = 1.0) -> np.ndarray:
    """Compartment sizes when the stem compartment is held at ``stem``.

    Setting each derivative of :func:`hierarchy_rhs` below the stem compartment to zero
    gives ``p = a s / d1``, ``d = b p / d2`` and ``m = c d / d3``.

    Parameters
    ----------
    rates : mapping of str to float
        As :func:`normal_rates` or :func:`leukaemic_rates` return them.
    stem : float, optional
        Size of the stem compartment.

    Returns
    -------
    numpy.ndarray
        Stem, progenitor, differentiated and terminal compartment sizes.

    Examples
    --------
    >>> rates = {"stem_growth": 0.0, "a": 0.8, "b": 5.0, "c": 100.0, "d1": 0.008, "d2": 0.05, "d3": 1.0}
    >>> print(steady_state(rates).tolist())
    [1.0, 100.0, 10000.0, 1000000.0]
    """
    _check_rates(rates)
    progenitor = rates["a"] * stem / rates["d1"]
    differentiated = rates["b"] * progenitor / rates["d2"]
    terminal = rates["c"] * differentiated / rates["d3"]
    return np.array([stem, progenitor, differentiated, terminal], dtype=float)


def cml_rhs(
    t: float,
    state: Sequence[float],
    normal: Mapping[str, float],
    leukaemic: Mapping[str, float],
) -> np.ndarray:
    """Right-hand side for normal (``state[:4]``) and leukaemic (``state[4:]``) cells.

    Parameters
    ----------
    t : float
        Time in days (unused).
    state : sequence of float
        The four normal compartments, then the four leukaemic ones.
    normal, leukaemic : mapping of str to float
        The rates of each cell line.

    Returns
    -------
    numpy.ndarray
        The change per day of the eight compartments.

    Examples
    --------
    >>> params = {"ax": 0.8, "bx": 5.0, "cx": 100.0, "ay": 1.6, "by": 10.0, "cy": 100.0,
    ...           "d0": 0.003, "d1": 0.008, "d2": 0.05, "d3": 1.0, "ry": 0.008,
    ...           "imatinib_ay_divisor": 100.0, "imatinib_by_divisor": 750.0}
    >>> normal, leukaemic = normal_rates(params), leukaemic_rates(params)
    >>> state = np.concatenate([steady_state(normal), steady_state(leukaemic, 0.5)])
    >>> print([round(float(value), 4) for value in cml_rhs(0.0, state, normal, leukaemic)])
    [0.0, 0.0, 0.0, 0.0, 0.0025, 0.0, 0.0, 0.0]
    """
    state = np.asarray(state, dtype=float)
    return np.concatenate(
        [hierarchy_rhs(t, state[:4], normal), hierarchy_rhs(t, state[4:], leukaemic)]
    )


def bcr_abl_ratio(state: np.ndarray) -> np.ndarray:
    """Leukaemic share of terminal cells, ``y3 / (x3 + y3)``.

    ``state`` has the eight compartments along its first axis. This share is the
    model's stand-in for the BCR-ABL1 level measured in blood.

    Parameters
    ----------
    state : numpy.ndarray
        Eight compartments along the first axis (``x0..x3``, then ``y0..y3``).

    Returns
    -------
    numpy.ndarray or float
        The leukaemic share of terminal cells.

    Examples
    --------
    >>> print(round(float(bcr_abl_ratio([1, 100, 1e4, 1e6, 0.5, 100, 2e4, 2e6])), 3))
    0.667
    """
    state = np.asarray(state, dtype=float)
    return state[7] / (state[3] + state[7])


def simulate_cml(
    params: Mapping[str, float],
    days: Sequence[float],
    leukaemic_stem: float,
    therapy: tuple[float, float] = (0.0, np.inf),
    stem_growth_on_therapy: float | None = None,
    stem_growth_off_therapy: float | None = None,
) -> pd.DataFrame:
    """Simulate normal and leukaemic haematopoiesis around a course of imatinib.

    At day 0 both cell lines are at steady state: normal stem cells at 1 and leukaemic
    stem cells at ``leukaemic_stem`` (in units of the normal stem compartment).
    Imatinib is given from ``therapy[0]`` to ``therapy[1]`` (days). The leukaemic stem
    compartment grows at ``stem_growth_on_therapy`` per day on therapy and at
    ``stem_growth_off_therapy`` off therapy; both default to ``ry - d0`` from the
    parameter table. Pass ``0.0`` to hold the leukaemic stem compartment constant.

    Returns one row per requested day with the eight compartments (``x0..x3`` normal,
    ``y0..y3`` leukaemic) and the leukaemic share of terminal cells, ``ratio``.

    Parameters
    ----------
    params : mapping of str to float
        Parameter values by name, as :func:`parameter_values` returns them.
    days : sequence of float
        Increasing days at which to report the compartments, from 0 or later.
    leukaemic_stem : float
        Leukaemic stem cells at day 0, in units of the normal stem compartment.
    therapy : tuple of float, optional
        First and last day of imatinib.
    stem_growth_on_therapy, stem_growth_off_therapy : float, optional
        Net growth rate of the leukaemic stem compartment per day on and off therapy.

    Returns
    -------
    pandas.DataFrame
        Columns ``day``, ``x0`` to ``x3``, ``y0`` to ``y3`` and ``ratio``.

    Examples
    --------
    >>> params = {"ax": 0.8, "bx": 5.0, "cx": 100.0, "ay": 1.6, "by": 10.0, "cy": 100.0,
    ...           "d0": 0.003, "d1": 0.008, "d2": 0.05, "d3": 1.0, "ry": 0.008,
    ...           "imatinib_ay_divisor": 100.0, "imatinib_by_divisor": 750.0}
    >>> frame = simulate_cml(params, [0, 100, 200], leukaemic_stem=0.5)
    >>> print([round(float(value), 3) for value in frame["ratio"]])
    [0.667, 0.015, 0.001]
    """
    days = np.asarray(days, dtype=float)
    if days.ndim != 1 or days.size == 0 or np.any(np.diff(days) <= 0) or days[0] < 0:
        raise ValueError("days must be a non-empty increasing sequence starting at 0 or later")
    start, stop = therapy
    if stop <= start:
        raise ValueError("therapy must end after it starts")
    normal = normal_rates(params)
    off = leukaemic_rates(params, on_imatinib=False, stem_growth=stem_growth_off_therapy)
    on = leukaemic_rates(params, on_imatinib=True, stem_growth=stem_growth_on_therapy)
    untreated = leukaemic_rates(params, on_imatinib=False)
    state = np.concatenate([steady_state(normal, 1.0), steady_state(untreated, leukaemic_stem)])

    # Solve piece by piece so that the solver never steps across a change of rates.
    edges = sorted({0.0, days[-1], *(e for e in (start, stop) if 0 < e < days[-1])})
    pieces = []
    for left, right in zip(edges[:-1], edges[1:], strict=True):
        rates = on if start <= left < stop else off
        inside = days[(days >= left) & (days <= right)]
        solution = solve_ivp(
            cml_rhs,
            (left, right),
            state,
            args=(normal, rates),
            method="LSODA",
            t_eval=np.union1d(inside, [right]),
            rtol=1e-8,
            atol=1e-14,
        )
        if not solution.success:
            raise RuntimeError(f"solve_ivp failed between day {left} and {right}: {solution.message}")
        keep = np.isin(solution.t, inside)
        if keep.any():
            pieces.append(pd.DataFrame(solution.y[:, keep].T, index=solution.t[keep]))
        state = solution.y[:, -1]
    frame = pd.concat(pieces)
    frame = frame[~frame.index.duplicated(keep="last")]
    frame.columns = [f"x{i}" for i in range(4)] + [f"y{i}" for i in range(4)]
    frame["ratio"] = bcr_abl_ratio(frame.to_numpy().T)
    frame.index.name = "day"
    return frame.reset_index()
