"""Daily/lifetime totals, midnight rollover, streaks, serialisation."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.retrowalk.gait import Direction
from custom_components.retrowalk.ledger import HISTORY_DAYS, DayTotals, Ledger

TZ = ZoneInfo("Europe/Berlin")
F, B, L, R = Direction.FORWARD, Direction.BACKWARD, Direction.LEFT, Direction.RIGHT


def at(day: int, hour: int, minute: int = 0, second: float = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=TZ) + timedelta(seconds=second)


def test_counts_each_direction_today_and_lifetime() -> None:
    ledger = Ledger.new(date(2026, 3, 1))
    assert ledger.add_steps([(at(1, 9), F), (at(1, 9), B), (at(1, 9), L), (at(1, 9), R)]) == 4
    assert (ledger.today.forward, ledger.today.backward, ledger.today.sideways) == (1, 1, 2)
    assert ledger.lifetime.total == 4
    assert ledger.last_step == at(1, 9)


def test_midnight_starts_a_new_day_and_keeps_lifetime() -> None:
    ledger = Ledger.new(date(2026, 3, 1))
    ledger.add_steps([(at(1, 23, 59), B)] * 5)
    assert ledger.roll_to(date(2026, 3, 2))
    assert ledger.today.total == 0
    assert ledger.lifetime.backward == 5
    assert [d.day for d in ledger.history] == [date(2026, 3, 1)]
    assert not ledger.roll_to(date(2026, 3, 2))  # same day: nothing happens


def test_step_after_midnight_rolls_over_by_itself() -> None:
    ledger = Ledger.new(date(2026, 3, 1))
    ledger.add_steps([(at(1, 23, 59, 59), F), (at(2, 0, 0, 1), F)])
    assert ledger.today.day == date(2026, 3, 2)
    assert ledger.today.forward == 1
    assert ledger.history[-1].forward == 1


def test_late_step_from_yesterday_counts_today_not_in_a_closed_day() -> None:
    ledger = Ledger.new(date(2026, 3, 2))
    ledger.add_steps([(at(1, 23, 59), F)])
    assert ledger.today.day == date(2026, 3, 2)
    assert ledger.today.forward == 1
    assert ledger.history == []


def test_backward_time_accumulates_between_close_backward_steps() -> None:
    ledger = Ledger.new(date(2026, 3, 1))
    steps = [(at(1, 10, 0, 0.8 * i), B) for i in range(11)]  # 10 intervals of 0.8 s
    ledger.add_steps(steps)
    assert ledger.today.backward_seconds == pytest.approx(8.0)
    ledger.add_steps([(at(1, 10, 5), B)])  # a long pause adds no time
    assert ledger.today.backward_seconds == pytest.approx(8.0)


def test_backward_time_follows_the_wearable_clock_when_frames_come_in_bursts() -> None:
    # A proxy that buffers delivers 0.8 s steps 0.1 s apart (arrival times); the wearable's own
    # sample times keep the walk's real length.
    ledger = Ledger.new(date(2026, 3, 1))
    steps = [(at(1, 10, 0, 0.1 * i), B) for i in range(11)]
    ledger.add_steps(steps, sample_times=[100.0 + 0.8 * i for i in range(11)])
    assert ledger.today.backward_seconds == pytest.approx(8.0)
    # A restarted wearable clock (time going back) and a pause add nothing.
    ledger.add_steps([(at(1, 10, 0, 1.2), B)], sample_times=[3.0])
    ledger.add_steps([(at(1, 10, 0, 1.3), B)], sample_times=[9.0])
    assert ledger.today.backward_seconds == pytest.approx(8.0)


def test_streak_counts_consecutive_days_with_goal_met() -> None:
    ledger = Ledger.new(date(2026, 3, 1))
    for day, backward in ((1, 120), (2, 100), (3, 50), (4, 100), (5, 130)):
        ledger.add_steps([(at(day, 12), B)] * backward)
    assert ledger.streak(100) == 2  # 4th and 5th; the 3rd broke it
    ledger.roll_to(date(2026, 3, 6))
    assert ledger.streak(100) == 2  # today not done yet does not break it
    ledger.roll_to(date(2026, 3, 8))
    assert ledger.streak(100) == 0  # a day with no data breaks it
    assert ledger.streak(0) == 0


def test_history_is_bounded() -> None:
    ledger = Ledger.new(date(2020, 1, 1))
    for i in range(HISTORY_DAYS + 20):
        day = date(2020, 1, 1) + timedelta(days=i)
        ledger.add_steps([(datetime(day.year, day.month, day.day, 12, tzinfo=TZ), F)])
    ledger.roll_to(date(2030, 1, 1))
    assert len(ledger.history) == HISTORY_DAYS


def test_round_trip() -> None:
    ledger = Ledger.new(date(2026, 3, 1))
    ledger.add_steps([(at(1, 9), F), (at(1, 9, 0, 1), B), (at(1, 9, 0, 2), B)])
    ledger.roll_to(date(2026, 3, 2))
    ledger.add_steps([(at(2, 8), L)])
    restored = Ledger.from_dict(ledger.to_dict())
    assert restored.to_dict() == ledger.to_dict()
    assert DayTotals.from_dict(ledger.today.to_dict()) == ledger.today


@pytest.mark.parametrize("bad", [{}, {"today": {}}, {"today": {"day": "x"}, "lifetime": {}}])
def test_malformed_data_raises(bad: dict[str, object]) -> None:
    with pytest.raises((KeyError, ValueError)):
        Ledger.from_dict(bad)


def test_declared_backward_steps_are_counted_apart_and_saved() -> None:
    ledger = Ledger.new(date(2026, 3, 1))
    ledger.add_steps(
        [(at(1, 9), F), (at(1, 9, 0, 0.7), F), (at(1, 9, 0, 1.4), B)], declared=[True, False, False]
    )
    # The declared step moved from forward to backward, with its walking time: none doubled.
    assert (ledger.today.forward, ledger.today.backward, ledger.today.total) == (1, 2, 3)
    assert ledger.today.backward_seconds == pytest.approx(1.4)  # declared step to backward step
    assert ledger.today.declared_backward == 1
    assert ledger.lifetime.declared_backward == 1
    restored = Ledger.from_dict(ledger.to_dict())
    assert restored.today.declared_backward == 1
    assert DayTotals.from_dict({"day": "2026-03-01"}).declared_backward == 0


def test_late_steps_restored_in_a_walks_first_strides_add_no_backward_time_twice() -> None:
    # The wrist's stride fill returns the steps of a walk's first strides late, all at once
    # (gait/gate.py): the time between the strides' candidates was counted already.
    ledger = Ledger.new(date(2026, 3, 1))
    strides = [100.0 + 1.1 * i for i in range(11)]
    ledger.add_steps([(at(1, 10, 0, t - 100), B) for t in strides], sample_times=strides)
    assert ledger.today.backward_seconds == pytest.approx(11.0)
    late = [t - 0.55 for t in strides[1:]]
    ledger.add_steps(
        [(at(1, 10, 0, t - 100), B) for t in late], sample_times=late, late=[True] * len(late)
    )
    assert ledger.today.backward == 21
    assert ledger.today.backward_seconds == pytest.approx(11.0)
    # The walk goes on from its newest step, not from the late ones.
    ledger.add_steps([(at(1, 10, 0, 12.1), B)], sample_times=[112.1])
    assert ledger.today.backward_seconds == pytest.approx(12.1)


@pytest.mark.parametrize("back", [10.0, 12.0, 15.5])
def test_a_restarted_wearable_clock_keeps_the_new_steps_backward_time(back: float) -> None:
    # The wearable's clock jumps back 10-15.6 s (the engine starts a new stream from 10 s back)
    # mid-walk: the steps after it are new, not late ones (no StepEvent.late), and their walking
    # counts from the first interval on the new clock, not once it passes the old newest step.
    ledger = Ledger.new(date(2026, 3, 1))
    old = [100.0 + 0.8 * i for i in range(11)]
    ledger.add_steps([(at(1, 10, 0, t - 100), B) for t in old], sample_times=old)
    assert ledger.today.backward_seconds == pytest.approx(8.0)
    new = [old[-1] - back + 0.8 * i for i in range(6)]
    ledger.add_steps([(at(1, 10, 0, 9 + 0.8 * i), B) for i in range(6)], sample_times=new)
    assert ledger.today.backward == 17
    assert ledger.today.backward_seconds == pytest.approx(8.0 + 4.0)
