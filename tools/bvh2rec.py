"""Synthesise the IMU signals a body-worn sensor would record, from a Bandai Namco BVH clip.

Usage::

    python -m tools.bvh2rec IN.bvh --location waist -o OUT.csv [--rate 100] [--side L]
        [--offset X,Y,Z]   (cm, in the segment frame; e.g. 0,0,12 = a belt clip at the front)

Method (see docs/bvh_synthesis.md for the reasoning and limits):

1. Forward kinematics (tools/bvh.py) gives, at the 30 fps frames, the world position of the
   sensor point (a fixed point on one segment, e.g. the middle of the foot) and the segment's
   orientation (a rotation from segment to world; world is Y-up, metres).
2. The position is interpolated with a natural cubic spline per axis; the spline's analytic second
   derivative is the linear acceleration at the output rate. Its second derivative is piecewise
   linear between frames, so the synthetic acceleration carries nothing above the 15 Hz Nyquist
   limit of the capture and is attenuated well before it (heel-strike transients, which reach tens
   of Hz in real IMUs, are smoothed away).
3. The orientation is converted to quaternions made sign-continuous, each component is
   interpolated with the same spline and renormalised (a smooth stand-in for squad); the angular
   rate in the segment frame is ``omega = 2 vec(conj(q) * dq/dt) / |q|^2`` from the spline's
   analytic derivative, so a constant rotation yields a constant rate.
4. Specific force, what an accelerometer measures, is ``R^T (a - g)`` with ``g = (0, -9.81, 0)``:
   a sensor at rest reads +9.81 m/s^2 along the segment axis that points up.

The sensor axes are the segment's BVH axes, which are arbitrary for a wearable: the gait engine
must not assume them. Output CSV: header ``t,ax,ay,az,gx,gy,gz``; t in s from 0; m/s^2; rad/s.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
import sys

import numpy as np
import numpy.typing as npt

from tools import bvh

G = 9.81
LOCATIONS = ("foot", "shank", "thigh", "waist", "chest", "wrist")


@dataclass(frozen=True)
class Site:
    """Where a sensor sits: the segment carrying it and a point between two joints."""

    segment: str
    towards: str | None  # the sensor lies on the line from ``segment`` to this joint
    fraction: float
    offset_cm: tuple[float, float, float] = (0.0, 0.0, 0.0)  # then this far, segment frame


def site_for(location: str, side: str = "L") -> Site:
    """Sensor site for a body location; ``side`` is ``L`` or ``R`` for limbs."""
    s = side.upper()
    sites = {
        "foot": Site(f"Foot_{s}", f"Toes_{s}", 0.5),  # on the instep
        "shank": Site(f"LowerLeg_{s}", f"Foot_{s}", 0.5),
        # A phone in a front trouser pocket: a third of the way down the thigh, on its front
        # (the thigh's frame: +x down the bone, +z anterior; walk_normal_001 standing).
        "thigh": Site(f"UpperLeg_{s}", f"LowerLeg_{s}", 0.3, (0.0, 0.0, 8.0)),
        "waist": Site("Hips", None, 0.0),  # pelvis, as a belt clip or a pocket near it
        "chest": Site("Chest", "Neck", 0.5),
        "wrist": Site(f"LowerArm_{s}", f"Hand_{s}", 1.0),  # a watch rides on the forearm
    }
    if location not in sites:
        raise ValueError(f"unknown location {location!r}; choose from {', '.join(LOCATIONS)}")
    return sites[location]


def _spline_second_derivatives(y: npt.NDArray[np.float64], h: float) -> npt.NDArray[np.float64]:
    """Knot second derivatives of the natural cubic spline through uniform samples ``y`` (n, d)."""
    n = y.shape[0]
    m = np.zeros_like(y)
    if n < 3:
        return m
    k = n - 2
    a = 4.0 * np.eye(k) + np.eye(k, k=1) + np.eye(k, k=-1)
    rhs = 6.0 / h**2 * (y[2:] - 2.0 * y[1:-1] + y[:-2])
    m[1:-1] = np.linalg.solve(a, rhs)
    return m


def spline_eval(
    y: npt.NDArray[np.float64], h: float, t: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Value, first and second derivative at ``t`` of the natural spline through ``y`` (n, d).

    Knots are at ``0, h, 2h, ...``; ``t`` must lie within them.
    """
    m = _spline_second_derivatives(y, h)
    n = y.shape[0]
    i = np.clip(np.floor(t / h).astype(np.int64), 0, n - 2)
    a = ((i + 1) * h - t)[:, None]  # distance to the right knot
    b = (t - i * h)[:, None]  # distance from the left knot
    mi, mj, yi, yj = m[i], m[i + 1], y[i], y[i + 1]
    ci = yi / h - mi * h / 6.0
    cj = yj / h - mj * h / 6.0
    val = mi * a**3 / (6 * h) + mj * b**3 / (6 * h) + ci * a + cj * b
    der = -mi * a**2 / (2 * h) + mj * b**2 / (2 * h) - ci + cj
    acc = mi * a / h + mj * b / h
    return val, der, acc


