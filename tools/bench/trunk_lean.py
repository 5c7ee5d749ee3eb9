"""Does a trunk sensor lean the same way while walking forwards and backwards? (Erciyes)

A lead for telling which way a trunk or thigh sensor faces without assuming most walking is
forward, as the foot's toes do (docs/facing.md). Each Erciyes trial starts standing; its lean is
how far the segment's top tilted forward (+, towards the person's anterior: the calibrated forward
of an engine that walked their first forward trial as a calibration walk) or back (-) from the
first STAND_S of the trial to the middle half of it (the walk), in degrees, from the gravity
direction in the sensor's frame. A trunk leaning forward tilts forward; a thigh flexed at the hip
(its knee ahead) tilts back. A sign that is the same for both directions is a facing cue; one
that flips is a direction cue (which the quadrature already is).

    python -m tools.bench.trunk_lean DIR [--unit waist|thigh|chest]
"""

from __future__ import annotations

import argparse
from collections import defaultdict
import math
from pathlib import Path

import numpy as np

from custom_components.retrowalk.gait import FloatArray, GaitEngine

from .data import feed, fmt_table
from .erciyes import UNITS, Trial, trials

STAND_S = 1.5  # s of standing at the start of a trial taken as the standing posture
FORWARD, BACKWARD = 801, 802


def anterior(first_forward: Trial, engine: GaitEngine) -> FloatArray | None:
    """The calibrated forward axis (sensor frame) after a calibration walk, None if none took."""
    engine.start_calibration()
    feed(engine, first_forward.t, first_forward.acc, None)
    engine.finish_calibration()
    axis = np.asarray(engine.to_dict()["detector"]["calibrated"], dtype=np.float64)
    return axis if bool(np.any(axis)) else None


def lean_deg(trial: Trial, axis: FloatArray) -> float:
    """How far the segment's top tilted towards `axis` (degrees) from standing to walking: the
    world's up, seen from the sensor, moves the other way."""
    n = len(trial.acc)
    fs = 1.0 / float(np.median(np.diff(trial.t)))
    stand = trial.acc[: round(STAND_S * fs)].mean(axis=0)
    walk = trial.acc[n // 4 : 3 * n // 4].mean(axis=0)
    up0, up1 = stand / np.linalg.norm(stand), walk / np.linalg.norm(walk)
    ahead = axis - float(axis @ up0) * up0
    ahead /= np.linalg.norm(ahead)
    return -math.degrees(math.asin(max(-1.0, min(1.0, float((up1 - up0) @ ahead)))))


def leans(folder: Path, unit: str) -> dict[int, list[float]]:
    """Per activity (801 forward, 802 backward), the lean of every trial of a person whose
    first forward trial calibrated an engine."""
    code, placement = UNITS[unit]
    people: dict[str, list[Trial]] = defaultdict(list)
    for trial in trials(folder, code):
        people[trial.person].append(trial)
    out: dict[int, list[float]] = {FORWARD: [], BACKWARD: []}
    for person_trials in people.values():
        forward = [r for r in person_trials if r.activity == FORWARD]
        axis = anterior(forward[0], GaitEngine(placement)) if forward else None
        if axis is None:
            continue
        for trial in person_trials:
            out[trial.activity].append(lean_deg(trial, axis))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="the Erciyes files (see tools/bench/erciyes.py)")
    parser.add_argument("--unit", choices=list(UNITS), default="waist")
    args = parser.parse_args(argv)
    found = leans(args.dir, args.unit)
    rows = [
        [
            "forward" if activity == FORWARD else "backward",
            str(len(v)),
            f"{float(np.median(v)):+.1f}" if v else "n/a",
            f"{sum(x > 0 for x in v)} / {sum(x < 0 for x in v)}",
        ]
        for activity, v in found.items()
    ]
    print(f"Erciyes {args.unit}: the top's tilt while walking against the standing start, degrees")
    print(fmt_table(["walking", "trials", "median", "forward / back"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
