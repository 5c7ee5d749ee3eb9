"""Forward kinematics: joint angles and positions to the sensor pose, one chain per placement.

The spans (walk.py, rest.py) say where the pelvis, trunk, left arm and left leg are at each
instant; the functions here turn that into the position of the sensor point and the orientation
(world <- segment) of the segment it is strapped to. Vectors are (3, n), rotations (3, 3, n).
"""

from __future__ import annotations

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray, Placement

from .shapes import euler_zyx, matmul, pitch_only, rotate
from .styles import (
    CHEST_SENSOR,
    FOOT_SENSOR,
    HIP,
    POCKET_SENSOR,
    SHANK_LENGTH,
    SHANK_SENSOR,
    SHOULDER,
    UPPER_ARM,
    WAIST_SENSOR,
    WRIST_SENSOR,
)

ARM_ABDUCTION = float(np.radians(6.0))

type Pose = tuple[FloatArray, FloatArray]  # sensor point (3, n), world <- segment (3, 3, n)
type Angles = tuple[FloatArray, FloatArray, FloatArray]  # yaw, pitch, roll (n,) each


def foot_pose(ankle: FloatArray, foot: FloatArray) -> Pose:
    """Sensor on the laces of the left foot."""
    return ankle + rotate(foot, FOOT_SENSOR), foot


def shank_pose(
    ankle: FloatArray, inclination: FloatArray, roll: FloatArray, yaw: FloatArray | None = None
) -> Pose:
    """Sensor on the left shin; inclination is positive with the ankle ahead of the knee.

    `yaw` turns the leg with its foot (walking around a corner); None is facing ahead.
    """
    r = euler_zyx(np.zeros_like(roll) if yaw is None else yaw, -inclination, roll)
    return ankle + rotate(r, SHANK_SENSOR), r


def knee_position(
    ankle: FloatArray, inclination: FloatArray, yaw: FloatArray | None = None
) -> FloatArray:
    """The left knee from the ankle and the shank's inclination (ankle ahead of the knee > 0)."""
    knee = ankle.copy()
    behind = SHANK_LENGTH * np.sin(inclination)
    if yaw is None:
        knee[0] -= behind
    else:
        knee[0] -= behind * np.cos(yaw)
        knee[1] -= behind * np.sin(yaw)
    knee[2] += SHANK_LENGTH * np.cos(inclination)
    return knee


def thigh_pose(pelvis: FloatArray, pelvis_angles: Angles, knee: FloatArray) -> Pose:
    """Sensor in the left front trouser pocket: the thigh runs from the hip joint to the knee.

    The thigh's pitch follows the hip-knee line in the sagittal plane and its yaw the pelvis;
    the leg's small frontal-plane tilt is left out. Sitting turns the thigh to nearly level.
    """
    yaw = pelvis_angles[0]
    hip = pelvis + rotate(euler_zyx(*pelvis_angles), HIP)
    along = knee - hip
    # Pitch of the segment whose -z axis points from the hip to the knee (flexion < 0, as the
    # arm's): 0 standing, about -100 degrees sitting.
    forward = np.cos(yaw) * along[0] + np.sin(yaw) * along[1]
    r = euler_zyx(yaw, -np.arctan2(forward, -along[2]), np.zeros_like(yaw))
    return hip + rotate(r, POCKET_SENSOR), r


def waist_pose(pelvis: FloatArray, angles: Angles) -> Pose:
    """Sensor on the belt."""
    r = euler_zyx(*angles)
    return pelvis + rotate(r, WAIST_SENSOR), r


def chest_pose(pelvis: FloatArray, trunk: Angles) -> Pose:
    """Sensor on the sternum (the trunk pivots about the lumbar joint at the pelvis)."""
    r = euler_zyx(*trunk)
    return pelvis + rotate(r, CHEST_SENSOR), r


def wrist_pose(
    pelvis: FloatArray,
    trunk: Angles,
    flex: FloatArray,
    elbow: FloatArray,
    roll: FloatArray | None,
    swing_out: FloatArray | None = None,
) -> Pose:
    """Sensor on the back of the left wrist: trunk, shoulder, elbow, forearm roll.

    `swing_out` turns the upper arm about the trunk's vertical axis (a horizontal ab-/adduction
    at the shoulder; None: none), which moves the hand sideways without tilting the forearm.
    """
    r_trunk = euler_zyx(*trunk)
    yaw = np.zeros_like(flex) if swing_out is None else swing_out
    upper = matmul(r_trunk, euler_zyx(yaw, -flex, np.full_like(flex, ARM_ABDUCTION)))
    fore = matmul(upper, pitch_only(-elbow))
    if roll is not None:
        zero = np.zeros_like(roll)
        fore = matmul(fore, euler_zyx(roll, zero, zero))
    shoulder = pelvis + rotate(r_trunk, SHOULDER)
    return shoulder + rotate(upper, UPPER_ARM) + rotate(fore, WRIST_SENSOR), fore


def trunk_pose(
    placement: Placement, pelvis: FloatArray, pelvis_angles: Angles, trunk: Angles
) -> Pose:
    """Waist or chest pose from the pelvis and trunk (shared by both span kinds)."""
    if placement is Placement.WAIST:
        return waist_pose(pelvis, pelvis_angles)
    return chest_pose(pelvis, trunk)
