"""Walking bouts, cadence and lifetime counters from a stream of step events."""

from __future__ import annotations

import bisect
from collections import deque
import itertools
import math
import statistics

from .types import Bout, Direction, StepEvent, interval

BOUT_END_S = 2.5  # a pause this long (in sample time) ends a bout
_CADENCE_STEPS = 12
# A coefficient of variation from fewer intervals says more about chance than about the walker.
MIN_CV_INTERVALS = 4


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _cv(times: list[float]) -> float | None:
    return _cv_of([b - a for a, b in itertools.pairwise(times)])


def _cv_of(intervals: list[float]) -> float | None:
    intervals = [dt for dt in intervals if dt <= BOUT_END_S]
    if len(intervals) < MIN_CV_INTERVALS:
        return None
    mean = statistics.fmean(intervals)
    return statistics.pstdev(intervals) / mean if mean > 0 else None


class BoutTracker:
    """Groups steps into bouts; all times are the sensor's sample times."""

    def __init__(self) -> None:
        self.totals: dict[Direction, int] = dict.fromkeys(Direction, 0)
        self._start: float | None = None
        self._last = 0.0
        self._counts: dict[Direction, int] = dict.fromkeys(Direction, 0)
        self._recent: deque[float] = deque(maxlen=_CADENCE_STEPS)
        # Per direction: (stride length, speed or None) of the instrumented foot's strides.
        self._strides: list[tuple[Direction, float, float | None]] = []
        self._step_times: list[float] = []
        self._foot_times: list[float] = []
        # Where the detector measures its steps (StepFeatures: trunk, thigh, wrist), a step without
        # features was restored half-way into an interval (by the detector in a steady bout, by the
        # gate's stride fill or swing fill): only intervals between two measured steps that followed
        # each other are the walker's own. Foot steps are never measured this way.
        self._measured = False  # the bout has a measured step
        self._measured_intervals: list[float] = []
        self._prev_measured: float | None = None  # the bout's previous step, if measured
        self._ended_at = -math.inf  # the last step of the latest bout ended

    @property
    def walking(self) -> bool:
        """True while a bout is open."""
        return self._start is not None

    def add(self, steps: list[StepEvent]) -> list[Bout]:
        """Add new steps (time order, but for late ones); return bouts a long pause ended.

        A late step (StepEvent.late) is older than steps already added: a step the wrist's
        stride fill restored in the walk's first strides once it proved stride-locked (gate.py).
        It counts in the bout, in time order among its steps, and takes no part in the measured
        intervals (it has no features; the interval it splits was measured before it came).
        One from a bout already ended (the walk paused for a bout's length, or the data
        stopped, before the gate had its proof) counts in the totals only: that bout was
        reported, and the step opens no bout of its own. Any other step is the newest, even
        one a restarted wearable clock put before the steps so far (after close()).
        """
        ended: list[Bout] = []
        for step in steps:
            if step.late and step.t <= self._ended_at:
                self.totals[step.direction] += 1
                continue
            if self._start is not None and interval(self._last, step.t) > BOUT_END_S:
                ended.append(self._end())
            if self._start is None:
                self._start = step.t
            self._last = max(self._last, step.t) if step.late else step.t
            self._counts[step.direction] += 1
            self.totals[step.direction] += 1
            if step.stride_length_m is not None:
                self._strides.append((step.direction, step.stride_length_m, step.speed_m_s))
            if step.late:
                bisect.insort(self._step_times, step.t)
                newest = sorted([*self._recent, step.t])[-_CADENCE_STEPS:]
                self._recent.clear()
                self._recent.extend(newest)
                continue
            self._recent.append(step.t)
            self._step_times.append(step.t)
            if step.sensor_foot:
                self._foot_times.append(step.t)
            if step.features is not None:
                self._measured = True
                if self._prev_measured is not None:
                    self._measured_intervals.append(step.t - self._prev_measured)
            self._prev_measured = step.t if step.features is not None else None
        return ended

    def advance(self, now: float | None) -> list[Bout]:
        """End the bout once `now` is far enough past its last step."""
        if self._start is not None and now is not None and interval(self._last, now) > BOUT_END_S:
            return [self._end()]
        return []

    def close(self) -> list[Bout]:
        """End the open bout, if any: the stream ended.

        The walking gate is closed with it, so no late step of it can follow, and a restarted
        clock's times may lie before its bouts: the next stream's late steps are not theirs.
        """
        ended = [self._end()] if self._start is not None else []
        self._ended_at = -math.inf
        return ended

    def direction(self) -> Direction | None:
        """Majority direction of the open bout."""
        if self._start is None:
            return None
        return max(Direction, key=lambda d: self._counts[d])

    def cadence(self) -> float | None:
        """Steps per minute over the last few steps of the current bout."""
        if self._start is None or len(self._recent) < 3:
            return None
        span = self._recent[-1] - self._recent[0]
        return 60.0 * (len(self._recent) - 1) / span if span > 0 else None

    def _end(self) -> Bout:
        start = self._start if self._start is not None else self._last
        direction = self.direction() or Direction.FORWARD
        mine = [(length, speed) for d, length, speed in self._strides if d == direction]
        # At foot/shank the other foot's steps are placed half-way between this foot's landings,
        # so only this foot's stride times carry the walker's own variability.
        if self._foot_times:
            cv = _cv(self._foot_times)
        elif self._measured:
            cv = _cv_of(self._measured_intervals)
        else:
            cv = _cv(self._step_times)
        bout = Bout(
            start=start,
            end=self._last,
            direction=direction,
            steps=sum(self._counts.values()),
            stride_length_m=_median([length for length, _ in mine]),
            speed_m_s=_median([speed for _, speed in mine if speed is not None]),
            step_time_cv=cv,
        )
        self._ended_at = max(self._ended_at, self._last)
        self._start = None
        self._counts = dict.fromkeys(Direction, 0)
        self._recent.clear()
        self._strides.clear()
        self._step_times.clear()
        self._foot_times.clear()
        self._measured = False
        self._measured_intervals.clear()
        self._prev_measured = None
        return bout
