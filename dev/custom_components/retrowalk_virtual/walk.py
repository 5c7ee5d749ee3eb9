"""One walking bout: standing still, gait initiation, steady steps, stopping, standing still.

The bout runs on a gait phase (shapes.PhaseClock) that is k at the k-th foot contact. The feet
follow a step table: each foot is flat and motionless on the floor between its moving windows,
and inside a window travels one step with a min-jerk profile, lifts, pitches and rolls over its
toe or heel. The pelvis vaults over the stance leg like an inverted pendulum: highest and slowest
at mid-stance, lowest and fastest around each contact. That holds whichever way the wearer walks,
so walking backwards flips the sign of the fore-aft acceleration relative to the vertical one.
Oscillation amplitudes ramp in from zero during the first step and out after the last.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray, Placement

from .body import (
    Angles,
    Pose,
    foot_pose,
    knee_position,
    shank_pose,
    thigh_pose,
    trunk_pose,
    wrist_pose,
)
from .shapes import (
    BoolArray,
    IntArray,
    PhaseClock,
    bump,
    cos,
    euler_zyx,
    hermite_path,
    minjerk,
    node_blend,
    rotate,
    sin,
)
from .span import Span
from .styles import ANKLE_HEIGHT, STANDING, TOE_OUT, GaitStyle

TWO_PI = 2.0 * math.pi
ARM_LAG = 0.1 * math.pi  # the arm's pendulum trails the legs a little
# Second harmonic of the pelvis' vertical motion: the loading response after each contact makes
# the vertical acceleration peak sharper than a sine.
BOUNCE_H2 = 0.1
BOUNCE_H2_PHASE = 0.6
# Landing is not perfectly soft: the sole and heel pad compress and spring back within about a
# tenth of a step, and the jolt travels up the leg to the pelvis (attenuated). These give the
# short contact transients real IMUs record; they leave every position where it was.
IMPACT_PHASE = 0.1
PELVIS_IMPACT = 0.0004  # m, over a longer time: the leg and spine soften the jolt
PELVIS_IMPACT_PHASE = 0.15


@dataclass(frozen=True, slots=True)
class FootSteps:
    """One foot's step table: contact phases and its floor positions before/after each step."""

    phases: IntArray  # (m,) integer gait phases of this foot's contacts
    positions: FloatArray  # (2, m + 1) horizontal ankle position before step 0, after each step
    # (m + 1,) the foot's heading (radians, to the left) likewise; None on a straight walk.
    yaws: FloatArray | None = None


