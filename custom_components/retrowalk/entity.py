"""Base entity: one device per wearable."""

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import RetrowalkConfigEntry, RetrowalkCoordinator
from .data import RetrowalkData


@dataclass(frozen=True, kw_only=True)
class RetrowalkEntityDescription(EntityDescription):
    """When a Retrowalk entity is available, whatever its platform."""

    # Entities that describe the live stream are unknown while the wearable is away; counts are not.
    needs_connection: bool = False
    # Unavailable where the wearable cannot measure or do it (a wrong placement, no gyro), not 0.
    available_fn: Callable[[RetrowalkData], bool] | None = None


class RetrowalkEntity(CoordinatorEntity[RetrowalkCoordinator]):
    """Common device info, unique ids and availability."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: RetrowalkCoordinator, description: EntityDescription) -> None:
        """Bind to the coordinator and describe the entity."""
        super().__init__(coordinator)
        self.entity_description = description
        address = coordinator.address
        protocol = coordinator.protocol_cls
        self._attr_unique_id = f"{dr.format_mac(address)}-{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, dr.format_mac(address))},
            connections={(dr.CONNECTION_BLUETOOTH, dr.format_mac(address))},
            manufacturer=protocol.manufacturer,
            model=protocol.model,
            name=coordinator.config_entry.title,
        )

    @property
    def available(self) -> bool:
        """Live values need a connection; counted steps stay valid without one."""
        ok = super().available
        description = self.entity_description
        if ok and isinstance(description, RetrowalkEntityDescription):
            data = self.coordinator.data
            if description.needs_connection:
                ok = data.connected
            if ok and description.available_fn is not None:
                ok = description.available_fn(data)
        return ok


type SetupEntry = Callable[
    [HomeAssistant, RetrowalkConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]


def platform_setup[D: EntityDescription](
    entity: Callable[[RetrowalkCoordinator, D], Entity], descriptions: Iterable[D]
) -> SetupEntry:
    """A platform's async_setup_entry: one `entity` per description, for the entry's wearable."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: RetrowalkConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        async_add_entities(entity(entry.runtime_data, d) for d in descriptions)

    return async_setup_entry
