"""A wrist walk the detector lost for a moment goes on with a short run (gate.py, resume_steps):
after it was confirmed (_resumes), and before (_pieced)."""

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


def pieces(
    before: int,
    after: int,
    loss: float = 3 * PERIOD,
    up: tuple[float, float, float] = HANGING,
    period: float = PERIOD,
) -> tuple[list[StepEvent], list[StepEvent]]:
    """A hanging walk's `before` candidates from 10 s, then, `loss` after the last, `after` more
    (in posture `up`, at `period`)."""
    first = run(before, 10.0)
    return first, run(after, first[-1].t + loss, up, period)


def test_a_walk_lost_before_it_was_confirmed_counts_from_its_first_step() -> None:
    # 3 steps, two missed (a pause of 1.8 s, past max_interval), 3 more: 6 in one rhythm.
    assert P.resume_steps == 3 and P.confirm_steps == 6
    first, second = pieces(3, 3)
    gate = WalkingGate(Placement.WRIST)
    assert gate.add(first) == []
    assert gate.add(second[:-1]) == []
    assert [s.t for s in gate.add(second[-1:])] == [s.t for s in [*first, *second]]
    assert gate.walking
    # The interval across the loss is not the walk's: the next step in its rhythm continues it.
    assert len(gate.add([cand(second[-1].t + PERIOD, up=HANGING)])) == 1
    # Without the rule the same candidates are two runs too short.
    plain = WalkingGate(Placement.WRIST, replace(P, resume_steps=None))
    assert plain.add([*first, *second]) == []


def test_a_pause_reported_by_advance_drops_the_first_piece_the_same_way() -> None:
    first, second = pieces(3, 3, loss=P.end_s + 0.5)
    gate = WalkingGate(Placement.WRIST)
    assert gate.add(first) == []
    gate.advance(first[-1].t + P.end_s + REPORT_LAG_S + 0.1)
    assert len(gate.add(second)) == 6


@pytest.mark.parametrize(
    ("before", "after", "loss", "up", "period"),
    [
        (2, 4, 3 * PERIOD, HANGING, PERIOD),  # a piece of 2 proves no rhythm
        (4, 2, 3 * PERIOD, HANGING, PERIOD),
        (3, 3, 2 * P.end_s + 0.1, HANGING, PERIOD),  # lost too long
        (3, 3, 3 * PERIOD, tilted(40), PERIOD),  # the arm hangs differently after
        (3, 3, 3 * PERIOD, FLAT, PERIOD),  # the hand in front after
        (3, 3, 3 * PERIOD, HANGING, 1.1),  # another pace after
    ],
)
def test_only_one_walk_in_pieces_counts(
    before: int, after: int, loss: float, up: tuple[float, float, float], period: float
) -> None:
    first, second = pieces(before, after, loss, up, period)
    gate = WalkingGate(Placement.WRIST)
    assert gate.add([*first, *second]) == []
    assert not gate.walking


def test_the_first_piece_starts_where_the_arm_came_down() -> None:
    # Getting up with the forearm on the lap, then 3 hanging steps, a loss, 3 more: the lap's
    # candidate is not the walk's.
    first, second = pieces(3, 3)
    lap = cand(first[0].t - PERIOD, up=FLAT)
    gate = WalkingGate(Placement.WRIST)
    assert [s.t for s in gate.add([lap, *first, *second])] == [s.t for s in [*first, *second]]


def test_a_closed_stream_leaves_no_piece() -> None:
    first, second = pieces(3, 3, loss=P.end_s + 0.5)
    gate = WalkingGate(Placement.WRIST)
    assert gate.add(first) == []
    gate.advance(first[-1].t + P.end_s + REPORT_LAG_S + 0.1)
    gate.close()
    assert gate.add(second) == []


def test_the_first_piece_holds_resume_steps_in_walking_posture() -> None:
    # The lap's candidate is no step of the first piece: 2 hanging ones are too few.
    first, second = pieces(3, 3)
    first[0] = cand(first[0].t, up=FLAT)
    assert WalkingGate(Placement.WRIST).add([*first, *second]) == []


def test_the_second_piece_is_in_walking_posture_too() -> None:
    # Within same_posture (20 degrees) of the first piece, but the forearm out of the hanging cone.
    first = run(3, 10.0, tilted(40))
    second = run(3, first[-1].t + 3 * PERIOD, tilted(60))
    assert WalkingGate(Placement.WRIST).add([*first, *second]) == []


def test_a_pieced_walk_resumes_in_its_own_rhythm() -> None:
    # The interval across the first loss is not the walk's: the second loss resumes it as any.
    first, second = pieces(3, 3)
    gate = WalkingGate(Placement.WRIST)
    assert len(gate.add([*first, *second])) == 6
    assert len(gate.add(run(P.resume_steps, second[-1].t + 3 * PERIOD))) == P.resume_steps


def test_a_new_clock_neither_resumes_nor_pieces() -> None:
    # The wearable restarted and its times began again: what came before is no part of a walk.
    gate = WalkingGate(Placement.WRIST)
    last = walked(gate)
    gate.advance(last + P.end_s + REPORT_LAG_S + 0.1)
    assert gate.add(run(P.resume_steps, 1.0)) == []
    pieced = WalkingGate(Placement.WRIST)
    assert pieced.add(run(3, 10.0)) == []
    pieced.advance(20.0)
    assert pieced.add(run(3, 1.0)) == []
