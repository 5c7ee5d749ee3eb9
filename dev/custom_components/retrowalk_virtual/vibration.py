"""Road vibration at a car's floor, seat and steering wheel, and the jolts of bumps.

Figures from memory (ISO 2631-1:1997 and the whole-body vibration literature, e.g. Griffin's
Handbook of Human Vibration), not fitted to any recording or to the step engine:

- A car seat's vibration is mostly vertical and broadband, with most energy around two
  resonances: the car body bouncing on its springs (1-2 Hz) and the seated body on the seat
  (4-6 Hz). Its ISO 2631-1 frequency-weighted (Wk) RMS is typically 0.2-0.6 m/s^2 on ordinary
  roads; a stationary car with the engine idling gives well under 0.1 m/s^2.
- Fore-aft vibration at the backrest is weaker than the vertical, about a third of it here.
- Bumps (potholes, speed bumps) are short transients of 1-3 m/s^2 at the seat, once for each
  axle: the rear wheels hit a wheelbase later.

The model: the floor's vertical acceleration is a random-phase multisine (many sines at random
log-spaced frequencies, Gaussian-like and broadband) shaped by a quarter-car's response to a road
whose displacement spectrum falls as 1/f^2 (ISO 8608: velocity input flat): body bounce at
1.5 Hz, wheel hop at 11 Hz. The seat is the floor passed through the seated body's
transmissibility (resonance 5 Hz, damping ratio 0.3: a peak of about 1.9, as measured seat-to-
trunk transmissibilities have). The steering column is bolted to the car body: the wheel shakes
as the floor does. The level follows the road: sections of 30-120 s, each with its own weighted
seat RMS drawn in 0.2-0.6 m/s^2, eased from one to the next; while the car stands, the idle level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
import math

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait.types import FloatArray

from .shapes import minjerk, sine_sums
from .traffic import WHEELBASE  # one car: the rear axle meets a bump one wheelbase later

LINES = 48  # sines in the multisine: enough for a continuous-looking spectrum
BAND_HZ = (0.5, 25.0)  # what a seat passes on; a car body barely moves above
BODY_HZ, BODY_DAMPING = 1.5, 0.3  # car body on its suspension
WHEEL_HOP_HZ, WHEEL_HOP_DAMPING = 11.0, 0.35  # unsprung mass on the tyres
SEATED_HZ, SEATED_DAMPING = 5.0, 0.3  # seated body on the seat cushion
FORE_AFT_SHARE = 1.0 / 3.0  # backrest fore-aft vibration relative to the seat's vertical
ROAD_RMS = (0.2, 0.6)  # m/s^2, Wk-weighted at the seat, ordinary roads
IDLE_RMS = 0.05  # m/s^2, a standing car with the engine running
SECTION_S = (30.0, 120.0)  # road sections of one roughness
# ISO 2631-1 Wk weighting (vertical, seated), from memory of its table at the third-octave bands.
_WK_HZ = np.array([0.5, 1.0, 2.0, 4.0, 6.3, 8.0, 10.0, 16.0, 25.0])
_WK = np.array([0.418, 0.482, 0.531, 0.967, 1.054, 1.036, 0.988, 0.768, 0.513])
# Bumps: mean gap on the road, size at the seat, the car's speed over them and its wheelbase.
BUMP_GAP_S = 120.0
BUMP_PEAK = (1.0, 3.0)  # m/s^2
BUMP_HZ = (3.0, 6.0)  # the seated body rings at its resonance
BUMP_SPEED = (4.0, 10.0)  # m/s: people slow down for speed bumps
BUMP_FLOOR_SHARE = 0.6  # the floor jolts less than the body resonating on the seat


class Mount(Enum):
    """Where vibration reaches the body."""

    FLOOR = "floor"  # feet
    SEAT = "seat"  # pelvis, trunk, thighs
    WHEEL = "wheel"  # hands on the steering wheel


def wk(freq: FloatArray) -> FloatArray:
    """ISO 2631-1 Wk weighting at `freq` (Hz), interpolated in log frequency."""
    out: FloatArray = np.interp(np.log(freq), np.log(_WK_HZ), _WK)
    return out


def transmissibility(
    freq: FloatArray, natural: float, damping: float
) -> npt.NDArray[np.complex128]:
    """Complex base-to-mass transmissibility of a damped single-degree-of-freedom system."""
    r = freq / natural
    out: npt.NDArray[np.complex128] = (1.0 + 2j * damping * r) / (1.0 - r * r + 2j * damping * r)
    return out


@dataclass(frozen=True, slots=True, eq=False)
class Vibration:
    """The car's vertical and fore-aft vibration over one drive (see the module docstring)."""

    freq: FloatArray  # (k,) Hz
    floor: FloatArray  # (k,) vertical amplitude at the floor, m/s^2 per unit level
    seat: FloatArray  # (k,) vertical amplitude at the seat, m/s^2 per unit level
    shift: FloatArray  # (k,) rad, the seat's phase relative to the floor's
    phase: FloatArray  # (2, k) rad, vertical and fore-aft
    section_t: FloatArray  # (m,) s, road sections' starts
    section_rms: FloatArray  # (m,) Wk-weighted seat RMS of each section
    bump_t: FloatArray  # (b,) s, each axle's hit
    bump_peak: FloatArray  # (b,) m/s^2 at the seat
    bump_hz: FloatArray  # (b,)

    def level(self, t: FloatArray) -> FloatArray:
        """The road's weighted seat RMS at times t (eased between sections)."""
        last = len(self.section_t) - 2
        i = np.clip(np.searchsorted(self.section_t, t, side="right") - 1, 0, last)
        t0, t1 = self.section_t[i], self.section_t[i + 1]
        # Ease over the first 5 s of each section: roads change within metres, not kilometres.
        s = minjerk((t - t0) / np.minimum(5.0, t1 - t0))
        prev = self.section_rms[np.maximum(i - 1, 0)]
        out: FloatArray = prev + (self.section_rms[i] - prev) * s
        return out

    def __call__(self, mount: Mount, t: FloatArray, moving: FloatArray) -> FloatArray:
        """(3, n) vibration acceleration in the car's frame (x forward, z up) at times t.

        `moving` (0..1) scales the road's share down to the idling engine's while the car stands.
        """
        seat = mount is Mount.SEAT
        level = IDLE_RMS + (self.level(t) - IDLE_RMS) * moving
        out = np.zeros((3, len(t)))
        if seat:  # vertical, and the backrest pushing the trunk fore and aft
            phase = np.stack((self.phase[0] + self.shift, self.phase[1]))
            vertical, fore_aft = sine_sums(t, self.freq, phase, np.stack((self.seat, self.seat)))
            out[0] = FORE_AFT_SHARE * fore_aft * level
        else:
            (vertical,) = sine_sums(t, self.freq, self.phase[:1], self.floor[None])
        out[2] = vertical * level
        # Bumps are hit while driving over them, not while the car stands.
        out[2] += self.bumps(t) * moving * (1.0 if seat else BUMP_FLOOR_SHARE)
        return out

    def bumps(self, t: FloatArray) -> FloatArray:
        """Vertical jolts: a sine under a Gaussian window, about 1.5 cycles long, zero mean."""
        out = np.zeros(len(t))
        near = (
            np.flatnonzero((self.bump_t > t[0] - 1.0) & (self.bump_t < t[-1] + 1.0))
            if len(t)
            else np.zeros(0, dtype=np.intp)
        )
        for k in near:
            u = (t - self.bump_t[k]) * self.bump_hz[k]  # in cycles of the ringing
            out += (
                self.bump_peak[k]
                / _WAVELET_PEAK
                * np.sin(2.0 * math.pi * u)
                * np.exp(-((u / _WAVELET_WIDTH) ** 2))
            )
        return out


