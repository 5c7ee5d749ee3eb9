"""Binary sensors: sedentary and connected."""

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from .common import PREFIX, SnapshotEntities, Start, state, wait_for


async def test_all_entities(snapshot_entities: SnapshotEntities) -> None:
    """Every binary sensor: state, unit, device and state class, on the scene of tests/common.py."""
    await snapshot_entities(Platform.BINARY_SENSOR)


async def test_connected_follows_the_link(hass: HomeAssistant, start: Start) -> None:
    device, coordinator, _ = await start()
    connected = f"binary_sensor.{PREFIX}_connectivity"
    assert state(hass, connected).state == "on"
    assert state(hass, f"binary_sensor.{PREFIX}_sedentary").state == "off"
    device.in_range = False
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    await hass.async_block_till_done()
    # Diagnostic entities stay available: "off" is the answer, not "unavailable".
    assert state(hass, connected).state == "off"
    device.in_range = True
    await wait_for(lambda: coordinator.connection.connected, 10)
    await hass.async_block_till_done()
    assert state(hass, connected).state == "on"
