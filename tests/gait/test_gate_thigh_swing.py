"""The thigh's swing tells strides from steps: a phone in a trouser pocket swings with the thigh
once a stride, and the detector can miss the other leg's step now and then or for minutes; an
interval as long as the swing's stride (StepFeatures.swing_s, measured by the detector) is a
stride with a step missed (gate.py, WalkingGate._swing_step). Synthetic candidates for the
mechanics; the real pocket walks it was measured on are in docs/walking_gate.md ("The thigh's
swing")."""

from __future__ import annotations

import itertools

import pytest

from custom_components.retrowalk.gait import Direction, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import (
    GATE_PARAMS,
    LONGEST_SWING_S,
    MIN_STRIDE_S,
    RUN_STRIDE_S,
    STRIDE_TOL,
)
from custom_components.retrowalk.gait.trunk_params import WAIST_TURN_DEG, shipped_params
from custom_components.retrowalk.gait.types import StepFeatures

THIGH = GATE_PARAMS[Placement.THIGH]
UPRIGHT_POCKET = (0.0, 1.0, 0.0)  # the phone's long axis along an upright thigh
LEVEL_POCKET = (0.0, 0.0, 1.0)  # the thigh level: sitting, or a phone lying across the pocket
TURNED = (1.0, 0.0, 0.0)  # 90 degrees from the walk's posture: another posture


def swung(
    t: float, swing: float | None = 1.1, up: tuple[float, float, float] = UPRIGHT_POCKET
) -> StepEvent:
    """A pocket candidate whose detector measured the thigh swinging with this period."""
    return StepEvent(
        t=t,
        direction=Direction.FORWARD,
        confidence=0.9,
        features=StepFeatures(amplitude=3.0, up=up, swing_s=swing),
    )


def times_of(pattern: list[float], reps: int, start: float = 10.0) -> list[float]:
    return [start, *itertools.accumulate(pattern * reps, initial=start)][1:]


def restored(out: list[StepEvent]) -> list[float]:
    return [s.t for s in out if s.features is None]


def test_a_stride_locked_pocket_walk_is_counted_whole_from_its_first_stride() -> None:
    # One candidate per 1.1 s stride, the thigh swinging at 1.1 s: every interval is a stride,
    # its step restored half-way, those of the confirming run too (released with it).
    times = times_of([1.1], 9)
    out = WalkingGate(Placement.THIGH).add([swung(x) for x in times])
    assert restored(out) == pytest.approx([b - 0.55 for b in times[1:]])
    assert [s.t for s in out] == sorted(s.t for s in out)  # all in time order, none late
    assert not any(s.late for s in out)


def test_a_partly_locked_walk_gets_only_its_strides_filled() -> None:
    # Unlike legs (0.38 and 0.72 s) and now and then a 1.1 s stride: only that one is filled,
    # whatever the bout's median (a step); the unlike legs' long step is no stride.
    times = times_of([0.38, 0.72, 0.38, 0.72, 1.1], 6)
    out = WalkingGate(Placement.THIGH).add([swung(x) for x in times])
    strides = [b for a, b in itertools.pairwise(times) if b - a > 1.0]
    assert restored(out) == pytest.approx([b - 0.55 for b in strides])


@pytest.mark.parametrize(
    ("pattern", "swing", "why"),
    [
        ([0.5, 0.8], 1.3, "an unlike leg's long step, 38 % short of the stride"),
        ([0.55], 1.1, "steps: half the stride"),
        (
            [0.7, 0.9, 0.7, 0.9, 1.7],
            1.6,
            "a pause past the stride range (the swing's longest, 1.6 s) among slow steps",
        ),
        ([0.5, 0.5, 1.2 * (1 - STRIDE_TOL) - 0.01], 1.2, "just short of the tolerance"),
        ([0.5, 0.5, 1.0 * (1 + STRIDE_TOL) + 0.01], 1.0, "just past it, longer than the swing"),
        ([0.32, 0.32, 0.64], 0.64, "the swing's stride, but shorter than a jogger's"),
        ([0.55, 1.1], None, "no swing measured"),
    ],
)
def test_an_interval_that_is_not_the_swings_stride_gets_nothing(
    pattern: list[float], swing: float | None, why: str
) -> None:
    times = times_of(pattern, 8)
    out = WalkingGate(Placement.THIGH).add([swung(x, swing) for x in times])
    assert len(out) == len(times), why  # one walk, every candidate counted, nothing restored
    assert restored(out) == [], why