@dataclass(frozen=True, slots=True, eq=False)
class WalkSpan(Span):
    """The motion model of one walking bout (see the module docstring)."""

    style: GaitStyle
    clock: PhaseClock
    heading: FloatArray  # (2,) unit walking direction
    sagittal: float  # +1 walking forward, -1 backward (sideways: +1)
    first_side: int  # +1 if the left foot takes the first step, else -1
    left: FootSteps
    centre: FloatArray  # (2, n + 2) pelvis progression at phases -1..n
    centre_slope: FloatArray  # (2, n + 2) its slope per unit phase
    amplitude: FloatArray  # (n + 2,) oscillation amplitude (0 at rest ends, ~1 walking)
    # (n + 2,) where the body faces (radians, to the left) at phases -1..n; None: straight ahead.
    facing: FloatArray | None = None
    facing_slope: FloatArray | None = None  # (n + 2,) its slope per unit phase

    def pose(self, placement: Placement, t: FloatArray) -> Pose:
        """Sensor pose at times t."""
        phi = self.clock(t)
        gain = node_blend(self.amplitude, -1, phi)
        if placement in (Placement.FOOT, Placement.SHANK):
            ankle, foot, travel, yaw = self._foot(phi)
            if placement is Placement.FOOT:
                return foot_pose(ankle, foot)
            return shank_pose(ankle, *self._shank(phi, gain, travel), yaw)
        pelvis, pelvis_angles, trunk = self._trunk(phi, gain)
        if placement is Placement.THIGH:
            ankle, _, travel, yaw = self._foot(phi)
            inclination, _ = self._shank(phi, gain, travel)
            return thigh_pose(pelvis, pelvis_angles, knee_position(ankle, inclination, yaw))
        if placement is not Placement.WRIST:
            return trunk_pose(placement, pelvis, pelvis_angles, trunk)
        flex, elbow = self._arm(phi, gain)
        return wrist_pose(pelvis, trunk, flex, elbow, None)

    def busy(self, t: FloatArray) -> BoolArray:
        """Walking moves every segment all the time."""
        return np.ones(len(t), dtype=np.bool_)

    # -- legs ---------------------------------------------------------------------------------

    def _foot(
        self, phi: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray | None]:
        """Left ankle (3, n), foot orientation, step progress and heading (None if straight)."""
        st = self.style
        steps = self.left
        n = len(phi)
        if len(steps.phases) == 0:
            x = np.full(n, 1e3)  # this foot never steps: always long after its (absent) window
            before = after = np.repeat(steps.positions[:, :1], n, axis=1)
        else:
            j = np.searchsorted(steps.phases + st.window[1], phi, side="left")
            j = np.minimum(j, len(steps.phases) - 1)
            x = phi - steps.phases[j]
            before = steps.positions[:, j]
            after = steps.positions[:, j + 1]
        t0, t1 = st.translate
        travel = (x - t0) / (t1 - t0)
        side = float(self.heading[1])  # +1 stepping left, -1 right, 0 fore-aft
        roll = st.roll(x) * (side if st.sideways else 1.0)
        yaw = None
        rest = _REST_FOOT
        toe_yaw = TOE_OUT + st.swing_yaw * bump(travel)
        if steps.yaws is not None and len(steps.phases):  # a turn has two steps or more
            # The foot turns to its new heading while it is in the air (and lands turned).
            yaw = steps.yaws[j] + (steps.yaws[j + 1] - steps.yaws[j]) * minjerk(travel)
            toe_yaw = toe_yaw + yaw
            zero = np.zeros(n)
            rest = euler_zyx(TOE_OUT + yaw, zero, zero)
        rot = euler_zyx(toe_yaw, st.pitch(x), roll)
        # Roll over the toe (or heel): that point stays put while the foot rotates about it.
        p0, p1 = st.pivot_switch
        w = minjerk((x - p0) / (p1 - p0))
        pivot = st.pivot_early[:, None] + np.outer(st.pivot_late - st.pivot_early, w)
        ankle = rotate(rest, pivot) - rotate(rot, pivot)
        ankle[:2] += before + (after - before) * minjerk(travel)
        ankle[2] += ANKLE_HEIGHT + st.clearance * bump(travel) - st.impact * bump(x / IMPACT_PHASE)
        return ankle, rot, travel, yaw

    def _shank(
        self, phi: FloatArray, gain: FloatArray, travel: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Left shank inclination and roll."""
        st = self.style
        if st.shank is not None:
            parity = 0 if self.first_side > 0 else 1
            inclination = gain * st.shank((phi - parity) / 2.0)
        else:
            inclination = st.shank_lift * bump(travel)
        return inclination, st.shank_roll * float(self.heading[1]) * bump(travel)

    # -- pelvis, trunk, arm -----------------------------------------------------------------------

    def _trunk(self, phi: FloatArray, gain: FloatArray) -> tuple[FloatArray, Angles, Angles]:
        """Pelvis position (3, n), pelvis and trunk Euler angles."""
        st = self.style
        centre = hermite_path(self.centre, self.centre_slope, -1, phi)
        progress = node_blend(self.centre_slope, -1, phi)
        # Everything here repeats every stride (two steps): reduce the phase before the trig.
        stride = np.mod(phi, 2.0)
        step_phase = TWO_PI * stride
        surge = st.surge * sin(step_phase - st.surge_phase) / TWO_PI
        half = math.pi * stride
        pelvis = np.empty((3, len(phi)))
        pelvis[:2] = centre + progress * surge
        pelvis[0] += STANDING.pelvis_x
        # Weight moves over the stance foot: left of the midline while the left foot bears it.
        across = sin(half)
        sway = self.first_side * st.sway * gain * across
        facing = None
        if self.facing is None or self.facing_slope is None:
            pelvis[1] += sway
        else:
            # C2 through the nodes without stopping at each: the body turns at a steady rate.
            facing = hermite_path(self.facing[None, :], self.facing_slope[None, :], -1, phi)[0]
            pelvis[0] -= sway * np.sin(facing)
            pelvis[1] += sway * np.cos(facing)
        cos_step = cos(step_phase)
        vertical = -cos_step - BOUNCE_H2 * cos(2.0 * step_phase - BOUNCE_H2_PHASE)
        jolt = PELVIS_IMPACT * bump((phi - np.floor(phi)) / PELVIS_IMPACT_PHASE)
        pelvis[2] = STANDING.pelvis_z + gain * (st.bounce * vertical - jolt)

        yaw = -self.first_side * self.sagittal * st.pelvis_yaw * gain * cos(half)
        roll = self.first_side * st.pelvis_roll * gain * across
        tilt = STANDING.pelvis_pitch + st.pelvis_tilt * gain * cos_step
        lean = STANDING.trunk_lean + gain * (st.trunk_lean + 0.5 * st.pelvis_tilt * cos_step)
        if facing is None:
            return pelvis, (yaw, tilt, roll), (-0.5 * yaw, lean, -0.3 * roll)
        return pelvis, (facing + yaw, tilt, roll), (facing - 0.5 * yaw, lean, -0.3 * roll)

    def _arm(self, phi: FloatArray, gain: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Left shoulder and elbow flexion: a pendulum in antiphase with the left leg."""
        swing = self.style.arm_swing * gain * cos(math.pi * np.mod(phi, 2.0) - ARM_LAG)
        flex = STANDING.arm_flex - self.sagittal * self.first_side * swing
        # The elbow bends more as the arm swings forward.
        bend = 0.5 * (flex - STANDING.arm_flex) + 0.5 * self.style.arm_swing * gain
        return flex, STANDING.elbow + bend


_REST_FOOT = euler_zyx(np.full(1, TOE_OUT), np.zeros(1), np.zeros(1))[:, :, 0]
