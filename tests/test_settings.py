"""settings.py: the entry's options as one typed value."""

from datetime import time
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.retrowalk.const import (
    CONF_ACTIVE_END,
    CONF_ACTIVE_START,
    CONF_BACKWARD_GOAL,
    CONF_BACKWARD_MINUTES_GOAL,
    CONF_EQUIVALENCE,
    CONF_FORWARD_GOAL,
    CONF_MAX_NUDGES,
    CONF_PLACEMENT,
    CONF_SEDENTARY_MINUTES,
    OPTION_DEFAULTS,
)
from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk.nudge import NudgeSettings
from custom_components.retrowalk.settings import Settings

from .common import NAME, MakeWearable, entry_for, setup_entry


def test_only_a_placement_takes_every_default() -> None:
    settings = Settings.from_options({CONF_PLACEMENT: "wrist"})
    assert settings.placement is Placement.WRIST
    assert settings.forward_goal == OPTION_DEFAULTS[CONF_FORWARD_GOAL]
    assert settings.equivalence == OPTION_DEFAULTS[CONF_EQUIVALENCE]
    # The options' defaults and the dataclasses' defaults are one and the same.
    assert settings == Settings(placement=Placement.WRIST)
    assert settings.nudge == NudgeSettings()


def test_every_option_is_read_and_typed() -> None:
    # Numbers come back from the number entities and the form as floats, times as text.
    settings = Settings.from_options(
        {
            CONF_PLACEMENT: "shank",
            CONF_FORWARD_GOAL: 6000.0,
            CONF_EQUIVALENCE: 12,
            CONF_SEDENTARY_MINUTES: 45.0,
            CONF_ACTIVE_START: "07:30:00",
            CONF_ACTIVE_END: time(22, 15),
            CONF_MAX_NUDGES: 3.0,
            CONF_BACKWARD_GOAL: 250.0,
            CONF_BACKWARD_MINUTES_GOAL: 7.0,
        }
    )
    assert settings == Settings(
        placement=Placement.SHANK,
        forward_goal=6000,
        equivalence=12.0,
        nudge=NudgeSettings(
            sedentary_minutes=45,
            active_start=time(7, 30),
            active_end=time(22, 15),
            max_per_day=3,
            backward_goal=250,
            backward_minutes_goal=7,
        ),
    )
    assert isinstance(settings.forward_goal, int)
    assert isinstance(settings.equivalence, float)
    assert isinstance(settings.nudge.max_per_day, int)


@pytest.mark.parametrize(
    "options",
    [{}, {CONF_PLACEMENT: "ankle"}, {CONF_PLACEMENT: "foot", CONF_ACTIVE_START: "late"}],
)
def test_bad_options_raise(options: dict[str, object]) -> None:
    """No placement, an unknown one or an unreadable time is an error, not a silent default."""
    with pytest.raises((KeyError, ValueError)):
        Settings.from_options(options)


def test_settings_are_frozen() -> None:
    settings = Settings(placement=Placement.FOOT)
    with pytest.raises(AttributeError):
        settings.forward_goal = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({CONF_PLACEMENT: "ankle"}, "'ankle' is not a valid Placement"),  # a newer version's
        ({CONF_PLACEMENT: "foot", CONF_ACTIVE_START: "late"}, "'late'"),
    ],
)
async def test_unreadable_options_fail_the_setup_clearly(
    hass: HomeAssistant, enable_bluetooth: object, options: dict[str, str], error: str
) -> None:
    entry = entry_for()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=options)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert entry.reason.startswith(f"The options of {NAME} cannot be read (")
    assert error in entry.reason
    assert entry.reason.endswith("); save them again in its options to set it up again")


async def test_saving_options_sets_up_an_entry_that_failed_on_unreadable_ones(
    hass: HomeAssistant, enable_bluetooth: object, make_wearable: MakeWearable
) -> None:
    """A failed setup has no update listener: saving readable options must set it up again."""
    make_wearable("sit:600s", placement=Placement.FOOT, loop=True, seed=1)
    entry = entry_for()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={CONF_PLACEMENT: "foot", CONF_ACTIVE_START: "late"}
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PLACEMENT: "foot", CONF_ACTIVE_START: "07:30:00"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_ACTIVE_START] == "07:30:00"
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.settings.nudge.active_start.hour == 7
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_saving_options_of_a_loaded_entry_applies_them_without_a_reload(
    hass: HomeAssistant, enable_bluetooth: object, make_wearable: MakeWearable
) -> None:
    make_wearable("sit:600s", placement=Placement.FOOT, loop=True, seed=1)
    coordinator = await setup_entry(hass, entry_for())
    entry = coordinator.config_entry
    with patch.object(hass.config_entries, "async_schedule_reload") as reload:
        result = await hass.config_entries.options.async_init(entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_PLACEMENT: "foot", CONF_SEDENTARY_MINUTES: 45}
        )
        await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    reload.assert_not_called()
    assert entry.runtime_data is coordinator
    assert coordinator.settings.nudge.sedentary_minutes == 45
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_sets_up_an_entry_that_failed_on_an_unreadable_placement(
    hass: HomeAssistant, enable_bluetooth: object, make_wearable: MakeWearable
) -> None:
    """As saving the options does: reconfigure stores the placement and sets the entry up again
    (no update listener was left to apply it)."""
    make_wearable("sit:600s", placement=Placement.WAIST, loop=True, seed=1)
    entry = entry_for()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={CONF_PLACEMENT: "ankle"})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PLACEMENT: "waist"}
    )
    await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.placement is Placement.WAIST
