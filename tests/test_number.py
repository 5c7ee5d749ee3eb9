"""Number entities: goals and nudge settings, written to the options live."""

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from custom_components.retrowalk.const import CONF_BACKWARD_GOAL

from .common import PREFIX, SnapshotEntities, Start, state


async def test_all_entities(snapshot_entities: SnapshotEntities) -> None:
    """Every number: state, unit, device and state class, on the scene of tests/common.py."""
    await snapshot_entities(Platform.NUMBER)


async def test_goal_numbers_change_options_live(hass: HomeAssistant, start: Start) -> None:
    _, coordinator, entry = await start()
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
