"""Simulate a limiting-dilution transplant experiment anchored to O'Brien et al. (2007).

Published anchors (O'Brien CA, Pollett A, Gallinger S, Dick JE. A human colon
cancer cell capable of initiating tumour growth in immunodeficient mice. Nature
2007;445:106-110, doi:10.1038/nature05372, abstract): by limiting dilution, one
colon-cancer-initiating cell (CC-IC) in 262 CD133+ cells and one in 5.7 x 10^4
unfractionated tumour cells.

The design (doses, eight mice per dose) is ours, chosen for teaching. Each mouse
forms a tumour with the single-hit probability 1 - exp(-dose / cells_per_CC-IC).
The counts are simulated, not measured. Running this script again writes the
same bytes.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "obrien2007_simulated_dilution"
SEED = 20070104
MICE_PER_DOSE = 8
CELLS_PER_INITIATING_CELL = {"CD133+": 262, "Unfractionated": 57_000}
DOSES = {
    "CD133+": [50, 100, 250, 500, 1000, 2500],
    "Unfractionated": [5_000, 10_000, 25_000, 50_000, 100_000, 250_000],
}


def simulate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for population, doses in DOSES.items():
        per_cell = CELLS_PER_INITIATING_CELL[population]
        for dose in doses:
            p_tumour = -np.expm1(-dose / per_cell)
            tumours = int(rng.binomial(MICE_PER_DOSE, p_tumour))
            rows.append(
                {
                    "population": population,
                    "cells_injected": dose,
                    "mice": MICE_PER_DOSE,
                    "tumours": tumours,
                }
            )
    return pd.DataFrame(rows)


def main(outdir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    simulate().to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
