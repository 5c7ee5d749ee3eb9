"""The thigh's swing (trunk_signal.swing_period, StepFeatures.swing_s): a sensor in a trouser
pocket turns with the thigh once a stride, a sensor on the trunk bounces once a step. Synthetic
signals for the mechanics; the real pocket walks are in docs/walking_gate.md ("The thigh's
swing")."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import FloatArray, GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, RUN_STRIDE_S
from custom_components.retrowalk.gait.trunk import TrunkDetector, measured_swing
from custom_components.retrowalk.gait.trunk_params import (
    TRUNK_PLACEMENTS,
    WAIST_TURN_DEG,
    TrunkParams,
    shipped_params,
    smoothing_kernel,
)
from custom_components.retrowalk.gait.trunk_signal import along_alike, swing_period, turn_rms

from .test_trunk import FS, G, Walk, feed, trunk_walk

P = TrunkParams()
KERNEL = smoothing_kernel(P, FS)
WINDOW = round(P.swing_window_s * FS)


def pocket_walk(
    n_strides: int,
    stride: float = 1.1,
    other_leg: float = 0.2,
    lead: float = 2.0,
    seed: int = 0,
    swing_deg: float = 20.0,
) -> Walk:
    """A phone in a trouser pocket: the thigh swings +-swing_deg once a stride (gravity turns
    in the phone's y-z plane), its own leg's heel strike jolts it hard, the other leg's by
    `other_leg` of that (softer than the detector finds: it follows the walk once a stride).
    Steps: both legs' heel strikes."""
    n = round((lead + n_strides * stride + 2.0) * FS)
    t = 100.0 + np.arange(n) / FS
    tau = t - t[0] - lead
    on = (tau >= -stride / 4) & (tau <= n_strides * stride)
    phi = np.where(on, math.radians(swing_deg) * np.sin(2 * np.pi * tau / stride), 0.0)
    own = np.arange(n_strides + 1) * stride
    strikes = [(s, 3.0) for s in own[:-1]] + [(s + stride / 2, 3.0 * other_leg) for s in own[:-1]]
    jolt = np.zeros(n)
    for s, h in strikes:
        jolt += h * np.exp(-(((tau - s) / 0.05) ** 2))
    up = G + jolt
    acc = np.stack([np.zeros(n), up * np.cos(phi), up * np.sin(phi)], axis=1)
    acc += np.random.default_rng(seed).normal(0, 0.05, (n, 3))
    steps = np.sort(np.array([s for s, _ in strikes])) + t[0] + lead
    return Walk(t, acc, steps)


def through_engine(
    w: Walk, placement: Placement = Placement.THIGH, params: TrunkParams | None = None
) -> list[StepEvent]:
    """The steps a gated engine counts on this walk, 20 samples at a time, then flushed."""
    detector = TrunkDetector(placement, params) if params is not None else None
    engine = GaitEngine(placement, detector=detector)
    steps = [
        s
        for i in range(0, len(w.t), 20)
        for s in engine.process(w.t[i : i + 20], w.acc[i : i + 20]).steps
    ]
    return steps + list(engine.flush().steps)


def test_a_pocket_swings_once_a_stride() -> None:
    w = pocket_walk(10, stride=1.1)
    mid = len(w.t) // 2
    period = swing_period(
        w.acc[mid - WINDOW : mid], FS, KERNEL, P.swing_lags_s, P.swing_alike, P.swing_reverses
    )
    assert period == pytest.approx(1.1, abs=0.03)


@pytest.mark.parametrize(
    ("name", "acc"),
    [
        ("the trunk's bounce, once a step", trunk_walk(20).acc[100 : 100 + WINDOW]),
        ("at rest", np.tile([0.0, 0.0, G], (WINDOW, 1))),
        ("noise", np.random.default_rng(1).normal(0, 1.0, (WINDOW, 3)) + np.array([0.0, 0.0, G])),
        ("too short for two of the longest strides", pocket_walk(10).acc[200:370]),
        (
            "a bad sample",
            np.where(
                np.arange(WINDOW)[:, None] == 50, np.nan, pocket_walk(10).acc[200 : 200 + WINDOW]
            ),
        ),
    ],
)
def test_no_swing_where_nothing_swings_once_a_stride(name: str, acc: FloatArray) -> None:
    assert swing_period(acc, FS, KERNEL, P.swing_lags_s, P.swing_alike, P.swing_reverses) is None, (
        name
    )


def test_the_detector_reports_the_swing_at_thigh_wrist_and_waist_not_chest() -> None:
    w = pocket_walk(14)
    # The waist too: a hip pocket there turns with the thigh (swing_turn_deg).
    for placement in (Placement.THIGH, Placement.WAIST):
        found = feed(TrunkDetector(placement), w)
        swings = [s.features.swing_s for s in found if s.features is not None]
        later = [x for s, x in zip(found, swings, strict=False) if s.t > w.t[0] + 6.0]
        assert later and all(x == pytest.approx(1.1, abs=0.03) for x in later), placement
    at_chest = feed(TrunkDetector(Placement.CHEST), w)
    assert at_chest and all(s.features is None or s.features.swing_s is None for s in at_chest)
    # The same turning signal as a watch (the wrist reads its own per-step posture).
    at_wrist = feed(TrunkDetector(Placement.WRIST), w)
    late = [s.features.swing_s for s in at_wrist if s.features and s.t > w.t[0] + 6.0]
    assert late and sum(x is not None for x in late) >= len(late) / 2


def test_a_pocket_walk_the_detector_follows_once_a_stride_is_counted_whole() -> None:
    # The detector alone finds one step a stride; the gate restores the other leg's from the
    # thigh's swing. Without the swing measured, half the steps.
    w = pocket_walk(24)
    steps = through_engine(w)
    assert len(steps) == pytest.approx(len(w.steps), abs=3)
    off = dataclasses.replace(shipped_params(Placement.THIGH), swing=False)
    alone = feed(TrunkDetector(Placement.THIGH, off), w)
    assert len(alone) == pytest.approx(len(w.steps) / 2, abs=3)


def test_a_slow_pocket_walk_followed_step_by_step_is_not_doubled() -> None:
    # 1.0 s steps, both legs felt: the detector follows every step, 0.7-1.3 s apart like a
    # locked walk's strides, but the thigh swings once in 2.0 s, past the lags searched, and a
    # step later it is turned the other way: no swing is reported and nothing is restored.
    w = pocket_walk(12, stride=2.0, other_leg=1.0)
    steps = through_engine(w)
    assert len(steps) == pytest.approx(len(w.steps), abs=2)
    assert all(s.features is None or s.features.swing_s is None for s in steps)


def test_the_swing_is_measured_only_where_the_gate_can_read_it() -> None:
    # Followed step by step (both legs felt, 0.55 s apart) no interval is a stride: the detector
    # does not measure the swing (the gate reads it only after a short stride or more). Followed
    # once a stride, it does.
    # (The walk's first steps are labelled together, the first after nothing: measured.)
    both = feed(TrunkDetector(Placement.THIGH), pocket_walk(14, other_leg=1.0))
    assert len(both) >= 26
    assert all(s.features is None or s.features.swing_s is None for s in both[2:])
    locked = feed(TrunkDetector(Placement.THIGH), pocket_walk(14))
    assert sum(s.features is not None and s.features.swing_s is not None for s in locked) >= 8


def test_a_slow_walkers_bounce_is_no_swing() -> None:
    # A bounce once every 0.8 s step and nothing once a stride, its strength drifting: the
    # likeness test alone takes it for a 0.8 s swing (alike a step later, turned half a step
    # later); a stride that short is found at twice its length (TrunkParams.swing_shortest_s),
    # so the detector reports no swing.
    t = 100.0 + np.arange(round(40 * FS)) / FS
    bounce = (1 + 0.3 * np.sin(2 * np.pi * t / 7.0)) * 2.5 * np.cos(2 * np.pi * t / 0.8)
    acc = np.stack([np.zeros_like(t), np.zeros_like(t), G + bounce], axis=1)
    acc += np.random.default_rng(2).normal(0, 0.05, acc.shape)
    window = acc[1000 : 1000 + WINDOW]
    alone = swing_period(window, FS, KERNEL, P.swing_lags_s, P.swing_alike, P.swing_reverses)
    assert alone == pytest.approx(0.8, abs=0.03)
    steps = feed(TrunkDetector(Placement.THIGH), Walk(t, acc, t[:0]))
    assert len(steps) >= 40
    assert all(s.features is None or s.features.swing_s is None for s in steps)


def test_a_jogging_thighs_short_stride_is_a_swing_at_the_thigh_only() -> None:
    # A jogger's 0.76 s stride, the thigh swinging +-20 degrees, the other leg's landing too soft
    # for the detector: shorter than a walking stride (swing_shortest_s), but the sensor turns as
    # a thigh does, so at the thigh it is a swing and the jog's missed steps are restored where
    # it is measured (from its first 4 s on). Without the thigh's shorter bound, none is; a hip
    # pocket set up as the waist keeps the walking bound. Never more than the jog's steps.
    w = pocket_walk(40, stride=0.76, swing_deg=20.0)
    thigh = shipped_params(Placement.THIGH)
    mid = len(w.t) // 2
    assert measured_swing(w.acc[:mid], FS, KERNEL, thigh) == pytest.approx(0.76, abs=0.03)
    walking_only = dataclasses.replace(thigh, swing_turned_s=None)
    assert measured_swing(w.acc[:mid], FS, KERNEL, walking_only) is None
    alone = len(through_engine(w, params=walking_only))
    assert alone <= len(w.steps) / 2
    assert alone + 15 <= len(through_engine(w)) <= len(w.steps)
    assert len(through_engine(w, Placement.WAIST)) <= len(w.steps) / 2


def test_a_bounce_at_a_joggers_stride_that_does_not_turn_is_no_swing_at_the_thigh() -> None:
    # The same period as a bounce along gravity, the sensor not turning: no swing (a slow
    # walker's step bounce, as a loose pocket or a sensor on the trunk feels it).
    t = 100.0 + np.arange(round(40 * FS)) / FS
    bounce = 2.5 * np.cos(2 * np.pi * t / 0.76)
    acc = np.stack([np.zeros_like(t), np.zeros_like(t), G + bounce], axis=1)
    acc += np.random.default_rng(4).normal(0, 0.05, acc.shape)
    thigh = shipped_params(Placement.THIGH)
    window = acc[1000 : 1000 + WINDOW]
    assert swing_period(window, FS, KERNEL, P.swing_lags_s, P.swing_alike, P.swing_reverses)
    assert measured_swing(window, FS, KERNEL, thigh) is None


def test_a_short_strides_turn_must_reach_a_thighs_and_its_period_a_joggers() -> None:
    # At 0.76 s a stride swinging +-20 degrees turns the sensor 13 degrees RMS: a swing. At
    # +-14 degrees it turns 9, less than any walking pocket (WAIST_TURN_DEG): none.
    thigh = shipped_params(Placement.THIGH)

    def window(stride: float, degrees: float) -> FloatArray:
        w = pocket_walk(40, stride=stride, swing_deg=degrees)
        mid = len(w.t) // 2
        return w.acc[mid - WINDOW : mid]

    assert measured_swing(window(0.76, 20.0), FS, KERNEL, thigh) == pytest.approx(0.76, abs=0.03)
    assert measured_swing(window(0.76, 14.0), FS, KERNEL, thigh) is None
    # Under a jogger's stride (RUN_STRIDE_S) no swing, even with lags searched from 0.5 s.
    wide = dataclasses.replace(thigh, swing_lags_s=(0.5, 1.6))
    for stride in (0.6, 0.64):
        assert measured_swing(window(stride, 20.0), FS, KERNEL, wide) is None, stride
        lower = dataclasses.replace(wide, swing_turned_s=0.55)
        assert measured_swing(window(stride, 20.0), FS, KERNEL, lower) == pytest.approx(stride)


def test_a_joggers_stride_that_bounces_once_a_stride_along_gravity_is_no_swing() -> None:
    # The jogger's stride above with a bounce along gravity once a stride (2 m/s^2): the three
    # axes still repeat a stride later and reverse half a stride later, and the sensor turns as
    # a thigh does, but along gravity the signal is reversed half a stride later (a bag rocking
    # and bouncing with the walk, not g cos(phi) of a swinging thigh), so it is no swing. Only
    # the along_alike test stands between it and a swing: the reason is pinned beside it.
    w = pocket_walk(40, stride=0.76, swing_deg=20.0)
    thigh = shipped_params(Placement.THIGH)
    mid = len(w.t) // 2
    for bounce, expected in ((0.0, 0.76), (2.0, None)):
        acc = w.acc.copy()
        acc[:, 1] += bounce * np.cos(2 * np.pi * (w.t - w.t[0]) / 0.76)
        window = acc[mid - WINDOW : mid]
        assert swing_period(window, FS, KERNEL, P.swing_lags_s, P.swing_alike, P.swing_reverses)
        assert (turn_rms(window, KERNEL) or 0.0) >= WAIST_TURN_DEG
        along = along_alike(window, KERNEL, round(0.76 * FS / 2))
        assert along is not None and (along < 0.0) == (expected is None), bounce
        found = measured_swing(window, FS, KERNEL, thigh)
        assert found == (None if expected is None else pytest.approx(expected, abs=0.03)), bounce


def test_the_thigh_measures_a_swing_as_short_as_the_gate_fills() -> None:
    # One fact: the detector's shortest turning swing is the gate's shortest stride to fill.
    thigh = shipped_params(Placement.THIGH)
    assert thigh.swing_turned_s == GATE_PARAMS[Placement.THIGH].min_swing_stride == RUN_STRIDE_S
    assert thigh.swing_lags_s[0] <= RUN_STRIDE_S
    for placement in (Placement.WAIST, Placement.CHEST, Placement.WRIST):
        assert shipped_params(placement).swing_turned_s is None, placement


def test_how_far_a_swinging_thigh_turns_the_sensor_and_a_bounce_does_not() -> None:
    # +-20 degrees of swing: 20 / sqrt 2 RMS. The trunk's bounce and sway at a slow walker's
    # 1.1 s steps turn it a few degrees; a bounce along gravity alone, at rest, none.
    mid = len(pocket_walk(10).t) // 2
    thigh = turn_rms(pocket_walk(10).acc[mid - WINDOW : mid], KERNEL)
    assert thigh == pytest.approx(20 / math.sqrt(2), abs=1.0)
    trunk = turn_rms(trunk_walk(20, period=1.1).acc[300 : 300 + WINDOW], KERNEL)
    assert trunk is not None and 1.0 < trunk < WAIST_TURN_DEG
    t = np.arange(WINDOW) / FS
    bounce = np.stack([0 * t, 0 * t, G + 2.5 * np.cos(2 * np.pi * t / 1.1)], axis=1)
    assert turn_rms(bounce, KERNEL) == pytest.approx(0.0, abs=1e-6)
    assert turn_rms(np.tile([0.0, 0.0, G], (WINDOW, 1)), KERNEL) == pytest.approx(0.0, abs=1e-6)
    bad = pocket_walk(10).acc[200 : 200 + WINDOW].copy()
    bad[50, 1] = np.nan
    assert turn_rms(bad, KERNEL) is None
    assert turn_rms(np.zeros((WINDOW, 3)), KERNEL) is None
    assert turn_rms(bounce[:3], KERNEL) is None


def test_a_hip_pocket_worn_as_waist_is_counted_from_the_thighs_swing() -> None:
    # A phone in a hip (trouser) pocket set up as "waist": the detector follows the walk once a
    # stride; the waist measures the swing where the sensor turns as a thigh does and restores
    # the other leg's steps. Without the turn it reports no swing: half the steps.
    w = pocket_walk(24)
    assert len(through_engine(w, Placement.WAIST)) == pytest.approx(len(w.steps), abs=3)
    stiff = dataclasses.replace(shipped_params(Placement.WAIST), swing_turn_deg=25.0)
    assert len(through_engine(w, Placement.WAIST, stiff)) == pytest.approx(len(w.steps) / 2, abs=3)


@pytest.mark.parametrize("period", [1.0, 1.1, 1.2])
def test_a_slow_walkers_bounce_at_the_waist_is_not_doubled(period: float) -> None:
    # 50-60 steps a minute: the bounce repeats once a step inside the lags searched and is
    # reversed half a step later, so the likeness tests alone take each step for a stride; the
    # waist asks the swing to turn the sensor as a thigh does, which a trunk's bounce does not.
    w = trunk_walk(30, period=period)
    assert len(through_engine(w, Placement.WAIST)) == pytest.approx(30, abs=2)
    loose = dataclasses.replace(shipped_params(Placement.WAIST), swing_turn_deg=0.0)
    assert len(through_engine(w, Placement.WAIST, loose)) > 45


def rocked(w: Walk, degrees: float, period: float) -> Walk:
    """The walk's sensor rocking +-`degrees` about its first axis once every `period` s (a bag
    swinging on its strap once a step), as the sensor feels it."""
    phi = np.radians(degrees) * np.sin(2 * np.pi * (w.t - w.steps[0]) / period)
    c, s = np.cos(phi), np.sin(phi)
    x, y, z = w.acc.T
    return Walk(w.t, np.stack([x, c * y - s * z, s * y + c * z], axis=1), w.steps)


def test_along_gravity_a_swing_repeats_every_half_period_a_bounce_and_a_rock_reverse() -> None:
    # g cos(phi) of a swinging thigh repeats every half swing; the trunk's bounce once a slow
    # step, and a bag rocking with it, are turned the other way half a step later.
    half = round(1.1 * FS / 2)
    pocket = pocket_walk(10).acc[300 : 300 + WINDOW]
    assert (along_alike(pocket, KERNEL, half) or -1.0) > 0.2
    slow = trunk_walk(30, period=1.1)
    assert (along_alike(slow.acc[300 : 300 + WINDOW], KERNEL, half) or 1.0) < -0.5
    bag = rocked(slow, 15.0, 1.1).acc[300 : 300 + WINDOW]
    assert (turn_rms(bag, KERNEL) or 0.0) > WAIST_TURN_DEG  # turns as much as a pocket
    assert (along_alike(bag, KERNEL, half) or 1.0) < -0.5
    assert along_alike(pocket, KERNEL, len(pocket)) is None  # no pairs that far apart
    assert along_alike(np.tile([0.0, 0.0, G], (WINDOW, 1)), KERNEL, half) is None  # at rest
    assert along_alike(np.zeros((WINDOW, 3)), KERNEL, half) is None
    assert along_alike(pocket[:5], KERNEL, 2) is None


@pytest.mark.parametrize("period", [0.9, 1.1, 1.3])
def test_a_slow_walkers_bag_rocking_once_a_step_at_the_waist_is_not_doubled(period: float) -> None:
    # The bag turns 15+ degrees RMS, past the waist's turn limit, and its stride-long likeness
    # passes the swing test at these slow steps; along gravity it is reversed half a period
    # later, so it is no swing.
    w = rocked(trunk_walk(30, period=period), 20.0, period)
    assert len(through_engine(w, Placement.WAIST)) == pytest.approx(30, abs=2)


def test_a_hip_pocket_that_turns_no_more_than_a_belt_may_is_no_swing_at_the_waist() -> None:
    # +-15 degrees of swing is about 10.6 RMS: within what a belt turns (up to 11.2), so the
    # waist, following the walk once a stride, counts half; the thigh counts it whole.
    mild = pocket_walk(24, swing_deg=15.0)
    assert len(through_engine(mild, Placement.WAIST)) == pytest.approx(len(mild.steps) / 2, abs=3)
    assert len(through_engine(mild)) == pytest.approx(len(mild.steps), abs=3)


def test_a_slow_climb_followed_once_a_stride_is_counted_at_the_thigh_only() -> None:
    # 1.45 s strides, the other leg's landing too soft to find (a slow stair climb, MobiFall):
    # the detector's candidates come a stride apart, past the 1.3 s start, but the swing measured
    # on the signal says each interval is a stride, so the walk starts (stride_start_s) and the
    # gate restores the other leg's steps. Without the stride start nothing counts; the waist
    # (no stride start, max_interval 1.3 s) counts nothing either, as before.
    w = pocket_walk(12, stride=1.45, other_leg=0.2)
    assert len(through_engine(w)) == pytest.approx(len(w.steps), abs=3)
    plain = dataclasses.replace(shipped_params(Placement.THIGH), stride_start_s=None)
    assert through_engine(w, params=plain) == []
    assert through_engine(w, Placement.WAIST) == []


@pytest.mark.parametrize("period", [0.9, 2.9])
def test_a_jolt_every_slow_stride_with_the_thigh_turning_at_another_pace_starts_no_walk(
    period: float,
) -> None:
    # A jolt every 1.45 s while the sensor rocks +-20 degrees at another pace (a pedal stroke,
    # fidgeting): no swing at the interval, so no walk starts at the thigh. With the plain longer
    # start (1.6 s, no swing asked) the detector would start one and count every jolt.
    w = rocked(pocket_walk(12, stride=1.45, other_leg=0.0, swing_deg=0.0), 20.0, period)
    assert through_engine(w) == []
    assert feed(TrunkDetector(Placement.THIGH), w) == []
    wide = dataclasses.replace(shipped_params(Placement.THIGH), start_gap_s=1.6)
    assert len(feed(TrunkDetector(Placement.THIGH, wide), w)) >= 10


def test_the_stride_start_is_the_thighs_up_to_the_swings_longest_lag() -> None:
    starts = {p: shipped_params(p).stride_start_s for p in TRUNK_PLACEMENTS}
    thigh = shipped_params(Placement.THIGH)
    assert starts == {
        Placement.THIGH: thigh.swing_lags_s[1],
        Placement.WAIST: None,
        Placement.CHEST: None,
        Placement.WRIST: None,
    }
    assert thigh.stride_start_s == GATE_PARAMS[Placement.THIGH].swing_stride_max
