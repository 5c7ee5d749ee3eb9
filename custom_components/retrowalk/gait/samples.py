"""The foot detector's look-back: recent samples addressed by their absolute index in a segment.

A stride is only judged once it has landed, so the detector looks back over the samples of the
stride in progress (and of the stance before it). It keeps them here, apart from the detection
rules (foot.py): this module only stores, makes room and drops; which samples may go is the
detector's decision (FootDetector._keep_from), so that what a look-back sees never depends on how
the samples were batched (docs/batch_invariance.md).
"""

from __future__ import annotations

import numpy as np

from .types import FloatArray


class SampleBuffer:
    """Rows of time, acceleration and rotation rate; row 0 is absolute sample `base`."""

    def __init__(self, history: int) -> None:
        # Rows kept whatever the batch size (only a degenerate stream, e.g. a glide that never
        # ends, needs more; then the oldest go, see make_room).
        self.history = history
        self.cap = history
        self.t = np.empty(self.cap)
        self.acc = np.empty((self.cap, 3))
        self.gyro = np.empty((self.cap, 3))
        self.base = 0  # absolute index of row 0
        self.n = 0

    def clear(self) -> None:
        """Forget every sample; the next one is absolute index 0 (a new segment)."""
        self.n = 0
        self.base = 0

    def row(self, absolute: int) -> int:
        """The row of an absolute sample index."""
        return absolute - self.base

    def fits(self, n: int) -> bool:
        """Whether n more samples fit without making room."""
        return self.n + n <= self.cap

    def append(self, t: FloatArray, acc: FloatArray, gyro: FloatArray | None) -> int:
        """Store samples (there must be room, see fits/make_room); the first one's absolute index.

        Without a gyro its rows keep whatever they held: nothing reads them then.
        """
        lo, hi = self.n, self.n + len(t)
        self.t[lo:hi] = t
        self.acc[lo:hi] = acc
        if gyro is not None:
            self.gyro[lo:hi] = gyro
        self.n = hi
        return self.base + lo

    def make_room(self, n: int, keep_from: int) -> bool:
        """Room for n more samples, dropping only rows before absolute index `keep_from`.

        Whether any rows were dropped.

        What is still needed stays (up to `history` rows), growing the buffer for a big batch:
        how much of a look-back survives must not depend on the batch size.
        """
        dropped = self.drop(max(keep_from - self.base, self.n - self.history))
        if self.n + n > self.cap:
            self.cap = self.n + n + self.history
            self.t = np.resize(self.t, self.cap)
            self.acc = np.resize(self.acc, (self.cap, 3))
            self.gyro = np.resize(self.gyro, (self.cap, 3))
        return dropped

    def drop(self, count: int) -> bool:
        """Drop the oldest `count` rows; whether there were any (count > 0)."""
        if count <= 0:
            return False
        keep = self.n - count
        self.t[:keep] = self.t[count : self.n]
        self.acc[:keep] = self.acc[count : self.n]
        self.gyro[:keep] = self.gyro[count : self.n]
        self.n = keep
        self.base += count
        return True