_WAVELET_WIDTH = 0.8  # cycles: the Gaussian window's 1/e half-width
_u = np.linspace(0.0, 1.0, 2001)
_WAVELET_PEAK = float(np.max(np.sin(2.0 * math.pi * _u) * np.exp(-((_u / _WAVELET_WIDTH) ** 2))))


@dataclass(frozen=True, slots=True, kw_only=True)
class Road:
    """What a vehicle makes of the road (draw_road).

    Its wheels' and springs' path to the floor or frame, the band and levels of what reaches the
    seat, and how bumps come.
    """

    band_hz: tuple[float, float]
    # |transmissibility| from the road to the floor (car) or frame (bicycle), per frequency.
    wheels: Callable[[FloatArray], FloatArray]
    rms: tuple[float, float]  # m/s^2, Wk-weighted at the seat, per road section
    section_s: tuple[float, float]
    wheelbase: float  # m: the rear wheel meets a bump this far behind the front one
    bump_speed: tuple[float, float]  # m/s over a bump
    lines: int = LINES
    bump_gap_s: float = BUMP_GAP_S


def _car_wheels(freq: FloatArray) -> FloatArray:
    car = transmissibility(freq, BODY_HZ, BODY_DAMPING) * transmissibility(
        freq, WHEEL_HOP_HZ, WHEEL_HOP_DAMPING
    )
    return np.abs(car).astype(np.float64)


