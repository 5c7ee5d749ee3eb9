"""A body bounced on a car seat is no walk at the waist and chest (synthetic signals).

A walking trunk is braked at each heel strike and pushed on at each push-off, so its fore-aft
acceleration swings once a step along with the vertical bounce; a car seat moves a seated body up
and down. The trunk detector measures the horizontal acceleration's amplitude at the step
frequency (StepFeatures.step_horizontal, from the cross-spectrum its direction classifier
already takes) and the gate asks a confirming run for a walking trunk's (GateParams.
min_horizontal). Real walking and the virtual and real drives: docs/walking_gate.md, "Trunk: a
seat's bounce has no step's fore-aft".
"""

from __future__ import annotations

from dataclasses import replace
import math

import numpy as np
import pytest

from custom_components.retrowalk.gait import Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.trunk import TrunkDetector, horizontal_amplitude
from custom_components.retrowalk.gait.trunk_signal import quadrature
from custom_components.retrowalk.gait.types import Direction, StepFeatures

from .test_gate import UPRIGHT
from .test_trunk import FS, MOUNT, G, Walk, feed, trunk_walk
from .test_trunk_swing import through_engine

TRUNK = [Placement.WAIST, Placement.CHEST]


def seat_bounce(seconds: float = 60.0, hz: float = 1.75, seed: int = 0) -> Walk:
    """A seated body on a rough road: the car body's bounce, a narrow band round `hz` (its
    frequency drifting by +-0.1 Hz over seconds, as a few multisine lines beating), 1.6 m/s^2
    peak, plus the seated body's 5 Hz resonance, after a smoother stretch; fore-aft a third of
    the vertical and unrelated to it (the backrest), no lateral motion. Mounted as the belt clip
    of test_trunk."""
    rng = np.random.default_rng(seed)
    n = round(seconds * FS)
    t = 100.0 + np.arange(n) / FS
    drift = 0.1 * np.sin(2 * np.pi * t / 7.0)
    phase = 2 * np.pi * np.cumsum(hz + drift) / FS
    # The road roughens over the first 5 s (from a smooth stretch; the detector's first
    # windows are short).
    rough = np.clip((t - t[0]) / 5.0, 0.0, 1.0)
    vert = rough * (1.6 * np.cos(phase) + 0.4 * np.sin(2 * np.pi * 5.0 * t + 1.0))
    fore = np.convolve(rng.normal(0, 1, n), np.hanning(25), mode="same")
    fore *= np.std(vert) / 3 / np.std(fore)
    world = np.stack([fore, np.zeros(n), vert + G], axis=1)
    acc = world @ MOUNT.T + rng.normal(0, 0.05, (n, 3))
    return Walk(t, acc, np.array([]))


def candidates(w: Walk, placement: Placement) -> list[StepEvent]:
    detector = TrunkDetector(placement)
    return feed(detector, w) + detector.end_segment()


def measured(steps: list[StepEvent]) -> list[float]:
    return [
        s.features.step_horizontal
        for s in steps
        if s.features is not None and s.features.step_horizontal is not None
    ]


def cand(t: float, horizontal: float | None) -> StepEvent:
    return StepEvent(
        t=t,
        direction=Direction.FORWARD,
        confidence=0.9,
        features=StepFeatures(amplitude=3.0, up=UPRIGHT, step_horizontal=horizontal),
    )


def run(horizontals: list[float | None], period: float = 0.55) -> list[StepEvent]:
    return [cand(10.0 + k * period, h) for k, h in enumerate(horizontals)]


def test_the_amplitude_of_a_sinusoid_at_the_step_frequency() -> None:
    # A whole number of steps: the Hann-windowed component of amplitude A is A * sum(window) / 2.
    period, n = 27.5, 110  # samples: 0.55 s at 50 Hz, 4 steps
    k = np.arange(n)
    vert = 2.0 * np.cos(2 * np.pi * k / period)
    fore_aft = 1.3 * np.cos(2 * np.pi * k / period + 0.6)  # partly in phase: both parts count
    acc = np.stack([fore_aft, np.zeros(n), G + vert], axis=1)
    q, re, _ = quadrature(acc, np.array([0.0, 0.0, 1.0]), period)
    assert horizontal_amplitude(q, re, n) == pytest.approx(1.3, rel=0.02)
    # Sway once a stride lies between the step-frequency bins: it is not the step's.
    sway = 1.3 * np.cos(np.pi * k / period)
    acc = np.stack([np.zeros(n), sway, G + vert], axis=1)
    q, re, _ = quadrature(acc, np.array([0.0, 0.0, 1.0]), period)
    assert horizontal_amplitude(q, re, n) < 0.2
    assert horizontal_amplitude(np.zeros(3), np.zeros(3), 1) == 0.0