def test_a_jog_followed_once_a_stride_gets_its_strides_filled_at_the_thigh_only() -> None:
    # A jogger's 0.76 s strides, one candidate each, the thigh swinging at 0.76 s: the other
    # leg's step restored half-way, from the confirming run on. Shorter than a walking stride
    # (MIN_STRIDE_S), so a hanging arm's or a hip pocket's swing there restores nothing.
    assert RUN_STRIDE_S < 0.76 < MIN_STRIDE_S
    times = times_of([0.76], 12)
    out = WalkingGate(Placement.THIGH).add([swung(x, 0.76) for x in times])
    assert restored(out) == pytest.approx([b - 0.38 for b in times[1:]])
    for placement in (Placement.WAIST, Placement.WRIST):
        assert GATE_PARAMS[placement].min_swing_stride == MIN_STRIDE_S
        out = WalkingGate(placement).add([swung(x, 0.76, (1.0, 0.0, 0.0)) for x in times])
        assert len(out) == len(times) and restored(out) == [], placement


def test_an_interval_within_the_tolerance_is_a_stride() -> None:
    # 19 % short of a 1.0 s swing: still that stride (20 % is the limit, tested above).
    times = times_of([0.4, 0.4, 1.0 * (1 - STRIDE_TOL) + 0.01], 6)
    out = WalkingGate(Placement.THIGH).add([swung(x, 1.0) for x in times])
    assert len(restored(out)) == 6


def test_a_level_y_axis_walk_gets_its_strides_restored_too() -> None:
    # Confirmed out of walking posture (the longer run a level y axis needs): a sensor strapped
    # along the thigh, or a phone lying across the pocket, swings with the thigh all the same
    # (HuGaDB's strapped thighs: one candidate a stride, the swing measured at it).
    assert THIGH.unposed_steps is not None and THIGH.swing_any_posture
    times = times_of([1.1], THIGH.unposed_steps + 6)
    out = WalkingGate(Placement.THIGH).add([swung(x, up=LEVEL_POCKET) for x in times])
    assert restored(out) == pytest.approx([b - 0.55 for b in times[1:]])


def test_only_the_thigh_fills_strides_out_of_walking_posture() -> None:
    # A hand held in front does not swing: its walk's candidates are its steps.
    anywhere = {p for p in Placement if GATE_PARAMS[p].swing_any_posture}
    assert anywhere == {Placement.THIGH}


def test_no_stride_is_filled_across_missing_data() -> None:
    gate = WalkingGate(Placement.THIGH)
    times = times_of([0.55], 8)
    assert len(gate.add([swung(x) for x in times])) == len(times)
    gate.gap(0.3)  # the data stopped for a while: the next interval spans the hole
    out = gate.add([swung(times[-1] + 1.1)])
    assert restored(out) == []
    out = gate.add([swung(times[-1] + 2.2)])  # the next stride has no hole in it
    assert restored(out) == pytest.approx([times[-1] + 1.65])


def test_no_stride_is_filled_before_the_confirming_run() -> None:
    # Held candidates before the run were not checked for rhythm (a fidget's, maybe): 1.1 s
    # between two of them is no stride of the walk, as at the stride fill.
    # (0.2 s apart, too fast for a run's rhythm, 9.1 and 9.3 start none.)
    held = [swung(8.0), swung(9.1), swung(9.3)]
    run = [swung(9.85 + 0.55 * k) for k in range(5)]
    out = WalkingGate(Placement.THIGH).add([*held, *run])
    assert [s.t for s in out if s.features is not None][:3] == pytest.approx([8.0, 9.1, 9.3])
    assert restored(out) == []
    # Inside the run, the same 1.1 s is a stride.
    run = [swung(9.85), swung(10.95), *(swung(10.95 + 0.55 * k) for k in range(1, 4))]
    out = WalkingGate(Placement.THIGH).add([*held, *run])
    assert restored(out) == pytest.approx([10.4])


