"""Riding a bicycle: getting on, pedalling, coasting, stopping with a foot down, getting off.

The span starts and ends standing beside the bike's left side (as a walk leaves the wearer:
standing, facing +x); the walk to the bike is a walk of its own. Figures are from memory of bike
fitting and pedalling biomechanics, not fitted to any recording or to the step engine:

- Bike (a town or touring bike): crank 0.17 m, bottom bracket 0.27 m above the road, seat tube
  73 degrees from level. The saddle is set, per wearer, so the knee is 25-35 degrees short of
  straight at the bottom of the stroke (the usual bike-fit rule, e.g. Holmes 1994 and Bini et
  al. 2011 on saddle height: 25-35 degrees knee flexion with the crank at its bottom).
- Legs: hip on the saddle, ankle on the pedal, knee between them from the thigh's and shank's
  lengths (two-link planar leg, the knee ahead of the hip-ankle line). The foot is 5-25 degrees
  toes-down, flattest in the downstroke and steepest in the upstroke (ankling; e.g. Hull and
  Jorge 1985, Ericson 1986: an ankle range of about 20 degrees over a revolution), with the pedal
  spindle under the ball of the foot. The thigh then swings 54-57 degrees peak to peak once
  per revolution (the hip range published for cycling is 40-45 degrees, e.g. Ericson 1986, Bini
  2011; the model's thigh, the body's 0.37 m, is short for a 0.17 m crank: even a 0.42 m thigh
  gives 48-50; docs/daily_life.md, "Cycling").
- Cadence: 60-100 rpm, drifting (a new target every 10-40 s, reached by min-jerk): recreational
  riders' self-chosen cadences (e.g. Marsh and Martin 1993: 60-90 rpm; trained riders 90-100).
  Now and then the rider coasts for 3-15 s: the cranks stop level and the legs keep still.
- Stops (lights, junctions: about every 3 minutes of riding on average; 10-40 s): braking over
  4-6 s from the cruising speed (4-7 m/s, 15-25 km/h in town; a min-jerk change peaks at 1.875
  times its mean: 1.25-3.3 m/s^2, ordinary cycling decelerations being 1-3 m/s^2 and a brisk
  stop a little more), the cranks level, then the pelvis slides forward off the
  saddle and the left foot goes down to the road: standing astride the top tube, hands on the
  bars. Pulling away: the foot back on its pedal and the rider pushed up onto the saddle over
  2 s while the cadence picks up; the bike reaches its speed over 6-10 s (peak 0.75-2.2 m/s^2).
- Getting on (3 s): standing beside the bike, the trunk leans over to the bars and the right leg
  swings over the saddle (the body hikes the pelvis and lifts onto the left leg: the model draws
  the left side, so the left foot stays on the road); then as at a stop. Getting off: the same
  backwards, after a last stop.
- Trunk 20-45 degrees forward of vertical (upright town bike to touring), per wearer; the
  pelvis takes half of it (anterior tilt on the saddle), the lumbar spine the rest. Hands on the
  bars: the upper arm 35-50 degrees forward of vertical, elbows bent 15-25 degrees, forearms
  pronated 45-90 degrees (hoods to flat bars: palms down).
- Road vibration (see vibration.py; draw_ride_vibration): a bicycle has no suspension: the road
  reaches the frame through the tyres (rider and bike bouncing on them at about 10 Hz, damping
  0.25; tyre stiffness about 150 kN/m under some 40 kg per wheel), and the rider through the
  saddle with the seated body's resonance (5 Hz, as in a car). Wk-weighted at the saddle 0.2-0.5
  m/s^2 on town asphalt and cycle paths, scaled with the speed (Olieman et al. 2012 measured
  several m/s^2 unweighted on rough surfaces, most of it above 10 Hz, which the Wk weighting
  and the body damp; smooth asphalt gives a fraction of it). The pelvis, trunk and thighs get the
  saddle's vibration; the feet (pedals) and the wrist (bars) the frame's, which the seated
  body's resonance has not shaped. Bumps (kerbs, cracks): 1-3 m/s^2 at the saddle, one every
  2 min on average, the rear wheel a wheelbase (1.05 m) after the front. A standing bike does
  not shake: no engine.

Left out: leaning into corners and the heading's changes (the model rides straight), the bike's
speed ripple from the pedal force (twice a revolution), the pelvis rocking on the saddle and the
trunk swaying with the pedal strokes, riding out of the saddle, the right leg (the model's
sensors are on the left side).
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray, Placement

from .body import Pose, foot_pose, knee_position, shank_pose, thigh_pose, trunk_pose, wrist_pose
from .shapes import (
    BoolArray,
    IntArray,
    bump,
    euler_zyx,
    minjerk,
    minjerk_integral,
    pitch_only,
    rotate,
)
from .span import Span
from .styles import ANKLE_HEIGHT, HALF_WIDTH, HIP, SHANK_LENGTH, STANDING, TOE_OUT
from .vibration import Mount, Road, Vibration, draw_road, transmissibility

deg = math.radians

# -- the bike and the rider's fit ---------------------------------------------------------------
CRANK = 0.17  # m
BB_Z = 0.27  # m, bottom bracket above the road
SEAT_TUBE = deg(73.0)  # from level: the saddle is up and behind the bottom bracket along it
SADDLE_X = -0.15  # m, the hip joint on the saddle behind the foot's place on the road
THIGH_LENGTH = STANDING.pelvis_z + HIP[2] - ANKLE_HEIGHT - SHANK_LENGTH  # 0.37 m, hip to knee
KNEE_BOTTOM = (deg(25.0), deg(35.0))  # knee flexion with the crank at its bottom
# The pedal spindle under the ball of the foot, from the ankle joint (the sole's thickness below).
BALL = np.array([0.10, 0.0, -ANKLE_HEIGHT])
ANKLING = (deg(15.0), deg(10.0))  # foot pitch (toes down): mean, and amplitude over a revolution
LEAN = (deg(20.0), deg(45.0))  # trunk forward of vertical
PELVIS_SHARE = 0.5  # of the trunk's lean taken by the pelvis
UPPER_ARM = (deg(35.0), deg(50.0))  # forward of vertical in the world
ELBOW = (deg(15.0), deg(25.0))
PRONATION = (deg(-90.0), deg(-45.0))  # forearm roll (0: thumb up; -90: palm down)
# -- what the rider does --------------------------------------------------------------------------
CADENCE_RPM = (60.0, 100.0)
CADENCE_HOLD_S = (10.0, 40.0)
COAST_GAP_S = 60.0  # mean riding time between coasts
COAST_S = (3.0, 15.0)
STOP_GAP_S = 180.0  # mean riding time between stops
STOP_S = (10.0, 40.0)
CRUISE = (4.0, 7.0)  # m/s
BRAKE_S = (4.0, 6.0)
PULL_AWAY_S = (6.0, 10.0)
CADENCE_UP_S = (1.0, 2.0)  # from still to pedalling
CRANK_STOP_S = 0.6  # at least, from pedalling to the cranks standing level
MOUNT_S = 3.0  # standing beside the bike to astride it, hands on the bars
FOOT_S = 1.2  # foot from the pedal down to the road, pelvis forward off the saddle
UP_S = 2.0  # foot onto the pedal, pushed up onto the saddle
FOOT_LIFT = 0.06  # m, the foot's extra rise between pedal and road
ASTRIDE_X, ASTRIDE_Z = 0.05, 0.92  # m, pelvis over the top tube, the bike leaning a little
ASTRIDE_SHANK = deg(-8.0)  # knee a little bent, ahead of the ankle
MOUNT_HIKE = deg(8.0)  # pelvis roll as the right leg swings over
MOUNT_LEAN = deg(15.0)  # extra trunk lean at mid-mount
# -- the road through the tyres ------------------------------------------------------------------
# The multisine's lines, the seated body's resonance and the bumps' mean gap are a car's
# (vibration.py's, Road's defaults).
BAND_HZ = (0.5, 40.0)  # tyres pass on more of the road's high frequencies than a car's springs
TYRE_HZ, TYRE_DAMPING = 10.0, 0.25
ROAD_RMS = (0.2, 0.5)  # m/s^2 Wk-weighted at the saddle, town asphalt and cycle paths
SECTION_S = (20.0, 90.0)  # road sections of one roughness, shorter at cycling speeds
WHEELBASE = 1.05  # m


def _dminjerk(s: FloatArray) -> FloatArray:
    """The derivative of minjerk over s in [0, 1]; 0 outside."""
    inside = (s > 0.0) & (s < 1.0)
    out: FloatArray = np.where(inside, 30.0 * s * s * (1.0 - s) ** 2, 0.0)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class Knots:
    """A quantity eased by min-jerk from each knot's value to the next's, held after the last."""

    t: FloatArray  # (k,) s, increasing
    value: FloatArray  # (k,)
    integral: FloatArray  # (k,) the quantity's integral from the first knot to each knot

    @classmethod
    def of(cls, t: list[float], value: list[float]) -> Knots:
        """Knots at times t with these values; integrated as trapezoids (exact for min-jerk)."""
        tt, vv = np.array(t), np.array(value)
        integral = np.concatenate(([0.0], np.cumsum(np.diff(tt) * (vv[1:] + vv[:-1]) / 2.0)))
        return cls(t=tt, value=vv, integral=integral)

    def _at(self, t: FloatArray) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        last = len(self.t) - 1
        k: IntArray = np.clip(np.searchsorted(self.t, t, side="right") - 1, 0, max(last - 1, 0))
        nxt: IntArray = np.minimum(k + 1, last)
        width: FloatArray = np.maximum(self.t[nxt] - self.t[k], 1e-9)
        s: FloatArray = np.clip((t - self.t[k]) / width, 0.0, 1.0)
        return k, nxt, width, s

    def __call__(self, t: FloatArray) -> FloatArray:
        """The quantity at times t."""
        k, nxt, _, s = self._at(t)
        out: FloatArray = self.value[k] + (self.value[nxt] - self.value[k]) * minjerk(s)
        return out

    def rate(self, t: FloatArray) -> FloatArray:
        """The quantity's time derivative."""
        k, nxt, width, s = self._at(t)
        out: FloatArray = (self.value[nxt] - self.value[k]) / width * _dminjerk(s)
        return out

    def integrate(self, t: FloatArray) -> FloatArray:
        """The quantity's integral from the first knot to t (held values continue linearly)."""
        k, nxt, width, s = self._at(t)
        inside = np.minimum(t - self.t[k], width)
        beyond = np.maximum(t - self.t[nxt], 0.0) * (t > self.t[-1])
        out: FloatArray = (
            self.integral[k]
            + self.value[k] * inside
            + (self.value[nxt] - self.value[k]) * width * minjerk_integral(s)
            + self.value[-1] * beyond
        )
        return out


