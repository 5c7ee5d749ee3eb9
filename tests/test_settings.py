"""settings.py: the entry's options as one typed value."""

from datetime import time

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
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

from .common import NAME, entry_for


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
    assert entry.reason.endswith("); set them again in its options")
