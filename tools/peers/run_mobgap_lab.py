"""Mobilise-D's lab example recordings, read with mobgap's own loader; runs in .venv-peers.

Usage: run_mobgap_lab.py IN.npz OUT.npz (written and read by tools/peers/external.py). IN holds
`dir`: mobgap's `example_data/data/lab` folder (cohort/participant/data.mat). The recordings are
Mobilise-D's format (MATLAB files with the INDIP reference system's walking bouts and initial
contacts), which only mobgap reads, so the bench (tools/bench/mobgap_lab.py) gets them from here:
per test, `name{i}`, `t{i}` (s), `acc{i}` (m/s^2, sensor axes), `gyro{i}` (rad/s), the reference's
initial contacts `ics{i}` (s) and walking bouts `wbs{i}` (start, end in s), and `native{i}`: the
initial contacts of mobgap's own detection (GsdIluz, then IcdIonescu inside each gait sequence,
as run_mobgap.py does) on the sensor's data turned into mobgap's body frame the way mobgap does
for this sensor, its home ground (run_mobgap.py's label-free frame is the bench's other mobgap).
"""

from __future__ import annotations

from pathlib import Path
import sys
import warnings

from mobgap.data import GenericMobilisedDataset
from mobgap.gait_sequences import GsdIluz
from mobgap.initial_contacts import IcdIonescu
from mobgap.utils.conversions import to_body_frame
import numpy as np
import pandas as pd

ACC = ["acc_x", "acc_y", "acc_z"]
GYR = ["gyr_x", "gyr_y", "gyr_z"]
G = 9.81  # m/s^2: the unit check below


def dataset(folder: Path) -> GenericMobilisedDataset:
    return GenericMobilisedDataset(
        paths_list=sorted(folder.glob("*/*/data.mat")),
        test_level_names=GenericMobilisedDataset.COMMON_TEST_LEVEL_NAMES["tvs_lab"],
        parent_folders_as_metadata=["cohort", "participant_id"],
        measurement_condition="laboratory",
        reference_system="INDIP",
        reference_para_level="wb",
    )


def native_steps(data: pd.DataFrame, fs: float) -> np.ndarray:
    body = to_body_frame(data)
    gs = GsdIluz().detect(body, sampling_rate_hz=fs).gs_list_
    out: list[float] = []
    for start, end in zip(gs["start"].tolist(), gs["end"].tolist(), strict=True):
        icd = IcdIonescu().detect(body.iloc[start:end], sampling_rate_hz=fs)
        out += ((icd.ic_list_["ic"].to_numpy() + start) / fs).tolist()
    return np.sort(np.asarray(out, dtype=np.float64))


def main(src: str, dst: str) -> None:
    warnings.simplefilter("ignore")
    with np.load(src) as npz:
        folder = Path(str(npz["dir"]))
    out: dict[str, np.ndarray] = {}
    for i, rec in enumerate(dataset(folder)):
        label = rec.group_label
        fs = float(rec.sampling_rate_hz)
        data = rec.data_ss
        acc = data[ACC].to_numpy(dtype=np.float64)
        # The loader's unit is m/s^2; a recording at rest near 1 would be in g.
        if float(np.median(np.linalg.norm(acc, axis=1))) < 0.5 * G:
            raise ValueError(f"{label}: acceleration not in m/s^2")
        ref = rec.reference_parameters_
        out[f"name{i}"] = np.array(
            f"{label.cohort}-{label.participant_id} {label.test} {label.trial}"
        )
        out[f"t{i}"] = np.arange(len(data)) / fs
        out[f"acc{i}"] = acc
        out[f"gyro{i}"] = np.radians(data[GYR].to_numpy(dtype=np.float64))
        out[f"ics{i}"] = np.sort(ref.ic_list["ic"].to_numpy(dtype=np.float64)) / fs
        out[f"wbs{i}"] = (
            ref.wb_list[["start", "end"]].to_numpy(dtype=np.float64).reshape(-1, 2) / fs
        )
        out[f"native{i}"] = native_steps(data, fs)
    np.savez(dst, **out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
