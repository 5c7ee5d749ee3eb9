"""The wrist's slow steps: a short walk's turn does not keep its steps from counting."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.types import StepFeatures

HANGING = (1.0, 0.0, 0.0)  # a watch's x axis along a hanging forearm
WRIST = GATE_PARAMS[Placement.WRIST]


def _run(
    intervals: list[float],
    amplitudes: list[float] | None = None,
    ups: list[tuple[float, float, float]] | None = None,
) -> list[StepEvent]:
    times = np.cumsum([10.0, *intervals])
    amps = amplitudes or [3.0] * len(times)
    return [
        StepEvent(
            t=float(t),
            direction=Direction.FORWARD,
            confidence=0.9,
            features=StepFeatures(amplitude=a, up=up),
        )
        for t, a, up in zip(times, amps, ups or [HANGING] * len(times), strict=True)
    ]


def _counted(
    steps: list[StepEvent], placement: Placement = Placement.WRIST, **change: object
) -> list[float]:
    params = replace(GATE_PARAMS[placement], **change)  # type: ignore[arg-type]
    gate = WalkingGate(placement, params)
    return [s.t for step in steps for s in gate.add([step])]


# 3 m, a turn, 3 m back: the turn's step takes twice as long; on either side the walk's rhythm.
TURN = [0.55, 0.55, 0.55, 1.1, 0.55, 0.55, 0.55]


def test_a_short_walk_with_a_turn_counts_from_its_first_step() -> None:
    steps = _run(TURN)
    assert len(steps) == WRIST.confirm_steps + 2  # never six candidates in one rhythm
    assert _counted(steps) == [s.t for s in steps]
    # Without the rule no run of six keeps the rhythm: nothing counts.
    assert _counted(steps, slow_steps=0) == []


def test_the_slow_step_is_made_up_for_by_one_more_step_in_rhythm() -> None:
    # One candidate fewer: five intervals in rhythm around the slow one, as many as a plain run
    # of six holds; leaving the slow one out must ask for more rhythm than that, not as much.
    assert _counted(_run([0.55, 0.55, 1.1, 0.55, 0.55, 0.55])) == []


def test_a_run_with_the_arm_hanging_is_in_that_posture_throughout() -> None:
    # The forearm still on the lap (watch face up) for the first two candidates: the run of eight
    # is not a hanging-arm run, and out of posture a run needs unposed_steps in rhythm.
    flat = (0.0, 0.0, 1.0)
    assert _counted(_run(TURN, ups=[flat, flat] + [HANGING] * 6)) == []


def test_with_the_hand_in_front_the_run_is_two_longer_than_its_own() -> None:
    # Out of walking posture a run needs unposed_steps in rhythm, so the slow step's run holds
    # unposed_steps + 2 (12): a research logger worn with another axis along the forearm walks so.
    flat = (0.0, 0.0, 1.0)
    assert WRIST.unposed_steps is not None
    around = [0.55] * (WRIST.unposed_steps // 2)
    steps = _run([*around, 1.1, *around], ups=[flat] * (2 * len(around) + 2))
    assert len(steps) == WRIST.unposed_steps + 2
    assert _counted(steps) == [s.t for s in steps]
    assert _counted(steps[:-1]) == []


def test_every_rule_after_the_rhythm_judges_the_longer_run() -> None:
    # The typical jolt of the eight candidates is too soft (median 0.9 m/s^2), though the six
    # latest alone would pass (1.5).
    assert _counted(_run(TURN, [0.3, 0.3, 1.5, 1.5, 0.3, 0.3, 1.5, 1.5])) == []


def test_a_long_wait_before_the_run_is_no_slow_step() -> None:
    # The longest interval at the run's start is the wait before a walk, not a step of it (left
    # out, the rest would pass the spread test only because their median moved).
    assert _counted(_run([0.9, 0.76, 0.5, 0.5, 0.5, 0.76, 0.76])) == []


def test_only_steps_the_detector_measured_make_the_run() -> None:
    # A step the detector restored in its own rhythm (no features) proves nothing: with it the
    # walk holds 7 measured candidates, one short of the slow step's run.
    steps = _run(TURN)
    steps[2] = StepEvent(t=steps[2].t, direction=Direction.FORWARD, confidence=0.9)
    assert _counted(steps) == []


def test_a_run_across_missing_data_says_nothing() -> None:
    # Every interval spans a hole in the data: nothing to judge, nothing counted, no error.
    gate = WalkingGate(Placement.WRIST)
    out = []
    for step in _run([0.55] * 8):
        gate.gap(0.2)
        out += gate.add([step])
    assert out == []


# A half turn in two slow steps (1.0 and 1.1 s): no run of eight keeps the rhythm around one.
# (Slow steps one apart would alternate with the quick ones: each side's rhythm takes those.)
HALF_TURN = [0.55, 0.55, 0.55, 1.0, 1.1, 0.55, 0.55, 0.55, 0.55]


def test_a_turn_in_two_slow_steps_counts_from_its_first_step() -> None:
    steps = _run(HALF_TURN)
    assert len(steps) == WRIST.confirm_steps + 4
    assert _counted(steps) == [s.t for s in steps]
    # With one slow step at most, nothing counts.
    assert _counted(steps, slow_steps=1) == []


def test_each_slow_step_is_made_up_for_by_one_more_step_in_rhythm() -> None:
    # One candidate fewer: the run of ten is not there yet, and no run of eight has one slow step.
    assert _counted(_run(HALF_TURN[1:])) == []


def test_three_slow_steps_are_no_walk() -> None:
    assert _counted(_run([0.55, 1.0, 1.1, 0.55, 1.05, 0.55, 0.55, 0.55, 0.55])) == []


def test_the_longer_run_is_judged_by_every_later_rule() -> None:
    # The ten candidates' typical jolt is too soft (median 0.9 m/s^2).
    assert _counted(_run(HALF_TURN, [0.3] * 5 + [1.5] * 5)) == []


def test_with_the_hand_in_front_two_slow_steps_take_four_more_candidates() -> None:
    flat = (0.0, 0.0, 1.0)
    assert WRIST.unposed_steps is not None
    around = [0.55] * (WRIST.unposed_steps // 2)
    steps = _run([*around, 1.0, 1.1, *around, 0.55], ups=[flat] * (2 * len(around) + 4))
    assert len(steps) == WRIST.unposed_steps + 4
    assert _counted(steps) == [s.t for s in steps]
    assert _counted(steps[:-1]) == []


def test_a_quick_interval_is_no_slow_step() -> None:
    # Only the longest interval is left out: a turn slows a step. A quick one in a slow rhythm
    # (a jolt between two steps) is not left out.
    assert _counted(_run([0.9, 0.9, 0.9, 0.35, 0.9, 0.9, 0.9])) == []


def test_the_rhythm_must_be_the_same_on_both_sides() -> None:
    # Two bursts in different rhythms with a break between them: a gesture, then another.
    assert _counted(_run([0.35, 0.35, 0.35, 1.1, 0.8, 0.8, 0.8])) == []


def test_vibration_with_a_break_is_no_walk() -> None:
    # The steps on either side must be steps: 0.2 s is faster than any walking step.
    assert _counted(_run([0.2, 0.2, 0.2, 0.5, 0.2, 0.2, 0.2])) == []


def test_a_slow_newest_interval_does_not_let_a_refused_run_through() -> None:
    # Seven candidates in rhythm whose typical jolt is too soft for a walk (median 0.85 m/s^2 in
    # every run of six), then a firm one after a slow interval: with it the median of all eight
    # would pass (1.6), but the runs before it were judged and refused, and the slow interval
    # is not inside the run.
    amps = [2.0, 0.5, 0.5, 0.5, 1.2, 2.0, 2.0, 2.0]
    assert _counted(_run([0.55] * 6 + [1.1], amps)) == []
    # The same slow interval inside the run: the walk is confirmed with it.
    assert _counted(_run([0.55, 0.55, 0.55, 1.1, 0.55, 0.55, 0.55], amps)) != []


@pytest.mark.parametrize("placement", [Placement.WAIST, Placement.CHEST])
def test_the_trunk_does_not_take_a_slow_step(placement: Placement) -> None:
    # The trunk confirms a walk on four candidates; the rule, tried there, gained nothing on the
    # Mobilise-D lab walks and 7 of UMAFall's walking steps, so a turn still breaks its run.
    steps = _run([0.55, 0.55, 1.1, 0.55, 0.55])
    assert _counted(steps, placement) == []
    assert _counted(steps, placement, slow_steps=1) == [s.t for s in steps]
    # There every held candidate is in the run (no measured_run): one candidate fewer is not it.
    assert _counted(_run([0.55, 1.1, 0.55, 0.55]), placement, slow_steps=1) == []


def test_of_equal_longest_intervals_the_earlier_is_the_slow_step() -> None:
    # Candidate times lie on the detector's grid, so the longest interval can come twice. Here
    # the earlier 0.85 s is inside the run and the later one is its newest interval: the earlier
    # is left out, and the rest keep the rhythm.
    steps = _run([0.8, 0.85, 0.55, 0.55, 0.55, 0.8, 0.85])
    assert _counted(steps, slow_steps=1) == [s.t for s in steps]


def test_every_slow_step_left_out_lies_inside_the_run() -> None:
    # Of the two longest intervals, 1.1 s is the run's first (the wait before it): it is no slow
    # step, though with both left out the rest would keep the rhythm.
    assert _counted(_run([1.1, 1.0, 0.65, 0.9, 0.6, 0.6, 1.0, 1.1, 0.9])) == []


def test_three_slow_steps_in_a_longer_walk_still_do_not_count() -> None:
    # Twelve candidates, a turn of three slow steps in the middle: the wrist leaves out two at
    # most, and no plain run of six keeps the rhythm on either side.
    steps = _run([0.55] * 4 + [1.0, 1.1, 1.05] + [0.55] * 4)
    assert _counted(steps) == []
    assert _counted(steps, slow_steps=3) == [s.t for s in steps]


def test_the_shorter_run_is_tried_first() -> None:
    # The run around one slow step (8 candidates) keeps a firm typical jolt and confirms; the
    # run of 10 around two would hold too many soft ones (median under 1 m/s^2) and would not.
    intervals = [0.65, 1.1, 0.5, 0.65, 0.6, 0.65, 1.0, 0.6, 0.65]
    amps = [0.3, 0.3, 3.0, 3.0, 3.0, 0.3, 3.0, 0.3, 0.3, 1.5]
    steps = _run(intervals, amps)
    assert _counted(steps) == [s.t for s in steps]
