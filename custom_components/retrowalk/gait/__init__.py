"""Streaming gait engine: steps labelled forward, backward, left or right from a wearable IMU.

Pure Python + NumPy; no Home Assistant imports anywhere in this package.
"""

from .advice import backward_advice
from .engine import EngineUpdate, GaitEngine
from .types import (
    STANDARD_GRAVITY,
    Bout,
    CalibrationState,
    Direction,
    FloatArray,
    Placement,
    StepEvent,
)

# The public API: what the integration, tools/ and tests use without reaching into modules. The
# recording reader stays in gait.recording (public, imported on its own): tools/fuzz.py loads this
# package uninstrumented first and must still instrument the reader when it imports it.
__all__ = [
    "STANDARD_GRAVITY",
    "Bout",
    "CalibrationState",
    "Direction",
    "EngineUpdate",
    "FloatArray",
    "GaitEngine",
    "Placement",
    "StepEvent",
    "backward_advice",
]
