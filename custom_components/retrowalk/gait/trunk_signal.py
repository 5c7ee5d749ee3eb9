"""Signal helpers for the trunk (waist, chest, wrist) detector: vectorised, no per-sample loops."""

from __future__ import annotations

import functools
import math

import numpy as np
import numpy.typing as npt

from .types import FloatArray

IntArray = npt.NDArray[np.intp]


def causal_mean(x: FloatArray, n: int) -> FloatArray:
    """Trailing mean over up to ``n`` samples along axis 0 (shorter at the start)."""
    csum = np.cumsum(x, axis=0)
    out = csum.copy()
    if len(x) > n:
        out[n:] -= csum[:-n]
    # In float64 whatever the input (an integer or float32 array), as the division gave before
    # the divisors were cached; a float64 sum is not copied.
    out = out.astype(np.float64, copy=False)
    out /= _counts(len(x), n, x.ndim)
    return out


@functools.lru_cache(maxsize=64)
def _counts(length: int, n: int, ndim: int) -> FloatArray:
    """causal_mean's divisors, shaped to broadcast (cached: the sizes repeat block after block)."""
    count = np.minimum(np.arange(1, length + 1), n).reshape((-1,) + (1,) * (ndim - 1))
    shaped = np.asarray(count, dtype=np.float64)
    shaped.flags.writeable = False
    return shaped


def cycles_between(
    t: FloatArray, acc: FloatArray, span: tuple[float, float], kernel: FloatArray
) -> float | None:
    """How often the acceleration's magnitude oscillates in the time span (t0, t1].

    Half the times the magnitude, smoothed by the causal `kernel` (a moving mean), crosses its
    own mean there. The magnitude needs no gravity removed: gravity's is constant whichever way
    the sensor turns. None where the samples do not reach the kernel's length before t0 or the
    span holds fewer than 3 samples.
    """
    lo, hi = (int(i) for i in np.searchsorted(t, span, side="right"))
    start = lo - len(kernel) + 1
    if start < 0 or hi - lo < 3:
        return None
    seg = acc[start:hi]
    x = np.convolve(np.sqrt(np.einsum("ij,ij->i", seg, seg)), kernel, mode="valid")
    return float(np.count_nonzero(np.diff(np.signbit(x - x.mean())))) / 2.0


def hann_kernel(length: int) -> FloatArray:
    """Normalised Hann smoothing kernel of odd ``length`` samples (no zero end taps)."""
    k = np.hanning(length + 2)[1:-1]
    return np.asarray(k / k.sum(), dtype=np.float64)


def lowpass_kernel(cutoff_hz: float, fs: float, half: int) -> FloatArray:
    """Linear-phase low-pass FIR: a Hann-windowed sinc of 2 * ``half`` + 1 taps, unit DC gain."""
    k = np.arange(-half, half + 1, dtype=np.float64)
    taps = np.sinc(2.0 * cutoff_hz / fs * k) * np.hanning(2 * half + 3)[1:-1]
    return np.asarray(taps / taps.sum(), dtype=np.float64)


def band_limited(acc: FloatArray, kernel: FloatArray) -> FloatArray:
    """``acc`` (n, 3) through the centred FIR ``kernel``; the same length.

    The edges are completed by repeating the edge samples (so a constant stays constant).
    """
    half = len(kernel) // 2
    n, m = acc.shape
    # Filled in place rather than through np.pad and np.stack: a quarter of the time, and this
    # runs for every block of samples at the thigh (the same arithmetic, the same result).
    padded = np.empty((n + 2 * half, m))
    padded[half : half + n] = acc
    padded[:half] = acc[0]
    padded[half + n :] = acc[-1]
    out = np.empty((n, m))
    for k in range(m):
        out[:, k] = np.convolve(padded[:, k], kernel, mode="valid")
    return out


def local_extrema(x: FloatArray, half_width: int) -> tuple[IntArray, IntArray]:
    """Return interior indices whose sample is the max / min of the window ``+-half_width``.

    Only indices with a complete window (``half_width`` samples on either side) are examined.
    """
    w = half_width
    m = len(x) - 2 * w
    if m <= 0:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    windows = x[_window_index(m, w)]
    centre = x[w : w + m]
    maxima = (centre >= windows.max(axis=1)).nonzero()[0] + w
    minima = (centre <= windows.min(axis=1)).nonzero()[0] + w
    return maxima, minima


