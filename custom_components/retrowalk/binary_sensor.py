"""Sedentary and connection state."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .coordinator import RetrowalkConfigEntry, RetrowalkCoordinator
from .entity import RetrowalkEntity

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class RetrowalkBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor and how to read it."""

    is_on_fn: Callable[[RetrowalkCoordinator], bool]


BINARY_SENSORS: tuple[RetrowalkBinarySensorDescription, ...] = (
    RetrowalkBinarySensorDescription(
        key="sedentary",
        translation_key="sedentary",
        is_on_fn=lambda c: c.nudges.is_sedentary(dt_util.now()),
    ),
    RetrowalkBinarySensorDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda c: c.connection.connected,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetrowalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors of one wearable."""
    coordinator = entry.runtime_data
    async_add_entities(RetrowalkBinarySensor(coordinator, d) for d in BINARY_SENSORS)


class RetrowalkBinarySensor(RetrowalkEntity, BinarySensorEntity):
    """A yes/no state of the wearer or the wearable."""

    entity_description: RetrowalkBinarySensorDescription

    @property
    @override
    def is_on(self) -> bool:
        return self.entity_description.is_on_fn(self.coordinator)
