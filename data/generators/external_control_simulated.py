"""Simulate a single-arm trial and a historical control in which the treatment does nothing.

Published anchors (Lacroix M, Abi-Said D, Fourney DR, et al. A multivariate analysis
of 416 patients with glioblastoma multiforme: prognosis, extent of resection, and
survival. J Neurosurg 2001;95(2):190-198, doi:10.3171/jns.2001.95.2.0190, abstract):

- median survival 13.0 months after resection of 98% or more of the tumour volume;
- median survival 8.8 months after resection of less than 98%.

Assumptions (ours, not published; they make the lesson, and the chapter says so):

- survival in each resection stratum is exponential with the published median, so the
  hazard in a stratum is log(2) / median;
- the simulated treatment has no effect: a trial patient and a historical patient in
  the same stratum have the same hazard;
- the single-arm trial enrols 60 patients, 48 of them (80%) after a resection of 98%
  or more, as eligibility rules that ask for good performance status and a
  substantial resection tend to select; the historical control holds 300 patients,
  90 of them (30%) after such a resection;
- follow-up ends 36 months after entry (administrative censoring); there are no
  other losses.

The rows are simulated patients, not measured ones. Running this script again writes
the same bytes.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "external_control_simulated"
SEED = 20010801
MEDIAN_MONTHS = {"98% or more": 13.0, "less than 98%": 8.8}  # Lacroix et al. (2001)
COHORTS = {
    # cohort: (patients, of whom resection of 98% or more)
    "single-arm trial": (60, 48),
    "historical control": (300, 90),
}
FOLLOW_UP_MONTHS = 36.0


def simulate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for cohort, (patients, resected) in COHORTS.items():
        resection = np.array(["98% or more"] * resected + ["less than 98%"] * (patients - resected))
        medians = np.array([MEDIAN_MONTHS[r] for r in resection])
        # exponential survival: mean = median / log(2); the treatment changes nothing
        survival = rng.exponential(medians / np.log(2))
        died = survival <= FOLLOW_UP_MONTHS
        frames.append(
            pd.DataFrame(
                {
                    "cohort": cohort,
                    "resection": resection,
                    "months": np.round(np.minimum(survival, FOLLOW_UP_MONTHS), 2),
                    "died": died,
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(0, "patient", [f"P{i:03d}" for i in range(1, len(frame) + 1)])
    return frame


def main(outdir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    simulate().to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
