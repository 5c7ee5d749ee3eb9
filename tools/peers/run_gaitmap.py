"""gaitmap's stride segmentation on the bench's ankle streams; runs in .venv-peers (Python 3.11).

Usage: run_gaitmap.py IN.npz OUT.npz (written and read by tools/peers/external.py).

gaitmap is built for a foot-mounted IMU whose axes were aligned to the foot (its "foot sensor
frame"). A strap at the ankle is on the shank, and nothing here says how it was mounted, so the
frame is estimated from the signal alone: the medio-lateral axis is the gyroscope's principal axis
(legs swing in the sagittal plane), signed so that its largest excursion points the way the
template's does. Only that axis is matched (BarthOriginalTemplate with use_cols=("gyr_ml",)),
since the other two cannot be told apart without a calibration. Each piece is resampled to
102.4 Hz (gaitmap's templates are recorded at 204.8 Hz and resampled to the data; 20 Hz leaves a
stride about 22 samples long). Each stride found by BarthDtw is two steps: one at its start and
one at its middle (the other foot, not seen). Streams without a gyroscope get no steps and are
flagged in the output.
"""

from __future__ import annotations

import sys
import warnings

from gaitmap.stride_segmentation import BarthDtw, BarthOriginalTemplate
import numpy as np
import pandas as pd
from peer_common import pieces, rate_of, to_rate

GAITMAP_HZ = 102.4
MIN_PIECE_S = 2.0


def ml_axis(gyro_dps: np.ndarray, template_sign: float) -> np.ndarray:
    centred = gyro_dps - gyro_dps.mean(axis=0)
    _, vecs = np.linalg.eigh(centred.T @ centred)
    ml = centred @ vecs[:, -1]
    lo, hi = np.percentile(ml, [1, 99])
    sign = 1.0 if (abs(lo) > abs(hi)) == (template_sign < 0) else -1.0
    return sign * ml


def steps_of(t: np.ndarray, gyro: np.ndarray, template: BarthOriginalTemplate) -> np.ndarray:
    fs = rate_of(t)
    ref = template.get_data()["gyr_ml"].to_numpy()
    template_sign = -1.0 if abs(ref.min()) > abs(ref.max()) else 1.0
    out: list[float] = []
    for a, b in pieces(t):
        if (b - a) / fs < MIN_PIECE_S:
            continue
        x = to_rate(np.rad2deg(gyro[a:b]), fs, GAITMAP_HZ)
        data = pd.DataFrame({"gyr_ml": ml_axis(x, template_sign)})
        dtw = BarthDtw(template=template).segment(data, sampling_rate_hz=GAITMAP_HZ)
        for start, end in zip(dtw.stride_list_["start"], dtw.stride_list_["end"], strict=True):
            out += [t[a] + start / GAITMAP_HZ, t[a] + (start + end) / 2 / GAITMAP_HZ]
    return np.sort(np.asarray(out, dtype=np.float64))


def main(src: str, dst: str) -> None:
    warnings.simplefilter("ignore")
    template = BarthOriginalTemplate(use_cols=("gyr_ml",))
    results = {}
    with np.load(src) as npz:
        n = len(npz["locations"])
        for i in range(n):
            if f"gyro{i}" not in npz:
                raise SystemExit(f"stream {i} has no gyroscope: gaitmap needs one")
            results[f"steps{i}"] = steps_of(npz[f"t{i}"], npz[f"gyro{i}"], template)
    np.savez(dst, **results)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
