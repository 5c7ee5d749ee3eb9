"""Turning scenario segments into motion spans, lazily and reproducibly.

Each segment gets its own random generator derived from (seed, repetition, segment index), so a
span never depends on how far anything else was rendered, and a 24-hour scenario is planned one
segment at a time as the stream reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
import math

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray

from .arms import ARM_WORK, Channel, arm_work
from .cycle import CycleSpan, draw_ride, draw_ride_vibration
from .drive import DriveSpan, engine_window
from .lying import GET_UP_S, LIE_DOWN_S, LyingSpan, draw_rolls
from .rest import Fidgets, RestSpan, Sway
from .segments import Activity, Segment
from .shapes import PhaseClock, minjerk
from .span import Span
from .styles import HALF_WIDTH, HEADING_OF, POSTURE_OF, SITTING, STANDING, STYLE_OF, Posture
from .timing import (
    LEAD_IN_S,
    LEAD_IN_STEPS,
    LEAD_OUT_S,
    LEAD_OUT_STEPS,
    SIT_DOWN_S,
    STAND_UP_S,
    walk_timing,
)
from .traffic import draw_traffic
from .vibration import draw_vibration
from .walk import FootSteps, WalkSpan

PERIOD_JITTER = 0.015  # relative SD of step-to-step period
# People also drift slowly faster and slower over tens of steps (AR(1), relative SD and memory).
PERIOD_DRIFT = 0.025
DRIFT_MEMORY = 0.95
LENGTH_JITTER = 0.03  # relative SD of step length
PLACEMENT_JITTER = 0.008  # m, SD of where a foot lands across the walking line
# Gait initiation and the closing step are shorter than steady steps.
END_STEP_GAIN = 0.8
deg = math.radians


def _generator(seed: int, repetition: int, index: int) -> np.random.Generator:
    return np.random.default_rng([seed % 2**63, repetition, index])


def plan(segments: Sequence[Segment], seed: int, loop: bool) -> Iterator[Span]:
    """Spans of the scenario in time order, forever if `loop`."""
    t = 0.0
    posture: Posture | None = None
    repetition = 0
    while True:
        for index, segment in enumerate(segments):
            rng = _generator(seed, repetition, index)
            if segment.walking:
                timing = walk_timing(segment, posture is SITTING)
                if timing.stand_up > 0.0:
                    yield _rest(segment, t, t + timing.stand_up, STANDING, SITTING, rng, still=True)
                    t += timing.stand_up
                walk = _walk(segment, t, timing.steps, timing.period, rng)
                yield walk
                t = walk.end
                posture = STANDING
            elif segment.activity in (Activity.DRIVE, Activity.CYCLE):
                assert segment.seconds is not None
                end = t + segment.seconds
                if posture is not None and posture is not STANDING:
                    # Up from the chair first: a car or bike is got onto from standing.
                    yield _rest(segment, t, t + STAND_UP_S, STANDING, posture, rng, still=True)
                    t += STAND_UP_S
                if segment.activity is Activity.DRIVE:
                    yield _drive(segment, t, end, rng)
                else:
                    yield _cycle(segment, t, end, rng)
                t = end
                posture = STANDING  # out of the car or off the bike, standing beside it
            elif segment.activity is Activity.LIE:
                assert segment.seconds is not None
                yield _lie(segment, t, t + segment.seconds, posture, rng)
                t += segment.seconds
                posture = STANDING  # a lying span ends standing beside the bed
            else:
                assert segment.seconds is not None
                target = POSTURE_OF[segment.activity]
                previous = posture if posture is not None and posture is not target else None
                yield _rest(segment, t, t + segment.seconds, target, previous, rng)
                t += segment.seconds
                posture = target
        if not loop:
            return
        repetition += 1


# -- sitting and standing ----------------------------------------------------------------------


def _rest(
    segment: Segment,
    start: float,
    end: float,
    target: Posture,
    previous: Posture | None,
    rng: np.random.Generator,
    *,
    still: bool = False,
) -> RestSpan:
    length = end - start
    transfer = 0.0
    if previous is not None:
        transfer = min(STAND_UP_S if target is STANDING else SIT_DOWN_S, length)
    k = 3
    standing = target is STANDING
    sway = Sway(
        freq=rng.uniform(0.08, 0.6, size=k),
        phase=rng.uniform(0.0, 2.0 * math.pi, size=(2, k)),
        amp=rng.normal(0.0, 0.003 if standing else 0.001, size=(2, k)),
    )
    fidgets = _fidgets(start + transfer, end, standing, rng) if not still else _no_fidgets()
    # Drawn last, so plain sitting and standing keep the wearer they always had.
    work = None
    if segment.activity in ARM_WORK and not still:
        work = arm_work(segment.activity, start + transfer, end, rng)
    return RestSpan(
        start=start,
        end=end,
        segment=segment,
        steps=(),
        posture=target,
        previous=previous,
        transfer_s=transfer,
        sway=sway,
        fidgets=fidgets,
        work=work,
    )


def _lie(
    segment: Segment, start: float, end: float, previous: Posture | None, rng: np.random.Generator
) -> LyingSpan:
    length = end - start
    down = min(LIE_DOWN_S, length / 3.0)
    up = min(GET_UP_S, length / 3.0)
    body = _rest(
        segment, start, end, STANDING, None if previous is STANDING else previous, rng, still=True
    )
    return LyingSpan(
        start=start,
        end=end,
        segment=segment,
        steps=(),
        body=body,
        rolls=draw_rolls(start + down, end - up, rng),
        down_s=down,
        up_s=up,
    )


def _drive(segment: Segment, start: float, end: float, rng: np.random.Generator) -> DriveSpan:
    on, off = engine_window(start, end)
    return DriveSpan(
        start=start,
        end=end,
        segment=segment,
        steps=(),
        vibration=draw_vibration(on, off, rng),
        traffic=draw_traffic(on, off, rng),
    )


def _cycle(segment: Segment, start: float, end: float, rng: np.random.Generator) -> CycleSpan:
    rider, crank, crank_start, speed, foot = draw_ride(start, end, rng)
    return CycleSpan(
        start=start,
        end=end,
        segment=segment,
        steps=(),
        rider=rider,
        crank=crank,
        crank_start=crank_start,
        speed=speed,
        foot_t=foot[:, 0],
        foot_s=foot[:, 1],
        foot_sign=foot[:, 2],
        vibration=draw_ride_vibration(start, end, rng),
    )


def _no_fidgets() -> Fidgets:
    return Fidgets(start=np.zeros(0), duration=np.zeros(0), amp=np.zeros((0, Channel.COUNT)))


def _fidgets(start: float, end: float, standing: bool, rng: np.random.Generator) -> Fidgets:
    """Occasional gestures, weight shifts, leaning and foot shuffles, never overlapping."""
    mean_gap = 25.0 if standing else 30.0
    starts: list[float] = []
    durations: list[float] = []
    amps: list[FloatArray] = []
    t = start + 1.0 + rng.exponential(mean_gap)
    while True:
        duration = float(rng.uniform(1.2, 3.5))
        if t + duration > end - 1.0:
            break
        amp = np.zeros(Channel.COUNT)
        kind = rng.choice(4, p=[0.5, 0.2, 0.2, 0.1])
        if kind == 0:  # hand gesture
            amp[Channel.ARM_FLEX] = rng.normal(0.0, deg(8.0))
            amp[Channel.ELBOW] = rng.normal(0.0, deg(15.0))
            amp[Channel.FOREARM_ROLL] = rng.normal(0.0, deg(20.0))
        elif kind == 1:  # weight shift (standing) or shifting on the chair
            amp[Channel.PELVIS_Y] = rng.normal(0.0, 0.03 if standing else 0.01)
            amp[Channel.PELVIS_X] = rng.normal(0.0, 0.01)
        elif kind == 2:  # leaning
            amp[Channel.LEAN] = rng.normal(0.0, deg(4.0))
        else:  # a foot shuffles a few centimetres
            amp[Channel.FOOT_X] = rng.normal(0.0, 0.03)
            amp[Channel.FOOT_LIFT] = abs(rng.normal(0.0, 0.01))
        starts.append(t)
        durations.append(duration)
        amps.append(amp)
        t += duration + rng.exponential(mean_gap)
    if not starts:
        return _no_fidgets()
    return Fidgets(start=np.array(starts), duration=np.array(durations), amp=np.array(amps))


# -- walking -----------------------------------------------------------------------------------


def _walk(
    segment: Segment, start: float, n: int, period: float, rng: np.random.Generator
) -> WalkSpan:
    activity = segment.activity
    style = STYLE_OF[activity]
    heading = HEADING_OF[activity]
    sideways = style.sideways

    # Contact times: jittered periods, rescaled so the bout keeps its nominal length.
    drift = np.zeros(max(n - 1, 0))
    shocks = rng.normal(0.0, PERIOD_DRIFT * np.sqrt(1.0 - DRIFT_MEMORY**2), len(drift))
    level = rng.normal(0.0, PERIOD_DRIFT)
    for k in range(len(drift)):
        level = DRIFT_MEMORY * level + shocks[k]
        drift[k] = level
    wobble = drift + rng.normal(0.0, PERIOD_JITTER, len(drift))
    intervals = period * np.clip(1.0 + wobble, 0.85, 1.15)
    if n > 1:
        intervals *= (n - 1) * period / intervals.sum()
    first_contact = start + LEAD_IN_S + LEAD_IN_STEPS * period
    contacts = first_contact + np.concatenate(([0.0], np.cumsum(intervals)))
    end = float(contacts[-1]) + LEAD_OUT_STEPS * period + LEAD_OUT_S
    nodes = np.concatenate(
        (
            [contacts[0] - 2 * period, contacts[0] - period],
            contacts,
            [contacts[-1] + period, contacts[-1] + 2 * period],
        )
    )
    clock = PhaseClock(nodes, -2)

    mean_length = style.length_at(60.0 / period)
    lengths = mean_length * np.clip(1.0 + rng.normal(0.0, LENGTH_JITTER, n), 0.9, 1.1)
    if sideways:
        first_side = 1 if activity is Activity.LEFT else -1  # the leading foot steps first
    else:
        first_side = 1 if rng.random() < 0.5 else -1
    sides = first_side * (1 - 2 * (np.arange(n) % 2))

    feet = {1: np.array([0.0, HALF_WIDTH]), -1: np.array([0.0, -HALF_WIDTH])}
    rest_lateral = {1: HALF_WIDTH, -1: -HALF_WIDTH}
    left_phases: list[int] = []
    left_positions = [feet[1].copy()]
    centre = [np.zeros(2)]
    across = np.array([-heading[1], heading[0]])  # horizontal, perpendicular to the heading
    for k in range(n):
        side = int(sides[k])
        other = feet[-side]
        if sideways:
            if k % 2 == 0:  # the leading foot steps out
                new = feet[side] + lengths[k] * heading
            else:  # the trailing foot closes to a normal stance width
                new = other - 2 * HALF_WIDTH * heading
            new = new + across * rng.normal(0.0, PLACEMENT_JITTER / 2)
        else:
            along = float(other @ heading)
            if k == 0:
                along = float(feet[side] @ heading) + lengths[k]
            elif k < n - 1:
                along += lengths[k]
            new = along * heading + np.array([0.0, rest_lateral[side]])
            if 0 < k < n - 1:
                new[1] += rng.normal(0.0, PLACEMENT_JITTER)
        feet[side] = new
        if side == 1:
            left_phases.append(k)
            left_positions.append(new.copy())
        centre.append((feet[1] + feet[-1]) / 2)
    centre.append(centre[-1].copy())
    points = np.array(centre).T  # (2, n + 2): phases -1..n
    slopes = np.zeros_like(points)
    slopes[:, 1:-1] = (points[:, 2:] - points[:, :-2]) / 2
    slopes[:, -2] *= 0.5  # the body is already braking as the closing step lands
    gain = np.concatenate(([0.0], lengths / mean_length, [0.0]))
    gain[1] *= END_STEP_GAIN
    if n > 1:
        gain[-2] *= END_STEP_GAIN

    facing = None
    left_yaws = None
    left_points = np.array(left_positions).T
    if segment.turn and n >= 2:
        to_world = _TurningPath(segment.turn, heading, points)
        points = to_world(points)
        left_points = to_world(left_points)
        facing = to_world.facing(np.array(centre).T)
        left_yaws = to_world.facing(np.array(left_positions).T)
        slopes = np.zeros_like(points)
        slopes[:, 1:-1] = (points[:, 2:] - points[:, :-2]) / 2
        slopes[:, -2] *= 0.5

    direction = segment.direction
    assert direction is not None
    return WalkSpan(
        start=start,
        end=end,
        segment=segment,
        steps=tuple((float(c), direction) for c in contacts),
        style=style,
        clock=clock,
        heading=heading,
        sagittal=-1.0 if activity is Activity.BACKWARD else 1.0,
        first_side=first_side,
        left=FootSteps(
            phases=np.array(left_phases, dtype=np.intp), positions=left_points, yaws=left_yaws
        ),
        centre=points,
        centre_slope=slopes,
        amplitude=gain,
        facing=facing,
        facing_slope=None if facing is None else np.gradient(facing),
    )


TURN_PER_STEP = math.radians(45.0)  # people take about four steps for a U-turn
_PATH_STEP = 0.005  # m, resolution of the bent walking line


class _TurningPath:
    """Bends a straight walk's floor plan so it turns `turn` degrees over its middle steps.

    A point of the straight plan is (distance along the walking line, offset across it); the
    turned plan puts it at the same distance along a line whose direction turns smoothly
    (min-jerk in distance) between two centre points, and the same offset across it.
    """

    def __init__(self, turn: float, heading: FloatArray, centre: FloatArray) -> None:
        self.heading = heading
        along = heading @ centre  # (n + 2,) the centre's progress at phases -1..n
        n = len(along) - 2
        m = min(max(2, round(abs(math.radians(turn)) / TURN_PER_STEP)), max(n - 1, 1))
        first = (n - m) // 2
        self.a, self.b = float(along[first + 1]), float(along[first + 1 + m])
        self.turn = math.radians(turn)
        lo = min(0.0, float(along.min())) - 1.0
        hi = float(along.max()) + 1.0
        self.grid: FloatArray = np.arange(lo, hi + _PATH_STEP, _PATH_STEP, dtype=np.float64)
        angle = self._angle(self.grid)
        rot = np.stack([np.cos(angle), np.sin(angle)])  # the direction, rotated per grid point
        dx = heading[0] * rot[0] - heading[1] * rot[1]
        dy = heading[0] * rot[1] + heading[1] * rot[0]
        # Trapezoidal integral of the direction, anchored so distance 0 stays where it was.
        path = np.zeros((2, len(self.grid)))
        path[0, 1:] = np.cumsum((dx[1:] + dx[:-1]) / 2) * _PATH_STEP
        path[1, 1:] = np.cumsum((dy[1:] + dy[:-1]) / 2) * _PATH_STEP
        zero = np.array([np.interp(0.0, self.grid, path[0]), np.interp(0.0, self.grid, path[1])])
        self.path = path - zero[:, None]

    def _angle(self, along: FloatArray) -> FloatArray:
        span = max(self.b - self.a, 1e-9)
        out: FloatArray = self.turn * minjerk((along - self.a) / span)
        return out

    def facing(self, points: FloatArray) -> FloatArray:
        """The walking line's direction change at the straight-plan points (2, k)."""
        return self._angle(self.heading @ points)

    def __call__(self, points: FloatArray) -> FloatArray:
        """Straight-plan points (2, k) moved onto the turned plan."""
        along = self.heading @ points
        across = np.array([-self.heading[1], self.heading[0]]) @ points
        angle = self._angle(along)
        base = np.stack([np.interp(along, self.grid, self.path[i]) for i in range(2)])
        # The offset across the line turns with it.
        normal = np.stack(
            [
                -self.heading[1] * np.cos(angle) - self.heading[0] * np.sin(angle),
                -self.heading[1] * np.sin(angle) + self.heading[0] * np.cos(angle),
            ]
        )
        out: FloatArray = base + across * normal
        return out
