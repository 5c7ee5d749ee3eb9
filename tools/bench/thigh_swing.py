"""Does the sensor's swing tell strides from steps? (The thigh's swing, docs/walking_gate.md.)

Every Oxford trunk walk (the optimisation set's pockets, purses and neck pouches; with DIR also
the validation folder's pockets, bags and neck pouches, two other people) runs through the
detector alone at the thigh's settings (gate open, so every candidate is seen), which measures
the swing where the gate reads it (StepFeatures.swing_s). Each interval between two candidates is
checked against the truth (foot strikes or the ground-truth count, matched one to one within
0.3 s as the Oxford bench does): it *hides a step* when a true step nobody matched lies inside
it. It is *marked* when the gate's swing rule would restore a step in it (in the stride range,
within STRIDE_TOL of the swing's period; gate_params.swing_stride). A good rule marks the
intervals that hide a step and no others. The last columns describe the signal itself over the
4 s before each candidate (trunk_signal.swing_likeness): the share of candidates where it holds
a swing by the detector's thresholds, how alike it is at its best lag in the swing's range, and
half that lag later (a thigh's swing is turned the other way there, a trunk's bounce is alike
again); medians over the walk's candidates.

    python -m tools.bench.thigh_swing [DIR]     # DIR: Oxford-step-counter/DataSet's validation/
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
import itertools
from pathlib import Path

import numpy as np

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, swing_stride
from custom_components.retrowalk.gait.trunk import measured_swing
from custom_components.retrowalk.gait.trunk_params import shipped_params, smoothing_kernel
from custom_components.retrowalk.gait.trunk_signal import swing_likeness
from custom_components.retrowalk.gait.types import interval

from . import oxford, oxford_validation
from .data import feed, fmt_table

FS = 50.0
HAND_HELD = {"InHand", "SwingingArm", "Armband"}
HEADER = [
    "walk",
    "position",
    "intervals",
    "hide a step",
    "marked",
    "marked, hiding",
    "hiding, marked",
    "swing at",
    "alike at T",
    "alike at T/2",
]


Walk = tuple[str, str, FloatArray, FloatArray, FloatArray]


def trunk_walks(folder: Path | None) -> Iterator[Walk]:
    """(name, position, t, acc at FS, true step times) of every trunk walk."""
    yield from optimisation_walks()
    yield from validation_walks(folder) if folder else ()


def optimisation_walks() -> Iterator[Walk]:
    """The Oxford optimisation set's trunk walks (../shared/data), as trunk_walks."""
    for name, position in oxford.recordings():
        if position not in HAND_HELD:
            t, acc, truth, _ = oxford.load(name, FS)
            yield name, position, t, acc, truth


def validation_walks(folder: Path) -> Iterator[Walk]:
    """The validation folder's trunk walks (two other people), as trunk_walks."""
    for path, position in oxford_validation.walks(folder):
        if position not in HAND_HELD:
            (t, acc, truth, _), _ = oxford_validation.load(path, FS)
            yield path.stem.rsplit("_", 1)[0], position, t, acc, truth


def hiding(truth: FloatArray, found: FloatArray) -> list[bool]:
    """For each interval between found steps: does an unmatched true step lie inside it?"""
    matched = oxford.match(truth, found)
    missed = np.array([x for i, x in enumerate(truth.tolist()) if i not in matched])
    return [bool(np.any((missed > a) & (missed < b))) for a, b in itertools.pairwise(found)]


def alike(t: FloatArray, acc: FloatArray, at: FloatArray) -> tuple[list[float], list[float], int]:
    """How alike the signal is at its best lag in the swing's range and at half of it
    (trunk_signal.swing_likeness), and at how many times in `at` the detector would find a swing
    (trunk.measured_swing), over the swing window before each (the detector's window ends when
    it reports the step, up to a step later)."""
    p = shipped_params(Placement.THIGH)
    kernel = smoothing_kernel(p, FS)
    n = round(p.swing_window_s * FS)
    full, half, swung = [], [], 0
    for x in at.tolist():
        end = int(np.searchsorted(t, x, side="right"))
        if end < n:
            continue
        window = acc[end - n : end]
        found = swing_likeness(window, FS, kernel, p.swing_lags_s)
        if found is not None:
            full.append(found[1])
            half.append(found[2])
        swung += measured_swing(window, FS, kernel, p) is not None
    return full, half, swung


def row(name: str, position: str, t: FloatArray, acc: FloatArray, truth: FloatArray) -> list[str]:
    cands: list[StepEvent] = sorted(
        feed(GaitEngine(Placement.THIGH, gated=False), t, acc, None), key=lambda s: s.t
    )
    found = np.array([s.t for s in cands])
    hides = hiding(truth, found)
    longest = GATE_PARAMS[Placement.THIGH].swing_stride_max  # as the gate's swing fill
    shortest = GATE_PARAMS[Placement.THIGH].min_swing_stride
    marks = [
        swing_stride(interval(a.t, b.t), b, longest, shortest) for a, b in itertools.pairwise(cands)
    ]
    full, half, swung = alike(t, acc, found)
    right = sum(h and m for h, m in zip(hides, marks, strict=True))
    return [
        name,
        position,
        str(len(hides)),
        str(sum(hides)),
        str(sum(marks)),
        str(right),
        f"{right / max(1, sum(hides)):.0%}",
        f"{swung / max(1, len(cands)):.0%}",
        f"{np.median(full):.2f}" if full else "-",
        f"{np.median(half):.2f}" if half else "-",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.thigh_swing", description=__doc__)
    parser.add_argument("dir", type=Path, nargs="?", help="the DataSet's validation folder")
    args = parser.parse_args(argv)
    rows = [row(*walk) for walk in trunk_walks(args.dir)]
    print(fmt_table(HEADER, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
