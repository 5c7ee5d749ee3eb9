"""Smooth curves and rotations for the body model.

Every curve here is C2 (continuous up to the second derivative): the IMU sees the second
derivative of position, so a kink in velocity would show up as an acceleration spike no real body
produces. All functions are vectorised over time (or gait phase) arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
import math

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait.types import FloatArray

IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


def cos(angle: FloatArray) -> FloatArray:
    """Cosine of angles within a few turns of zero, to ~1e-7.

    NumPy's float32 trigonometry is SIMD-vectorised and about 15x faster than float64 here; for
    bounded angles its error is far below the sensor noise (1e-7 rad moves a sensor 0.5 m out by
    50 nm). Callers reduce large arguments (gait phase, time) modulo a period first.
    """
    out: FloatArray = np.cos(angle.astype(np.float32)).astype(np.float64)
    return out


def sin(angle: FloatArray) -> FloatArray:
    """Sine of angles within a few turns of zero, to ~1e-7 (see cos)."""
    out: FloatArray = np.sin(angle.astype(np.float32)).astype(np.float64)
    return out


def minjerk(s: FloatArray) -> FloatArray:
    """0 -> 1 over s in [0, 1] with zero velocity and acceleration at both ends (clamped)."""
    s = np.clip(s, 0.0, 1.0)
    out: FloatArray = s * s * s * (10.0 + s * (-15.0 + 6.0 * s))
    return out


def minjerk_integral(s: FloatArray, span: FloatArray | float = 1.0) -> FloatArray:
    """The integral of minjerk over time from 0 to s * span, for s in [0, 1] (clamped).

    A min-jerk ease of length `span` has risen by span / 2 at its end.
    """
    s = np.clip(s, 0.0, 1.0)
    s4 = s * s * s * s
    out: FloatArray = span * s4 * (2.5 + s * (-3.0 + s))
    return out


def bump(s: FloatArray) -> FloatArray:
    """0 -> 1 -> 0 over s in [0, 1], peaking at 0.5, flat (C2) at both ends; 0 outside."""
    s = np.clip(s, 0.0, 1.0)
    q = s * (1.0 - s)
    out: FloatArray = 64.0 * q * q * q
    return out


def pulse_train(
    t: FloatArray, start: FloatArray, duration: FloatArray, amp: FloatArray
) -> FloatArray:
    """Sorted, non-overlapping pulses at sorted times t: amp times bump over each pulse, 0 between.

    Pulse j spans [start[j], start[j] + duration[j]); `amp` is (m,) or (m, c), one amplitude (or a
    row of c) per pulse, and the result (n,) or (c, n).
    """
    none: FloatArray = np.zeros((*amp.shape[1:], len(t)))
    if len(t) == 0:
        return none
    first, last = np.searchsorted(start, (t[0], t[-1]), side="right") - 1
    if last < 0 or (first == last and start[first] + duration[first] <= t[0]):
        return none  # most blocks: no pulse under way (also no pulses at all)
    i = np.searchsorted(start, t, side="right") - 1
    k = np.maximum(i, 0)
    weight = np.where(i >= 0, bump((t - start[k]) / duration[k]), 0.0)
    out: FloatArray = amp[k].T * weight
    return out


def sine_sums(t: FloatArray, freq: FloatArray, phase: FloatArray, amp: FloatArray) -> FloatArray:
    """Sums of sines at times t, all at the same frequencies (Hz): one sum per row of phase, amp.

    Row r of the (r, n) result is the sum over k of amp[r, k] sin(2 pi freq[k] t + phase[r, k]).
    """
    turns = np.mod(np.outer(t, freq), 1.0)  # reduced in float64, then fast trig
    return np.stack(
        [
            sin(2.0 * math.pi * turns + phase_r).reshape(turns.shape) @ amp_r
            for phase_r, amp_r in zip(phase, amp, strict=True)
        ]
    )


def within(t: FloatArray, start: FloatArray, duration: FloatArray, margin: float) -> BoolArray:
    """Which sorted times t fall in a sorted, non-overlapping interval, widened by `margin`.

    The intervals are [start, start + duration); `margin` widens each on both sides.
    """
    if len(start) == 0:
        return np.zeros(len(t), dtype=np.bool_)
    i = np.maximum(np.searchsorted(start, t + margin, side="right") - 1, 0)
    out: BoolArray = (t > start[i] - margin) & (t < start[i] + duration[i] + margin)
    return out


class Keyframes:
    """A C2 profile through (x, value) keyframes that starts and ends flat at zero.

    A clamped cubic spline passes through the keyframes without stopping at them (a turning foot
    reverses its rotation with a real angular acceleration, it does not linger), and a short
    min-jerk taper at each end makes value, slope and curvature vanish there so the profile joins
    a motionless stance smoothly. Outside the keyframes it is zero.
    """

    __slots__ = ("_c0", "_c1", "_d0", "_d1", "_taper", "_x")

    def __init__(self, xs: Sequence[float], values: Sequence[float]) -> None:
        x = np.asarray(xs, dtype=np.float64)
        y = np.asarray(values, dtype=np.float64)
        if len(x) < 3 or len(x) != len(y) or np.any(np.diff(x) <= 0) or y[0] != 0 or y[-1] != 0:
            raise ValueError("keyframes need >= 3 increasing positions, starting and ending at 0")
        h = np.diff(x)
        n = len(x)
        a = np.zeros((n, n))
        rhs = np.zeros(n)
        slope = np.diff(y) / h
        a[0, :2] = (2 * h[0], h[0])
        rhs[0] = 6 * slope[0]
        a[-1, -2:] = (h[-1], 2 * h[-1])
        rhs[-1] = -6 * slope[-1]
        for i in range(1, n - 1):
            a[i, i - 1 : i + 2] = (h[i - 1], 2 * (h[i - 1] + h[i]), h[i])
            rhs[i] = 6 * (slope[i] - slope[i - 1])
        self._x = x
        curv = np.linalg.solve(a, rhs)
        # Per interval: c0 (x1 - x)^3 + c1 (x - x0)^3 + d0 (x1 - x) + d1 (x - x0).
        self._c0 = curv[:-1] / (6 * h)
        self._c1 = curv[1:] / (6 * h)
        self._d0 = y[:-1] / h - curv[:-1] * h / 6
        self._d1 = y[1:] / h - curv[1:] * h / 6
        self._taper = 0.35 * min(float(h[0]), float(h[-1]))

    def __call__(self, x: FloatArray) -> FloatArray:
        """The profile's values at positions x."""
        xs = self._x
        i = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(xs) - 2)
        left = x - xs[i]
        right = xs[i + 1] - x
        spline = (
            self._c0[i] * (right * right * right)
            + self._c1[i] * (left * left * left)
            + self._d0[i] * right
            + self._d1[i] * left
        )
        taper = minjerk((x - xs[0]) / self._taper) * minjerk((xs[-1] - x) / self._taper)
        out: FloatArray = spline * taper  # the taper is 0 outside the keyframes
        return out

    @property
    def span(self) -> tuple[float, float]:
        """First and last keyframe position."""
        return float(self._x[0]), float(self._x[-1])


