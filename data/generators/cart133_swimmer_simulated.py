"""Simulate per-patient progression-free times for a swimmer plot of CD133 CAR-T therapy.

Published anchors (Wang Y, Chen M, Wu Z, et al. CD133-directed CAR T cells for
advanced metastasis malignancies: a phase I trial. Oncoimmunology
2018;7(7):e1440169, doi:10.1080/2162402X.2018.1440169, abstract):

- 23 patients: 14 hepatocellular, 7 pancreatic and 2 colorectal carcinomas;
- best response: 3 partial remissions and 14 stable disease (the other 6 patients
  had neither);
- 3-month disease control rate 65.2%, i.e. 15 of 23 patients free of
  progression at 3 months;
- median progression-free survival 5 months.

The paper's individual patient times are not used: they were not available to us.
This script simulates one plausible cohort that honours every anchor above
exactly. Patients without partial remission or stable disease progress before
3 months; two of the 14 stable-disease patients also progress before 3 months, so
that 15 patients are progression-free at 3 months; the remaining 15 times are
drawn from a log-normal distribution and then shifted and stretched so that the
12th of the 23 sorted times (the median) is exactly 5.0 months. Every patient is
treated as having progressed (no censoring), a simplification. Which cancer type
a simulated patient has is assigned at random, with the published counts.

The rows are simulated, not measured. Running this script again writes the same
bytes.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "cart133_swimmer_simulated"
SEED = 20180507
CANCER_COUNTS = {"hepatocellular": 14, "pancreatic": 7, "colorectal": 2}
RESPONSE_COUNTS = {"partial response": 3, "stable disease": 14, "progressive disease": 6}
CONTROLLED_AT_3_MONTHS = 15
MEDIAN_PFS_MONTHS = 5.0
EARLY_STABLE_PROGRESSIONS = RESPONSE_COUNTS["stable disease"] - (
    CONTROLLED_AT_3_MONTHS - RESPONSE_COUNTS["partial response"]
)


def _durable_times(rng: np.random.Generator, n: int, rank_of_median: int) -> np.ndarray:
    """Times above 3 months whose value at ``rank_of_median`` (0-based) is the median."""
    raw = np.sort(rng.lognormal(mean=np.log(6.0), sigma=0.35, size=n))
    anchor = raw[rank_of_median]
    # A monotone map: 3.2 months at the shortest time, exactly 5.0 at the anchor,
    # and the longer times stretched by the same factor above it.
    low = raw[0]
    below = 3.2 + (raw - low) / (anchor - low) * (MEDIAN_PFS_MONTHS - 3.2)
    above = MEDIAN_PFS_MONTHS * raw / anchor
    return np.where(raw <= anchor, below, above)


def simulate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_patients = sum(CANCER_COUNTS.values())

    cancers = np.repeat(list(CANCER_COUNTS), list(CANCER_COUNTS.values()))
    cancers = rng.permutation(cancers)

    n_progressive = RESPONSE_COUNTS["progressive disease"]
    n_early = n_progressive + EARLY_STABLE_PROGRESSIONS
    early_times = rng.uniform(1.0, 2.9, size=n_early)
    # The median is the 12th of 23 sorted times; n_early of them lie below 3 months.
    rank_of_median = (n_patients + 1) // 2 - 1 - n_early
    durable = _durable_times(rng, n_patients - n_early, rank_of_median)

    responses = (
        ["progressive disease"] * n_progressive
        + ["stable disease"] * EARLY_STABLE_PROGRESSIONS
    )
    durable_responses = ["partial response"] * RESPONSE_COUNTS["partial response"] + [
        "stable disease"
    ] * (RESPONSE_COUNTS["stable disease"] - EARLY_STABLE_PROGRESSIONS)
    durable_responses = list(rng.permutation(durable_responses))

    frame = pd.DataFrame(
        {
            "cancer": cancers,
            "best_response": responses + durable_responses,
            "pfs_months": np.concatenate([np.sort(early_times), durable]),
            "progressed": True,
        }
    )
    frame["pfs_months"] = frame["pfs_months"].round(2)
    frame = frame.sort_values("pfs_months", kind="stable").reset_index(drop=True)
    frame.insert(0, "patient", [f"S{i:02d}" for i in range(1, n_patients + 1)])
    return frame


def main(outdir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    simulate().to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
