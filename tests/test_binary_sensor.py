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

from .common import MakeWearable, setup_scene


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
