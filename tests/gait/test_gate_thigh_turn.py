"""A walking thigh swings (StepFeatures.turn_deg, GateParams.min_turn).

A walking thigh swings forward and back once a stride, so a pocket's direction turns about its
mean by tens of degrees; a thigh resting on a seat or on a pedal between strokes is jolted by the
road, sometimes in a rhythm, but hardly turns. Synthetic signals for the mechanics; the real
recordings (walking's limit from the thigh data sets, HuGaDB's rider and car passenger) are in
docs/walking_gate.md, "Thigh: a walking thigh swings".
"""

from __future__ import annotations

from dataclasses import replace
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.trunk import TrunkDetector
from custom_components.retrowalk.gait.trunk_params import TrunkParams, smoothing_kernel
from custom_components.retrowalk.gait.trunk_signal import (
    half_cycle_and_turn,
    half_cycle_likeness,
    turn_rms,
)
from custom_components.retrowalk.gait.types import StepFeatures

from .test_gate_thigh_pedal import times_of
from .test_trunk import FS, G, Walk
from .test_trunk_swing import pocket_walk, through_engine

THIGH = GATE_PARAMS[Placement.THIGH]
UPRIGHT_POCKET = (0.0, 1.0, 0.0)


def seat_ride(seconds: float, beat: float = 0.45, seed: int = 0) -> Walk:
    """A phone in the pocket of a seated thigh, 40 degrees from vertical, that does not turn,
    jolted along gravity by the road in a rhythm: a bump every `beat` s, alternately 4 and 3.5
    m/s^2 (a car's wheels over a ribbed road, a coasting bicycle's). No step at all."""
    n = round(seconds * FS)
    t = 100.0 + np.arange(n) / FS
    jolt = np.zeros(n)
    for k, at in enumerate(np.arange(2.0, seconds - 2.0, beat)):
        jolt += (4.0 if k % 2 == 0 else 3.5) * np.exp(-(((t - t[0] - at) / 0.05) ** 2))
    tilt = math.radians(40.0)
    up = G + jolt
    acc = np.stack([np.zeros(n), up * math.cos(tilt), up * math.sin(tilt)], axis=1)
    acc += np.random.default_rng(seed).normal(0, 0.05, (n, 3))
    return Walk(t, acc, np.array([]))


def candidates(w: Walk) -> list[StepEvent]:
    """Every candidate the thigh's detector reports on `w` (no gate)."""
    detector = TrunkDetector(Placement.THIGH)
    return detector.feed(w.t, w.acc, None) + detector.end_segment()


def step(t: float, turn: float | None) -> StepEvent:
    """A pocket candidate whose sensor turned `turn` degrees RMS over the swing window."""
    return StepEvent(
        t=t,
        direction=Direction.FORWARD,
        confidence=0.9,
        features=StepFeatures(amplitude=3.0, up=UPRIGHT_POCKET, turn_deg=turn),
    )


def test_the_thigh_measures_how_far_it_turns() -> None:
    assert THIGH.min_turn is not None
    walked = [s.features.turn_deg for s in candidates(pocket_walk(12)) if s.features is not None]
    known = [x for x in walked if x is not None]
    # +-20 degrees once a stride: about 14 RMS once the window holds only the walk.
    assert len(known) >= len(walked) - 1 and np.median(known) > THIGH.min_turn + 4.0
    seated = [s.features.turn_deg for s in candidates(seat_ride(30.0)) if s.features is not None]
    assert len(seated) > 20 and max(x for x in seated if x is not None) < 1.0
    ride = seat_ride(30.0)
    for placement in (Placement.WAIST, Placement.CHEST, Placement.WRIST):
        detector = TrunkDetector(placement)
        steps = detector.feed(ride.t, ride.acc, None) + detector.end_segment()
        assert all(s.features.turn_deg is None for s in steps if s.features is not None)


def test_one_smoothing_gives_both_measures_as_each_alone() -> None:
    p = TrunkParams()
    kernel = smoothing_kernel(p, FS)
    lags = (round(p.cycle_lags_s[0] * FS), round(p.cycle_lags_s[1] * FS))
    n = round(p.swing_window_s * FS)
    for w in (pocket_walk(12), seat_ride(30.0)):
        window = w.acc[len(w.t) // 2 - n : len(w.t) // 2]
        half = half_cycle_likeness(window, kernel, lags, p.swing_alike, p.swing_reverses)
        got = half_cycle_and_turn(window, kernel, lags, p.swing_alike, p.swing_reverses)
        assert got == (half, turn_rms(window, kernel))
    assert half_cycle_and_turn(w.acc[:3], kernel, lags, 0.5, 0.5) == (None, None)  # too short


def test_a_seat_jolted_in_a_rhythm_counts_no_step() -> None:
    found = candidates(seat_ride(60.0))
    # Without the rule the road's rhythm is a walk: every other rule lets it through (the
    # magnitude's cycle is no swing's, so the pedalling rule abstains).
    assert len(WalkingGate(Placement.THIGH, replace(THIGH, min_turn=None)).add(found)) > 40
    assert WalkingGate(Placement.THIGH).add(found) == []
    assert through_engine(seat_ride(60.0)) == []


@pytest.mark.parametrize(("swing_deg", "stride"), [(20.0, 1.1), (12.0, 1.1), (8.0, 1.2)])
def test_a_pocket_walk_still_counts(swing_deg: float, stride: float) -> None:
    # A slow walker's thigh swings less (+-12 degrees: about 8.5 RMS), and a backward walker's,
    # with steps half as long, less still (+-8 degrees: about 5.7 RMS).
    walk = pocket_walk(20, stride=stride, swing_deg=swing_deg)
    found = candidates(walk)
    counted = WalkingGate(Placement.THIGH).add(found)
    assert len(through_engine(walk)) == len(counted)
    without = WalkingGate(Placement.THIGH, replace(THIGH, min_turn=None)).add(found)
    assert [s.t for s in counted] == [s.t for s in without]
    assert len(counted) == pytest.approx(len(walk.steps), abs=3)


def test_a_run_that_does_not_turn_confirms_no_walk() -> None:
    assert THIGH.min_turn is not None
    times = times_of(0.6, 6)
    assert WalkingGate(Placement.THIGH).add([step(x, THIGH.min_turn - 1.0) for x in times]) == []
    # The median: the walk's first candidates measure the standing before it too.
    turns = [2.0, 4.0, 15.0, 16.0, 14.0, 15.0]
    out = WalkingGate(Placement.THIGH).add([step(x, a) for x, a in zip(times, turns, strict=True)])
    assert len(out) == len(turns)


def test_unknown_turn_refuses_nothing() -> None:
    times = times_of(0.6, THIGH.confirm_steps + 2)
    assert len(WalkingGate(Placement.THIGH).add([step(x, None) for x in times])) == len(times)


def test_other_placements_ask_nothing_of_it() -> None:
    asking = {p for p in Placement if GATE_PARAMS[p].min_turn is not None}
    assert asking == {Placement.THIGH}
