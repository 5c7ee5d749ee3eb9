"""Streaming gait engine: steps labelled forward, backward, left or right from a wearable IMU.

Pure Python + NumPy; no Home Assistant imports anywhere in this package.
"""

from .engine import EngineUpdate, GaitEngine
from .types import Bout, CalibrationState, Direction, Placement, StepEvent

__all__ = [
    "Bout",
    "CalibrationState",
    "Direction",
    "EngineUpdate",
    "GaitEngine",
    "Placement",
    "StepEvent",
]
