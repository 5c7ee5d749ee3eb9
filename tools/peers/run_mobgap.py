"""Mobilise-D's mobgap on the bench's streams; runs in .venv-peers (Python 3.11), not in .venv.

Usage: run_mobgap.py IN.npz OUT.npz (written and read by tools/peers/external.py).

Per continuous piece of each stream (split where samples are missing): the sensor frame is turned
into mobgap's body frame without any label (see body_frame), gait sequences are found with GsdIluz
(the Mobilise-D pipeline's choice for healthy gait, accelerometer only) and initial contacts with
IcdIonescu inside each sequence; every initial contact is one step. This is the detection part of
mobgap's MobilisedPipelineHealthy; the later stages (laterality, stride selection, walking-bout
assembly) need participant data and change no step count by more than the stride selection.
"""

from __future__ import annotations

import sys
import warnings

from mobgap.gait_sequences import GsdIluz
from mobgap.initial_contacts import IcdIonescu
import numpy as np
import pandas as pd
from peer_common import pieces, rate_of, to_rate
from scipy.signal import butter, sosfiltfilt

MIN_PIECE_S = 5.0  # GsdIluz's shortest gait sequence: shorter pieces cannot hold one
# Mobilise-D's sensors record at 100 Hz and mobgap's filters and windows are designed there: every
# piece is resampled to it first (anti-aliased down, band-limited up), so the 20 Hz SensorTags and
# 200 Hz phones get the rate the peer expects.
MOBGAP_HZ = 100.0


def body_frame(acc: np.ndarray, fs: float) -> pd.DataFrame:
    """acc in mobgap's body frame (is: up, ml, pa) from the signal alone.

    Vertical: the median over 1 s windows of the gravity direction (a worn sensor's mounting is
    fixed, so lying down shows as a tilted "is" axis, which GsdIluz's upright check rejects, as it
    would with a lower-back sensor). Anterior-posterior: the horizontal direction with the most
    0.5-3 Hz movement (at the lower back walking sways most forward-backward).
    """
    win = max(1, round(fs))
    n = len(acc) // win
    means = acc[: n * win].reshape(n, win, 3).mean(axis=1) if n else acc.mean(axis=0)[None]
    units = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)
    up = np.median(units, axis=0)
    up /= max(np.linalg.norm(up), 1e-9)
    sos = butter(2, [0.5, min(3.0, 0.45 * fs)], btype="band", fs=fs, output="sos")
    moving = sosfiltfilt(sos, acc, axis=0) if len(acc) > 30 else acc - acc.mean(axis=0)
    horiz = moving - np.outer(moving @ up, up)
    _, vecs = np.linalg.eigh(horiz.T @ horiz)
    ap = vecs[:, -1] - (vecs[:, -1] @ up) * up
    ap /= max(np.linalg.norm(ap), 1e-9)
    ml = np.cross(up, ap)
    body = acc @ np.stack([up, ml, ap]).T
    zeros = np.zeros(len(acc))
    return pd.DataFrame(
        {
            "acc_is": body[:, 0],
            "acc_ml": body[:, 1],
            "acc_pa": body[:, 2],
            "gyr_is": zeros,
            "gyr_ml": zeros,
            "gyr_pa": zeros,
        }
    )


def steps_of(t: np.ndarray, acc: np.ndarray) -> np.ndarray:
    if len(t) < 2:
        return np.empty(0)
    fs = rate_of(t)
    out: list[float] = []
    for a, b in pieces(t):
        if (b - a) / fs < MIN_PIECE_S:
            continue
        data = body_frame(to_rate(acc[a:b], fs, MOBGAP_HZ), MOBGAP_HZ)
        gs = GsdIluz().detect(data, sampling_rate_hz=MOBGAP_HZ).gs_list_
        for start, end in zip(gs["start"].tolist(), gs["end"].tolist(), strict=True):
            icd = IcdIonescu().detect(data.iloc[start:end], sampling_rate_hz=MOBGAP_HZ)
            ics = icd.ic_list_["ic"].to_numpy() + start
            out += (t[a] + ics / MOBGAP_HZ).tolist()
    return np.sort(np.asarray(out, dtype=np.float64))


def main(src: str, dst: str) -> None:
    warnings.simplefilter("ignore")
    with np.load(src) as npz:
        n = len(npz["locations"])
        results = {f"steps{i}": steps_of(npz[f"t{i}"], npz[f"acc{i}"]) for i in range(n)}
    np.savez(dst, **results)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
