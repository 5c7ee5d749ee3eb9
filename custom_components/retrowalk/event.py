"""The nudge event entity: automations trigger on its event types."""

from typing import override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import RetrowalkConfigEntry, RetrowalkCoordinator
from .entity import RetrowalkEntity
from .nudge import Nudge, NudgeType

PARALLEL_UPDATES = 0

NUDGE = EventEntityDescription(
    key="nudge",
    translation_key="nudge",
    event_types=[str(t) for t in NudgeType],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetrowalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the nudge event entity."""
    async_add_entities([RetrowalkNudgeEvent(entry.runtime_data, NUDGE)])


class RetrowalkNudgeEvent(RetrowalkEntity, EventEntity):
    """Fires sedentary, goal_reached and backward_session_done events."""

    def __init__(
        self, coordinator: RetrowalkCoordinator, description: EventEntityDescription
    ) -> None:
        """Create the event entity."""
        super().__init__(coordinator, description)

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.async_add_nudge_listener(self._async_nudge))

    @callback
    def _async_nudge(self, nudge: Nudge) -> None:
        self._trigger_event(str(nudge.type), nudge.data)
        self.async_write_ha_state()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Only nudges change an event entity; coordinator pushes must not rewrite its state."""
