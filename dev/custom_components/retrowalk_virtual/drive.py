"""Driving a car: getting in, driving through town, getting out.

The span starts and ends standing beside the driver's door, back to the seat (as a walk leaves
the wearer: standing, facing +x). Getting in (from memory of car-ingress studies: 3-6 s) is a
sit-down onto the seat edge, ducking under the roof, then both legs swung in over the sill while
the body turns 90 degrees on the seat to face the car's forward; getting out is the same played
backwards. In between, the car (traffic.py) pulls away, brakes, stands and turns corners, and the
road shakes it (vibration.py).

Seated in the car (typical sedan package dimensions, from memory): the seat's hip point 0.48 m
above the road and 0.26 m above the car's floor (a low seat: lower over the floor than a chair,
0.45 m), the heels on the floor 0.75 m ahead of it, the backrest reclined about 20 degrees; the
knees bend to about 120 degrees (included) and the thighs slope up 23 degrees towards them.

- Trunk, thighs: the seat's vibration and the car's accelerations, through the seat and backrest.
- Feet: the floor's vibration. The left foot rests (heel on the floor, toes raised 25 degrees).
  The right foot works the pedals (traffic.Traffic.pedal): it pivots on its heel onto the brake
  and back and presses 5-20 degrees. The model's sensors sit on the body's left side, so the
  right foot is drawn only when asked for (pedal_foot: mirrored onto the left side, which a
  step detector cannot tell from the right).
- Left wrist: on the wheel at nine o'clock, the forearm pointing forward and a little up
  (15 degrees above level); the wheel's vibration; at corners the hand goes round with the rim
  (so it rises or falls, and the forearm rolls), up to 120 degrees of the wheel's turn (further,
  the grip slides); now and then the hand rests on the lap (forearm sloping down to the thigh).

Left out: the trunk swaying in corners and under braking (a few degrees), the car pitching and
rolling on its springs, the steering wheel's own rotational vibration, the engine's 25-30 Hz hum.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray, Placement

from .body import Pose, foot_pose, knee_position, shank_pose, thigh_pose, trunk_pose, wrist_pose
from .shapes import BoolArray, bump, euler_zyx, matmul, minjerk, rotate
from .span import Span
from .styles import ANKLE_HEIGHT, HALF_WIDTH, HEEL, SITTING, STANDING, TOE_OUT
from .traffic import Traffic
from .vibration import Mount, Vibration

deg = math.radians

SIT_S = 2.5  # onto the seat edge
SWING_S = 2.5  # legs over the sill, body turning to face forward
SETTLE_S = 8.0  # belt, mirror, engine on before pulling away
PARK_S = 5.0  # engine off, belt off after the car stands
ENTRY_S = SIT_S + SWING_S
SEAT_Z = 0.48  # m, pelvis centre above the road, seated
FLOOR_Z = 0.22  # m, the car's floor above the road
PERCH_X = -0.50  # m, pelvis behind the feet once on the seat edge
SEAT_X = -0.55  # m, and once settled back into the seat
HEEL_AHEAD = 0.75  # m, heels on the car's floor ahead of the pelvis
SILL_LIFT = 0.30  # m, the feet's extra rise to clear the door sill as the legs swing in
DUCK = deg(35.0)  # trunk forward lean under the roof at mid-entry
TURN_IN = deg(-90.0)  # the body turns right on the seat to face the car's forward
# Postures: (pelvis pitch, trunk lean, shank inclination, arm flex, elbow).
DRIVING = (deg(-15.0), deg(-20.0), deg(50.0), deg(25.0), deg(60.0))
FOOT_REST = deg(-25.0)  # heel on the floor, toes raised (pitch: + toes down)
PEDAL_YAW = deg(15.0)  # toes swung inwards, pivoting on the heel, onto the brake
PEDAL_LIFT = deg(10.0)  # toes lifted over the brake pedal's edge while moving across
# Hand on the lap: upper arm back near the trunk, the forearm sloping down onto the thigh.
LAP_ARM = (deg(0.0), deg(45.0))
RIM = 0.19  # m, steering wheel radius
ARM_REACH = 0.5  # m, shoulder to hand: turns a hand's rise into shoulder flexion
HAND_TURN = deg(120.0)  # beyond this the hand slides on the rim instead of going round
FOREARM_ROLL_SHARE = 0.8  # of the hand's way round the rim, taken up by forearm roll


def engine_window(start: float, end: float) -> tuple[float, float]:
    """When the engine of a drive from start to end runs: from settled in to parked."""
    return start + ENTRY_S + SETTLE_S, end - ENTRY_S - PARK_S


@dataclass(frozen=True, slots=True, eq=False)
class DriveSpan(Span):
    """Getting in, driving, getting out (see the module docstring)."""

    vibration: Vibration
    traffic: Traffic
    pedal_foot: bool = False  # draw the right foot (mirrored) at FOOT and SHANK

    # -- timing ---------------------------------------------------------------------------------

    def _phases(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """(seated 0..1, legs in 0..1, sill lift 0..1, duck 0..1), getting in and out."""
        sit, swing = SIT_S, SWING_S
        a, b = t - self.start, self.end - t  # time since the start, until the end
        seated = minjerk(a / sit) * minjerk(b / sit)
        legs_in = minjerk((a - sit) / swing) * minjerk((b - sit) / swing)
        lift = bump((a - sit) / swing) + bump((b - sit) / swing)
        duck = bump(a / ENTRY_S) + bump(b / ENTRY_S)
        return seated, legs_in, lift, duck

    @property
    def driving(self) -> tuple[float, float]:
        """When the engine runs: from settled in to parked."""
        return engine_window(self.start, self.end)

    def _engine(self, t: FloatArray) -> FloatArray:
        on, off = self.driving
        out: FloatArray = minjerk(t - on) * minjerk(off - t)
        return out

    def _yaw(self, t: FloatArray, legs_in: FloatArray) -> FloatArray:
        """The body's heading: turned on the seat, then wherever the car heads."""
        out: FloatArray = TURN_IN * legs_in + self.traffic.heading(t)
        return out

    # -- the body -------------------------------------------------------------------------------

    def _posture(self, seated: FloatArray, legs_in: FloatArray, duck: FloatArray) -> FloatArray:
        """(5, n) pelvis pitch, trunk lean, shank, arm flex, elbow."""
        # Perched on the seat edge the body sits as on a chair (styles.SITTING); the first two
        # fields of a Posture are the pelvis position, placed by _pelvis.
        stand, perched = STANDING.vector()[2:], SITTING.vector()[2:]
        driving = np.array(DRIVING)
        out: FloatArray = (
            stand[:, None]
            + np.outer(perched - stand, seated)
            + np.outer(driving - perched, legs_in)
        )
        out[1] += DUCK * duck
        return out

    def _foot(
        self, t: FloatArray, legs_in: FloatArray, lift: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Ankle (3, n) in the body frame (before turning), foot pitch and yaw (n,)."""
        pitch = FOOT_REST * legs_in
        yaw = np.full(len(t), TOE_OUT)
        if self.pedal_foot:
            on_brake, press = self.traffic.pedal(t)
            pitch = pitch + press * legs_in - PEDAL_LIFT * 4.0 * on_brake * (1.0 - on_brake)
            yaw = yaw - PEDAL_YAW * on_brake  # mirrored: the right foot's toes swing left
        # In the car the heel rests on the floor and the foot pivots about it.
        zero = np.zeros(len(t))
        heel_in = np.array([SEAT_X + HEEL_AHEAD, HALF_WIDTH, FLOOR_Z])
        in_car = heel_in[:, None] - rotate(euler_zyx(yaw, pitch, zero), HEEL)
        outside = np.array([0.0, HALF_WIDTH, ANKLE_HEIGHT])
        ankle = outside[:, None] + (in_car - outside[:, None]) * legs_in
        ankle[2] += SILL_LIFT * lift
        return ankle, pitch, yaw

    def _pelvis(self, seated: FloatArray, legs_in: FloatArray) -> FloatArray:
        pelvis = np.zeros((3, len(seated)))
        pelvis[0] = PERCH_X * seated + (SEAT_X - PERCH_X) * legs_in
        pelvis[2] = STANDING.pelvis_z + (SEAT_Z - STANDING.pelvis_z) * seated
        return pelvis

    def _arm(self, t: FloatArray, posture: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(flex, elbow, forearm roll): on the wheel going round with it, or on the lap."""
        hands = minjerk(t - (self.start + ENTRY_S)) * minjerk(self.end - ENTRY_S - t)
        lap = self.traffic.on_lap(t) * hands
        # The hand goes round the rim from nine o'clock: down as the wheel turns left.
        turn = HAND_TURN * np.tanh(self.traffic.wheel(t) / HAND_TURN) * (1.0 - lap)
        flex = posture[3] - RIM * np.sin(turn) / ARM_REACH
        elbow = posture[4]
        flex = flex + (LAP_ARM[0] - DRIVING[3]) * lap
        elbow = elbow + (LAP_ARM[1] - DRIVING[4]) * lap
        return flex, elbow, FOREARM_ROLL_SHARE * turn

    def relative_pose(self, placement: Placement, t: FloatArray) -> Pose:
        """The sensor's pose in the body's own frame: before it turns with the car or on the seat.

        Vibration and the car's accelerations are not in it either (carried): what is left is
        what the body does in the car.
        """
        return self._relative(placement, t, self._phases(t))

    def _relative(
        self,
        placement: Placement,
        t: FloatArray,
        phases: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    ) -> Pose:
        seated, legs_in, lift, duck = phases
        posture = self._posture(seated, legs_in, duck)
        zero = np.zeros(len(t))
        ankle, pitch, foot_yaw = self._foot(t, legs_in, lift)
        if placement is Placement.FOOT:
            return foot_pose(ankle, euler_zyx(foot_yaw, pitch, zero))
        if placement is Placement.SHANK:
            return shank_pose(ankle, posture[2], zero)
        pelvis = self._pelvis(seated, legs_in)
        pelvis_angles = (zero, posture[0], zero)
        if placement is Placement.THIGH:
            return thigh_pose(pelvis, pelvis_angles, knee_position(ankle, posture[2]))
        trunk = (zero, posture[1], zero)
        if placement is not Placement.WRIST:
            return trunk_pose(placement, pelvis, pelvis_angles, trunk)
        flex, elbow, roll = self._arm(t, posture)
        return wrist_pose(pelvis, trunk, flex, elbow, roll)

    def pose(self, placement: Placement, t: FloatArray) -> Pose:
        """Sensor pose at times t: the body turned about the seat by its heading."""
        phases = self._phases(t)
        pos, rot = self._relative(placement, t, phases)
        legs_in = phases[1]
        zero = np.zeros(len(t))
        turn = euler_zyx(self._yaw(t, legs_in), zero, zero)
        pivot = np.array([PERCH_X, 0.0, 0.0])[:, None]
        return rotate(turn, pos - pivot) + pivot, matmul(turn, rot)

    def carried(self, placement: Placement, t: FloatArray) -> FloatArray:
        """The car's acceleration and vibration where the sensor's segment meets the car."""
        engine = self._engine(t)
        moving = (1.0 - self.traffic.stands(t)) * engine
        if placement in (Placement.FOOT, Placement.SHANK):
            local = self.vibration(Mount.FLOOR, t, moving)
        elif placement is Placement.WRIST:
            lap = self.traffic.on_lap(t)
            local = self.vibration(Mount.WHEEL, t, moving) * (1.0 - lap)
            if lap.any():  # the hand on the lap: mostly it is on the wheel
                local += self.vibration(Mount.SEAT, t, moving) * lap
        else:
            local = self.vibration(Mount.SEAT, t, moving)
        local *= engine
        local[0] += self.traffic.forward(t)
        local[1] += self.traffic.lateral(t)
        # From the car's axes (x its forward) to the world's: the car heads where the seated
        # body faces.
        _, legs_in, _, _ = self._phases(t)
        yaw = self._yaw(t, legs_in)
        c, s = np.cos(yaw), np.sin(yaw)
        out = local.copy()
        out[0] = c * local[0] - s * local[1]
        out[1] = s * local[0] + c * local[1]
        return out

    def busy(self, t: FloatArray) -> BoolArray:
        """Always: the body moves getting in and out, and the car shakes in between."""
        return np.ones(len(t), dtype=np.bool_)
