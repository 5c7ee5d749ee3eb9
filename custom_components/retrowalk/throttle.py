"""When entities are written: at once when something happens, throttled while walking.

While steps stream in, entities are written at most every UPDATE_INTERVAL_WHILE_WALKING seconds
(keeps the recorder quiet).
"""

from collections.abc import Callable
import logging

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.debounce import Debouncer

from .const import UPDATE_INTERVAL_WHILE_WALKING


class WriteThrottle:
    """Home Assistant's Debouncer, with the two ways the coordinator asks for a write."""

    def __init__(
        self, hass: HomeAssistant, logger: logging.Logger, write: Callable[[], None]
    ) -> None:
        """`write` must be a callback: it runs in the event loop."""
        self._debouncer = Debouncer(
            hass, logger, cooldown=UPDATE_INTERVAL_WHILE_WALKING, immediate=True, function=write
        )

    @callback
    def async_now(self) -> None:
        """Write now (a walk started or stopped, a button was pressed); the window restarts."""
        self._debouncer.async_cancel()
        self._debouncer.async_schedule_call()

    @callback
    def async_soon(self) -> None:
        """Write at once, or when the throttle's window ends (steps while walking)."""
        self._debouncer.async_schedule_call()

    @callback
    def async_shutdown(self) -> None:
        """Write no more (the entry unloads)."""
        self._debouncer.async_shutdown()