@functools.lru_cache(maxsize=64)
def _hanning(n: int) -> FloatArray:
    """np.hanning(n), cached: the direction's window takes a few lengths, block after block."""
    window = np.asarray(np.hanning(n), dtype=np.float64)
    window.flags.writeable = False
    return window


@functools.cache
def _window_index(m: int, w: int) -> IntArray:
    """Index grid (m, 2w+1) of the windows around samples w .. w+m-1 (cached: sizes repeat)."""
    return np.arange(m)[:, None] + np.arange(2 * w + 1)[None, :]


def _autocorr(x: FloatArray, max_lag: int) -> FloatArray | None:
    """Normalised autocorrelation of the smoothed window ``x`` (n, 3) at lags 0..max_lag.

    Over its axes, lags in samples. ``x`` is smoothed already (_smoothed: a heel strike's
    jolt is not a swing); its mean is removed here into a new array (the turn tests read ``x``
    too). Unbiased (a lag compares n - lag sample pairs), through one FFT. None if the window
    is not longer than two of the longest lags, holds no variation (a sensor at rest) or is not
    finite.
    """
    n = len(x)
    if n <= 2 * max_lag:
        return None
    centred = x - x.mean(axis=0)
    spec = np.fft.rfft(centred, 2 * n, axis=0)
    power = (spec.real**2 + spec.imag**2).sum(axis=1)
    auto = np.fft.irfft(power, 2 * n)[: max_lag + 1]
    if not auto[0] > 1e-12:  # also NaN: a bad sample in the window
        return None
    return np.asarray(auto / auto[0] * n / (n - np.arange(max_lag + 1)), dtype=np.float64)


def _smoothed(acc: FloatArray, kernel: FloatArray) -> FloatArray | None:
    """``acc`` (n, 3) smoothed with ``kernel`` where it lies wholly inside the window.

    So that no edge is smoothed into a dip. None if shorter than the kernel (np.convolve
    would smooth the kernel with the window).
    """
    if len(acc) < len(kernel):
        return None
    return np.stack([np.convolve(acc[:, k], kernel, mode="valid") for k in range(3)], axis=1)


def turn_rms(acc: FloatArray, kernel: FloatArray) -> float | None:
    """How far the smoothed acceleration's direction turns about its mean, RMS, in degrees.

    ``acc`` (n, 3) is one window. A sensor on a swinging thigh turns with it, so gravity's
    direction in its axes turns by tens of degrees; a bounce along gravity does not turn it at
    all. None if the window is shorter than the kernel or its smoothed acceleration vanishes or
    is not finite.
    """
    x = _smoothed(acc, kernel)
    return None if x is None else _turn(x)


def along_alike(acc: FloatArray, kernel: FloatArray, lag: int) -> float | None:
    """How alike the smoothed acceleration along its mean direction is ``lag`` samples later.

    A sensor swinging with a thigh by +-phi feels g cos(phi) along gravity, which repeats every
    half swing; a bounce or a rock once a step is turned the other way half its period later.
    Normalised correlation of the window's mean-removed component with itself ``lag`` later;
    None if the window is too short for the lag, holds no variation or is not finite.
    """
    x = _smoothed(acc, kernel)
    return None if x is None else _along(x, lag)


def swing_with_turn(
    acc: FloatArray,
    fs: float,
    kernel: FloatArray,
    lags_s: tuple[float, float],
    alike: float,
    reverses: float,
    *,
    turn: bool = True,
    turn_below: float = 0.0,
) -> tuple[float | None, float | None, float | None]:
    """(swing_period, turn_rms, along_alike half that period later) of one window.

    Smoothed once for all three; the turn and the likeness are None where there is no period,
    or where they are not asked for: ``turn`` asks for them always, ``turn_below`` (s) for a
    period shorter than it only (neither: the period alone, swing_period).
    """
    x = _smoothed(acc, kernel)
    period = None if x is None else _period(x, fs, lags_s, alike, reverses)
    if x is None or period is None or not (turn or period < turn_below):
        return period, None, None
    return period, _turn(x), _along(x, round(period * fs / 2))


