"""Sitting and standing: a posture, the transfer between postures, sway and small fidgets.

Nobody is perfectly still: standing bodies sway a few millimetres, breathing moves the chest,
hands gesture and feet shuffle now and then. None of that is a step; it is here so the engine is
measured on a wearer who is alive. Everything fades to the plain posture at the span's ends so a
walking bout can start from (and end in) a known, motionless pose.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from ..gait.types import Direction
from .body import Arm, Leg, Trunk
from .segments import Segment
from .shapes import FloatArray, bump, euler_zyx, minjerk
from .styles import ANKLE_HEIGHT, HALF_WIDTH, TOE_OUT, TRANSFER_LEAN, Posture

FADE_S = 1.0
BREATH_HZ = 0.25
BREATH_LEAN = math.radians(0.4)


class Channel:
    """Columns of a fidget's amplitude vector."""

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
class Sway:
    """Slow postural sway of the pelvis: a few incommensurate sines per horizontal axis."""

    freq: FloatArray  # (k,) Hz
    phase: FloatArray  # (2, k)
    amp: FloatArray  # (2, k) m

    def __call__(self, t: FloatArray) -> FloatArray:
        """(n, 2) horizontal offsets."""
        arg = 2.0 * math.pi * np.outer(t, self.freq)
        return np.stack([np.sin(arg + self.phase[i]) @ self.amp[i] for i in range(2)], axis=1)


@dataclass(frozen=True, slots=True, eq=False)
class Fidgets:
    """Non-overlapping smooth excursions: start times, durations and per-channel amplitudes."""

    start: FloatArray  # (m,)
    duration: FloatArray  # (m,)
    amp: FloatArray  # (m, Channel.COUNT)

    def __call__(self, t: FloatArray) -> FloatArray:
        """(n, Channel.COUNT) offsets at times t."""
        if len(self.start) == 0:
            return np.zeros((len(t), Channel.COUNT))
        i = np.searchsorted(self.start, t, side="right") - 1
        valid = i >= 0
        i = np.maximum(i, 0)
        s = (t - self.start[i]) / self.duration[i]
        weight = np.where(valid, bump(s), 0.0)
        out: FloatArray = self.amp[i] * weight[:, None]
        return out


@dataclass(frozen=True, slots=True, eq=False)
class RestSpan:
    """Sitting or standing, possibly starting with the transfer from the other posture."""

    start: float
    end: float
    segment: Segment
    steps: tuple[tuple[float, Direction], ...]
    posture: Posture
    previous: Posture | None  # posture being left at the start (None: no transfer)
    transfer_s: float
    sway: Sway
    fidgets: Fidgets

    def _posture(self, t: FloatArray) -> FloatArray:
        """(n, 7) Posture.vector() per instant, including the transfer and its forward lean."""
        target = self.posture.vector()
        if self.previous is None or self.transfer_s <= 0.0:
            return np.broadcast_to(target, (len(t), len(target))).copy()
        s = (t - self.start) / self.transfer_s
        prev = self.previous.vector()
        out: FloatArray = prev + np.outer(minjerk(s), target - prev)
        out[:, 3] += TRANSFER_LEAN * bump(s)
        return out

    def _envelope(self, t: FloatArray) -> FloatArray:
        lo = self.start + self.transfer_s
        fade_in = minjerk((t - lo) / FADE_S)
        out: FloatArray = fade_in * (1.0 - minjerk((t - self.end + FADE_S) / FADE_S))
        return out

    def leg(self, t: FloatArray) -> Leg:
        """Left foot flat on the floor (shuffling now and then), shank per posture."""
        n = len(t)
        fid = self.fidgets(t)
        ankle = np.empty((n, 3))
        ankle[:, 0] = fid[:, Channel.FOOT_X]
        ankle[:, 1] = HALF_WIDTH
        ankle[:, 2] = ANKLE_HEIGHT + fid[:, Channel.FOOT_LIFT]
        foot = euler_zyx(np.full(n, TOE_OUT), np.zeros(n), np.zeros(n))
        return Leg(ankle=ankle, foot=foot, shank=self._posture(t)[:, 4], shank_roll=np.zeros(n))

    def trunk(self, t: FloatArray) -> Trunk:
        """Pelvis over (or behind, sitting) the feet, swaying; trunk breathing."""
        n = len(t)
        pose = self._posture(t)
        env = self._envelope(t)
        fid = self.fidgets(t)
        sway = self.sway(t) * env[:, None]
        pelvis = np.empty((n, 3))
        pelvis[:, 0] = pose[:, 0] + sway[:, 0] + fid[:, Channel.PELVIS_X]
        pelvis[:, 1] = sway[:, 1] + fid[:, Channel.PELVIS_Y]
        pelvis[:, 2] = pose[:, 1]
        zero = np.zeros(n)
        breath = BREATH_LEAN * env * np.sin(2.0 * math.pi * BREATH_HZ * t)
        lean = pose[:, 3] + fid[:, Channel.LEAN] + breath
        return Trunk(
            pelvis=pelvis,
            pelvis_angles=(zero, pose[:, 2], zero),
            trunk_angles=(zero, lean, zero),
        )

    def arm(self, t: FloatArray, trunk: Trunk) -> Arm:
        """Left arm at rest, with gestures."""
        del trunk
        pose = self._posture(t)
        fid = self.fidgets(t)
        return Arm(
            flex=pose[:, 5] + fid[:, Channel.ARM_FLEX],
            elbow=pose[:, 6] + fid[:, Channel.ELBOW],
            roll=fid[:, Channel.FOREARM_ROLL],
        )