@dataclass(frozen=True, slots=True)
class Rider:
    """One wearer on one bike (drawn per ride)."""

    hip: FloatArray  # (3,) hip joint on the saddle
    bottom_bracket: FloatArray  # (3,)
    lean: float
    upper_arm: float
    elbow: float
    pronation: float


@dataclass(frozen=True, slots=True, eq=False)
class CycleSpan(Span):
    """Getting on, riding, getting off (see the module docstring)."""

    rider: Rider
    crank: Knots  # cadence, rad/s; its integral the left crank's angle from the top, forward
    crank_start: float  # rad, the left crank's angle at the first knot
    speed: Knots  # m/s, the bike's
    # Foot down on the road: (start, duration, +1 going down / -1 coming up), in time order;
    # the ride starts with the foot down (astride after getting on) and ends so.
    foot_t: FloatArray
    foot_s: FloatArray
    foot_sign: FloatArray
    vibration: Vibration

    # -- timing ---------------------------------------------------------------------------------

    def _on(self, t: FloatArray) -> FloatArray:
        """0 standing beside the bike, 1 astride it or on it."""
        out: FloatArray = minjerk((t - self.start) / MOUNT_S) * minjerk((self.end - t) / MOUNT_S)
        return out

    def _down(self, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(foot on the road 0..1, the foot's lift between pedal and road 0..1)."""
        k = np.searchsorted(self.foot_t, t, side="right") - 1
        first = k < 0
        k = np.maximum(k, 0)
        # Level before transition k: 1 (down) plus the sum of earlier transitions' signs.
        before = 1.0 + (np.cumsum(self.foot_sign) - self.foot_sign)[k]
        s = (t - self.foot_t[k]) / self.foot_s[k]
        down = np.where(first, 1.0, before + self.foot_sign[k] * minjerk(s))
        lift = np.where(first, 0.0, bump(s))
        return down, lift

    def crank_angle(self, t: FloatArray) -> FloatArray:
        """The left crank's angle from the top, forward (the right crank half a turn on)."""
        out: FloatArray = self.crank_start + self.crank.integrate(t)
        return out

    # -- the body -------------------------------------------------------------------------------

    def _pedal_leg(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Seated: the ankle on the pedal (3, n), the foot's pitch and the shank's inclination."""
        phi = self.crank_angle(t)
        pedal = self.rider.bottom_bracket[:, None] + CRANK * np.stack(
            (np.sin(phi), np.zeros_like(phi), np.cos(phi))
        )
        pitch = ankling(phi)
        zero = np.zeros_like(phi)
        ankle = pedal - rotate(euler_zyx(zero, pitch, zero), BALL)
        ankle[1] = HALF_WIDTH
        return ankle, pitch, leg_shank(self.rider.hip, ankle)

    def _pelvis_seated(self) -> FloatArray:
        pitch = PELVIS_SHARE * self.rider.lean
        return self.rider.hip - rotate_pitch(pitch, HIP)

    def _body(
        self, t: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """(pelvis (3, n), pelvis pitch, pelvis roll, trunk lean, arm flex, elbow)."""
        on = self._on(t)
        down, _ = self._down(t)
        seated = 1.0 - down
        mid_mount = bump((t - self.start) / MOUNT_S) + bump((self.end - t) / MOUNT_S)
        stand = np.array([0.0, 0.0, STANDING.pelvis_z])
        astride = np.array([ASTRIDE_X, 0.0, ASTRIDE_Z])
        pelvis = (
            stand[:, None]
            + np.outer(astride - stand, on)
            + np.outer(self._pelvis_seated() - astride, seated)
        )
        r = self.rider
        lean = STANDING.trunk_lean + (r.lean - STANDING.trunk_lean) * on + MOUNT_LEAN * mid_mount
        # Standing astride the pelvis is more upright than on the saddle.
        pitch = PELVIS_SHARE * r.lean * (0.5 * on + 0.5 * seated)
        flex = STANDING.arm_flex + (r.lean + r.upper_arm - STANDING.arm_flex) * on
        elbow = STANDING.elbow + (r.elbow - STANDING.elbow) * on
        return pelvis, pitch, MOUNT_HIKE * mid_mount, lean, flex, elbow

    def _leg(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Ankle (3, n), foot pitch and shank inclination: on the pedal, or on the road."""
        on = self._on(t)
        down, lift = self._down(t)
        seated = 1.0 - down
        ankle_p, pitch_p, shank_p = self._pedal_leg(t)
        road = np.array([0.0, HALF_WIDTH, ANKLE_HEIGHT])[:, None]
        ankle = road + (ankle_p - road) * seated
        ankle[2] += FOOT_LIFT * lift
        # The shank's inclination is blended (as drive.py does), not solved, between road and
        # pedal: only on the pedal is the leg's geometry exact, and solving a nearly straight
        # leg would jolt the knee as it starts to bend.
        shank = ASTRIDE_SHANK * on + (shank_p - ASTRIDE_SHANK * on) * seated
        return ankle, pitch_p * seated, shank

    def pose(self, placement: Placement, t: FloatArray) -> Pose:
        """Sensor pose at times t, relative to a frame that moves with the bike's translation."""
        zero = np.zeros(len(t))
        ankle, pitch, shank = self._leg(t)
        if placement is Placement.FOOT:
            return foot_pose(ankle, euler_zyx(np.full(len(t), TOE_OUT), pitch, zero))
        if placement is Placement.SHANK:
            return shank_pose(ankle, shank, zero)
        pelvis, pelvis_pitch, roll, lean, flex, elbow = self._body(t)
        pelvis_angles = (zero, pelvis_pitch, roll)
        if placement is Placement.THIGH:
            return thigh_pose(pelvis, pelvis_angles, knee_position(ankle, shank))
        trunk = (zero, lean, zero)
        if placement is not Placement.WRIST:
            return trunk_pose(placement, pelvis, pelvis_angles, trunk)
        on = self._on(t)
        return wrist_pose(pelvis, trunk, flex, elbow, self.rider.pronation * on)

    def carried(self, placement: Placement, t: FloatArray) -> FloatArray:
        """The bike's acceleration and the road's vibration where the body meets the bike."""
        speed = self.speed(t)
        # The road shakes the bike more the faster it rolls; standing, not at all.
        rolling = np.clip(speed / max(float(self.speed.value.max()), 1e-9), 0.0, 1.0)
        moving = np.ones(len(t))
        if placement in (Placement.FOOT, Placement.SHANK):
            # On the pedals; down on the road, the foot leaves the bike's vibration.
            down, _ = self._down(t)
            out = self.vibration(Mount.FLOOR, t, moving) * (1.0 - down)
        elif placement is Placement.WRIST:
            out = self.vibration(Mount.WHEEL, t, moving)
        else:
            out = self.vibration(Mount.SEAT, t, moving)
        out *= rolling
        out[0] += self.speed.rate(t)
        return out

    def busy(self, t: FloatArray) -> BoolArray:
        """Always: legs, bike and road move throughout but for short stops."""
        return np.ones(len(t), dtype=np.bool_)


def rotate_pitch(pitch: float, v: FloatArray) -> FloatArray:
    """The vector v (3,) turned by `pitch` about y (positive tips x down), as body.py turns."""
    out: FloatArray = rotate(pitch_only(np.array([pitch])), v)[:, 0]
    return out


def ankling(phi: FloatArray) -> FloatArray:
    """Foot pitch (toes down) at crank angle phi: flattest in the downstroke (phi near 90 deg)."""
    out: FloatArray = ANKLING[0] - ANKLING[1] * np.sin(phi)
    return out


def leg_shank(hip: FloatArray, ankle: FloatArray) -> FloatArray:
    """Shank inclination (ankle ahead of the knee > 0) of a planar two-link leg, knee forward.

    The thigh (THIGH_LENGTH) and shank (SHANK_LENGTH) meet at the knee; the knee lies ahead of
    the hip-ankle line, as it does on a bike.
    """
    dx = ankle[0] - hip[0]
    dz = ankle[2] - hip[2]
    d = np.hypot(dx, dz)
    cos_b = (THIGH_LENGTH**2 + d * d - SHANK_LENGTH**2) / (2.0 * THIGH_LENGTH * d)
    b = np.arccos(np.clip(cos_b, -1.0, 1.0))
    ux, uz = dx / d, dz / d
    # Turn the hip-ankle direction towards the front (its normal (-uz, ux)) by b.
    knee_x = hip[0] + THIGH_LENGTH * (np.cos(b) * ux - np.sin(b) * uz)
    knee_z = hip[2] + THIGH_LENGTH * (np.cos(b) * uz + np.sin(b) * ux)
    out: FloatArray = np.arctan2(ankle[0] - knee_x, knee_z - ankle[2])
    return out


def knee_flexion(hip: FloatArray, ankle: FloatArray) -> FloatArray:
    """How far (rad) the knee is short of straight for a hip-ankle distance."""
    d = np.hypot(ankle[0] - hip[0], ankle[2] - hip[2])
    cos_k = (d * d - THIGH_LENGTH**2 - SHANK_LENGTH**2) / (2.0 * THIGH_LENGTH * SHANK_LENGTH)
    out: FloatArray = np.arccos(np.clip(cos_k, -1.0, 1.0))
    return out


def _saddle(knee_bottom: float) -> tuple[FloatArray, FloatArray]:
    """(hip, bottom bracket) so the knee is `knee_bottom` short of straight at its straightest."""
    phi = np.linspace(0.0, 2.0 * math.pi, 721)
    zero = np.zeros_like(phi)
    ball = rotate(euler_zyx(zero, ankling(phi), zero), BALL)
    ankle = CRANK * np.stack((np.sin(phi), zero, np.cos(phi))) - ball  # from the bottom bracket
    along = np.array([-math.cos(SEAT_TUBE), 0.0, math.sin(SEAT_TUBE)])
    lo, hi = 0.3, 1.2  # m of seat tube: bisect on the straightest knee over a revolution
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        straightest = float(knee_flexion(mid * along[:, None], ankle).min())
        lo, hi = (lo, mid) if straightest < knee_bottom else (mid, hi)
    height = 0.5 * (lo + hi)
    hip = np.array([SADDLE_X, HIP[1], 0.0])
    bottom_bracket = np.array([SADDLE_X + height * math.cos(SEAT_TUBE), 0.0, BB_Z])
    hip[2] = BB_Z + height * math.sin(SEAT_TUBE)
    return hip, bottom_bracket


def _level_after(angle: float, cadence: float) -> tuple[float, float]:
    """(time, angle): the cranks stopping level from `angle` turning at `cadence` (rad/s).

    Easing to 0 by min-jerk over T turns the cranks cadence * T / 2: the next level angle (90 or
    270 degrees) at least CRANK_STOP_S of easing ahead.
    """
    least = angle + cadence * CRANK_STOP_S / 2.0
    level = math.pi / 2.0 + math.pi * math.ceil((least - math.pi / 2.0) / math.pi)
    return 2.0 * (level - angle) / cadence, level


def draw_ride(
    start: float, end: float, rng: np.random.Generator
) -> tuple[Rider, Knots, float, Knots, FloatArray]:
    """What one ride from start to end does: rider, cadence, crank start, speed, foot (k, 3)."""
    hip, bb = _saddle(float(rng.uniform(*KNEE_BOTTOM)))
    rider = Rider(
        hip=hip,
        bottom_bracket=bb,
        lean=float(rng.uniform(*LEAN)),
        upper_arm=float(rng.uniform(*UPPER_ARM)),
        elbow=float(rng.uniform(*ELBOW)),
        pronation=float(rng.uniform(*PRONATION)),
    )
    rpm = 2.0 * math.pi / 60.0
    crank_start = math.pi / 2.0 * float(rng.choice([1.0, 3.0]))  # parked level
    ct, cv = [start], [0.0]
    st, sv = [start], [0.0]
    feet: list[tuple[float, float, float]] = []
    angle = crank_start

    def cadence(at: float, value: float) -> None:
        nonlocal angle
        angle += (cv[-1] + value) / 2.0 * (at - ct[-1])  # min-jerk eases integrate as trapezoids
        ct.append(at)
        cv.append(value)

    def speed(at: float, value: float) -> None:
        st.append(max(at, st[-1]))
        sv.append(value)

    def to_level(at: float) -> float:
        easing, _ = _level_after(angle, cv[-1]) if cv[-1] > 0.0 else (0.0, angle)
        cadence(at + easing, 0.0)
        return at + easing

    # The last stop ends the riding: braking, the foot down, then getting off.
    last_brake = end - MOUNT_S - FOOT_S - BRAKE_S[1] - 1.0
    t = start + MOUNT_S
    while True:
        # Pull away: onto the saddle, cadence and speed picking up.
        feet.append((t, UP_S, -1.0))
        cruise = float(rng.uniform(*CRUISE))
        cadence(t, 0.0)
        speed(t, 0.0)
        speed(t + float(rng.uniform(*PULL_AWAY_S)), cruise)
        t += float(rng.uniform(*CADENCE_UP_S))
        cadence(t, float(rng.uniform(*CADENCE_RPM)) * rpm)
        stop_at = min(t + float(rng.exponential(STOP_GAP_S)) + 20.0, last_brake)
        next_coast = t + float(rng.exponential(COAST_GAP_S)) + 10.0
        # Pedal, the cadence drifting, and coast now and then, until the stop.
        while t < stop_at:
            until = min(t + float(rng.uniform(*CADENCE_HOLD_S)), next_coast, stop_at)
            target = float(rng.uniform(*CADENCE_RPM)) * rpm
            if until >= next_coast and until + 20.0 > stop_at:
                next_coast = math.inf  # a coast (at most about 19 s) no longer fits: ride on
            if until >= stop_at or until < next_coast:
                t = until
                cadence(t, target)
                continue
            t = until
            cadence(t, target)
            t = to_level(t)  # coast: the cranks level and still, then pedal on
            t += float(rng.uniform(*COAST_S))
            cadence(t, 0.0)
            t += float(rng.uniform(*CADENCE_UP_S))
            cadence(t, target)
            next_coast = t + float(rng.exponential(COAST_GAP_S)) + 10.0
        # Stop: braking with the cranks level, the foot down once the bike stands.
        brake = float(rng.uniform(*BRAKE_S))
        still = to_level(t)
        speed(t, cruise)
        speed(st[-1] + brake, 0.0)
        t = max(st[-1], still)
        feet.append((t, FOOT_S, 1.0))
        t += FOOT_S + float(rng.uniform(*STOP_S))
        if t >= last_brake:
            break
    return rider, Knots.of(ct, cv), crank_start, Knots.of(st, sv), np.array(feet)


def _tyres(freq: FloatArray) -> FloatArray:
    return np.abs(transmissibility(freq, TYRE_HZ, TYRE_DAMPING)).astype(np.float64)


# Road displacement ~ 1/f^2 (ISO 8608), so acceleration input ~ f, through the tyres.
BICYCLE = Road(
    band_hz=BAND_HZ,
    wheels=_tyres,
    rms=ROAD_RMS,
    section_s=SECTION_S,
    wheelbase=WHEELBASE,
    bump_speed=CRUISE,
)


def draw_ride_vibration(start: float, end: float, rng: np.random.Generator) -> Vibration:
    """The road through a bicycle's tyres (see the module docstring): vibration.py's model."""
    return draw_road(start, end, rng, BICYCLE)
