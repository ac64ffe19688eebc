"""Simulate a two-marker (CD44, CD24) flow cytometry sample of breast cancer cells.

This is simulated data for teaching how a gate sets the measured "CSC fraction".
No published cytometry file is reproduced, and no intensity distribution was fitted
to published data. The published anchors are qualitative and are used only to shape
the design:

- Al-Hajj M, Wicha MS, Benito-Hernandez A, Morrison SJ, Clarke MF. Prospective
  identification of tumorigenic breast cancer cells. Proc Natl Acad Sci USA
  2003;100:3983-3988, doi:10.1073/pnas.0530291100 (abstract): the tumorigenic cells
  are CD44+ CD24-/low, so the CSC-like population is CD44-high and CD24 low but not
  always negative. We therefore give it a CD24 level between the negative and the
  positive populations, which makes the CD24 threshold matter.
- Honeth G, Bendahl PO, Ringner M, et al. The CD44+/CD24- phenotype is enriched in
  basal-like breast tumors. Breast Cancer Res 2008;10(3), doi:10.1186/bcr2108
  (abstract): where present, CD44+/CD24- cells ranged from a few to close to 100% of
  tumour cells. Our true fraction of 8% is a teaching choice inside that range.

Design (all values are ours): 3000 stained cells drawn from four populations with
fixed true fractions (CD44+CD24- 8%, CD44+CD24+ 52%, CD44-CD24+ 30%, CD44-CD24- 10%)
and 1000 cells of an unstained control that shows autofluorescence only.
Intensities are log10 fluorescence units drawn from bivariate normal distributions.
Running this script again writes the same bytes.
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "cd44_cd24_flow_simulated"
SEED = 20030401
STAINED_CELLS = 3000
CONTROL_CELLS = 1000

# population: (true fraction, mean log10 CD44, mean log10 CD24, sd CD44, sd CD24)
POPULATIONS = {
    "CD44+CD24-": (0.08, 3.30, 2.35, 0.30, 0.30),
    "CD44+CD24+": (0.52, 3.20, 3.25, 0.30, 0.30),
    "CD44-CD24+": (0.30, 2.05, 3.30, 0.28, 0.30),
    "CD44-CD24-": (0.10, 2.00, 2.00, 0.28, 0.28),
}
# Unstained control: autofluorescence in both channels.
CONTROL = (1.80, 1.80, 0.22, 0.22)


def simulate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = list(POPULATIONS)
    fractions = np.array([POPULATIONS[n][0] for n in names])
    counts = rng.multinomial(STAINED_CELLS, fractions)
    frames = []
    for name, count in zip(names, counts, strict=True):
        _, mean44, mean24, sd44, sd24 = POPULATIONS[name]
        frames.append(
            pd.DataFrame(
                {
                    "sample": "stained",
                    "cd44_log10": rng.normal(mean44, sd44, count),
                    "cd24_log10": rng.normal(mean24, sd24, count),
                    "true_population": name,
                }
            )
        )
    stained = pd.concat(frames, ignore_index=True)
    # Shuffle so that the file does not list the populations in blocks.
    stained = stained.iloc[rng.permutation(len(stained))].reset_index(drop=True)
    mean44, mean24, sd44, sd24 = CONTROL
    control = pd.DataFrame(
        {
            "sample": "unstained control",
            "cd44_log10": rng.normal(mean44, sd44, CONTROL_CELLS),
            "cd24_log10": rng.normal(mean24, sd24, CONTROL_CELLS),
            "true_population": "unstained",
        }
    )
    events = pd.concat([stained, control], ignore_index=True)
    events.insert(0, "event", np.arange(1, len(events) + 1))
    events["cd44_log10"] = events["cd44_log10"].round(3)
    events["cd24_log10"] = events["cd24_log10"].round(3)
    return events


def main(outdir: pathlib.Path) -> pathlib.Path:
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    simulate().to_csv(path, index=False, lineterminator="\n", float_format="%.3f")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
