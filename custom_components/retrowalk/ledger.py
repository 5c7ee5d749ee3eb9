"""Daily and lifetime step totals with local-midnight rollover; pure, no Home Assistant imports.

Every step the gait engine reports is added here exactly once. Days are local calendar days decided
by the caller (Home Assistant's time zone), so a DST change only changes how long a day is.
"""

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Self

from .gait.types import Direction

HISTORY_DAYS = 400
# Consecutive backward steps closer than this count as continuous backward walking time.
MAX_BACKWARD_STEP_INTERVAL = 2.5


def aware_datetime(value: Any) -> datetime:
    """A stored ISO time; raises ValueError/TypeError unless it is one with a time zone.

    A time without a zone cannot be compared with the clock's: read from a damaged store, it
    would fail later on every notification or tick, not now, while the store can still fall
    back to its backup.
    """
    when = datetime.fromisoformat(value)
    if when.tzinfo is None:
        raise ValueError(f"a time without a time zone: {value!r}")
    return when


def backward_walking_s(interval: float) -> float:
    """The time between two backward steps that counts as walking backwards.

    A longer interval is a pause; a negative one a restarted wearable clock: neither counts.
    """
    return interval if 0 < interval <= MAX_BACKWARD_STEP_INTERVAL else 0.0


@dataclass(slots=True, kw_only=True)
class DayTotals:
    """One local day's steps."""

    day: date
    forward: int = 0
    backward: int = 0
    left: int = 0
    right: int = 0
    backward_seconds: float = 0.0
    # Of the backward steps, those the engine called another way but the user declared backward
    # (a session at a placement that cannot tell, session.py). The engine's own backward count is
    # backward - declared_backward; each step is in exactly one direction, never in two.
    declared_backward: int = 0

    @property
    def sideways(self) -> int:
        """Steps to either side."""
        return self.left + self.right

    @property
    def total(self) -> int:
        """All steps of the day."""
        return self.forward + self.backward + self.left + self.right

    def add(self, direction: Direction, count: int = 1) -> None:
        """Count steps in one direction."""
        match direction:
            case Direction.FORWARD:
                self.forward += count
            case Direction.BACKWARD:
                self.backward += count
            case Direction.LEFT:
                self.left += count
            case Direction.RIGHT:
                self.right += count

    def to_dict(self) -> dict[str, Any]:
        """Serialise to JSON-safe values."""
        data = asdict(self)
        data["day"] = self.day.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Restore from to_dict()'s output."""
        return cls(
            day=date.fromisoformat(data["day"]),
            forward=int(data.get("forward", 0)),
            backward=int(data.get("backward", 0)),
            left=int(data.get("left", 0)),
            right=int(data.get("right", 0)),
            backward_seconds=float(data.get("backward_seconds", 0.0)),
            declared_backward=int(data.get("declared_backward", 0)),
        )


@dataclass(slots=True, kw_only=True)
class Ledger:
    """Today's totals, lifetime totals and a history of past days."""

    today: DayTotals
    lifetime: DayTotals = field(default_factory=lambda: DayTotals(day=date.min))
    history: list[DayTotals] = field(default_factory=list)
    last_step: datetime | None = None
    _last_backward: datetime | None = None
    _last_backward_t: float | None = None  # the same step on the wearable's sample clock

    @classmethod
    def new(cls, day: date) -> Self:
        """Start counting on a given local day."""
        return cls(today=DayTotals(day=day))

    def roll_to(self, day: date) -> bool:
        """Start a new day if `day` is later than today; return whether it did."""
        if day <= self.today.day:
            return False
        if self.today.total or self.today.backward_seconds:
            self.history.append(self.today)
            del self.history[:-HISTORY_DAYS]
        self.today = DayTotals(day=day)
        return True

    def add_steps(
        self,
        steps: Iterable[tuple[datetime, Direction]],
        declared: Sequence[bool] | None = None,
        sample_times: Sequence[float] | None = None,
        late: Sequence[bool] | None = None,
    ) -> int:
        """Count steps given as (local time, direction); returns how many were counted.

        `declared`, per step, marks steps the user declared backward: they count as backward
        whatever direction the engine gave them, and in declared_backward (see DayTotals).
        `sample_times`, per step, are the steps' times on the wearable's clock (s): time spent
        walking backwards is measured on it, since local times are stamped on arrival and frames
        may arrive in bursts (a proxy that buffers, a replay). `late`, per step, marks the steps
        the engine returned late (StepEvent.late): they add no backward walking time.
        """
        counted = 0
        for i, (when, measured) in enumerate(steps):
            self.roll_to(when.date())
            mine = declared is not None and declared[i]
            direction = Direction.BACKWARD if mine else measured
            # A step stamped before today (late data across midnight) still counts for lifetime
            # and today: moving it into a closed day would rewrite statistics already recorded.
            self.today.add(direction)
            self.lifetime.add(direction)
            if mine:
                self.today.declared_backward += 1
                self.lifetime.declared_backward += 1
            # A late step (restored in a walk's first strides, gait/gate.py) lies between steps
            # counted already: the time around it was counted with them, and the next interval
            # starts from the newest step, not from it.
            if direction is Direction.BACKWARD and not (late is not None and late[i]):
                self._add_backward_time(when, None if sample_times is None else sample_times[i])
            if self.last_step is None or when > self.last_step:
                self.last_step = when
            counted += 1
        return counted

    def _add_backward_time(self, when: datetime, t: float | None) -> None:
        if t is not None and self._last_backward_t is not None:
            interval = t - self._last_backward_t
        elif self._last_backward is not None:
            interval = (when - self._last_backward).total_seconds()
        else:
            interval = 0.0
        if walked := backward_walking_s(interval):
            self.today.backward_seconds += walked
            self.lifetime.backward_seconds += walked
        # Every step that comes here is the newest, even one a restarted wearable clock put
        # before the others: the next interval starts from it.
        self._last_backward, self._last_backward_t = when, t

    def streak(self, goal: int) -> int:
        """Days in a row, ending today (or yesterday if today is not done yet), with goal met."""
        if goal <= 0:
            return 0
        by_day = {d.day: d.backward for d in self.history}
        day = self.today.day
        streak = 1 if self.today.backward >= goal else 0
        day -= timedelta(days=1)
        while by_day.get(day, 0) >= goal:
            streak += 1
            day -= timedelta(days=1)
        return streak

    def to_dict(self) -> dict[str, Any]:
        """Serialise to JSON-safe values."""
        return {
            "today": self.today.to_dict(),
            "lifetime": self.lifetime.to_dict(),
            "history": [d.to_dict() for d in self.history],
            "last_step": self.last_step.isoformat() if self.last_step else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Restore from to_dict()'s output; raises KeyError/ValueError/TypeError when malformed."""
        last = data.get("last_step")
        return cls(
            today=DayTotals.from_dict(data["today"]),
            lifetime=DayTotals.from_dict(data["lifetime"]),
            history=[DayTotals.from_dict(d) for d in data.get("history", [])],
            last_step=aware_datetime(last) if last else None,
        )
