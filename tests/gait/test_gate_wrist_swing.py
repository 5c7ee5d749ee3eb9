"""The arm's swing at the wrist: a hanging arm swings once a stride, as a thigh does, so where
the detector measured the swing (StepFeatures.swing_s) an interval as long as its stride gets its
step from the confirming run on (gate.py, _swing_step), before the stride fill's persistence; an
interval is filled once, by the swing or by the stride fill (docs/walking_gate.md, "Wrist: the
arm's swing"). Synthetic candidates for the mechanics."""

from __future__ import annotations

import itertools
import math

import pytest

from custom_components.retrowalk.gait import Direction, GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.types import StepFeatures

from .test_gate_stride_fill import HANGING, out_of_order, wrist_walk

WRIST = GATE_PARAMS[Placement.WRIST]
K = WRIST.stride_fill
IN_FRONT = (0.0, 0.0, 1.0)  # watch face up, forearm level: a hand held in front


def arm(t: float, swing: float | None = 1.1, up: tuple[float, float, float] = HANGING) -> StepEvent:
    """A wrist candidate whose detector measured the arm swinging with this period."""
    return StepEvent(
        t=t,
        direction=Direction.FORWARD,
        confidence=0.5,
        features=StepFeatures(amplitude=3.0, up=up, swing_s=swing),
    )


def restored(out: list[StepEvent]) -> list[float]:
    return sorted(s.t for s in out if s.features is None)


def test_a_locked_walk_with_its_swing_measured_is_counted_whole_from_its_first_stride() -> None:
    # One candidate per 1.1 s stride: the confirming run's strides get their steps when it
    # confirms, every later one as it comes; at the K-th candidate the stride fill finds
    # nothing left to restore, so no interval gets two steps and none comes late.
    times = [10.0 + 1.1 * i for i in range(K + 6)]
    out = WalkingGate(Placement.WRIST).add([arm(x) for x in times])
    assert restored(out) == pytest.approx([b - 0.55 for b in times[1:]])
    assert not any(s.late for s in out)
    assert [s.late for s in out] == out_of_order(out)


def test_without_the_swing_the_stride_fill_restores_them_late_and_once() -> None:
    times = [10.0 + 1.1 * i for i in range(K + 6)]
    out = WalkingGate(Placement.WRIST).add([arm(x, swing=None) for x in times])
    assert restored(out) == pytest.approx([b - 0.55 for b in times[1:]])
    assert sum(s.late for s in out) == K - 2
    assert [s.late for s in out] == out_of_order(out)


def test_a_swing_measured_now_and_then_fills_each_interval_once() -> None:
    # The swing is measured at every third candidate only: those intervals are filled as they
    # come (or with the run), the others by the stride fill at the K-th candidate (late) or as
    # they come after it. Each once.
    times = [10.0 + 1.1 * i for i in range(K + 9)]
    cands = [arm(x, swing=1.1 if i % 3 == 0 else None) for i, x in enumerate(times)]
    out = WalkingGate(Placement.WRIST).add(cands)
    assert restored(out) == pytest.approx([b - 0.55 for b in times[1:]])
    assert [s.late for s in out] == out_of_order(out)


def test_a_hand_held_in_front_gets_no_swing_fill() -> None:
    # Confirmed with the hand in front (the longer run): a hand held in front does not swing.
    assert WRIST.unposed_steps is not None
    times = [10.0 + 1.1 * i for i in range(WRIST.unposed_steps + 4)]
    out = WalkingGate(Placement.WRIST).add([arm(x, up=IN_FRONT) for x in times])
    assert restored(out) == []


def test_steps_are_not_the_swings_stride() -> None:
    times = list(itertools.accumulate([0.55] * 30, initial=10.0))
    out = WalkingGate(Placement.WRIST).add([arm(x) for x in times])
    assert restored(out) == []
    assert len(out) == len(times)


def test_a_run_candidate_the_walk_does_not_start_with_ends_no_stride() -> None:
    # The run's first candidate has the forearm 40 degrees off the others (hanging, but not yet
    # in the walk's posture: getting up): the walk starts after it, so the 1.1 s from it is no
    # stride of the walk.
    off = (math.cos(math.radians(40)), math.sin(math.radians(40)), 0.0)
    times = [10.0 + 1.1 * i for i in range(WRIST.confirm_steps + 2)]
    cands = [arm(times[0], up=off), *(arm(x) for x in times[1:])]
    out = WalkingGate(Placement.WRIST).add(cands)
    assert times[0] not in [s.t for s in out]
    assert restored(out) == pytest.approx([b - 0.55 for b in times[2:]])


def test_a_swing_measured_from_the_kth_candidate_on_leaves_the_late_pass_its_strides() -> None:
    # The swing window fills only after a few strides: none measured before the K-th candidate,
    # whose own interval the swing fills; the stride fill's late pass still restores the strides
    # before it.
    times = [10.0 + 1.1 * i for i in range(K + 6)]
    cands = [arm(x, swing=None if i < K - 1 else 1.1) for i, x in enumerate(times)]
    out = WalkingGate(Placement.WRIST).add(cands)
    assert restored(out) == pytest.approx([b - 0.55 for b in times[1:]])
    assert any(s.late for s in out)
    assert [s.late for s in out] == out_of_order(out)


def test_the_shipped_wrist_engine_measures_the_swing_and_fills_on_time() -> None:
    # A hanging watch locked onto the stride (the stride fill's synthetic walk): the detector
    # measures the arm's swing, so the gate restores the steps as they come, none late.
    t, acc = wrist_walk(4 * K)
    engine = GaitEngine(Placement.WRIST)
    steps: list[StepEvent] = []
    for i in range(0, len(t), 20):
        steps += engine.process(t[i : i + 20], acc[i : i + 20]).steps
    steps += engine.flush().steps
    assert len(steps) >= 4 * K - 2
    assert sum(s.features is not None and s.features.swing_s is not None for s in steps) >= K
    assert not any(s.late for s in steps)