def _turn(x: FloatArray) -> float | None:
    """turn_rms of the smoothed window ``x``."""
    norm = np.linalg.norm(x, axis=1)
    if not (np.all(np.isfinite(norm)) and norm.min() > 1e-9):
        return None
    unit = x / norm[:, None]
    mean = unit.mean(axis=0)
    size = float(np.linalg.norm(mean))
    if not size > 1e-9:  # turned every way in turn: no direction to turn about
        return None
    cos = np.clip(unit @ (mean / size), -1.0, 1.0)
    return float(np.degrees(np.sqrt(np.mean(np.arccos(cos) ** 2))))


def _along(x: FloatArray, lag: int) -> float | None:
    """along_alike of the smoothed window ``x``."""
    if not 0 < lag < len(x) - 1:
        return None
    mean = x.mean(axis=0)
    size = float(np.linalg.norm(mean))
    if not size > 1e-9:  # also NaN
        return None
    along = x @ (mean / size)
    along -= along.mean()
    a, b = along[:-lag], along[lag:]
    scale = float(np.sqrt((a @ a) * (b @ b)))
    return float(a @ b) / scale if scale > 1e-12 else None


def swing_period(
    acc: FloatArray,
    fs: float,
    kernel: FloatArray,
    lags_s: tuple[float, float],
    alike: float,
    reverses: float,
) -> float | None:
    """The period of a limb's swing in ``acc`` (n, 3, one window of the latest samples), if any.

    A sensor on a swinging limb turns with it once a stride, so gravity's direction in its axes,
    the bulk of the smoothed acceleration, repeats once a stride and is turned the other way half
    a stride later; the trunk's bounce repeats every step instead. Returns the lag (s) within
    ``lags_s`` at which the signal is most alike (_autocorr), where it is at least
    ``alike`` there and at most ``reverses`` half that lag later; else None.
    """
    return swing_with_turn(acc, fs, kernel, lags_s, alike, reverses, turn=False)[0]


# How near the best likeness a shorter lag must come to be the cycle (half_cycle_likeness).
NEAR_BEST = 0.9


def half_cycle_likeness(
    acc: FloatArray, kernel: FloatArray, lags: tuple[int, int], alike: float, reverses: float
) -> float | None:
    """How alike the magnitude of ``acc`` (n, 3, one window) is half the sensor's cycle later.

    The sensor's cycle is the lag in ``lags`` (samples) at which its smoothed three axes are most
    alike (_autocorr: a thigh's swing, a stride), or the first nearly so; the likeness is the
    smoothed magnitude's normalised autocorrelation at half that lag. A stride holds two steps,
    so a walking limb's magnitude repeats there; a limb turning once per rise and fall of the
    magnitude (pedalling) is reversed there. None where the three axes show no cycle (less than
    ``alike`` alike one cycle later, or more than ``reverses`` half a cycle later: getting up, a
    turn) or where either autocorrelation has nothing to say.
    """
    x = _smoothed(acc, kernel)
    return None if x is None else _half_cycle(x, acc, kernel, lags, alike, reverses)


def half_cycle_and_turn(
    acc: FloatArray,
    kernel: FloatArray,
    lags: tuple[int, int],
    alike: float,
    reverses: float,
    *,
    half: bool = True,
    turn: bool = True,
) -> tuple[float | None, float | None]:
    """(half_cycle_likeness, turn_rms) of one window, smoothed once for both.

    Each only where asked (`half`, `turn`; None otherwise).
    """
    x = _smoothed(acc, kernel)
    if x is None:
        return None, None
    return (
        _half_cycle(x, acc, kernel, lags, alike, reverses) if half else None,
        _turn(x) if turn else None,
    )


