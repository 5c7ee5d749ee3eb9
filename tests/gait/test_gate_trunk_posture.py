"""The trunk's walking posture: a phone put away or taken out is not walking (synthetic candidates).

At the waist and chest a bout remembers the posture it was confirmed in (the confirming run's mean
"up", in the sensor's own axes); candidates more than 45 degrees from it were made while the
sensor was being handled (docs/oxford_steps.md).
"""

from __future__ import annotations

from dataclasses import replace
import math

import pytest

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS

from .test_gate import cand, walk
from .test_gate_thigh import tilted

TRUNK = [Placement.WAIST, Placement.CHEST]


@pytest.mark.parametrize("placement", TRUNK)
def test_the_trunk_limit_is_the_thighs(placement: Placement) -> None:
    limit = GATE_PARAMS[placement].min_walk_posture
    assert limit is not None
    assert limit == GATE_PARAMS[Placement.THIGH].min_walk_posture
    assert math.degrees(math.acos(limit)) == pytest.approx(45.0)


@pytest.mark.parametrize("placement", TRUNK)
def test_handling_before_a_walk_is_not_its_steps(placement: Placement) -> None:
    # The phone turned 70 degrees while it is slid into a pocket (jolts at no steady rhythm,
    # both feet standing), then steps with it settled; the walk's first four confirm it.
    times = [10.0, 10.3, 11.2]
    handling = [cand(t, up=tilted(70.0)) for t in times]
    steps = walk(5, start=11.75)
    got = WalkingGate(placement).add([*handling, *steps])
    assert [s.t for s in got] == [s.t for s in steps]
    # Without the turn the same candidates count, as the start of the walk: nothing else tells
    # a handled phone's jolts from a walk's first, hesitant steps.
    same = [cand(t) for t in times]
    assert len(WalkingGate(placement).add([*same, *steps])) == 8


@pytest.mark.parametrize("placement", TRUNK)
def test_taking_the_phone_out_ends_the_walk(placement: Placement) -> None:
    gate = WalkingGate(placement)
    steps = walk(6)
    assert len(gate.add(steps)) == 6
    assert gate.walking
    # The phone comes out of the pocket, turning 80 degrees, still in the walking rhythm.
    out = walk(3, start=steps[-1].t + 0.55, up=tilted(80.0))
    assert gate.add(out) == []
    assert not gate.walking


@pytest.mark.parametrize("placement", TRUNK)
def test_a_walk_in_a_new_posture_counts_from_its_first_step(placement: Placement) -> None:
    # The sensor slips to a new posture 60 degrees away while walking on: the bout ends there,
    # and the walk in the new posture is confirmed afresh, its first held steps released.
    gate = WalkingGate(placement)
    first = walk(5)
    after = walk(5, start=first[-1].t + 0.55, up=tilted(60.0))
    assert len(gate.add(first)) == 5
    assert [s.t for s in gate.add(after)] == [s.t for s in after]


@pytest.mark.parametrize("placement", TRUNK)
def test_a_sway_within_the_limit_keeps_the_walk(placement: Placement) -> None:
    # A purse or pouch swings: inside a walk, 1 s gravity means 30 degrees either side of the
    # walk's keep it going (within 45 degrees of its posture).
    steps = walk(4)
    sway = [cand(steps[-1].t + 0.55 * i, up=tilted(30.0 * (-1) ** i)) for i in range(1, 17)]
    assert len(WalkingGate(placement).add([*steps, *sway])) == 20
    # A confirming run must hold its posture more closely (run_posture, the thigh's 20 degrees):
    # one swinging 30 degrees either side from its first candidate confirms nothing.
    assert GATE_PARAMS[placement].run_posture == GATE_PARAMS[Placement.THIGH].run_posture
    sway = [cand(10.0 + 0.55 * i, up=tilted(30.0 * (-1) ** i)) for i in range(20)]
    assert WalkingGate(placement).add(sway) == []


@pytest.mark.parametrize("placement", TRUNK)
def test_restored_steps_have_no_posture_to_judge(placement: Placement) -> None:
    # A step the detector restored (no features) is neither in nor out of posture.
    steps = walk(6)
    steps[2] = replace(steps[2], features=None)
    assert len(WalkingGate(placement).add(steps)) == 6
    # Nor does it set the walk's posture: a turned confirming run still confirms in its own.
    turned = walk(6, up=tilted(70.0))
    turned[0] = replace(turned[0], features=None)
    assert len(WalkingGate(placement).add(turned)) == 6


@pytest.mark.parametrize("placement", TRUNK)
def test_handling_in_rhythm_does_not_tilt_the_walks_posture(placement: Placement) -> None:
    # A reviewer's probe: two handling candidates 70 degrees off, in the step rhythm just before
    # the walk. Averaged into the first confirming run they would pull its posture 35 degrees
    # off, within 45 of both (8 steps counted, the bout in the tilted posture). A trunk sensor
    # keeps its posture while walking, so a run that does not (run_posture) is no walk: the walk
    # confirms on its own steps and the handling, 70 degrees from it, is dropped.
    steps = walk(6, start=11.1)
    handling = walk(2, up=tilted(70.0))
    gate = WalkingGate(placement)
    got = gate.add([*handling, *steps])
    assert [s.t for s in got] == [s.t for s in steps]
    # The bout keeps the walk's own posture: a step leaning 15 degrees the other way goes on
    # with it (from the tilted posture it would be 50 degrees off and end the bout).
    lean = cand(steps[-1].t + 0.55, up=tilted(-15.0))
    assert gate.add([lean]) == [lean]
    assert gate.walking
