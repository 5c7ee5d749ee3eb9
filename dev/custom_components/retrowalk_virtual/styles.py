"""Body geometry, postures and per-direction gait styles of the virtual wearer.

Angles are radians. World frame: x forward (the way the wearer faces, which never changes), y to
the wearer's left, z up. Segment frames at rest share those axes. Pitch is a rotation about the
segment's y axis: positive tips its x axis down (toes down for the foot, leaning forward for the
trunk). Numbers are typical adult values from the gait literature, cross-checked against the
shared recordings' magnitudes (UCI foot IMU, Bandai mocap); none is fitted to a recording. The
backward pelvis' surge and bounce are forward's scaled by what eight real backward walks show
against the same people's forward ones (Erciyes' waist unit, docs/erciyes.md). On
the Bandai clips the pelvis' fore-aft acceleration leads its vertical acceleration by 92-119
degrees walking forward and lags it by 35-98 degrees walking backward (median about 55); the
pelvis rises and falls 4-10 cm per step. The surge phases and bounces below sit inside those.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray

from .segments import Activity
from .shapes import Keyframes, Periodic

deg = math.radians

ANKLE_HEIGHT = 0.08  # m, ankle joint above the floor
HALF_WIDTH = 0.10  # m, each foot's distance from the midline when standing
TOE_OUT = deg(7.0)
# Points on the foot relative to the ankle joint: where it rolls over, and where the sensor sits.
TOE = np.array([0.14, 0.0, -ANKLE_HEIGHT])
HEEL = np.array([-0.06, 0.0, -ANKLE_HEIGHT])
MIDSOLE = np.array([0.04, 0.0, -ANKLE_HEIGHT])
FOOT_SENSOR = np.array([0.08, 0.0, 0.01])  # on the laces
SHANK_SENSOR = np.array([0.04, 0.0, 0.15])  # front of the shin, above the ankle
WAIST_SENSOR = np.array([0.10, 0.12, 0.02])  # belt, front left of the pelvis centre
CHEST_SENSOR = np.array([0.11, 0.0, 0.35])  # sternum, from the lumbar joint
SHOULDER = np.array([0.0, 0.18, 0.45])  # left shoulder, from the lumbar joint
UPPER_ARM = np.array([0.0, 0.0, -0.30])
WRIST_SENSOR = np.array([0.0, 0.03, -0.24])  # back of the left wrist along the forearm
HIP = np.array([0.0, 0.09, -0.07])  # left hip joint, from the pelvis centre
SHANK_LENGTH = 0.43  # m, ankle to knee
# Front left trouser pocket: on the thigh's front, a little below the hip.
POCKET_SENSOR = np.array([0.07, 0.02, -0.12])


@dataclass(frozen=True, slots=True)
class Posture:
    """Where the body rests: pelvis relative to the feet, and joint angles."""

    pelvis_x: float  # m ahead of the feet
    pelvis_z: float  # m above the floor
    pelvis_pitch: float
    trunk_lean: float  # trunk pitch in the world
    shank: float  # shank inclination, positive with the ankle ahead of the knee
    arm_flex: float  # shoulder flexion (arm forward)
    elbow: float  # elbow flexion

    def vector(self) -> FloatArray:
        """The fields as an array, in declaration order (for blending)."""
        return np.array(
            [
                self.pelvis_x,
                self.pelvis_z,
                self.pelvis_pitch,
                self.trunk_lean,
                self.shank,
                self.arm_flex,
                self.elbow,
            ]
        )


STANDING = Posture(
    pelvis_x=0.0,
    pelvis_z=0.95,
    pelvis_pitch=0.0,
    trunk_lean=deg(3.0),
    shank=0.0,
    arm_flex=deg(3.0),
    elbow=deg(12.0),
)
# Sitting on a chair, feet flat ahead of the knees, forearms resting on the thighs.
SITTING = Posture(
    pelvis_x=-0.42,
    pelvis_z=0.50,
    pelvis_pitch=deg(-10.0),
    trunk_lean=deg(-4.0),
    shank=deg(8.0),
    arm_flex=deg(25.0),
    elbow=deg(70.0),
)
POSTURE_OF = {
    Activity.SIT: SITTING,
    Activity.EAT: SITTING,
    Activity.TYPE: SITTING,
    Activity.STAND: STANDING,
    Activity.BRUSH: STANDING,
}
# Sit-to-stand leans the trunk forward to bring the weight over the feet before rising.
TRANSFER_LEAN = deg(28.0)


@dataclass(frozen=True, slots=True, eq=False)
class GaitStyle:
    """How one kind of walking moves each segment.

    Foot events are in gait phase relative to the foot's contact (1.0 = one step period).
    """

    step_length: float  # m per step at ref_cadence (foot stride is two steps)
    ref_cadence: float
    sideways: bool
    pitch: Keyframes  # foot pitch around its contact; also sets the foot's moving window
    roll: Keyframes  # sideways: towards the walking direction
    swing_yaw: float  # extra toe-out at mid-swing
    translate: tuple[float, float]  # window of the foot's travel (ends at contact)
    pivot_switch: tuple[float, float]  # phase span where the rolling point moves to the other end
    pivot_early: FloatArray  # the foot rolls about this point while leaving the floor
    pivot_late: FloatArray  # and about this one while landing
    clearance: float  # m, extra lift of the ankle mid-swing
    impact: float  # m, how far the sole (and heel pad) compresses as the foot lands
    shank: Periodic | None  # shank inclination over the stride (0 = this foot's contact)
    shank_roll: float  # frontal-plane shank tilt during the foot's travel
    shank_lift: float  # shank inclination from the knee lifting the foot (without a stride shape)
    bounce: float  # m, pelvis vertical oscillation amplitude
    surge: float  # relative modulation of the forward speed over a step
    surge_phase: float  # shift of the speed minimum before mid-stance
    sway: float  # m, pelvis lateral sway towards the stance foot
    pelvis_yaw: float
    pelvis_roll: float
    pelvis_tilt: float
    trunk_lean: float  # extra lean while walking
    arm_swing: float

    def length_at(self, cadence: float) -> float:
        """Step length at a cadence: people lengthen and quicken their steps together."""
        ratio = min(max(cadence / self.ref_cadence, 0.5), 1.6)
        return float(self.step_length * ratio**0.8)

    @property
    def window(self) -> tuple[float, float]:
        """Phase span, around its contact, in which a foot is not flat and still on the floor."""
        lo, hi = self.pitch.span
        t0, t1 = self.translate
        r0, r1 = self.roll.span
        lo, hi = min(lo, r0), max(hi, r1)
        return min(lo, t0), max(hi, t1)


# Forward: heel-off, push-off over the toes, swing, heel strike, foot-flat about the heel.
FORWARD_STYLE = GaitStyle(
    step_length=0.70,
    ref_cadence=105.0,
    sideways=False,
    pitch=Keyframes([-1.1, -0.75, -0.02, 0.25], [0.0, deg(50.0), deg(-25.0), 0.0]),
    # The foot also tips in and out a little; its extremes fall between the pitch extremes, so
    # (as in real feet) it is never still in every axis at once during a swing.
    roll=Keyframes([-1.1, -0.5, -0.15, 0.25], [0.0, deg(6.0), deg(-3.0), 0.0]),
    swing_yaw=deg(4.0),
    translate=(-0.85, 0.0),
    pivot_switch=(-0.6, -0.2),
    pivot_early=TOE,
    pivot_late=HEEL,
    clearance=0.06,
    impact=0.003,
    # The shank rolls forward over the ankle all through stance (about 1.2 rad/s), faster as the
    # knee flexes in push-off, swings through fast (peak ~6 rad/s; Bandai's shanks reach 4.5-8.5)
    # and settles before contact.
    shank=Periodic(
        [0.0, 0.08, 0.45, 0.6, 0.7, 0.9],
        [deg(20.0), deg(18.0), deg(-10.0), deg(-45.0), deg(-30.0), deg(30.0)],
    ),
    shank_roll=0.0,
    shank_lift=0.0,
    bounce=0.021,
    surge=0.15,
    surge_phase=deg(-15.0),
    sway=0.025,
    pelvis_yaw=deg(4.0),
    pelvis_roll=deg(4.0),
    pelvis_tilt=deg(1.5),
    trunk_lean=deg(2.0),
    arm_swing=deg(18.0),
)
# Backward walking is close to forward walking played in reverse: the foot leaves by lifting its
# toes about the heel, swings back with the knee flexed and toes pointing down, touches with the
# toes and drops the heel quickly (peak pitch rates ~4 and ~8 rad/s, as in the UCI recordings).
# Shorter, slower steps.
BACKWARD_STYLE = GaitStyle(
    step_length=0.36,
    ref_cadence=85.0,
    sideways=False,
    # The toes flick up briefly and the foot reverses at once into the backward swing (the UCI
    # backward strides show this sharp reversal), so it is never momentarily still mid-stride.
    pitch=Keyframes([-1.0, -0.82, -0.06, 0.12], [0.0, deg(-16.0), deg(32.0), 0.0]),
    roll=Keyframes([-1.0, -0.35, 0.02, 0.12], [0.0, deg(5.0), deg(-3.0), 0.0]),
    swing_yaw=deg(4.0),
    translate=(-0.9, 0.0),
    pivot_switch=(-0.8, -0.5),
    pivot_early=HEEL,
    pivot_late=TOE,
    clearance=0.04,
    impact=0.002,
    # Stance rolls the shank the other way from forward walking (ankle from behind the knee to
    # ahead of it), and it keeps rolling until the foot lifts: while the foot is still down the
    # knee keeps pace with the body, so the shank turns at about walking speed / shank length
    # (Bandai's walk-back captures: rate at the lift x shank length / walking speed 0.98 median
    # [0.50, 1.25], the thigh barely turning, -0.17 rad/s). Only then does it reverse, swinging
    # back early and fast (Bandai: peak 0.37 of the way through the swing) and settling as the
    # toes reach for the floor. The outline that was forward walking played in reverse had the
    # shank almost stopped at the lift (0.17 of walking speed / shank length), so an ankle strap
    # passed the still test while the foot already travelled (docs/shank_walktest.md).
    shank=Periodic(
        [0.0, 0.15, 0.5, 0.64, 0.82, 0.92],
        [deg(-38.0), deg(-8.5), deg(12.0), deg(24.0), deg(-20.0), deg(-28.0)],
    ),
    shank_roll=0.0,
    shank_lift=0.0,
    # Real backward walking at the waist (eight people, docs/erciyes.md) keeps forward walking's
    # fore-aft at the step's frequency with about half its vertical (|H| 1.28 against 1.25 m/s²,
    # |V| 0.93 against 1.67; cadence 90 against 102 a minute), so the pelvis surges by about 1.3
    # times forward walking's distance and rises about 0.7 times as far. The surge is relative
    # to the (halved) step length: 0.385 (0.15 until the nineteenth session, whose |V|/|H| of
    # 3.0 no real backward walk shows; it reads 0.83 now, the real ones 0.74).
    bounce=0.015,
    surge=0.385,
    surge_phase=deg(-35.0),
    sway=0.02,
    pelvis_yaw=deg(3.0),
    pelvis_roll=deg(3.0),
    pelvis_tilt=deg(1.0),
    trunk_lean=deg(4.0),
    arm_swing=deg(10.0),
)
# Side-stepping: the leading foot steps out, the trailing foot closes. The foot lifts toes first,
# tips onto its outer edge as it travels and lands on it (UCI side-shuffles roll far more).
SIDEWAYS_STYLE = GaitStyle(
    step_length=0.35,
    ref_cadence=75.0,
    sideways=True,
    # Pitch, roll and yaw peak at different moments, as real feet do: a swinging foot is never
    # still in every axis at once.
    pitch=Keyframes([-0.7, -0.5, -0.2, 0.1], [0.0, deg(12.0), deg(-6.0), 0.0]),
    roll=Keyframes([-0.7, -0.38, -0.04, 0.12], [0.0, deg(-10.0), deg(14.0), 0.0]),
    swing_yaw=deg(10.0),
    translate=(-0.6, 0.0),
    pivot_switch=(-0.6, -0.2),
    pivot_early=MIDSOLE,
    pivot_late=MIDSOLE,
    clearance=0.04,
    impact=0.0015,
    shank=None,
    shank_roll=deg(10.0),
    shank_lift=deg(-25.0),
    bounce=0.008,
    surge=0.12,
    surge_phase=0.0,
    sway=0.0,
    pelvis_yaw=0.0,
    pelvis_roll=deg(2.0),
    pelvis_tilt=deg(1.0),
    trunk_lean=deg(1.0),
    arm_swing=deg(3.0),
)
STYLE_OF = {
    Activity.FORWARD: FORWARD_STYLE,
    Activity.BACKWARD: BACKWARD_STYLE,
    Activity.LEFT: SIDEWAYS_STYLE,
    Activity.RIGHT: SIDEWAYS_STYLE,
}
# Unit walking direction in the world's horizontal plane.
HEADING_OF = {
    Activity.FORWARD: np.array([1.0, 0.0]),
    Activity.BACKWARD: np.array([-1.0, 0.0]),
    Activity.LEFT: np.array([0.0, 1.0]),
    Activity.RIGHT: np.array([0.0, -1.0]),
}
