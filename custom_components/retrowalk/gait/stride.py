"""Stride length and walking speed of the instrumented foot, from its stride displacement.

The foot detector integrates each stride between two zero-velocity (stance) phases (zupt.py); the
horizontal part of that displacement is how far the foot, and so the walker, moved during one gait
cycle: the stride length. Walking speed is that length over the stride time, one gait cycle of
the same foot (StrideClock), timed from the moment the foot (or shank) had covered half of each
stride (mid_swing, swing_time). The first stride after standing has no previous stride within a
gait cycle, so it gets a length but no speed.

The stance ends are not quite still. The detector calls a sample still below a rotation rate
(1 rad/s at the foot, 1.5 at the shank), and at those moments the segment is rolling over a
pivot: the heel as the foot lands, the toes as it pushes off, the ankle while the shank turns
over the flat foot. A sensor a height h above the pivot then moves horizontally at omega * h
(omega x r with r = h * up; the pivot's horizontal offset only gives vertical speed). The
zero-velocity update forces the velocity to zero at both ends, so the integrated path misses
T * (v_start + v_end) / 2 (linear drift correction between known end velocities adds exactly that),
and always on the short side, because the segment rotates in the walking direction at both ends.
Were the end velocities zero, the displacement of any point of a rigid segment between the same
phase of two gait cycles would be the stride length; so the shift is put back from the gyro at
each end with a fixed height per placement (LEVER_M).

- Foot: an instep sensor sits about 0.07 m above the ground (Bandai's instep site: 0.08 m); at
  up to 1 rad/s that is up to 0.07 m/s, a few centimetres per stride (Bandai: lengths 3.5 % short
  without it).
- Shank: the shank keeps turning over the planted foot at 1-1.7 rad/s; for a strap 0.10 m above
  an ankle joint 0.09 m above the ground the height is 0.10 m over the ankle and 0.19 m over
  the heel or toes. Without the correction Bandai shank strides come out 10-18 % short;
  the displacement of the shank between stances is no stride estimate on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from .types import FloatArray, Placement
from .zupt import body_to_start

# The longest gait cycle (one foot's landing to its next) still taken as one stride: slow backward
# walking is about 1.5-2 s per stride, so a longer "stride" is two movements with a pause between
# them, and the earlier landing belongs to an earlier walk. One limit for every stride rule: the
# foot detector's longest swing (foot_thresholds), landings that time a stride (foot, here: no
# speed beyond it), the rhythm at a walk's edges (edges) and the foot's walking gate (gate).
MAX_STRIDE_TIME_S = 2.5
# Sensor height above the pivot at the stance ends (see above), m. The shank's 0.15 lies between
# its height over the ankle (0.10) and over the ground (0.19); set before any stride was measured.
# A misplaced sensor errs by (h_true - h) * omega * T: about 0.05 m per 0.05 m of height.
LEVER_M = {Placement.FOOT: 0.07, Placement.SHANK: 0.15}


class StrideClock:
    """Stride times of the instrumented foot, from mid-swing to mid-swing (mid_swing).

    The stance test's boundaries are thresholds on slowly varying signals: in slow walking the
    first still sample wanders by a tenth of a second or more from stride to stride, so landing to
    landing intervals are noisy (per-stride speed p95 about 20 % on the UCI tuning session). The
    mid-swing is the moment the segment had covered half its stride (mid_swing), which those
    thresholds barely move; mid-swing to mid-swing is one gait cycle.
    """

    def __init__(self) -> None:
        self._last: float | None = None
        self._pending: float | None = None  # the mid-swing before the last, for reland()

    def clear(self) -> None:
        """Forget the last stride (a gap: the next stride starts a new walk)."""
        self._last = self._pending = None

    def land(self, mid_swing: float) -> float | None:
        """A stride whose swing was centred at `mid_swing`; its stride time, None after a pause."""
        prev, self._pending, self._last = self._last, self._last, mid_swing
        if prev is None or not 0.0 < mid_swing - prev <= MAX_STRIDE_TIME_S:
            return None
        return mid_swing - prev

    def reland(self, mid_swing: float) -> float | None:
        """The last stride's swing really ended later (a glide): time it again."""
        self._last = self._pending
        return self.land(mid_swing)


@dataclass(frozen=True, slots=True)
class StrideMeasure:
    """Length (m) and speed (m/s, None without a stride time) of one stride."""

    length_m: float
    speed_m_s: float | None


def _quat_matrix(q: FloatArray) -> FloatArray:
    w, x, y, z = (float(v) for v in q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )


