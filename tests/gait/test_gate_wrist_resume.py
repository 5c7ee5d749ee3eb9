"""A wrist walk the detector lost for a moment resumes on a short run (gate.py, resume_steps)."""

from __future__ import annotations

from dataclasses import replace
import math

import pytest

from custom_components.retrowalk.gait import Placement, StepEvent
from custom_components.retrowalk.gait.gate import WalkingGate
from custom_components.retrowalk.gait.gate_params import GATE_PARAMS, REPORT_LAG_S

from .test_gate import FLAT, HANGING, cand

P = GATE_PARAMS[Placement.WRIST]
PERIOD = 0.6


def tilted(degrees: float) -> tuple[float, float, float]:
    """A forearm this far from vertical (the watch's x axis from "up")."""
    return (math.cos(math.radians(degrees)), 0.0, math.sin(math.radians(degrees)))


TURNED = tilted(40)  # hanging, 40 degrees off the walk's posture


def run(
    n: int, start: float, up: tuple[float, float, float] = HANGING, period: float = PERIOD
) -> list[StepEvent]:
    return [cand(start + i * period, up=up) for i in range(n)]


def walked(gate: WalkingGate, n: int = 10, up: tuple[float, float, float] = HANGING) -> float:
    """A confirmed walk of n steps from 10 s; returns its last step's time."""
    assert len(gate.add(run(n, 10.0, up))) == n
    return 10.0 + (n - 1) * PERIOD


def test_a_walk_resumes_after_the_detector_missed_steps() -> None:
    # Two steps missed (1.8 s: past bout_factor times the walk's 0.6 s), then the walk goes on.
    assert P.resume_steps == 3
    gate = WalkingGate(Placement.WRIST)
    last = walked(gate)
    after = run(P.resume_steps, last + 3 * PERIOD)
    assert gate.add(after[:-1]) == []
    assert not gate.walking
    assert [s.t for s in gate.add(after[-1:])] == [s.t for s in after]
    assert gate.walking
    # Without the rule, the same walk must confirm anew with confirm_steps candidates.
    plain = WalkingGate(Placement.WRIST, replace(P, resume_steps=None))
    walked(plain)
    assert plain.add(run(P.confirm_steps - 1, last + 3 * PERIOD)) == []


def test_a_walk_resumes_after_a_pause_within_twice_end_s() -> None:
    gate = WalkingGate(Placement.WRIST)
    last = walked(gate)
    gate.advance(last + P.end_s + REPORT_LAG_S + 0.1)
    assert not gate.walking
    start = last + 2 * P.end_s - 0.1  # its first candidate inside the window
    assert len(gate.add(run(P.resume_steps, start))) == P.resume_steps
    late = WalkingGate(Placement.WRIST)
    walked(late)
    late.advance(last + P.end_s + REPORT_LAG_S + 0.1)
    assert late.add(run(P.confirm_steps - 1, last + 2 * P.end_s + 0.1)) == []


@pytest.mark.parametrize(
    ("up", "period"),
    [
        (TURNED, PERIOD),  # the forearm 40 degrees off the walk's posture (same_posture: 30)
        (FLAT, PERIOD),  # the hand in front, not hanging
        (HANGING, 0.95),  # another pace than the walk's
    ],
)
@pytest.mark.parametrize("first_as_walk", [False, True])
def test_only_the_same_walk_resumes(
    up: tuple[float, float, float], period: float, first_as_walk: bool
) -> None:
    # `first_as_walk`: the first candidate after the loss is still the walk's (opening the
    # window), those after it are not.
    gate = WalkingGate(Placement.WRIST)
    last = walked(gate)
    after = run(P.confirm_steps - 1, last + 3 * PERIOD, up, period)
    if first_as_walk:
        after[0] = cand(after[0].t, up=HANGING)
    assert gate.add(after[: P.resume_steps]) == []
    assert not gate.walking
    assert gate.add(after[P.resume_steps :]) == []


@pytest.mark.parametrize("after", [PERIOD, 3 * PERIOD])
def test_a_walk_ended_by_its_posture_does_not_resume(after: float) -> None:
    # The forearm came up (sitting down, reaching out), in the walk's rhythm or late: the walk
    # ended, whatever follows.
    gate = WalkingGate(Placement.WRIST)
    last = walked(gate)
    assert gate.add([cand(last + after, up=FLAT)]) == []
    assert gate.add(run(P.confirm_steps - 2, last + after + 2 * PERIOD)) == []
    assert not gate.walking


def test_a_walk_with_the_hand_in_front_does_not_resume() -> None:
    # Confirmed out of walking posture (a longer run, the forearm 50 degrees from vertical): its
    # pauses are no lost steps of a swing, even where the forearm then hangs a little lower.
    assert P.unposed_steps is not None
    gate = WalkingGate(Placement.WRIST)
    last = walked(gate, P.unposed_steps, tilted(50))
    assert not gate.posed
    assert gate.add(run(P.resume_steps, last + 3 * PERIOD, tilted(40))) == []
    assert not gate.walking


def test_a_resumed_walk_votes_with_the_walk() -> None:
    # In the walk's own posture it can only agree with the walk's hanging side.
    gate = WalkingGate(Placement.WRIST)
    last = walked(gate, up=tilted(180))
    assert len(gate.add(run(P.resume_steps, last + 3 * PERIOD, tilted(180)))) == P.resume_steps
    assert gate.state()["votes"] == [-1, -1]


def test_a_closed_stream_does_not_resume() -> None:
    # The stream ended (the wearable went away): a new one starts from nothing.
    gate = WalkingGate(Placement.WRIST)
    last = walked(gate)
    gate.advance(last + P.end_s + REPORT_LAG_S + 0.1)
    gate.close()
    assert gate.add(run(P.resume_steps, last + 2 * P.end_s - 0.1)) == []
