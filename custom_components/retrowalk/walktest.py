"""The guided 3-metre backward walk test; pure and clock-injected (no Home Assistant imports).

The user presses start, stands still, walks backwards about 3 m at their usual speed and stops.
Everything here runs on the gait engine's sample clock (the times of its steps), so a test is
timed by the wearable's own clock, not by when notifications happened to arrive.

Start and stop come from the foot engine's steps. Every step lands about one step period after
its foot lifted, so the walk began one step period before the first landing and ended with the
last one: time = last landing - first landing + the walk's median step interval (on n steps
that is n step periods). Distance is the sum of the instrumented foot's stride lengths: between
standing and standing that foot travels as far as the body. Speed = distance / time.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import itertools
import statistics
from typing import Any, Self

from .gait.bouts import BOUT_END_S
from .gait.types import Direction, StepEvent
from .nudge import WALK_STEPS

# The test waits this long (sample time) for the walk to start, and again for it to end.
TIMEOUT_S = 60.0
# A walk that has stopped: no step for as long as ends a walking bout in the engine.
STOP_S = BOUT_END_S
# The test's nominal distance: clinical cut-offs are times over exactly this far.
TEST_DISTANCE_M = 3.0
# Test results kept in the history (about a year of weekly tests).
HISTORY = 60


class Outcome(StrEnum):
    """How a test ended."""

    OK = "ok"
    NO_WALK = "no_walk"  # no walk started within TIMEOUT_S
    WALKED_FORWARD = "walked_forward"  # the walk was not backwards
    NO_STOP = "no_stop"  # still walking TIMEOUT_S after it started
    DISCONNECTED = "disconnected"  # the wearable went away mid-test
    # Home Assistant stopped or the entry unloaded (a restart, a reload) mid-test: the wearable
    # did nothing wrong, and a new stream cannot go on timing a walk the old one saw start.
    INTERRUPTED = "interrupted"


@dataclass(frozen=True, slots=True, kw_only=True)
class WalkTestResult:
    """One test: the outcome, and the measurements when it was a backward walk."""

    outcome: Outcome
    steps: int = 0
    time_s: float | None = None
    distance_m: float | None = None
    speed_m_s: float | None = None
    when: str | None = None  # ISO time of the result, set by the caller

    @property
    def time_3m_s(self) -> float | None:
        """The time 3 m take at the measured speed: the walk was only about 3 m long."""
        if self.speed_m_s is None or self.speed_m_s <= 0:
            return None
        return round(TEST_DISTANCE_M / self.speed_m_s, 2)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, also the event's data."""
        return {
            "outcome": str(self.outcome),
            "steps": self.steps,
            "time_s": self.time_s,
            "distance_m": self.distance_m,
            "speed_m_s": self.speed_m_s,
            "time_3m_s": self.time_3m_s,
            "when": self.when,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Restore to_dict()'s output; raises KeyError/ValueError/TypeError when malformed."""

        def number(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        when = data.get("when")
        return cls(
            outcome=Outcome(data["outcome"]),
            steps=int(data.get("steps", 0)),
            time_s=number("time_s"),
            distance_m=number("distance_m"),
            speed_m_s=number("speed_m_s"),
            when=None if when is None else str(when),
        )


class WalkTest:
    """One running test; feed it the engine's steps and the sample clock until it has a result."""

    def __init__(self, start: float | None) -> None:
        """Start at sample time `start` (None: at the first sample that arrives)."""
        self.start = start
        self._steps: list[StepEvent] = []
        self.result: WalkTestResult | None = None

    def update(
        self, now: float, steps: list[StepEvent] | tuple[StepEvent, ...]
    ) -> WalkTestResult | None:
        """Add new steps (time order) seen up to sample time `now`; returns the result once."""
        if self.result is not None:
            return None
        # Steps from before the press belong to whatever the user did before the test.
        self._steps += [s for s in steps if self.start is None or s.t > self.start]
        if self.start is None:  # started before any sample: every step so far was after it
            self.start = min(now, steps[0].t) if steps else now
        walk = self._steps
        if walk and now - walk[-1].t >= STOP_S:
            if len(walk) >= WALK_STEPS:
                return self._finish(self._measure(walk))
            # A step or two is shifting weight, not the walk the test asks for: keep waiting.
            self._steps = []
            walk = self._steps
        if not walk and now - self.start >= TIMEOUT_S:
            return self._finish(WalkTestResult(outcome=Outcome.NO_WALK))
        if walk and now - walk[0].t >= TIMEOUT_S:
            return self._finish(WalkTestResult(outcome=Outcome.NO_STOP, steps=len(walk)))
        return None

    def disconnected(self, *, interrupted: bool = False) -> WalkTestResult | None:
        """The stream ended (`interrupted`: Home Assistant ended it): the test cannot be timed."""
        if self.result is not None:
            return None
        outcome = Outcome.INTERRUPTED if interrupted else Outcome.DISCONNECTED
        return self._finish(WalkTestResult(outcome=outcome, steps=len(self._steps)))

    def _finish(self, result: WalkTestResult) -> WalkTestResult:
        self.result = result
        return result

    @staticmethod
    def _measure(walk: list[StepEvent]) -> WalkTestResult:
        backward = sum(s.direction is Direction.BACKWARD for s in walk)
        if 2 * backward <= len(walk):
            return WalkTestResult(outcome=Outcome.WALKED_FORWARD, steps=len(walk))
        intervals = [b.t - a.t for a, b in itertools.pairwise(walk)]
        time_s = walk[-1].t - walk[0].t + statistics.median(intervals)
        strides = [s.stride_length_m for s in walk if s.stride_length_m is not None]
        distance = sum(strides) if strides else None
        speed = None if distance is None or time_s <= 0 else distance / time_s
        return WalkTestResult(
            outcome=Outcome.OK,
            steps=len(walk),
            time_s=round(time_s, 2),
            distance_m=None if distance is None else round(distance, 2),
            speed_m_s=None if speed is None else round(speed, 3),
        )