def quat_from_matrix(r: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Unit quaternions (w, x, y, z) of rotation matrices (n, 3, 3), sign-continuous in time."""
    n = r.shape[0]
    q = np.empty((n, 4))
    tr = np.trace(r, axis1=1, axis2=2)
    # Shepperd: build from the largest of w, x, y, z to stay well conditioned.
    cand = np.stack([tr, r[:, 0, 0], r[:, 1, 1], r[:, 2, 2]], axis=1)
    best = np.argmax(cand, axis=1)
    for k in range(4):
        sel = best == k
        if not np.any(sel):
            continue
        rs = r[sel]
        if k == 0:
            s = np.sqrt(1.0 + tr[sel]) * 2
            q[sel] = np.stack(
                [
                    0.25 * s,
                    (rs[:, 2, 1] - rs[:, 1, 2]) / s,
                    (rs[:, 0, 2] - rs[:, 2, 0]) / s,
                    (rs[:, 1, 0] - rs[:, 0, 1]) / s,
                ],
                axis=1,
            )
        else:
            i = k - 1
            j, k2 = (i + 1) % 3, (i + 2) % 3
            s = np.sqrt(1.0 + rs[:, i, i] - rs[:, j, j] - rs[:, k2, k2]) * 2
            out = np.empty((rs.shape[0], 4))
            out[:, 0] = (rs[:, k2, j] - rs[:, j, k2]) / s
            out[:, 1 + i] = 0.25 * s
            out[:, 1 + j] = (rs[:, j, i] + rs[:, i, j]) / s
            out[:, 1 + k2] = (rs[:, k2, i] + rs[:, i, k2]) / s
            q[sel] = out
    # q and -q are the same rotation; interpolation needs the nearer of the two each frame.
    flips = np.cumsum(np.einsum("ij,ij->i", q[1:], q[:-1]) < 0) % 2
    q[1:][flips == 1] *= -1.0
    return q


def matrix_from_quat(q: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Rotation matrices (n, 3, 3) of unit quaternions (n, 4) in (w, x, y, z) order."""
    w, x, y, z = q.T
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
            np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
            np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
        ],
        axis=1,
    )


def body_rate(q: npt.NDArray[np.float64], dq: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Angular velocity in the body frame from a (not necessarily unit) quaternion and its rate."""
    w, x, y, z = q.T
    dw, dx, dy, dz = dq.T
    # Vector part of conj(q) * dq; the radial (norm-changing) part of dq drops out of it.
    vx = w * dx - x * dw - y * dz + z * dy
    vy = w * dy + x * dz - y * dw - z * dx
    vz = w * dz - x * dy + y * dx - z * dw
    rate = 2.0 * np.stack([vx, vy, vz], axis=1) / np.sum(q * q, axis=1)[:, None]
    return np.asarray(rate, dtype=np.float64)


def synthesise(
    motion: bvh.Motion,
    location: str,
    rate: float = 100.0,
    side: str = "L",
    offset_cm: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return ``t`` (n,), specific force (n, 3) m/s^2 and angular rate (n, 3) rad/s.

    ``offset_cm`` moves the sensor from the site (and the site's own offset) by a fixed vector in
    the segment's frame (for the Bandai pelvis: +x up the spine, +z anterior, -y to the wearer's
    left).
    """
    if rate <= 0:
        raise ValueError("rate must be positive")
    site = site_for(location, side)
    pos, rot = bvh.forward_kinematics(motion)
    seg = motion.index(site.segment)
    r_seg = rot[:, seg]
    point = pos[:, seg].copy()
    if site.towards is not None:
        child = motion.index(site.towards)
        point += site.fraction * (pos[:, child] - pos[:, seg])
    offset = np.add(site.offset_cm, offset_cm) / 100.0
    point += np.einsum("nij,j->ni", r_seg, offset)
    h = motion.frame_time
    if motion.n_frames < 3:
        raise ValueError("clip too short to differentiate (needs 3 frames)")
    duration = (motion.n_frames - 1) * h
    t = np.arange(0.0, duration + 1e-9, 1.0 / rate, dtype=np.float64)
    _, _, acc_world = spline_eval(point, h, t)
    q_knots = quat_from_matrix(r_seg)
    q, dq, _ = spline_eval(q_knots, h, t)
    gyro = body_rate(q, dq)
    r_t = matrix_from_quat(q / np.linalg.norm(q, axis=1)[:, None])
    specific = acc_world - np.array([0.0, -G, 0.0])
    acc_body = np.einsum("nji,nj->ni", r_t, specific)  # R^T (a - g)
    return t, acc_body, gyro


def write_csv(
    path: str | Path,
    t: npt.NDArray[np.float64],
    acc: npt.NDArray[np.float64],
    gyro: npt.NDArray[np.float64],
) -> None:
    """Write a recording in the engine's CSV format."""
    table = np.column_stack([t, acc, gyro])
    np.savetxt(path, table, delimiter=",", fmt="%.6f", header="t,ax,ay,az,gx,gy,gz", comments="")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bvh2rec", description="BVH clip -> synthetic IMU recording CSV"
    )
    parser.add_argument("bvh", help="input .bvh file (Bandai Namco layout)")
    parser.add_argument("--location", required=True, choices=LOCATIONS)
    parser.add_argument("-o", "--output", required=True, help="output recording CSV")
    parser.add_argument("--rate", type=float, default=100.0, help="output rate in Hz")
    parser.add_argument("--side", choices=("L", "R"), default="L", help="limb side")
    parser.add_argument(
        "--offset",
        default="0,0,0",
        help="sensor offset from the site in the segment frame, cm: X,Y,Z (e.g. 0,0,12)",
    )
    args = parser.parse_args(argv)
    try:
        offset = [float(v) for v in args.offset.split(",")]
    except ValueError:
        offset = []
    if len(offset) != 3:
        parser.error(f"--offset needs three numbers X,Y,Z in cm, got {args.offset!r}")
    x, y, z = offset
    try:
        motion = bvh.load(args.bvh)
        t, acc, gyro = synthesise(motion, args.location, args.rate, args.side, (x, y, z))
    except (OSError, ValueError, KeyError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    write_csv(args.output, t, acc, gyro)
    return 0


if __name__ == "__main__":
    sys.exit(main())
