"""A declared backward walk teaches the forward axis nothing (GaitEngine.hold_forward).

The finding this guards (docs/trunk_direction.md, "A declared backward walk teaches no forward"):
the automatic axis takes most walking to be forward, and one long backward walk, the 10-20 minutes
a day this app nudges towards, outnumbered the forward steps learned before it and turned the axis
round mid-walk. Synthetic signals: they test the rule, not the engine's accuracy.
"""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, GaitEngine, Placement
from custom_components.retrowalk.gait.trunk import TrunkDetector

from .synth import engine_steps, walk
from .test_trunk import after, feed, trunk_walk


def test_a_long_backward_walk_turns_the_trunk_axis_round_unless_held() -> None:
    directions = {}
    for held in (False, True):
        det = TrunkDetector(Placement.WAIST)
        assert {s.direction for s in feed(det, trunk_walk(40))} == {Direction.FORWARD}
        det.hold_forward(held)
        back = feed(det, after(trunk_walk(200, backward=True, seed=3), 40.0))
        assert len(back) == 200
        directions[held] = [s.direction for s in back]
    # Unheld, the axis turns once the backward steps outnumber the forward ones learned.
    assert directions[False].count(Direction.FORWARD) > 100
    assert directions[True] == [Direction.BACKWARD] * 200


def test_held_the_axis_stays_what_it_was_and_learns_again_once_released() -> None:
    det = TrunkDetector(Placement.WAIST)
    feed(det, trunk_walk(40))
    before = det.axis.forward()
    assert before is not None
    weight = det.axis.auto_weight
    det.hold_forward(True)
    feed(det, after(trunk_walk(60, backward=True, seed=3), 40.0))
    assert np.array_equal(det.axis.forward(), before)
    det.hold_forward(False)
    feed(det, after(trunk_walk(20, seed=4), 100.0))
    assert det.axis.auto_weight == weight + 20


def test_a_calibration_walk_learns_while_held() -> None:
    det = TrunkDetector(Placement.WAIST)
    det.hold_forward(True)
    det.calibrate_forward(True)
    n = len(feed(det, trunk_walk(30)))
    det.calibrate_forward(False)
    assert det.axis.calibrated_steps == n == 30


@pytest.mark.parametrize(
    ("placement", "turned_unheld"),
    # At the foot each stride's pitch says which way the toes point (facing.py), so a backward
    # walk votes for forward, held or not; the shank has no toes, only the majority.
    [(Placement.FOOT, False), (Placement.SHANK, True)],
)
def test_a_long_backward_walk_turns_the_axis_round_where_only_the_majority_tells(
    placement: Placement, turned_unheld: bool
) -> None:
    counts = {}
    for held in (False, True):
        engine = GaitEngine(placement)
        fwd = walk(["forward"] * 10, tail=3.0)
        first = engine_steps(engine, fwd.t, fwd.acc, fwd.gyro, flush=False)
        assert {s.direction for s in first} == {Direction.FORWARD}
        engine.hold_forward(held)
        back = walk(["backward"] * 60, t0=fwd.t[-1] + 5.0, seed=1)
        steps = engine_steps(engine, back.t, back.acc, back.gyro)
        assert len(steps) >= 110
        counts[held] = sum(s.direction is Direction.FORWARD for s in steps)
    assert counts[False] > 40 if turned_unheld else counts[False] == 0
    assert counts[True] == 0


def test_at_the_foot_a_calibration_walk_keeps_a_long_backward_walk_backward_unheld() -> None:
    # Outside a declared session the remedy is a calibration walk: it pins the axis (heading.py).
    engine = GaitEngine(Placement.FOOT)
    engine.start_calibration(12)
    fwd = walk(["forward"] * 10, tail=3.0)
    engine_steps(engine, fwd.t, fwd.acc, fwd.gyro, flush=False)
    engine.finish_calibration()
    assert engine.calibration.done
    back = walk(["backward"] * 60, t0=fwd.t[-1] + 5.0, seed=1)
    steps = engine_steps(engine, back.t, back.acc, back.gyro)
    assert len(steps) >= 110
    assert {s.direction for s in steps} == {Direction.BACKWARD}
