"""The user's choices (the config entry's options) as one typed value."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Any, Self

from homeassistant.config_entries import ConfigEntry
from homeassistant.exceptions import ConfigEntryError

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
    DEFAULT_EQUIVALENCE,
    DEFAULT_FORWARD_GOAL,
    DOMAIN,
    OPTION_DEFAULTS,
)
from .gait import Placement
from .nudge import NudgeSettings
from .persist import MALFORMED


def _time(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Placement, goals and nudge preferences of one wearable."""

    placement: Placement
    forward_goal: int = DEFAULT_FORWARD_GOAL
    equivalence: float = DEFAULT_EQUIVALENCE
    nudge: NudgeSettings = field(default_factory=NudgeSettings)

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Self:
        """The entry's options (placement always among them), defaults for the rest."""
        merged = {**OPTION_DEFAULTS, **options}
        return cls(
            placement=Placement(merged[CONF_PLACEMENT]),
            forward_goal=int(merged[CONF_FORWARD_GOAL]),
            equivalence=float(merged[CONF_EQUIVALENCE]),
            nudge=NudgeSettings(
                sedentary_minutes=int(merged[CONF_SEDENTARY_MINUTES]),
                active_start=_time(merged[CONF_ACTIVE_START]),
                active_end=_time(merged[CONF_ACTIVE_END]),
                max_per_day=int(merged[CONF_MAX_NUDGES]),
                backward_goal=int(merged[CONF_BACKWARD_GOAL]),
                backward_minutes_goal=int(merged[CONF_BACKWARD_MINUTES_GOAL]),
            ),
        )

    @classmethod
    def of_entry(cls, entry: ConfigEntry) -> Self:
        """The entry's settings; unreadable options fail its setup with a clear message.

        Saving the options flow then sets the failed entry up again (config_flow.py).
        """
        try:
            return cls.from_options(entry.options)
        except MALFORMED as err:  # edited by hand, or written by a newer version (a downgrade)
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="invalid_options",
                translation_placeholders={"name": entry.title, "error": repr(err)},
            ) from err
