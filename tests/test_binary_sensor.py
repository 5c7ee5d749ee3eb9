"""Binary sensors: sedentary and connected."""

from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from .common import PREFIX, MakeWearable, entry_for, setup_entry, setup_scene, state, wait_for


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_all_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    make_wearable: MakeWearable,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Every binary sensor: state, unit, device and state class, on the scene of tests/common.py."""
    with patch("custom_components.retrowalk.PLATFORMS", [Platform.BINARY_SENSOR]):
        await setup_scene(hass, mock_config_entry, make_wearable, freezer, hass_storage)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_connected_follows_the_link(hass: HomeAssistant, make_wearable: MakeWearable) -> None:
    device = make_wearable()
    coordinator = await setup_entry(hass, entry_for())
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
