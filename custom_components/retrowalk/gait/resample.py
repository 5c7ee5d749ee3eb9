"""Streaming resampling of irregular samples onto a uniform grid, split at gaps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .types import FloatArray


@dataclass(frozen=True, slots=True)
class Chunk:
    """Uniform samples of one contiguous segment; new_segment: a gap or the start precedes it."""

    t: FloatArray
    x: FloatArray
    new_segment: bool


# Grid points (in samples) this close after the newest input sample count as reached (_emit).
GRID_SLACK = 1e-4


class Resampler:
    """Linear interpolation onto t0 + k/fs, never across a gap longer than max_gap seconds.

    Input times must be strictly increasing across calls (the engine filters them). Grid times are
    computed from an integer index rather than accumulated, so a day-long stream does not drift.
    """

    def __init__(self, fs: float, max_gap: float = 0.25) -> None:
        self.fs = float(fs)
        self.max_gap = float(max_gap)
        self._last_t: float | None = None
        self._last_x: FloatArray | None = None
        self._t0 = 0.0
        self._k = 0
        self._pending_new = True

    @property
    def last_t(self) -> float | None:
        """Time of the newest accepted input sample, None at a stream start."""
        return self._last_t

    def reset(self) -> None:
        """Forget the previous sample: the next one starts a new segment."""
        self._last_t = None
        self._last_x = None
        self._pending_new = True

    def push(self, t: FloatArray, x: FloatArray) -> tuple[list[Chunk], float]:
        """Resample one batch; return the chunks (in order) and the seconds lost to gaps."""
        if len(t) == 0:
            return [], 0.0
        if self._last_t is None or self._last_x is None:
            self._start(float(t[0]))
            tt, xx = t, x
        else:
            tt = np.concatenate(([self._last_t], t))
            xx = np.concatenate((self._last_x[None, :], x))
        chunks: list[Chunk] = []
        gap_s = 0.0
        # The times only rise (the engine drops the rest), so no interval exceeds the whole span:
        # a batch spanning less than a gap has none, and most batches are looked at no further.
        gaps: list[int] = []
        if tt[-1] - tt[0] > self.max_gap:
            gaps = np.flatnonzero(np.diff(tt) > self.max_gap).tolist()
        lo = 0
        for g in gaps:
            self._emit(tt[lo : g + 1], xx[lo : g + 1], chunks)
            gap_s += float(tt[g + 1] - tt[g])
            self._start(float(tt[g + 1]))
            lo = g + 1
        self._emit(tt[lo:], xx[lo:], chunks)
        self._last_t = float(tt[-1])
        self._last_x = xx[-1].copy()
        return chunks, gap_s

    def _start(self, t0: float) -> None:
        self._t0 = t0
        self._k = 0
        self._pending_new = True

    def _emit(self, tt: FloatArray, xx: FloatArray, out: list[Chunk]) -> None:
        # Samples up to tt[-1] can be interpolated now; later grid points wait for the next batch.
        # A grid point that an input sample meets exactly (every other one of a 100 Hz stream)
        # is met whatever rounding the clock's origin brings (about 1e-7 s on times since 1970):
        # at the end of a stream, whether it was met decided whether its last step was found.
        k_end = int(np.floor((tt[-1] - self._t0) * self.fs + GRID_SLACK))
        if k_end < self._k:
            return
        grid = self._t0 + np.arange(self._k, k_end + 1, dtype=np.float64) / self.fs
        self._k = k_end + 1
        if len(tt) == 1:
            vals = np.repeat(xx[:1], len(grid), axis=0)
        else:
            # Grid points never precede tt[0], so only the last interval needs clamping.
            idx = np.searchsorted(tt, grid, side="right") - 1
            np.minimum(idx, len(tt) - 2, out=idx)
            t_lo = tt[idx]
            w = (grid - t_lo) / (tt[idx + 1] - t_lo)
            x_lo = xx[idx]
            vals = x_lo + w[:, None] * (xx[idx + 1] - x_lo)
        out.append(Chunk(grid, vals, self._pending_new))
        self._pending_new = False
