"""The measurements of tools/bench/walk_jolts.py, on made-up candidates and signals."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, StepEvent
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.types import STANDARD_GRAVITY, Placement, StepFeatures
from tools.bench.gate_eval import split_seen
from tools.bench.walk_jolts import (
    STRIDE_WINDOW,
    WalkSeen,
    alternation,
    fore_aft_runs,
    open_fore_aft,
    open_turn,
    steps_jolts,
    swing,
    turn_runs,
    walk_parts,
)

UP = (0.0, 0.0, 1.0)


def _cand(t: float, amplitude: float) -> StepEvent:
    return StepEvent(
        t=t,
        direction=Direction.FORWARD,
        confidence=0.9,
        features=StepFeatures(amplitude=amplitude, up=UP),
    )


def test_walking_runs_are_measured_with_the_jolt_open_inside_the_spans_only() -> None:
    p = GATE_PARAMS[Placement.WAIST]
    jolts = [0.6, 2.0, 2.0, 2.0, 0.7, 2.0, 2.0, 2.0, 2.0, 2.0]  # soft ones below the shipped 1.0
    cands = [_cand(10.0 + 0.55 * i, a) for i, a in enumerate(jolts)]
    got = steps_jolts(cands, p, [(0.0, 100.0)])
    # Every confirm_steps in a row, their smallest jolt (jolt_every_step at the trunk).
    want = [min(jolts[i : i + p.confirm_steps]) for i in range(len(jolts) - p.confirm_steps + 1)]
    assert got.tolist() == want
    assert len(steps_jolts(cands, p, [(0.0, 5.0)])) == 0  # no walking span: nothing measured
    (whole,) = walk_parts(cands, replace(p, min_amplitude=0.0), [(0.0, 100.0)])
    assert whole[0].tolist() == [c.t for c in cands]


def test_split_seen_cuts_at_a_new_walk_and_at_a_spans_edge() -> None:
    seen = [(1.0, 2.0, 1), (2.0, 2.0, 1), (3.0, 2.0, 2), (4.0, 2.0, 2), (6.0, 2.0, 2)]
    parts = split_seen(seen, [(0.0, 3.5), (3.5, 10.0)])
    assert [p[0].tolist() for p in parts] == [[1.0, 2.0], [3.0], [4.0, 6.0]]


@pytest.mark.parametrize(("sway", "want"), [(0.0, 0.0), (1.0, 0.5)])
def test_the_stride_sway_index_is_the_sideways_stride_swing_over_the_step_bounce(
    sway: float, want: float
) -> None:
    """The trunk bounces 2 m/s^2 once per 0.55 s step and sways `sway` once per stride."""
    fs, step = 100.0, 0.55
    t = np.arange(0.0, 10.0, 1 / fs, dtype=np.float64)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = STANDARD_GRAVITY + 2.0 * np.cos(2 * np.pi * t / step)
    acc[:, 1] = sway * np.sin(np.pi * t / step)
    times = np.arange(1.0, 8.0, step, dtype=np.float64)
    got = alternation(t, acc, times)
    assert len(got) == len(times) - STRIDE_WINDOW
    assert got == pytest.approx(want, abs=0.02)


def test_the_thigh_swing_is_the_back_and_forth_not_a_steady_turn() -> None:
    """A thigh swinging +-20 degrees once per 1.1 s stride while the body turns steadily (a car
    turning, a walk round a bend): the swing is 40 degrees peak to peak, the turn none of it."""
    fs, step = 100.0, 0.55
    t = np.arange(0.0, 10.0, 1 / fs, dtype=np.float64)
    gyro = np.zeros((len(t), 3))
    amp = np.radians(20.0)
    gyro[:, 1] = amp * (np.pi / step) * np.cos(np.pi * t / step)  # d/dt of amp * sin
    gyro[:, 2] = 0.3  # rad/s: a steady turn
    times = np.arange(1.0, 8.0, step, dtype=np.float64)
    # The line fitted over two strides tilts with the swing a little (about 4 degrees more).
    assert np.all((swing(t, gyro, times) >= 40.0) & (swing(t, gyro, times) <= 46.0))
    gyro[:, 1] = 0.0
    assert swing(t, gyro, times) == pytest.approx(0.0, abs=0.1)


def test_fore_aft_runs_are_medians_of_each_run_of_measured_steps() -> None:
    def step(t: float, h: float | None) -> StepEvent:
        f = StepFeatures(amplitude=2.0, up=UP, step_horizontal=h)
        return StepEvent(t=t, direction=Direction.FORWARD, confidence=0.9, features=f)

    values = [0.2, 1.0, 1.2, 0.8, None, 1.4]
    cands = [step(10.0 + 0.5 * i, h) for i, h in enumerate(values)]
    times = np.array([c.t for c in cands], dtype=np.float64)
    # The unmeasured step is left out; each 4 measured in a row give their median.
    got = fore_aft_runs([times], cands, 4)
    assert got.tolist() == pytest.approx([0.9, 1.1])
    assert len(fore_aft_runs([times[:3]], cands, 4)) == 0
    assert open_fore_aft(GATE_PARAMS[Placement.WAIST]).min_horizontal is None


def test_turn_runs_are_medians_of_the_known_turns_of_each_run() -> None:
    nan = float("nan")
    got = turn_runs([np.array([nan, 10.0, 12.0, 8.0, nan, 14.0])], 4)
    # Each 4 measured steps in a row; an unknown turn is left out of the median, as the gate does.
    assert got.tolist() == pytest.approx([10.0, 10.0, 12.0])
    assert len(turn_runs([np.array([nan, nan, nan, nan])], 4)) == 0  # none known: no run
    assert open_turn(GATE_PARAMS[Placement.THIGH]).min_turn is None


def test_walk_seen_records_walks_out_of_walking_posture_too() -> None:
    def step(t: float, turn: float | None) -> StepEvent:
        # A sensor along the thigh: its y axis level, out of the thigh's walking posture.
        f = StepFeatures(amplitude=2.0, up=(1.0, 0.0, 0.0), turn_deg=turn)
        return StepEvent(t=t, direction=Direction.FORWARD, confidence=0.9, features=f)

    params = open_turn(GATE_PARAMS[Placement.THIGH])
    assert params.unposed_steps is not None
    n = params.unposed_steps + 2
    gate = WalkSeen(Placement.THIGH, params)
    gate.add([step(10.0 + 0.55 * i, None if i == 3 else 2.0) for i in range(n)])
    assert not gate.posed and gate.walks == 1
    assert [t for t, _, _ in gate.seen] == pytest.approx([10.0 + 0.55 * i for i in range(n)])
    assert np.isnan(gate.seen[3][1]) and gate.seen[4][1] == 2.0  # a turn below the limit: open
