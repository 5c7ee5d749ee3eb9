"""Constants for the Retrowalk integration."""

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

# Entities follow a walk at most this often, so the recorder is not flooded while walking.
UPDATE_INTERVAL_WHILE_WALKING: Final = 2.0
# Seconds bleak-retry-connector may spend on one connection attempt.
CONNECT_TIMEOUT: Final = 20.0
RECONNECT_BACKOFF: Final = (2.0, 5.0, 15.0, 30.0, 60.0)
# A wearable not heard from for this long raises a repair issue.
NOT_SEEN_REPAIR_HOURS: Final = 24

# Every option's default, shared by the options form and Settings.
OPTION_DEFAULTS: Final[dict[str, object]] = {
    CONF_BACKWARD_GOAL: DEFAULT_BACKWARD_GOAL,
    CONF_BACKWARD_MINUTES_GOAL: DEFAULT_BACKWARD_MINUTES_GOAL,
    CONF_FORWARD_GOAL: DEFAULT_FORWARD_GOAL,
    CONF_SEDENTARY_MINUTES: DEFAULT_SEDENTARY_MINUTES,
    CONF_ACTIVE_START: DEFAULT_ACTIVE_START.isoformat(),
    CONF_ACTIVE_END: DEFAULT_ACTIVE_END.isoformat(),
    CONF_MAX_NUDGES: DEFAULT_MAX_NUDGES,
    CONF_EQUIVALENCE: DEFAULT_EQUIVALENCE,
}
