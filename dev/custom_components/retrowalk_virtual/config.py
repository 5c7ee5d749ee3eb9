"""configuration.yaml schema of the virtual wearable: `retrowalk_virtual:` and its settings."""

from homeassistant.helpers import config_validation as cv
import probatio as vol

from custom_components.retrowalk.gait.types import Placement

DOMAIN = "retrowalk_virtual"
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
CONFIG_SCHEMA = vol.Schema({vol.Optional(DOMAIN): VIRTUAL_SCHEMA}, extra=vol.ALLOW_EXTRA)
