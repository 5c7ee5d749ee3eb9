"""The trunk's forward axis learns only from the steps the walking gate keeps (Detector.gate).

Synthetic waist walks (test_trunk.trunk_walk); the real finding this guards is the thigh after a
ride (tests/virtual/test_model_cycling.py) and the Oxford figures in docs/trunk_direction.md.
"""

from __future__ import annotations

from custom_components.retrowalk.gait import Direction, Placement, StepEvent
from custom_components.retrowalk.gait.trunk import TrunkDetector

from .test_trunk import after, feed, trunk_walk


def refuse_all(steps: list[StepEvent]) -> list[StepEvent]:
    return []


class Later:
    """Holds every candidate until `release` is set, then lets all it holds go at once."""

    def __init__(self) -> None:
        self.held: list[StepEvent] = []
        self.release = False

    def __call__(self, steps: list[StepEvent]) -> list[StepEvent]:
        self.held += steps
        if not self.release:
            return []
        out, self.held = self.held, []
        return out


def test_candidates_the_gate_refuses_teach_the_axis_nothing() -> None:
    det = TrunkDetector(Placement.WAIST)
    det.gate(refuse_all)
    assert feed(det, trunk_walk(40)) == []
    assert det.axis.forward() is None
    det.gate(list)
    assert len(feed(det, after(trunk_walk(20, seed=2), 40.0))) == 20
    assert det.axis.forward() is not None


def test_a_backward_rhythm_the_gate_refuses_does_not_turn_the_axis_round() -> None:
    det = TrunkDetector(Placement.WAIST)
    det.gate(list)
    feed(det, trunk_walk(12))
    det.gate(refuse_all)  # many backward-looking candidates, none of them walking
    feed(det, after(trunk_walk(60, backward=True, seed=5), 20.0))
    det.gate(list)
    steps = feed(det, after(trunk_walk(12, seed=6), 60.0))
    assert [s.direction for s in steps] == [Direction.FORWARD] * 12


def test_a_step_let_go_later_teaches_its_own_vector() -> None:
    det = TrunkDetector(Placement.WAIST)
    later = Later()
    det.gate(later)
    assert feed(det, trunk_walk(40)) == []  # held: nothing learned yet
    assert det.axis.forward() is None
    later.release = True
    back = feed(det, after(trunk_walk(16, backward=True, seed=3), 40.0))
    # The 40 forward steps arrive with the first backward batch and teach forward, their own
    # quadrature: from then on the backward walk is told backward. (Taught the batch's vector
    # instead, all 40 would teach backward, and the walk would be forward.)
    # The walk's first steps were labelled before the release, with nothing learned (forward),
    # and the bout keeps forward until two windows disagree (TrunkParams.switch_windows).
    assert len(back) == 40 + 16
    assert all(s.direction is Direction.FORWARD for s in back[:40])
    assert [s.direction for s in back[40 + 3 :]] == [Direction.BACKWARD] * 13
