"""Signal model of the virtual wearable: IMU samples of a wearer walking a scenario.

A whole-body kinematic model (walk.py, rest.py) gives the pose of the body segment the sensor is
strapped to; imu.py turns poses into what an accelerometer and gyroscope there would read. The
stream renders fixed blocks of samples on demand, so a 24-hour scenario never exists in memory,
any chunking of read() returns identical samples, and the same seed gives the same wearer.

What the model leaves out (so results on it are an upper bound for real wearers): the wearer turns
only while walking forward or backward and in a car (each span starts facing +x again: a turn
about the vertical leaves no trace in an IMU at rest), never runs or climbs stairs; a car's seat
vibration is a random multisine, not a measured road (drive.py, vibration.py); arm work (eating,
typing, brushing teeth) moves one arm, in smooth rhythms; one wearer's proportions; the
left side of the body only; sideways walking is side-stepping, not diagonal walking; contact
transients are a smooth ~60 ms sole compression, not the sharp, ringing impacts of real shoes;
soft tissue and strap wobble are absent; the sensor never saturates and never drops samples.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
import math

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait.types import Direction, FloatArray, Placement

from .imu import SensorErrors, render
from .plan import plan
from .scenario import parse_scenario
from .segments import Activity, Segment
from .shapes import random_rotation
from .span import Span

__all__ = [
    "Activity",
    "Chunk",
    "Direction",
    "ScenarioStream",
    "Segment",
    "expected_steps",
    "parse_scenario",
    "scenario_seconds",
]

BLOCK = 4096  # samples rendered at a time; fixed so output never depends on read sizes
_MARGIN_S = 0.05  # look-around needed by the finite differences, with room to spare
MIN_GRID_HZ = 100.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Chunk:
    """Consecutive samples and the true steps that happened during them."""

    t: npt.NDArray[np.float64]  # (n,) s since the scenario started
    acc: npt.NDArray[np.float64]  # (n, 3) m/s^2, including gravity, sensor frame
    gyro: npt.NDArray[np.float64]  # (n, 3) rad/s, sensor frame
    # Steps of either foot at their contact time; a step belongs to the chunk holding the first
    # sample at or after it.
    steps: tuple[tuple[float, Direction], ...]


def expected_steps(scenario: Sequence[Segment]) -> Counter[Direction]:
    """Steps one pass of `scenario` contains (the same for every seed), without rendering it."""
    out: Counter[Direction] = Counter()
    for span in plan(list(scenario), 0, False):
        out.update(direction for _, direction in span.steps)
    return out


def scenario_seconds(scenario: Sequence[Segment]) -> float:
    """Length of one pass of `scenario` on the wearer's clock (the same for every seed)."""
    end = 0.0
    for span in plan(list(scenario), 0, False):
        end = span.end
    return end


