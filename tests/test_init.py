"""The integration sets up and unloads in a test Home Assistant."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .conftest import entry_for


async def test_setup_and_unload_without_the_wearable(
    hass: HomeAssistant, enable_bluetooth: object
) -> None:
    """Setup does not wait for a wearable that is away; unloading stops the connection attempts."""
    entry = entry_for()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.retrowalk_imu_test_forward_steps_today").state == "0"
    assert hass.states.get("sensor.retrowalk_imu_test_cadence").state == "unavailable"
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_entry_with_unknown_protocol_fails_clearly(
    hass: HomeAssistant, enable_bluetooth: object
) -> None:
    entry = entry_for()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "protocol": "nope"})
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == "Unknown wearable protocol nope; remove and re-add the wearable"