class Periodic:
    """A smooth periodic curve (period 1): the first harmonics of a piecewise-linear outline.

    Unlike Keyframes it does not stop at each point, so it can describe a segment that keeps
    turning at a steady rate (a shank rolling over the ankle all through stance).
    """

    __slots__ = ("_coef", "_mean")

    def __init__(self, xs: Sequence[float], values: Sequence[float], harmonics: int = 6) -> None:
        x = np.asarray(xs, dtype=np.float64)
        if len(x) < 2 or len(x) != len(values) or np.any(np.diff(x) <= 0) or x[-1] - x[0] > 1:
            raise ValueError("outline needs >= 2 increasing positions within one period")
        grid = np.arange(512) / 512.0
        xp = np.concatenate((x, [x[0] + 1.0]))
        vp = np.concatenate((values, [values[0]]))
        outline = np.interp(np.mod(grid - x[0], 1.0) + x[0], xp, vp)
        spectrum = np.fft.rfft(outline) / len(grid)
        self._mean = float(spectrum[0].real)
        self._coef = 2.0 * spectrum[1 : harmonics + 1]

    def __call__(self, x: FloatArray) -> FloatArray:
        """The curve's values at positions x (any real numbers)."""
        turn = 2.0 * np.pi * np.mod(x, 1.0)
        c1, s1 = cos(turn), sin(turn)
        ck, sk = c1, s1
        out: FloatArray = np.full(len(x), self._mean)
        for coef in self._coef:
            out += coef.real * ck - coef.imag * sk
            ck, sk = ck * c1 - sk * s1, sk * c1 + ck * s1
        return out


def node_index(phi: FloatArray, first: int, count: int) -> tuple[IntArray, FloatArray]:
    """Interval index (0..count-2) and position within it (0..1) of phases on integer nodes."""
    i = np.clip(np.floor(phi).astype(np.intp) - first, 0, count - 2)
    u = np.clip(phi - (first + i), 0.0, 1.0)
    return i, u


def node_blend(values: FloatArray, first: int, phi: FloatArray) -> FloatArray:
    """Values given at integer phases first.. (last axis), blended min-jerk in between.

    `values` is (k,) or (d, k); the result is (n,) or (d, n).
    """
    i, u = node_index(phi, first, values.shape[-1])
    lo = values[..., i]
    out: FloatArray = lo + (values[..., i + 1] - lo) * minjerk(u)
    return out


