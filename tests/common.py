"""Helpers shared by the Home Assistant tests: config entries, waiting, and wearer time.

Fixtures live in conftest.py; everything a test imports comes from here.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.retrowalk.const import CONF_PLACEMENT, CONF_PROTOCOL, DOMAIN
from custom_components.retrowalk.coordinator import RetrowalkCoordinator
from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk_virtual.device import SUPPORTED_RATE, VirtualWearable

ADDRESS = "D0:5E:57:1A:00:01"
NAME = "Retrowalk IMU Test"
# Entity ids start with the device name (has_entity_name).
PREFIX = "retrowalk_imu_test"

type MakeWearable = Callable[..., VirtualWearable]
type Walk = Callable[[VirtualWearable, float], Awaitable[None]]


def entry_for(
    placement: Placement = Placement.FOOT,
    address: str = ADDRESS,
    title: str = NAME,
    entry_id: str | None = None,
    **options: Any,
) -> MockConfigEntry:
    """A config entry as the config flow creates it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=address,
        data={CONF_ADDRESS: address, CONF_PROTOCOL: "retrowalk_imu"},
        options={CONF_PLACEMENT: str(placement), **options},
        version=1,
        minor_version=2,
        entry_id=entry_id,
    )


async def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the event loop run until `condition` holds (connections are background tasks)."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> RetrowalkCoordinator:
    """Add and set up an entry, then wait for its wearable to stream."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator: RetrowalkCoordinator = entry.runtime_data
    await wait_for(lambda: coordinator.connection.connected)
    return coordinator


def advance(device: VirtualWearable, seconds: float, batch: int = 20) -> None:
    """Let wearer time pass, delivering frames as a real device would (about 20 samples each)."""
    total = round(seconds * SUPPORTED_RATE)
    while total > 0:
        produced = device.advance(min(batch, total))
        if produced == 0:
            break
        total -= produced


def state(hass: HomeAssistant, entity_id: str) -> State:
    """An entity's state, which must exist."""
    found = hass.states.get(entity_id)
    assert found is not None, entity_id
    return found


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move Home Assistant's (frozen) clock on and run what became due."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