# A watch is not strapped on at random: its x axis runs along the forearm towards the hand and
# its z axis out of the face, on the back of the wrist (body.WRIST_SENSOR sits 3 cm along the
# forearm segment's +y, the back of the left wrist; the forearm runs from the elbow along -z).
# Rows: the watch's x, y, z in the segment's axes (sensor <- segment). A hanging arm then reads
# gravity along -x, as the left-wrist watches of the daily-living recordings do.
WATCH_MOUNTING = np.array([[0.0, 0.0, -1.0], [-1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def _check_rotation(mounting: npt.ArrayLike) -> FloatArray:
    m = np.asarray(mounting, dtype=np.float64)
    if m.shape != (3, 3) or not np.all(np.isfinite(m)):
        raise ValueError("mounting must be a finite 3x3 rotation matrix")
    if not np.allclose(m @ m.T, np.eye(3), atol=1e-6) or np.linalg.det(m) < 0:
        raise ValueError("mounting must be a proper rotation (orthonormal, determinant +1)")
    return m


class ScenarioStream:
    """IMU samples of one sensor on a wearer walking `scenario`, read in chunks."""

    def __init__(
        self,
        scenario: Sequence[Segment],
        placement: Placement,
        *,
        rate: float = 104.0,
        seed: int = 0,
        loop: bool = False,
        mounting: npt.NDArray[np.float64] | None = None,
    ) -> None:
        """Put the sensor at `placement`; `mounting` is the sensor <- segment rotation."""
        segments = list(scenario)
        if not segments or not all(isinstance(s, Segment) for s in segments):
            raise ValueError("scenario must be a non-empty sequence of Segment")
        if not (math.isfinite(rate) and 1.0 <= rate <= 10_000.0):
            raise ValueError(f"rate must be within 1..10000 Hz, got {rate}")
        self.placement = Placement(placement)
        self.rate = float(rate)
        self.seed = int(seed)
        self.loop = loop
        if mounting is None and self.placement is Placement.WRIST:
            mounting = WATCH_MOUNTING
        elif mounting is None:
            mounting = random_rotation(np.random.default_rng([self.seed % 2**63, 0x3C9]))
        self.mounting = _check_rotation(mounting)
        self._errors = SensorErrors(self.seed)
        # Differences are taken on a grid of at least MIN_GRID_HZ, whatever the output rate.
        self._oversample = max(1, math.ceil(MIN_GRID_HZ / self.rate - 1e-9))
        self._plan = plan(segments, self.seed, loop)
        self._spans: deque[Span] = deque()
        self._planned_to = 0.0  # end time of the last planned span
        self._plan_done = False
        self._end_sample: int | None = None  # total samples, once the plan is exhausted
        self._pending: deque[tuple[int, float, Direction]] = deque()  # planned, not yet read
        self._next = 0  # index of the next sample to read
        self._block = -1
        self._block_acc = np.zeros((BLOCK, 3))
        self._block_gyro = np.zeros((BLOCK, 3))
        self._truth: Counter[Direction] = Counter()

    # -- public ------------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        """Whether a non-looping scenario has been read to its end."""
        self._plan_until(self._next / self.rate)
        return self._end_sample is not None and self._next >= self._end_sample

    @property
    def position_s(self) -> float:
        """Scenario time of the next sample to be read."""
        return self._next / self.rate

    @property
    def current(self) -> Segment | None:
        """The segment the next sample belongs to (None once finished)."""
        if self.finished:
            return None
        t = self.position_s
        self._plan_until(t)
        for span in self._spans:
            if span.start <= t < span.end:
                return span.segment
        return self._spans[-1].segment if self._spans else None

    def truth(self) -> Counter[Direction]:
        """Steps that happened in the samples read so far."""
        return Counter(self._truth)

    def read(self, n: int) -> Chunk:
        """The next `n` samples (fewer only at the end of a non-looping scenario)."""
        if n < 0:
            raise ValueError("cannot read a negative number of samples")
        first = self._next
        if self._planned_to <= (first + n) / self.rate + _MARGIN_S:
            self._plan_until((first + n) / self.rate + _MARGIN_S)
        stop = first + n if self._end_sample is None else min(first + n, self._end_sample)
        stop = max(stop, first)
        block = first // BLOCK
        if stop <= (block + 1) * BLOCK:  # the usual small read: one slice of one block
            if block != self._block and stop > first:
                self._render(block)
            lo, hi = first - block * BLOCK, stop - block * BLOCK
            acc = self._block_acc[lo:hi].copy()
            gyro = self._block_gyro[lo:hi].copy()
        else:
            acc, gyro = self._read_blocks(first, stop)
        self._next = stop
        steps: list[tuple[float, Direction]] = []
        while self._pending and self._pending[0][0] < stop:
            _, t_step, direction = self._pending.popleft()
            steps.append((t_step, direction))
            self._truth[direction] += 1
        t = np.arange(first, stop, dtype=np.float64) / self.rate
        return Chunk(t=t, acc=acc, gyro=gyro, steps=tuple(steps))

    def _read_blocks(self, first: int, stop: int) -> tuple[FloatArray, FloatArray]:
        """Samples first..stop-1 spanning several blocks."""
        accs: list[FloatArray] = []
        gyros: list[FloatArray] = []
        i = first
        while i < stop:
            block = i // BLOCK
            if block != self._block:
                self._render(block)
            lo = i - block * BLOCK
            hi = min(stop - block * BLOCK, BLOCK)
            accs.append(self._block_acc[lo:hi])
            gyros.append(self._block_gyro[lo:hi])
            i = block * BLOCK + hi
        return np.concatenate(accs), np.concatenate(gyros)

    # -- internals ----------------------------------------------------------------------------

    def _plan_until(self, t: float) -> None:
        """Plan spans until they cover time t (or the scenario ends)."""
        while not self._plan_done and self._planned_to <= t:
            span = next(self._plan, None)
            if span is None:
                self._plan_done = True
                self._end_sample = math.ceil(self._planned_to * self.rate - 1e-9)
                return
            self._spans.append(span)
            self._planned_to = span.end
            for t_step, direction in span.steps:
                self._pending.append((math.ceil(t_step * self.rate - 1e-9), t_step, direction))

    def _render(self, block: int) -> None:
        """Compute the samples of one block.

        Always a whole block, even past the end of the scenario (the body rests there), so the
        noise drawn for it never depends on when the end became known.
        """
        lo = block * BLOCK
        t = np.arange(lo, lo + BLOCK, dtype=np.float64) / self.rate
        self._plan_until(t[-1] + _MARGIN_S)
        while len(self._spans) > 1 and self._spans[1].start <= t[0] - _MARGIN_S:
            self._spans.popleft()
        force = np.empty((3, len(t)))
        spin = np.empty((3, len(t)))
        starts = np.array([s.start for s in self._spans])
        owner = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(starts) - 1)
        edges = np.flatnonzero(np.diff(owner)) + 1
        dt = 1.0 / self.rate
        for a, b in zip([0, *edges.tolist()], [*edges.tolist(), len(t)], strict=True):
            span = self._spans[int(owner[a])]
            f, w = render(span, self.placement, float(t[a]), dt, b - a, self._oversample)
            force[:, a:b] = f
            spin[:, a:b] = w
        acc, gyro = self._errors.apply(block, t, self.mounting @ force, self.mounting @ spin)
        self._block = block
        self._block_acc = acc.T
        self._block_gyro = gyro.T
