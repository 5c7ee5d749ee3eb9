"""Arm work while the body stays put: eating, typing, brushing teeth.

The trunk and legs barely move, so none of it is walking, but the wrist moves in rhythms a step
detector can mistake for steps: hand-to-mouth cycles every several seconds while eating,
2-3 Hz cutting and scooping in between; small 4-7 Hz keystroke jolts and mouse moves while
typing; 4-6 Hz scrubbing in bursts of a few seconds while brushing teeth. Eating and typing
amplitudes and rates are typical values from activity-recognition studies (wrist accelerations
of about 0.1 g typing, 0.3-0.6 g eating); brushing is set from real toothbrushing recorded at
the wrist (HMP, 2026-12-07: posture, stroke directions, rates, steadiness, amplitude, bursts;
see BRUSH_STROKES and the figures beside it).

The motion is a held offset of the rest posture's channels (the hand raised to the mouth while
brushing, leaning over the plate while eating) plus non-overlapping strokes: smooth bursts of
oscillation around an offset of their own. Everything is an offset on rest.Channel columns.

A stroke's oscillation is not a metronome: every cycle takes its own time and has its own size
(Rhythm). Arm work is aimed (each scrub, cut or keystroke goes where the tooth, the food or the key
is), not a pendulum's swing, and real wrists show it: on the daily-living wrist recordings the
engine's candidate steps during arm work (WISDM sitting, UMAFall phone calls) come at intervals
varying by 32-33 % (coefficient of variation over runs of ten), walking's by 12-14 %, and the
autocorrelation of the acceleration at step-like lags peaks at a median 0.17-0.26 for real arm
work (clapping 0.26) against 0.47-0.65 for real walking. With one fixed rate per stroke the
virtual wearer's brushing reached 0.90, typing 0.81 and its cutting strokes' intervals varied by
4 %: more regular than anyone's walk, so the walking gate rightly took them for walks
(docs/daily_life.md, `python -m tools.bench.wrist_arm_work`). None of those recordings is eating,
typing or brushing (the shared data has none): the spread is arm work's in general. Real
toothbrushing (HMP) is steadier than that, and brushing has its own spread (BRUSH_CYCLE_SPREAD).
"""

from __future__ import annotations

from dataclasses import dataclass
import functools
import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray

from .body import wrist_pose
from .segments import Activity
from .shapes import BoolArray, minjerk, sin, within
from .styles import STANDING

deg = math.radians

HOLD_RISE_S = 1.2  # s to raise the hand into (or lower it out of) the held position
# Every cycle of a stroke's oscillation takes its own time and has its own size: both are the
# stroke's mean times a log-normal factor drawn per cycle with this spread (about +-30 %: real arm
# work's candidate intervals vary by 32-33 %, see the module docstring), independently from one
# cycle to the next, as each movement is aimed anew. Set from that figure, not fitted to a count.
CYCLE_SPREAD = 0.3
ARM_WORK = frozenset({Activity.EAT, Activity.TYPE, Activity.BRUSH})

