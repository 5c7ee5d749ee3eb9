"""Helpers shared by the peer scripts run in .venv-peers (Python 3.11, NumPy 2.0: keep it plain)."""

from __future__ import annotations

from fractions import Fraction
import itertools

import numpy as np
from scipy.signal import resample_poly  # type: ignore[import-untyped]


def pieces(t: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index ranges of t without holes longer than two sample periods."""
    if len(t) < 2:
        return [(0, len(t))] if len(t) else []
    dt = float(np.median(np.diff(t)))
    cuts = np.flatnonzero(np.diff(t) > 2 * dt) + 1
    bounds = [0, *cuts.tolist(), len(t)]
    return list(itertools.pairwise(bounds))


def to_rate(x: np.ndarray, fs_in: float, fs_out: float) -> np.ndarray:
    """Polyphase resampling (anti-aliased down, band-limited up) along axis 0."""
    frac = Fraction(fs_out / fs_in).limit_denominator(1000)
    if frac == 1:
        return x
    out: np.ndarray = resample_poly(x, frac.numerator, frac.denominator, axis=0)
    return out


def rate_of(t: np.ndarray) -> float:
    return 1.0 / float(np.median(np.diff(t)))
