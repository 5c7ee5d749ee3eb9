"""Arm work while the body stays put: eating, typing, brushing teeth.

The trunk and legs barely move, so none of it is walking, but the wrist moves in rhythms a step
detector can mistake for steps: hand-to-mouth cycles every several seconds while eating,
2-3 Hz cutting and scooping in between; small 4-7 Hz keystroke jolts and mouse moves while
typing; 3-5 Hz scrubbing for minutes while brushing teeth. Amplitudes and rates are typical
values from activity-recognition studies (wrist accelerations of about 0.1 g typing, 0.3-0.6 g
eating, 1-2 g brushing); none is fitted to a recording.

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
typing or brushing (the shared data has none): the spread is arm work's in general.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray

from .segments import Activity
from .shapes import BoolArray, minjerk, sin, within

deg = math.radians

HOLD_RISE_S = 1.2  # s to raise the hand into (or lower it out of) the held position
# Every cycle of a stroke's oscillation takes its own time and has its own size: both are the
# stroke's mean times a log-normal factor drawn per cycle with this spread (about +-30 %: real arm
# work's candidate intervals vary by 32-33 %, see the module docstring), independently from one
# cycle to the next, as each movement is aimed anew. Set from that figure, not fitted to a count.
CYCLE_SPREAD = 0.3
ARM_WORK = frozenset({Activity.EAT, Activity.TYPE, Activity.BRUSH})


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
    COUNT = 8


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
        start: FloatArray, duration: FloatArray, freq: FloatArray, rng: np.random.Generator
    ) -> Rhythm:
        """Cycle by cycle for strokes (start, duration, mean rate freq)."""
        ts: list[FloatArray] = []
        phases: list[FloatArray] = []
        rates: list[FloatArray] = []
        sizes: list[FloatArray] = []
        for t0, d, mean_hz in zip(start, duration, freq, strict=True):
            f = max(float(mean_hz), 1e-3)  # a stroke without oscillation: one long cycle
            n = int(d * f * 2.0) + 4  # enough cycles to pass the end even if all are long
            period = np.exp(rng.normal(0.0, CYCLE_SPREAD, n)) / f
            # Mean square 1: the stroke's swing stays its RMS size.
            size = np.exp(rng.normal(-(CYCLE_SPREAD**2), CYCLE_SPREAD, n))
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
        return Rhythm(
            t=np.concatenate(ts),
            phase=np.concatenate(phases),
            rate=np.concatenate(rates),
            size=np.concatenate(sizes),
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
        self.rows: list[tuple[float, float, float, FloatArray, FloatArray, float]] = []

    def add(
        self, duration: float, rise: float, offset: FloatArray, swing: FloatArray, freq: float
    ) -> bool:
        """Append a stroke at the cursor; False (and nothing added) if it would pass the end."""
        if self.t + duration > self.end:
            return False
        self.rows.append((self.t, duration, min(rise, duration / 2.0), offset, swing, freq))
        self.t += duration
        return True

    def wait(self, seconds: float) -> None:
        self.t += seconds

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
        start, duration, rise, offset, swing, freq = zip(*self.rows, strict=True)
        return Strokes(
            start=np.array(start),
            duration=np.array(duration),
            rise=np.array(rise),
            offset=np.array(offset),
            swing=np.array(swing),
            freq=np.array(freq),
            rhythm=Rhythm.draw(np.array(start), np.array(duration), np.array(freq), rng),
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
        hold = _vec(lean=deg(12.0), flex=deg(45.0), elbow=deg(85.0), roll=deg(30.0))
        while True:
            # Scrub one part of the mouth, then move on (or rinse) after a short pause.
            where = _vec(flex=rng.normal(0.0, deg(5.0)), roll=rng.normal(0.0, deg(25.0)))
            swing = _vec(
                flex=deg(rng.uniform(1.0, 2.0)),
                elbow=deg(rng.uniform(1.0, 3.0)),
                roll=deg(rng.uniform(5.0, 12.0)),
            )
            if not b.add(
                float(rng.uniform(8.0, 20.0)), 0.3, where, swing, float(rng.uniform(3.0, 5.0))
            ):
                break
            b.wait(float(rng.uniform(0.5, 3.0)))
    return ArmWork(hold=hold, strokes=b.build(rng))
