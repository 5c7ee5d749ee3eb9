"""Learning which horizontal direction (in a sensor-fixed level frame) is "forward".

Automatic learning takes the mode of a histogram of stride angles. Where a stride can say which way
the foot faces (facing.py: a foot sensor with a gyroscope), it votes for the toes' direction, so
backward walking confirms forward; otherwise it votes for where it went, because people walk
forwards most of the time. An explicit calibration walk pins the sign; afterwards strides near the
calibrated axis (forwards or backwards) only refine it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .types import Direction

BINS = 72
_BIN = 2 * math.pi / BINS
# Old strides fade (half-life ~350 strides) so a sensor that was remounted is re-learned.
_DECAY = 0.998
_KERNEL = np.array([1.0, 2.0, 3.0, 2.0, 1.0])
_PEAK_HALF_WIDTH = 6  # bins (30 degrees) averaged around the histogram peak
_REFINE_RATE = 0.02
_REFINE_WINDOW = math.radians(30)
_SIDE_LIMIT = math.radians(45)  # |angle| up to this is forward, beyond 180 minus this backward
# A cue (facing.py) this strong labels an empty axis's first stride: a side step's pitch says
# nothing, and a cue near 0 from it must not make a new wearer's first side steps backward.
_CLEAR_CUE = 0.5


def wrap(angle: float) -> float:
    """Angle in (-pi, pi]."""
    return math.atan2(math.sin(angle), math.cos(angle))


class ForwardAxis:
    """The learned forward angle and the stride classifier built on it."""

    def __init__(self) -> None:
        # A backward walk the user declared: its strides must not outvote forward in the
        # histogram (GaitEngine.hold_forward). Not saved: a session is not.
        self.held = False
        self.clear()

    def clear(self) -> None:
        """Forget everything learned (also used when the sensor was remounted)."""
        self._hist = np.zeros(BINS)
        self._strides = 0
        self._calibrated: float | None = None
        self._collecting: list[float] | None = None
        self.quality: float | None = None

    @property
    def calibrated(self) -> bool:
        """True once a calibration walk pinned the axis."""
        return self._calibrated is not None

    def forward(self) -> float | None:
        """Forward angle in radians, or None before any stride was seen."""
        if self._calibrated is not None:
            return self._calibrated
        if self._strides == 0 or not self._hist.any():
            return None
        padded = np.concatenate((self._hist[-2:], self._hist, self._hist[:2]))
        smooth = np.convolve(padded, _KERNEL, mode="valid")
        peak = int(np.argmax(smooth))
        idx = np.arange(peak - _PEAK_HALF_WIDTH, peak + _PEAK_HALF_WIDTH + 1) % BINS
        centres = (idx + 0.5) * _BIN
        weights = self._hist[idx]
        return math.atan2(float(weights @ np.sin(centres)), float(weights @ np.cos(centres)))

    def observe(self, angle: float, weight: float = 1.0, toes: float | None = None) -> None:
        """Learn from one stride (call after classify, so a stride does not vote for itself).

        `toes` is facing.toes_ahead's cue for a stride along the axis's line (+1: the toes point
        where it went, -1: the opposite way); the stride then votes for the toes' direction, with
        the cue's strength. None: it votes for where it went.
        """
        if self._collecting is not None:
            self._collecting.append(angle)
        elif self.held:
            return
        if toes is not None:
            weight *= abs(toes)
            if toes < 0:
                angle = wrap(angle + math.pi)
        if not weight > 0.0:
            return  # a stride that says nothing about the axis (a cue of 0) teaches it nothing
        self._hist *= _DECAY
        self._hist[int((angle % (2 * math.pi)) / _BIN) % BINS] += weight
        self._strides += 1
        if self._calibrated is not None:
            rel = wrap(angle - self._calibrated)
            if abs(rel) > math.pi / 2:
                rel = wrap(rel - math.pi)
            if abs(rel) < _REFINE_WINDOW:
                self._calibrated = wrap(self._calibrated + _REFINE_RATE * rel)

    def classify(self, angle: float, toes: float | None = None) -> tuple[Direction, float]:
        """Direction of a stride and a confidence in 0.5..1 (`toes` as for observe)."""
        fwd = self.forward()
        if fwd is None:
            # The first stride ever seen defines forward until more evidence arrives, unless
            # its own pitch said clearly (half a vote or more) that the toes point the other way.
            behind = toes is not None and toes <= -_CLEAR_CUE
            return (Direction.BACKWARD if behind else Direction.FORWARD), 0.5
        rel = wrap(angle - fwd)
        mag = abs(rel)
        if mag <= _SIDE_LIMIT:
            direction, margin = Direction.FORWARD, _SIDE_LIMIT - mag
        elif mag >= math.pi - _SIDE_LIMIT:
            direction, margin = Direction.BACKWARD, mag - (math.pi - _SIDE_LIMIT)
        else:
            direction = Direction.LEFT if rel > 0 else Direction.RIGHT
            margin = min(mag - _SIDE_LIMIT, math.pi - _SIDE_LIMIT - mag)
        certainty = 1.0 if self.calibrated else min(1.0, 0.5 + self._strides / 20)
        return direction, 0.5 + 0.5 * min(1.0, margin / math.radians(30)) * certainty

    def start_calibration(self) -> None:
        """Collect the following strides as known-forward."""
        self._collecting = []

    def stop_calibration(self) -> None:
        """Adopt the mean direction of the strides collected since start_calibration()."""
        angles = self._collecting
        self._collecting = None
        if not angles:
            self.quality = 0.0
            return
        s = sum(math.sin(a) for a in angles)
        c = sum(math.cos(a) for a in angles)
        resultant = math.hypot(s, c) / len(angles)
        self.quality = round(resultant * min(1.0, len(angles) / 5), 3)
        if len(angles) >= 2 and resultant > 0.5:
            self._calibrated = math.atan2(s, c)

    def cancel_calibration(self) -> None:
        """Stop collecting without adopting anything."""
        self._collecting = None

    def state(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "hist": [round(float(v), 4) for v in self._hist],
            "strides": self._strides,
            "calibrated": self._calibrated,
            "quality": self.quality,
        }

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore what state() returned; malformed parts fall back to defaults."""
        hist = np.asarray(state.get("hist", []), dtype=np.float64)
        self._hist = hist if hist.shape == (BINS,) and np.all(np.isfinite(hist)) else np.zeros(BINS)
        self._strides = int(state.get("strides", 0))
        cal = state.get("calibrated")
        self._calibrated = None if cal is None else float(cal)
        quality = state.get("quality")
        self.quality = None if quality is None else float(quality)
