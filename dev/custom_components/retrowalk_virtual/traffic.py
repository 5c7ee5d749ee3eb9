"""A drive through town: pulling away, cruising, braking, stopping at lights, turning corners.

What the car does, not what the body does (drive.py): its fore-aft and lateral acceleration, its
heading, the steering wheel's angle, whether it stands, where the driver's right foot is (brake or
accelerator, and how far down), and when the left hand rests on the lap instead of the wheel.

Physics and figures (typical values from memory, none fitted to a recording or to the engine):

- Pulling away 1.0-2.5 m/s^2 over 4-8 s; braking 1-3 m/s^2 over 2-6 s; gentle speed changes
  0.3-1.0 m/s^2 while cruising. Ordinary drivers stay under about 3 m/s^2 either way.
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

from .shapes import bump, minjerk

deg = math.radians

STEERING_RATIO = 15.0
WHEELBASE = 2.7  # m
WHEEL_TURN = (deg(90.0), deg(180.0))  # steering wheel at a corner
WHEEL_RAMP_S = (1.0, 3.0)
CORNER_LATERAL = (1.0, 3.0)  # m/s^2, peak
CORNER_YAW = math.pi / 2
PULL_AWAY = ((1.0, 2.5), (4.0, 8.0))  # (m/s^2, s)
BRAKE_TO_STOP = ((1.5, 3.0), (3.0, 6.0))
BRAKE_FOR_CORNER = ((1.0, 2.0), (2.0, 4.0))
SPEED_CHANGE = ((0.3, 1.0), (2.0, 5.0))
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
    out = np.zeros(len(t))
    if len(start) == 0:
        return out
    i = np.searchsorted(start - ramp, t, side="right") - 1
    k = np.maximum(i, 0)
    value = minjerk((t - start[k] + ramp) / ramp) * (1.0 - minjerk((t - end[k]) / ramp))
    out[:] = np.where(i >= 0, value, 0.0)
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
    s = np.clip(u / ramp, 0.0, 1.0)
    s4 = s * s * s * s
    out: FloatArray = ramp * s4 * (2.5 + s * (-3.0 + s)) + np.maximum(u - ramp, 0.0)
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
        for c in range(len(self.corner_start)):
            u = t - self.corner_start[c]
            back = u - self.ramp_in[c] - self.hold[c]
            turned = _ramp_integral(u, self.ramp_in[c]) - _ramp_integral(back, self.ramp_out[c])
            rate = self.speed[c] * self.wheel_peak[c] / (STEERING_RATIO * WHEELBASE)
            out += rate * turned
        return out

    def forward(self, t: FloatArray) -> FloatArray:
        """Fore-aft acceleration (m/s^2, + speeding up)."""
        if len(self.pulse_start) == 0:
            return np.zeros(len(t))
        i = np.searchsorted(self.pulse_start, t, side="right") - 1
        k = np.maximum(i, 0)
        out: FloatArray = np.where(
            i >= 0, self.pulse_peak[k] * bump((t - self.pulse_start[k]) / self.pulse_s[k]), 0.0
        )
        return out

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
    """Manoeuvres from pulling away at `on` to standing parked before `off`."""
    pulses: list[tuple[float, float, float]] = []
    corners: list[_Corner] = []
    standing: list[tuple[float, float]] = []
    braking: list[tuple[float, float]] = []
    lap: list[tuple[float, float]] = []

    def pulse(t: float, spec: _Pulse, sign: float) -> float:
        size, length = spec
        d = float(rng.uniform(*length))
        pulses.append((t, d, sign * float(rng.uniform(*size))))
        if sign < 0:
            braking.append((t, t + d))
        return t + d

    t = on + float(rng.uniform(2.0, 5.0))  # belt on, engine started, off we go
    stood_from: float | None = on
    while True:
        if t + PULL_AWAY[1][1] + 2 * BRAKE_TO_STOP[1][1] + 2.0 > off:
            break
        if stood_from is not None:
            standing.append((stood_from, t))
            braking.append((stood_from, t))
            stood_from = None
        t = pulse(t, PULL_AWAY, 1.0)
        cruise = CRUISE_S[0] + float(rng.exponential(CRUISE_S[1]))
        if t + cruise + 40.0 > off:
            t = min(t + cruise, off - BRAKE_TO_STOP[1][1] - 2.0)
            break
        if cruise > LAP_MIN_CRUISE_S and rng.random() < LAP_SHARE:
            lap.append((t + 3.0, t + cruise - 3.0))
        elif rng.random() < 0.5:  # a gentle speed change somewhere in the stretch
            size, length = SPEED_CHANGE
            d = min(float(rng.uniform(*length)), cruise - 1.0)
            at = t + float(rng.uniform(0.5, cruise - d - 0.5))
            sign = float(rng.choice([-1.0, 1.0]))
            pulses.append((at, d, sign * float(rng.uniform(*size))))
            if sign < 0:
                braking.append((at, at + d))
        t += cruise
        if rng.random() < CORNER_SHARE:
            t = pulse(t, BRAKE_FOR_CORNER, -1.0)
            t = _corner(t, corners, rng)
        else:
            t = pulse(t, BRAKE_TO_STOP, -1.0)
            stood_from = t
            t += float(rng.uniform(*STOP_S))
    if stood_from is None:  # park
        stood_from = pulse(t, BRAKE_TO_STOP, -1.0)
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


def _corner(t: float, corners: list[_Corner], rng: np.random.Generator) -> float:
    """Append a corner starting at t (see the module docstring); returns its end."""
    wheel = float(rng.uniform(*WHEEL_TURN))
    curvature = wheel / (STEERING_RATIO * WHEELBASE)
    speed = math.sqrt(float(rng.uniform(*CORNER_LATERAL)) / curvature)
    ramp_in = float(rng.uniform(*WHEEL_RAMP_S))
    ramp_out = float(rng.uniform(*WHEEL_RAMP_S))
    # Turned = rate * (ramp_in / 2 + hold + ramp_out / 2): hold until the car has turned 90.
    hold = max(0.0, CORNER_YAW / (speed * curvature) - 0.5 * (ramp_in + ramp_out))
    sign = float(rng.choice([-1.0, 1.0]))
    corners.append((t, ramp_in, hold, ramp_out, sign * wheel, speed))
    return t + ramp_in + hold + ramp_out
