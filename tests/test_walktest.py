"""The 3-metre backward walk test's pure logic: start, stop, outcomes, time and distance."""

import pytest

from custom_components.retrowalk.gait import Direction, Placement, StepEvent
from custom_components.retrowalk.walktest import (
    STOP_S,
    TIMEOUT_S,
    Outcome,
    WalkTest,
    WalkTestResult,
)
from tools.bench.walktest_virtual import run_case

B, F = Direction.BACKWARD, Direction.FORWARD


def walk(
    start: float, n: int, period: float, direction: Direction = B, stride: float = 0.72
) -> list[StepEvent]:
    """n steps landing every `period` s from start + period; every second one ends a stride."""
    return [
        StepEvent(
            t=start + (k + 1) * period,
            direction=direction,
            confidence=0.9,
            sensor_foot=k % 2 == 1,
            stride_length_m=stride if k % 2 == 1 else None,
        )
        for k in range(n)
    ]


def test_times_a_backward_walk_from_first_lift_to_last_landing() -> None:
    test = WalkTest(start=100.0)
    steps = walk(102.0, 8, 0.7)  # lifts at 102.0, lands for the last time at 107.6
    assert test.update(104.0, steps[:3]) is None
    assert test.update(107.7, steps[3:]) is None  # not stopped yet
    assert test.update(107.6 + STOP_S - 0.01, []) is None
    result = test.update(107.6 + STOP_S, [])
    assert result is not None
    assert result.outcome is Outcome.OK
    assert result.steps == 8
    assert result.time_s == pytest.approx(5.6)
    assert result.distance_m == pytest.approx(4 * 0.72)
    assert result.speed_m_s == pytest.approx(4 * 0.72 / 5.6, abs=1e-3)
    assert result.time_3m_s == pytest.approx(3.0 / result.speed_m_s, abs=0.01)
    assert result.to_dict()["time_3m_s"] == result.time_3m_s
    assert test.update(200.0, []) is None  # a result is reported once
    assert test.disconnected() is None


def test_a_test_started_before_any_sample_keeps_the_first_step() -> None:
    """Pressed before the first sample arrived: the first batch's steps all came after the press,
    the first one too (it starts the walk's time)."""
    test = WalkTest(start=None)
    steps = walk(0.0, 8, 0.7)
    assert test.update(5.7, steps) is None  # the whole walk in the first batch
    result = test.update(5.6 + STOP_S, [])
    assert result is not None and result.outcome is Outcome.OK
    assert result.steps == 8
    assert result.time_s == pytest.approx(5.6)


def test_steps_before_the_press_and_a_weight_shift_are_not_the_walk() -> None:
    test = WalkTest(start=100.0)
    before = walk(95.0, 4, 0.7, direction=F)  # the walk to the start line
    shift = walk(101.0, 2, 0.5)  # a step back to find the footing
    assert test.update(106.0, before + shift) is None  # too few steps: still waiting
    steps = walk(110.0, 6, 0.8)
    result = test.update(110.0 + 6 * 0.8 + STOP_S, steps)
    assert result is not None and result.outcome is Outcome.OK
    assert result.steps == 6
    assert result.time_s == pytest.approx(4.8)


def test_no_walk_times_out() -> None:
    test = WalkTest(start=None)  # no data yet at the press: starts with the first sample
    assert test.update(50.0, []) is None
    assert test.start == 50.0
    assert test.update(50.0 + TIMEOUT_S - 1, []) is None
    result = test.update(50.0 + TIMEOUT_S, [])
    assert result == WalkTestResult(outcome=Outcome.NO_WALK)


def test_a_lone_weight_shift_at_the_timeout_is_no_walk() -> None:
    test = WalkTest(start=0.0)
    result = test.update(TIMEOUT_S + STOP_S, walk(TIMEOUT_S - 2.0, 2, 0.5))
    assert result is not None and result.outcome is Outcome.NO_WALK


def test_walking_forward_instead() -> None:
    test = WalkTest(start=0.0)
    result = test.update(20.0, walk(1.0, 10, 0.6, direction=F))
    assert result is not None
    assert result.outcome is Outcome.WALKED_FORWARD
    assert result.steps == 10
    assert result.time_s is None


def test_a_walk_that_never_stops() -> None:
    test = WalkTest(start=0.0)
    steps = walk(1.0, 120, 0.6)
    result = test.update(steps[-1].t, steps)
    assert result is not None
    assert result.outcome is Outcome.NO_STOP


