"""Simulated BCR-ABL1 time courses of patients on imatinib (SIMULATED data).

Every row of ``tang2011_simulated_bcrabl.csv`` is one *simulated* blood sample: the
BCR-ABL1 level (per cent, on a scale where the typical value at diagnosis is about 100)
of one simulated patient on one day after the start of imatinib. No row is a measurement.

Each patient's curve is the sum of two exponentials, a fast phase and a slow phase:

    B(t) = B0 * ((1 - f) * exp(-alpha * t) + f * exp(-beta * t))

Published anchors (the numbers this script takes from papers):

- Tang M et al. Dynamics of chronic myeloid leukemia response to long-term targeted
  therapy reveal treatment effects on leukemic stem cells. Blood 2011;118(6):1622,
  abstract: under imatinib the first slope is -0.052 +/- 0.018 per day and the second
  slope -0.0057 +/- 0.0038 per day. We read the slopes as rates on the natural-log
  scale and the "+/-" as the spread between patients, and draw each patient's alpha and
  beta from normal distributions with these means and spreads.
- Breccia M et al. Oncotarget 2017;9(7):7534-7540 (doi:10.18632/oncotarget.23691),
  abstract: a deep molecular response MR4.5 is BCR-ABL1 <= 0.0032% on the International
  Scale. We use 0.0032% as the simulated assay's floor: a sample below it is reported as
  not detected.

Teaching choices that come from no paper (stated in the data card too):

- alpha is kept at or above 0.015 per day and beta at or above 0.0005 per day (draws
  below are redrawn), so that every simulated patient responds;
- the share f of the diagnostic level carried by the slow phase is drawn log-uniformly
  between 10^-3 and 10^-1;
- the level at diagnosis B0 is 100% times 10^N(0, 0.15);
- each sample carries a measurement error of N(0, 0.15) on the log10 scale;
- the sampling days: dense in the first three months, then every three months to five years;
- 30 patients.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "tang2011_simulated_bcrabl"
SEED = 20110906

# Tang et al. 2011, abstract (imatinib): mean and spread of the two slopes, per day.
FIRST_SLOPE_MEAN, FIRST_SLOPE_SPREAD = 0.052, 0.018
SECOND_SLOPE_MEAN, SECOND_SLOPE_SPREAD = 0.0057, 0.0038
# MR4.5, BCR-ABL1 <= 0.0032% (IS), as standardised by the European LeukemiaNet (Cross et al.
# 2012) and applied by Breccia et al. 2017; used as the detection floor.
DETECTION_FLOOR_PCT = 0.0032

# Teaching choices (no paper).
N_PATIENTS = 30
FIRST_SLOPE_MIN = 0.015
SECOND_SLOPE_MIN = 0.0005
LOG10_SLOW_SHARE_RANGE = (-3.0, -1.0)
LOG10_BASELINE_SD = 0.15
LOG10_NOISE_SD = 0.15
SAMPLING_DAYS = [0, 14, 28, 56, 91, 182, 273, 365, 456, 547, 638, 730,
                 912, 1095, 1277, 1460, 1642, 1825]


def _truncated_normal(rng: np.random.Generator, mean: float, sd: float, floor: float) -> float:
    """Draw from N(mean, sd) until the value is at least ``floor``."""
    while True:
        value = rng.normal(mean, sd)
        if value >= floor:
            return float(value)


def _round_sig(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def simulate(seed: int = SEED) -> pd.DataFrame:
    """Return the simulated samples as a DataFrame (one row per patient and day)."""
    rng = np.random.default_rng(seed)
    days = np.array(SAMPLING_DAYS, dtype=float)
    rows = []
    for number in range(1, N_PATIENTS + 1):
        alpha = _truncated_normal(rng, FIRST_SLOPE_MEAN, FIRST_SLOPE_SPREAD, FIRST_SLOPE_MIN)
        beta = _truncated_normal(rng, SECOND_SLOPE_MEAN, SECOND_SLOPE_SPREAD, SECOND_SLOPE_MIN)
        slow_share = 10 ** rng.uniform(*LOG10_SLOW_SHARE_RANGE)
        baseline = 100.0 * 10 ** rng.normal(0.0, LOG10_BASELINE_SD)
        level = baseline * ((1 - slow_share) * np.exp(-alpha * days)
                            + slow_share * np.exp(-beta * days))
        measured = level * 10 ** rng.normal(0.0, LOG10_NOISE_SD, size=days.size)
        for day, value in zip(days, measured, strict=True):
            detected = bool(value >= DETECTION_FLOOR_PCT)
            rows.append(
                {
                    "patient": f"S{number:02d}",
                    "day": int(day),
                    "bcr_abl_pct": _round_sig(value) if detected else None,
                    "detected": detected,
                }
            )
    return pd.DataFrame(rows, columns=["patient", "day", "bcr_abl_pct", "detected"])


def main(outdir: pathlib.Path) -> pathlib.Path:
    """Write ``<outdir>/tang2011_simulated_bcrabl.csv`` and return its path."""
    outdir = pathlib.Path(outdir)
    frame = simulate()
    path = outdir / f"{NAME}.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
