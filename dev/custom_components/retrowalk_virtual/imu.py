"""What an IMU strapped to a moving body segment measures.

The accelerometer measures specific force, f = R^T (a - g) with g = (0, 0, -9.80665) in the world
frame, so a sensor at rest reads +9.81 m/s^2 along world-up expressed in its own frame. The
gyroscope measures the segment's angular velocity in its own frame. Both come from the pose
functions by central differences on a grid of at least 100 Hz (see kinematics), are rotated by
the mounting (sensor <- segment) and get white noise, a constant accelerometer offset and a
slowly wandering gyro bias.
"""

from __future__ import annotations

import math

import numpy as np

from custom_components.retrowalk.gait.types import (
    STANDARD_GRAVITY as GRAVITY,
    FloatArray,
    Placement,
)

from .span import Span

DIFF_STEP = 1e-3  # s
ACC_NOISE = 0.03  # m/s^2, white noise SD per sample
GYRO_NOISE = 0.004  # rad/s
ACC_OFFSET = 0.02  # m/s^2, SD of the per-axis offset (fixed per device)
GYRO_OFFSET = 0.002  # rad/s, SD of the per-axis bias at switch-on
GYRO_WANDER = 0.0015  # rad/s, SD of the bias' slow wandering
WANDER_PERIOD_S = (300.0, 3000.0)
QUIET_STEP_S = 0.08


def kinematics(
    span: Span, placement: Placement, t0: float, step: float, n: int
) -> tuple[FloatArray, FloatArray]:
    """Noise-free specific force and angular velocity (3, n) in the segment frame.

    At times t0 + k * step, k = 0..n-1, by central differences over `step`: the second difference
    of position is the true acceleration averaged over a triangular window of +-step, which is
    what a sensor's anti-alias filter does too, and it integrates back exactly to the positions.
    """
    h = step
    tt = t0 + h * np.arange(-1, n + 1, dtype=np.float64)  # one sample either side
    pos, rot = span.pose(placement, tt)
    acc = (pos[:, 2:] - 2.0 * pos[:, 1:-1] + pos[:, :-2]) / (h * h)
    carried = span.carried(placement, tt[1:-1])
    if carried is not None:  # the vehicle's own acceleration (span.carried)
        acc += carried
    acc[2] += GRAVITY
    r0 = rot[:, :, 1:-1]
    force = np.stack([r0[0, i] * acc[0] + r0[1, i] * acc[1] + r0[2, i] * acc[2] for i in range(3)])
    # R^T dR/dt is the skew matrix of the body-frame angular velocity; only its off-diagonal
    # entries are needed.
    d = (rot[:, :, 2:] - rot[:, :, :-2]) / (2.0 * h)

    def s(i: int, j: int) -> FloatArray:
        out: FloatArray = r0[0, i] * d[0, j] + r0[1, i] * d[1, j] + r0[2, i] * d[2, j]
        return out

    gyro = 0.5 * np.stack((s(2, 1) - s(1, 2), s(0, 2) - s(2, 0), s(1, 0) - s(0, 1)))
    return force, gyro


def render(
    span: Span, placement: Placement, t0: float, dt: float, n: int, oversample: int
) -> tuple[FloatArray, FloatArray]:
    """Noise-free (force, gyro) (3, n) at t0 + k * dt, cheaply where the body barely moves.

    Where the span says nothing but slow sway and breathing is going on, the kinematics are
    evaluated every QUIET_STEP_S or so and interpolated: the signals there are sub-hertz and tiny,
    so this changes them by far less than the sensor's noise, and it makes a day of mostly sitting
    cheap. Elsewhere they are computed on a grid `oversample` times finer than dt.
    """
    t = t0 + dt * np.arange(n, dtype=np.float64)
    busy = span.busy(t)
    force = np.empty((3, n))
    gyro = np.empty((3, n))
    coarse = max(1, int(QUIET_STEP_S / dt))
    edges = np.flatnonzero(np.diff(busy)) + 1
    for a, b in zip([0, *edges.tolist()], [*edges.tolist(), n], strict=True):
        if busy[a] or coarse == 1:
            m = oversample
            f, w = kinematics(span, placement, float(t[a]), dt / m, (b - a - 1) * m + 1)
            force[:, a:b] = f[:, ::m]
            gyro[:, a:b] = w[:, ::m]
            continue
        points = -(-(b - a - 1) // coarse) + 1
        f, w = kinematics(span, placement, float(t[a]), dt * coarse, points)
        at = np.arange(b - a) / coarse
        grid = np.arange(points, dtype=np.float64)
        for i in range(3):
            force[i, a:b] = np.interp(at, grid, f[i])
            gyro[i, a:b] = np.interp(at, grid, w[i])
    return force, gyro


class SensorErrors:
    """One device's imperfections; noise is drawn per render block so output is chunk-invariant."""

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng([seed % 2**63, 0x1A7])
        self._seed = seed % 2**63
        self.acc_offset = rng.normal(0.0, ACC_OFFSET, 3)
        self.gyro_offset = rng.normal(0.0, GYRO_OFFSET, 3)
        self._freq = 1.0 / rng.uniform(*WANDER_PERIOD_S, size=(3, 2))
        self._phase = rng.uniform(0.0, 2.0 * math.pi, size=(3, 2))
        self._wander = rng.normal(0.0, GYRO_WANDER / math.sqrt(2.0), size=(3, 2))

    def gyro_bias(self, t: FloatArray) -> FloatArray:
        """(3, n) gyro bias at times t."""
        arg = 2.0 * math.pi * self._freq[:, :, None] * t + self._phase[:, :, None]
        out: FloatArray = self.gyro_offset[:, None] + (np.sin(arg) * self._wander[:, :, None]).sum(
            axis=1
        )
        return out

    def apply(
        self, block: int, t: FloatArray, acc: FloatArray, gyro: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Measured (acc, gyro) (3, n) from true ones in the sensor frame, for render `block`."""
        rng = np.random.default_rng([self._seed, 0x2B8, block])
        noise = rng.standard_normal((6, len(t)))
        acc_out: FloatArray = acc + self.acc_offset[:, None] + ACC_NOISE * noise[:3]
        # The bias wanders over minutes: a straight line across a block is smooth enough.
        ends = self.gyro_bias(np.array([t[0], t[-1]]))
        ramp = np.linspace(0.0, 1.0, len(t))
        bias = ends[:, :1] + (ends[:, 1:] - ends[:, :1]) * ramp
        gyro_out: FloatArray = gyro + bias + GYRO_NOISE * noise[3:]
        return acc_out, gyro_out
