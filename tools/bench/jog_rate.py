"""Jogging and running at the foot and the shank, at the rates wearables stream at.

UMAFall's ankle SensorTag (about 20 Hz) counts nothing in 8 of its 12 jogging trials
(docs/daily_bench.md). This table separates the two suspects, the low rate and the running
itself, on data with a step truth, and says which rule loses each missed stride.

- Bandai run clips (motion capture, docs/bvh_synthesis.md): synthesised at the foot (instep) and
  at the shank's ankle strap (stride.SHANK_SITES, the UMAFall mounting) at 100, 52, 26 and 20 Hz
  (bvh2rec samples its spline at the rate: no interpolation of a 100 Hz signal), each clip
  followed by standing (bandai.settle). Truth from the mocap, found independently of the engine:
  the landings (stance starts after a swing, instep slower than stride.STANCE_SPEED) of both feet
  are the true steps; the instrumented (left) foot's are its strides.
- UCI foot runs (real foot IMU, 800 Hz anti-alias resampled to 104, 52, 26 and 20 Hz): the
  reference strides of the forward protocol split by reference speed (length / duration) into
  walking (at most WALK_MAX_M_S) and jogging, running and sprinting (faster), matched to the
  engine's strides as uci.py does. The foot placement only: UCI has no shank sensor.
- UMAFall ankle jogging (real, 20 Hz, no truth): the engine's count and how many stances its
  stance test found, against the trial's length at the spectrum's 141 steps/min.

Where a missed stride dies, in the order the detector applies its rules (one reason each):
`stance`: the stance test (foot_thresholds.still_samples on the engine's 104 Hz grid, linearly
interpolated from the input as the engine does) holds for fewer than the detector's stance
samples (THRESHOLDS min_stance) in a row anywhere in the landing's stance (mocap) or around the
expected landing (UCI: the reference window's second half plus uci.MATCH_TOL_S); `swing` (the
detector has the stance but no stride ends there: too short or long a swing, too low a swing
peak, too short a length or the previous stance missing); `gate`: the detector (engine with
gated=False) counted it, the walking gate dropped it; `edge` (Bandai): the clip began in this
stride's swing, so no stance starts it (a clip edge, not a rule).

Run: ./scripts/bench jog [--quick]; every lost stride, one line each (its stance's longest still
run and its quietest moment): PYTHONPATH=$PWD:$PWD/dev .venv/bin/python -m tools.bench.jog_rate
--lost. Figures: docs/shank_walktest.md, "Jogging and running".
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
import itertools
import math
from pathlib import Path
import sys

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait import (
    STANDARD_GRAVITY as GRAVITY,
    FloatArray,
    GaitEngine,
    Placement,
    StepEvent,
)
from custom_components.retrowalk.gait.foot import FootDetector
from custom_components.retrowalk.gait.foot_thresholds import THRESHOLDS, still_samples
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.resample import Resampler
from tools import bvh, bvh2rec

from . import bandai, daily, uci
from .data import data_dir, feed, fmt_table
from .gate_eval import gate_times
from .registry import table
from .stride import MATCH_TOL_S, SHANK_SITES, STANCE_SPEED

BANDAI_RATES = (100.0, 52.0, 26.0, 20.0)
UCI_RATES = (104.0, 52.0, 26.0, 20.0)
ANKLE = SHANK_SITES["shank, ankle strap (0.10 m over the ankle)"]
# A landing and the engine's heel strike of it lie within this.
TOL_S = MATCH_TOL_S
# UCI reference strides up to this speed are walking; faster ones jogging, running, sprinting
# (docs/stride.md uses the same split).
WALK_MAX_M_S = 2.0
# UMAFall's jogging spectrum (docs/daily_bench.md, umafall_sync): about 141 steps/min.
UMAFALL_JOG_SPM = 141.0
REASONS = ("counted", "gate", "swing", "stance", "edge")


@dataclass(slots=True)
class Tally:
    """Strides of the instrumented foot by what became of them, and steps counted / true."""

    reasons: Counter[str] = field(default_factory=Counter)
    steps: int = 0
    true_steps: int = 0
    lost: list[Lost] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.reasons.update(other.reasons)
        self.steps += other.steps
        self.true_steps += other.true_steps
        self.lost += other.lost


@dataclass(frozen=True, slots=True)
class Lost:
    """One stride not counted: where, why, and its stance as the stance test saw it."""

    where: str  # recording, placement, rate
    landing: float  # s
    reason: str
    longest: int  # longest still run in the stance (grid samples; a stance needs Grid.need)
    rate: float  # least rotation in the stance, rad/s
    load: float  # | |acc| - g | at that moment, m/s^2
    need: int  # still samples in a row that make a stance

    def line(self) -> str:
        return (
            f"{self.where} landing {self.landing:6.2f} s: {self.reason:6s} still run"
            f" {self.longest}/{self.need} samples; quietest {self.rate:.2f} rad/s,"
            f" load {self.load:.1f} m/s^2"
        )


@dataclass(frozen=True, slots=True)
class Grid:
    """A recording as the foot detector sees it: the input linearly interpolated onto
    FootDetector.fs (resample.py; no gap in these recordings), its stance test and what it tests."""

    t: FloatArray
    still: npt.NDArray[np.bool_]
    rate: FloatArray  # |gyro|, rad/s
    load: FloatArray  # | |acc| - g |, m/s^2
    need: int  # still samples in a row that make a stance (THRESHOLDS min_stance)

    def runs(self) -> list[tuple[float, float]]:
        """(start s, end s) of every run of still samples long enough for a stance."""
        edges = np.flatnonzero(np.diff(self.still.astype(np.int8))) + 1
        return [
            (float(self.t[lo]), float(self.t[hi - 1]))
            for lo, hi in itertools.pairwise([0, *edges.tolist(), len(self.still)])
            if self.still[lo] and hi - lo >= self.need
        ]

    def detail(self, window: tuple[float, float]) -> tuple[int, float, float]:
        """Inside `window` (s): the longest still run (samples), and the least rotation (rad/s)
        with the load at that moment (m/s^2): a stance's quietest moment."""
        inside = np.flatnonzero((self.t >= window[0]) & (self.t <= window[1]))
        if not len(inside):
            return 0, math.nan, math.nan
        longest = run = 0
        for v in self.still[inside].tolist():
            run = run + 1 if v else 0
            longest = max(longest, run)
        k = inside[int(np.argmin(self.rate[inside]))]
        return longest, float(self.rate[k]), float(self.load[k])


