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
from custom_components.retrowalk.gait.trunk import (
    TrunkDetector,
    TrunkParams,
    shipped_params,
    smoothing_kernel,
)
from custom_components.retrowalk.gait.trunk_signal import swing_period

from .test_trunk import FS, G, Walk, feed, trunk_walk

P = TrunkParams()
KERNEL = smoothing_kernel(P, FS)
WINDOW = round(P.swing_window_s * FS)


def pocket_walk(
    n_strides: int, stride: float = 1.1, other_leg: float = 0.2, lead: float = 2.0, seed: int = 0
) -> Walk:
    """A phone in a trouser pocket: the thigh swings +-20 degrees once a stride (gravity turns
    in the phone's y-z plane), its own leg's heel strike jolts it hard, the other leg's by
    `other_leg` of that (softer than the detector finds: it follows the walk once a stride).
    Steps: both legs' heel strikes."""
    n = round((lead + n_strides * stride + 2.0) * FS)
    t = 100.0 + np.arange(n) / FS
    tau = t - t[0] - lead
    on = (tau >= -stride / 4) & (tau <= n_strides * stride)
    phi = np.where(on, math.radians(20) * np.sin(2 * np.pi * tau / stride), 0.0)
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


def through_engine(w: Walk, placement: Placement = Placement.THIGH) -> list[StepEvent]:
    """The steps a gated engine counts on this walk, 20 samples at a time, then flushed."""
    engine = GaitEngine(placement)
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


def test_the_detector_reports_the_swing_at_thigh_and_wrist_only() -> None:
    w = pocket_walk(14)
    at_thigh = feed(TrunkDetector(Placement.THIGH), w)
    swings = [s.features.swing_s for s in at_thigh if s.features is not None]
    later = [x for s, x in zip(at_thigh, swings, strict=False) if s.t > w.t[0] + 6.0]
    assert later and all(x == pytest.approx(1.1, abs=0.03) for x in later)
    at_waist = feed(TrunkDetector(Placement.WAIST), w)
    assert at_waist and all(s.features is None or s.features.swing_s is None for s in at_waist)
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
