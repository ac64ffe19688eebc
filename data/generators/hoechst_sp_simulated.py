"""Simulated Hoechst 33342 red/blue flow-cytometry events, with and without verapamil.

Simulated data for chapter 5 ("Efflux pumps and the side population"). No event
in this file was measured. The script makes two samples of a PANC-1-like culture,
one stained with Hoechst 33342 alone ("control") and one stained in the presence
of the efflux blocker verapamil ("verapamil").

Published anchors
-----------------
- Fraction of cells with a high-efflux (side-population) phenotype: 3.3 %, the
  median side-population fraction of PANC-1 cells reported by Zhou J et al.,
  World J Gastroenterol 2008;14(6):925-930, doi:10.3748/wjg.14.925 (Abstract,
  Results: "median of 3.3% and a range of 2.1-8.7%").
- Verapamil effect: in primary head and neck squamous cell carcinoma cells the
  side-population gate held 2.7 % of cells without and 0.7 % with verapamil
  (https://pmc.ncbi.nlm.nih.gov/articles/PMC4509069, Abstract), that is about a
  quarter remained. Here verapamil blocks efflux in 75 % of efflux-capable cells,
  so that about a quarter of the side population remains in the gate.

Illustrative assumptions (not published values)
-----------------------------------------------
- Cell-cycle mix: 65 % G0/G1 (DNA content 1), 20 % S (between 1 and 2), 15 % G2/M
  (DNA content 2). Hoechst binds DNA, so stained cells spread along the diagonal.
- Efflux-capable cells keep a median 35 % of the dye (log-normal spread), so the
  side-population tail runs into the main population, as it does in real samples.
- Blue and red signals are proportional to retained dye on a 0-1023 channel scale,
  with 8-10 % log-normal instrument noise; the red signal falls faster than the
  blue one as dye is lost (exponent 1.5), which bends the side-population tail.

Columns: sample, hoechst_blue, hoechst_red, transporter_high (the simulated truth:
whether the cell was drawn as efflux-capable; real experiments never know this).
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd

NAME = "hoechst_sp_simulated"
SEED = 20080214
EVENTS_PER_SAMPLE = 6000
SP_FRACTION = 0.033  # Zhou et al. 2008, median SP fraction of PANC-1
VERAPAMIL_BLOCKED = 0.75  # about a quarter of the SP remains (PMC4509069: 2.7% -> 0.7%)
PHASE_PROBABILITIES = {"G1": 0.65, "S": 0.20, "G2M": 0.15}
EFFLUX_RETAINED_MEDIAN = 0.35
BLUE_SCALE = 380.0
RED_SCALE = 260.0
CHANNEL_MAX = 1023.0


def _sample(rng: np.random.Generator, sample: str) -> pd.DataFrame:
    n = EVENTS_PER_SAMPLE
    transporter_high = rng.random(n) < SP_FRACTION

    phase = rng.choice(
        list(PHASE_PROBABILITIES), size=n, p=list(PHASE_PROBABILITIES.values())
    )
    dna = np.where(phase == "G1", 1.0, np.where(phase == "G2M", 2.0, 1.0 + rng.random(n)))

    retained = np.ones(n)
    effluxing = transporter_high.copy()
    if sample == "verapamil":
        effluxing &= rng.random(n) >= VERAPAMIL_BLOCKED
    retained[effluxing] = EFFLUX_RETAINED_MEDIAN * rng.lognormal(0.0, 0.5, effluxing.sum())
    retained = np.clip(retained, 0.02, 1.0)

    dye = dna * retained
    blue = BLUE_SCALE * dye * rng.lognormal(0.0, 0.08, n)
    red = RED_SCALE * dye**1.5 * rng.lognormal(0.0, 0.10, n)
    return pd.DataFrame(
        {
            "sample": sample,
            "hoechst_blue": np.clip(blue, 1.0, CHANNEL_MAX).round(1),
            "hoechst_red": np.clip(red, 1.0, CHANNEL_MAX).round(1),
            "transporter_high": transporter_high,
        }
    )


def main(outdir: pathlib.Path) -> pathlib.Path:
    """Write ``<outdir>/hoechst_sp_simulated.csv`` and return its path."""
    rng = np.random.default_rng(SEED)
    frame = pd.concat(
        [_sample(rng, "control"), _sample(rng, "verapamil")], ignore_index=True
    )
    path = pathlib.Path(outdir) / f"{NAME}.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    main(pathlib.Path(__file__).resolve().parents[1])
