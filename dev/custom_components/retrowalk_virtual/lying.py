"""Lying in bed: lying down, rolling over now and then, getting up again.

The body keeps a standing configuration (legs straight, trunk upright, arms by the sides; sway
and breathing included) and the whole of it is tipped onto its back about the standing pelvis,
lowered to bed height and turned about its long axis to roll onto a side. A span starts with
lying down from whatever posture came before (the inner rest span blends that posture to
straight while the body tips back) and ends standing upright beside the bed, so whatever follows
starts from a known pose.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray, Placement

from .body import Pose
from .rest import BUSY_MARGIN_S, RestSpan
from .shapes import BoolArray, euler_zyx, matmul, minjerk, rotate, within
from .span import Span
from .styles import STANDING

LIE_DOWN_S = 4.0  # from sitting on the edge of the bed (or standing) to lying on the back
GET_UP_S = 4.0
BED_DROP = 0.45  # m the pelvis ends up lower than standing
SUPINE = -math.pi / 2  # pitch of the upright body lying on its back (head towards -x)
ROLL_MEAN_GAP_S = 20.0 * 60.0  # people turn over a couple of dozen times a night
ROLL_S = (2.0, 4.0)
SIDES = (-math.pi / 2, 0.0, math.pi / 2)  # right side, back, left side
_PIVOT = np.array([STANDING.pelvis_x, 0.0, STANDING.pelvis_z])


@dataclass(frozen=True, slots=True, eq=False)
class Rolls:
    """Turns about the body's long axis: start, duration, angle before and after (radians)."""

    start: FloatArray
    duration: FloatArray
    before: FloatArray
    after: FloatArray

    def __call__(self, t: FloatArray) -> FloatArray:
        """The roll angle at the sorted times t."""
        if len(self.start) == 0:
            return np.zeros(len(t))
        i = np.searchsorted(self.start, t, side="right") - 1
        k = np.maximum(i, 0)
        s = minjerk((t - self.start[k]) / self.duration[k])
        out: FloatArray = np.where(
            i >= 0, self.before[k] + (self.after[k] - self.before[k]) * s, 0.0
        )
        return out

    def busy(self, t: FloatArray) -> BoolArray:
        """Which sorted times t fall within a roll (with the usual margin)."""
        return within(t, self.start, self.duration, BUSY_MARGIN_S)


def draw_rolls(start: float, end: float, rng: np.random.Generator) -> Rolls:
    """Turns at random times between start and end, ending on the back before `end`."""
    starts: list[float] = []
    durations: list[float] = []
    before: list[float] = []
    after: list[float] = []
    angle = 0.0
    t = start + float(rng.exponential(ROLL_MEAN_GAP_S))
    while True:
        duration = float(rng.uniform(*ROLL_S))
        if t + 2.0 * duration + 1.0 > end:  # leave room to roll onto the back again
            break
        target = float(rng.choice([a for a in SIDES if a != angle]))
        starts.append(t)
        durations.append(duration)
        before.append(angle)
        after.append(target)
        angle = target
        t += duration + float(rng.exponential(ROLL_MEAN_GAP_S))
    if angle != 0.0:  # the loop left room for a turn as long as the last one
        duration = durations[-1]
        starts.append(max(end - duration - 0.5, starts[-1] + duration))
        durations.append(duration)
        before.append(angle)
        after.append(0.0)
    return Rolls(
        start=np.array(starts),
        duration=np.array(durations),
        before=np.array(before),
        after=np.array(after),
    )


@dataclass(frozen=True, slots=True, eq=False)
class LyingSpan(Span):
    """Lying down, lying with turns, and getting up (see the module docstring)."""

    body: RestSpan  # the body standing straight (from the previous posture), without fidgets
    rolls: Rolls
    down_s: float
    up_s: float

    def _lying(self, t: FloatArray) -> FloatArray:
        """0 upright .. 1 lying flat."""
        out: FloatArray = minjerk((t - self.start) / self.down_s) * (
            1.0 - minjerk((t - self.end + self.up_s) / self.up_s)
        )
        return out

    def pose(self, placement: Placement, t: FloatArray) -> Pose:
        """Sensor pose at times t."""
        pos, rot = self.body.pose(placement, t)
        lying = self._lying(t)
        zero = np.zeros(len(t))
        # Roll about the upright body's long axis, then tip the body onto its back.
        turn = matmul(euler_zyx(zero, SUPINE * lying, zero), euler_zyx(self.rolls(t), zero, zero))
        out = rotate(turn, pos - _PIVOT[:, None]) + _PIVOT[:, None]
        out[2] -= BED_DROP * lying
        return out, matmul(turn, rot)

    def busy(self, t: FloatArray) -> BoolArray:
        """Lying down, getting up, the turns, and whatever the body does."""
        out: BoolArray = (
            (t < self.start + self.down_s + BUSY_MARGIN_S)
            | (t > self.end - self.up_s - BUSY_MARGIN_S)
            | self.rolls.busy(t)
            | self.body.busy(t)
        )
        return out
