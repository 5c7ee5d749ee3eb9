"""Buttons: calibration walk, walk test, backward session, snooze."""

from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from .common import PREFIX, MakeWearable, Walk, entry_for, setup_entry, setup_scene, state, tick


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
    """Every button: state, unit, device and state class, on the scene of tests/common.py."""
    with patch("custom_components.retrowalk.PLATFORMS", [Platform.BUTTON]):
        await setup_scene(hass, mock_config_entry, make_wearable, freezer, hass_storage)
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_calibration_button_and_finished_calibration(
    hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk, freezer: FrozenDateTimeFactory
) -> None:
    device = make_wearable("forward:200", loop=False)
    await setup_entry(hass, entry_for())
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{PREFIX}_start_calibration_walk"}, blocking=True
    )
    await hass.async_block_till_done()
    assert state(hass, f"sensor.{PREFIX}_calibration").state == "calibrating"
    await walk(device, 30)
    await tick(hass, freezer, 31)
    assert state(hass, f"sensor.{PREFIX}_calibration").state == "calibrated"


async def test_snooze_button_holds_nudges(hass: HomeAssistant, make_wearable: MakeWearable) -> None:
    make_wearable()
    coordinator = await setup_entry(hass, entry_for())
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{PREFIX}_snooze_nudges"}, blocking=True
    )
    assert coordinator.nudges.snoozed_until is not None
    assert coordinator.nudges.snoozed_until > dt_util.now() + timedelta(minutes=29)
