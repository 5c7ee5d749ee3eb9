"""The ankle strap at the lift of a backward step: the virtual wearer against Bandai's captures.

Why the 3 m backward walk test loses steps at the shank on the virtual wearer (issue 15): the
engine measures a shank stride's length for its checks from the last sample of the stance that
passes the still test (gait/foot.py), so it matters how fast the strap already moves there, and
the shank's rotation at the moment the foot starts to travel decides when that is. Per source and
direction this prints, over every lift of the left foot from a stance (foot speed under 0.1 m/s
for 0.1 s, then over 0.25 m/s):

- the shank's sagittal rotation rate at the lift, signed so that the swing's peak is positive
  (negative: still rolling the stance way);
- where in the swing the peak rotation rate falls (fraction of the swing's time);
- the swing's peak rate (rad/s);
- the strap's horizontal speed at the last sample of each still run (the engine's shank still
  test) that holds a real stance (slowest speed in it under 0.3 m/s);
- the rate at the lift times the shank's length over the walking speed: 1 when the knee keeps
  pace with the body while the foot is still down (the two sources walk at different speeds:
  Bandai's walk-back hips 0.74 m/s median, the virtual backward walker 0.36-0.68 m/s);
- the thigh (hip-knee line) likewise: its sagittal rate at the lift, signed so that its own
  swing peak is positive, and where in the swing that peak falls.

Bandai: mocap synthesised at 100 Hz, left shank, the ankle-strap site of the stride bench (0.10 m
over the ankle). Virtual: noise-free kinematics of 9-step walks from standing at 70, 85 and 100
steps/min, seeds 1-8. Synthetic both; the comparison is between two models of one motion.

Run: PYTHONPATH=.:dev python -m tools.bench.shank_lift
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import itertools
import sys

import numpy as np

from custom_components.retrowalk.gait import FloatArray, Placement
from custom_components.retrowalk.gait.foot_thresholds import THRESHOLDS
from custom_components.retrowalk.gait.types import STANDARD_GRAVITY
from custom_components.retrowalk_virtual.imu import kinematics
from custom_components.retrowalk_virtual.model import parse_scenario
from custom_components.retrowalk_virtual.plan import plan
from custom_components.retrowalk_virtual.segments import Activity
from custom_components.retrowalk_virtual.span import Span
from custom_components.retrowalk_virtual.styles import SHANK_LENGTH, STYLE_OF
from tools import bvh, bvh2rec

from . import bandai
from .data import fmt_table
from .stride import SHANK_SITES

RATE = 100.0
STRAP_CM = SHANK_SITES["shank, ankle strap (0.10 m over the ankle)"]
SHANK = THRESHOLDS[(Placement.SHANK, True)]
SLOW, LIFT, STAND = 0.1, 0.25, 0.1  # m/s, m/s, s: a foot stance and its lift
REAL_STANCE = 0.3  # m/s: a still run the strap never moves slower than in is no stance
BLIP = 3  # samples: as the engine's shank blip (0.03 s), motion this brief joins two still runs
MIN_RUN = 4  # samples: as the engine's min_stance (0.04 s)
CADENCES = (70.0, 85.0, 100.0)
SEEDS = tuple(range(1, 9))

type Lift = tuple[float, float, float]  # rate at the lift, peak's place in the swing, peak


@dataclass(frozen=True, slots=True)
class Source:
    """One source's lifts: the shank's and the thigh's, and the strap's last still speeds."""

    shank: list[Lift] = field(default_factory=list)
    thigh: list[Lift] = field(default_factory=list)
    speeds: list[float] = field(default_factory=list)
    # Per shank lift: its rate times the shank's length over the walking speed.
    paced: list[float] = field(default_factory=list)

    def add(self, shank: list[Lift], thigh: list[Lift], speeds: list[float], pace: float) -> None:
        """One walk's lifts; `pace` is its shank length over its walking speed (s)."""
        self.shank.extend(shank)
        self.thigh.extend(thigh)
        self.speeds.extend(speeds)
        self.paced.extend(x[0] * pace for x in shank)


