"""What the virtual wearer does: activities and scenario segments (validated on construction)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import math

from custom_components.retrowalk.gait.types import Direction


class Activity(StrEnum):
    """One thing the wearer does for a while."""

    SIT = "sit"
    STAND = "stand"
    # Arm work: seated eating and typing, brushing teeth standing at the sink.
    EAT = "eat"
    TYPE = "type"
    BRUSH = "brush"
    LIE = "lie"  # lying down in bed, rolling over now and then
    DRIVE = "drive"  # getting into a car, driving through town, getting out
    CYCLE = "cycle"  # getting on a bicycle, riding through town, getting off
    FORWARD = "forward"
    BACKWARD = "backward"
    LEFT = "left"
    RIGHT = "right"


# Activities without steps: a posture held, possibly with the arms at work.
POSTURES = frozenset(
    {
        Activity.SIT,
        Activity.STAND,
        Activity.EAT,
        Activity.TYPE,
        Activity.BRUSH,
        Activity.LIE,
        Activity.DRIVE,
        Activity.CYCLE,
    }
)
SEATED = frozenset({Activity.SIT, Activity.EAT, Activity.TYPE})
DIRECTIONS = {
    Activity.FORWARD: Direction.FORWARD,
    Activity.BACKWARD: Direction.BACKWARD,
    Activity.LEFT: Direction.LEFT,
    Activity.RIGHT: Direction.RIGHT,
}
# What people actually do when not told a cadence (steps/min): backward and sideways walking are
# markedly slower than forward walking.
TYPICAL_CADENCE = {
    **dict.fromkeys(POSTURES, 105.0),
    Activity.FORWARD: 105.0,
    Activity.BACKWARD: 85.0,
    Activity.LEFT: 75.0,
    Activity.RIGHT: 75.0,
}
MIN_CADENCE = 40.0
MAX_CADENCE = 160.0  # above this people run, and the model only walks
MAX_SECONDS = 7 * 86400.0
MAX_TURN = 360.0
TURNABLE = frozenset({Activity.FORWARD, Activity.BACKWARD})
MAX_STEPS = 1_000_000
# Getting in and out of a car and settling in take about 25 s (drive.py): shorter is no drive.
MIN_DRIVE_S = 60.0
# Getting on and off, pulling away and the last stop take about 20 s (cycle.py): shorter is no
# ride.
MIN_CYCLE_S = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A stretch of one activity: seconds for postures, seconds or steps for walking."""

    activity: Activity
    seconds: float | None = None
    steps: int | None = None
    cadence: float = 105.0  # steps per minute (walking only)
    # Degrees the walker turns (positive to the left) over the middle steps of a forward or
    # backward walk: an indoor walk around furniture, or a U-turn (180).
    turn: float = 0.0

    def __post_init__(self) -> None:
        try:
            activity = Activity(self.activity)
        except ValueError:
            names = ", ".join(a.value for a in Activity)
            raise ValueError(
                f"unknown activity {self.activity!r} (expected one of {names})"
            ) from None
        object.__setattr__(self, "activity", activity)
        if self.seconds is not None:
            if isinstance(self.seconds, bool) or not isinstance(self.seconds, int | float):
                raise ValueError(f"{activity}: seconds must be a number, got {self.seconds!r}")
            if not (math.isfinite(self.seconds) and 0.0 < self.seconds <= MAX_SECONDS):
                raise ValueError(f"{activity}: seconds must be in (0, {MAX_SECONDS:.0f}]")
            object.__setattr__(self, "seconds", float(self.seconds))
        if self.steps is not None and (
            isinstance(self.steps, bool)
            or not isinstance(self.steps, int)
            or not 1 <= self.steps <= MAX_STEPS
        ):
            raise ValueError(f"{activity}: steps must be an integer in 1..{MAX_STEPS}")
        if isinstance(self.cadence, bool) or not isinstance(self.cadence, int | float):
            raise ValueError(f"{activity}: cadence must be a number, got {self.cadence!r}")
        if not MIN_CADENCE <= self.cadence <= MAX_CADENCE:
            raise ValueError(
                f"{activity}: cadence {self.cadence} steps/min is outside "
                f"{MIN_CADENCE:.0f}..{MAX_CADENCE:.0f}"
            )
        object.__setattr__(self, "cadence", float(self.cadence))
        if isinstance(self.turn, bool) or not isinstance(self.turn, int | float):
            raise ValueError(f"{activity}: turn must be a number of degrees, got {self.turn!r}")
        if not (math.isfinite(self.turn) and abs(self.turn) <= MAX_TURN):
            raise ValueError(f"{activity}: turn must be within +-{MAX_TURN:.0f} degrees")
        if self.turn and activity not in TURNABLE:
            raise ValueError(f"{activity}: only forward and backward walks turn")
        object.__setattr__(self, "turn", float(self.turn))
        if activity in POSTURES:
            if self.seconds is None or self.steps is not None:
                raise ValueError(f"{activity}: give seconds (and no steps)")
            if activity is Activity.DRIVE and self.seconds < MIN_DRIVE_S:
                raise ValueError(f"{activity}: a drive lasts at least {MIN_DRIVE_S:.0f} s")
            if activity is Activity.CYCLE and self.seconds < MIN_CYCLE_S:
                raise ValueError(f"{activity}: a ride lasts at least {MIN_CYCLE_S:.0f} s")
        elif (self.seconds is None) == (self.steps is None):
            raise ValueError(f"{activity}: give exactly one of seconds or steps")

    @property
    def walking(self) -> bool:
        """Whether the wearer takes steps in this segment."""
        return self.activity not in POSTURES

    @property
    def direction(self) -> Direction | None:
        """The direction of every step of this segment (None without steps)."""
        return DIRECTIONS.get(self.activity)
