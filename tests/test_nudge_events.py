"""Nudges into Home Assistant (nudge_events.py): what the policy fires reaches every listener."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from custom_components.retrowalk.ledger import DayTotals
from custom_components.retrowalk.nudge import Nudge, NudgePolicy, NudgeSettings, NudgeType
from custom_components.retrowalk.nudge_events import NudgeEvents

NOW = datetime(2026, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
GOAL = 20


def _policy() -> NudgePolicy:
    return NudgePolicy(settings=NudgeSettings(backward_goal=GOAL))


def _today(backward: int) -> DayTotals:
    return DayTotals(day=date(2026, 6, 10), backward=backward)


def test_nothing_fired_tells_no_one() -> None:
    events, heard = NudgeEvents(), list[Nudge]()
    events.async_add_listener(heard.append)
    assert not events.async_check(_policy(), NOW, _today(GOAL - 1))
    assert heard == []


def test_every_listener_hears_each_nudge_once_and_is_told_it_changed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events, first, second = NudgeEvents(), list[Nudge](), list[Nudge]()
    events.async_add_listener(first.append)
    events.async_add_listener(second.append)
    policy = _policy()
    caplog.set_level("DEBUG", logger="custom_components.retrowalk.nudge_events")
    assert events.async_check(policy, NOW, _today(GOAL))
    assert [n.type for n in first] == [NudgeType.GOAL_REACHED]
    assert first[0].data == {"backward_steps": GOAL, "backward_goal": GOAL}
    assert second == first
    assert "Nudge goal_reached" in caplog.text
    assert not events.async_check(policy, NOW, _today(GOAL + 5))  # announced once a day
    assert len(first) == 1


def test_unsubscribed_listeners_hear_nothing_and_one_may_leave_while_told() -> None:
    events, heard, gone = NudgeEvents(), list[Nudge](), list[Nudge]()
    unsubscribe_gone = events.async_add_listener(gone.append)
    unsubscribe_gone()

    def once(nudge: Nudge) -> None:
        heard.append(nudge)
        unsubscribe_once()

    unsubscribe_once = events.async_add_listener(once)
    after: list[Nudge] = []
    events.async_add_listener(after.append)  # not skipped when `once` leaves mid-dispatch
    assert events.async_check(_policy(), NOW, _today(GOAL))
    assert (len(gone), len(heard), len(after)) == (0, 1, 1)
    tomorrow = NOW.replace(day=11)
    assert events.async_check(_policy(), tomorrow, _today(GOAL))
    assert (len(heard), len(after)) == (1, 2)