@pytest.mark.parametrize("placement", TRUNK)
def test_the_detector_measures_a_walks_fore_aft_and_a_seats_lack_of_it(
    placement: Placement,
) -> None:
    walk = measured(candidates(trunk_walk(20), placement))
    # trunk_walk's fore-aft swings 1.6 m/s^2 once a step; its first steps' window still holds
    # the standing before the walk.
    assert len(walk) >= 18
    assert float(np.median(walk)) == pytest.approx(1.6, rel=0.15)
    seat = measured(candidates(seat_bounce(), placement))
    assert len(seat) >= 40  # the bounce does make candidates
    # The backrest's own fore-aft (a third of the vertical, spread over 0-2 Hz) leaves a little
    # at the step frequency, now and then as much as a slow walker's.
    assert float(np.median(seat)) < 0.25
    assert float(np.percentile(seat, 90)) < 0.45


@pytest.mark.parametrize("placement", TRUNK)
def test_a_bounced_seat_counts_no_step_a_walk_counts_every_one(placement: Placement) -> None:
    # Without the rule the bounce passes every other check of the gate: it is what refuses it.
    seat = candidates(seat_bounce(), placement)
    open_rule = replace(GATE_PARAMS[placement], min_horizontal=None)
    assert len(WalkingGate(placement, open_rule).add(seat)) > 40
    assert WalkingGate(placement).add(seat) == []
    assert through_engine(seat_bounce(seed=1), placement) == []
    walk = trunk_walk(20)
    assert len(WalkingGate(placement).add(candidates(walk, placement))) == 20


@pytest.mark.parametrize("placement", TRUNK)
def test_the_runs_median_decides(placement: Placement) -> None:
    limit = GATE_PARAMS[placement].min_horizontal
    assert limit is not None
    firm, soft = 2 * limit, 0.5 * limit
    assert WalkingGate(placement).add(run([soft] * 6)) == []
    # One candidate measured across a turn or the walk's start does not decide, either way.
    assert len(WalkingGate(placement).add(run([firm, soft, firm, firm]))) == 4
    assert WalkingGate(placement).add(run([soft, firm, soft, soft, soft, soft])) == []
    # Unknown (no measurement): the rule abstains.
    assert len(WalkingGate(placement).add(run([None] * 4))) == 4
    assert len(WalkingGate(placement).add(run([None, None, None, firm]))) == 4


def test_the_limit_and_who_asks_it() -> None:
    asking = {p for p in Placement if GATE_PARAMS[p].min_horizontal is not None}
    assert asking == set(TRUNK)
    limit = GATE_PARAMS[Placement.WAIST].min_horizontal
    assert limit == GATE_PARAMS[Placement.CHEST].min_horizontal
    # Below real walking's runs (99 % of each trunk data set's at 0.49 m/s^2 or more), above
    # the car's (0.33 at most).
    assert limit is not None and 0.33 < limit < 0.49
    assert not math.isnan(limit)


def stride_locked_walk(n_steps: int = 24, period: float = 0.55) -> Walk:
    """trunk_walk's motion with every other heel strike barely reaching the sensor (0.15 of the
    other leg's bounce, smoothly once a stride): the detector follows one candidate a stride,
    while the trunk is braked and pushed on at every step (fore-aft 1.6 m/s^2 once a step)."""
    lead = 2.0
    n = round((2 * lead + (n_steps - 1) * period) * FS)
    t = 50.0 + np.arange(n) / FS
    theta = 2 * np.pi * (t - t[0] - lead) / period
    span = 2 * np.pi * (n_steps - 1)
    ramp = np.clip((theta + np.pi) / np.pi, 0, 1) * np.clip((span + np.pi - theta) / np.pi, 0, 1)
    env = np.sin(np.pi / 2 * ramp) ** 2
    legs = 0.575 + 0.425 * np.cos(theta / 2)  # 1 at even steps, 0.15 at odd ones
    vert = 2.5 * np.cos(theta) * legs
    ap = 1.6 * np.cos(theta + math.radians(100))
    world = np.stack([ap * env, np.zeros(n), vert * env + G], axis=1)
    acc = world @ MOUNT.T + np.random.default_rng(0).normal(0, 0.05, (n, 3))
    return Walk(t, acc, t[0] + lead + period * np.arange(n_steps))


@pytest.mark.parametrize("placement", TRUNK)
def test_a_walk_followed_once_a_stride_still_shows_its_steps_fore_aft(
    placement: Placement,
) -> None:
    walk = stride_locked_walk()
    cands = candidates(walk, placement)
    gaps = np.diff([s.t for s in cands])
    assert float(np.median(gaps)) == pytest.approx(1.1, abs=0.05)  # one candidate a stride
    # At the candidates' own frequency (the stride's) the fore-aft is hardly there: the trunk
    # swings once a step. Measured at twice it, as the detector does for stride-long candidates.
    win = walk.acc[(walk.t > 55.0) & (walk.t < 55.0 + 4 * 1.1)]
    up = np.asarray(MOUNT[:, 2])
    q, re, _ = quadrature(win, up, 1.1 * FS)
    assert horizontal_amplitude(q, re, len(win)) < 0.2
    limit = GATE_PARAMS[placement].min_horizontal
    assert limit is not None
    assert float(np.median(measured(cands))) == pytest.approx(1.6, rel=0.15)
    assert float(np.median(measured(cands))) > limit
    # So the walk is counted (one candidate a stride, as the detector found it).
    assert len(WalkingGate(placement).add(cands)) == len(cands)
