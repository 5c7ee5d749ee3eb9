"""gaitmap's stride lengths and speeds on foot IMU streams; runs in .venv-peers (Python 3.11).

Usage: run_gaitmap_strides.py IN.npz OUT.npz (written and read by tools/peers/external.py and
tools/bench/stride.py).

gaitmap's standard pipeline for a foot-mounted IMU (its "MaD" pipeline): BarthDtw stride
segmentation (BarthOriginalTemplate, all six axes), RamppEventDetection (strides re-cut from one
mid-stance, "min_vel", to the next, with the heel strike "ic" and toe-off "tc" inside), a
trajectory (RegionLevelTrajectory with RtsKalman, gaitmap's zero-velocity-aided Kalman smoother,
over the whole stream, cut per stride with estimate_intersect), then
SpatialParameterCalculation: stride length (the horizontal distance between the stride's first
and last position) and gait velocity (stride length over pre_ic -> ic).

gaitmap needs its foot sensor frame (x to the toes, y to the left, z up; acc m/s^2, gyr deg/s).
The bench does not know how UCI's or Bandai's sensors were mounted in that sense, so every stream
is aligned from its own signal with gaitmap's alignment chain, as its documentation proposes for
data of unknown mounting: align_dataset_to_gravity (z along gravity, from static windows),
PcaAlignment (y along the main rotation axis of the gyroscope) and ForwardDirectionSignAlignment
(the 180-degree flip that makes the mean velocity along x positive: it assumes the stream is
mostly forward walking). A stream can instead name a calibration stream (`calib{i}` = its index)
whose alignment it takes (Bandai: the forward walks of the other styles, as the engine is
calibrated), since a clip of backward walking alone would be flipped to look forward.

Per stream the output holds, per gaitmap stride: `ic{i}`, `start{i}`, `end{i}` (s; the heel
strike, the two mid-stances), `length{i}` (m), `speed{i}` (m/s), `dx{i}`, `dy{i}` (m; the
displacement along the aligned sensor's forward and left axes at the start of the stride, whose
sign says which way gaitmap's trajectory moved); `dtw_start{i}`, `dtw_end{i}` (s; the strides
BarthDtw found, before event detection kept or dropped them).
"""

from __future__ import annotations

import sys
import warnings

from gaitmap.event_detection import RamppEventDetection
from gaitmap.parameters import SpatialParameterCalculation
from gaitmap.preprocessing import align_dataset_to_gravity
from gaitmap.preprocessing.sensor_alignment import ForwardDirectionSignAlignment, PcaAlignment
from gaitmap.stride_segmentation import BarthDtw
from gaitmap.trajectory_reconstruction import (
    RegionLevelTrajectory,
    RtsKalman,
    StrideLevelTrajectory,
)
from gaitmap.utils.coordinate_conversion import convert_left_foot_to_fbf
from gaitmap.utils.rotations import rotate_dataset
import numpy as np
import pandas as pd
from scipy.spatial.transform import Rotation

SF_COLS = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]
# Trajectory method -> prefix of its output arrays.
METHODS = {"rts": "", "stride": "sl_"}


def frame(acc: np.ndarray, gyro: np.ndarray) -> pd.DataFrame:
    data = np.concatenate([acc, np.rad2deg(gyro)], axis=1)
    return pd.DataFrame(data, columns=SF_COLS)


def alignment(data: pd.DataFrame, fs: float) -> Rotation:
    """The rotation gaitmap's alignment chain applies to this stream."""
    raw = data.to_numpy()
    grav = align_dataset_to_gravity(data, fs)
    pca = PcaAlignment().align(grav)
    fdsa = ForwardDirectionSignAlignment().align(pca.aligned_data_, sampling_rate_hz=fs)
    out = fdsa.aligned_data_[SF_COLS].to_numpy()
    # Recover the total rotation from the data itself (the chain's pieces are applied in turn).
    rot, _ = Rotation.align_vectors(out[:, 3:], raw[:, 3:])
    return rot


