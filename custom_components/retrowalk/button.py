"""Buttons: start a calibration walk, a backward walk test or session; snooze nudges."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory

from .const import DEFAULT_SNOOZE_MINUTES
from .coordinator import RetrowalkCoordinator
from .entity import RetrowalkEntity, RetrowalkEntityDescription, platform_setup

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class RetrowalkButtonDescription(ButtonEntityDescription, RetrowalkEntityDescription):
    """A button and what it does."""

    press_fn: Callable[[RetrowalkCoordinator], object]


BUTTONS: tuple[RetrowalkButtonDescription, ...] = (
    RetrowalkButtonDescription(
        key="calibrate",
        translation_key="calibrate",
        entity_category=EntityCategory.CONFIG,
        needs_connection=True,
        press_fn=lambda c: c.async_start_calibration(),
    ),
    RetrowalkButtonDescription(
        key="backward_walk_test",
        translation_key="backward_walk_test",
        needs_connection=True,
        available_fn=lambda d: d.measures_strides,
        press_fn=lambda c: c.async_start_walk_test(),
    ),
    RetrowalkButtonDescription(
        key="backward_session",
        translation_key="backward_session",
        needs_connection=True,
        press_fn=lambda c: c.async_start_session(),
    ),
    RetrowalkButtonDescription(
        key="snooze",
        translation_key="snooze",
        press_fn=lambda c: c.async_snooze(DEFAULT_SNOOZE_MINUTES),
    ),
)


class RetrowalkButton(RetrowalkEntity, ButtonEntity):
    """A one-shot action."""

    entity_description: RetrowalkButtonDescription

    @override
    async def async_press(self) -> None:
        self.entity_description.press_fn(self.coordinator)


async_setup_entry = platform_setup(RetrowalkButton, BUTTONS)
