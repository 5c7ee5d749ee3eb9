"""Arm work faster than its steps: the wrist's oscillations per candidate interval.

trunk_signal.cycles_between counts how often the acceleration's magnitude oscillates between two
candidates; the wrist's detector reports it (StepFeatures.cycles) and the gate refuses a run
confirmed with the hand in front if it oscillates more than GateParams.max_cycles times per
candidate interval (gate._paced). Synthetic signals for the mechanics; the real figures the
limit comes from are in docs/walking_gate.md ("Wrist: faster than its steps") and
tools.bench.hmp_wrist.
"""

from __future__ import annotations

from dataclasses import replace
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.trunk_signal import cycles_between
from custom_components.retrowalk.gait.types import STANDARD_GRAVITY, Direction, StepFeatures
from tools.bench.data import feed

P = GATE_PARAMS[Placement.WRIST]
FS = 100.0
HANGING = (1.0, 0.0, 0.0)
IN_FRONT = (0.0, 0.0, 1.0)
KERNEL = np.full(10, 0.1)  # 0.1 s at FS


def _oscillating(hz: float, seconds: float = 4.0, size: float = 2.0) -> tuple[np.ndarray, ...]:
    """A still sensor whose acceleration's magnitude swings at `hz` (along gravity, z)."""
    t = np.arange(0.0, seconds, 1 / FS)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = STANDARD_GRAVITY + size * np.sin(2 * math.pi * hz * t)
    return t, acc


@pytest.mark.parametrize("hz", [1.0, 2.0, 4.0])
def test_the_oscillations_between_two_times_are_counted(hz: float) -> None:
    t, acc = _oscillating(hz)
    cycles = cycles_between(t, acc, (1.5, 3.5), KERNEL)
    assert cycles == pytest.approx(2.0 * hz, abs=0.5)


def test_no_count_without_the_signal_before_the_span_or_with_too_little_in_it() -> None:
    t, acc = _oscillating(2.0)
    # The smoothing needs its 0.1 s of signal before the span's start.
    assert cycles_between(t, acc, (0.05, 2.0), KERNEL) is None
    assert cycles_between(t, acc, (0.2, 2.0), KERNEL) is not None
    assert cycles_between(t, acc, (-math.inf, 2.0), KERNEL) is None
    assert cycles_between(t, acc, (2.0, 2.015), KERNEL) is None  # one sample
    assert cycles_between(t, acc, (3.0, 2.0), KERNEL) is None  # time went back


def _walk_signal(seconds: float, step_hz: float, scrub_hz: float = 0.0) -> tuple[np.ndarray, ...]:
    """A forearm along x with a heel strike's jolt each step, and strokes at `scrub_hz` on top."""
    t = np.arange(0.0, seconds, 1 / FS)
    phase = (t * step_hz) % 1.0
    jolt = 4.0 * np.exp(-(((phase - 0.5) / 0.06) ** 2))
    scrub = 1.5 * np.sin(2 * math.pi * scrub_hz * t) if scrub_hz else 0.0 * t
    acc = np.zeros((len(t), 3))
    acc[:, 0] = STANDARD_GRAVITY + jolt + scrub
    return t, acc


def test_the_wrist_detector_reports_about_one_oscillation_a_step() -> None:
    t, acc = _walk_signal(20.0, 1.8)
    steps = feed(GaitEngine(Placement.WRIST, gated=False), t, acc, None)
    measured = [s for s in steps if s.features is not None]
    assert len(measured) > 25
    # Nothing before the first, and none until the signal reaches 0.1 s before the previous one.
    assert measured[0].features is not None and measured[0].features.cycles is None
    later = [s.features.cycles for s in measured if s.t > 2.0 and s.features is not None]
    assert None not in later
    assert np.median(later) == pytest.approx(1.0, abs=0.25)


def test_strokes_faster_than_the_steps_found_in_them_read_more() -> None:
    t, acc = _walk_signal(20.0, 1.2, scrub_hz=4.5)  # 3.75 strokes a step
    steps = feed(GaitEngine(Placement.WRIST, gated=False), t, acc, None)
    known = [s.features.cycles for s in steps if s.features and s.features.cycles is not None]
    assert len(known) > 10
    assert np.mean(known) > 3.0  # whole oscillations per interval: 3 and 4 here