def grid(t: FloatArray, acc: FloatArray, gyro: FloatArray, placement: Placement) -> Grid:
    """The detector's view of one gap-free recording (Grid)."""
    fs = FootDetector.fs
    chunks, _ = Resampler(fs, max_gap=0.25).push(t, np.hstack((acc, gyro)))
    x = np.concatenate([ch.x for ch in chunks])
    th = THRESHOLDS[(placement, True)]
    a, g = x[:, :3], x[:, 3:]
    return Grid(
        t=np.concatenate([ch.t for ch in chunks]),
        still=still_samples(a, g, th),
        rate=np.sqrt(np.einsum("ij,ij->i", g, g)),
        load=np.abs(np.sqrt(np.einsum("ij,ij->i", a, a)) - GRAVITY),
        need=max(2, round(th.min_stance * fs)),
    )


def stance_runs(
    t: FloatArray, acc: FloatArray, gyro: FloatArray, placement: Placement
) -> list[tuple[float, float]]:
    """(start s, end s) of every run of stance samples long enough for the detector's stance."""
    return grid(t, acc, gyro, placement).runs()


def fate(
    window: tuple[float, float],
    landing: float,
    runs: Sequence[tuple[float, float]],
    detected: FloatArray,
    counted: FloatArray,
) -> str:
    """What became of the stride landing at `landing` whose stance lies in `window` (s)."""
    if np.any(np.abs(counted - landing) <= TOL_S):
        return "counted"
    if np.any(np.abs(detected - landing) <= TOL_S):
        return "gate"
    if any(a <= window[1] and b >= window[0] for a, b in runs):
        return "swing"
    return "stance"


def _landing_times(steps: list[StepEvent]) -> FloatArray:
    return np.array([s.t for s in steps if s.sensor_foot], dtype=np.float64)


def mocap_stances(motion: bvh.Motion, side: str) -> list[tuple[float, float]]:
    """(start s, end s) of each stance of one foot's instep in the capture (stride.true_strides'
    test), the first only if the clip began in it."""
    site = bvh2rec.site_for("foot", side)
    pos, _ = bvh.forward_kinematics(motion)
    seg, toe = motion.index(site.segment), motion.index(site.towards or site.segment)
    point = pos[:, seg] + site.fraction * (pos[:, toe] - pos[:, seg])
    h = motion.frame_time
    speed = np.linalg.norm(np.gradient(point, h, axis=0), axis=1)
    still = speed < STANCE_SPEED
    edges = np.flatnonzero(np.diff(still.astype(np.int8))) + 1
    return [
        (lo * h, hi * h)
        for lo, hi in itertools.pairwise([0, *edges.tolist(), len(still)])
        if still[lo]
    ]


