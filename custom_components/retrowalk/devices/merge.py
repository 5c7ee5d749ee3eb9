"""Pairing accelerometer and gyroscope samples that a device streams as separate frames."""

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray

from .timeline import JUMP_WINDOW_S

_EMPTY_T = np.zeros(0, dtype=np.float64)
_EMPTY_XYZ = np.zeros((0, 3), dtype=np.float64)


class _Stream:
    def __init__(self) -> None:
        self.t = _EMPTY_T
        self.v = _EMPTY_XYZ
        self.last: float | None = None

    def push(self, t: FloatArray, v: FloatArray) -> int:
        """Append samples newer than anything seen; returns how many were new."""
        if self.last is not None and t[0] < self.last - JUMP_WINDOW_S:
            self.t, self.v, self.last = _EMPTY_T, _EMPTY_XYZ, None
        keep = slice(None) if self.last is None else t > self.last
        t, v = t[keep], v[keep]
        if t.size:
            self.t = np.concatenate([self.t, t])
            self.v = np.concatenate([self.v, v])
            self.last = float(t[-1])
        return int(t.size)


class ImuMerger:
    """Pairs acc and gyro samples of one device clock by interpolating gyro at acc sample times.

    Acc samples wait until gyro covers them; if gyro stays silent the waiting acc samples are
    released without gyro rather than stalling the step counter. How long is "silent" depends
    on the frames: the gyro twin of an acc frame can only arrive after it, once its own frame is
    complete, so the wait is `hold_frames` times the longest frame seen on either stream (a
    Verity Sense frame of 57 samples at 52 Hz spans 1.1 s), and at least `hold_s`.
    """

    def __init__(
        self, hold_s: float = 1.0, tolerance_s: float = 0.05, hold_frames: float = 1.5
    ) -> None:
        self._acc = _Stream()
        self._gyro = _Stream()
        self._hold_s = hold_s
        self._tolerance_s = tolerance_s
        self._hold_frames = hold_frames
        self._longest_frame_s = 0.0

    def push_acc(self, t: FloatArray, acc: FloatArray) -> int:
        """Queue acc samples (device seconds) of one frame; returns how many were new."""
        self._saw_frame(t)
        return self._acc.push(t, acc)

    def push_gyro(self, t: FloatArray, gyro: FloatArray) -> int:
        """Queue gyro samples (device seconds) of one frame; returns how many were new."""
        self._saw_frame(t)
        return self._gyro.push(t, gyro)

    @property
    def hold_s(self) -> float:
        """How long acc samples wait for their gyro before going without."""
        return max(self._hold_s, self._hold_frames * self._longest_frame_s)

    def _saw_frame(self, t: FloatArray) -> None:
        # A frame of n samples covers n sample periods: its span plus one step.
        n = int(t.size)
        if n > 1:
            self._longest_frame_s = max(self._longest_frame_s, float(t[-1] - t[0]) * n / (n - 1))

    def pop(self) -> tuple[FloatArray, FloatArray, FloatArray | None] | None:
        """Release the acc samples that can be paired (or must go without gyro), oldest first."""
        acc, gyro = self._acc, self._gyro
        if acc.t.size == 0:
            return None
        if gyro.t.size:
            # Acc samples from before the gyro stream began have no gyro to pair with.
            early = int(np.searchsorted(acc.t, gyro.t[0] - self._tolerance_s, side="left"))
            if early:
                return self._release(early, None)
            if acc.t[0] <= gyro.t[-1]:
                n = int(np.searchsorted(acc.t, gyro.t[-1], side="right"))
                t = acc.t[:n]
                g = np.column_stack([np.interp(t, gyro.t, gyro.v[:, k]) for k in range(3)])
                # Keep the last gyro sample at or before the released acc: it brackets the next one.
                first_kept = max(0, int(np.searchsorted(gyro.t, t[-1], side="right")) - 1)
                gyro.t, gyro.v = gyro.t[first_kept:], gyro.v[first_kept:]
                return self._release(n, g)
        if acc.t[-1] - acc.t[0] >= self.hold_s:
            return self._release(acc.t.size, None)
        return None

    def _release(
        self, n: int, gyro: FloatArray | None
    ) -> tuple[FloatArray, FloatArray, FloatArray | None]:
        acc = self._acc
        t, a = acc.t[:n], acc.v[:n]
        acc.t, acc.v = acc.t[n:], acc.v[n:]
        return t, a, gyro
