"""Value types shared by the gait engine and its callers (no Home Assistant imports)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

# The one home of these two facts: the engine, the decoders, the virtual wearable and the tools
# import them from here.
type FloatArray = npt.NDArray[np.float64]
STANDARD_GRAVITY = 9.80665  # m/s², the conventional value (CGPM 1901); sensors report g in it


class Direction(StrEnum):
    """Walking direction of one step, relative to where the wearer faces."""

    FORWARD = "forward"
    BACKWARD = "backward"
    LEFT = "left"
    RIGHT = "right"


class Placement(StrEnum):
    """Where the sensor is worn; the physics the engine relies on differs per placement."""

    FOOT = "foot"
    SHANK = "shank"
    WAIST = "waist"
    THIGH = "thigh"  # trouser pocket: the sensor moves with the thigh
    CHEST = "chest"
    WRIST = "wrist"


@dataclass(frozen=True, slots=True, kw_only=True)
class StepEvent:
    """One step of either foot, reported exactly once."""

    t: float
    direction: Direction
    confidence: float
    # Foot/shank placements: the landing of the foot wearing the sensor (the other foot's steps
    # are inferred from its strides). False for every step at other placements.
    sensor_foot: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Bout:
    """A finished walking bout: consecutive steps without a pause."""

    start: float
    end: float
    direction: Direction
    steps: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationState:
    """Progress of an explicit "walk forward N steps" calibration."""

    active: bool
    steps_seen: int
    steps_needed: int
    done: bool
    # 0..1, how consistently the calibration strides pointed one way; None when the detector
    # cannot tell or no calibration finished yet.
    quality: float | None
