"""Simulate a sort-and-regrow experiment with three interconverting cell states.

This is simulated data from an illustrative model. Its design follows the experiment
of Gupta PB, Fillmore CM, Jiang G, Shapira SD, Tao K, Kuperwasser C, Lander ES.
Stochastic state transitions give rise to phenotypic equilibrium in populations of
cancer cells. Cell 2011;146:633-644, doi:10.1016/j.cell.2011.07.026: breast cancer
cells are sorted into stem-like, basal and luminal states, each purified population
is grown on, and the proportion of cells in each state is measured by flow cytometry
over the following days. The paper's summary reports that purified subpopulations
return towards the equilibrium proportions and that a Markov model of stochastic
state transitions explains this.

The transition matrix below is NOT the one published by Gupta et al.: we could not
check their fitted matrices against a copy of the paper, so we chose round numbers
that give a small stem-like fraction at equilibrium and a return to equilibrium
within about three weeks. Treat every number here as illustrative.

Design (ours): one step of the chain is one day; each sort is 97% pure, with the
remaining 3% split equally between the other two states; three replicate cultures per
sorted state; 5000 cells are scored at days 0, 2, 4, 6, 8, 12, 16 and 20. The expected
proportions follow the Markov chain exactly; the counts add multinomial sampling noise
(the noise of counting 5000 cells), nothing else. Running this script again writes the
same bytes.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "cell_state_sort_regrow_simulated"
SEED = 20110819
STATES = ["stem-like", "basal", "luminal"]
# Illustrative transition probabilities per day; row = state today, column = state tomorrow.
TRANSITION_MATRIX = np.array(
    [
        [0.75, 0.20, 0.05],
        [0.03, 0.85, 0.12],
        [0.005, 0.045, 0.95],
    ]
)
SORT_PURITY = 0.97
DAYS = [0, 2, 4, 6, 8, 12, 16, 20]
REPLICATES = 3
CELLS_SCORED = 5000


def initial_proportions(sorted_state: str) -> np.ndarray:
    start = np.full(len(STATES), (1 - SORT_PURITY) / (len(STATES) - 1))
    start[STATES.index(sorted_state)] = SORT_PURITY
    return start


def simulate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for sorted_state in STATES:
        start = initial_proportions(sorted_state)
        for replicate in range(1, REPLICATES + 1):
            for day in DAYS:
                expected = start @ np.linalg.matrix_power(TRANSITION_MATRIX, day)
                counts = rng.multinomial(CELLS_SCORED, expected / expected.sum())
                rows.append(
                    {
                        "sorted_state": sorted_state,
                        "replicate": replicate,
                        "day": day,
                        "cells_scored": CELLS_SCORED,
                        "stem_like": int(counts[0]),
                        "basal": int(counts[1]),
                        "luminal": int(counts[2]),
                    }
                )
    return pd.DataFrame(rows)


def main(outdir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    simulate().to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
