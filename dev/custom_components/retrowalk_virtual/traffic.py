"""A drive through town: pulling away, cruising, braking, stopping at lights, turning corners.

What the car does, not what the body does (drive.py): its fore-aft and lateral acceleration, its
heading, the steering wheel's angle, whether it stands, where the driver's right foot is (brake or
accelerator, and how far down), and when the left hand rests on the lap instead of the wheel.

Physics and figures (typical values from memory, none fitted to a recording or to the engine):

- The car's speed is tracked, and every fore-aft pulse is sized from the change of speed it
  makes, so the fore-aft acceleration integrates to that speed: 0 at every stop and when parked.
  A pulse is peak * bump over its duration; bump's mean is 16/35 (64 * Beta(4, 4) = 0.457), so a
  pulse changes the speed by 16/35 * peak * duration. Its peak is drawn inside the ordinary
  range (braking and pulling away 1-3 m/s^2, gentle speed changes 0.3-1 m/s^2; ordinary drivers
  stay under about 3 m/s^2 either way) such that the duration is 2-8 s. A change too large for
  one such pulse (more than 16/35 * 3 * 8 = 11 m/s) is made in two equal pulses back to back:
  pulling away through the gears (the foot eases off at the shift) or braking in two stages. A
  change too small for one is made with a lighter pulse of 2 s.
- Cruising speed 8-14 m/s (29-50 km/h), drawn anew each time the car pulls away (from standing
  or out of a corner): town streets, under the 50 km/h limit, down to 30 km/h zones. A gentle
  speed change while cruising moves it by 0.5-2 m/s, up or down, staying inside 8-14 m/s.
- Before a corner the car brakes from its speed to the corner's (below). A corner whose speed
  would be above the car's is taken at the car's speed without braking (the driver does not
  speed up into a junction; the lateral acceleration is then below the drawn one). Out of the
  corner it pulls away from the corner's speed to a new cruising speed.
- A corner at a junction: the wheel is turned 90-180 degrees over 1-3 s, held, and unwound over
  1-3 s. The road wheels' angle is the steering wheel's over the steering ratio (15), the path's
  curvature that over the wheelbase (2.7 m, the bicycle model). The speed through the corner is
  what makes the lateral acceleration v^2 * curvature 1-3 m/s^2 at its peak, and the wheel is
  held until the car has turned 90 degrees (less if the ramps alone turn it further). Yaw rate,
  heading and lateral acceleration all follow from that one curvature, so they agree.
- In town a junction or lights come every half minute or so: cruising lasts 8 s plus an
  exponential 30 s; 60 % of the events are corners, 40 % stops of 10-60 s.
- The right foot: heel on the floor, on the accelerator pressed 8-20 degrees (more while pulling
  away), moved to the brake (pivoting on the heel, 0.5 s) before braking and kept there while
  the car stands, pressed 5-20 degrees with the braking.
- The left hand rests on the lap on a third of the longer stretches of cruising (more than
  25 s), from 3 s into them until 3 s before their end; it is on the wheel for every corner.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray

from .shapes import minjerk, minjerk_integral, pulse_train

deg = math.radians

STEERING_RATIO = 15.0
WHEELBASE = 2.7  # m
WHEEL_TURN = (deg(90.0), deg(180.0))  # steering wheel at a corner
WHEEL_RAMP_S = (1.0, 3.0)
CORNER_LATERAL = (1.0, 3.0)  # m/s^2, peak
CORNER_YAW = math.pi / 2
BUMP_MEAN = 16.0 / 35.0  # mean of shapes.bump over its duration: 64 * Beta(4, 4)
PULSE_S = (2.0, 8.0)
PULL_AWAY = ((1.0, 3.0), PULSE_S)  # (peak m/s^2, duration s)
BRAKE_TO_STOP = ((1.0, 3.0), PULSE_S)
BRAKE_FOR_CORNER = ((1.0, 3.0), PULSE_S)
SPEED_CHANGE = ((0.3, 1.0), PULSE_S)
CRUISE_SPEED = (8.0, 14.0)  # m/s
SPEED_STEP = (0.5, 2.0)  # m/s, a gentle change while cruising
# The longest change of speed (to or from cruising): its pulses back to back.
CHANGE_MAX_S = PULSE_S[1] * math.ceil(CRUISE_SPEED[1] / (BUMP_MEAN * 3.0 * PULSE_S[1]))
CORNER_MAX_S = 20.0  # a corner lasts under 11 s (ramps and hold at the slowest, 3.6 m/s)
CRUISE_S = (8.0, 30.0)  # minimum, mean of the exponential part
STOP_S = (10.0, 60.0)
CORNER_SHARE = 0.6
LAP_SHARE = 0.35
LAP_MIN_CRUISE_S = 25.0
HAND_MOVE_S = 1.0  # wheel to lap and back
PEDAL_SWAP_S = 0.5  # accelerator to brake (or back), pivoting on the heel
ACCELERATOR_PRESS = (deg(8.0), deg(20.0))  # cruising .. pulling away hard
BRAKE_PRESS = (deg(5.0), deg(20.0))  # light .. hard braking
HOLD_PRESS = deg(10.0)  # holding the car while it stands


type _Pulse = tuple[tuple[float, float], tuple[float, float]]  # (size range, length range)
type _Corner = tuple[float, float, float, float, float, float]


def windows(t: FloatArray, start: FloatArray, end: FloatArray, ramp: float) -> FloatArray:
    """0..1: inside sorted, non-overlapping [start, end], eased in before start and out after end.

    Windows closer than two ramps must have been merged (see _merge).
    """
    if len(start) == 0:
        return np.zeros(len(t))
    i = np.searchsorted(start - ramp, t, side="right") - 1
    k = np.maximum(i, 0)
    value = minjerk((t - start[k] + ramp) / ramp) * (1.0 - minjerk((t - end[k]) / ramp))
    out: FloatArray = np.where(i >= 0, value, 0.0)
    return out


def _merge(rows: list[tuple[float, float]], gap: float) -> tuple[FloatArray, FloatArray]:
    """Sorted windows with those less than `gap` apart joined."""
    merged: list[list[float]] = []
    for a, b in sorted(rows):
        if merged and a - merged[-1][1] < gap:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    if not merged:
        return np.zeros(0), np.zeros(0)
    arr = np.array(merged)
    return arr[:, 0], arr[:, 1]


def _ramp_integral(u: FloatArray, ramp: FloatArray) -> FloatArray:
    """Integral over time of minjerk(u / ramp) from u = 0 (0 before)."""
    out: FloatArray = minjerk_integral(u / ramp, ramp) + np.maximum(u - ramp, 0.0)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class Traffic:
    """The car's manoeuvres over one drive (see the module docstring)."""

    # Fore-aft acceleration pulses, sorted and non-overlapping: peak * bump over the duration.
    pulse_start: FloatArray
    pulse_s: FloatArray
    pulse_peak: FloatArray  # m/s^2, + speeding up
    # Corners: the wheel turns in over ramp_in, is held, and turns back over ramp_out.
    corner_start: FloatArray
    ramp_in: FloatArray
    hold: FloatArray
    ramp_out: FloatArray
    wheel_peak: FloatArray  # rad, + to the left (anticlockwise as the driver sees it)
    speed: FloatArray  # m/s through the corner
    standing: tuple[FloatArray, FloatArray]  # windows where the car stands
    braking: tuple[FloatArray, FloatArray]  # windows where the right foot is on the brake
    lap: tuple[FloatArray, FloatArray]  # windows where the left hand rests on the lap

    def _corner(self, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(index of the corner at or before each t, its wheel profile 0..1 there)."""
        i = np.searchsorted(self.corner_start, t, side="right") - 1
        k = np.maximum(i, 0)
        u = t - self.corner_start[k]
        back = u - self.ramp_in[k] - self.hold[k]
        profile = minjerk(u / self.ramp_in[k]) - minjerk(back / self.ramp_out[k])
        return k, np.where(i >= 0, profile, 0.0)

    def wheel(self, t: FloatArray) -> FloatArray:
        """Steering wheel angle (rad, + left)."""
        if len(self.corner_start) == 0:
            return np.zeros(len(t))
        k, profile = self._corner(t)
        out: FloatArray = self.wheel_peak[k] * profile
        return out

    def lateral(self, t: FloatArray) -> FloatArray:
        """Lateral acceleration (m/s^2, + to the left): v^2 times the path's curvature."""
        if len(self.corner_start) == 0:
            return np.zeros(len(t))
        k, profile = self._corner(t)
        curvature = self.wheel_peak[k] * profile / (STEERING_RATIO * WHEELBASE)
        out: FloatArray = self.speed[k] ** 2 * curvature
        return out

    def heading(self, t: FloatArray) -> FloatArray:
        """The car's heading (rad, + left) since the drive began: speed times curvature, summed."""
        out = np.zeros(len(t))
        # Corners starting after the last time add nothing yet (corner_start is in time order).
        # A loop over corners, not one (corners, times) array: that array was slower (4096-sample
        # blocks of a 16-corner drive: 36 ms against 30 ms) and, for a whole drive asked for at
        # once, took five times as long and twice the memory.
        begun = int(np.searchsorted(self.corner_start, t[-1], side="right")) if len(t) else 0
        for c in range(begun):
            u = t - self.corner_start[c]
            back = u - self.ramp_in[c] - self.hold[c]
            turned = _ramp_integral(u, self.ramp_in[c]) - _ramp_integral(back, self.ramp_out[c])
            rate = self.speed[c] * self.wheel_peak[c] / (STEERING_RATIO * WHEELBASE)
            out += rate * turned
        return out

    def forward(self, t: FloatArray) -> FloatArray:
        """Fore-aft acceleration (m/s^2, + speeding up)."""
        return pulse_train(t, self.pulse_start, self.pulse_s, self.pulse_peak)

    def stands(self, t: FloatArray) -> FloatArray:
        """1 while the car stands, 0 while it moves (eased over a second)."""
        return windows(t, *self.standing, 1.0)

    def on_lap(self, t: FloatArray) -> FloatArray:
        """1 while the left hand rests on the lap, 0 on the wheel."""
        return windows(t, *self.lap, HAND_MOVE_S)

    def pedal(self, t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The right foot: (0 on the accelerator .. 1 on the brake, how far it presses, rad)."""
        brake = windows(t, *self.braking, PEDAL_SWAP_S)
        ax = self.forward(t)
        gas = ACCELERATOR_PRESS[0] + (ACCELERATOR_PRESS[1] - ACCELERATOR_PRESS[0]) * np.clip(
            ax / PULL_AWAY[0][1], 0.0, 1.0
        )
        stop = BRAKE_PRESS[0] + (BRAKE_PRESS[1] - BRAKE_PRESS[0]) * np.clip(-ax / 3.0, 0.0, 1.0)
        stop = np.maximum(stop, HOLD_PRESS * self.stands(t))
        # Off the pedal while moving across: press fades out and back in with the swap.
        across = 4.0 * brake * (1.0 - brake)
        press: FloatArray = ((1.0 - brake) * gas + brake * stop) * (1.0 - across)
        return brake, press


def draw_traffic(on: float, off: float, rng: np.random.Generator) -> Traffic:
    """Manoeuvres from pulling away at `on` to standing parked before `off`.

    The car's speed v is tracked through them (see the module docstring): it is 0 at `on`, at
    every stop and from parking on.
    """
    pulses: list[tuple[float, float, float]] = []
    corners: list[_Corner] = []
    standing: list[tuple[float, float]] = []
    braking: list[tuple[float, float]] = []
    lap: list[tuple[float, float]] = []

    def change(t: float, spec: _Pulse, dv: float) -> float:
        """Pulses from t changing the speed by dv; returns their end."""
        for d, peak in _sized(abs(dv), spec, rng):
            pulses.append((t, d, math.copysign(peak, dv)))
            if dv < 0:
                braking.append((t, t + d))
            t += d
        return t

    v = 0.0
    t = on + float(rng.uniform(2.0, 5.0))  # belt on, engine started, off we go
    stood_from: float | None = on
    while True:
        if t + 2 * CHANGE_MAX_S + 2.0 > off:  # no room to pull away and park again
            break
        if stood_from is not None:
            standing.append((stood_from, t))
            braking.append((stood_from, t))
            stood_from = None
        cruising = float(rng.uniform(*CRUISE_SPEED))
        t = change(t, PULL_AWAY, cruising - v)
        v = cruising
        cruise = CRUISE_S[0] + float(rng.exponential(CRUISE_S[1]))
        if t + cruise + 2 * CHANGE_MAX_S + CORNER_MAX_S + 2.0 > off:
            t = min(t + cruise, off - CHANGE_MAX_S - 2.0)
            break
        if cruise > LAP_MIN_CRUISE_S and rng.random() < LAP_SHARE:
            lap.append((t + 3.0, t + cruise - 3.0))
        elif rng.random() < 0.5:  # a gentle speed change somewhere in the stretch
            step = float(rng.uniform(*SPEED_STEP)) * float(rng.choice([-1.0, 1.0]))
            if not CRUISE_SPEED[0] <= v + step <= CRUISE_SPEED[1]:
                step = -step  # the other way, inside the cruising speeds
            (d, peak), *_ = _sized(abs(step), SPEED_CHANGE, rng, cruise - 1.0)
            at = t + float(rng.uniform(0.5, cruise - d - 0.5))
            pulses.append((at, d, math.copysign(peak, step)))
            if step < 0:
                braking.append((at, at + d))
            v += step
        t += cruise
        if rng.random() < CORNER_SHARE:
            corner = _draw_corner(v, rng)
            t = change(t, BRAKE_FOR_CORNER, corner[4] - v)
            v = corner[4]
            corners.append((t, *corner))
            t += corner[0] + corner[1] + corner[2]
        else:
            t = change(t, BRAKE_TO_STOP, -v)
            v = 0.0
            stood_from = t
            t += float(rng.uniform(*STOP_S))
    if stood_from is None:  # park
        stood_from = change(t, BRAKE_TO_STOP, -v)
    standing.append((stood_from, off))
    braking.append((stood_from, off))
    pulses.sort()
    c = np.array(corners) if corners else np.zeros((0, 6))
    p = np.array(pulses) if pulses else np.zeros((0, 3))
    return Traffic(
        pulse_start=p[:, 0],
        pulse_s=p[:, 1],
        pulse_peak=p[:, 2],
        corner_start=c[:, 0],
        ramp_in=c[:, 1],
        hold=c[:, 2],
        ramp_out=c[:, 3],
        wheel_peak=c[:, 4],
        speed=c[:, 5],
        standing=_merge(standing, 2.0),
        braking=_merge(braking, 2.0 * PEDAL_SWAP_S),
        lap=_merge(lap, 2.0 * HAND_MOVE_S),
    )


def _sized(
    dv: float, spec: _Pulse, rng: np.random.Generator, longest: float = PULSE_S[1]
) -> list[tuple[float, float]]:
    """(duration, peak) of the pulses, back to back, that change the speed by dv >= 0.

    Each changes it by BUMP_MEAN * peak * duration; the peak is drawn inside spec's range such
    that the duration is inside spec's (and at most `longest`); as few pulses as allow that.
    """
    if dv < 1e-9:
        return []
    (lo, hi), (short, long) = spec
    long = min(long, longest)
    n = max(1, math.ceil(dv / (BUMP_MEAN * hi * long)))
    part = dv / n
    low = max(lo, part / (BUMP_MEAN * long))
    high = min(hi, part / (BUMP_MEAN * short))
    draw = float(rng.uniform())
    if low > high:  # too small a change for the range: a lighter, short pulse
        return [(short, part / (BUMP_MEAN * short))] * n
    peak = low + (high - low) * draw
    return [(part / (BUMP_MEAN * peak), peak)] * n


def _draw_corner(v: float, rng: np.random.Generator) -> tuple[float, float, float, float, float]:
    """(ramp_in, hold, ramp_out, wheel, speed) of a corner taken by a car at speed v.

    See the module docstring: not faster than v (no speeding up into a junction).
    """
    wheel = float(rng.uniform(*WHEEL_TURN))
    curvature = wheel / (STEERING_RATIO * WHEELBASE)
    speed = min(v, math.sqrt(float(rng.uniform(*CORNER_LATERAL)) / curvature))
    ramp_in = float(rng.uniform(*WHEEL_RAMP_S))
    ramp_out = float(rng.uniform(*WHEEL_RAMP_S))
    # Turned = rate * (ramp_in / 2 + hold + ramp_out / 2): hold until the car has turned 90.
    hold = max(0.0, CORNER_YAW / (speed * curvature) - 0.5 * (ramp_in + ramp_out))
    sign = float(rng.choice([-1.0, 1.0]))
    return ramp_in, hold, ramp_out, sign * wheel, speed