def bandai_tally(clip: bandai.Clip, placement: Placement, rate: float) -> Tally:
    """One run clip at one placement and rate: the instrumented foot's landings by fate."""
    offset = ANKLE if placement is Placement.SHANK else (0.0, 0.0, 0.0)
    rec = bvh2rec.synthesise(clip.motion, str(placement), rate, offset_cm=offset)
    t, acc, gyro = bandai.settle(rec)
    counted = feed(GaitEngine(placement), t, acc, gyro)
    detected = feed(GaitEngine(placement, gated=False), t, acc, gyro)
    view = grid(t, acc, gyro, placement)
    runs = view.runs()
    left = mocap_stances(clip.motion, "L")
    own = [s for s in left if s[0] > 0]
    other = [s for s in mocap_stances(clip.motion, "R") if s[0] > 0]
    tally = Tally(steps=len(counted), true_steps=len(own) + len(other))
    lands, dets = _landing_times(counted), _landing_times(detected)
    for window in own:
        reason = fate(window, window[0], runs, dets, lands)
        if reason != "counted" and window is left[0]:
            reason = "edge"  # the clip began in this stride's swing: no stance to start it
        tally.reasons[reason] += 1
        if reason != "counted":
            where = f"bandai {clip.name} {placement} {rate:g} Hz"
            tally.lost.append(Lost(where, window[0], reason, *view.detail(window), view.need))
    return tally


@dataclass(slots=True)
class UciTally:
    walking: Tally = field(default_factory=Tally)
    running: Tally = field(default_factory=Tally)


def uci_tally(path: Path, rate: float) -> UciTally:
    """One UCI run at one rate: its forward reference strides by speed and fate (foot)."""
    t, acc, gyro = uci.load_run(path, rate)
    counted = feed(GaitEngine(Placement.FOOT), t, acc, gyro)
    detected = feed(GaitEngine(Placement.FOOT, gated=False), t, acc, gyro)
    view = grid(t, acc, gyro, Placement.FOOT)
    runs = view.runs()
    ref = [r for r in uci.reference(path) if not r.merged and str(r.direction) == "forward"]
    lands, dets = _landing_times(counted), _landing_times(detected)
    matched_c = {i for i, _ in uci.match_reference(ref, lands.tolist())}
    matched_d = {i for i, _ in uci.match_reference(ref, dets.tolist())}
    out = UciTally()
    for i, r in enumerate(ref):
        # The expected landing (uci.match_reference): the window's second half and on.
        lo, hi = r.t_mid, r.t_mid + uci.HS_OFFSET * r.duration + uci.MATCH_TOL_S
        group = out.running if r.length / r.duration > WALK_MAX_M_S else out.walking
        group.true_steps += 2
        if i in matched_c:
            reason = "counted"
            group.steps += 2
        elif i in matched_d:
            reason = "gate"
        else:
            reason = "swing" if any(a <= hi and b >= lo for a, b in runs) else "stance"
        group.reasons[reason] += 1
        if reason != "counted":
            where = f"uci {path.stem} foot {rate:g} Hz ({r.length / r.duration:.1f} m/s)"
            group.lost.append(Lost(where, r.t_mid, reason, *view.detail((lo, hi)), view.need))
    return out


def _fates(t: Tally) -> list[str]:
    n = sum(t.reasons.values())
    return [f"{t.reasons[r]}" for r in REASONS] + [f"{n}"]


def bandai_rows(quick: bool, lost: list[Lost]) -> list[list[str]]:
    """The Bandai rows of the table; every stride not counted is added to `lost`."""
    clips = [c for c in bandai.load_clips(quick) if c.kind == "run"]
    rows = []
    for placement in (Placement.FOOT, Placement.SHANK):
        for rate in BANDAI_RATES:
            total = Tally()
            for c in clips:
                total.add(bandai_tally(c, placement, rate))
            lost += total.lost
            rows.append(
                [
                    f"Bandai run ({len(clips)} clips)",
                    str(placement),
                    f"{rate:g}",
                    f"{total.steps} / {total.true_steps}",
                    *_fates(total),
                ]
            )
    return rows


def uci_rows(quick: bool, lost: list[Lost]) -> list[list[str]]:
    """The UCI rows of the table; every stride not counted is added to `lost`."""
    paths = uci.runs()
    if quick:
        paths = paths[::4]
    rows = []
    for rate in UCI_RATES:
        walking, running = Tally(), Tally()
        for p in paths:
            res = uci_tally(p, rate)
            walking.add(res.walking)
            running.add(res.running)
        for label, tally in (("walking", walking), ("jog/run/sprint", running)):
            lost += tally.lost
            rows.append(
                [
                    f"UCI {label} ({len(paths)} runs)",
                    "foot",
                    f"{rate:g}",
                    f"{tally.steps} / {tally.true_steps}",
                    *_fates(tally),
                ]
            )
    return rows


