"""A bout's step-time variability where the detector measures its steps (gait/bouts.py):
steps restored half-way into an interval (features None) are not the walker's timing."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, StepEvent
from custom_components.retrowalk.gait.bouts import BoutTracker
from custom_components.retrowalk.gait.types import StepFeatures

MEASURED = StepFeatures(amplitude=3.0, up=(1.0, 0.0, 0.0))


def step(t: float, measured: bool = True, late: bool = False) -> StepEvent:
    features = MEASURED if measured else None
    return StepEvent(t=t, direction=Direction.FORWARD, confidence=0.5, features=features, late=late)


def bout_of(steps: list[StepEvent]) -> tuple[int, float | None]:
    tracker = BoutTracker()
    assert tracker.add(steps) == []
    (bout,) = tracker.close()
    return bout.steps, bout.step_time_cv


def test_a_stride_filled_wrist_bout_measures_only_its_candidates_intervals() -> None:
    # One candidate per stride, slightly uneven; from the 7th on the gate restores the step
    # half-way before each (as the wrist stride fill does). Counting the restored steps'
    # half intervals alongside the unfilled strides would make a steady walk look erratic.
    strides = [1.1, 1.05, 1.15, 1.1, 1.08, 1.12, 1.1, 1.06, 1.14, 1.1, 1.1]
    times = np.concatenate([[10.0], 10.0 + np.cumsum(strides)])
    steps: list[StepEvent] = []
    for i, t in enumerate(times):
        if i >= 6:
            steps.append(step(float(t - strides[i - 1] / 2), measured=False))
        steps.append(step(float(t)))
    n, cv = bout_of(steps)
    assert n == len(times) + len(times) - 6  # the restored steps still count
    # A stride split by a restored step is no measured interval: the first 5 strides are.
    measured = np.asarray(strides[:5])
    assert cv == pytest.approx(float(np.std(measured) / np.mean(measured)))
    assert cv is not None and cv < 0.05
    everything = np.diff([s.t for s in steps])
    assert float(np.std(everything) / np.mean(everything)) > 0.3  # what it was


def test_a_detector_restored_step_leaves_out_the_intervals_on_either_side() -> None:
    times = [0.0, 0.52, 1.0, 1.49, 2.0, 2.5, 3.03, 3.5, 4.01]
    steps = [step(t, measured=t != 2.0) for t in times]
    _, cv = bout_of(steps)
    kept = np.asarray([0.52, 0.48, 0.49, 0.53, 0.47, 0.51])
    assert cv == pytest.approx(float(np.std(kept) / np.mean(kept)))
    # Too few measured intervals: no variability, however many steps.
    _, cv = bout_of([step(t, measured=i % 2 == 0) for i, t in enumerate(times)])
    assert cv is None


def test_bouts_without_measured_steps_use_every_step_and_each_bout_starts_afresh() -> None:
    tracker = BoutTracker()
    first = [step(t) for t in (0.0, 0.5, 1.0, 1.5, 2.0, 2.6)]
    later = [step(t, measured=False) for t in (10.0, 10.5, 11.0, 11.6, 12.0, 12.5)]
    (bout,) = tracker.add([*first, *later])
    assert bout.step_time_cv is not None and bout.step_time_cv > 0
    (unmeasured,) = tracker.close()
    intervals = np.diff([s.t for s in later])
    assert unmeasured.step_time_cv == pytest.approx(float(np.std(intervals) / np.mean(intervals)))


def test_late_restored_steps_count_in_their_bout_in_time_order() -> None:
    # A stride-locked wrist walk: one measured candidate per 1.1 s stride; at the 12th the gate
    # returns the steps between the earlier ones late, at once (gate.py), then one per stride.
    strides = [10.0 + 1.1 * i for i in range(12)]
    tracker = BoutTracker()
    tracker.add([step(t) for t in strides])
    tracker.add([step(t - 0.55, measured=False, late=True) for t in strides[1:]])
    # Cadence over the newest steps, in time order: a step every 0.55 s.
    assert tracker.cadence() == pytest.approx(60 / 0.55)
    (bout,) = tracker.close()
    assert bout.steps == 23
    assert (bout.start, bout.end) == (strides[0], strides[-1])
    # The measured strides are the walker's timing; the late steps split no measured interval.
    assert bout.step_time_cv == pytest.approx(0.0, abs=1e-9)


def test_a_late_step_of_a_bout_already_ended_counts_in_the_totals_only() -> None:
    # The walk paused 2.6 s (the gate's bout goes on, the tracker's ends); at the 12th candidate
    # the gate returns the steps restored in the first strides, which belong to the ended bout.
    first = [10.0 + 1.1 * i for i in range(6)]
    second = [first[-1] + 2.6 + 1.1 * i for i in range(6)]
    tracker = BoutTracker()
    assert tracker.add([step(t) for t in first]) == []
    (ended,) = tracker.add([step(second[0])])
    assert (ended.start, ended.end, ended.steps) == (first[0], first[-1], 6)
    tracker.add([step(t) for t in second[1:]])
    late = [t - 0.55 for t in [*first[1:], *second[1:]]]
    tracker.add([step(t, measured=False, late=True) for t in late])
    (bout,) = tracker.close()
    # The open bout keeps its own span and gains only its own strides' steps...
    assert (bout.start, bout.end, bout.steps) == (second[0], second[-1], 6 + 5)
    # ...and every step counts once in the totals.
    assert tracker.totals[Direction.FORWARD] == 12 + 10
    # A new stream (close(): a restarted clock, times from zero) is not taken for late steps.
    tracker.add([step(1.0 + 0.5 * i) for i in range(4)])
    (fresh,) = tracker.close()
    assert fresh.steps == 4


def test_after_a_restarted_clock_bouts_follow_the_new_clock() -> None:
    # close(): the engine started a new stream, its clock back near zero. The new steps are the
    # newest (none is StepEvent.late): a pause on the new clock ends their bout, which spans
    # their own times, and their measured intervals are the walker's timing.
    tracker = BoutTracker()
    tracker.add([step(100.0 + 0.5 * i) for i in range(8)])
    (old,) = tracker.close()
    assert old.end == 103.5
    (first,) = tracker.add([step(t) for t in (1.0, 1.5, 2.0, 2.5, 3.0, 10.0)])
    assert (first.start, first.end, first.steps) == (1.0, 3.0, 5)
    assert first.step_time_cv == pytest.approx(0.0, abs=1e-9)
    assert tracker.cadence() is None  # one step of the next bout so far


@pytest.mark.parametrize("origin", [0.0, 0.005, 1_686_226_864.48])
def test_a_pause_exactly_as_long_as_a_bouts_end_splits_no_walk_whenever_the_clock_started(
    origin: float,
) -> None:
    # Steps on a 50 Hz grid; the last two 125 samples (2.5 s, BOUT_END_S) apart: not more than
    # it, so one walk, from any clock origin (raw differences land a rounding error either side).
    samples = [0, 45, 95, 220]
    tracker = BoutTracker()
    ended = tracker.add([step(origin + k / 50.0) for k in samples])
    ended += tracker.advance(origin + samples[-1] / 50.0 + 125 / 50.0)
    ended += tracker.close()
    assert [b.steps for b in ended] == [len(samples)]
