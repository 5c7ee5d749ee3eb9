"""The sample stream: one timeline across reconnects, and its diagnostics counters."""

from datetime import UTC, date, datetime

import numpy as np
import pytest

from custom_components.retrowalk.devices.base import SampleBatch
from custom_components.retrowalk.gait import (
    Direction,
    EngineUpdate,
    GaitEngine,
    Placement,
    StepEvent,
)
from custom_components.retrowalk.ledger import Ledger
from custom_components.retrowalk.nudge import NudgePolicy
from custom_components.retrowalk.stream import MIN_RECONNECT_GAP, CalibrationStatus, SampleStream

FS = 50.0
B = Direction.BACKWARD


def still(start: float, seconds: float) -> SampleBatch:
    """A wearable lying still: gravity only, on the connection's own timeline."""
    t = start + np.arange(int(seconds * FS)) / FS
    acc = np.tile([0.0, 0.0, 9.81], (len(t), 1))
    return SampleBatch(t=t, acc=acc, gyro=None, lost=2, clipped=1)


def test_a_gap_inside_a_connection_is_counted_with_its_length() -> None:
    stream = SampleStream("test", GaitEngine(Placement.WAIST))
    stream.process(still(0.0, 2.0), stream=1)
    update = stream.process(still(5.0, 2.0), stream=1)  # 3 s of samples never arrived
    assert update.gap_s > 2.5
    assert stream.stats.gaps == 1
    assert stream.stats.gap_seconds == update.gap_s
    assert stream.stats.batches == 2
    assert stream.stats.samples == 200
    assert (stream.stats.lost_samples, stream.stats.clipped_samples) == (4, 2)


def test_a_reconnect_continues_the_timeline_after_a_gap() -> None:
    stream = SampleStream("test", GaitEngine(Placement.WAIST))
    stream.process(still(0.0, 2.0), stream=1)
    end_of_first = stream.last_t
    assert end_of_first is not None
    stream.process(still(0.0, 1.0), stream=2)  # a new stream restarts the clock at 0
    assert stream.last_t is not None
    assert stream.last_t >= end_of_first + MIN_RECONNECT_GAP  # time never goes back
    assert stream.stats.gaps >= 1


def test_calibration_status_follows_the_engine() -> None:
    """The calibration sensor's states; translations and snapshots key on these strings."""
    assert [str(s) for s in CalibrationStatus] == ["automatic", "calibrating", "calibrated"]
    stream = SampleStream("test", GaitEngine(Placement.WAIST))
    assert stream.calibration_status is CalibrationStatus.AUTOMATIC
    stream.engine.start_calibration()
    assert stream.calibration_status is CalibrationStatus.CALIBRATING


def test_late_steps_reach_the_ledger_marked() -> None:
    # A stride-locked wrist walk's update: its strides, then the steps restored between them
    # late (gait/gate.py); the ledger counts every step and the walking time once.
    stream = SampleStream("test", GaitEngine(Placement.WRIST))
    stream.last_t = 21.5
    strides = [StepEvent(t=10.0 + 1.1 * k, direction=B, confidence=0.5) for k in range(11)]
    late = [StepEvent(t=s.t - 0.55, direction=B, confidence=0.5, late=True) for s in strides[1:]]
    update = EngineUpdate(
        steps=(*strides, *late), bouts=(), walking=True, direction=B, cadence=None, gap_s=0.0
    )
    ledger = Ledger.new(date(2026, 3, 1))
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert stream.count(update, now, ledger, NudgePolicy())
    assert ledger.today.backward == 21
    assert ledger.today.backward_seconds == pytest.approx(11.0)