@pytest.mark.parametrize("placement", [Placement.WAIST, Placement.CHEST, Placement.THIGH])
def test_only_the_wrist_counts_them(placement: Placement) -> None:
    t, acc = _walk_signal(20.0, 1.8)
    steps = feed(GaitEngine(placement, gated=False), t, acc, None)
    assert [s for s in steps if s.features is not None]
    assert all(s.features.cycles is None for s in steps if s.features is not None)


def cand(t: float, cycles: float | None, up: tuple[float, float, float] = IN_FRONT) -> StepEvent:
    features = StepFeatures(amplitude=3.0, up=up, cycles=cycles)
    return StepEvent(t=t, direction=Direction.FORWARD, confidence=0.9, features=features)


def restored(t: float) -> StepEvent:
    return StepEvent(t=t, direction=Direction.FORWARD, confidence=0.9)


def _run(
    n: int, cycles: float | None, up: tuple[float, float, float] = IN_FRONT
) -> list[StepEvent]:
    return [cand(0.55 * i, cycles, up) for i in range(n)]


def test_a_hand_in_front_run_faster_than_its_steps_is_no_walk() -> None:
    limit = P.max_cycles
    assert limit == 3.0
    n = P.unposed_steps or 0
    assert len(WalkingGate(Placement.WRIST).add(_run(n, 2.9))) == n
    assert WalkingGate(Placement.WRIST).add(_run(n, 3.1)) == []
    # At the limit it is still a walk (a stride's two oscillations and one more).
    assert len(WalkingGate(Placement.WRIST).add(_run(n, limit))) == n


def test_it_is_the_runs_mean_that_counts_after_its_first_candidate() -> None:
    n = P.unposed_steps or 0
    # The first candidate's count is the time before the run: not the run's.
    first_high = [cand(0.0, 9.0), *_run(n, 2.0)[1:]]
    assert len(WalkingGate(Placement.WRIST).add(first_high)) == n
    # One interval of 4 among nine of 2.5: a mean of 2.65, a walk.
    mixed = [cand(0.55 * i, 4.0 if i == 5 else 2.5) for i in range(n)]
    assert len(WalkingGate(Placement.WRIST).add(mixed)) == n
    # Every other of 2 and 4.5: a mean of 3.25, no walk.
    alternating = [cand(0.55 * i, 2.0 if i % 2 else 4.5) for i in range(n)]
    assert WalkingGate(Placement.WRIST).add(alternating) == []


def test_a_restored_step_between_measured_ones_shares_their_interval() -> None:
    """A measured candidate after a restored one counts the oscillations of two intervals."""
    n = P.unposed_steps or 0
    # Measured candidates with 5.0 over two intervals each: 2.5 per interval, a walk.
    run = [cand(0.0, None)]
    for i in range(1, n):
        t = 0.55 * i
        run.append(restored(t) if i % 2 else cand(t, 5.0))
    gate = WalkingGate(Placement.WRIST, replace(P, measured_run=False))
    assert len(gate.add(run)) == n
    # With 7.0 over two intervals (3.5 each), no walk.
    faster = [s if s.features is None or s.features.cycles is None else cand(s.t, 7.0) for s in run]
    gate = WalkingGate(Placement.WRIST, replace(P, measured_run=False))
    assert gate.add(faster) == []


def test_unknown_counts_refuse_nothing_and_hanging_arms_are_not_judged() -> None:
    n = P.unposed_steps or 0
    assert len(WalkingGate(Placement.WRIST).add(_run(n, None))) == n
    # A hanging arm's own swing adds oscillations: its runs are not judged by them.
    hanging = _run(P.confirm_steps, 4.0, HANGING)
    assert len(WalkingGate(Placement.WRIST).add(hanging)) == P.confirm_steps
    # Without the rule (every other placement), nothing is refused for them.
    no_rule = WalkingGate(Placement.WRIST, replace(P, max_cycles=None))
    assert len(no_rule.add(_run(n, 5.0))) == n
    assert all(GATE_PARAMS[p].max_cycles is None for p in Placement if p is not Placement.WRIST)