def _half_cycle(
    x: FloatArray,
    acc: FloatArray,
    kernel: FloatArray,
    lags: tuple[int, int],
    alike: float,
    reverses: float,
) -> float | None:
    """half_cycle_likeness of the window ``acc`` whose smoothed axes are ``x``."""
    lo, hi = lags
    r = _autocorr(x, hi) if lo >= 2 else None
    if r is None:
        return None
    # The cycle is the first lag nearly as alike as the best: a signal alike one cycle later is
    # alike two cycles later too, and the longer lag can come out a little ahead.
    near = r[lo : hi + 1] >= NEAR_BEST * float(np.max(r[lo : hi + 1]))
    cycle = lo + int(np.argmax(near))
    # A cycle as the swing's: alike one cycle later, turned the other way half a cycle later (a
    # thigh turning up from a seat is alike at every short lag, and no cycle).
    if r[cycle] < alike or r[cycle // 2] > reverses:
        return None
    magnitude = np.convolve(np.sqrt(np.einsum("ij,ij->i", acc, acc)), kernel, mode="valid")
    m = _autocorr(magnitude[:, None], hi)
    return None if m is None else float(m[cycle // 2])


def _period(
    x: FloatArray, fs: float, lags_s: tuple[float, float], alike: float, reverses: float
) -> float | None:
    """swing_period of the smoothed window ``x``."""
    found = _likeness(x, fs, lags_s)
    if found is None:
        return None
    period, at_period, at_half = found
    return period if at_period >= alike and at_half <= reverses else None


def swing_likeness(
    acc: FloatArray, fs: float, kernel: FloatArray, lags_s: tuple[float, float]
) -> tuple[float, float, float] | None:
    """(lag, likeness there, likeness half that lag later) of ``acc``'s best lag in ``lags_s``.

    The lag in seconds at which the signal is most alike (_autocorr); None where the
    autocorrelation has nothing to say (too short, no variation, not finite).
    """
    x = _smoothed(acc, kernel)
    return None if x is None else _likeness(x, fs, lags_s)


def _likeness(
    x: FloatArray, fs: float, lags_s: tuple[float, float]
) -> tuple[float, float, float] | None:
    """swing_likeness of the smoothed window ``x``."""
    lo, hi = round(lags_s[0] * fs), round(lags_s[1] * fs)
    r = _autocorr(x, hi) if lo >= 2 else None
    if r is None:
        return None
    best = lo + int(np.argmax(r[lo : hi + 1]))
    return best / fs, float(r[best]), float(r[best // 2])


def quadrature(
    acc: FloatArray, gravity: FloatArray, period_samples: float
) -> tuple[FloatArray, FloatArray, float]:
    """Cross-spectrum of horizontal against vertical acceleration at the step frequency.

    ``acc`` (n, 3) spans a whole number of steps; ``gravity`` is a unit vector (3,). Returns the
    imaginary part (3,) of ``conj(V) * H`` scaled by ``1/|V|``, its real part (3,), and ``|V|``.
    The imaginary part is the horizontal acceleration a quarter step away from the vertical
    oscillation: time reversal (walking backwards) negates it, while the real part stays.
    """
    n = len(acc)
    phase = np.exp(-2j * np.pi * np.arange(n) / period_samples) * _hanning(n)
    vert = acc @ gravity
    horiz = acc - np.outer(vert, gravity)
    v = complex(phase @ (vert - vert.mean()))
    h = phase @ (horiz - horiz.mean(axis=0))
    mag_v = abs(v)
    if mag_v < 1e-9:  # no vertical oscillation at all: nothing to compare against
        zero = np.zeros(3)
        return zero, zero, 0.0
    cross = np.conj(v) * h / mag_v
    return (
        np.asarray(cross.imag, dtype=np.float64),
        np.asarray(cross.real, dtype=np.float64),
        mag_v,
    )


# s either side of a step over which vertical_share looks: about a heel strike's jolt, shorter
# than a step.
JOLT_HALF_S = 0.2


def vertical_share(
    t: FloatArray, acc: FloatArray, at: float, gravity: FloatArray, up: FloatArray
) -> float | None:
    """The share of the dynamic acceleration along `up` within JOLT_HALF_S of `at`.

    `acc` (n, 3) at times `t`; its dynamic part is `acc` minus `gravity` (the mean the posture
    `up` comes from). 1 when the jolt is all along gravity, about 1/3 for a jolt in every
    direction alike; None with fewer than 3 samples or no movement.
    """
    lo, hi = np.searchsorted(t, (at - JOLT_HALF_S, at + JOLT_HALF_S))
    if hi - lo < 3:
        return None
    dyn = acc[lo:hi] - gravity
    total = float(np.einsum("ij,ij->", dyn, dyn))
    if total <= 0.0 or not math.isfinite(total):
        return None
    along = dyn @ up
    return float(along @ along) / total
