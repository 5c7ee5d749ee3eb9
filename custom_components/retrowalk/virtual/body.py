"""Assembling a sensor's pose from the body's joint angles (forward kinematics).

The spans (walk.py, rest.py) say where the pelvis, trunk, arm and left foot are at each instant;
this module turns that into the position of the sensor point and the orientation of the segment
it is strapped to. One chain per placement, so only the segments a placement needs are computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..gait.types import Direction, Placement
from .segments import Segment
from .shapes import FloatArray, euler_zyx, rotate
from .styles import (
    CHEST_SENSOR,
    FOOT_SENSOR,
    SHANK_SENSOR,
    SHOULDER,
    UPPER_ARM,
    WAIST_SENSOR,
    WRIST_SENSOR,
)

ARM_ABDUCTION = np.radians(6.0)


@dataclass(frozen=True, slots=True)
class Trunk:
    """Pelvis position, pelvis and trunk (thorax) Euler angles, one row per instant."""

    pelvis: FloatArray  # (n, 3)
    pelvis_angles: tuple[FloatArray, FloatArray, FloatArray]  # yaw, pitch, roll
    trunk_angles: tuple[FloatArray, FloatArray, FloatArray]


@dataclass(frozen=True, slots=True)
class Arm:
    """Left arm joint angles: shoulder flexion, elbow flexion, forearm roll (None when still)."""

    flex: FloatArray
    elbow: FloatArray
    roll: FloatArray | None


@dataclass(frozen=True, slots=True)
class Leg:
    """Left ankle position, foot orientation and shank inclination / roll."""

    ankle: FloatArray  # (n, 3)
    foot: FloatArray  # (n, 3, 3) world <- foot
    shank: FloatArray  # inclination, positive with the ankle ahead of the knee
    shank_roll: FloatArray


class Span(Protocol):
    """A stretch of the wearer's time with its own motion model."""

    @property
    def start(self) -> float:
        """Scenario time (s) where the span begins."""
        ...

    @property
    def end(self) -> float:
        """Scenario time (s) where the next span begins."""
        ...

    @property
    def segment(self) -> Segment:
        """The scenario segment this span belongs to."""
        ...

    @property
    def steps(self) -> tuple[tuple[float, Direction], ...]:
        """True steps (contact time, direction) within the span."""
        ...

    def leg(self, t: FloatArray) -> Leg:
        """The instrumented (left) leg."""
        ...

    def trunk(self, t: FloatArray) -> Trunk:
        """Pelvis and trunk."""
        ...

    def arm(self, t: FloatArray, trunk: Trunk) -> Arm:
        """The instrumented (left) arm."""
        ...


def sensor_pose(span: Span, placement: Placement, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """World position of the sensor point (n, 3) and world <- segment rotations (n, 3, 3)."""
    if placement in (Placement.FOOT, Placement.SHANK):
        leg = span.leg(t)
        if placement is Placement.FOOT:
            return leg.ankle + rotate(leg.foot, FOOT_SENSOR), leg.foot
        zero = np.zeros(len(t))
        r = euler_zyx(zero, -leg.shank, leg.shank_roll)
        return leg.ankle + rotate(r, SHANK_SENSOR), r
    trunk = span.trunk(t)
    if placement is Placement.WAIST:
        r = euler_zyx(*trunk.pelvis_angles)
        return trunk.pelvis + rotate(r, WAIST_SENSOR), r
    r_trunk = euler_zyx(*trunk.trunk_angles)
    if placement is Placement.CHEST:
        return trunk.pelvis + rotate(r_trunk, CHEST_SENSOR), r_trunk
    arm = span.arm(t, trunk)
    n = len(t)
    upper = r_trunk @ euler_zyx(np.zeros(n), -arm.flex, np.full(n, ARM_ABDUCTION))
    fore = upper @ euler_zyx(np.zeros(n), -arm.elbow, np.zeros(n))
    if arm.roll is not None:
        fore = fore @ euler_zyx(arm.roll, np.zeros(n), np.zeros(n))
    shoulder = trunk.pelvis + rotate(r_trunk, SHOULDER)
    wrist = shoulder + rotate(upper, UPPER_ARM) + rotate(fore, WRIST_SENSOR)
    return wrist, fore
