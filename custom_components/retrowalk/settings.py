"""The user's choices (config entry data and options) as one typed value."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any, Self

from .const import (
    CONF_ACTIVE_END,
    CONF_ACTIVE_START,
    CONF_BACKWARD_GOAL,
    CONF_BACKWARD_MINUTES_GOAL,
    CONF_EQUIVALENCE,
    CONF_FORWARD_GOAL,
    CONF_MAX_NUDGES,
    CONF_PLACEMENT,
    CONF_SEDENTARY_MINUTES,
    DEFAULT_ACTIVE_END,
    DEFAULT_ACTIVE_START,
    DEFAULT_BACKWARD_GOAL,
    DEFAULT_BACKWARD_MINUTES_GOAL,
    DEFAULT_EQUIVALENCE,
    DEFAULT_FORWARD_GOAL,
    DEFAULT_MAX_NUDGES,
    DEFAULT_SEDENTARY_MINUTES,
)
from .gait import Placement
from .nudge import NudgeSettings


def _time(value: Any, default: time) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        return time.fromisoformat(value)
    return default


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Placement, goals and nudge preferences of one wearable."""

    placement: Placement
    forward_goal: int = DEFAULT_FORWARD_GOAL
    equivalence: float = DEFAULT_EQUIVALENCE
    nudge: NudgeSettings = field(default_factory=NudgeSettings)

    @classmethod
    def from_entry(cls, data: Mapping[str, Any], options: Mapping[str, Any]) -> Self:
        """Options override what the config flow stored."""
        merged = {**data, **options}
        return cls(
            placement=Placement(merged.get(CONF_PLACEMENT, Placement.WAIST)),
            forward_goal=int(merged.get(CONF_FORWARD_GOAL, DEFAULT_FORWARD_GOAL)),
            equivalence=float(merged.get(CONF_EQUIVALENCE, DEFAULT_EQUIVALENCE)),
            nudge=NudgeSettings(
                sedentary_minutes=int(
                    merged.get(CONF_SEDENTARY_MINUTES, DEFAULT_SEDENTARY_MINUTES)
                ),
                active_start=_time(merged.get(CONF_ACTIVE_START), DEFAULT_ACTIVE_START),
                active_end=_time(merged.get(CONF_ACTIVE_END), DEFAULT_ACTIVE_END),
                max_per_day=int(merged.get(CONF_MAX_NUDGES, DEFAULT_MAX_NUDGES)),
                backward_goal=int(merged.get(CONF_BACKWARD_GOAL, DEFAULT_BACKWARD_GOAL)),
                backward_minutes_goal=int(
                    merged.get(CONF_BACKWARD_MINUTES_GOAL, DEFAULT_BACKWARD_MINUTES_GOAL)
                ),
            ),
        )