def lifts(foot: FloatArray, rate: FloatArray) -> list[Lift]:
    """The shank at each lift of the foot (speeds `foot`, sagittal rates `rate`, 100 Hz)."""
    out: list[Lift] = []
    slow = foot < SLOW
    n = len(foot)
    i = 0
    while i < n:
        if not slow[i]:
            i += 1
            continue
        j = i
        while j < n and slow[j]:
            j += 1
        k = j
        while k < n and foot[k] < LIFT:
            k += 1
        e = k
        while e < n and not slow[e]:
            e += 1
        if j - i >= STAND * RATE and e < n and e - k > 10:
            peak = k + int(np.argmax(np.abs(rate[k:e])))
            sign = float(np.sign(rate[peak]))
            out.append((rate[k] * sign, (peak - k) / (e - k), abs(float(rate[peak]))))
        i = j
    return out


def still_runs(acc: FloatArray, gyro: FloatArray) -> list[tuple[int, int]]:
    """Runs of samples passing the engine's shank still test, brief motion bridged."""
    rate = np.linalg.norm(gyro, axis=1)
    dev = np.abs(np.linalg.norm(acc, axis=1) - STANDARD_GRAVITY)
    still = (rate < SHANK.still_gyro) & (dev < SHANK.still_acc)
    runs: list[tuple[int, int]] = []
    edges = np.flatnonzero(np.diff(still.astype(np.int8))) + 1
    bounds = [0, *edges.tolist(), len(still)]
    for lo, hi in itertools.pairwise(bounds):
        if not still[lo]:
            continue
        if runs and lo - runs[-1][1] <= BLIP:
            runs[-1] = (runs[-1][0], hi)
        else:
            runs.append((lo, hi))
    return [r for r in runs if MIN_RUN <= r[1] - r[0] < 1.5 * RATE]


def last_still_speeds(acc: FloatArray, gyro: FloatArray, strap: FloatArray) -> list[float]:
    """The strap's speed at the last still sample of each real stance."""
    return [
        float(strap[hi - 1])
        for lo, hi in still_runs(acc, gyro)
        if float(strap[lo:hi].min()) < REAL_STANCE
    ]


def _speed(velocity: FloatArray) -> FloatArray:
    out: FloatArray = np.hypot(velocity[:, 0], velocity[:, 1])
    return out


def _mocap_speed(
    clip: bandai.Clip,
    t: FloatArray,
    segment: str,
    towards: str,
    offset_cm: tuple[float, float, float],
) -> FloatArray:
    """Horizontal speed of a point half-way along `segment`, moved by `offset_cm` in its frame."""
    pos, rot = bvh.forward_kinematics(clip.motion)
    a, b = clip.motion.index(segment), clip.motion.index(towards)
    point = pos[:, a] + 0.5 * (pos[:, b] - pos[:, a])
    point += np.einsum("nij,j->ni", rot[:, a], np.asarray(offset_cm) / 100.0)
    _, v, _ = bvh2rec.spline_eval(point, clip.motion.frame_time, t)
    return _speed(v[:, [0, 2]])  # Bandai's y is up


def _thigh_rate(clip: bandai.Clip, t: FloatArray) -> FloatArray:
    """Sagittal rate (rad/s) of the left hip-knee line, in the clip's walking direction."""
    pos, _ = bvh.forward_kinematics(clip.motion)
    hip = pos[:, clip.motion.index("UpperLeg_L")]
    along = pos[:, clip.motion.index("LowerLeg_L")] - hip
    way = pos[-1, clip.motion.index("Hips"), [0, 2]] - pos[0, clip.motion.index("Hips"), [0, 2]]
    way /= np.linalg.norm(way)
    angle = np.unwrap(np.arctan2(along[:, 0] * way[0] + along[:, 2] * way[1], -along[:, 1]))
    frames = np.arange(len(angle)) * clip.motion.frame_time
    out: FloatArray = np.interp(t, frames, np.gradient(angle, clip.motion.frame_time))
    return out