def pivot_velocities(
    gyro: FloatArray,
    fs: float,
    frame: FloatArray,
    lever_m: float,
    *,
    rotation: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Horizontal (x, y) sensor velocity at a stride's first and last sample, from the pivot.

    `gyro` is the stride's rotation rate (body frame, rad/s) from the last stance sample to the
    first of the next stance; `frame` the level frame of the first sample (zupt.level_frame).
    The sensor sits `lever_m` above the pivot, taken as straight up (a shank within 30 degrees
    of vertical keeps at least cos 30 = 0.87 of the horizontal speed). `rotation` is
    zupt.body_to_start(gyro, fs) when the caller has it already (the foot detector integrates
    each stride's rotation once, for its velocity, its timing and this).
    """
    if rotation is None:
        rotation = body_to_start(gyro, fs)
    # Rotation of the last sample's body frame into the first's, then into the level frame.
    end = _quat_matrix(rotation[-1])
    w_a = frame @ gyro[0]
    w_b = frame @ (end @ gyro[-1])
    # omega x (h * up) = h * (w_y, -w_x, 0) in the level frame.
    v_a: FloatArray = lever_m * np.array([w_a[1], -w_a[0]])
    v_b: FloatArray = lever_m * np.array([w_b[1], -w_b[0]])
    return v_a, v_b


def pivot_shift(
    gyro: FloatArray,
    fs: float,
    frame: FloatArray,
    lever_m: float,
    *,
    rotation: FloatArray | None = None,
    pivots: tuple[FloatArray, FloatArray] | None = None,
) -> FloatArray:
    """Horizontal (x, y) displacement the zero-velocity update missed at the stance ends.

    Arguments as for pivot_velocities. The update removed a linear ramp between the two end
    velocities, so over the stride's time it missed their mean.
    """
    if pivots is None:
        pivots = pivot_velocities(gyro, fs, frame, lever_m, rotation=rotation)
    v_a, v_b = pivots
    shift: FloatArray = ((len(gyro) - 1) / fs) * 0.5 * (v_a + v_b)
    return shift


def measure(
    placement: Placement,
    disp: FloatArray,
    gyro: FloatArray,
    fs: float,
    frame: FloatArray,
    stride_time: float | None,
    *,
    rotation: FloatArray | None = None,
    pivots: tuple[FloatArray, FloatArray] | None = None,
) -> StrideMeasure:
    """Length and speed of one stride of the instrumented foot (needs the gyro).

    `disp` is zupt.displacement of stride_velocity's velocities for the stride, in `frame`;
    `stride_time` from StrideClock (None after a pause or a gap); `rotation` as for
    pivot_velocities.
    """
    shift = pivot_shift(gyro, fs, frame, LEVER_M[placement], rotation=rotation, pivots=pivots)
    length = math.hypot(float(disp[0] + shift[0]), float(disp[1] + shift[1]))
    speed = None if stride_time is None else length / stride_time
    return StrideMeasure(length_m=length, speed_m_s=speed)


def mid_swing(
    placement: Placement,
    t: FloatArray,
    vel: FloatArray,
    gyro: FloatArray,
    fs: float,
    frame: FloatArray,
    *,
    rotation: FloatArray | None = None,
    pivots: tuple[FloatArray, FloatArray] | None = None,
) -> float:
    """The time StrideClock times a stride of `placement` by: its mid-displacement (swing_time).

    `t` and `vel` as for swing_time, `gyro` and `frame` as for pivot_velocities. Where the stance
    test cuts a stride barely moves that moment, so every stride is timed by the same event
    whether its window starts at the last still sample (detection) or, at the shank, at the
    stance's quietest sample (a stride integrated on through a glide); a window's middle moves
    by half of whatever a cut adds (the rule before, at the shank). At the shank the
    zero-velocity update also took out the sensor's speed over its pivot at both ends (0.15-0.3
    m/s at the strap, see the top) as a linear ramp; measure() puts that displacement back, and
    so, here, does the velocity, before the stride is halved. At the foot the pivot speed (up
    to 0.07 m/s) is small next to the swing's and is left out. Bandai ankle strap (tuned-on),
    speed p95 walk / walk-back: window middle 14.3 / 11.3 %, mid-displacement 10.1 / 10.5 %,
    with the pivot speed 9.1 / 10.2 % (docs/stride.md).

    `rotation` as for pivot_velocities.
    """
    if placement is Placement.FOOT:
        return swing_time(t, vel)
    if pivots is None:
        pivots = pivot_velocities(gyro, fs, frame, LEVER_M[placement], rotation=rotation)
    v_a, v_b = pivots
    ramp = np.linspace(0.0, 1.0, len(vel))[:, None]
    moved = vel[:, :2] + (1.0 - ramp) * v_a + ramp * v_b
    return swing_time(t, moved)


def swing_time(t: FloatArray, vel: FloatArray) -> float:
    """The moment the foot had covered half its stride: the stride's mid-swing (StrideClock).

    `vel` is zupt.stride_velocity's result for one stride, from its last still sample to the
    first still sample of the next stance, and `t` their times. Where the stance test cut the
    stride barely moves this time: slow rolling or creeping at either end carries little
    displacement, where it moves the window's middle by half its duration.
    """
    horiz = vel[:, :2]
    total = horiz.sum(axis=0)
    norm = math.hypot(float(total[0]), float(total[1]))
    if norm == 0.0:
        return 0.5 * float(t[0] + t[-1])  # no displacement to halve: the middle of the window
    # Distance along the stride's direction, in units of one sample time.
    along = np.cumsum(horiz @ (total / norm))
    half = 0.5 * float(along[-1])
    k = int(np.argmax(along >= half))
    if k == 0:
        return float(t[0])
    lo, hi = float(along[k - 1]), float(along[k])
    return float(t[k - 1]) + (half - lo) / (hi - lo) * float(t[k] - t[k - 1])
