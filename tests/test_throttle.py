"""When entities are written (throttle.py): at once when something happens, at most every
UPDATE_INTERVAL_WHILE_WALKING seconds while steps stream in."""

from datetime import timedelta
import logging

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.retrowalk.const import UPDATE_INTERVAL_WHILE_WALKING
from custom_components.retrowalk.throttle import WriteThrottle

from .common import Start, Walk

FORWARD = "sensor.retrowalk_imu_test_forward_steps_today"
_LOGGER = logging.getLogger(__name__)


async def _after(hass: HomeAssistant, seconds: float) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done()


async def test_soon_writes_at_once_then_once_when_the_window_ends(hass: HomeAssistant) -> None:
    writes: list[int] = []
    throttle = WriteThrottle(hass, _LOGGER, lambda: writes.append(1))
    throttle.async_soon()
    await hass.async_block_till_done()
    assert len(writes) == 1  # the first write is not held back
    for _ in range(5):
        throttle.async_soon()  # steps keep arriving inside the window
    await hass.async_block_till_done()
    assert len(writes) == 1
    await _after(hass, UPDATE_INTERVAL_WHILE_WALKING + 0.1)
    assert len(writes) == 2  # the five asks became one write
    await _after(hass, 3 * UPDATE_INTERVAL_WHILE_WALKING)
    assert len(writes) == 2  # nothing asked since: nothing written


async def test_now_writes_inside_the_window(hass: HomeAssistant) -> None:
    writes: list[int] = []
    throttle = WriteThrottle(hass, _LOGGER, lambda: writes.append(1))
    throttle.async_soon()
    await hass.async_block_till_done()
    throttle.async_now()  # a walk stopped: shown at once, not at the window's end
    await hass.async_block_till_done()
    assert len(writes) == 2
    await _after(hass, UPDATE_INTERVAL_WHILE_WALKING + 0.1)
    assert len(writes) == 2  # the window restarted without a write owed


async def test_shutdown_writes_no_more(hass: HomeAssistant) -> None:
    writes: list[int] = []
    throttle = WriteThrottle(hass, _LOGGER, lambda: writes.append(1))
    throttle.async_soon()
    await hass.async_block_till_done()
    throttle.async_soon()  # owed at the window's end
    throttle.async_shutdown()
    throttle.async_now()
    throttle.async_soon()
    await _after(hass, 3 * UPDATE_INTERVAL_WHILE_WALKING)
    assert len(writes) == 1


async def test_entities_update_at_most_every_two_seconds_while_walking(
    hass: HomeAssistant, start: Start, walk: Walk
) -> None:
    device, _, _ = await start("forward:300", loop=False)
    writes: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda event: writes.append(event.data["entity_id"])
        if event.data["entity_id"] == FORWARD
        else None,
    )
    await walk(device, 5)  # the bout starts: pushed at once
    for _ in range(10):
        await walk(device, 1)  # frames keep arriving, no time passes for the throttle
    first = len(writes)
    assert 1 <= first <= 3
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=3))
    await hass.async_block_till_done()
    assert len(writes) == first + 1
