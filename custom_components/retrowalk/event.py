"""The nudge and backward walking event entities: automations trigger on their event types."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import CALLBACK_TYPE, callback

from .backward import BACKWARD_SESSION, BACKWARD_WALK_TEST
from .coordinator import RetrowalkCoordinator
from .entity import RetrowalkEntity, platform_setup
from .nudge import NudgeType

PARALLEL_UPDATES = 0

type Fire = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True, kw_only=True)
class RetrowalkEventDescription(EventEntityDescription):
    """An event entity and where its events come from."""

    # Subscribes `fire` to the coordinator's events of this kind; returns the unsubscribe.
    subscribe_fn: Callable[[RetrowalkCoordinator, Fire], CALLBACK_TYPE]


EVENTS: tuple[RetrowalkEventDescription, ...] = (
    # sedentary, goal_reached and backward_session_done nudges.
    RetrowalkEventDescription(
        key="nudge",
        translation_key="nudge",
        event_types=[str(t) for t in NudgeType],
        subscribe_fn=lambda c, fire: c.nudge_events.async_add_listener(
            lambda nudge: fire(str(nudge.type), nudge.data)
        ),
    ),
    # The results of backward walk tests and sessions.
    RetrowalkEventDescription(
        key="backward_walking",
        translation_key="backward_walking",
        event_types=[BACKWARD_WALK_TEST, BACKWARD_SESSION],
        subscribe_fn=lambda c, fire: c.backward.async_add_listener(fire),
    ),
)


class RetrowalkEvent(RetrowalkEntity, EventEntity):
    """Fires the events its description subscribes to."""

    entity_description: RetrowalkEventDescription

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        subscribe = self.entity_description.subscribe_fn
        self.async_on_remove(subscribe(self.coordinator, self._async_fire))

    @callback
    def _async_fire(self, event_type: str, data: dict[str, Any]) -> None:
        self._trigger_event(event_type, data)
        self.async_write_ha_state()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Only its own events change an event entity; coordinator pushes must not rewrite it."""


async_setup_entry = platform_setup(RetrowalkEvent, EVENTS)
