"""Starts the virtual wearable from configuration.yaml and registers its control actions.

```yaml
retrowalk_virtual:
  scenario: demo        # preset, "sit:30s,forward:40,backward:20", or a list of segments
  placement: foot
  speed: 1.0            # wearer time per wall-clock second (compresses a day for tests)
```
"""

from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.components import bluetooth
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import (
    CALLBACK_TYPE,
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

from custom_components.retrowalk.gait.types import Placement

from .client import DEVICES
from .config import DOMAIN
from .device import FAULTS, SUPPORTED_RATE, VirtualWearable
from .model import parse_scenario
from .runner import RealtimeRunner
from .scanner import VirtualProxyScanner

_LOGGER = logging.getLogger(__name__)

ADVERTISE_EVERY = timedelta(seconds=1)

PLAY_SCHEMA = vol.Schema(
    {
        vol.Required("scenario"): vol.Any(cv.string, [dict]),
        vol.Optional("speed"): vol.All(vol.Coerce(float), vol.Range(min=0.01, max=1000)),
        vol.Optional("loop"): cv.boolean,
    }
)
FAULT_SCHEMA = vol.Schema(
    {
        vol.Required("fault"): vol.In(list(FAULTS)),
        vol.Optional("count", default=1): vol.All(vol.Coerce(int), vol.Range(min=1, max=100)),
    }
)


async def async_setup_virtual_wearable(hass: HomeAssistant, conf: dict[str, Any]) -> None:
    """Register the virtual proxy and wearable (`retrowalk_virtual:` in YAML)."""
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
    detach = async_attach_virtual_wearable(hass, device)
    runner = RealtimeRunner(device, speed=conf["speed"])
    runner.start(hass.loop)
    _register_actions(hass, device, runner)
    _LOGGER.info("Virtual wearable %s started (%s)", device.name, device.placement)

    @callback
    def _stop(_event: Event) -> None:
        runner.stop()
        detach()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _stop)


@callback
def async_attach_virtual_wearable(hass: HomeAssistant, device: VirtualWearable) -> CALLBACK_TYPE:
    """Make a device discoverable and connectable through a virtual proxy; returns a detach."""
    scanner = VirtualProxyScanner()
    unsubs = [
        scanner.async_setup(),
        bluetooth.async_register_scanner(hass, scanner, connection_slots=2),
    ]
    DEVICES[device.address] = device

    @callback
    def _advertise(_now: datetime | None = None) -> None:
        scanner.advertise(device)

    _advertise()
    unsubs.append(async_track_time_interval(hass, _advertise, ADVERTISE_EVERY))

    @callback
    def _detach() -> None:
        device.drop_link()
        for unsub in unsubs:
            unsub()
        DEVICES.pop(device.address, None)

    return _detach


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
            case "hang":
                device.hang_connections = call.data["count"]

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

    hass.services.async_register(DOMAIN, "play", play, PLAY_SCHEMA)
    hass.services.async_register(DOMAIN, "fault", fault, FAULT_SCHEMA)
    hass.services.async_register(DOMAIN, "truth", truth, supports_response=SupportsResponse.ONLY)