CAR = Road(
    band_hz=BAND_HZ,
    wheels=_car_wheels,
    rms=ROAD_RMS,
    section_s=SECTION_S,
    wheelbase=WHEELBASE,
    bump_speed=BUMP_SPEED,
)


def draw_vibration(start: float, end: float, rng: np.random.Generator) -> Vibration:
    """A drive's vibration between start and end (bumps only in between, never at the ends)."""
    return draw_road(start, end, rng, CAR)


def draw_road(start: float, end: float, rng: np.random.Generator, road: Road) -> Vibration:
    """`road`'s vibration between start and end (bumps only in between, never at the ends)."""
    lo, hi = np.log(road.band_hz[0]), np.log(road.band_hz[1])
    freq = np.sort(np.exp(rng.uniform(lo, hi, road.lines)))
    # Each line stands for a band of (hi - lo) / lines in log frequency: its power is the
    # spectrum's there times the band's width in hertz.
    width = freq * (hi - lo) / road.lines
    # Road displacement spectrum ~ 1/f^2: acceleration input ~ f^2 (power), through the wheels.
    floor = freq * road.wheels(freq) * np.sqrt(width)
    body = transmissibility(freq, SEATED_HZ, SEATED_DAMPING)
    seat = floor * np.abs(body)
    # Unit level: the seat's Wk-weighted RMS is 1 (a sine's RMS is its amplitude / sqrt 2).
    scale = math.sqrt(0.5 * float(np.sum((wk(freq) * seat) ** 2)))
    sections = [start, start + float(rng.uniform(*road.section_s))]
    while sections[-1] < end:
        sections.append(sections[-1] + float(rng.uniform(*road.section_s)))
    bumps: list[float] = []
    peaks: list[float] = []
    t = start + float(rng.exponential(road.bump_gap_s))
    while t < end - 5.0:
        peak = float(rng.uniform(*BUMP_PEAK))
        rear = road.wheelbase / float(rng.uniform(*road.bump_speed))
        bumps += [t, t + rear]
        peaks += [peak, peak * float(rng.uniform(0.6, 1.0))]
        t += rear + float(rng.exponential(road.bump_gap_s))
    return Vibration(
        freq=freq,
        floor=floor / scale,
        seat=seat / scale,
        shift=np.angle(body).astype(np.float64),
        phase=rng.uniform(0.0, 2.0 * math.pi, size=(2, road.lines)),
        section_t=np.array(sections),
        section_rms=rng.uniform(*road.rms, size=len(sections)),
        bump_t=np.array(bumps),
        bump_peak=np.array(peaks) * rng.choice([-1.0, 1.0], size=len(peaks)),
        bump_hz=rng.uniform(*BUMP_HZ, size=len(bumps)),
    )
