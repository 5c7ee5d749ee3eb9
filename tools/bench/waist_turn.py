"""How far walking turns a sensor: the waist's limit for taking a signal for a thigh's swing.

At the waist the swing rule (docs/walking_gate.md, "The thigh's swing") also asks the sensor to
turn as a thigh does (TrunkParams.swing_turn_deg, trunk_params.WAIST_TURN_DEG): a hip pocket is a
trouser pocket, while a slow walker's bounce at a belt passes the likeness tests alone. This
prints the quantity the detector measures, trunk_signal.turn_rms (the RMS angle of the smoothed
acceleration's direction from its mean over a swing window), over every swing window ending
once a second inside real walking, at each recording's own rate (the smoothing is in seconds;
an angle of the low-passed signal does not depend on the rate):

- daily-living plain walking: waist (HAPT's belt, UMAFall), chest, pocket (UMAFall; spsw's
  walking segments are all shorter than a swing window);
- the Oxford trunk recordings (optimisation set, two people) by position, between the first and
  last true step; with DIR also the validation walks (two other people).

The limit is set above the largest 99th percentile of the waist-worn walking (the belts: HAPT,
UMAFall's waist), and the pockets' spread says what a hip pocket gives.

    python -m tools.bench.waist_turn [DIR]     # DIR: Oxford-step-counter/DataSet's validation/
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from custom_components.retrowalk.gait import FloatArray, Placement
from custom_components.retrowalk.gait.trunk_params import (
    WAIST_TURN_DEG,
    shipped_params,
    smoothing_kernel,
)
from custom_components.retrowalk.gait.trunk_signal import turn_rms

from . import thigh_swing
from .daily import build_streams, read_labels, select
from .data import data_dir, fmt_table
from .gate_eval import walking_spans

# The daily-living recordings worn at the waist: what the limit is taken from.
WAIST_WORN = ("hapt waist", "umafall waist")
PCTS = (1.0, 5.0, 50.0, 95.0, 99.0)


def turns(t: FloatArray, acc: FloatArray, start: float, end: float) -> list[float]:
    """turn_rms over each swing window that ends once a second from `start` + the window to
    `end` (s), at the recording's rate (its median sample interval)."""
    p = shipped_params(Placement.WAIST)
    fs = 1.0 / float(np.median(np.diff(t)))
    kernel = smoothing_kernel(p, fs)
    out: list[float] = []
    for stop in np.arange(start + p.swing_window_s, end + 1e-9, 1.0):
        lo, hi = np.searchsorted(t, [stop - p.swing_window_s, stop])
        turn = turn_rms(acc[lo:hi], kernel)
        if turn is not None:
            out.append(turn)
    return out


def walks(folder: Path | None) -> Iterator[tuple[str, FloatArray, FloatArray, float, float]]:
    """(group, t, acc, start, end) of every stretch of real walking (see the module)."""
    segs = select(read_labels(), locations=["waist", "chest", "pocket"])
    for stream in build_streams(segs, data_dir("daily-living")):
        for a, b in walking_spans(stream):
            yield f"{stream.dataset} {stream.location}", stream.t, stream.acc, a, b
    sets = [("oxford", thigh_swing.optimisation_walks())]
    if folder:
        sets.append(("validation", thigh_swing.validation_walks(folder)))
    for label, trunk in sets:
        for _, position, t, acc, truth in trunk:
            if len(truth):
                yield f"{label} {position}", t, acc, float(truth[0]), float(truth[-1])


def table(got: dict[str, list[float]]) -> tuple[list[str], list[list[str]]]:
    header = ["walking", "windows"] + [f"p{p:g}" for p in PCTS]
    rows = [
        [name, str(len(v))] + [f"{np.percentile(v, p):.1f}" for p in PCTS]
        for name, v in sorted(got.items())
        if v
    ]
    return header, rows


def waist_limit(got: dict[str, list[float]]) -> float:
    """The largest 99th percentile over the waist-worn walking (WAIST_WORN) that has windows
    (NaN if none has)."""
    return max(
        (float(np.percentile(got[k], 99.0)) for k in WAIST_WORN if got.get(k)), default=np.nan
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.waist_turn", description=__doc__)
    parser.add_argument("dir", type=Path, nargs="?", help="Oxford validation folder (optional)")
    args = parser.parse_args(argv)
    got: dict[str, list[float]] = defaultdict(list)
    for group, t, acc, start, end in walks(args.dir):
        got[group] += turns(t, acc, start, end)
    header, rows = table(got)
    print("RMS turn of the smoothed acceleration over a swing window, degrees")
    print(fmt_table(header, rows))
    print(
        f"\nwaist-worn walking's largest 99th percentile: {waist_limit(got):.1f} degrees "
        f"(shipped limit {WAIST_TURN_DEG:g})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
