"""Simulate clonogenic survival of CSC-like and non-CSC breast cancer cells after X-rays.

Simulated data for chapter 7, labelled as such everywhere it is used.

Published anchors: linear-quadratic parameters for MCF-7 breast cancer cells inferred
for cancer stem cells (CSCs) and the other tumour cells (TCs), by fitting a two-population
LQ model with the CSC fraction to the survival of unsorted cells (MCF-7: 0.1% CSCs), by Qi XS,
Pajonk F, McCloskey S, Low DA, Kupelian P, Steinberg M, Sheng K: alpha_TC = 0.1 per Gy,
beta_TC = 0.08 per Gy^2, alpha_CSC = 0.04 per Gy, beta_CSC = 0.02 per Gy^2 (each printed
with a "±" larger than the estimate, up to 15 times for beta_CSC). We read these values in the
authors' AAPM 2014 meeting abstract (WE-E-BRE-10, "Level of breast cancer stem cell
correlated with tumor radioresistence", Results); the full study is Qi XS et al.,
Radiother Oncol 2017;124(3):455-461, doi:10.1016/j.radonc.2017.08.019 (PMC6128144), whose
tables we could not read. The same abstract gives the design we follow in part: single
doses on cells in culture (they used 0, 2, 4, 6, 8 and 10 Gy; we stop at 8 Gy).

Teaching choices (NOT published values): the plating efficiencies (0.6 for non-CSC
cells, 0.3 for CSC-like cells), the numbers of cells plated per dish (chosen, as in a real
experiment, to give about 100 colonies), three dishes per dose, Poisson colony counts
and a dish-to-dish variation of 15% on the log scale. Running this script again writes
the same bytes.
"""

from __future__ import annotations

import math
import pathlib

import numpy as np
import pandas as pd

NAME = "qi2017_simulated_clonogenic"
SEED = 20170917
DOSES_GY = [0, 2, 4, 6, 8]
DISHES = 3
TARGET_COLONIES = 100
DISH_SD = 0.15

# population: (alpha per Gy, beta per Gy^2, plating efficiency)
POPULATIONS = {
    "CSC-like": (0.04, 0.02, 0.3),
    "non-CSC": (0.10, 0.08, 0.6),
}


def one_significant_figure(x: float) -> int:
    """Round a cell number the way one would when counting cells for a dish."""
    magnitude = 10 ** math.floor(math.log10(x))
    return int(round(x / magnitude) * magnitude)


def simulate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for population, (alpha, beta, plating_efficiency) in POPULATIONS.items():
        for dose in DOSES_GY:
            survival = math.exp(-alpha * dose - beta * dose**2)
            plated = one_significant_figure(TARGET_COLONIES / (plating_efficiency * survival))
            for dish in range(1, DISHES + 1):
                mean = plated * plating_efficiency * survival * math.exp(rng.normal(0, DISH_SD))
                rows.append(
                    {
                        "population": population,
                        "dose_gy": dose,
                        "dish": dish,
                        "cells_plated": plated,
                        "colonies": int(rng.poisson(mean)),
                    }
                )
    return pd.DataFrame(rows)


def main(outdir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    simulate().to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
