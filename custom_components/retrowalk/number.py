"""Daily goals as number entities (changed often, so not buried in the options)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, UnitOfTime

from .const import CONF_BACKWARD_GOAL, CONF_BACKWARD_MINUTES_GOAL, CONF_FORWARD_GOAL, NUMBER_OPTIONS
from .entity import RetrowalkEntity, platform_setup
from .settings import Settings

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class RetrowalkNumberDescription(NumberEntityDescription):
    """A goal stored in the entry's options."""

    option: str
    value_fn: Callable[[Settings], int]


def _goal(option: str, value_fn: Callable[[Settings], int]) -> RetrowalkNumberDescription:
    """A goal number with the range, step and unit its option declares (key = option)."""
    declared = NUMBER_OPTIONS[option]
    return RetrowalkNumberDescription(
        key=option,
        translation_key=option,
        option=option,
        native_min_value=declared.low,
        native_max_value=declared.high,
        native_step=declared.step,
        native_unit_of_measurement=declared.unit,
        # A goal in minutes is a duration (the frontend then shows and converts it as one).
        device_class=NumberDeviceClass.DURATION if declared.unit == UnitOfTime.MINUTES else None,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        value_fn=value_fn,
    )


NUMBERS: tuple[RetrowalkNumberDescription, ...] = (
    _goal(CONF_BACKWARD_GOAL, lambda s: s.nudge.backward_goal),
    _goal(CONF_BACKWARD_MINUTES_GOAL, lambda s: s.nudge.backward_minutes_goal),
    _goal(CONF_FORWARD_GOAL, lambda s: s.forward_goal),
)


class RetrowalkNumber(RetrowalkEntity, NumberEntity):
    """A daily goal."""

    entity_description: RetrowalkNumberDescription

    @property
    @override
    def native_value(self) -> float:
        return self.entity_description.value_fn(self.coordinator.data.settings)

    @override
    async def async_set_native_value(self, value: float) -> None:
        entry = self.coordinator.config_entry
        options = {**entry.options, self.entity_description.option: int(value)}
        # The entry's update listener applies the new options live (no reload).
        self.hass.config_entries.async_update_entry(entry, options=options)


async_setup_entry = platform_setup(RetrowalkNumber, NUMBERS)
