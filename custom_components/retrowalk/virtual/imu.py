"""What an IMU strapped to a moving body segment measures.

The accelerometer measures specific force, f = R^T (a - g) with g = (0, 0, -9.80665) in the world
frame, so a sensor at rest reads +9.81 m/s^2 along world-up expressed in its own frame. The
gyroscope measures the segment's angular velocity in its own frame. Both are computed from the
pose functions by central differences over a step much shorter than the sample period (the
poses are smooth, so this is accurate to ~1e-3 m/s^2), then rotated by the mounting (sensor <-
segment) and given white noise, a constant accelerometer offset and a slowly wandering gyro bias.
"""

from __future__ import annotations

import math

import numpy as np

from ..gait.types import Placement
from .body import Span, sensor_pose
from .shapes import FloatArray

GRAVITY = 9.80665
DIFF_STEP = 1e-3  # s
ACC_NOISE = 0.03  # m/s^2, white noise SD per sample
GYRO_NOISE = 0.004  # rad/s
ACC_OFFSET = 0.02  # m/s^2, SD of the per-axis offset (fixed per device)
GYRO_OFFSET = 0.002  # rad/s, SD of the per-axis bias at switch-on
GYRO_WANDER = 0.0015  # rad/s, SD of the bias' slow wandering
WANDER_PERIOD_S = (300.0, 3000.0)


def kinematics(span: Span, placement: Placement, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Noise-free specific force and angular velocity (n, 3) in the segment frame."""
    n = len(t)
    h = DIFF_STEP
    pos, rot = sensor_pose(span, placement, np.concatenate((t - h, t, t + h)))
    acc = (pos[2 * n :] - 2.0 * pos[n : 2 * n] + pos[:n]) / (h * h)
    acc[:, 2] += GRAVITY
    r0 = rot[n : 2 * n]
    force: FloatArray = np.einsum("nji,nj->ni", r0, acc)
    # R^T dR/dt is the skew matrix of the body-frame angular velocity.
    s = np.einsum("nki,nkj->nij", r0, rot[2 * n :] - rot[:n]) / (2.0 * h)
    gyro = 0.5 * np.stack(
        (s[:, 2, 1] - s[:, 1, 2], s[:, 0, 2] - s[:, 2, 0], s[:, 1, 0] - s[:, 0, 1]), axis=1
    )
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
        """(n, 3) gyro bias at times t."""
        arg = 2.0 * math.pi * t[:, None, None] * self._freq + self._phase
        out: FloatArray = self.gyro_offset + (np.sin(arg) * self._wander).sum(axis=2)
        return out

    def apply(
        self, block: int, t: FloatArray, acc: FloatArray, gyro: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Measured (acc, gyro) from true ones in the sensor frame, for render block `block`."""
        rng = np.random.default_rng([self._seed, 0x2B8, block])
        noise = rng.standard_normal((len(t), 6))
        acc_out: FloatArray = acc + self.acc_offset + ACC_NOISE * noise[:, :3]
        gyro_out: FloatArray = gyro + self.gyro_bias(t) + GYRO_NOISE * noise[:, 3:]
        return acc_out, gyro_out