# Toothbrushing, from real wrists: HMP (Bruno et al. 2014), 12 trials of 3 volunteers, 15.5 min,
# right wrist, 32 Hz, +-1.5 g. Every figure below is the real one as
# `python -m tools.bench.wrist_arm_work --hmp DIR` measures it, the model read the same way through
# that sensor (clipped at 1.5 g, 6 bits, 32 Hz) beside it, and the old model's after "was"
# (docs/daily_life.md, "Real toothbrushing (HMP)"). None was set from the engine's count.
BRUSH_LEAN = deg(12.0)  # over the sink (unchanged: the trunk, so the chest, stays as it was)
BRUSH_FLEX = deg(45.0)
# Forearm near level: 14 degrees from level (median; 10-90 % 3-30), model 15 [8-22], was 39.
# The chain bends in the sagittal plane only, so a level forearm cannot reach across to the mouth
# as a real one does: the hold gives the sensor the real forearm's angle, not the hand's place.
BRUSH_ELBOW = deg(60.0)
# Thumb nearly up: gravity 77 degrees from the watch's z towards its y (median; 10-90 % 53-87),
# model 74 [52-85], was 66 (a level forearm at roll 0 reads 90).
BRUSH_ROLL = deg(13.0)
# Two kinds of stroke, told apart in 4 s windows of scrubbing by the axis most of the motion is
# on: 34 % along the forearm (model 41 %, was 14 %), the rest across it. Each is a straight
# back-and-forth of the hand: (share of strokes, rate range Hz, RMS m/s^2, power shares along
# the forearm (horizontal), vertical, sideways). Rates: real medians 4.5 and 5.75 Hz (10-90 %
# 4.0-5.25 and 4.25-6.25; most of the across windows at 4.75 or more), model 4.75 and 5.5, was
# 4.75 and 4.5. Shares along gravity: real 0.17 and 0.51 (model 0.18 and 0.47, was 0.89 and
# 0.91: the old strokes went up and down), the rest split as the real windows' x and z split it.
# RMS: the real windows' 7.6 and 6.7 times 0.93, so that the model, pauses included, has the
# real brushing's RMS as the sensor reads it, 6.1 m/s^2 (model 6.15, was 6.19; the sensor cuts
# the hardest strokes: 9.7 % of the real samples sit at its limits, 7.5 % of the model's).
BRUSH_STROKES = (
    (0.35, (4.0, 5.3), 0.93 * 7.6, (0.71, 0.17, 0.12)),  # scrubbing along the forearm
    (0.65, (4.75, 6.25), 0.93 * 6.7, (0.245, 0.51, 0.245)),  # across it, half of it up and down
)
# Real brushing strokes are steadier cycle by cycle than arm work in general (CYCLE_SPREAD): in
# firm scrubbing a real cycle's length varies by 0.09 of the period (median) and the phase
# drifts by 0.14 and 0.28 of a cycle over 2 and 8 cycles (model 0.11, 0.16, 0.21; was 0.24,
# 0.35, 0.42), and the acceleration's autocorrelation at step-like lags is 0.40 (model 0.37,
# was 0.22).
BRUSH_CYCLE_SPREAD = 0.12
# Real scrubbing comes in bursts (0.5 s RMS over 2 m/s^2) of 5.0 s (median; IQR 2.3-8.8) between
# pauses of 1.1 s (0.7-1.8), 7.3 a minute. The old strokes broke up by their cycles' size spread
# (6.8 s, 0.8 s, 7.8); as steady as the real ones they would scrub unbroken for their 8-20 s. A
# stroke now pauses within itself after a log-normal burst (median s, sigma) for a uniform time
# (s): model 5.1 s [3.1-8.8], 1.1 s [0.7-1.7], 7.9 a minute.
BRUSH_BURST_S = (5.25, 0.8)
BRUSH_PAUSE_S = (0.5, 2.0)


class Channel:
    """Columns of a rest span's offset vectors (fidgets and arm work)."""

    PELVIS_X = 0
    PELVIS_Y = 1
    LEAN = 2
    ARM_FLEX = 3
    ELBOW = 4
    FOREARM_ROLL = 5
    FOOT_X = 6
    FOOT_LIFT = 7
    SWING_OUT = 8  # the upper arm turned about the trunk's vertical axis (body.wrist_pose)
    COUNT = 9


