"""Foot step counts on a lab walk with U-turns, against motion-capture truth.

The recording is the example walk of the gaitmap project (MaD Lab, FAU Erlangen-Nuernberg): one
healthy adult walks from standing about 16 s straight, turns around (a U-turn), walks back and
turns again before stopping, with a foot IMU on each shoe (204.8 Hz, m/s^2 and deg/s) and motion
capture of heel and toe markers (100 Hz, mm) on the same clock. It is not in ../shared/data; take
`imu_sample.csv` and `mocap_sample.csv` from `example_data/` of gaitmap's source repository and run

    python -m tools.bench.foot_turns DIR [--rate 104 --rate 52]

Truth: one step per swing of either foot in the capture (the mean of its heel and toe markers
moving faster than 0.25 m/s horizontally for at least 0.15 s), so the first half step from
standing, the closing step and every turning step count. Each foot's sensor is streamed on its
own through GaitEngine(FOOT) at a wearable's rate, in 20-sample batches, with a fresh engine: it
must count both feet's steps from one foot, as a single wearable does.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
import itertools
import math
from pathlib import Path
import sys

import numpy as np

from custom_components.retrowalk.gait import Direction, FloatArray, GaitEngine, Placement, StepEvent

from .data import feed, fmt_table, resample

IMU_RATE = 204.8
MOCAP_RATE = 100.0
SWING_SPEED = 0.25  # m/s
MIN_SWING_S = 0.15
TURN_DEG = 45.0  # a swing that turns the foot this much is a turning step
MATCH_S = 0.35  # an engine step this close to a true landing is that step


@dataclass(frozen=True, slots=True)
class Swing:
    foot: str  # "L" or "R"
    start: float  # s
    end: float  # s: the landing
    length: float  # m
    turn: float  # degrees


def _rows(path: Path) -> tuple[list[str], list[str], FloatArray]:
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1], np.array([[float(v) for v in r] for r in rows[2:]])


def load_imu(folder: Path, side: str) -> tuple[FloatArray, FloatArray]:
    """(acc m/s^2, gyro rad/s) of the `side` ("left"/"right") foot sensor at IMU_RATE."""
    sensors, axes, data = _rows(folder / "imu_sample.csv")
    col = {(s, a): i for i, (s, a) in enumerate(zip(sensors, axes, strict=True))}
    acc = np.stack([data[:, col[(f"{side}_sensor", f"acc_{c}")]] for c in "xyz"], axis=1)
    gyro = np.stack([data[:, col[(f"{side}_sensor", f"gyr_{c}")]] for c in "xyz"], axis=1)
    return acc, np.deg2rad(gyro)


def swings(folder: Path) -> list[Swing]:
    """Every swing of either foot in the motion capture, in time order."""
    markers, _, data = _rows(folder / "mocap_sample.csv")
    pos = {markers[i]: data[:, i : i + 3] / 1000.0 for i in range(1, len(markers), 3)}
    out = []
    for foot in "LR":
        heel, toe = pos[f"{foot}_FCC"], pos[f"{foot}_TOE"]
        mid = (heel + toe) / 2
        speed = np.linalg.norm(np.gradient(mid[:, :2], axis=0) * MOCAP_RATE, axis=1)
        moving = speed > SWING_SPEED
        edges = [0, *(np.flatnonzero(np.diff(moving.astype(int))) + 1).tolist(), len(moving)]
        for lo, hi in itertools.pairwise(edges):
            if not moving[lo] or (hi - lo) / MOCAP_RATE < MIN_SWING_S:
                continue
            a, b = toe[lo] - heel[lo], toe[hi - 1] - heel[hi - 1]
            turn = math.degrees(
                math.remainder(math.atan2(b[1], b[0]) - math.atan2(a[1], a[0]), 2 * math.pi)
            )
            length = float(np.linalg.norm(mid[hi - 1, :2] - mid[lo, :2]))
            out.append(Swing(foot, lo / MOCAP_RATE, hi / MOCAP_RATE, length, turn))
    return sorted(out, key=lambda s: s.end)


def engine_steps(acc: FloatArray, gyro: FloatArray, rate: float) -> list[StepEvent]:
    a, g = resample(acc, IMU_RATE, rate), resample(gyro, IMU_RATE, rate)
    t = np.arange(len(a)) / rate
    return feed(GaitEngine(Placement.FOOT), t, a, g)


def matched(steps: list[StepEvent], truth: list[Swing]) -> list[bool]:
    """Per true step: whether an engine step (each used once) lies within MATCH_S of its landing."""
    free = sorted(s.t for s in steps)
    out = []
    for sw in truth:
        near = [x for x in free if abs(x - sw.end) <= MATCH_S]
        if near:
            free.remove(min(near, key=lambda x: abs(x - sw.end)))
        out.append(bool(near))
    return out


def table(folder: Path, rates: list[float]) -> str:
    truth = swings(folder)
    turning = [abs(s.turn) >= TURN_DEG for s in truth]
    edge = [k in (0, len(truth) - 1) for k in range(len(truth))]
    rows = []
    for side in ("left", "right"):
        acc, gyro = load_imu(folder, side)
        for rate in rates:
            steps = engine_steps(acc, gyro, rate)
            hit = matched(steps, truth)
            rows.append(
                [
                    f"{side} foot",
                    f"{rate:g}",
                    str(len(truth)),
                    str(len(steps)),
                    f"{100 * (len(steps) - len(truth)) / len(truth):+.1f}",
                    f"{sum(hit)}/{len(truth)}",
                    f"{sum(h for h, e in zip(hit, edge, strict=True) if e)}/{sum(edge)}",
                    f"{sum(h for h, tr in zip(hit, turning, strict=True) if tr)}/{sum(turning)}",
                    str(sum(s.direction is Direction.BACKWARD for s in steps)),
                ]
            )
    head = (
        f"Foot steps on gaitmap's example walk with U-turns ({len(truth)} steps in the motion"
        f" capture, {sum(turning)} of them turning the foot >= {TURN_DEG:g} deg). One engine per"
        f" foot sensor; a true step is found if an engine step lies within {MATCH_S} s of its"
        " landing."
    )
    header = [
        "sensor",
        "Hz",
        "true",
        "engine",
        "cnt%",
        "found",
        "first+last",
        "turning",
        "backward",
    ]
    return head + "\n" + fmt_table(header, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.foot_turns", description=__doc__)
    parser.add_argument("folder", type=Path, help="folder with imu_sample.csv, mocap_sample.csv")
    parser.add_argument("--rate", type=float, action="append", help="wearable rate(s), Hz")
    args = parser.parse_args(argv)
    if not (args.folder / "imu_sample.csv").is_file():
        print(
            f"error: {args.folder}/imu_sample.csv not found (see the module docstring)",
            file=sys.stderr,
        )
        return 2
    print(table(args.folder, args.rate or [104.0, 52.0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
