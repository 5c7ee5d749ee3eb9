"""The same samples on another clock: does anything the engine reports move?

Every daily-living stream (steps and walking bouts, as tests/gait/test_gate_daily.py does for
its CI subset) and every UCI and Bandai foot and shank case of `step_hashes` (steps), replayed
with their times from 0 and on a wall clock (seconds since 1970), compared on the stream's own
clock within 0.1 ms. Prints the cases that differ and a count; exits 1 if any does.

    PYTHONPATH=$PWD:$PWD/dev .venv/bin/python -m tools.bench.clock_origin

About 1.5 minutes (docs/walking_gate.md, "The clock's origin").
"""

from __future__ import annotations

import sys

import numpy as np

from custom_components.retrowalk.gait import GaitEngine

from .daily import build_streams, read_labels, steps_and_bouts
from .data import data_dir, feed
from .step_hashes import cases

# A wall clock's seconds since 1970 (stepcount's AX3 fixture starts at this one).
WALL_CLOCK = 1_686_226_864.48
TOLERANCE_S = 1e-4


def _same(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and bool(np.all(np.abs(np.subtract(a, b)) <= TOLERANCE_S))


def main() -> int:
    differ = checked = 0
    for stream in build_streams(read_labels(), data_dir("daily-living")):
        s0, b0 = steps_and_bouts(stream)
        s1, b1 = steps_and_bouts(stream, WALL_CLOCK)
        checked += 1
        flat0, flat1 = [x for b in b0 for x in b], [x for b in b1 for x in b]
        if not (_same(s0, s1) and _same(flat0, flat1)):
            differ += 1
            print(f"differs: {stream.key} ({len(s0)} / {len(s1)} steps)")
    for name, placement, t, acc, gyro in cases():
        here = [s.t for s in feed(GaitEngine(placement), t, acc, gyro)]
        there = [s.t - WALL_CLOCK for s in feed(GaitEngine(placement), t + WALL_CLOCK, acc, gyro)]
        checked += 1
        if not _same(here, there):
            differ += 1
            print(f"differs: {name} {placement} ({len(here)} / {len(there)} steps)")
    print(f"{differ} of {checked} cases differ between a clock from 0 and a wall clock")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
