"""A backward walk session the user declared ("Going now"); pure, no Home Assistant imports.

Runs on the gait engine's sample clock like the walk test. Where the engine cannot tell backward
from forward (gait/advice.py grades the placement counts-only: the wrist), the user's word
decides: a step inside the session counts as a declared backward step unless the engine is
confident it went another way (it claims no confidence at these placements today, trunk.py).
Declared steps count as backward (goal, streak, backward minutes) and are also counted apart
(the ledger's `declared_backward`), so the entities say how many of the backward steps were
declared rather than measured.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
import itertools
import statistics
from typing import Any, Self

from .gait.types import Direction, StepEvent
from .ledger import backward_walking_s
from .nudge import SESSION_PAUSE

# Above this engine confidence a step keeps the direction the engine gave it even in a declared
# session. The engine reports 0.5 wherever sessions are declared (its direction there is chance,
# trunk.py), so this applies only once it has a confidence worth trusting there.
CONFIDENT = 0.8
# A session ends this long after its last step (the same pause that ends a backward session in
# the nudge policy), or this long after the start when no step came at all.
END_PAUSE_S = SESSION_PAUSE.total_seconds()
START_WAIT_S = 300.0  # getting up and finding a clear space after "Going now" takes a while


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionResult:
    """What a session's backward walking came to."""

    steps: int  # backward steps: measured plus declared
    declared_steps: int  # of which the engine did not call backward, counted on the user's word
    minutes: float
    speed_m_s: float | None  # median stride speed of its backward strides (foot/shank with gyro)
    when: str | None = None  # ISO time it ended, set by the caller

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, also the event's data."""
        return {
            "steps": self.steps,
            "declared_steps": self.declared_steps,
            "minutes": self.minutes,
            "speed_m_s": self.speed_m_s,
            "when": self.when,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Restore to_dict()'s output; raises KeyError/ValueError/TypeError when malformed."""
        speed, when = data.get("speed_m_s"), data.get("when")
        return cls(
            steps=int(data["steps"]),
            declared_steps=int(data.get("declared_steps", 0)),
            minutes=float(data["minutes"]),
            speed_m_s=None if speed is None else float(speed),
            when=None if when is None else str(when),
        )


class Session:
    """One running session; feed it the engine's steps and the sample clock."""

    def __init__(self, start: float | None, *, declare: bool) -> None:
        """Start at sample time `start` (None: at the first sample); `declare`: see module doc."""
        self.start = start
        self.declare = declare
        self._last: float | None = None  # the newest step inside the session
        self._now: float | None = None  # the sample time of the newest add()
        # Backward (measured or declared) steps, in time order on each run of the wearable's
        # clock; the newest run (a restarted clock starts one) begins at _run.
        self._times: list[float] = []
        self._run = 0
        self._declared = 0
        self._speeds: list[float] = []

    def add(self, now: float, steps: Sequence[StepEvent]) -> list[bool]:
        """Take the new steps seen up to sample time `now`, once, before the ledger counts them.

        Returns, per step, whether it counts as backward only because the session was declared:
        the one decision both the ledger and this session's result go by.
        """
        declared = [self._add(step) for step in steps]
        if self.start is None:  # started before any sample: every step so far was after it
            self.start = min(now, steps[0].t) if steps else now
        self._now = now
        return declared

    def _add(self, step: StepEvent) -> bool:
        if self.start is not None and step.t <= self.start:
            return False  # before the press: whatever the user did before the session
        backward = step.direction is Direction.BACKWARD
        declared = self.declare and not backward and step.confidence < CONFIDENT
        # A late step (the wrist's stride fill restores a walk's first strides' steps at once,
        # StepEvent.late) is older than the newest: it neither ends the session early nor breaks
        # time order. Any other step is the newest, even one a restarted wearable clock put
        # before the others: its pause and walking time count on the new clock.
        if not step.late or self._last is None:
            self._last = step.t
        if backward or declared:
            self._keep(step)
            self._declared += declared
        if backward and step.speed_m_s is not None:
            self._speeds.append(step.speed_m_s)
        return declared

    def _keep(self, step: StepEvent) -> None:
        if step.late:  # among the steps of its own clock's run, which its walk is part of
            bisect.insort(self._times, step.t, lo=self._run)
            return
        if self._times and step.t < self._times[-1]:  # not late, yet older: a restarted clock
            self._run = len(self._times)
        self._times.append(step.t)

    def ended(self) -> SessionResult | None:
        """The result once the session has ended (by the sample time of the last add())."""
        if self.start is None or self._now is None:
            return None
        if self._last is None:
            return self.end() if self._now - self.start >= START_WAIT_S else None
        return self.end() if self._now - self._last >= END_PAUSE_S else None

    def end(self) -> SessionResult:
        """The session's result so far (the caller drops the session)."""
        seconds = sum(backward_walking_s(b - a) for a, b in itertools.pairwise(self._times))
        return SessionResult(
            steps=len(self._times),
            declared_steps=self._declared,
            minutes=round(seconds / 60, 2),
            speed_m_s=round(statistics.median(self._speeds), 3) if self._speeds else None,
        )