def _pace(clip: bandai.Clip) -> float:
    """Shank length over the walking speed (median hip speed over the clip's middle half), s."""
    pos, _ = bvh.forward_kinematics(clip.motion)
    knee, ankle = clip.motion.index("LowerLeg_L"), clip.motion.index("Foot_L")
    length = float(np.median(np.linalg.norm(pos[:, knee] - pos[:, ankle], axis=1)))
    hips = pos[:, clip.motion.index("Hips")][:, [0, 2]]
    speed = _speed(np.gradient(hips, clip.motion.frame_time, axis=0))
    n = len(speed)
    return length / float(np.median(speed[n // 4 : 3 * n // 4]))


def bandai_source(kind: str) -> Source:
    """Lifts and last-still speeds of Bandai's `kind` clips (walk, walk-back)."""
    out = Source()
    for clip in bandai.load_clips():
        if clip.kind != kind:
            continue
        t, acc, gyro = bvh2rec.synthesise(clip.motion, "shank", RATE, "L", STRAP_CM)
        foot = _mocap_speed(clip, t, "Foot_L", "Toes_L", (0.0, 0.0, 0.0))
        strap = _mocap_speed(clip, t, "LowerLeg_L", "Foot_L", STRAP_CM)
        sagittal = gyro[:, int(np.argmax(gyro.var(axis=0)))]
        out.add(
            lifts(foot, sagittal),
            lifts(foot, _thigh_rate(clip, t)),
            last_still_speeds(acc, gyro, strap),
            _pace(clip),
        )
    return out


def _pose_speed(span: Span, placement: Placement, t: FloatArray) -> FloatArray:
    """Horizontal speed of the sensor point at `placement`, by central differences."""
    h = 1e-3
    ahead, _ = span.pose(placement, t + h)
    behind, _ = span.pose(placement, t - h)
    return _speed(((ahead - behind) / (2 * h)).T)


def virtual_source(kind: str) -> Source:
    """Lifts and last-still speeds of the virtual wearer's `kind` walks (forward, backward)."""
    out = Source()
    style = STYLE_OF[Activity(kind)]
    for cadence in CADENCES:
        pace = SHANK_LENGTH / (style.length_at(cadence) * cadence / 60.0)
        for seed in SEEDS:
            spans = plan(parse_scenario(f"stand:3s,{kind}:9@{cadence},stand:5s"), seed, False)
            span = next(s for s in spans if s.steps)
            t: FloatArray = np.arange(span.start, span.end, 1.0 / RATE, dtype=np.float64)
            force, spin = kinematics(span, Placement.SHANK, float(t[0]), 1.0 / RATE, len(t))
            _, thigh = kinematics(span, Placement.THIGH, float(t[0]), 1.0 / RATE, len(t))
            foot = _pose_speed(span, Placement.FOOT, t)
            strap = _pose_speed(span, Placement.SHANK, t)
            out.add(
                lifts(foot, spin[1]),
                lifts(foot, thigh[1]),
                last_still_speeds(force.T, spin.T, strap),
                pace,
            )
    return out


def _q(values: list[float]) -> str:
    if not values:
        return "-"
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return f"{p50:.2f} [{p10:.2f}, {p90:.2f}]"


def table(sources: dict[str, Callable[[], Source]]) -> str:
    """One row per source: medians with their 10th and 90th percentiles."""
    rows = []
    for name, source in sources.items():
        found = source()
        rows.append(
            [
                name,
                str(len(found.shank)),
                _q([x[0] for x in found.shank]),
                _q(found.paced),
                _q([x[1] for x in found.shank]),
                _q([x[2] for x in found.shank]),
                _q(found.speeds),
                _q([x[0] for x in found.thigh]),
                _q([x[1] for x in found.thigh]),
            ]
        )
    header = [
        "source",
        "lifts",
        "shank rate at the lift, rad/s (+ = swing way)",
        "x shank length / walking speed",
        "swing's peak at (share of the swing)",
        "swing's peak, rad/s",
        "strap speed at the last still sample, m/s",
        "thigh rate at the lift, rad/s (+ = its swing way)",
        "thigh's swing peak at",
    ]
    return fmt_table(header, rows)


def main() -> int:
    """Print the comparison (median [p10, p90])."""
    sources = {
        "Bandai walk-back": lambda: bandai_source("walk-back"),
        "virtual backward": lambda: virtual_source("backward"),
        "Bandai walk": lambda: bandai_source("walk"),
        "virtual forward": lambda: virtual_source("forward"),
    }
    sys.stdout.write(table(sources) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
