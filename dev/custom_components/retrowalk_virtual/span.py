"""The unit of a virtual wearer's day: a span of time with its own motion model.

plan.py cuts the scenario into spans; walk.py, rest.py and lying.py model them; imu.py and
model.py turn a span's pose into IMU samples.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from custom_components.retrowalk.gait.types import Direction, FloatArray, Placement

from .body import Pose
from .segments import Segment
from .shapes import BoolArray


@dataclass(frozen=True, slots=True, eq=False)
class Span(ABC):
    """A stretch of the wearer's time with its own motion model (walk.py, rest.py, lying.py)."""

    start: float  # scenario time (s) where the span begins
    end: float  # scenario time (s) where the next span begins
    segment: Segment  # the scenario segment this span belongs to
    steps: tuple[tuple[float, Direction], ...]  # true steps (contact time, direction) in the span

    @abstractmethod
    def pose(self, placement: Placement, t: FloatArray) -> Pose:
        """Where the sensor at `placement` is, and how its segment is turned, at times t."""

    @abstractmethod
    def busy(self, t: FloatArray) -> BoolArray:
        """Which of the sorted times t see more than slow sway (need full-rate kinematics)."""

    def carried(self, placement: Placement, t: FloatArray) -> FloatArray | None:
        """World acceleration (3, n) of whatever carries the body, on top of pose()'s motion.

        A car's braking, cornering and road vibration reach the body through the seat, floor and
        wheel: pose() is then the body relative to a frame moving with the car's translation,
        and this is that frame's acceleration at the part the sensor is on (the seat shakes the
        trunk differently from how the floor shakes the feet). None when the ground carries the
        body (everything but driving): nothing is added.
        """
        return None
