"""Starts the virtual wearable from configuration.yaml and registers its control actions.

```yaml
retrowalk:
  virtual_wearable:
    scenario: demo        # preset, "sit:30s,forward:40,backward:20", or a list of segments
    placement: foot
    speed: 1.0            # wearer time per wall-clock second (compresses a day for tests)
```
"""

from datetime import timedelta
import logging
from typing import Any

from homeassistant.components import bluetooth
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import (
    Event,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.event import async_track_time_interval
import probatio as vol

from ..const import DOMAIN
from ..gait.types import Placement
from .client import DEVICES
from .device import SUPPORTED_RATE, VirtualWearable
from .model import parse_scenario
from .runner import RealtimeRunner
from .scanner import VirtualProxyScanner

_LOGGER = logging.getLogger(__name__)

CONF_VIRTUAL = "virtual_wearable"
DEFAULT_ADDRESS = "D0:5E:57:1A:00:01"
DEFAULT_NAME = "Retrowalk IMU Virtual"
ADVERTISE_EVERY = timedelta(seconds=1)

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

PLAY_SCHEMA = vol.Schema(
    {
        vol.Required("scenario"): vol.Any(cv.string, [dict]),
        vol.Optional("speed"): vol.All(vol.Coerce(float), vol.Range(min=0.01, max=1000)),
        vol.Optional("loop"): cv.boolean,
    }
)
FAULT_SCHEMA = vol.Schema(
    {
        vol.Required("fault"): vol.In(["drop_link", "out_of_range", "in_range", "refuse"]),
        vol.Optional("count", default=1): vol.All(vol.Coerce(int), vol.Range(min=1, max=100)),
    }
)


async def async_setup_virtual_wearable(hass: HomeAssistant, config: dict[str, Any]) -> None:
    """Register the virtual proxy and wearable when configured."""
    conf = config.get(CONF_VIRTUAL)
    if conf is None:
        return
    try:
        scenario = parse_scenario(conf["scenario"])
    except ValueError as err:
        _LOGGER.error("Virtual wearable not started: bad scenario: %s", err)
        return
    device = VirtualWearable(
        address=conf["address"],
        name=conf["name"],
        placement=Placement(conf["placement"]),
        scenario=scenario,
        seed=conf["seed"],
        loop=conf["loop"],
    )
    scanner = VirtualProxyScanner()
    unsubs = [
        scanner.async_setup(),
        bluetooth.async_register_scanner(hass, scanner, connection_slots=2),
    ]
    DEVICES[device.address] = device
    runner = RealtimeRunner(device, speed=conf["speed"])
    runner.start(hass.loop)
    scanner.advertise(device)
    unsubs.append(
        async_track_time_interval(hass, lambda _now: scanner.advertise(device), ADVERTISE_EVERY)
    )
    _register_actions(hass, device, runner)
    _LOGGER.info("Virtual wearable %s started (%s)", device.name, device.placement)

    @callback
    def _stop(_event: Event | None = None) -> None:
        runner.stop()
        for unsub in unsubs:
            unsub()
        DEVICES.pop(device.address, None)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _stop)


def _register_actions(hass: HomeAssistant, device: VirtualWearable, runner: RealtimeRunner) -> None:
    async def play(call: ServiceCall) -> None:
        try:
            scenario = parse_scenario(call.data["scenario"])
        except ValueError as err:
            raise ServiceValidationError(str(err)) from err
        device.play(scenario, loop=call.data.get("loop"))
        if "speed" in call.data:
            runner.speed = call.data["speed"]

    async def fault(call: ServiceCall) -> None:
        match call.data["fault"]:
            case "drop_link":
                device.drop_link()
            case "out_of_range":
                device.in_range = False
                device.drop_link()
            case "in_range":
                device.in_range = True
            case "refuse":
                device.refuse_connections = call.data["count"]

    async def truth(call: ServiceCall) -> ServiceResponse:
        return {
            "delivered": {str(k): v for k, v in device.truth.delivered.items()},
            "missed": {str(k): v for k, v in device.truth.missed.items()},
            "frames": device.truth.frames,
            "samples": device.truth.samples,
            "model_seconds": round(device.model_seconds, 3),
            "rate": SUPPORTED_RATE,
            "connected": device.connected,
            "scenario_finished": device.scenario_finished,
        }

    hass.services.async_register(DOMAIN, "virtual_wearable_play", play, PLAY_SCHEMA)
    hass.services.async_register(DOMAIN, "virtual_wearable_fault", fault, FAULT_SCHEMA)
    hass.services.async_register(
        DOMAIN, "virtual_wearable_truth", truth, supports_response=SupportsResponse.ONLY
    )