def test_disconnect_mid_test() -> None:
    test = WalkTest(start=0.0)
    test.update(3.0, walk(1.0, 3, 0.6))
    result = test.disconnected()
    assert result == WalkTestResult(outcome=Outcome.DISCONNECTED, steps=3)


def test_without_stride_lengths_only_the_time_is_known() -> None:
    test = WalkTest(start=0.0)
    steps = [StepEvent(t=1.0 + 0.7 * k, direction=B, confidence=0.9) for k in range(5)]
    result = test.update(10.0, steps)
    assert result is not None and result.outcome is Outcome.OK
    assert result.distance_m is None and result.speed_m_s is None
    assert result.time_3m_s is None
    # Steps all stamped at one instant (bad timestamps) give no speed, not a division by zero.
    same = [StepEvent(t=2.0, direction=B, confidence=0.9, stride_length_m=0.7)] * 4
    result = WalkTest(start=0.0).update(10.0, same)
    assert result is not None and result.time_s == 0.0 and result.speed_m_s is None


def test_home_assistant_ending_the_stream_interrupts_the_test() -> None:
    """A restart or reload mid-test is no fault of the wearable: interrupted, not disconnected."""
    test = WalkTest(start=0.0)
    test.update(3.0, walk(1.0, 3, 0.6))
    assert test.disconnected(interrupted=True) == WalkTestResult(
        outcome=Outcome.INTERRUPTED, steps=3
    )
    assert test.disconnected() is None  # the result is given once


def test_result_round_trips_and_rejects_garbage() -> None:
    result = WalkTestResult(
        outcome=Outcome.OK, steps=8, time_s=5.6, distance_m=2.9, speed_m_s=0.52, when="x"
    )
    assert WalkTestResult.from_dict(result.to_dict()) == result
    with pytest.raises(ValueError, match="fell"):
        WalkTestResult.from_dict({"outcome": "fell"})
    with pytest.raises(KeyError):
        WalkTestResult.from_dict({})


@pytest.mark.parametrize("cadence", [70.0, 85.0, 100.0])
@pytest.mark.parametrize("steps", [8, 10])
def test_virtual_walker_tests_are_timed_within_the_goal(cadence: float, steps: int) -> None:
    """Synthetic (the virtual wearer, tools/bench/walktest_virtual.py): start and stop mechanics.

    A fresh engine's first backward walk: with seed 3 the other foot leads the 8-step walks off
    and the instrumented foot the 10-step ones (a half stride the engine tells from the walk's
    second stride, gait/edges.py LeadOff); the test takes the steps as the engine counts them.
    """
    case = run_case(Placement.FOOT, cadence, steps, seed=3)
    assert case.result is not None and case.result.outcome is Outcome.OK
    assert case.result.steps == steps
    assert case.result.time_s is not None and case.result.speed_m_s is not None
    assert abs(case.result.time_s - case.true_time_s) <= 0.3
    true_speed = case.true_distance_m / case.true_time_s
    assert case.result.speed_m_s == pytest.approx(true_speed, rel=0.1)


def test_virtual_walker_tests_at_the_shank_do_not_lose_more() -> None:
    """Synthetic, ankle strap: the 85 steps/min walks of tools/bench/walktest_virtual.py, seeds 1-8.

    The strap still misses the walk's half strides (the first from standing and the closing one:
    their swing is slower and the strap travels less than the foot; docs/shank_walktest.md).
    Since the virtual backward shank rolls through the lift as Bandai's does, every one of the
    16 is timed, 110 of their 144 steps counted, speed 0.94-1.09 of the truth (it was 13 timed,
    80 of 116 steps, 0.6). This pins that with a little margin, so a change can only make it
    better: 15 timed, 104 steps, none invented, speed within 0.85-1.1 of the truth.
    """
    timed = counted = 0
    for steps in (8, 10):
        for seed in range(1, 9):
            case = run_case(Placement.SHANK, 85.0, steps, seed)
            result = case.result
            # Untimed: no walk of WALK_STEPS steps seen by the end of the scripted standing.
            if result is None or result.outcome is Outcome.NO_WALK:
                continue
            assert result.outcome is Outcome.OK  # never a walk the wrong way, never unstopped
            timed += 1
            counted += result.steps
            assert result.steps <= steps
            assert result.time_s is not None and result.time_s <= case.true_time_s + 0.3
            true_speed = case.true_distance_m / case.true_time_s
            assert result.speed_m_s is not None
            assert 0.85 * true_speed <= result.speed_m_s <= 1.1 * true_speed
    assert timed >= 15
    assert counted >= 104
