"""Simulate a doxorubicin viability plate for ALDH-high and ALDH-low breast cancer cells.

Simulated data for chapter 6, labelled as such everywhere it is used.

Published anchor (the *direction* of every effect, not its size): Croker AK,
Allan AL. Inhibition of aldehyde dehydrogenase (ALDH) activity reduces
chemotherapy and radiation resistance of stem-like ALDHhiCD44+ human breast
cancer cells. Breast Cancer Res Treat 2012;133(1):75-87,
doi:10.1007/s10549-011-1692-y (abstract): ALDHhiCD44+ and ALDHlowCD44- cells
sorted from MDA-MB-231 and MDA-MB-468 cells were exposed to doxorubicin or
paclitaxel with or without the ALDH inhibitor DEAB; significantly more
ALDHhiCD44+ cells survived chemotherapy, and DEAB pre-treatment sensitised
ALDHhiCD44+ cells but had no effect on ALDHlowCD44- cells.

Teaching choices (NOT published values): the concentration series, the IC50s,
Hill slopes and plateaus below, the size of the DEAB effect, three replicate
wells per concentration, and the measurement noise. The resistance factor of
the ALDH-high cells (IC50 six times that of ALDH-low cells) is an assumption;
we could not verify a published IC50 ratio for these cells. Running this script
again writes the same bytes.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "aldh_doxorubicin_simulated"
SEED = 20120133
REPLICATES = 3
CONCENTRATIONS_UM = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]

# Four-parameter logistic curves: bottom, top, IC50 (micromolar), Hill slope.
TRUE_CURVES = {
    ("ALDH-high/CD44+", "vehicle"): (0.12, 1.0, 0.30, 1.0),
    ("ALDH-high/CD44+", "DEAB"): (0.04, 1.0, 0.075, 1.2),
    ("ALDH-low/CD44-", "vehicle"): (0.03, 1.0, 0.05, 1.3),
    ("ALDH-low/CD44-", "DEAB"): (0.03, 1.0, 0.05, 1.3),
}
PROPORTIONAL_NOISE_SD = 0.06  # well-to-well variation, relative to the signal
ADDITIVE_NOISE_SD = 0.02  # background of the viability read-out


def four_pl(concentration, bottom, top, ic50, hill):
    return bottom + (top - bottom) / (1.0 + (concentration / ic50) ** hill)


def simulate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for (population, pretreatment), (bottom, top, ic50, hill) in TRUE_CURVES.items():
        for concentration in CONCENTRATIONS_UM:
            expected = four_pl(concentration, bottom, top, ic50, hill)
            for replicate in range(1, REPLICATES + 1):
                signal = expected * (1 + rng.normal(0, PROPORTIONAL_NOISE_SD))
                viability = max(signal + rng.normal(0, ADDITIVE_NOISE_SD), 0.0)
                rows.append(
                    {
                        "population": population,
                        "pretreatment": pretreatment,
                        "doxorubicin_um": concentration,
                        "replicate": replicate,
                        "viability": round(float(viability), 4),
                    }
                )
    return pd.DataFrame(rows)


def main(outdir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    simulate().to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
