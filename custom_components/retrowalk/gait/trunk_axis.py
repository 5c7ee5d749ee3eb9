"""Learning which way is forward for a trunk-worn sensor, from walking it sees.

Each step the walking gate keeps contributes the unit vector of its quadrature feature (see
trunk_signal.quadrature; StepFeatures.quadrature, learned in TrunkDetector._label): in
the sensor frame it points along the anterior-posterior axis, one way for forward walking and the
other way for backward walking. The sum over many steps therefore points "forward" as long as
most walking is forward (the automatic estimate), and a calibration walk gives a sum that is
forward by definition; once it exists it wins, because a user of this app may well walk backwards
for long stretches and must not flip the automatic estimate.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .types import FloatArray

# Caps the automatic estimate's memory so an old mounting is forgotten after a few thousand steps.
AUTO_MAX_WEIGHT = 3000.0
# Calibration steps needed before the calibrated axis is trusted over the automatic one.
MIN_CALIBRATION_STEPS = 4


def _vector(value: Any) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != (3,) or not np.all(np.isfinite(arr)):
        raise ValueError("expected a finite 3-vector")
    return arr


class ForwardAxis:
    """Automatic and calibrated estimates of the forward direction in the sensor frame."""

    def __init__(self) -> None:
        self.auto = np.zeros(3)
        self.auto_weight = 0.0
        self.calibrated = np.zeros(3)
        self.calibrated_steps = 0
        self.quality: float | None = None
        self._cal_sum = np.zeros(3)
        self._cal_n = 0
        self.calibrating = False
        # A backward walk the user declared: its steps must not teach the automatic estimate
        # that most walking is forward (GaitEngine.hold_forward). Not saved: a session is not.
        self.held = False

    def start_calibration(self) -> None:
        """Begin collecting a calibration walk (replaces any earlier calibration when done)."""
        self.calibrating = True
        self._cal_sum = np.zeros(3)
        self._cal_n = 0

    def stop_calibration(self) -> None:
        """Finish a calibration walk; keep it if it had enough steps."""
        self.calibrating = False
        if self._cal_n >= MIN_CALIBRATION_STEPS:
            norm = float(np.linalg.norm(self._cal_sum))
            self.calibrated = self._cal_sum / max(norm, 1e-12)
            self.calibrated_steps = self._cal_n
            # Mean resultant length: 1 when every step agreed on the axis, 0 when random.
            self.quality = round(norm / self._cal_n, 3)

    def add(self, unit: FloatArray) -> None:
        """Learn from one walking step's unit quadrature vector."""
        if self.calibrating:
            self._cal_sum += unit
            self._cal_n += 1
            return
        if self.held:
            return
        # A running sum with a capped weight: new steps shift an established estimate slowly.
        self.auto_weight = min(self.auto_weight + 1.0, AUTO_MAX_WEIGHT)
        self.auto += (unit - self.auto) / self.auto_weight

    def forward(self) -> FloatArray | None:
        """Best current forward direction (unnormalised), or None before any walking was seen."""
        if self.calibrating and self._cal_n >= MIN_CALIBRATION_STEPS:
            return self._cal_sum
        if self.calibrated_steps:
            return self.calibrated
        if self.auto_weight > 0.0 and np.any(self.auto):
            return self.auto
        return None

    def state(self) -> dict[str, Any]:
        """JSON-safe learned state."""
        out: dict[str, Any] = {
            "auto": [float(x) for x in self.auto],
            "auto_weight": self.auto_weight,
            "calibrated": [float(x) for x in self.calibrated],
            "calibrated_steps": self.calibrated_steps,
        }
        if self.quality is not None:
            out["calibration_quality"] = self.quality
        return out

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state`; raises ValueError on malformed input and keeps the old state."""
        auto = _vector(state["auto"])
        weight = float(state["auto_weight"])
        calibrated = _vector(state["calibrated"])
        steps = int(state["calibrated_steps"])
        quality = state.get("calibration_quality")
        if not (math.isfinite(weight) and 0.0 <= weight <= AUTO_MAX_WEIGHT) or steps < 0:
            raise ValueError("bad forward-axis state")
        self.auto, self.auto_weight = auto, weight
        self.calibrated, self.calibrated_steps = calibrated, steps
        self.quality = None if quality is None else float(quality)
