"""Simulate a two-arm survival trial anchored to VIALE-A (SIMULATED data, a model).

Every row of ``viale_a_simulated_survival.csv`` is one *simulated* patient: the arm,
the months from randomisation to death or to the end of follow-up, and whether death
was seen. No row is a patient of the trial; the trial's individual data are not
public and were not used.

Published anchors (DiNardo CD, Jonas BA, Pullarkat V, et al. Azacitidine and
venetoclax in previously untreated acute myeloid leukemia. N Engl J Med
2020;383(7):617-629, doi:10.1056/NEJMoa2012971, abstract):

- 431 patients randomised 2:1, 286 to venetoclax + azacitidine and 145 to
  placebo + azacitidine;
- median overall survival 14.7 months and 9.6 months;
- hazard ratio for death 0.66 (95% CI 0.52 to 0.85), at a median follow-up of
  20.5 months.

The model, and the choices that come from no paper:

- Survival in each arm is exponential (constant hazard), with the rate fixed by that
  arm's published median, lambda = ln 2 / median. The two medians then imply a hazard
  ratio of 9.6 / 14.7 = 0.653, close to the published 0.66. A constant hazard is a
  simplification: real survival curves in AML are not exponential.
- Censoring is administrative only (no patient is lost to follow-up): patients enter
  evenly over 27 months, about the trial's enrolment period (February 2017 to May
  2019, as the eviQ protocol summary of the trial gives it), and the data are cut
  7 months after the last entry. Each patient's potential follow-up is therefore
  uniform between 7 and 34 months, with a median of 20.5 months, the published
  median follow-up.
- Times are rounded to 0.01 month.

Running this script again writes the same bytes.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "viale_a_simulated_survival"
SEED = 20200813  # the day the trial's report appeared in print
PATIENTS = {"venetoclax + azacitidine": 286, "placebo + azacitidine": 145}
MEDIAN_OS_MONTHS = {"venetoclax + azacitidine": 14.7, "placebo + azacitidine": 9.6}
ENROLMENT_MONTHS = 27.0
CUT_AFTER_LAST_ENTRY_MONTHS = 7.0


def simulate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arms = np.repeat(list(PATIENTS), list(PATIENTS.values()))
    medians = np.array([MEDIAN_OS_MONTHS[arm] for arm in arms])
    time_to_death = rng.exponential(medians / np.log(2))
    entry = rng.uniform(0, ENROLMENT_MONTHS, size=len(arms))
    potential_follow_up = ENROLMENT_MONTHS + CUT_AFTER_LAST_ENTRY_MONTHS - entry
    died = time_to_death <= potential_follow_up
    months = np.minimum(time_to_death, potential_follow_up)
    return pd.DataFrame(
        {
            "patient": [f"S{i:03d}" for i in range(1, len(arms) + 1)],
            "arm": arms,
            "months": np.round(months, 2),
            "died": died,
        }
    )


def main(outdir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    simulate().to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
