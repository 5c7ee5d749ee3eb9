"""Buttons: calibration walk, walk test, backward session, snooze."""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .common import PREFIX, SnapshotEntities, Start, Walk, press, state, tick


async def test_all_entities(snapshot_entities: SnapshotEntities) -> None:
    """Every button: state, unit, device and state class, on the scene of tests/common.py."""
    await snapshot_entities(Platform.BUTTON)


async def test_calibration_button_and_finished_calibration(
    hass: HomeAssistant, start: Start, walk: Walk, freezer: FrozenDateTimeFactory
) -> None:
    device, _, _ = await start("forward:200", loop=False)
    await press(hass, f"button.{PREFIX}_start_calibration_walk")
    assert state(hass, f"sensor.{PREFIX}_calibration").state == "calibrating"
    await walk(device, 30)
    await tick(hass, freezer, 31)
    assert state(hass, f"sensor.{PREFIX}_calibration").state == "calibrated"


async def test_snooze_button_holds_nudges(hass: HomeAssistant, start: Start) -> None:
    _, coordinator, _ = await start()
    await press(hass, f"button.{PREFIX}_snooze_nudges")
    assert coordinator.nudges.snoozed_until is not None
    assert coordinator.nudges.snoozed_until > dt_util.now() + timedelta(minutes=29)
