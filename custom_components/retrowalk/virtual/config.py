"""configuration.yaml schema of the virtual wearable (kept apart so loading it stays cheap)."""

from homeassistant.helpers import config_validation as cv
import probatio as vol

from ..const import DOMAIN
from ..gait.types import Placement

CONF_VIRTUAL = "virtual_wearable"
DEFAULT_ADDRESS = "D0:5E:57:1A:00:01"
DEFAULT_NAME = "Retrowalk IMU Virtual"

VIRTUAL_SCHEMA = vol.Schema(
    {
        vol.Optional("address", default=DEFAULT_ADDRESS): cv.string,
        vol.Optional("name", default=DEFAULT_NAME): cv.string,
        vol.Optional("placement", default=Placement.FOOT.value): vol.In(
            [p.value for p in Placement]
        ),
        vol.Optional("scenario", default="demo"): vol.Any(cv.string, [dict]),
        vol.Optional("speed", default=1.0): vol.All(
            vol.Coerce(float), vol.Range(min=0.01, max=1000)
        ),
        vol.Optional("loop", default=True): cv.boolean,
        vol.Optional("seed", default=0): vol.Coerce(int),
    }
)
CONFIG_SCHEMA = vol.Schema(
    {DOMAIN: vol.Schema({vol.Optional(CONF_VIRTUAL): VIRTUAL_SCHEMA})}, extra=vol.ALLOW_EXTRA
)
