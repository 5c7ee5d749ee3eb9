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

Run: ./scripts/bench jog [--quick]. Figures: docs/shank_walktest.md, "Jogging and running".
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
import itertools
from pathlib import Path

import numpy as np

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.foot import FootDetector
from custom_components.retrowalk.gait.foot_thresholds import THRESHOLDS, still_samples
from custom_components.retrowalk.gait.resample import Resampler
from tools import bvh, bvh2rec

from . import bandai, daily, uci
from .data import data_dir, feed, fmt_table
from .registry import table
from .stride import SHANK_SITES, STANCE_SPEED

BANDAI_RATES = (100.0, 52.0, 26.0, 20.0)
UCI_RATES = (104.0, 52.0, 26.0, 20.0)
ANKLE = SHANK_SITES["shank, ankle strap (0.10 m over the ankle)"]
# A landing and the engine's heel strike of it lie within this (as stride.MATCH_TOL_S).
TOL_S = 0.3
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

    def add(self, other: Tally) -> None:
        self.reasons.update(other.reasons)
        self.steps += other.steps
        self.true_steps += other.true_steps


def stance_runs(
    t: FloatArray, acc: FloatArray, gyro: FloatArray, placement: Placement
) -> list[tuple[float, float]]:
    """(start s, end s) of every run of stance samples long enough for the detector's stance.

    On the engine's grid: the input linearly interpolated onto FootDetector.fs (resample.py).
    """
    fs = FootDetector.fs
    chunks, _ = Resampler(fs, max_gap=0.25).push(t, np.hstack((acc, gyro)))
    th = THRESHOLDS[(placement, True)]
    need = max(2, round(th.min_stance * fs))
    out: list[tuple[float, float]] = []
    for ch in chunks:
        still = still_samples(ch.x[:, :3], ch.x[:, 3:], th)
        edges = np.flatnonzero(np.diff(still.astype(np.int8))) + 1
        for lo, hi in itertools.pairwise([0, *edges.tolist(), len(still)]):
            if still[lo] and hi - lo >= need:
                out.append((float(ch.t[lo]), float(ch.t[hi - 1])))
    return out


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
    runs = stance_runs(t, acc, gyro, placement)
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
    runs = stance_runs(t, acc, gyro, Placement.FOOT)
    ref = [r for r in uci.reference(path) if not r.merged and str(r.direction) == "forward"]
    lands, dets = _landing_times(counted), _landing_times(detected)
    matched_c = {i for i, _ in uci.match_reference(ref, lands.tolist())}
    matched_d = {i for i, _ in uci.match_reference(ref, dets.tolist())}
    out = UciTally()
    for i, r in enumerate(ref):
        group = out.running if r.length / r.duration > WALK_MAX_M_S else out.walking
        group.true_steps += 2
        if i in matched_c:
            reason = "counted"
            group.steps += 2
        elif i in matched_d:
            reason = "gate"
        else:
            # The expected landing (uci.match_reference): the window's second half and on.
            lo = r.t_mid
            hi = r.t_mid + uci.HS_OFFSET * r.duration + uci.MATCH_TOL_S
            reason = "swing" if any(a <= hi and b >= lo for a, b in runs) else "stance"
        group.reasons[reason] += 1
    return out


def _fates(t: Tally) -> list[str]:
    n = sum(t.reasons.values())
    return [f"{t.reasons[r]}" for r in REASONS] + [f"{n}"]


def bandai_rows(quick: bool) -> list[list[str]]:
    clips = [c for c in bandai.load_clips(quick) if c.kind == "run"]
    rows = []
    for placement in (Placement.FOOT, Placement.SHANK):
        for rate in BANDAI_RATES:
            total = Tally()
            for c in clips:
                total.add(bandai_tally(c, placement, rate))
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


def uci_rows(quick: bool) -> list[list[str]]:
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
        out.append(
            AnkleTrial(
                st.key.split("/")[-1],
                float(st.t[-1] - st.t[0]),
                len(daily.engine_steps(st)),
                len(daily.engine_steps(st, gated=False)),
                len(runs),
            )
        )
    return out


def jog_table(quick: bool = False) -> str:
    header = ["data", "placement", "Hz", "steps / true", *REASONS, "strides"]
    rows = bandai_rows(quick) + uci_rows(quick)
    text = fmt_table(header, rows)
    text += (
        "\nstrides: the instrumented foot's true landings (Bandai: mocap; UCI: forward reference"
        " strides); counted / gate / swing / stance: where each went or died (module docstring)."
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
