"""Actions: snooze and calibrate, and how they find their wearable."""

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest

from custom_components.retrowalk.const import DOMAIN

from .common import ADDRESS, MakeWearable, entry_for, setup_entry, wait_for


async def test_actions_validate_their_target(
    hass: HomeAssistant, make_wearable: MakeWearable, caplog: pytest.LogCaptureFixture
) -> None:
    device = make_wearable()
    entry = entry_for()
    coordinator = await setup_entry(hass, entry)
    device_entry = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, ADDRESS.lower()), entry.entry_id
    )
    assert device_entry is not None
    await hass.services.async_call(
        DOMAIN, "snooze", {"device_id": device_entry.id, "minutes": 10}, blocking=True
    )
    assert coordinator.nudges.snoozed_until is not None
    # Targeting a device must not use the device registry's deprecated multi-entry access.
    assert "which is deprecated" not in caplog.text
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "snooze", {"device_id": "nope"}, blocking=True)
    assert err.value.translation_key == "unknown_device"

    await hass.services.async_call(
        DOMAIN, "calibrate", {"device_id": device_entry.id}, blocking=True
    )
    assert coordinator.stream.engine.calibration.active
    device.in_range = False
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "calibrate", {}, blocking=True)
    assert err.value.translation_key == "not_connected"

    assert await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "snooze", {}, blocking=True)
    assert err.value.translation_key == "no_wearable"
