"""Fingerprints of the engine's full step lists, to prove a refactor changed no output at all.

Every Bandai clip (synthesised at the foot and at the shank's ankle strap, with gyro) and every
UCI run (104 Hz: foot, shank rules, foot without gyro) is replayed through GaitEngine at batch
sizes 1 and 20 (docs/batch_invariance.md), flushed, and every field of every step (time,
direction, confidence, which foot, stride length, speed) hashed exactly (repr of the floats).
Run it on main and on a branch: the lines must be identical.

`--trunk` adds the acceleration-only placements: every Bandai clip synthesised at the waist,
chest, front trouser pocket (thigh) and wrist, and the daily bench's streams of
../shared/data/daily-living at the wrist, waist, pocket and chest (not its ankle streams: the
shank is hashed on Bandai and UCI above).

    PYTHONPATH=$PWD:$PWD/dev .venv/bin/python -m tools.bench.step_hashes [--batches 1 20] [--trunk]
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
import hashlib
import sys

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.trunk_params import TRUNK_PLACEMENTS
from tools import bvh2rec

from . import bandai, daily, stride, uci
from .data import data_dir, feed

Case = tuple[str, Placement, FloatArray, FloatArray, FloatArray | None]
_ANKLE = stride.SHANK_SITES["shank, ankle strap (0.10 m over the ankle)"]


def cases(*, trunk: bool = False) -> Iterator[Case]:
    for clip in bandai.load_clips():
        for placement, offset in ((Placement.FOOT, (0.0, 0.0, 0.0)), (Placement.SHANK, _ANKLE)):
            rec = bvh2rec.synthesise(clip.motion, str(placement), bandai.RATE, offset_cm=offset)
            t, acc, gyro = bandai.settle(rec)
            yield f"bandai {clip.name} {placement}", placement, t, acc, gyro
    for path in uci.runs():
        t, acc, gyro = uci.load_run(path, 104.0)
        yield f"uci {path.stem} foot", Placement.FOOT, t, acc, gyro
        yield f"uci {path.stem} shank", Placement.SHANK, t, acc, gyro
        yield f"uci {path.stem} foot acc-only", Placement.FOOT, t, acc, None
    if trunk:
        yield from trunk_cases()


def trunk_cases() -> Iterator[Case]:
    """The acceleration-only placements: Bandai's synthesised sites, daily-living's streams."""
    for clip in bandai.load_clips():
        for placement in TRUNK_PLACEMENTS:
            rec = bvh2rec.synthesise(clip.motion, str(placement), bandai.RATE)
            t, acc, _ = bandai.settle(rec)
            yield f"bandai {clip.name} {placement}", placement, t, acc, None
    base = data_dir("daily-living")
    for s in daily.build_streams(daily.read_labels(base), base):
        placement = daily.PLACEMENT[s.location]
        if placement in TRUNK_PLACEMENTS:
            yield f"daily {s.key} {placement}", placement, s.t, s.acc, None


def digest(steps: list[StepEvent]) -> str:
    """Hash of every field of every step, floats exactly."""
    h = hashlib.sha256()
    for s in steps:
        fields = (s.t, s.direction, s.confidence, s.sensor_foot, s.stride_length_m, s.speed_m_s)
        h.update(repr(fields).encode())
    return h.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools.bench.step_hashes", description=__doc__)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--trunk", action="store_true", help="add the trunk and wrist cases")
    args = parser.parse_args(argv)
    total = hashlib.sha256()
    for name, placement, t, acc, gyro in cases(trunk=args.trunk):
        row = [name]
        for batch in args.batches:
            steps = feed(GaitEngine(placement), t, acc, gyro, batch=batch)
            row.append(f"b{batch}={digest(steps)} n={len(steps)}")
        line = "  ".join(row)
        total.update(line.encode())
        print(line, flush=True)
    print(f"ALL {total.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
