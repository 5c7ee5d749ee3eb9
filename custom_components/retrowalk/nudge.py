"""Sedentary detection and the nudge policy; pure and clock-injected (no Home Assistant imports).

The caller passes local, time-zone-aware datetimes. Nothing here reads a clock, so tests can walk a
whole day in microseconds and a restart is just to_dict()/from_dict().
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any, Self

from .const import (
    DEFAULT_ACTIVE_END,
    DEFAULT_ACTIVE_START,
    DEFAULT_BACKWARD_GOAL,
    DEFAULT_BACKWARD_MINUTES_GOAL,
    DEFAULT_MAX_NUDGES,
    DEFAULT_SEDENTARY_MINUTES,
)
from .ledger import aware_datetime

# After a nudge, walking within this window counts as a response to it.
FOLLOW_UP = timedelta(minutes=30)
# Backward walking of at least this long, ended by a pause, is a "session".
SESSION_SECONDS = 60.0
SESSION_PAUSE = timedelta(minutes=2)
# Without data from the wearable for this long we do not know whether the person sits.
DATA_STALE = timedelta(minutes=5)
# A walking bout ends sitting once it has this many steps: two strides, the fewest that show a
# walking rhythm. A step or two on their own (shuffling on the spot, or arm work the step
# detector mistook for steps) leave the wearer sedentary. The engine's walking gate comes first;
# this keeps the nudge honest whatever placement's detector feeds it.
WALK_STEPS = 4


class NudgeType(StrEnum):
    """Event types of the nudge event entity."""

    SEDENTARY = "sedentary"
    GOAL_REACHED = "goal_reached"
    BACKWARD_SESSION_DONE = "backward_session_done"


@dataclass(frozen=True, slots=True, kw_only=True)
class NudgeSettings:
    """What the user chose in the options."""

    sedentary_minutes: int = DEFAULT_SEDENTARY_MINUTES
    active_start: time = DEFAULT_ACTIVE_START
    active_end: time = DEFAULT_ACTIVE_END
    max_per_day: int = DEFAULT_MAX_NUDGES
    backward_goal: int = DEFAULT_BACKWARD_GOAL
    backward_minutes_goal: int = DEFAULT_BACKWARD_MINUTES_GOAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Nudge:
    """One event for automations, with the reason it fired."""

    type: NudgeType
    data: dict[str, Any]


@dataclass(slots=True, kw_only=True)
class NudgePolicy:
    """Decides when to nudge; all state needed across a restart is in to_dict()."""

    settings: NudgeSettings = field(default_factory=NudgeSettings)
    last_walk: datetime | None = None
    last_data: datetime | None = None
    last_nudge: datetime | None = None
    snoozed_until: datetime | None = None
    day: str | None = None
    nudges_today: int = 0
    responses_today: int = 0
    backward_responses_today: int = 0
    goal_announced: bool = False
    session_backward_seconds: float = 0.0
    last_backward: datetime | None = None
    _session_closed: bool = True
    _awaiting_response: bool = False
    # The open walking bout's steps so far and whether any was backward; not saved (a restart
    # also restarts the engine's bout).
    _bout_steps: int = 0
    _bout_backward: bool = False

    def _new_day(self, now: datetime) -> None:
        today = now.date().isoformat()
        if self.day != today:
            self.day = today
            self.nudges_today = self.responses_today = self.backward_responses_today = 0
            self.goal_announced = False
            self.session_backward_seconds = 0.0

    def in_active_hours(self, now: datetime) -> bool:
        """Whether nudges may happen at this time of day (outside is quiet time)."""
        start, end, t = self.settings.active_start, self.settings.active_end, now.time()
        if start <= end:
            return start <= t < end
        return t >= start or t < end  # active hours that span midnight

    def _sedentary_since(self, now: datetime) -> datetime:
        """Start of the current sitting period, never earlier than today's active start."""
        start = datetime.combine(now.date(), self.settings.active_start, now.tzinfo)
        if start > now:
            start -= timedelta(days=1)
        return max(start, self.last_walk) if self.last_walk else start

    def sedentary_minutes(self, now: datetime) -> float:
        """Minutes without walking in the current active period."""
        return max(0.0, (now - self._sedentary_since(now)).total_seconds() / 60)

    def is_sedentary(self, now: datetime) -> bool:
        """Sitting for the configured time within active hours while the wearable reports data."""
        if not self.in_active_hours(now) or self.last_data is None:
            return False
        if now - self.last_data > DATA_STALE:
            return False
        return self.sedentary_minutes(now) >= self.settings.sedentary_minutes

    def record_data(self, now: datetime) -> None:
        """Note that the wearable delivered data (it is worn and connected)."""
        self.last_data = now

    def record_steps(self, now: datetime, steps: int, *, backward: bool) -> None:
        """Note `steps` new steps of the open walking bout; it is walking from WALK_STEPS on."""
        self._bout_steps += steps
        self._bout_backward |= backward
        if steps and self._bout_steps >= WALK_STEPS:
            self.record_walk(now, backward=self._bout_backward)
            self._bout_backward = False

    def end_bout(self) -> None:
        """The walking bout ended: the next steps start a new one."""
        self._bout_steps = 0
        self._bout_backward = False

    def record_walk(self, now: datetime, *, backward: bool) -> None:
        """Note confirmed walking: ends sitting and answers a pending nudge.

        Not a sign of wear by itself: the steps may be the engine's flush once the wearable has
        gone; only data that arrived is (record_data).
        """
        self._new_day(now)
        self.last_walk = now
        if (
            self._awaiting_response
            and self.last_nudge is not None
            and now - self.last_nudge <= FOLLOW_UP
        ):
            self._awaiting_response = False
            self.responses_today += 1
        if backward:
            self.last_backward = now
            self._session_closed = False
        # One backward response per nudge, however many steps follow.
        if (
            backward
            and self.last_nudge is not None
            and now - self.last_nudge <= FOLLOW_UP
            and self.backward_responses_today < self.responses_today
        ):
            self.backward_responses_today += 1

    def snooze(self, now: datetime, minutes: float) -> datetime:
        """Hold nudges for a while; returns when they resume."""
        self.snoozed_until = now + timedelta(minutes=minutes)
        return self.snoozed_until

    def response_rate(self) -> float | None:
        """Share of today's nudges followed by walking, in percent."""
        if not self.nudges_today:
            return None
        return round(100 * self.responses_today / self.nudges_today, 1)

    def check(self, now: datetime, *, backward_steps: int, backward_seconds: float) -> list[Nudge]:
        """Evaluate the policy at `now` with today's totals; returns the nudges to fire."""
        self._new_day(now)
        if self._awaiting_response and self.last_nudge and now - self.last_nudge > FOLLOW_UP:
            self._awaiting_response = False
        nudges: list[Nudge] = []
        goal = self.settings.backward_goal
        if goal > 0 and backward_steps >= goal and not self.goal_announced:
            self.goal_announced = True
            nudges.append(
                Nudge(
                    type=NudgeType.GOAL_REACHED,
                    data={"backward_steps": backward_steps, "backward_goal": goal},
                )
            )
        if self._session_ended(now):
            session = backward_seconds - self.session_backward_seconds
            self.session_backward_seconds = backward_seconds
            if session >= SESSION_SECONDS:
                nudges.append(
                    Nudge(
                        type=NudgeType.BACKWARD_SESSION_DONE,
                        data={
                            "session_minutes": round(session / 60, 1),
                            "backward_minutes_today": round(backward_seconds / 60, 1),
                            "backward_minutes_goal": self.settings.backward_minutes_goal,
                        },
                    )
                )
        if self._should_nudge(now):
            self.last_nudge = now
            self.nudges_today += 1
            self._awaiting_response = True
            nudges.append(
                Nudge(
                    type=NudgeType.SEDENTARY,
                    data={
                        "sedentary_minutes": round(self.sedentary_minutes(now)),
                        "backward_minutes_today": round(backward_seconds / 60, 1),
                        "backward_minutes_goal": self.settings.backward_minutes_goal,
                        "backward_steps_today": backward_steps,
                        "backward_goal": goal,
                    },
                )
            )
        return nudges

    def _session_ended(self, now: datetime) -> bool:
        """Backward sessions end with a pause in backward walking (turning is no pause)."""
        if self.last_backward is None or now - self.last_backward < SESSION_PAUSE:
            return False
        ended = not self._session_closed
        self._session_closed = True
        return ended

    def _should_nudge(self, now: datetime) -> bool:
        if not self.is_sedentary(now) or self.nudges_today >= self.settings.max_per_day:
            return False
        if self.snoozed_until is not None and now < self.snoozed_until:
            return False
        # Once per sitting period, then again only after another full threshold.
        if self.last_nudge is None or self.last_nudge < self._sedentary_since(now):
            return True
        return now - self.last_nudge >= timedelta(minutes=self.settings.sedentary_minutes)

    def to_dict(self) -> dict[str, Any]:
        """Serialise the state that must survive a restart (settings come from the options)."""

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "last_walk": iso(self.last_walk),
            "last_nudge": iso(self.last_nudge),
            "snoozed_until": iso(self.snoozed_until),
            "day": self.day,
            "nudges_today": self.nudges_today,
            "responses_today": self.responses_today,
            "backward_responses_today": self.backward_responses_today,
            "goal_announced": self.goal_announced,
            "session_backward_seconds": self.session_backward_seconds,
            "last_backward": iso(self.last_backward),
            "awaiting_response": self._awaiting_response,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], settings: NudgeSettings) -> Self:
        """Restore from to_dict()'s output; raises KeyError/ValueError/TypeError when malformed."""

        def when(key: str) -> datetime | None:
            value = data.get(key)
            return aware_datetime(value) if value else None

        return cls(
            settings=settings,
            last_walk=when("last_walk"),
            last_nudge=when("last_nudge"),
            snoozed_until=when("snoozed_until"),
            day=data.get("day"),
            nudges_today=int(data.get("nudges_today", 0)),
            responses_today=int(data.get("responses_today", 0)),
            backward_responses_today=int(data.get("backward_responses_today", 0)),
            goal_announced=bool(data.get("goal_announced", False)),
            session_backward_seconds=float(data.get("session_backward_seconds", 0.0)),
            last_backward=when("last_backward"),
            _awaiting_response=bool(data.get("awaiting_response", False)),
        )
