"""Actions: snooze nudges; start a calibration walk, a backward walk test or session."""

from collections.abc import Callable
import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import probatio as vol

from .const import DEFAULT_SNOOZE_MINUTES, DOMAIN
from .coordinator import RetrowalkCoordinator

_LOGGER = logging.getLogger(__name__)

ATTR_DEVICE_ID = "device_id"
ATTR_MINUTES = "minutes"

SNOOZE_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_DEVICE_ID): cv.string,
        vol.Optional(ATTR_MINUTES, default=DEFAULT_SNOOZE_MINUTES): vol.All(
            vol.Coerce(float), vol.Range(min=1, max=1440)
        ),
    }
)
CALIBRATE_SCHEMA = vol.Schema({vol.Optional(ATTR_DEVICE_ID): cv.string})


def _coordinators(hass: HomeAssistant, device_id: str | None) -> list[RetrowalkCoordinator]:
    """The loaded wearables an action targets: one device, or all when none is given."""
    entries = [
        e for e in hass.config_entries.async_entries(DOMAIN) if e.state is ConfigEntryState.LOADED
    ]
    if device_id is not None:
        device = dr.async_get(hass).async_get(device_id)
        # A device belongs to one config entry (DeviceEntry.config_entries is deprecated, gone in
        # Home Assistant 2027.10).
        entries = [e for e in entries if device and e.entry_id == device.config_entry_id]
        if not entries:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_device",
                translation_placeholders={"device_id": device_id},
            )
    if not entries:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="no_wearable")
    return [e.runtime_data for e in entries]


async def _async_snooze(call: ServiceCall) -> ServiceResponse:
    until = [
        c.async_snooze(call.data[ATTR_MINUTES])
        for c in _coordinators(call.hass, call.data.get(ATTR_DEVICE_ID))
    ]
    return {"snoozed_until": max(until).isoformat()}


def _on_each(call: ServiceCall, action: Callable[[RetrowalkCoordinator], None]) -> None:
    """Run `action` on the wearable named, or on every one.

    Without a device named, a wearable that cannot (a watch asked for the walk test, one out of
    range) must not stop the others: its reason is logged, and raised only when none could.
    """
    coordinators = _coordinators(call.hass, call.data.get(ATTR_DEVICE_ID))
    refused: list[ServiceValidationError] = []
    for coordinator in coordinators:
        try:
            action(coordinator)
        except ServiceValidationError as err:
            _LOGGER.info("%s not started on %s: %s", call.service, coordinator.name, err)
            refused.append(err)
    if len(refused) == len(coordinators):
        raise refused[0]


def _calibrate(coordinator: RetrowalkCoordinator) -> None:
    if not coordinator.connection.connected:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_connected",
            translation_placeholders={"name": coordinator.name},
        )
    coordinator.async_start_calibration()


async def _async_start_walk_test(call: ServiceCall) -> None:
    _on_each(call, RetrowalkCoordinator.async_start_walk_test)


async def _async_start_session(call: ServiceCall) -> None:
    _on_each(call, RetrowalkCoordinator.async_start_session)


async def _async_calibrate(call: ServiceCall) -> None:
    _on_each(call, _calibrate)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions once for the integration."""
    hass.services.async_register(
        DOMAIN, "snooze", _async_snooze, SNOOZE_SCHEMA, supports_response=SupportsResponse.OPTIONAL
    )
    hass.services.async_register(DOMAIN, "calibrate", _async_calibrate, CALIBRATE_SCHEMA)
    hass.services.async_register(
        DOMAIN, "start_backward_walk_test", _async_start_walk_test, CALIBRATE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, "start_backward_session", _async_start_session, CALIBRATE_SCHEMA
    )
