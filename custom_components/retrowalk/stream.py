"""The sample stream beside the connection: notifications → timeline → engine → counted steps."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
import logging
import time as monotonic_clock

from .devices.base import DecodeError, SampleBatch
from .gait import Bout, Direction, EngineUpdate, GaitEngine, Placement, StepEvent
from .ledger import Ledger
from .nudge import NudgePolicy

_LOGGER = logging.getLogger(__name__)

# A reconnect restarts the device timeline; the engine must see a gap, never time going back.
MIN_RECONNECT_GAP = 1.0


class CalibrationStatus(StrEnum):
    """How the engine knows which way is forward (the calibration sensor's states)."""

    AUTOMATIC = "automatic"  # learned from everyday walking
    CALIBRATING = "calibrating"  # an explicit calibration walk is running
    CALIBRATED = "calibrated"  # an explicit calibration walk finished


@dataclass(slots=True)
class StreamStats:
    """Counters for diagnostics (kept out of entities so the recorder stays quiet)."""

    batches: int = 0
    samples: int = 0
    lost_samples: int = 0
    clipped_samples: int = 0
    gaps: int = 0
    gap_seconds: float = 0.0
    steps: int = 0


class SampleStream:
    """Feeds one wearable's gait engine a continuous timeline and counts the steps it finds."""

    def __init__(self, name: str, engine: GaitEngine) -> None:
        """Start with no samples seen; `engine` may be replaced (restore, new placement)."""
        self.name = name
        self.engine = engine
        self.stats = StreamStats()
        self.decode_errors: Counter[str] = Counter()
        # The engine's clock at the newest sample (seconds); walk tests and sessions run on it.
        self.last_t: float | None = None
        # The walking state of the newest update: what the live entities show.
        self.walking = False
        self.direction: Direction | None = None
        self.cadence: float | None = None
        # The last walking bout with measured strides, per direction (foot/shank with a gyro).
        self.last_walk: dict[Direction, Bout] = {}
        self._stream_seen = 0  # which stream opened (counted by the connection) fed us last
        self._calibrated = engine.calibration.done
        self._t_offset = 0.0
        self._last_sample_mono = 0.0

    @property
    def calibration_status(self) -> CalibrationStatus:
        """Automatic (learned from walking), calibrating, or calibrated (explicit walk)."""
        calibration = self.engine.calibration
        if calibration.active:
            return CalibrationStatus.CALIBRATING
        return CalibrationStatus.CALIBRATED if calibration.done else CalibrationStatus.AUTOMATIC

    def calibration_finished(self) -> bool:
        """Whether a calibration walk finished since the last call (or since the engine came)."""
        done = self.engine.calibration.done
        finished, self._calibrated = done and not self._calibrated, done
        return finished

    def new_placement(self, placement: Placement) -> None:
        """The sensor moved: a new engine to calibrate; walks measured elsewhere are dropped.

        Flush the old engine and count what it returns first (Calibration.async_new_placement).
        """
        self.engine = GaitEngine(placement)
        self.last_walk.clear()

    def process(self, batch: SampleBatch, stream: int) -> EngineUpdate:
        """Feed one decoded notification of the `stream`-th stream opened to the engine."""
        self._align_timeline(batch, stream)
        t = batch.t + self._t_offset
        update = self.engine.process(t, batch.acc, batch.gyro)
        self.last_t = float(t[-1])
        self._last_sample_mono = monotonic_clock.monotonic()
        stats = self.stats
        stats.batches += 1
        stats.samples += len(batch)
        stats.lost_samples += batch.lost
        stats.clipped_samples += batch.clipped
        if update.gap_s > 0:
            stats.gaps += 1
            stats.gap_seconds += update.gap_s
        return update

    def count(
        self,
        update: EngineUpdate,
        now: datetime,
        ledger: Ledger,
        nudges: NudgePolicy,
        declared: Sequence[bool] | None = None,
    ) -> bool:
        """Count the new steps (each arrives exactly once), tell the nudge policy, note the state.

        The update may be the engine's flush (no data arrived): that data did arrive is for the
        caller to tell the nudge policy. Returns whether anything worth saving changed (steps
        counted, a walk measured).
        """
        self.walking, self.direction = update.walking, update.direction
        self.cadence = update.cadence
        changed = bool(update.steps)
        if update.steps:
            last_t = self.last_t if self.last_t is not None else update.steps[-1].t
            steps = [
                (now - timedelta(seconds=max(0.0, last_t - step.t)), step.direction)
                for step in update.steps
            ]
            self.stats.steps += ledger.add_steps(
                steps,
                declared=declared,
                sample_times=[step.t for step in update.steps],
                late=[step.late for step in update.steps],
            )
        # The nudge policy sees what the ledger counts: a declared step is a backward step.
        steps_left: Sequence[StepEvent] = update.steps
        if declared and any(declared):
            steps_left = [
                replace(s, direction=Direction.BACKWARD) if mine else s
                for s, mine in zip(update.steps, declared, strict=True)
            ]
        if update.bouts:
            # Steps up to the last bout that ended belong to the bouts that ended: only a walk
            # (a bout of several steps) ends sitting, so the policy must see them apart.
            ended_at = update.bouts[-1].end
            _record_steps(nudges, now, [s for s in steps_left if s.t <= ended_at])
            nudges.end_bout()
            steps_left = [s for s in steps_left if s.t > ended_at]
        _record_steps(nudges, now, steps_left)
        for bout in update.bouts:
            if bout.stride_length_m is not None or bout.step_time_cv is not None:
                self.last_walk[bout.direction] = bout
                changed = True
        return changed

    def stopped(self) -> None:
        """The connection ended: nobody is walking as far as the stream knows."""
        self.walking, self.direction, self.cadence = False, None, None

    def decode_error(self, err: DecodeError) -> None:
        """Count malformed data by reason; the first of each reason is logged."""
        if not self.decode_errors[err.reason]:
            _LOGGER.warning(
                "Ignoring malformed data from %s (%s); counted in diagnostics", self.name, err
            )
        self.decode_errors[err.reason] += 1

    def _align_timeline(self, batch: SampleBatch, stream: int) -> None:
        """Continue the engine's timeline across streams (each one restarts the clock at 0).

        `stream` counts streams opened, not connections: a stream's first notifications may come
        before its connection is counted (while the battery is read).
        """
        if stream == self._stream_seen:
            return
        self._stream_seen = stream
        if self.last_t is not None:
            away = max(MIN_RECONNECT_GAP, monotonic_clock.monotonic() - self._last_sample_mono)
            self._t_offset = self.last_t + away - float(batch.t[0])
            # Steps taken while disconnected are lost; the gap is recorded, never filled in.
            self.stats.gaps += 1
            self.stats.gap_seconds += away


def _record_steps(nudges: NudgePolicy, now: datetime, steps: Sequence[StepEvent]) -> None:
    if steps:
        backward = any(step.direction is Direction.BACKWARD for step in steps)
        nudges.record_steps(now, len(steps), backward=backward)
