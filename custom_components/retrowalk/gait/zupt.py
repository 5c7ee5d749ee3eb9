"""Stride displacement of a foot between two zero-velocity (stance) phases.

The foot is still at both ends of a stride, so integrating the gravity-free acceleration from one
stance to the next must give zero velocity; the residual is drift and is removed linearly (the
classic zero-velocity update). Orientation comes from integrating the gyro (strap-down) starting
from the tilt measured during the first stance; without a gyro the stance tilt is held, which leaks
gravity while the foot pitches and shortens the stride but keeps its direction usable.
"""

from __future__ import annotations

import numpy as np

from .types import STANDARD_GRAVITY as GRAVITY, FloatArray


def level_frame(specific_force: FloatArray, ref_axis: FloatArray) -> FloatArray:
    """Rows x, y, z of a frame with z up and x the horizontal projection of a sensor axis.

    The minimal rotation to the vertical is ill-defined when the sensor is upside down, so yaw is
    pinned to a fixed sensor axis instead; for a rigidly mounted sensor the frame is then the same
    at every stance and stride angles in it are comparable.
    """
    up = specific_force / np.linalg.norm(specific_force)
    x = ref_axis - float(np.dot(ref_axis, up)) * up
    x /= np.linalg.norm(x)
    y = np.cross(up, x)
    return np.stack((x, y, up))


def _qmul(p: FloatArray, q: FloatArray) -> FloatArray:
    pw, px, py, pz = p[:, 0], p[:, 1], p[:, 2], p[:, 3]
    qw, qx, qy, qz = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    return np.stack(
        (
            pw * qw - px * qx - py * qy - pz * qz,
            pw * qx + px * qw + py * qz - pz * qy,
            pw * qy - px * qz + py * qw + pz * qx,
            pw * qz + px * qy - py * qx + pz * qw,
        ),
        axis=1,
    )


def _prefix_product(q: FloatArray) -> FloatArray:
    # Hillis-Steele scan: log2(N) vectorised quaternion products instead of an N-step Python loop.
    out = q.copy()
    step = 1
    while step < len(out):
        out[step:] = _qmul(out[:-step], out[step:])
        step *= 2
    return out


def body_to_start(gyro: FloatArray, fs: float) -> FloatArray:
    """Orientation of every sample relative to the first, from the gyro.

    Quaternions (w, x, y, z) rotating body-frame vectors at each sample into the body frame of the
    first sample, integrating the gyro with a zero-order hold.
    """
    half = 0.5 / fs
    rate = np.sqrt(np.einsum("ij,ij->i", gyro, gyro))
    angle = rate * half
    scale = np.where(rate > 1e-12, np.sin(angle) / np.maximum(rate, 1e-12), half)
    dq = np.empty((len(gyro), 4))
    dq[0] = (1.0, 0.0, 0.0, 0.0)
    dq[1:, 0] = np.cos(angle[:-1])
    dq[1:, 1:] = gyro[:-1] * scale[:-1, None]
    return _prefix_product(dq)


def _cross(a: FloatArray, b: FloatArray) -> FloatArray:
    # np.cross spends most of its time validating axes on these small arrays.
    ax, ay, az = a[:, 0], a[:, 1], a[:, 2]
    bx, by, bz = b[:, 0], b[:, 1], b[:, 2]
    return np.stack((ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx), axis=1)


def rotate(q: FloatArray, v: FloatArray) -> FloatArray:
    """Vectors v (n, 3) turned by quaternions q (n, 4), row by row."""
    w = q[:, :1]
    u = q[:, 1:]
    t = 2.0 * _cross(u, v)
    rotated: FloatArray = v + w * t + _cross(u, t)
    return rotated


def stride_velocity(
    acc: FloatArray,
    gyro: FloatArray | None,
    fs: float,
    frame: FloatArray,
    ref_axis: FloatArray,
    *,
    rotation: FloatArray | None = None,
) -> tuple[FloatArray, float]:
    """Velocity at each sample of a stride and the turn of the sensor about the vertical.

    stride_drift's first two results; see there.
    """
    vel, turn, _ = stride_drift(acc, gyro, fs, frame, ref_axis, rotation=rotation)
    return vel, turn


def stride_drift(
    acc: FloatArray,
    gyro: FloatArray | None,
    fs: float,
    frame: FloatArray,
    ref_axis: FloatArray,
    *,
    rotation: FloatArray | None = None,
) -> tuple[FloatArray, float, FloatArray]:
    """Velocity at each sample of a stride, the sensor's turn, and the velocity's drift.

    Velocity (x, y, z) in `frame`, m/s, from the first to the last sample, both assumed still: the
    integrated acceleration with its end-point residual removed linearly, how far (rad) the
    sensor turned about the vertical meanwhile (0 without a gyro), and that residual (x, y, z,
    m/s): the velocity the integration ends with, which two real stances make small (the
    detector's drift test, foot.py).

    `frame` must have been built by level_frame(..., ref_axis), so ref_axis starts at yaw 0.
    `rotation` is body_to_start(gyro, fs) when the caller has it already: the foot detector
    integrates a stride's rotation once and uses it for the velocity, the stride's timing and
    the pivot correction (stride.py).
    """
    if gyro is None:
        body, turn = acc, 0.0
    else:
        q = body_to_start(gyro, fs) if rotation is None else rotation
        body = rotate(q, acc)
        end_axis = frame @ rotate(q[-1:], ref_axis[None, :])[0]
        turn = float(np.arctan2(end_axis[1], end_axis[0]))
    lin = body @ frame.T
    lin[:, 2] -= GRAVITY
    dt = 1.0 / fs
    vel = np.cumsum(lin, axis=0) * dt
    n = len(vel)
    drift = vel[-1].copy()
    vel -= np.outer(np.arange(1, n + 1) / n, drift)
    return vel, turn, drift


def displacement(vel: FloatArray, fs: float) -> FloatArray:
    """Displacement over stride_velocity's velocities (sampled at fs)."""
    disp: FloatArray = vel.sum(axis=0) * (1.0 / fs)
    return disp


def displacement_into_stance(
    acc: FloatArray,
    gyro: FloatArray | None,
    fs: float,
    frame: FloatArray,
) -> FloatArray:
    """Displacement (x, y, z in `frame`) from the first sample to the last, only the last still.

    For a swing whose start was not seen (the data began mid-stride): integrated backwards from
    the stance it ends in, whose velocity is zero and whose tilt `frame` gives. Time reversal
    leaves acceleration unchanged and negates the rotation rate, so the same strap-down
    integration runs on the reversed signal; no drift correction is possible with one still end.
    """
    back = acc[::-1]
    if gyro is not None:
        back = rotate(body_to_start(-gyro[::-1], fs), back)
    lin = back @ frame.T
    lin[:, 2] -= GRAVITY
    dt = 1.0 / fs
    disp: FloatArray = -(np.cumsum(lin, axis=0) * dt).sum(axis=0) * dt
    return disp
