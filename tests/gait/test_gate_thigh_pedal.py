"""Pedalling at the thigh is no walk (StepFeatures.half_cycle, GateParams.min_half_cycle).

A walking thigh swings once a stride and a stride holds two steps, so the acceleration's magnitude
repeats half the thigh's cycle later; pedalling turns the thigh once a revolution with one rise and
fall of the magnitude, reversed half a cycle later. Synthetic signals for the mechanics; the real
recordings (HuGaDB's strapped thigh sensors, UMAFall's pockets) are in docs/walking_gate.md,
"Thigh: pedalling, and a sensor along the thigh".
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.trunk import TrunkDetector
from custom_components.retrowalk.gait.trunk_params import TrunkParams, smoothing_kernel
from custom_components.retrowalk.gait.trunk_signal import half_cycle_likeness
from custom_components.retrowalk.gait.types import StepFeatures

from .test_trunk import FS, G, Walk
from .test_trunk_swing import pocket_walk, through_engine

THIGH = GATE_PARAMS[Placement.THIGH]
UPRIGHT_POCKET = (0.0, 1.0, 0.0)
P = TrunkParams()
KERNEL = smoothing_kernel(P, FS)
WINDOW = round(P.swing_window_s * FS)
LAGS = (round(P.cycle_lags_s[0] * FS), round(P.cycle_lags_s[1] * FS))


def pedalling(n_revs: int, rev: float = 0.75, lead: float = 2.0, seed: int = 0) -> Walk:
    """A sensor on the thigh of a cyclist: the thigh turns +-20 degrees once a revolution (gravity
    turns in the sensor's y-z plane) while the knee rises and falls 15 cm with it, so the
    magnitude rises and falls once a revolution. No step at all."""
    n = round((lead + n_revs * rev + 2.0) * FS)
    t = 100.0 + np.arange(n) / FS
    tau = t - t[0] - lead
    on = (tau >= 0) & (tau <= n_revs * rev)
    w = 2 * np.pi / rev
    phi = np.where(on, math.radians(20.0) * np.sin(w * tau), 0.0)
    lift = np.where(on, 0.075 * w**2 * np.sin(w * tau + 0.5), 0.0)  # the knee's, m/s^2
    up = G + lift
    acc = np.stack([np.zeros(n), up * np.cos(phi), up * np.sin(phi)], axis=1)
    acc += np.random.default_rng(seed).normal(0, 0.05, (n, 3))
    return Walk(t, acc, np.array([]))


def step(t: float, half: float | None, swing: float | None = None) -> StepEvent:
    """A pocket candidate whose magnitude was `half` alike half the thigh's cycle later."""
    return StepEvent(
        t=t,
        direction=Direction.FORWARD,
        confidence=0.9,
        features=StepFeatures(amplitude=3.0, up=UPRIGHT_POCKET, swing_s=swing, half_cycle=half),
    )


def times_of(interval: float, n: int, start: float = 10.0) -> list[float]:
    return list(itertools.accumulate([interval] * (n - 1), initial=start))


def test_a_walking_thigh_repeats_half_its_cycle_later_a_pedalling_one_is_reversed() -> None:
    ride = pedalling(14, rev=0.75)
    # Both legs' heel strikes alike, or the other leg's at a fifth (the detector then follows
    # one candidate a stride): the magnitude repeats half a stride later either way.
    for other_leg, least in ((1.0, 0.5), (0.2, 0.1)):
        walk = pocket_walk(10, stride=1.1, other_leg=other_leg)
        mid = len(walk.t) // 2
        assert (
            half_cycle_likeness(
                walk.acc[mid - WINDOW : mid], KERNEL, LAGS, P.swing_alike, P.swing_reverses
            )
            > least
        )
    mid = len(ride.t) // 2
    assert (
        half_cycle_likeness(
            ride.acc[mid - WINDOW : mid], KERNEL, LAGS, P.swing_alike, P.swing_reverses
        )
        < -0.3
    )


def test_no_likeness_where_the_window_has_nothing_to_say() -> None:
    still = np.tile([0.0, G, 0.0], (WINDOW, 1))
    assert (
        half_cycle_likeness(still, KERNEL, LAGS, P.swing_alike, P.swing_reverses) is None
    )  # no variation
    assert (
        half_cycle_likeness(
            pedalling(14).acc[: LAGS[1]], KERNEL, LAGS, P.swing_alike, P.swing_reverses
        )
        is None
    )  # too short


def test_getting_up_from_a_seat_is_no_cycle() -> None:
    # The thigh turns once from level to upright in a second, with the jolt of standing: alike at
    # every short lag, never turned the other way half a lag later, so no cycle and no likeness.
    t = np.arange(WINDOW) / FS
    angle = np.clip(t - 1.5, 0.0, 1.0) * math.pi / 2  # level until 1.5 s, upright from 2.5 s
    jolt = 2.0 * np.exp(-(((t - 2.5) / 0.1) ** 2))
    acc = np.stack([np.zeros_like(t), (G + jolt) * np.sin(angle), G * np.cos(angle)], axis=1)
    acc += np.random.default_rng(1).normal(0, 0.05, acc.shape)
    assert half_cycle_likeness(acc, KERNEL, LAGS, P.swing_alike, P.swing_reverses) is None


def test_only_the_thigh_measures_it() -> None:
    ride = pedalling(30)
    for placement in (Placement.THIGH, Placement.WAIST, Placement.CHEST, Placement.WRIST):
        detector = TrunkDetector(placement)
        steps = detector.feed(ride.t, ride.acc, None) + detector.end_segment()
        halves = [s.features.half_cycle for s in steps if s.features is not None]
        if placement is Placement.THIGH:
            # All but the first candidates, whose window still holds the rest before the ride.
            known = [h for h in halves if h is not None]
            assert len(halves) > 20 and len(known) >= len(halves) - 2 and max(known) < 0
        else:
            assert all(h is None for h in halves)


def test_pedalling_at_the_thigh_counts_no_step_a_pocket_walk_counts() -> None:
    assert through_engine(pedalling(80, rev=0.75)) == []
    assert through_engine(pedalling(60, rev=1.0)) == []
    walk = pocket_walk(20, stride=1.1)
    assert len(through_engine(walk)) == pytest.approx(len(walk.steps), abs=2)


def test_a_ride_broken_by_gaps_lets_no_held_stroke_through() -> None:
    # After a gap the detector knows no cycle for a few seconds; a run of such candidates must
    # not release the strokes held before the gap (the review's case: 148 steps in 5 minutes).
    ride = pedalling(400, rev=0.75)
    rel = ride.t - ride.t[0]
    for every, hole in ((20.0, 1.5), (10.0, 1.0)):
        keep = (rel % every) >= hole
        steps = through_engine(Walk(ride.t[keep], ride.acc[keep], np.array([])))
        # At most the ride's very first run, before the detector has a window to judge.
        assert len(steps) <= THIGH.confirm_steps
        assert all(s.t - ride.t[0] < 6.0 for s in steps)


def test_a_run_reversed_half_a_cycle_later_confirms_no_walk() -> None:
    assert THIGH.min_half_cycle is not None and -0.6 < THIGH.min_half_cycle < 0.0
    times = times_of(0.75, 6)
    assert WalkingGate(Placement.THIGH).add([step(x, -0.6) for x in times]) == []
    # Where the median repeats, the run is a walk, its odd reversed candidates with it.
    halves = [0.6, -0.5, 0.5, 0.4, -0.6, 0.6]
    out = WalkingGate(Placement.THIGH).add([step(x, h) for x, h in zip(times, halves, strict=True)])
    assert len(out) == len(halves)


def test_unknown_likeness_refuses_nothing() -> None:
    times = times_of(0.55, THIGH.confirm_steps + 2)
    assert len(WalkingGate(Placement.THIGH).add([step(x, None) for x in times])) == len(times)


def test_a_walk_that_turns_into_pedalling_ends_there() -> None:
    walk = times_of(0.55, 10)
    ride = times_of(0.6, 20, start=walk[-1] + 0.6)
    out = WalkingGate(Placement.THIGH).add(
        [step(x, 0.6) for x in walk] + [step(x, -0.6) for x in ride]
    )
    counted = [s.t for s in out]
    assert counted[: len(walk)] == walk
    # The bout ends once the median of its latest candidates (a longer run's worth) is
    # reversed: at most half of them more.
    assert THIGH.unposed_steps is not None
    assert len(counted) <= len(walk) + THIGH.unposed_steps // 2


def test_other_placements_ask_nothing_of_it() -> None:
    asking = {p for p in Placement if GATE_PARAMS[p].min_half_cycle is not None}
    assert asking == {Placement.THIGH}
