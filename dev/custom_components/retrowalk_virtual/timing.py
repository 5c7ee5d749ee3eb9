"""How long each segment lasts on the wearer's clock (shared by the planner and the presets).

Every duration here is nominal and seed-independent: step-to-step jitter is redistributed inside a
bout without changing its length, so a scenario always takes the same time whatever the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .segments import SEATED, Activity, Segment

STAND_UP_S = 2.5  # a walk that follows sitting begins by standing up
SIT_DOWN_S = 2.0
# Standing still before the first step plus gait initiation, in step periods and seconds.
LEAD_IN_STEPS = 1.5
LEAD_IN_S = 0.25
# The last step, the body settling over the feet and standing still afterwards.
LEAD_OUT_STEPS = 1.0
LEAD_OUT_S = 0.35
# Nobody squeezes a step into less than this share of their intended step period.
MIN_PERIOD_SHARE = 0.8


@dataclass(frozen=True, slots=True)
class WalkTiming:
    """Step count, mean step period and total length of one walking segment."""

    steps: int
    period: float  # s between contacts
    stand_up: float  # s spent standing up before the walk proper
    duration: float  # s, including stand_up


def walk_timing(segment: Segment, after_sit: bool) -> WalkTiming:
    """Timing of a walking segment; `after_sit` when the wearer was sitting just before."""
    stand_up = STAND_UP_S if after_sit else 0.0
    period = 60.0 / segment.cadence
    fixed = LEAD_IN_S + LEAD_OUT_S
    if segment.steps is not None:
        n = segment.steps
    else:
        assert segment.seconds is not None
        walk_s = segment.seconds - stand_up - fixed
        n = max(1, round(walk_s / period - (LEAD_IN_STEPS + LEAD_OUT_STEPS - 1.0)))
        # Fit the steps exactly into the segment by adjusting the cadence a little.
        period = max(walk_s / (n - 1.0 + LEAD_IN_STEPS + LEAD_OUT_STEPS), MIN_PERIOD_SHARE * period)
    duration = stand_up + fixed + period * (n - 1.0 + LEAD_IN_STEPS + LEAD_OUT_STEPS)
    return WalkTiming(steps=n, period=period, stand_up=stand_up, duration=duration)


def segment_seconds(segment: Segment, previous: Activity | None) -> float:
    """Length of `segment` when it follows `previous` (None at the very start)."""
    if segment.walking:
        return walk_timing(segment, previous in SEATED).duration
    assert segment.seconds is not None
    return segment.seconds
