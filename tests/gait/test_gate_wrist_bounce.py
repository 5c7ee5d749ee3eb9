"""A hand held in front is carried by a walk only if its jolts ride the body's bounce: the wrist
detector measures the share of each candidate's jolt along gravity (StepFeatures.vertical_share)
and the gate asks a run confirmed out of walking posture for at least a direction-free jiggle's
third (GateParams.min_vertical_share; gate.py, _rides_bounce). Brushing teeth and clapping move
the hand across gravity (docs/wisdm_watch.md). Synthetic signals and candidates."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS
from custom_components.retrowalk.gait.trunk import TrunkDetector
from custom_components.retrowalk.gait.trunk_signal import JOLT_HALF_S, vertical_share
from custom_components.retrowalk.gait.types import StepFeatures

from .test_trunk import FS, MOUNT, feed, trunk_walk

WRIST = GATE_PARAMS[Placement.WRIST]
IN_FRONT = (0.0, 0.0, 1.0)  # watch face up, forearm level: a hand held in front
HANGING = (1.0, 0.0, 0.0)
UP = np.array([0.0, 0.0, 1.0])
G = 9.81


def test_the_share_is_one_along_gravity_none_across_and_a_third_in_every_direction() -> None:
    t = np.arange(100) / FS
    bounce = np.sin(2 * np.pi * 2.0 * t)
    gravity = np.array([0.0, 0.0, G])
    along = np.stack([0 * t, 0 * t, G + bounce], axis=1)
    across = np.stack([bounce, 0 * t, G + 0 * t], axis=1)
    assert vertical_share(t, along, 1.0, gravity, UP) == pytest.approx(1.0)
    assert vertical_share(t, across, 1.0, gravity, UP) == pytest.approx(0.0)
    jiggle = gravity + np.random.default_rng(0).normal(0.0, 1.0, (len(t), 3))
    assert vertical_share(t, jiggle, 1.0, gravity, UP) == pytest.approx(1 / 3, abs=0.12)
    # Only the samples within JOLT_HALF_S of the step count.
    late = across.copy()
    late[t > 1.0 + JOLT_HALF_S + 0.05] = along[t > 1.0 + JOLT_HALF_S + 0.05]
    assert vertical_share(t, late, 1.0, gravity, UP) == pytest.approx(0.0)
    # Too few samples, or no movement at all: it cannot tell.
    assert vertical_share(t[:2], along[:2], 0.0, gravity, UP) is None
    assert vertical_share(t, np.tile(gravity, (len(t), 1)), 1.0, gravity, UP) is None


def test_the_wrist_detector_reports_it_and_the_waist_s_does_not() -> None:
    # trunk_walk's bounce is along gravity (2.5 m/s^2) with fore-aft 1.6 and sway 0.8 beside it.
    walk = trunk_walk(16, mount=MOUNT)
    wrist = [s.features.vertical_share for s in feed(TrunkDetector(Placement.WRIST), walk)]
    known = [v for v in wrist if v is not None]
    assert len(known) >= 10 and float(np.median(known)) > 0.5
    waist = [s.features for s in feed(TrunkDetector(Placement.WAIST), walk)]
    assert all(f is None or f.vertical_share is None for f in waist)


def cand(t: float, share: float | None, up: tuple[float, float, float] = IN_FRONT) -> StepEvent:
    return StepEvent(
        t=t,
        direction=Direction.FORWARD,
        confidence=0.5,
        features=StepFeatures(amplitude=3.0, up=up, cycles=2.0, vertical_share=share),
    )


def run(shares: list[float | None], up: tuple[float, float, float] = IN_FRONT) -> list[StepEvent]:
    return [cand(10.0 + 0.45 * k, v, up) for k, v in enumerate(shares)]


def test_a_hand_in_front_whose_jolts_lie_across_gravity_is_no_walk() -> None:
    assert WRIST.unposed_steps is not None and WRIST.min_vertical_share == pytest.approx(1 / 3)
    n = WRIST.unposed_steps
    assert WalkingGate(Placement.WRIST).add(run([0.25] * n)) == []
    assert len(WalkingGate(Placement.WRIST).add(run([0.5] * n))) == n


def test_the_run_s_median_decides_and_an_unknown_share_abstains() -> None:
    assert WRIST.unposed_steps is not None
    n = WRIST.unposed_steps
    one_turn = [0.5] * n
    one_turn[3] = 0.05  # one candidate jolted sideways (a glance at the watch)
    assert len(WalkingGate(Placement.WRIST).add(run(one_turn))) == n
    mostly_across = [0.2] * n
    mostly_across[3] = 0.9
    assert WalkingGate(Placement.WRIST).add(run(mostly_across)) == []
    assert len(WalkingGate(Placement.WRIST).add(run([None] * n))) == n


def test_a_hanging_arm_s_run_is_not_asked() -> None:
    # A swinging arm adds its own fore-aft to the bounce; the hanging path keeps its own rules.
    steps = run([0.1] * WRIST.confirm_steps, up=HANGING)
    assert len(WalkingGate(Placement.WRIST).add(steps)) == WRIST.confirm_steps


def test_only_the_wrist_asks_it() -> None:
    asking = {p for p in Placement if GATE_PARAMS[p].min_vertical_share is not None}
    assert asking == {Placement.WRIST}