@dataclass(frozen=True, slots=True, eq=False)
class Rhythm:
    """The strokes' oscillation phase (in cycles) and size over time, cycle by cycle.

    Knots at the cycle boundaries of every stroke, in time order (strokes never overlap): the
    phase is a whole number of cycles there (counted from the stroke's start), the rate the mean
    of the two cycles' and the size the mean of their sizes. Between knots, cubic Hermite
    interpolation: phase and rate continuous (no jolt where one cycle hands over to the next),
    the size eased from one cycle's to the next.
    """

    t: FloatArray  # (k,) s
    phase: FloatArray  # (k,) cycles
    rate: FloatArray  # (k,) cycles/s
    size: FloatArray  # (k,) relative to the stroke's swing

    def __call__(self, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(phase, size) at times t (inside strokes; meaningless between them)."""
        if len(self.t) < 2:
            return np.zeros_like(t), np.ones_like(t)
        j = np.clip(np.searchsorted(self.t, t, side="right") - 1, 0, len(self.t) - 2)
        h = np.maximum(self.t[j + 1] - self.t[j], 1e-9)
        u = np.clip((t - self.t[j]) / h, 0.0, 1.0)
        u2, u3 = u * u, u * u * u
        h01 = 3.0 * u2 - 2.0 * u3
        phase: FloatArray = (
            (1.0 - h01) * self.phase[j]
            + h01 * self.phase[j + 1]
            + h * ((u3 - 2.0 * u2 + u) * self.rate[j] + (u3 - u2) * self.rate[j + 1])
        )
        size: FloatArray = self.size[j] + h01 * (self.size[j + 1] - self.size[j])
        return phase, size

    @staticmethod
    def draw(
        start: FloatArray,
        duration: FloatArray,
        freq: FloatArray,
        rng: np.random.Generator,
        spread: FloatArray | None = None,
        quiet: FloatArray | None = None,
    ) -> Rhythm:
        """Cycle by cycle for strokes (start, duration, mean rate freq).

        `spread`: each stroke's log-normal spread of its cycles (None: CYCLE_SPREAD for all).
        `quiet`: (k, 2) times (from, to) inside strokes where the oscillation pauses: cycles
        beginning there have size 0 (the hand eases to rest within a cycle and out again).
        """
        ts: list[FloatArray] = []
        phases: list[FloatArray] = []
        rates: list[FloatArray] = []
        sizes: list[FloatArray] = []
        spreads = np.full(len(start), CYCLE_SPREAD) if spread is None else spread
        for t0, d, mean_hz, sigma in zip(start, duration, freq, spreads, strict=True):
            f = max(float(mean_hz), 1e-3)  # a stroke without oscillation: one long cycle
            n = int(d * f * 2.0) + 4  # enough cycles to pass the end even if all are long
            period = np.exp(rng.normal(0.0, sigma, n)) / f
            # Mean square 1: the stroke's swing stays its RMS size.
            size = np.exp(rng.normal(-(sigma**2), sigma, n))
            edges = t0 + np.concatenate(([0.0], np.cumsum(period)))
            m = int(np.searchsorted(edges, t0 + d, side="left"))  # cycles begun before the end
            m = min(max(m, 1), n)
            # Knot i starts cycle i; its rate and size average the cycles either side.
            rate = 1.0 / period[:m]
            knot_rate = np.concatenate(([rate[0]], 0.5 * (rate[:-1] + rate[1:])))
            knot_size = np.concatenate(([size[0]], 0.5 * (size[: m - 1] + size[1:m])))
            # The stroke ends part-way into its last cycle.
            last = m - 1 + (t0 + d - edges[m - 1]) / period[m - 1]
            ts += [edges[:m], np.array([t0 + d])]
            phases += [np.arange(m, dtype=np.float64), np.array([last])]
            rates += [knot_rate, rate[m - 1 : m]]
            sizes += [knot_size, size[m - 1 : m]]
        if not ts:
            return Rhythm(t=np.zeros(0), phase=np.zeros(0), rate=np.zeros(0), size=np.zeros(0))
        knots = np.concatenate(ts)
        size_all = np.concatenate(sizes)
        for a, b in np.zeros((0, 2)) if quiet is None else quiet:
            size_all[(knots >= a) & (knots < b)] = 0.0
        return Rhythm(
            t=knots,
            phase=np.concatenate(phases),
            rate=np.concatenate(rates),
            size=size_all,
        )


@dataclass(frozen=True, slots=True, eq=False)
class Strokes:
    """Non-overlapping bursts: an offset plus an oscillation, both under a smooth envelope."""

    start: FloatArray  # (m,) s
    duration: FloatArray  # (m,) s
    rise: FloatArray  # (m,) s: the envelope's ramp at either end
    offset: FloatArray  # (m, channels)
    swing: FloatArray  # (m, channels): oscillation amplitude
    freq: FloatArray  # (m,) Hz
    rhythm: Rhythm

    def __call__(self, t: FloatArray) -> FloatArray:
        """(channels, n) offsets at the sorted times t."""
        out = np.zeros((self.offset.shape[1], len(t)))
        if len(self.start) == 0 or len(t) == 0:
            return out
        i = np.searchsorted(self.start, t, side="right") - 1
        inside = i >= 0
        i = np.maximum(i, 0)
        s = t - self.start[i]
        inside &= s < self.duration[i]
        if not inside.any():
            return out
        rise = self.rise[i]
        env = minjerk(s / rise) * minjerk((self.duration[i] - s) / rise) * inside
        turns, size = self.rhythm(t)
        # Reduce the phase in float64 before the fast float32 sine (see shapes.sin).
        wave = size * sin(2.0 * math.pi * np.mod(turns, 1.0))
        out += (self.offset[i].T + self.swing[i].T * wave) * env
        return out

    def busy(self, t: FloatArray, margin: float) -> BoolArray:
        """Which sorted times t fall within a stroke (widened by `margin`)."""
        return within(t, self.start, self.duration, margin)


@dataclass(frozen=True, slots=True, eq=False)
class ArmWork:
    """What the arms do during one rest span on top of its posture."""

    hold: FloatArray  # (channels,) offset held for the whole span (faded in and out)
    strokes: Strokes

    def __call__(self, t: FloatArray, start: float, end: float) -> FloatArray:
        """(channels, n) offsets at the sorted times t of a span running start..end."""
        env = minjerk((t - start) / HOLD_RISE_S) * minjerk((end - t) / HOLD_RISE_S)
        out: FloatArray = np.outer(self.hold, env) + self.strokes(t)
        return out

    def busy(self, t: FloatArray, start: float, end: float, margin: float) -> BoolArray:
        """The hold's ramps and the strokes."""
        ramps = (t < start + HOLD_RISE_S + margin) | (t > end - HOLD_RISE_S - margin)
        out: BoolArray = ramps | self.strokes.busy(t, margin)
        return out


class _Builder:
    """Collects strokes in time order, never overlapping, within start..end."""

    def __init__(self, start: float, end: float) -> None:
        self.t = start
        self.end = end
        self.rows: list[tuple[float, float, float, FloatArray, FloatArray, float, float]] = []
        self.quiet: list[tuple[float, float]] = []  # pauses inside strokes (Rhythm.draw)

    def add(
        self,
        duration: float,
        rise: float,
        offset: FloatArray,
        swing: FloatArray,
        freq: float,
        spread: float = CYCLE_SPREAD,
    ) -> bool:
        """Append a stroke at the cursor; False (and nothing added) if it would pass the end."""
        if self.t + duration > self.end:
            return False
        row = (self.t, duration, min(rise, duration / 2.0), offset, swing, freq, spread)
        self.rows.append(row)
        self.t += duration
        return True

    def wait(self, seconds: float) -> None:
        self.t += seconds

    def pause(self, start: float, end: float) -> None:
        """Rest the oscillation (not the stroke's offset) from start to end inside a stroke."""
        self.quiet.append((start, end))

    def build(self, rng: np.random.Generator) -> Strokes:
        """The strokes; their cycles are drawn last, so they change nothing else drawn."""
        if not self.rows:
            return Strokes(
                start=np.zeros(0),
                duration=np.zeros(0),
                rise=np.ones(0),
                offset=np.zeros((0, Channel.COUNT)),
                swing=np.zeros((0, Channel.COUNT)),
                freq=np.zeros(0),
                rhythm=Rhythm.draw(np.zeros(0), np.zeros(0), np.zeros(0), rng),
            )
        start, duration, rise, offset, swing, freq, spread = zip(*self.rows, strict=True)
        return Strokes(
            start=np.array(start),
            duration=np.array(duration),
            rise=np.array(rise),
            offset=np.array(offset),
            swing=np.array(swing),
            freq=np.array(freq),
            rhythm=Rhythm.draw(
                np.array(start),
                np.array(duration),
                np.array(freq),
                rng,
                np.array(spread),
                np.array(self.quiet) if self.quiet else None,
            ),
        )


def _vec(**channels: float) -> FloatArray:
    out = np.zeros(Channel.COUNT)
    for name, value in channels.items():
        out[_NAMES[name]] = value
    return out


_NAMES = {
    "lean": Channel.LEAN,
    "flex": Channel.ARM_FLEX,
    "elbow": Channel.ELBOW,
    "roll": Channel.FOREARM_ROLL,
    "out": Channel.SWING_OUT,
}


def arm_work(activity: Activity, start: float, end: float, rng: np.random.Generator) -> ArmWork:
    """Random but reproducible arm work for `activity` between start and end."""
    lo, hi = start + HOLD_RISE_S, end - HOLD_RISE_S
    b = _Builder(lo + float(rng.uniform(0.5, 3.0)), hi)
    if activity is Activity.EAT:
        # Over the plate, the forearm near level (real seated wrists: 10 degrees from level,
        # median; this hold had the hand 28 degrees up, over the plate it is not): the upper arm
        # comes forward, the elbow opens a little from resting on the thigh.
        hold = _vec(lean=deg(6.0), flex=deg(10.0), elbow=deg(-3.0))
        while True:
            # Cutting or scooping for a while, then the hand goes to the mouth and back.
            cut = _vec(elbow=rng.normal(0.0, deg(4.0)), roll=rng.normal(0.0, deg(10.0)))
            cut_swing = _vec(elbow=deg(rng.uniform(3.0, 7.0)), roll=deg(rng.uniform(5.0, 15.0)))
            if rng.random() < 0.6 and not b.add(
                float(rng.uniform(2.0, 6.0)), 0.4, cut, cut_swing, float(rng.uniform(1.5, 3.0))
            ):
                break
            b.wait(float(rng.uniform(0.2, 1.0)))
            bite = _vec(
                lean=deg(rng.uniform(3.0, 7.0)),
                flex=deg(rng.uniform(20.0, 35.0)),
                elbow=deg(rng.uniform(63.0, 83.0)),  # to the mouth from the hold
                roll=deg(rng.uniform(20.0, 45.0)),
            )
            # Chewing nods the head, not the arm: the hand lingers near the mouth only briefly.
            if not b.add(float(rng.uniform(2.0, 3.5)), 0.8, bite, np.zeros(Channel.COUNT), 0.0):
                break
            b.wait(float(rng.exponential(8.0)) + 2.0)
    elif activity is Activity.TYPE:
        # Hands on the keyboard, forearms near level, as ergonomic desks have them and real seated
        # wrists show (10 degrees from level, median, WISDM sitting; this hold had 33).
        hold = _vec(lean=deg(4.0), flex=deg(8.0), elbow=deg(-3.0))
        while True:
            if rng.random() < 0.75:  # a burst of typing: small, fast, irregular jolts
                swing = _vec(
                    elbow=deg(rng.uniform(0.1, 0.3)),
                    roll=deg(rng.uniform(0.5, 1.5)),
                    flex=deg(rng.uniform(0.05, 0.15)),
                )
                ok = b.add(
                    float(rng.uniform(3.0, 15.0)),
                    0.3,
                    np.zeros(Channel.COUNT),
                    swing,
                    float(rng.uniform(4.0, 7.0)),
                )
            else:  # the hand goes to the mouse and moves it
                reach = _vec(flex=rng.normal(0.0, deg(6.0)), roll=rng.normal(0.0, deg(15.0)))
                swing = _vec(flex=deg(rng.uniform(1.0, 3.0)), elbow=deg(rng.uniform(1.0, 4.0)))
                ok = b.add(
                    float(rng.uniform(2.0, 8.0)), 0.6, reach, swing, float(rng.uniform(0.5, 1.5))
                )
            if not ok:
                break
            b.wait(float(rng.exponential(3.0)) + 0.3)
    else:  # brushing teeth, standing at the sink
        hold = _vec(lean=BRUSH_LEAN, flex=BRUSH_FLEX, elbow=BRUSH_ELBOW, roll=BRUSH_ROLL)
        basis = _hand_basis()
        while True:
            # Scrub one part of the mouth, then move on (or rinse) after a short pause. The
            # draws sit where the old model's were (three for the swing, then the duration,
            # then one for the rate), so the strokes' times are the same: the renderer computes
            # the whole body finely where arm work is busy (imu.render), and the body away from
            # the wrist must not change with the wrist's strokes.
            where = _vec(flex=rng.normal(0.0, deg(5.0)), roll=rng.normal(0.0, deg(25.0)))
            which, rate, up_sign = float(rng.random()), float(rng.random()), float(rng.random())
            duration = float(rng.uniform(8.0, 20.0))
            side_sign = float(rng.random())
            _, (lo_hz, hi_hz), rms, shares = BRUSH_STROKES[0 if which < BRUSH_STROKES[0][0] else 1]
            hz = lo_hz + rate * (hi_hz - lo_hz)
            # A sine's peak is sqrt(2) its RMS; displacement = acceleration / (2 pi f)^2. The
            # direction's sense (up or down, left or right, against the forearm's) per stroke.
            peak = math.sqrt(2.0) * rms * np.sqrt(np.array(shares)) / (2.0 * math.pi * hz) ** 2
            peak *= [1.0, 1.0 if up_sign < 0.5 else -1.0, 1.0 if side_sign < 0.5 else -1.0]
            flex, elbow, out = basis @ peak
            swing = _vec(flex=flex, elbow=elbow, out=out)
            if not b.add(duration, 0.3, where, swing, hz, BRUSH_CYCLE_SPREAD):
                break
            b.wait(float(rng.uniform(0.5, 3.0)))
        # Real scrubbing stops now and then within a part of the mouth too: the brush is
        # turned, moved a little, or the hand tires. Drawn after every stroke's time, so the
        # strokes' times (and with them the body's rendering, above) stay as they were.
        for t0, duration, *_ in b.rows:
            t, end = t0 + _brush_burst(rng), t0 + duration
            while t + BRUSH_PAUSE_S[1] < end:
                rest = float(rng.uniform(*BRUSH_PAUSE_S))
                b.pause(t, t + rest)
                t += rest + _brush_burst(rng)
    return ArmWork(hold=hold, strokes=b.build(rng))


def _brush_burst(rng: np.random.Generator) -> float:
    """Seconds of scrubbing without a pause (log-normal, BRUSH_BURST_S)."""
    median, sigma = BRUSH_BURST_S
    return float(np.exp(rng.normal(math.log(median), sigma)))


@functools.cache
def _hand_basis() -> FloatArray:
    """(3, 3): joint swings (rad) that move the wrist sensor 1 m along, up or sideways.

    Computed once: it depends only on the brushing hold (module constants).

    Rows: shoulder flexion, elbow, SWING_OUT; columns: along the forearm (its horizontal
    direction), up, sideways; about the standing brushing hold (small motions: the chain's
    Jacobian, inverted).
    """
    one = np.ones(1)
    trunk = (0.0 * one, (STANDING.trunk_lean + BRUSH_LEAN) * one, 0.0 * one)
    joints = np.array([STANDING.arm_flex + BRUSH_FLEX, STANDING.elbow + BRUSH_ELBOW, 0.0])

    def point(q: FloatArray) -> tuple[FloatArray, FloatArray]:
        pos, rot = wrist_pose(
            np.zeros((3, 1)), trunk, q[0] * one, q[1] * one, BRUSH_ROLL * one, q[2] * one
        )
        return pos[:, 0], rot[:, :, 0]

    base, rot = point(joints)
    forearm = rot @ np.array([0.0, 0.0, -1.0])  # the forearm runs from the elbow along -z
    along = np.array([forearm[0], forearm[1], 0.0])
    along /= np.linalg.norm(along)
    up = np.array([0.0, 0.0, 1.0])
    frame = np.stack([along, up, np.cross(up, along)])  # rows: along, up, sideways
    h = 1e-6
    jac = np.column_stack([frame @ (point(joints + h * e)[0] - base) / h for e in np.eye(3)])
    out: FloatArray = np.asarray(np.linalg.inv(jac), dtype=np.float64)
    return out
