"""Hanging-arm wrist runs whose detector misses some steps: one step period, intervals of one
step or two (gate.py, GateParams.step_period; docs/walking_gate.md, "Wrist: one step period
with missed steps").

Synthetic candidates for the mechanism. The rule is measured with the prototype switched on
(tools.bench.gate_eval.STEP_PERIOD) whether or not the wrist ships it.
"""

from __future__ import annotations

from dataclasses import replace
import random

import pytest

from custom_components.retrowalk.gait import Placement, StepEvent
from custom_components.retrowalk.gait.gate import GATE_PARAMS, WalkingGate, one_step_period
from tools.bench.gate_eval import STEP_PERIOD

from .test_gate import cand as gate_cand

HANGING = (1.0, 0.0, 0.0)  # a watch's x axis along a hanging forearm
IN_FRONT = (0.0, 0.0, 1.0)  # watch face up, forearm level: a hand held in front
WRIST = GATE_PARAMS[Placement.WRIST]
ON = replace(WRIST, step_period=STEP_PERIOD)
OFF = replace(WRIST, step_period=None)


def cand(t: float, up: tuple[float, float, float] = HANGING) -> StepEvent:
    return gate_cand(t, 3.0, up, confidence=0.5)


def every_third_missed(
    n: int, period: float = 0.55, up: tuple[float, float, float] = HANGING
) -> list[StepEvent]:
    """A walk's first n steps, each third one missed by the detector."""
    return [cand(10.0 + i * period, up) for i in range(n) if i % 3 != 2]


def test_only_the_wrist_could_use_it() -> None:
    assert all(GATE_PARAMS[p].step_period is None for p in Placement if p is not Placement.WRIST)


def test_a_hanging_walk_missing_every_third_step_confirms_from_its_first_candidate() -> None:
    walk = every_third_missed(9)  # 6 candidates: intervals 0.55, 1.1, 0.55, 1.1, 0.55
    assert len(walk) == WRIST.confirm_steps
    out = WalkingGate(Placement.WRIST, ON).add(walk)
    # Counted as the detector's candidates, from the first: the missed steps are not restored.
    assert [s.t for s in out] == [s.t for s in walk]
    # The spread rule alone refuses it ((1.1 - 0.55) / 0.55 = 1 > 0.5).
    assert WalkingGate(Placement.WRIST, OFF).add(walk) == []


def test_a_stride_locked_or_step_locked_walk_confirms_as_without_the_rule() -> None:
    for period in (0.55, 1.1):
        walk = [cand(10.0 + i * period) for i in range(8)]
        assert WalkingGate(Placement.WRIST, ON).add(walk) == WalkingGate(Placement.WRIST, OFF).add(
            walk
        )
        assert len(WalkingGate(Placement.WRIST, ON).add(walk)) == 8


def test_the_hand_in_front_path_is_unchanged() -> None:
    walk = every_third_missed(15, up=IN_FRONT)  # 10 candidates held in front
    assert len(walk) == WRIST.unposed_steps
    assert WalkingGate(Placement.WRIST, ON).add(walk) == []


@pytest.mark.parametrize(
    "gaps",
    [
        [1.2, 1.0, 0.55, 1.1, 1.2],  # most intervals two steps: the period is not shown
        [0.3, 0.6, 0.3, 0.6, 0.3],  # 200 steps/min: faster than walking
        [0.55, 1.1, 0.45, 1.3, 0.7],  # one period does not fit
    ],
)
def test_runs_that_fit_no_walking_step_period_do_not_confirm(gaps: list[float]) -> None:
    assert not one_step_period(gaps, WRIST.spread, STEP_PERIOD)
    times = [10.0]
    for g in gaps:
        times.append(times[-1] + g)
    assert WalkingGate(Placement.WRIST, ON).add([cand(t) for t in times]) == []


def test_no_intervals_no_period() -> None:
    assert not one_step_period([], WRIST.spread, STEP_PERIOD)


def test_a_gesture_run_of_random_intervals_does_not_confirm() -> None:
    """Hand-waving with the arm down: candidates 0.3-1.5 s apart at random (seeded)."""
    rng = random.Random(7)
    t, run = 10.0, []
    for _ in range(12):
        run.append(cand(t))
        t += rng.uniform(0.3, 1.5)
    assert WalkingGate(Placement.WRIST, ON).add(run) == []
