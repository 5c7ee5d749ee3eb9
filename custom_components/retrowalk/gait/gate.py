"""The walking gate: candidate steps count only inside a confirmed walking bout.

A detector reports every rhythmic jolt that looks like a step; people at a desk, eating, brushing
teeth or talking with their hands make plenty of those. Walking differs from them physically in
three ways the gate checks on a run of consecutive candidates before anything is counted:

- Rhythm. Legs are pendulums: consecutive steps of a walk follow each other at 0.3-1.3 s and
  within a few steps vary by a few per cent (stride-time variability of healthy and older
  walkers is 2-5 %); gestures come in ones and twos or at irregular intervals.
- Persistence. A walk takes several steps in a row; a gesture burst rarely keeps the rhythm that
  long. confirm_steps candidates in a row are needed (the Espruino/Bangle.js counter asks for a
  run of steps inside a time window for the same reason).
- Mechanics per placement (the detector's StepFeatures): the heel strike's vertical jolt has a
  minimum size at each body location, and the posture must allow walking (a thigh that is
  horizontal is sitting; a trunk that is horizontal is lying).

Held candidates are released retroactively when the bout is confirmed, so a 12-step walk counts
from its first step; after that, steps pass through as soon as the detector reports them. A
pause of end_s without a candidate ends the bout; unconfirmed candidates are discarded.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
import statistics

from .bouts import BOUT_END_S
from .types import Placement, StepEvent


# The detector contract (detector.py): a step is reported at most about this long after it happened.
REPORT_LAG_S = 1.5


@dataclass(frozen=True, slots=True)
class GateParams:
    """How much walking evidence one placement needs before steps count."""

    confirm_steps: int  # candidates in a row that confirm a bout
    min_interval: float = 0.25  # s: faster "steps" are vibration or a double-detected step
    max_interval: float = 1.3  # s: a longer wait between candidates breaks a run
    # Largest relative spread of the confirming run's intervals, (max - min) / median.
    spread: float = 0.5
    min_amplitude: float = 0.0  # m/s^2: smallest vertical jolt of a confirming step
    # Smallest |cos| between "up" and the sensor axis that is vertical when walking upright
    # (None: no posture rule at this placement).
    upright_axis: int | None = None
    min_upright: float = 0.0
    end_s: float = BOUT_END_S  # s without a candidate ends a confirmed bout


GATE_PARAMS: dict[Placement, GateParams] = {
    # Foot/shank strides are already gated by stance phases and stride length (foot.py); each
    # stride yields two steps, so 4 steps are two strides.
    Placement.FOOT: GateParams(confirm_steps=4),
    Placement.SHANK: GateParams(confirm_steps=4),
    Placement.WAIST: GateParams(confirm_steps=4),
    Placement.THIGH: GateParams(confirm_steps=4),
    Placement.CHEST: GateParams(confirm_steps=4),
    Placement.WRIST: GateParams(confirm_steps=6),
}


class WalkingGate:
    """Holds candidate steps until they form a walking bout; streams them after that."""

    def __init__(self, placement: Placement, params: GateParams | None = None) -> None:
        self.p = params or GATE_PARAMS[Placement(placement)]
        self._held: list[StepEvent] = []
        self._confirmed = False
        self._last = -math.inf  # time of the latest candidate seen

    @property
    def walking(self) -> bool:
        """True while a confirmed bout is open."""
        return self._confirmed

    def add(self, steps: list[StepEvent]) -> list[StepEvent]:
        """Feed candidates (time order); return the steps that now count."""
        out: list[StepEvent] = []
        for step in steps:
            out += self._add(step)
        return out

    def advance(self, now: float | None) -> None:
        """Sample time moved on to `now`: a pause long enough ends the bout.

        Detectors report a step up to REPORT_LAG_S after it happened, so silence is only a pause
        once that much more time has passed (the next candidate itself is judged in add()).
        """
        if now is not None and now - self._last > self.p.end_s + REPORT_LAG_S:
            self._confirmed = False
            self._held = []

    def close(self) -> None:
        """The stream ended: end the bout; held candidates never became walking."""
        self._confirmed = False
        self._held = []

    def _pause(self) -> float:
        return self.p.end_s if self._confirmed else self.p.max_interval

    def _add(self, step: StepEvent) -> list[StepEvent]:
        dt = step.t - self._last
        if dt > self._pause() or dt < 0:
            # A pause (or a new clock): whatever was running is over.
            self._confirmed = False
            self._held = []
        self._last = max(self._last, step.t)
        if self._confirmed:
            return [step]
        # Candidates older than two confirming runs are not the start of the walk a later run
        # confirms: a walk's first steps settle into its rhythm within a step or two.
        self._held = [*self._held[1 - 2 * self.p.confirm_steps :], step]
        if not self._mechanics_ok(step):
            # A candidate that cannot be a walking step breaks the run it would belong to.
            self._held = []
            return []
        run = self._held[-self.p.confirm_steps :]
        if len(run) < self.p.confirm_steps or not self._rhythm_ok(run):
            return []
        released, self._held = self._held, []
        self._confirmed = True
        return released

    def _mechanics_ok(self, step: StepEvent) -> bool:
        f = step.features
        if f is None:
            return True
        if f.amplitude < self.p.min_amplitude:
            return False
        axis = self.p.upright_axis
        return axis is None or abs(f.up[axis]) >= self.p.min_upright

    def _rhythm_ok(self, run: list[StepEvent]) -> bool:
        gaps = [b.t - a.t for a, b in zip(run, run[1:], strict=False)]
        if min(gaps) < self.p.min_interval or max(gaps) > self.p.max_interval:
            return False
        med = statistics.median(gaps)
        return (max(gaps) - min(gaps)) <= self.p.spread * med
