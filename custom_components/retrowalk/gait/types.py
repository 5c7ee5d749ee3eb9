"""Value types shared by the gait engine and its callers (no Home Assistant imports)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

# The one home of these two facts: the engine, the decoders, the virtual wearable and the tools
# import them from here.
type FloatArray = npt.NDArray[np.float64]
STANDARD_GRAVITY = 9.80665  # m/s², the conventional value (CGPM 1901); sensors report g in it

# Step candidates lie on the detector's sample grid, so the intervals between them are exact
# multiples of a sample (0.02 s at 50 Hz) and often meet a rule's bound exactly (a spread of
# exactly 0.5, an interval of exactly 1.3 s). Computed from raw times, the rounding of the clock's
# origin decides those ties (times since 1970 carry about 1e-7 s): the same wrist day replayed
# from another start time came out 442, 456 or 479 steps. The detector and the walking gate judge
# intervals rounded to this many decimals of a second, far below a sample, so their verdicts
# depend on the candidates alone, not on when the recording started.
INTERVAL_DECIMALS = 4


def interval(earlier: float, later: float) -> float:
    """The time from `earlier` to `later`, s, at the resolution rules judge (INTERVAL_DECIMALS)."""
    return round(later - earlier, INTERVAL_DECIMALS)


def at_most(x: float, limit: float) -> bool:
    """`x <= limit` at the rules' resolution, for times computed from intervals.

    Float arithmetic on rounded intervals (a spread, a multiple of a median) still lands a hair
    either side of a bound it meets exactly (0.90 - 0.60 > 0.5 * 0.60), so within half a step
    of the resolution is on it: bounds are included, as the rules are written.
    """
    return x <= limit + 0.5 * 10.0**-INTERVAL_DECIMALS


class Direction(StrEnum):
    """Walking direction of one step, relative to where the wearer faces."""

    FORWARD = "forward"
    BACKWARD = "backward"
    LEFT = "left"
    RIGHT = "right"


class Placement(StrEnum):
    """Where the sensor is worn; the physics the engine relies on differs per placement."""

    FOOT = "foot"
    SHANK = "shank"
    WAIST = "waist"
    THIGH = "thigh"  # trouser pocket: the sensor moves with the thigh
    CHEST = "chest"
    WRIST = "wrist"


@dataclass(frozen=True, slots=True, kw_only=True)
class StepEvent:
    """One step of either foot, reported exactly once."""

    t: float
    direction: Direction
    confidence: float
    # Foot/shank placements: the landing of the foot wearing the sensor (the other foot's steps
    # are inferred from its strides). False for every step at other placements.
    sensor_foot: bool = False
    # Foot/shank with a gyro, on the instrumented foot's step that ends a stride: the stride's
    # horizontal length and the walking speed over it (None for the first stride after a pause).
    stride_length_m: float | None = None
    speed_m_s: float | None = None
    # What the detector saw at this step, for the walking gate (gait/gate.py); None where the
    # detector has nothing to say (e.g. a step restored inside a steady bout). Not part of a
    # step's identity: equality and repr ignore it.
    features: StepFeatures | None = field(default=None, compare=False, repr=False)
    # Returned after a step later than it: the walking gate's wrist stride fill restores a walk's
    # first strides' steps at once (gait/gate.py, never more than MAX_LATE_S back). The only
    # steps out of time order; consumers that keep time order go by this flag, not by the times,
    # which also go back when a wearable's clock restarts. When it was reported, not what
    # happened: equality ignores it.
    late: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class StepFeatures:
    """Per-step mechanics a detector reports alongside a step."""

    amplitude: float  # m/s^2: height of the step's vertical-acceleration peak
    # Unit gravity ("up") direction in the sensor's own axes around the step: the posture.
    up: tuple[float, float, float]
    # The period (s) of the sensor's own swing when the step was reported, where it swings
    # with a limb clearly (trunk_signal.swing_period; only where the detector looks for one).
    swing_s: float | None = None
    # How often the acceleration's magnitude oscillated since the detector's previous measured
    # step (trunk_signal.cycles_between; the wrist's detector only, else None): a step is one
    # oscillation, a stride two, arm work faster than the steps found in it more.
    cycles: float | None = None
    # How alike the acceleration's magnitude was half the sensor's own cycle later, over the
    # detector's latest swing window (trunk_signal.half_cycle_likeness; the thigh's detector
    # only, else None; None too where the sensor shows no cycle): a walking thigh's cycle is a
    # stride of two steps, so its magnitude repeats there; pedalling turns the thigh once a rise
    # and fall, reversed there (figures: docs/walking_gate.md, "Thigh: pedalling").
    half_cycle: float | None = None
    # Degrees: how far the sensor's direction turned about its mean over the detector's latest
    # swing window, RMS (trunk_signal.turn_rms; the thigh's detector only, else None). A walking
    # thigh swings forward and back once a stride; a thigh resting on a coasting pedal or a car
    # seat hardly turns (docs/walking_gate.md, "Thigh: a walking thigh swings").
    turn_deg: float | None = None
    # m/s^2: the amplitude of the horizontal acceleration at the step frequency over the
    # detector's direction window (the latest direction_steps steps; trunk.horizontal_amplitude;
    # the trunk detector only, else None). A walking trunk is braked and pushed on fore and aft
    # at every step; a body on a car seat is bounced mostly vertically (docs/walking_gate.md,
    # "Trunk: a seat's bounce has no step's fore-aft").
    step_horizontal: float | None = None
    # The share of the acceleration's dynamic part (the signal minus its gravity mean, the
    # posture's window) that lies along gravity within JOLT_HALF_S either side of the step
    # (trunk_signal.vertical_share; the wrist's detector only, else None; None where it cannot
    # tell). A walking body bounces once a step along gravity, and a hand it carries rides the
    # bounce; brushing teeth or clapping moves the hand across gravity (docs/wisdm_watch.md).
    vertical_share: float | None = None
    # The unit quadrature vector of the step's window in the sensor's axes (trunk_signal.
    # quadrature; trunk detectors only): along the anterior-posterior axis, one way walking
    # forward and the other way walking backward. The forward axis learns from it only once the
    # walking gate has kept the step (TrunkDetector._label, Detector.gate): a refused
    # candidate's rhythm (pedalling, a car's bounce) has such a vector too, pointing anywhere.
    # None: it teaches nothing (running, or no quadrature).
    quadrature: tuple[float, float, float] | None = None


# Of the step candidates a detector found, those that count (the walking gate's add(), in time
# order; detector.Detector.gate).
type Keep = Callable[[list[StepEvent]], list[StepEvent]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Bout:
    """A finished walking bout: consecutive steps without a pause."""

    start: float
    end: float
    direction: Direction
    steps: int
    # Medians over the bout's strides in its direction (foot/shank with a gyro), else None.
    stride_length_m: float | None = None
    speed_m_s: float | None = None
    # Coefficient of variation of the step times (at foot/shank: of the instrumented foot's stride
    # times, the other foot's steps being inferred); None with too few steps.
    step_time_cv: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CalibrationState:
    """Progress of an explicit "walk forward N steps" calibration."""

    active: bool
    steps_seen: int
    steps_needed: int
    done: bool
    # 0..1, how consistently the calibration strides pointed one way; None when the detector
    # cannot tell or no calibration finished yet.
    quality: float | None
