"""Turning device timestamps (or receive times) into one monotonic per-connection timeline.

Shared by every decoder so that duplicates, stale frames, gaps, counter wrap-around and device
clock jumps are judged the same way for all wearables.
"""

import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray

from .base import DecodeError

# A frame whose device time lies this far behind the expected next sample is not a late BLE
# frame (notifications on one link arrive in order; proxies reorder at most a few packets) but a
# device clock that jumped, e.g. a Polar H10 falling back to its default date.
JUMP_WINDOW_S = 2.0
# Receive times jitter with connection events and proxy buffering; a device gap that exceeds the
# receive-time gap by more than this is a clock jump rather than lost samples.
RECEIVE_SLACK_S = 1.0


class Unwrapper:
    """Extends a wrapping device counter (e.g. uint32 µs) to an unbounded count of ticks."""

    def __init__(self, bits: int | None) -> None:
        self._modulus = None if bits is None else 1 << bits
        self._last_raw: int | None = None
        self._last_ext = 0

    def peek(self, raw: int) -> int:
        """Return `raw` extended relative to the last committed value (nearest either way)."""
        if self._modulus is None or self._last_raw is None:
            return raw
        delta = (raw - self._last_raw) % self._modulus
        if delta >= self._modulus // 2:
            delta -= self._modulus
        return self._last_ext + delta

    def commit(self, raw: int, extended: int) -> None:
        """Accept `raw` as the new reference once its frame was delivered."""
        self._last_raw = raw
        self._last_ext = extended


def uniform(first: float, n: int, period: float) -> FloatArray:
    """Return times of `n` evenly spaced samples starting at `first`."""
    return first + np.arange(n, dtype=np.float64) * period


class Timeline:
    """Places device-timestamped samples on the connection timeline.

    `place` takes the device times of a frame's samples (seconds, already unwrapped) and the
    nominal sample period, and returns timeline times plus the number of samples judged lost
    since the previous accepted frame (and inside this one). Raises DecodeError("duplicate" or
    "stale") for frames behind what was already delivered; device clock jumps re-anchor the
    timeline instead of producing time that runs backwards or leaps ahead.
    """

    def __init__(self) -> None:
        self._offset: float | None = None
        self._next = 0.0
        self._last_first_dev: float | None = None
        self._last_received = 0.0

    def is_clock_jump(self, first_dev: float, received: float) -> bool:
        """Whether a frame starting at device time `first_dev` means the device clock jumped."""
        if self._offset is None:
            return False
        gap = first_dev + self._offset - self._next
        if gap < -JUMP_WINDOW_S:
            return True
        return gap > JUMP_WINDOW_S and gap > received - self._last_received + RECEIVE_SLACK_S

    def place(self, t_dev: FloatArray, period: float, received: float) -> tuple[FloatArray, int]:
        """Return timeline times for device sample times and the samples lost before them."""
        n = int(t_dev.size)
        if n == 0:
            raise DecodeError("length", "frame without samples")
        steps = np.diff(t_dev)
        if not np.all(np.isfinite(t_dev)) or np.any(steps <= 0):
            raise DecodeError("timestamp", "sample times not increasing")
        first_dev = float(t_dev[0])
        lost = 0
        if self._offset is None:
            self._offset = -first_dev
        elif self.is_clock_jump(first_dev, received):
            lost = _lost_by_receive_time(received - self._last_received, n, period)
            self._offset = self._next + lost * period - first_dev
        else:
            gap = first_dev + self._offset - self._next
            if gap < -0.75 * period:
                reason = "duplicate" if first_dev == self._last_first_dev else "stale"
                raise DecodeError(reason, f"frame starts {-gap:.3f} s before the expected sample")
            if gap > 0:
                lost = math.floor(gap / period + 0.25)
        lost += int(np.sum(np.maximum(0, np.floor(steps / period + 0.25) - 1)))
        t = t_dev + self._offset
        self._next = float(t[-1]) + period
        self._last_first_dev = first_dev
        self._last_received = received
        return t, lost


def _lost_by_receive_time(received_gap: float, n: int, period: float) -> int:
    # After a clock jump the device time says nothing about the gap; the receive time does, but
    # only coarsely: a contiguous frame arrives one frame duration after the previous one, and
    # anything within the slack of that is jitter.
    excess = received_gap - n * period
    return round(excess / period) if excess > RECEIVE_SLACK_S else 0


class ReceiveTimeline:
    """Sample times for devices without timestamps: the nominal rate, re-synced to receive time."""

    def __init__(self, period: float) -> None:
        self._period = period
        self._origin: float | None = None
        self._next = 0.0
        self._resync = max(0.3, 10 * period)

    def place(self, n: int, received: float) -> tuple[FloatArray, int]:
        """Return times for `n` samples received now and the samples judged lost before them."""
        period = self._period
        if self._origin is None:
            self._origin = received - (n - 1) * period
        arrival = received - self._origin
        first_if_on_time = arrival - (n - 1) * period
        lost = 0
        start = self._next
        if first_if_on_time - self._next > self._resync:
            lost = round((first_if_on_time - self._next) / period)
            start = self._next + lost * period
        elif self._next - first_if_on_time > self._resync:
            # Running ahead of the radio means the device samples slower than nominal; pull back
            # without ever letting time go backwards.
            start = max(first_if_on_time, self._next - 0.5 * period)
        t = start + np.arange(n, dtype=np.float64) * period
        self._next = float(t[-1]) + period
        return t, lost
