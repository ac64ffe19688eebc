"""Simulate flow-cytometry events of a ROS probe in CSC-enriched and non-tumorigenic cells.

This is simulated data for teaching how to compare single-cell distributions. No
published cytometry file is reproduced, and no number below was fitted to published
data: no numeric summary of the ROS-probe distributions (a fold difference, a mean or
a spread) could be verified for this book, so every parameter is an ILLUSTRATIVE
ASSUMPTION. The published anchors are qualitative and shape only the design:

- Diehn M, et al. Association of reactive oxygen species levels and radioresistance in
  cancer stem cells. Nature 2009;458:780, doi:10.1038/nature07733 (abstract): subsets
  of CSCs in some human and murine breast tumours contain lower ROS levels than the
  corresponding non-tumorigenic cells (NTCs). We therefore give the CSC-enriched sample
  a ROS-low subset and let the rest of it look like the non-tumorigenic cells.
- Lagadinou ED, et al. BCL-2 inhibition targets oxidative phosphorylation and
  selectively eradicates quiescent human leukemia stem cells. Cell Stem Cell
  2013;12:329-341, doi:10.1016/j.stem.2012.12.013 (summary): most functionally defined
  leukaemia stem cells are "ROS-low"; a ROS-low subset is a recurring pattern.

Design (all values are ours): 2500 events of sorted non-tumorigenic cells and 2500 of a
sorted CSC-enriched population, stained with a DCF-type probe (CM-H2DCFDA). Intensities
are arbitrary fluorescence units on a linear scale; their log10 is normal within each
state:

- non-tumorigenic cells: log10 intensity ~ N(3.05, 0.30);
- CSC-enriched sample: a mixture of a ROS-low state (50%, log10 ~ N(2.40, 0.22)) and a
  ROS-high state like the non-tumorigenic cells (45%, log10 ~ N(3.00, 0.30)).

Each CSC-enriched event carries the state it was drawn from (`true_state`), which a
real experiment never reveals. Running this script again writes the same bytes.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "ros_flow_simulated"
SEED = 20090212
EVENTS_PER_SAMPLE = 2500

# state: (log10 mean, log10 sd)
NON_TUMORIGENIC = (3.05, 0.30)
CSC_ROS_LOW = (2.40, 0.22)
CSC_ROS_HIGH = (3.00, 0.30)
CSC_ROS_LOW_FRACTION = 0.50


def simulate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    mean, sd = NON_TUMORIGENIC
    bulk = pd.DataFrame(
        {
            "sample": "non-tumorigenic",
            "log10_dcf": rng.normal(mean, sd, EVENTS_PER_SAMPLE),
            "true_state": "non-tumorigenic",
        }
    )
    is_low = rng.random(EVENTS_PER_SAMPLE) < CSC_ROS_LOW_FRACTION
    low = rng.normal(*CSC_ROS_LOW, EVENTS_PER_SAMPLE)
    high = rng.normal(*CSC_ROS_HIGH, EVENTS_PER_SAMPLE)
    csc = pd.DataFrame(
        {
            "sample": "CSC-enriched",
            "log10_dcf": np.where(is_low, low, high),
            "true_state": np.where(is_low, "ROS-low", "ROS-high"),
        }
    )
    events = pd.concat([bulk, csc], ignore_index=True)
    events.insert(0, "event", np.arange(1, len(events) + 1))
    events.insert(2, "dcf_intensity", np.round(10 ** events.pop("log10_dcf"), 1))
    return events


def main(outdir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    simulate().to_csv(path, index=False, lineterminator="\n", float_format="%.1f")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
