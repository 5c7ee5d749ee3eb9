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

from custom_components.retrowalk.gait.types import FloatArray, Placement

from .arms import ArmWork, Channel
from .body import Pose, foot_pose, knee_position, shank_pose, thigh_pose, trunk_pose, wrist_pose
from .shapes import BoolArray, bump, euler_zyx, minjerk, pulse_train, sin, sine_sums, within
from .span import Span
from .styles import ANKLE_HEIGHT, HALF_WIDTH, TOE_OUT, TRANSFER_LEAN, Posture

FADE_S = 1.0
BUSY_MARGIN_S = 0.2
BREATH_HZ = 0.25
BREATH_LEAN = math.radians(0.4)


@dataclass(frozen=True, slots=True, eq=False)
class Sway:
    """Slow postural sway of the pelvis: a few incommensurate sines per horizontal axis."""

    freq: FloatArray  # (k,) Hz
    phase: FloatArray  # (2, k)
    amp: FloatArray  # (2, k) m

    def __call__(self, t: FloatArray) -> FloatArray:
        """(2, n) horizontal offsets."""
        return sine_sums(t, self.freq, self.phase, self.amp)


@dataclass(frozen=True, slots=True, eq=False)
class Fidgets:
    """Non-overlapping smooth excursions: start times, durations and per-channel amplitudes."""

    start: FloatArray  # (m,)
    duration: FloatArray  # (m,)
    amp: FloatArray  # (m, Channel.COUNT)

    def __call__(self, t: FloatArray) -> FloatArray:
        """(Channel.COUNT, n) offsets at times t."""
        return pulse_train(t, self.start, self.duration, self.amp)


@dataclass(frozen=True, slots=True, eq=False)
class RestSpan(Span):
    """Sitting or standing, possibly starting with the transfer from the other posture."""

    posture: Posture
    previous: Posture | None  # posture being left at the start (None: no transfer)
    transfer_s: float
    sway: Sway
    fidgets: Fidgets
    work: ArmWork | None = None  # eating, typing, brushing teeth

    def _posture(self, t: FloatArray) -> FloatArray:
        """(7, n) Posture.vector() per instant, including the transfer and its forward lean."""
        target = self.posture.vector()
        if self.previous is None or self.transfer_s <= 0.0:
            return np.repeat(target[:, None], len(t), axis=1)
        s = (t - self.start) / self.transfer_s
        prev = self.previous.vector()
        out: FloatArray = prev[:, None] + np.outer(target - prev, minjerk(s))
        out[3] += TRANSFER_LEAN * bump(s)
        return out

    def _envelope(self, t: FloatArray) -> FloatArray:
        lo = self.start + self.transfer_s
        fade_in = minjerk((t - lo) / FADE_S)
        out: FloatArray = fade_in * (1.0 - minjerk((t - self.end + FADE_S) / FADE_S))
        return out

    def busy(self, t: FloatArray) -> BoolArray:
        """The transfer, fidgets and arm work (with a margin for the differences); not sway."""
        out = t < self.start + self.transfer_s + BUSY_MARGIN_S
        if self.work is not None:
            out |= self.work.busy(t, self.start + self.transfer_s, self.end, BUSY_MARGIN_S)
        out |= within(t, self.fidgets.start, self.fidgets.duration, BUSY_MARGIN_S)
        return out

    def pose(self, placement: Placement, t: FloatArray) -> Pose:
        """Sensor pose at times t."""
        n = len(t)
        zero = np.zeros(n)
        fid = self.fidgets(t)
        if self.work is not None:
            fid = fid + self.work(t, self.start + self.transfer_s, self.end)
        # The left foot stays flat on the floor, shuffling now and then.
        ankle = np.empty((3, n))
        ankle[0] = fid[Channel.FOOT_X]
        ankle[1] = HALF_WIDTH
        ankle[2] = ANKLE_HEIGHT + fid[Channel.FOOT_LIFT]
        if placement is Placement.FOOT:
            return foot_pose(ankle, euler_zyx(np.full(n, TOE_OUT), zero, zero))
        if placement is Placement.SHANK:
            return shank_pose(ankle, self._posture(t)[4], zero)
        pose = self._posture(t)
        env = self._envelope(t)
        sway = self.sway(t) * env
        pelvis = np.empty((3, n))
        pelvis[0] = pose[0] + sway[0] + fid[Channel.PELVIS_X]
        pelvis[1] = sway[1] + fid[Channel.PELVIS_Y]
        pelvis[2] = pose[1]
        breath = BREATH_LEAN * env * sin(2.0 * math.pi * np.mod(BREATH_HZ * t, 1.0))
        trunk = (zero, pose[3] + fid[Channel.LEAN] + breath, zero)
        if placement is Placement.THIGH:
            knee = knee_position(ankle, pose[4])
            return thigh_pose(pelvis, (zero, pose[2], zero), knee)
        if placement is not Placement.WRIST:
            return trunk_pose(placement, pelvis, (zero, pose[2], zero), trunk)
        flex = pose[5] + fid[Channel.ARM_FLEX]
        elbow = pose[6] + fid[Channel.ELBOW]
        return wrist_pose(
            pelvis, trunk, flex, elbow, fid[Channel.FOREARM_ROLL], fid[Channel.SWING_OUT]
        )
