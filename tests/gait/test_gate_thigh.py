"""The thigh's own walking posture: a bout remembers where "up" lay while it walked.

The vectors are those of a phone sitting across a trouser pocket (spsw subject 15: no sensor axis
within 45 degrees of vertical while walking), seated and walking, and of a phone turned in the
hand during a call (UMAFall); synthetic candidates.
"""

from __future__ import annotations

from dataclasses import replace
import math

from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, GateParams

from .test_gate import UPRIGHT, cand, walk


def unit(x: float, y: float, z: float) -> tuple[float, float, float]:
    n = math.sqrt(x * x + y * y + z * z)
    return (x / n, y / n, z / n)


ACROSS_WALKING = unit(-0.84, -0.50, -0.18)  # the phone's x axis nearer the thigh than its y
ACROSS_SEATED = unit(-0.45, -0.10, -0.88)  # the same phone, thigh level: 55 degrees away


def tilted(degrees: float) -> tuple[float, float, float]:
    """UPRIGHT turned by this much about the sensor's x axis."""
    r = math.radians(degrees)
    return (0.0, math.cos(r), math.sin(r))


def test_a_phone_slanted_in_the_pocket_walks_like_one_lengthwise() -> None:
    # Front pockets are cut on the slant: spsw's subject 15 walked with the phone's y axis 60
    # degrees off vertical. That is not a level thigh: a plain 4-candidate run confirms, as
    # upright (it took 8 before, which a 3 m walk does not hold).
    p = GATE_PARAMS[Placement.THIGH]
    assert p.upright_axis is not None
    assert abs(ACROSS_WALKING[p.upright_axis]) >= p.min_upright
    assert len(WalkingGate(Placement.THIGH).add(walk(p.confirm_steps, up=ACROSS_WALKING))) == 4


def test_a_level_y_axis_needs_the_longer_run() -> None:
    # The y axis within 20 degrees of horizontal: a level thigh (lying on a bed, sitting) with
    # the phone lengthwise, or a phone right across an upright thigh; only a long run is a walk.
    p = GATE_PARAMS[Placement.THIGH]
    assert p.unposed_steps is not None
    level, slanted = tilted(75), tilted(65)
    assert WalkingGate(Placement.THIGH).add(walk(p.unposed_steps - 1, up=level)) == []
    assert len(WalkingGate(Placement.THIGH).add(walk(p.unposed_steps, up=level))) == 8
    assert len(WalkingGate(Placement.THIGH).add(walk(p.confirm_steps, up=slanted))) == 4


def test_a_run_whose_posture_wanders_is_not_a_walk() -> None:
    # UMAFall, making a call: the phone taken out of the pocket and turned to the ear, jolts in
    # a walking rhythm, every "up" upright enough, but 50-70 degrees apart: not a thigh walking.
    call = [
        unit(-0.45, 0.52, 0.72),
        unit(-0.64, 0.70, 0.30),
        unit(0.13, 0.53, 0.83),
        unit(-0.77, 0.63, 0.08),
    ]
    steps = [cand(10.0 + 0.55 * i, up=u) for i, u in enumerate(call * 3)]
    assert WalkingGate(Placement.THIGH).add(steps) == []
    # A walking thigh's 1 s gravity mean wobbles within the rule's 20 degrees: a walk.
    wobble = [cand(10.0 + 0.55 * i, up=tilted(15.0 * (-1) ** i)) for i in range(4)]
    assert len(WalkingGate(Placement.THIGH).add(wobble)) == 4
    # The waist and chest take the same rule (a trunk sensor keeps its posture while walking):
    # these candidates all lie within 45 degrees of their mean, yet they are no walk there either.
    assert WalkingGate(Placement.WAIST).add(steps) == []


def test_run_posture_ignores_steps_without_a_posture() -> None:
    # Steps the detector restored (no features) take no part in the run's posture.
    steps = [replace(cand(10.0), features=None), *walk(3, start=10.55)]
    assert len(WalkingGate(Placement.THIGH).add(steps)) == 4


def test_sitting_down_ends_a_walk_whichever_way_round_the_phone_sits() -> None:
    p = GATE_PARAMS[Placement.THIGH]
    assert p.unposed_steps is not None
    gate = WalkingGate(Placement.THIGH)
    n = p.unposed_steps + 2
    assert len(gate.add(walk(n, up=ACROSS_WALKING))) == n
    # In rhythm and jolting (sitting down thumps), but the thigh has turned level: not a step,
    # and the walk is over.
    after = walk(2, start=10.0 + n * 0.55, up=ACROSS_SEATED)
    assert gate.add(after) == []
    assert not gate.walking
    # Turning while walking leaves the thigh's posture alone: the walk goes on.
    gate = WalkingGate(Placement.THIGH)
    gate.add(walk(n, up=ACROSS_WALKING))
    assert len(gate.add(walk(3, start=10.0 + n * 0.55, up=ACROSS_WALKING))) == 3


def test_a_held_candidate_in_another_posture_is_not_a_step_of_the_walk() -> None:
    p = GATE_PARAMS[Placement.THIGH]
    assert p.unposed_steps is not None
    seated = cand(9.45, up=ACROSS_SEATED)
    steps = walk(p.unposed_steps, up=ACROSS_WALKING)
    assert [s.t for s in WalkingGate(Placement.THIGH).add([seated, *steps])] == [s.t for s in steps]


def test_a_soft_candidate_counts_only_with_the_thigh_already_in_its_walking_posture() -> None:
    p = GATE_PARAMS[Placement.THIGH]
    soft = 0.5 * p.min_amplitude
    # A fidget in the chair as the thigh starts to turn (30 degrees off its walking posture,
    # within the 45 degrees that would make it another posture), 0.8 s before the walk: not a
    # step.
    fidget = cand(9.2, amplitude=soft, up=tilted(30))
    steps = walk(5)
    assert [s.t for s in WalkingGate(Placement.THIGH).add([fidget, *steps])] == [s.t for s in steps]
    # The same soft candidate with the thigh already upright is gait starting from standing.
    first = cand(9.45, amplitude=soft, up=UPRIGHT)
    assert len(WalkingGate(Placement.THIGH).add([first, *steps])) == 6
    # A firm one 30 degrees off is a heel strike of the turning-upright thigh: still a step.
    firm = cand(9.45, up=tilted(30))
    assert len(WalkingGate(Placement.THIGH).add([firm, *steps])) == 6


def test_a_run_without_a_mean_posture_has_no_posture_reference() -> None:
    # Ups that cancel out (not a body, a broken sensor) give no reference: nothing is refused
    # for it, nothing divides by zero.
    down = (0.0, -1.0, 0.0)
    steps = [cand(10.0 + i * 0.55, up=UPRIGHT if i % 2 else down) for i in range(4)]
    gate = WalkingGate(Placement.THIGH)
    assert len(gate.add(steps)) == 4
    assert len(gate.add([cand(12.2, up=down)])) == 1
    assert gate.walking


def test_without_a_longer_path_a_candidate_out_of_posture_breaks_the_run() -> None:
    # A gate whose posture rule has no "out of posture" run at all (unposed_steps None): a level
    # candidate cannot be a walking step, so the run restarts after it.
    params = GateParams(confirm_steps=4, upright_axis=1, min_upright=0.5)
    steps = walk(3)
    level = cand(10.0 + 3 * 0.55, up=tilted(80))
    after = walk(3, start=10.0 + 4 * 0.55)
    gate = WalkingGate(Placement.THIGH, params)
    assert gate.add([*steps, level, *after]) == []
    assert len(gate.add(walk(1, start=10.0 + 7 * 0.55))) == 4