def test_the_turned_candidate_between_two_kept_ones_breaks_their_pair() -> None:
    # Kept, dropped, kept: 10.0 and 11.1 are 1.1 s apart but a candidate lay between them.
    cands = [
        swung(9.45),
        swung(10.0),
        swung(10.55, up=TURNED),
        swung(11.1),
        *[swung(11.1 + 0.55 * k) for k in range(1, 6)],
    ]
    out = WalkingGate(Placement.THIGH).add(cands)
    assert restored(out) == []


def test_thigh_wrist_and_waist_use_the_swing_the_chest_does_not() -> None:
    filling = {p for p in Placement if GATE_PARAMS[p].swing_fill}
    assert filling == {Placement.THIGH, Placement.WRIST, Placement.WAIST}
    # The waist only where the sensor turns as a thigh does (a hip pocket; a belt's bounce not).
    turned = {p: shipped_params(p).swing_turn_deg for p in filling}
    assert turned == {Placement.THIGH: 0.0, Placement.WRIST: 0.0, Placement.WAIST: WAIST_TURN_DEG}
    assert not THIGH.stride_fill  # at the thigh the swing replaced the wrist's stride fill


def test_no_stride_is_filled_across_missing_data_before_the_walk_confirms() -> None:
    # The hole lies inside the confirming run: that interval says nothing about the stride.
    gate = WalkingGate(Placement.THIGH)
    assert gate.add([swung(10.0), swung(10.55)]) == []
    gate.gap(0.3)
    walk = [swung(11.65), swung(12.2), swung(12.75)]
    out = gate.add(walk)
    assert [s.t for s in out] == pytest.approx([10.0, 10.55, 11.65, 12.2, 12.75])
    assert restored(out) == []
    # The same candidates without the hole: the 1.1 s is a stride.
    out = WalkingGate(Placement.THIGH).add([swung(10.0), swung(10.55), *walk])
    assert restored(out) == pytest.approx([11.1])


def test_a_slow_climb_followed_once_a_stride_is_counted_whole_at_the_thigh() -> None:
    # One candidate per 1.45 s stride (one leg's landing too soft for the detector, a slow stair
    # climb), the thigh swinging at 1.45 s: past max_interval, but the swing says each interval is
    # a stride, so the run confirms and every stride gets its step (MobiFall's stair climbs:
    # 1.34-1.42 s). Before, each interval broke the run: nothing counted.
    assert THIGH.max_interval < 1.45 <= LONGEST_SWING_S == THIGH.swing_stride_max
    times = times_of([1.45], 11)
    out = WalkingGate(Placement.THIGH).add([swung(x, 1.45) for x in times])
    assert [s.t for s in out if s.features is not None] == pytest.approx(times)
    assert restored(out) == pytest.approx([b - 0.725 for b in times[1:]])


@pytest.mark.parametrize(
    ("swing", "why"),
    [
        (None, "no swing measured"),
        (1.1, "a swing 24 % shorter than the interval"),
        (0.725, "a swing at half the interval: the intervals are steps, too slow for a walk"),
    ],
)
def test_an_interval_past_max_interval_that_is_no_swing_stride_breaks_the_run(
    swing: float | None, why: str
) -> None:
    times = times_of([1.45], 11)
    assert WalkingGate(Placement.THIGH).add([swung(x, swing) for x in times]) == [], why


def test_past_the_swings_longest_stride_nothing_counts_whatever_the_swing() -> None:
    times = times_of([LONGEST_SWING_S + 0.05], 11)
    swing = LONGEST_SWING_S  # within STRIDE_TOL of the interval, but longer than any swing lag
    assert WalkingGate(Placement.THIGH).add([swung(x, swing) for x in times]) == []


def test_only_the_thigh_takes_a_swings_stride_past_max_interval() -> None:
    # Elsewhere the longest swing stride is max_interval: the same climb counts nothing there.
    longer = {p for p in Placement if GATE_PARAMS[p].swing_stride_max > GATE_PARAMS[p].max_interval}
    assert longer == {Placement.THIGH}
    times = times_of([1.45], 11)
    for placement in (Placement.WAIST, Placement.WRIST):
        out = WalkingGate(placement).add([swung(x, 1.45, (1.0, 0.0, 0.0)) for x in times])
        assert out == [], placement
