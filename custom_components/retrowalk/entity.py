"""Base entity: one device per wearable."""

from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import RetrowalkCoordinator


class RetrowalkEntity(CoordinatorEntity[RetrowalkCoordinator]):
    """Common device info and unique ids."""

    _attr_has_entity_name = True
    # Entities that describe the live stream are unknown while the wearable is away; counts are not.
    _needs_connection = False

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
        return super().available and (
            not self._needs_connection or self.coordinator.connection.connected
        )
