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

from .data import RetrowalkData
from .entity import RetrowalkEntity, platform_setup

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class RetrowalkBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor and how to read it."""

    is_on_fn: Callable[[RetrowalkData], bool]


BINARY_SENSORS: tuple[RetrowalkBinarySensorDescription, ...] = (
    RetrowalkBinarySensorDescription(
        key="sedentary",
        translation_key="sedentary",
        is_on_fn=lambda d: d.sedentary,
    ),
    RetrowalkBinarySensorDescription(
        key="connected",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda d: d.connected,
    ),
)


class RetrowalkBinarySensor(RetrowalkEntity, BinarySensorEntity):
    """A yes/no state of the wearer or the wearable."""

    entity_description: RetrowalkBinarySensorDescription

    @property
    @override
    def is_on(self) -> bool:
        return self.entity_description.is_on_fn(self.coordinator.data)


async_setup_entry = platform_setup(RetrowalkBinarySensor, BINARY_SENSORS)
