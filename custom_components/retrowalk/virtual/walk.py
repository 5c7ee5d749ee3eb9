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

from ..gait.types import Direction
from .body import Arm, Leg, Trunk
from .segments import Segment
from .shapes import (
    FloatArray,
    IntArray,
    PhaseClock,
    bump,
    euler_zyx,
    hermite_path,
    minjerk,
    node_blend,
)
from .styles import ANKLE_HEIGHT, STANDING, TOE_OUT, GaitStyle

TWO_PI = 2.0 * math.pi
PIVOT_SWITCH = (-0.6, -0.2)  # phase span over which the foot's rolling point moves to the other end
ARM_LAG = 0.1 * math.pi  # the arm's pendulum trails the legs a little
# Second harmonic of the pelvis' vertical motion: the loading response after each contact makes
# the vertical acceleration peak sharper than a sine.
BOUNCE_H2 = 0.1
BOUNCE_H2_PHASE = 0.6


@dataclass(frozen=True, slots=True)
class FootSteps:
    """One foot's step table: contact phases and its floor positions before/after each step."""

    phases: IntArray  # (m,) integer gait phases of this foot's contacts
    positions: FloatArray  # (m + 1, 2) horizontal ankle position before step 0, after each step


@dataclass(frozen=True, slots=True, eq=False)
class WalkSpan:
    """The motion model of one walking bout (see the module docstring)."""

    start: float
    end: float
    segment: Segment
    steps: tuple[tuple[float, Direction], ...]
    style: GaitStyle
    clock: PhaseClock
    heading: FloatArray  # (2,) unit walking direction
    sagittal: float  # +1 walking forward, -1 backward (sideways: +1)
    first_side: int  # +1 if the left foot takes the first step, else -1
    left: FootSteps
    centre: FloatArray  # (n + 2, 2) pelvis progression at phases -1..n
    centre_slope: FloatArray  # (n + 2, 2) its slope per unit phase
    amplitude: FloatArray  # (n + 2,) oscillation amplitude (0 at rest ends, ~1 walking)

    # -- legs ---------------------------------------------------------------------------------

    def leg(self, t: FloatArray) -> Leg:
        """Left ankle, foot orientation and shank angles."""
        phi = self.clock(t)
        st = self.style
        steps = self.left
        n = len(t)
        if len(steps.phases) == 0:
            x = np.full(n, 1e3)  # this foot never steps: always long after its (absent) window
            j = np.zeros(n, dtype=np.intp)
            before = steps.positions[:1]
            after = steps.positions[:1]
        else:
            j = np.searchsorted(steps.phases + st.window[1], phi, side="left")
            j = np.minimum(j, len(steps.phases) - 1)
            x = phi - steps.phases[j]
            before = steps.positions[j]
            after = steps.positions[j + 1]
        t0, t1 = st.translate
        travel = (x - t0) / (t1 - t0)
        horiz = before + (after - before) * minjerk(travel)[:, None]
        lift = ANKLE_HEIGHT + st.clearance * bump(travel)
        pitch = st.pitch(x)
        side = float(self.heading[1])  # +1 stepping left, -1 right, 0 fore-aft
        roll = st.roll(x) * side if st.roll is not None else np.zeros(n)
        rot = euler_zyx(np.full(n, TOE_OUT), pitch, roll)
        # Roll over the toe (or heel): that point stays put while the foot rotates about it.
        w = minjerk((x - PIVOT_SWITCH[0]) / (PIVOT_SWITCH[1] - PIVOT_SWITCH[0]))[:, None]
        pivot = st.pivot_early + (st.pivot_late - st.pivot_early) * w
        rest = euler_zyx(np.full(1, TOE_OUT), np.zeros(1), np.zeros(1))[0]
        ankle = np.empty((n, 3))
        ankle[:, :2] = horiz
        ankle[:, 2] = lift
        ankle += pivot @ rest.T - np.einsum("nij,nj->ni", rot, pivot)

        gain = node_blend(self.amplitude, -1, phi)
        if st.shank is not None:
            lo, hi = st.shank.span
            parity = 0 if self.first_side > 0 else 1
            stride = np.mod((phi - parity) / 2.0 - lo, hi - lo) + lo
            shank = gain * st.shank(stride)
        else:
            shank = np.zeros(n)
        shank_roll = st.shank_roll * side * bump(travel)
        return Leg(ankle=ankle, foot=rot, shank=shank, shank_roll=shank_roll)

    # -- pelvis and trunk -----------------------------------------------------------------------

    def trunk(self, t: FloatArray) -> Trunk:
        """Pelvis position and orientation, trunk orientation."""
        phi = self.clock(t)
        st = self.style
        gain = node_blend(self.amplitude, -1, phi)
        centre = hermite_path(self.centre, self.centre_slope, -1, phi)
        progress = node_blend(self.centre_slope, -1, phi)
        surge = st.surge * np.sin(TWO_PI * phi - st.surge_phase) / TWO_PI
        pelvis = np.empty((len(t), 3))
        pelvis[:, :2] = centre + progress * surge[:, None]
        # Weight moves over the stance foot: left of the midline while the left foot bears it.
        pelvis[:, 0] += STANDING.pelvis_x
        pelvis[:, 1] += self.first_side * st.sway * gain * np.sin(math.pi * phi)
        vertical = -np.cos(TWO_PI * phi) - BOUNCE_H2 * np.cos(2.0 * TWO_PI * phi - BOUNCE_H2_PHASE)
        pelvis[:, 2] = STANDING.pelvis_z + st.bounce * gain * vertical

        stride = np.cos(math.pi * phi)
        yaw = -self.first_side * self.sagittal * st.pelvis_yaw * gain * stride
        roll = self.first_side * st.pelvis_roll * gain * np.sin(math.pi * phi)
        step = np.cos(TWO_PI * phi)
        tilt = STANDING.pelvis_pitch + st.pelvis_tilt * gain * step
        lean = STANDING.trunk_lean + gain * (st.trunk_lean + 0.5 * st.pelvis_tilt * step)
        return Trunk(
            pelvis=pelvis,
            pelvis_angles=(yaw, tilt, roll),
            trunk_angles=(-0.5 * yaw, lean, -0.3 * roll),
        )

    def arm(self, t: FloatArray, trunk: Trunk) -> Arm:
        """Left arm: a pendulum in antiphase with the left leg."""
        del trunk  # the arm's swing is timed by the legs, not by the trunk's pose
        phi = self.clock(t)
        gain = node_blend(self.amplitude, -1, phi)
        swing = self.style.arm_swing * gain * np.cos(math.pi * phi - ARM_LAG)
        flex = STANDING.arm_flex - self.sagittal * self.first_side * swing
        # The elbow bends more as the arm swings forward.
        bend = 0.5 * (flex - STANDING.arm_flex) + 0.5 * self.style.arm_swing * gain
        elbow = STANDING.elbow + bend
        return Arm(flex=flex, elbow=elbow, roll=None)
