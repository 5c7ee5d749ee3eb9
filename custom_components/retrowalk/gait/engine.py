"""The streaming gait engine: raw IMU batches in, steps, bouts and cadence out.

Pipeline per process() call: validate shapes; drop rows with NaN/inf and samples not later than
every earlier one (counted by kind, logged, never fatal: a repeated timestamp is a duplicated
sample, an earlier one a late or stale sample); resample linearly onto the detector's uniform grid
(resample.py), splitting at holes longer than MAX_GAP_S and resetting the detector there, so no
stride is ever integrated across missing data; feed the detector for the placement (detector.py),
which lets only the steps of confirmed walking through (gate.py, Detector.gate; the trunk
detectors learn their forward axis from those alone); group them into bouts and cadence on
sample time (bouts.py). Everything is vectorised per batch; per-sample Python loops would not
reach 100k samples/s at 20-sample batches.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
import logging
from typing import Any

import numpy as np
import numpy.typing as npt

from .bouts import BoutTracker
from .detector import CALIBRATION_QUALITY_KEY, Detector, make_detector
from .gate import OpenGate, WalkingGate
from .resample import Resampler
from .types import Bout, CalibrationState, Direction, FloatArray, Placement, StepEvent

_LOGGER = logging.getLogger(__name__)

STATE_VERSION = 1
MAX_GAP_S = 0.25  # longer holes are gaps: never interpolated across
# A jump this far back is a restarted sensor clock, not a late sample: start a new stream.
CLOCK_RESET_S = 10.0


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineUpdate:
    """What one process() or flush() call produced."""

    steps: tuple[StepEvent, ...]
    bouts: tuple[Bout, ...]  # bouts that ended in this call
    walking: bool
    direction: Direction | None  # majority direction of the current bout
    cadence: float | None  # steps per minute
    gap_s: float  # seconds of data lost to gaps seen in this call


_IDLE_CALIBRATION = CalibrationState(
    active=False, steps_seen=0, steps_needed=0, done=False, quality=None
)


class GaitEngine:
    """Streams one wearable's samples through the detector for its placement."""

    def __init__(
        self,
        placement: Placement,
        *,
        state: dict[str, Any] | None = None,
        gated: bool = True,
        detector: Detector | None = None,
    ) -> None:
        """Build the detector, gate and bout tracker for this placement.

        `gated=False` counts every step candidate (benchmarks compare it with the gate);
        `detector` replaces the placement's own (benchmarks try other step parameters).
        """
        self.placement = Placement(placement)
        self._detector: Detector = detector or make_detector(self.placement)
        self._resampler = Resampler(self._detector.fs, MAX_GAP_S)
        self._gate = (WalkingGate if gated else OpenGate)(self.placement)
        self._detector.gate(self._gate.add)
        self._bouts = BoutTracker()
        self._calibration = _IDLE_CALIBRATION
        # What the detector, the gate and the calibration status were before a running
        # calibration walk: what cancelling it restores, and what a restart mid-walk keeps.
        self._backup: tuple[dict[str, Any], dict[str, Any], CalibrationState] | None = None
        self._has_gyro: bool | None = None
        self.dropped_nonfinite = 0
        self.dropped_backwards = 0  # earlier than a sample already seen
        self.dropped_repeated = 0  # the same time as the sample before
        if state is not None:
            self._load(state)

    # -- streaming -----------------------------------------------------------------------------

    def process(
        self,
        t: npt.ArrayLike,
        acc: npt.ArrayLike,
        gyro: npt.ArrayLike | None = None,
    ) -> EngineUpdate:
        """Consume one batch: t (N,) seconds, acc (N, 3) m/s^2 with gravity, gyro (N, 3) rad/s."""
        tt = np.asarray(t, dtype=np.float64)
        aa = np.asarray(acc, dtype=np.float64)
        if tt.ndim != 1 or aa.shape != (len(tt), 3):
            raise ValueError(f"expected t (N,) and acc (N, 3), got {tt.shape} and {aa.shape}")
        has_gyro = gyro is not None
        if gyro is not None:
            gg = np.asarray(gyro, dtype=np.float64)
            if gg.shape != aa.shape:
                raise ValueError(f"expected gyro (N, 3) like acc, got {gg.shape}")
            x = np.concatenate((aa, gg), axis=1)
        else:
            x = aa
        if not (np.isfinite(x).all() and np.isfinite(tt).all()):
            ok = np.isfinite(x).all(axis=1) & np.isfinite(tt)
            self.dropped_nonfinite += int(len(ok) - np.count_nonzero(ok))
            tt, x = tt[ok], x[ok]

        ended: list[Bout] = []
        if self._has_gyro is not None and has_gyro != self._has_gyro:
            self._resampler.reset()
        self._has_gyro = has_gyro
        tt, x, restarted = self._in_order(tt, x)
        if restarted:
            self._gate.close()
            ended += self._bouts.close()

        steps: list[StepEvent] = []
        prev = self._resampler.last_t
        chunks, gap_s = self._resampler.push(tt, x)
        for chunk in chunks:
            if chunk.new_segment:
                steps += self._detector.end_segment()
                if prev is not None:
                    # Missing data is not a pause: the walk may have gone on through it.
                    self._gate.gap(float(chunk.t[0]) - prev)
            g = chunk.x[:, 3:] if has_gyro else None
            steps += self._detector.feed(chunk.t, chunk.x[:, :3], g)
            prev = float(chunk.t[-1])
        return self._finish(steps, ended, gap_s)

    def flush(self) -> EngineUpdate:
        """End of stream: steps the data already showed, the bout closed, buffers dropped.

        Learning is kept. The steps are those of a stride the stream cut (see gait/edges.py).
        """
        update = self._finish(self._detector.end_segment(), [], 0.0)
        self._resampler.reset()
        self._gate.close()
        ended = [*update.bouts, *self._bouts.close()]
        return EngineUpdate(
            steps=update.steps,
            bouts=tuple(ended),
            walking=False,
            direction=None,
            cadence=None,
            gap_s=0.0,
        )

    @property
    def dropped(self) -> dict[str, int]:
        """Samples discarded so far, by reason (for diagnostics)."""
        return {
            "nonfinite": self.dropped_nonfinite,
            "backwards": self.dropped_backwards,
            "repeated": self.dropped_repeated,
        }

    def _in_order(self, t: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray, bool]:
        """Drop samples not later than every sample before them; detect a restarted clock."""
        if len(t) == 0:
            return t, x, False
        last = self._resampler.last_t
        restarted = last is not None and float(t[0]) < last - CLOCK_RESET_S
        if restarted:
            self._resampler.reset()
            last = None
        if (last is None or t[0] > last) and (len(t) == 1 or bool((t[1:] > t[:-1]).all())):
            return t, x, restarted
        # The latest time seen before each sample; a sample must be later than it.
        latest = np.empty(len(t))
        latest[0] = -np.inf if last is None else last
        np.maximum.accumulate(np.maximum(t[:-1], latest[0]), out=latest[1:])
        keep = t > latest
        # Equal to the latest time: a second sample stamped with the same time (sent twice, or a
        # clock too coarse to tell them apart), harmless to drop; earlier: a late or stale sample.
        repeated = int(np.count_nonzero(t == latest))
        backwards = len(t) - int(np.count_nonzero(keep)) - repeated
        if repeated:
            self.dropped_repeated += repeated
            _LOGGER.debug("Dropped %d samples repeating the previous time stamp", repeated)
        if backwards:
            log = _LOGGER.warning if self.dropped_backwards == 0 else _LOGGER.debug
            self.dropped_backwards += backwards
            log(
                "Dropped %d samples older than t=%.3f s already seen (time went backwards; "
                "%d so far, counted in diagnostics)",
                backwards,
                max(float(latest[-1]), float(t[-1])),
                self.dropped_backwards,
            )
        return t[keep], x[keep], restarted

    def _finish(self, steps: list[StepEvent], ended: list[Bout], gap_s: float) -> EngineUpdate:
        """Steps (already through the gate) into bouts and calibration; the update."""
        self._gate.advance(self._resampler.last_t)
        if self._calibration.active and steps:
            steps = [replace(s, direction=Direction.FORWARD) for s in steps]
            self._count_calibration_steps(len(steps))
        ended += self._bouts.add(steps)
        ended += self._bouts.advance(self._resampler.last_t)
        return EngineUpdate(
            steps=tuple(steps),
            bouts=tuple(ended),
            walking=self._bouts.walking,
            direction=self._bouts.direction(),
            cadence=self._bouts.cadence(),
            gap_s=gap_s,
        )

    # -- calibration ---------------------------------------------------------------------------

    def hold_forward(self, held: bool) -> None:
        """While held, the automatic forward axis learns nothing from the walking seen.

        For a backward walk the user declared ("Going now"). The automatic axis at the trunk, the
        ankle strap and a foot without a gyroscope takes most walking to be forward, and the
        10-20 minutes of backward walking a day this app is for outnumbered the forward steps it
        had learned and turned it round mid-walk (docs/trunk_direction.md, "A declared backward
        walk teaches no forward"). A foot with a gyroscope learns where its toes point instead,
        which a backward walk confirms (facing.py). A calibration walk still learns, and a
        calibrated axis is not moved by walking anyway.
        """
        self._detector.hold_forward(held)

    @property
    def calibration(self) -> CalibrationState:
        """Progress of the explicit calibration walk."""
        return self._calibration

    def start_calibration(self, steps: int = 20) -> None:
        """The wearer is about to walk `steps` steps forward: learn the forward axis from them.

        The gate's learned hanging side (the wrist's) is forgotten too: a calibration walk starts
        afresh from how the sensor is worn now (a watch moved to the other wrist), and this walk
        is the first of those that learn it again. Cancelled, what was learned before is kept.
        """
        if steps < 2:
            raise ValueError("a calibration walk needs at least 2 steps")
        if self._calibration.active:
            self.cancel_calibration()
        self._backup = (self._detector.state(), self._gate.state(), self._calibration)
        self._detector.calibrate_forward(True)
        self._gate.forget()
        self._calibration = CalibrationState(
            active=True, steps_seen=0, steps_needed=steps, done=False, quality=None
        )

    def cancel_calibration(self) -> None:
        """Abandon a running calibration and keep what was learned before it."""
        if not self._calibration.active:
            return
        self._detector.calibrate_forward(False)
        # start_calibration sets the backup of every active walk. Restored whole: a
        # re-calibration given up is still calibrated as before, not "not calibrated".
        assert self._backup is not None
        detector, gate, self._calibration = self._backup
        self._detector.load_state(detector)
        self._gate.load_state(gate)
        self._backup = None

    def finish_calibration(self) -> None:
        """End a running calibration now with the steps seen so far (cancel it if under 2)."""
        if not self._calibration.active:
            return
        if self._calibration.steps_seen < 2:
            self.cancel_calibration()
            return
        self._complete_calibration(self._calibration.steps_seen)

    def _count_calibration_steps(self, n: int) -> None:
        seen = self._calibration.steps_seen + n
        if seen < self._calibration.steps_needed:
            self._calibration = replace(self._calibration, steps_seen=seen)
            return
        self._complete_calibration(seen)

    def _complete_calibration(self, seen: int) -> None:
        self._detector.calibrate_forward(False)
        self._backup = None
        quality = self._detector.state().get(CALIBRATION_QUALITY_KEY)
        self._calibration = replace(
            self._calibration,
            active=False,
            steps_seen=seen,
            done=True,
            quality=None if quality is None else float(quality),
        )

    # -- state ---------------------------------------------------------------------------------

    @property
    def totals(self) -> dict[Direction, int]:
        """Steps per direction since the engine was created (restored from state)."""
        return dict(self._bouts.totals)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe calibration and counters; running signal buffers are not kept."""
        # Mid-walk, what the detector and the gate knew before it (what a cancel restores): a
        # restart ends the walk as a cancel does.
        detector, gate, calibration = self._backup or (
            self._detector.state(),
            self._gate.state(),
            self._calibration,
        )
        return {
            "version": STATE_VERSION,
            "placement": str(self.placement),
            "detector": detector,
            "gate": gate,
            "totals": {str(d): n for d, n in self._bouts.totals.items()},
            "calibration": {"done": calibration.done, "quality": calibration.quality},
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> GaitEngine:
        """Rebuild an engine from to_dict() output."""
        return cls(Placement(state["placement"]), state=state)

    def _load(self, state: dict[str, Any]) -> None:
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported gait engine state version {state.get('version')!r}")
        # Learned axes belong to one placement's physics; never apply them to another.
        same_placement = state.get("placement") == str(self.placement)
        if same_placement:
            self._detector.load_state(dict(state.get("detector", {})))
            cal = state.get("calibration", {})
            quality = cal.get("quality")
            self._calibration = replace(
                _IDLE_CALIBRATION,
                done=bool(cal.get("done", False)),
                quality=None if quality is None else float(quality),
            )
        for name, count in dict(state.get("totals", {})).items():
            self._bouts.totals[Direction(name)] = int(count)
        if same_placement:  # last: only a state good but for its gate part gets this far
            self._load_gate(state.get("gate", {}))  # older states have none: nothing learned

    def _load_gate(self, state: Any) -> None:
        """The gate's learned side; malformed, it is learned again (logged), the rest is kept.

        Three walks relearn it, while the detector's forward axes take many walks or a
        calibration walk: one bad field of the gate's is no reason to lose those too.
        """
        try:
            self._gate.load_state(dict(state))
        except (TypeError, ValueError) as err:
            _LOGGER.warning(
                "Ignoring the walking gate's learned state (%r); it is learned again from the "
                "next walks",
                err,
            )
