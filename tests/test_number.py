"""Number entities: goals and nudge settings, written to the options live."""

from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.retrowalk.const import CONF_BACKWARD_GOAL

from .common import PREFIX, MakeWearable, entry_for, setup_entry, setup_scene, state


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
    """Every number: state, unit, device and state class, on the scene of tests/common.py."""
    with patch("custom_components.retrowalk.PLATFORMS", [Platform.NUMBER]):
        await setup_scene(hass, mock_config_entry, make_wearable, freezer, hass_storage)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_goal_numbers_change_options_live(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable()
    entry = entry_for()
    coordinator = await setup_entry(hass, entry)
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": f"number.{PREFIX}_backward_steps_goal", "value": 800},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert entry.options[CONF_BACKWARD_GOAL] == 800
    assert coordinator.settings.nudge.backward_goal == 800
    assert float(state(hass, f"number.{PREFIX}_backward_steps_goal").state) == 800
    assert coordinator is entry.runtime_data  # applied without a reload
