"""Signal helpers for the trunk (waist, chest, wrist) detector: vectorised, no per-sample loops."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def causal_mean(x: FloatArray, n: int) -> FloatArray:
    """Trailing mean over up to ``n`` samples along axis 0 (shorter at the start)."""
    csum = np.cumsum(x, axis=0)
    out = csum.copy()
    if len(x) > n:
        out[n:] -= csum[:-n]
    count = np.minimum(np.arange(1, len(x) + 1), n).astype(np.float64)
    return np.asarray(out / count.reshape((-1,) + (1,) * (x.ndim - 1)), dtype=np.float64)


def hann_kernel(length: int) -> FloatArray:
    """Normalised Hann smoothing kernel of odd ``length`` samples (no zero end taps)."""
    k = np.hanning(length + 2)[1:-1]
    return np.asarray(k / k.sum(), dtype=np.float64)


def local_extrema(x: FloatArray, half_width: int) -> tuple[IntArray, IntArray]:
    """Return indices of samples that are the max / min of the window ``+-half_width`` around them.

    The window is truncated at the ends, so callers must ignore indices within ``half_width``
    of an edge where the future (or past) is still unknown.
    """
    w = half_width
    lo = np.concatenate((np.full(w, -np.inf), x, np.full(w, -np.inf)))
    hi = np.concatenate((np.full(w, np.inf), x, np.full(w, np.inf)))
    mx = sliding_window_view(lo, 2 * w + 1).max(axis=1)
    mn = sliding_window_view(hi, 2 * w + 1).min(axis=1)
    return np.flatnonzero(x >= mx), np.flatnonzero(x <= mn)


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
    phase = np.exp(-2j * np.pi * np.arange(n) / period_samples) * np.hanning(n)
    vert = acc @ gravity
    horiz = acc - np.outer(vert, gravity)
    v = complex(phase @ (vert - vert.mean()))
    h = phase @ (horiz - horiz.mean(axis=0))
    mag_v = abs(v)
    if mag_v == 0.0:
        zero = np.zeros(3)
        return zero, zero, 0.0
    cross = np.conj(v) * h / mag_v
    return (
        np.asarray(cross.imag, dtype=np.float64),
        np.asarray(cross.real, dtype=np.float64),
        mag_v,
    )
