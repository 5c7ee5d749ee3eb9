"""Sedentary detection and nudge policy with an injected clock."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from custom_components.retrowalk.nudge import (
    FOLLOW_UP,
    WALK_STEPS,
    NudgePolicy,
    NudgeSettings,
    NudgeType,
)

TZ = ZoneInfo("Europe/Berlin")
SETTINGS = NudgeSettings(
    sedentary_minutes=30,
    active_start=time(8),
    active_end=time(20),
    max_per_day=3,
    backward_goal=100,
)


def t(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=TZ)


def fresh(now: datetime) -> NudgePolicy:
    policy = NudgePolicy(settings=SETTINGS)
    policy.record_walk(now, backward=False)
    return policy


def run(policy: NudgePolicy, start: datetime, minutes: int, **totals: float) -> list[str]:
    """Tick once a minute with data flowing; return the nudge types fired."""
    fired = []
    for m in range(minutes + 1):
        now = start + timedelta(minutes=m)
        policy.record_data(now)
        fired += [
            str(n.type)
            for n in policy.check(
                now,
                backward_steps=int(totals.get("backward_steps", 0)),
                backward_seconds=totals.get("backward_seconds", 0.0),
            )
        ]
    return fired


def test_sedentary_after_threshold_then_one_nudge() -> None:
    policy = fresh(t(9))
    assert not policy.is_sedentary(t(9, 29))
    fired = run(policy, t(9), 40)
    assert fired == ["sedentary"]
    assert policy.is_sedentary(t(9, 40))
    assert policy.nudges_today == 1


def test_repeat_nudge_only_after_another_threshold() -> None:
    policy = fresh(t(9))
    assert run(policy, t(9), 89) == ["sedentary", "sedentary"]  # at 9:30 and 10:00
    assert policy.nudges_today == 2


def test_daily_cap() -> None:
    policy = fresh(t(9))
    assert run(policy, t(9), 600).count("sedentary") == SETTINGS.max_per_day


def test_no_nudge_outside_active_hours() -> None:
    policy = fresh(t(20, 30))
    assert run(policy, t(20, 30), 120) == []
    assert not policy.is_sedentary(t(22))


def test_sitting_period_starts_at_active_start_not_last_night() -> None:
    policy = fresh(t(19, 0, day=9))
    assert not policy.is_sedentary(t(8, 10))
    assert policy.sedentary_minutes(t(8, 10)) == 10


def test_no_nudge_without_data_from_the_wearable() -> None:
    policy = fresh(t(9))
    assert policy.check(t(10), backward_steps=0, backward_seconds=0) == []
    assert not policy.is_sedentary(t(10))


def test_snooze_holds_nudges_and_survives_restart() -> None:
    policy = fresh(t(9))
    policy.snooze(t(9, 10), 60)
    restored = NudgePolicy.from_dict(policy.to_dict(), SETTINGS)
    fired = run(restored, t(9, 10), 55)
    assert fired == []
    assert run(restored, t(10, 10), 5) == ["sedentary"]


def test_walking_resets_sitting_and_counts_response() -> None:
    policy = fresh(t(9))
    assert run(policy, t(9), 30) == ["sedentary"]
    policy.record_walk(t(9, 40), backward=True)
    assert not policy.is_sedentary(t(9, 41))
    assert policy.responses_today == 1
    assert policy.backward_responses_today == 1
    assert policy.response_rate() == 100.0


def test_walking_after_follow_up_window_is_no_response() -> None:
    policy = fresh(t(9))
    run(policy, t(9), 30)
    late = t(9, 30) + FOLLOW_UP + timedelta(minutes=5)
    policy.check(late - timedelta(minutes=1), backward_steps=0, backward_seconds=0)
    policy.record_walk(late, backward=False)
    assert policy.responses_today == 0
    assert policy.response_rate() == 0.0


def test_goal_reached_fires_once_a_day() -> None:
    policy = fresh(t(9))
    fired = [n.type for n in policy.check(t(9, 1), backward_steps=120, backward_seconds=0)]
    assert fired == [NudgeType.GOAL_REACHED]
    assert policy.check(t(9, 2), backward_steps=130, backward_seconds=0) == []
    assert [
        n.type for n in policy.check(t(9, 1, day=11), backward_steps=100, backward_seconds=0)
    ] == [NudgeType.GOAL_REACHED]


def test_backward_session_done_after_a_pause() -> None:
    policy = fresh(t(9))
    for s in range(0, 90, 2):
        policy.record_walk(t(9) + timedelta(seconds=s), backward=True)
    assert policy.check(t(9, 2), backward_steps=0, backward_seconds=90) == []  # still walking
    nudges = policy.check(t(9, 5), backward_steps=0, backward_seconds=90)
    assert [n.type for n in nudges] == [NudgeType.BACKWARD_SESSION_DONE]
    assert nudges[0].data["session_minutes"] == 1.5
    assert policy.check(t(9, 10), backward_steps=0, backward_seconds=90) == []


def test_short_backward_walk_is_no_session() -> None:
    policy = fresh(t(9))
    policy.record_walk(t(9), backward=True)
    assert policy.check(t(9, 5), backward_steps=0, backward_seconds=20) == []


def test_active_hours_across_midnight() -> None:
    policy = NudgePolicy(settings=NudgeSettings(active_start=time(22), active_end=time(6)))
    assert policy.in_active_hours(t(23))
    assert policy.in_active_hours(t(3))
    assert not policy.in_active_hours(t(12))


def test_round_trip_keeps_counters() -> None:
    policy = fresh(t(9))
    run(policy, t(9), 30)
    restored = NudgePolicy.from_dict(policy.to_dict(), SETTINGS)
    assert restored.to_dict() == policy.to_dict()


def test_gesturing_while_seated_is_sedentary_and_nudged_on_time() -> None:
    """Arm work the step detector reads as a stray step or two is no walk: sitting goes on."""
    policy = fresh(t(9))
    fired: list[str] = []
    for m in range(31):
        now = t(9, m)
        policy.record_data(now)
        if m % 3 == 1:  # a "step" or three during a gesture, each burst its own short bout
            policy.record_steps(now, 1 + m % (WALK_STEPS - 1), backward=m % 2 == 0)
            policy.end_bout()
        fired += [str(n.type) for n in policy.check(now, backward_steps=0, backward_seconds=0.0)]
    assert fired == ["sedentary"]  # at 9:30, as if the wearer had sat perfectly still
    assert policy.sedentary_minutes(t(9, 30)) == 30
    assert policy.last_backward is None  # stray backward "steps" start no backward session


def test_a_walk_ends_sitting_from_its_fourth_step() -> None:
    policy = fresh(t(9))
    policy.record_steps(t(9, 20), WALK_STEPS - 1, backward=True)
    assert policy.sedentary_minutes(t(9, 20)) == 20
    policy.record_steps(t(9, 21), 1, backward=False)  # the same bout goes on
    assert policy.sedentary_minutes(t(9, 21)) == 0
    assert policy.last_backward == t(9, 21)  # its earlier backward steps count
    policy.record_steps(t(9, 22), 2, backward=False)
    assert policy.last_walk == t(9, 22)
    assert policy.last_backward == t(9, 21)
    policy.end_bout()
    policy.record_steps(t(9, 40), 2, backward=False)  # a new bout starts from zero
    assert policy.last_walk == t(9, 22)


def test_walking_alone_is_no_sign_of_wear() -> None:
    """Steps may be the engine's flush after the wearable went: only data that arrived says it
    is worn, so without it the policy never calls anyone sedentary."""
    policy = fresh(t(9))
    assert policy.last_data is None
    assert not policy.is_sedentary(t(9, 40))
    policy.record_data(t(9, 40))
    assert policy.is_sedentary(t(9, 40))