def quietest_rows(quick: bool) -> list[list[str]]:
    """Each Bandai landing's stance at its quietest moment (least rotation), 100 Hz: running
    against forward walking, at the foot and at the ankle strap."""
    clips = bandai.load_clips(quick)
    rows = []
    for placement in (Placement.FOOT, Placement.SHANK):
        offset = ANKLE if placement is Placement.SHANK else (0.0, 0.0, 0.0)
        th = THRESHOLDS[(placement, True)]
        for kind in ("walk", "run"):
            rates, loads, passed = [], [], 0
            for c in (c for c in clips if c.kind == kind):
                rec = bvh2rec.synthesise(c.motion, str(placement), 100.0, offset_cm=offset)
                view = grid(*rec, placement)
                for window in mocap_stances(c.motion, "L"):
                    if window[0] == 0:
                        continue
                    longest, rate, load = view.detail(window)
                    if math.isnan(rate):
                        continue
                    rates.append(rate)
                    loads.append(load)
                    passed += longest >= view.need
            rows.append(
                [
                    f"Bandai {kind}",
                    str(placement),
                    str(len(rates)),
                    _spread(rates),
                    _spread(loads),
                    f"{th.still_gyro:g} / {th.still_acc:g}",
                    f"{100 * passed / max(1, len(rates)):.0f} %",
                ]
            )
    return rows


def _spread(values: Sequence[float]) -> str:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return f"{p50:.2f} [{p10:.2f}-{p90:.2f}]"


@dataclass(frozen=True, slots=True)
class AnkleTrial:
    name: str
    duration_s: float
    steps: int
    detected: int
    stances: int


def umafall_trials(quick: bool) -> list[AnkleTrial]:
    """UMAFall's ankle jogging trials: steps counted, before the gate, and stances found."""
    base = data_dir("daily-living")
    segs = [
        s
        for s in daily.read_labels(base)
        if s.dataset == "umafall" and s.location == "ankle" and s.activity == "jogging"
    ]
    if quick:
        segs = segs[::3]
    out = []
    for st in daily.build_streams(segs, base):
        if st.gyro is None:
            continue
        runs = stance_runs(st.t, st.acc, st.gyro, Placement.SHANK)
        batches = daily.engine_batches(st, gated=False)  # one detector run for both counts
        counted = gate_times(st, batches, GATE_PARAMS[Placement.SHANK])
        out.append(
            AnkleTrial(
                st.key.split("/")[-1],
                float(st.t[-1] - st.t[0]),
                len(counted),
                len(daily.batch_times(batches)),
                len(runs),
            )
        )
    return out


def jog_table(quick: bool = False, lost: list[Lost] | None = None) -> str:
    """The table; with `lost`, every stride not counted is added to it."""
    lost = [] if lost is None else lost
    header = ["data", "placement", "Hz", "steps / true", *REASONS, "strides"]
    rows = bandai_rows(quick, lost) + uci_rows(quick, lost)
    text = fmt_table(header, rows)
    text += (
        "\nstrides: the instrumented foot's true landings (Bandai: mocap; UCI: forward reference"
        " strides); counted / gate / swing / stance / edge: where each went or died (module"
        " docstring). UCI steps: 2 x the matched reference strides."
    )
    text += "\n\n" + fmt_table(
        [
            "stance at its quietest moment (100 Hz)",
            "placement",
            "stances",
            "|gyro| rad/s, median [10-90 %]",
            "| |acc| - g | m/s^2 there",
            "stance test bounds",
            "test holds for a stance",
        ],
        quietest_rows(quick),
    )
    trials = umafall_trials(quick)
    expected = sum(tr.duration_s for tr in trials) * UMAFALL_JOG_SPM / 60
    text += "\n\n" + fmt_table(
        ["UMAFall ankle jogging (20 Hz)", "trials", "steps", "before the gate", "stances found"],
        [
            [
                f"{UMAFALL_JOG_SPM:g}/min x duration: {expected:.0f}",
                str(len(trials)),
                str(sum(tr.steps for tr in trials)),
                str(sum(tr.detected for tr in trials)),
                str(sum(tr.stances for tr in trials)),
            ]
        ],
    )
    return text


@table("jog")
def _jog(args: argparse.Namespace) -> str:
    return jog_table(quick=args.quick)


def main(argv: list[str] | None = None) -> int:
    """The table, and with --lost every stride not counted, one line each."""
    parser = argparse.ArgumentParser(prog="tools.bench.jog_rate", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--lost", action="store_true", help="list every stride not counted")
    args = parser.parse_args(argv)
    lost: list[Lost] = []
    sys.stdout.write(jog_table(args.quick, lost) + "\n")
    if args.lost:
        sys.stdout.write(f"\n{len(lost)} strides not counted:\n")
        sys.stdout.write("".join(x.line() + "\n" for x in lost))
    return 0


if __name__ == "__main__":
    sys.exit(main())