def trajectory_params(
    data: pd.DataFrame, events: pd.DataFrame, fs: float, method: str
) -> pd.DataFrame:
    """Stride length, gait velocity and the signed displacement (dx, dy) of each stride."""
    if method == "rts":
        roi = pd.DataFrame({"roi_id": [0], "start": [0], "end": [len(data)]}).set_index("roi_id")
        traj = RegionLevelTrajectory(trajectory_method=RtsKalman()).estimate_intersect(
            data, roi, stride_event_list=events, sampling_rate_hz=fs
        )
    else:
        traj = StrideLevelTrajectory().estimate(data, events, sampling_rate_hz=fs)
    spatial = SpatialParameterCalculation().calculate(
        stride_event_list=events,
        positions=traj.position_,
        orientations=traj.orientation_,
        sampling_rate_hz=fs,
    )
    params = spatial.parameters_[["stride_length", "gait_velocity"]].copy()
    pos = traj.position_
    first = pos.groupby(level="s_id").first()
    last = pos.groupby(level="s_id").last()
    ori = traj.orientation_.groupby(level="s_id").first()
    # Displacement in the heading of the sensor's x (toes) at the stride's start (mid-stance, the
    # foot flat): signed forward / left, whatever way the walk has turned since the stream began.
    d = (last - first)[["pos_x", "pos_y"]].to_numpy()
    toes = Rotation.from_quat(ori[["q_x", "q_y", "q_z", "q_w"]].to_numpy()).apply([1.0, 0.0, 0.0])
    heading = np.arctan2(toes[:, 1], toes[:, 0])
    c, s = np.cos(heading), np.sin(heading)
    params["dx"] = c * d[:, 0] + s * d[:, 1]
    params["dy"] = -s * d[:, 0] + c * d[:, 1]
    return params.reindex(events.index)


def events_of(data: pd.DataFrame, fs: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(min_vel stride events, the strides BarthDtw found) of one aligned stream."""
    bf = convert_left_foot_to_fbf(data)
    dtw = BarthDtw().segment(bf, sampling_rate_hz=fs)
    ed = RamppEventDetection().detect(bf, dtw.stride_list_, sampling_rate_hz=fs)
    return ed.min_vel_event_list_, dtw.stride_list_


def main(src: str, dst: str) -> None:
    warnings.simplefilter("ignore")
    out: dict[str, np.ndarray] = {}
    with np.load(src) as npz:
        n = len(npz["locations"])
        streams = []
        for i in range(n):
            if f"gyro{i}" not in npz:
                raise SystemExit(f"stream {i} has no gyroscope: gaitmap needs one")
            t = npz[f"t{i}"]
            fs = 1.0 / float(np.median(np.diff(t)))
            calib = int(npz[f"calib{i}"]) if f"calib{i}" in npz else i
            streams.append((t, fs, frame(npz[f"acc{i}"], npz[f"gyro{i}"]), calib))
    rotations: dict[int, Rotation] = {}
    for i, (t, fs, data, calib) in enumerate(streams):
        if calib not in rotations:
            rotations[calib] = alignment(streams[calib][2], streams[calib][1])
        aligned = rotate_dataset(data, rotations[calib])
        events, segmented = events_of(aligned, fs)
        for key in ("start", "end"):
            out[f"dtw_{key}{i}"] = t[0] + segmented[key].to_numpy(dtype=np.float64) / fs
        for key in ("ic", "start", "end"):
            out[f"{key}{i}"] = t[0] + events[key].to_numpy(dtype=np.float64) / fs
        for method, prefix in METHODS.items():
            params = trajectory_params(aligned, events, fs, method) if len(events) else None
            for key, col in (
                ("length", "stride_length"),
                ("speed", "gait_velocity"),
                ("dx", "dx"),
                ("dy", "dy"),
            ):
                vals = np.zeros(0) if params is None else params[col].to_numpy(dtype=np.float64)
                out[f"{prefix}{key}{i}"] = vals
    np.savez(dst, **out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
