"""Constants for the Retrowalk integration."""

from dataclasses import dataclass
from datetime import time
from typing import Final

DOMAIN: Final = "retrowalk"

CONF_PROTOCOL: Final = "protocol"
CONF_PLACEMENT: Final = "placement"
CONF_CALIBRATION: Final = "calibration"
CONF_FORWARD_GOAL: Final = "forward_goal"
CONF_BACKWARD_GOAL: Final = "backward_goal"
CONF_BACKWARD_MINUTES_GOAL: Final = "backward_minutes_goal"
CONF_SEDENTARY_MINUTES: Final = "sedentary_minutes"
CONF_ACTIVE_START: Final = "active_start"
CONF_ACTIVE_END: Final = "active_end"
CONF_EQUIVALENCE: Final = "backward_equivalence"
CONF_MAX_NUDGES: Final = "max_nudges_per_day"

DEFAULT_FORWARD_GOAL: Final = 8000
DEFAULT_BACKWARD_GOAL: Final = 500
DEFAULT_BACKWARD_MINUTES_GOAL: Final = 10
DEFAULT_SEDENTARY_MINUTES: Final = 60
DEFAULT_ACTIVE_START: Final = time(8, 0)
DEFAULT_ACTIVE_END: Final = time(21, 0)
# "100 backward steps are worth about 1000 forward ones": a rule of thumb, not a measurement.
DEFAULT_EQUIVALENCE: Final = 10.0
DEFAULT_MAX_NUDGES: Final = 6
# Minutes the snooze button and the snooze action (without `minutes`) silence nudges for;
# services.yaml and the blueprint repeat it in YAML (tests/test_options.py checks they agree).
DEFAULT_SNOOZE_MINUTES: Final = 30

# Entities follow a walk at most this often, so the recorder is not flooded while walking.
UPDATE_INTERVAL_WHILE_WALKING: Final = 2.0
# Seconds bleak-retry-connector may spend on one connection attempt.
CONNECT_TIMEOUT: Final = 20.0
RECONNECT_BACKOFF: Final = (2.0, 5.0, 15.0, 30.0, 60.0)
# A wearable not heard from for this long raises a repair issue.
NOT_SEEN_REPAIR_HOURS: Final = 24

UNIT_STEPS: Final = "steps"
UNIT_MINUTES: Final = "min"  # Home Assistant's UnitOfTime.MINUTES (const.py stays HA-free)


@dataclass(frozen=True, slots=True)
class NumberOption:
    """A numeric option's one declaration: the options form and the goal numbers derive from it.

    The default's type (int or float) is the type the option is stored as.
    """

    default: int | float
    low: float
    high: float
    step: float
    unit: str | None = None


NUMBER_OPTIONS: Final[dict[str, NumberOption]] = {
    CONF_BACKWARD_GOAL: NumberOption(DEFAULT_BACKWARD_GOAL, 0, 20000, 50, UNIT_STEPS),
    CONF_BACKWARD_MINUTES_GOAL: NumberOption(
        DEFAULT_BACKWARD_MINUTES_GOAL, 0, 120, 1, UNIT_MINUTES
    ),
    CONF_FORWARD_GOAL: NumberOption(DEFAULT_FORWARD_GOAL, 0, 100000, 500, UNIT_STEPS),
    CONF_SEDENTARY_MINUTES: NumberOption(DEFAULT_SEDENTARY_MINUTES, 1, 480, 1, UNIT_MINUTES),
    CONF_MAX_NUDGES: NumberOption(DEFAULT_MAX_NUDGES, 0, 24, 1),
    CONF_EQUIVALENCE: NumberOption(DEFAULT_EQUIVALENCE, 1, 50, 0.5),
}

# Every option's default, shared by the options form and Settings (placement has none: the config
# flow always stores the one the user chose).
OPTION_DEFAULTS: Final[dict[str, object]] = {
    **{key: option.default for key, option in NUMBER_OPTIONS.items()},
    CONF_ACTIVE_START: DEFAULT_ACTIVE_START.isoformat(),
    CONF_ACTIVE_END: DEFAULT_ACTIVE_END.isoformat(),
}
