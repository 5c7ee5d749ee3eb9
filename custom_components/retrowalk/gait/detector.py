"""The per-placement detector contract and the factory choosing one per placement."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from .foot import FootDetector
from .trunk import TrunkDetector
from .types import Keep, Placement, StepEvent

# A detector may put this key (a float in 0..1) in state() once a calibration walk finished; the
# engine reports it as CalibrationState.quality.
CALIBRATION_QUALITY_KEY = "calibration_quality"


class Detector(Protocol):
    """Turns uniformly sampled, gap-free IMU data of one placement into step events."""

    fs: float  # the uniform rate the detector wants; the engine resamples to it

    def feed(
        self,
        t: npt.NDArray[np.float64],
        acc: npt.NDArray[np.float64],
        gyro: npt.NDArray[np.float64] | None,
    ) -> list[StepEvent]:
        """Consume contiguous uniform samples; return the steps newly confirmed, in time order.

        acc is m/s^2 including gravity (N, 3), gyro rad/s (N, 3) or None. A step may be confirmed
        retroactively, at most about 1.5 s after it happened, and is returned exactly once. A
        foot/shank detector returns two steps per stride of the instrumented foot.
        """
        ...

    def reset(self) -> None:
        """Drop signal buffers after a gap; keep calibration."""
        ...

    def end_segment(self) -> list[StepEvent]:
        """The data stops (a gap or the end of the stream): steps it showed, then reset().

        Those are steps no later data can confirm, such as the ones of a stride it cut.
        """
        ...

    def calibrate_forward(self, active: bool) -> None:
        """While active, walking is known to be forward: learn the forward axis from it."""
        ...

    def hold_forward(self, held: bool) -> None:
        """While held, the automatic forward axis learns nothing (a declared backward walk)."""
        ...

    def gate(self, keep: Keep) -> None:
        """From now on feed() and end_segment() return only the steps `keep` keeps.

        `keep` is the walking gate's add() (GaitEngine). A detector may learn from those steps
        alone, as each batch it labels is kept, so that what it learns does not depend on how
        the samples were batched (the trunk's does; the foot's heading learns from every stride
        it measures). Until then every candidate is kept.
        """
        ...

    def state(self) -> dict[str, Any]:
        """JSON-safe calibration and learned state."""
        ...

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore what state() returned."""
        ...


def make_detector(placement: Placement) -> Detector:
    """Return a fresh detector suited to where the sensor is worn."""
    if placement in (Placement.FOOT, Placement.SHANK):
        return FootDetector(placement)
    return TrunkDetector(placement)  # waist, thigh, chest, wrist; gate.py judges each its own way
