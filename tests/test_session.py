"""Declared backward walk sessions: what counts, when they end, what they report."""

import pytest

from custom_components.retrowalk.gait import Direction, Placement, StepEvent
from custom_components.retrowalk.gait.advice import direction_is_chance
from custom_components.retrowalk.session import (
    CONFIDENT,
    END_PAUSE_S,
    START_WAIT_S,
    Session,
    SessionResult,
)

B, F = Direction.BACKWARD, Direction.FORWARD


def steps(
    start: float, n: int, direction: Direction, confidence: float = 0.6, speed: float | None = None
) -> list[StepEvent]:
    return [
        StepEvent(t=start + 0.7 * k, direction=direction, confidence=confidence, speed_m_s=speed)
        for k in range(n)
    ]


def test_only_placements_that_cannot_tell_take_the_users_word() -> None:
    assert direction_is_chance(Placement.WRIST)
    # Graded mostly right since real backward walking was measured there (Erciyes, 14 people).
    assert not direction_is_chance(Placement.THIGH)
    assert not direction_is_chance(Placement.FOOT)
    assert not direction_is_chance(Placement.WAIST)


def test_declared_session_counts_unsure_steps_as_backward() -> None:
    session = Session(10.0, declare=True)
    unsure = steps(11.0, 10, F)
    sure = steps(20.0, 4, F, confidence=CONFIDENT)
    measured = steps(25.0, 6, B)
    before = steps(5.0, 3, F)  # before the press
    batch = before + unsure + sure + measured
    assert session.add(29.0, batch) == [False] * 3 + [True] * 10 + [False] * 10
    assert session.ended() is None
    session.add(25.0 + 0.7 * 5 + END_PAUSE_S - 0.1, [])
    assert session.ended() is None
    session.add(25.0 + 0.7 * 5 + END_PAUSE_S, [])
    result = session.ended()
    assert result is not None
    assert result.steps == 16
    assert result.declared_steps == 10
    # 10 declared steps 0.7 s apart (6.3 s), then 6 measured ones (3.5 s); gaps over 2.5 s don't
    # count as walking.
    assert result.minutes == pytest.approx((6.3 + 3.5) / 60, abs=0.01)
    assert result.speed_m_s is None


def test_reliable_placement_counts_what_the_engine_says() -> None:
    session = Session(0.0, declare=False)
    batch = steps(1.0, 8, F) + steps(10.0, 8, B, confidence=0.9, speed=0.5)
    assert session.add(16.0, batch) == [False] * 16
    result = session.end()
    assert (result.steps, result.declared_steps, result.speed_m_s) == (8, 0, 0.5)


def test_a_session_without_steps_ends_after_the_wait() -> None:
    session = Session(None, declare=True)
    assert session.ended() is None  # nothing seen yet
    session.add(100.0, [])
    assert session.ended() is None
    session.add(100.0 + START_WAIT_S - 1, [])
    assert session.ended() is None
    session.add(100.0 + START_WAIT_S, [])
    result = session.ended()
    assert result == SessionResult(steps=0, declared_steps=0, minutes=0.0, speed_m_s=None)


def test_a_session_started_before_any_sample_keeps_the_first_step() -> None:
    """Pressed before the first sample: every step of the first batch is inside the session,
    the first one too, and the session counts exactly the steps it declared to the ledger."""
    session = Session(None, declare=True)
    batch = steps(3.0, 5, F)
    assert session.add(6.0, batch) == [True] * 5
    assert session.add(7.0, steps(6.5, 1, F)) == [True]  # later steps are inside too
    session.add(6.5 + END_PAUSE_S, [])
    result = session.ended()
    assert result is not None
    assert (result.steps, result.declared_steps) == (6, 6)


def test_result_round_trips_and_rejects_garbage() -> None:
    result = SessionResult(steps=40, declared_steps=12, minutes=1.5, speed_m_s=0.6, when="x")
    assert SessionResult.from_dict(result.to_dict()) == result
    with pytest.raises(KeyError):
        SessionResult.from_dict({"minutes": 1})


def test_late_steps_keep_the_walks_time_and_do_not_end_the_session() -> None:
    # A watch's stride-locked walk: one step per 1.1 s stride, then the steps between them
    # restored late, all at once (gait/gate.py's stride fill), declared backward like the rest.
    session = Session(0.0, declare=True)
    strides = [StepEvent(t=10.0 + 1.1 * k, direction=F, confidence=0.5) for k in range(11)]
    late = [StepEvent(t=s.t - 0.55, direction=F, confidence=0.5, late=True) for s in strides[1:]]
    session.add(21.0, strides)
    session.add(21.5, late)
    # The newest step is still the walk's last stride: the pause is counted from it.
    session.add(strides[-1].t + END_PAUSE_S - 0.1, [])
    assert session.ended() is None
    result = session.end()
    assert result.steps == 21
    assert result.minutes == round(11.0 / 60, 2)  # not the 20.9 s of a walk counted twice


def test_after_a_restarted_clock_the_session_goes_by_the_new_clock() -> None:
    # The wearable's clock jumps back 12 s mid-session (the engine starts a new stream): the new
    # steps are the newest (none is StepEvent.late), so the pause is counted from them, and the
    # walking time of each clock's run counts whole, late steps of the new walk among its own.
    session = Session(0.0, declare=True)
    old = [StepEvent(t=10.0 + 0.5 * k, direction=F, confidence=0.5) for k in range(41)]
    new = [StepEvent(t=18.0 + 1.0 * k, direction=F, confidence=0.5) for k in range(11)]
    late = [StepEvent(t=s.t - 0.5, direction=F, confidence=0.5, late=True) for s in new[1:]]
    session.add(30.0, old)
    session.add(28.0, new)
    session.add(28.1, late)
    session.add(28.0 + END_PAUSE_S - 0.1, [])
    assert session.ended() is None
    session.add(28.0 + END_PAUSE_S, [])
    result = session.ended()
    assert result is not None
    assert (result.steps, result.declared_steps) == (62, 62)
    assert result.minutes == round((20.0 + 10.0) / 60, 2)