def hermite_path(points: FloatArray, slopes: FloatArray, first: int, phi: FloatArray) -> FloatArray:
    """Quintic Hermite path (d, n) through points (d, k) at integer phases with given slopes.

    Second derivatives are zero at the nodes, so the path is C2 in phase.
    """
    i, u = node_index(phi, first, points.shape[-1])
    u3 = u * u * u
    h01 = u3 * (10.0 + u * (-15.0 + 6.0 * u))
    h10 = u + u3 * (-6.0 + u * (8.0 - 3.0 * u))
    h11 = u3 * (-4.0 + u * (7.0 - 3.0 * u))
    p0 = points[:, i]
    out: FloatArray = (
        p0 + (points[:, i + 1] - p0) * h01 + slopes[:, i] * h10 + slopes[:, i + 1] * h11
    )
    return out


class PhaseClock:
    """Gait phase as a C2 function of time: phase k at the k-th node time.

    Between nodes the phase rate moves smoothly from one interval's cadence to the next (quintic
    Hermite with the node rates averaged from the neighbouring intervals); outside the nodes it
    runs on linearly, which only matters where the body is at rest anyway.
    """

    __slots__ = ("_dt", "_first", "_rate", "_times")

    def __init__(self, times: FloatArray, first: int) -> None:
        if len(times) < 2 or np.any(np.diff(times) <= 0):
            raise ValueError("phase nodes must be strictly increasing")
        self._times = times
        self._first = first
        self._dt = np.diff(times)
        rate = np.empty(len(times))
        rate[0] = 1.0 / self._dt[0]
        rate[-1] = 1.0 / self._dt[-1]
        rate[1:-1] = 2.0 / (self._dt[:-1] + self._dt[1:])
        self._rate = rate

    def __call__(self, t: FloatArray) -> FloatArray:
        """Gait phase at times t."""
        times = self._times
        i = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
        dt = self._dt[i]
        tau = (t - times[i]) / dt
        u = np.clip(tau, 0.0, 1.0)
        u3 = u * u * u
        h01 = u3 * (10.0 + u * (-15.0 + 6.0 * u))
        h10 = u + u3 * (-6.0 + u * (8.0 - 3.0 * u))
        h11 = u3 * (-4.0 + u * (7.0 - 3.0 * u))
        phase = self._first + i + h01 + dt * (self._rate[i] * h10 + self._rate[i + 1] * h11)
        before = t < times[0]
        after = t > times[-1]
        phase = np.where(before, self._first + (t - times[0]) * self._rate[0], phase)
        last = self._first + len(times) - 1
        out: FloatArray = np.where(after, last + (t - times[-1]) * self._rate[-1], phase)
        return out


# Rotations are stored component-major, (3, 3, n), and vectors (3, n): every component is then a
# contiguous array and products are a few dozen fast element-wise operations, far cheaper than
# NumPy's batched 3x3 matmul on (n, 3, 3) stacks.


def euler_zyx(yaw: FloatArray, pitch: FloatArray, roll: FloatArray) -> FloatArray:
    """Rotations (3, 3, n) Rz(yaw) @ Ry(pitch) @ Rx(roll), world <- body."""
    cy, sy = cos(yaw), sin(yaw)
    cp, sp = cos(pitch), sin(pitch)
    cr, sr = cos(roll), sin(roll)
    r = np.empty((3, 3, len(yaw)))
    cysp = cy * sp
    sysp = sy * sp
    r[0, 0] = cy * cp
    r[0, 1] = cysp * sr - sy * cr
    r[0, 2] = cysp * cr + sy * sr
    r[1, 0] = sy * cp
    r[1, 1] = sysp * sr + cy * cr
    r[1, 2] = sysp * cr - cy * sr
    r[2, 0] = -sp
    r[2, 1] = cp * sr
    r[2, 2] = cp * cr
    return r


def pitch_only(pitch: FloatArray) -> FloatArray:
    """Rotations (3, 3, n) about y."""
    c, s = cos(pitch), sin(pitch)
    r = np.zeros((3, 3, len(pitch)))
    r[0, 0] = c
    r[0, 2] = s
    r[1, 1] = 1.0
    r[2, 0] = -s
    r[2, 2] = c
    return r


def matmul(a: FloatArray, b: FloatArray) -> FloatArray:
    """Products a @ b of rotation stacks (3, 3, n)."""
    out = np.empty_like(a)
    for i in range(3):
        for j in range(3):
            out[i, j] = a[i, 0] * b[0, j] + a[i, 1] * b[1, j] + a[i, 2] * b[2, j]
    return out


def rotate(r: FloatArray, v: FloatArray) -> FloatArray:
    """Rotations (3, 3, n) applied to one vector (3,) or one vector per rotation (3, n)."""
    return np.stack([r[i, 0] * v[0] + r[i, 1] * v[1] + r[i, 2] * v[2] for i in range(3)])


def random_rotation(rng: np.random.Generator) -> FloatArray:
    """A rotation matrix drawn uniformly (from a normalised 4-D Gaussian quaternion)."""
    q = rng.normal(size=4)
    w, x, y, z = (float(v) for v in q / np.linalg.norm(q))
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )
