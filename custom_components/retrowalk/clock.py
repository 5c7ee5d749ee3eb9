"""The coordinator's clock: a tick every 30 s, and local midnight (the day rolls over)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_change, async_track_time_interval

TICK = timedelta(seconds=30)


@callback
def async_track_clock(
    hass: HomeAssistant,
    on_tick: Callable[[datetime], None],
    on_midnight: Callable[[datetime], None],
) -> CALLBACK_TYPE:
    """Start both timers (callbacks, run in the event loop); returns what stops them (once)."""
    unsubs = [
        async_track_time_interval(hass, on_tick, TICK),
        async_track_time_change(hass, on_midnight, hour=0, minute=0, second=0),
    ]

    @callback
    def stop() -> None:
        while unsubs:
            unsubs.pop()()

    return stop
