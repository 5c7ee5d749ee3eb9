"""The nudge event entity: automations trigger on its event types."""

from typing import Any, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .backward import BACKWARD_SESSION, BACKWARD_WALK_TEST
from .coordinator import RetrowalkConfigEntry, RetrowalkCoordinator
from .entity import RetrowalkEntity
from .nudge import Nudge, NudgeType

PARALLEL_UPDATES = 0

NUDGE = EventEntityDescription(
    key="nudge",
    translation_key="nudge",
    event_types=[str(t) for t in NudgeType],
)
BACKWARD_WALKING = EventEntityDescription(
    key="backward_walking",
    translation_key="backward_walking",
    event_types=[BACKWARD_WALK_TEST, BACKWARD_SESSION],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetrowalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the nudge and the backward walking event entities."""
    coordinator = entry.runtime_data
    async_add_entities(
        [
            RetrowalkNudgeEvent(coordinator, NUDGE),
            RetrowalkResultEvent(coordinator, BACKWARD_WALKING),
        ]
    )


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


class RetrowalkResultEvent(RetrowalkEntity, EventEntity):
    """Fires backward_walk_test and backward_session events with their results."""

    def __init__(
        self, coordinator: RetrowalkCoordinator, description: EventEntityDescription
    ) -> None:
        """Create the event entity."""
        super().__init__(coordinator, description)

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.backward.async_add_listener(self._async_result))

    @callback
    def _async_result(self, event_type: str, data: dict[str, Any]) -> None:
        self._trigger_event(event_type, data)
        self.async_write_ha_state()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Only results change this entity's state."""
