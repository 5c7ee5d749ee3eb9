"""Actions: snooze and calibrate, and how they find their wearable."""

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest

from custom_components.retrowalk.const import DOMAIN
from custom_components.retrowalk.coordinator import RetrowalkCoordinator
from custom_components.retrowalk.gait import Placement

from .common import ADDRESS, MakeWearable, entry_for, setup_entry, wait_for

OTHER = "D0:5E:57:1A:00:02"


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


async def test_without_a_device_one_wearable_that_cannot_does_not_stop_the_others(
    hass: HomeAssistant, make_wearable: MakeWearable, caplog: pytest.LogCaptureFixture
) -> None:
    """Two wearables, an action asked of "every wearable": the one out of range cannot and says
    so in the log; the other starts. Only when none can is the error raised."""
    make_wearable()
    shoe = await setup_entry(hass, entry_for(Placement.FOOT))
    belt = entry_for(Placement.WAIST, address=OTHER, title="Belt")  # no such wearable in range
    belt.add_to_hass(hass)
    assert await hass.config_entries.async_setup(belt.entry_id)
    await hass.async_block_till_done()
    away: RetrowalkCoordinator = belt.runtime_data
    assert not away.connection.connected
    await hass.services.async_call(DOMAIN, "start_backward_walk_test", {}, blocking=True)
    assert shoe.backward.walk_test is not None
    assert away.backward.walk_test is None
    assert f"start_backward_walk_test not started on {away.name}" in caplog.text
    await hass.services.async_call(DOMAIN, "calibrate", {}, blocking=True)
    assert shoe.stream.engine.calibration.active
    assert not away.stream.engine.calibration.active

    assert await hass.config_entries.async_unload(shoe.config_entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "start_backward_session", {}, blocking=True)
    assert err.value.translation_key == "needs_connection"
