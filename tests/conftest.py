"""Shared fixtures: a test Home Assistant with bluetooth, and virtual wearables behind a proxy."""

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import Any

from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retrowalk.const import CONF_PLACEMENT, CONF_PROTOCOL, DOMAIN
from custom_components.retrowalk.coordinator import RetrowalkCoordinator
from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk_virtual.device import SUPPORTED_RATE, VirtualWearable
from custom_components.retrowalk_virtual.model import parse_scenario
from custom_components.retrowalk_virtual.runner import RealtimeRunner
from custom_components.retrowalk_virtual.setup import async_attach_virtual_wearable

ADDRESS = "D0:5E:57:1A:00:01"
NAME = "Retrowalk IMU Test"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: Any) -> Generator[None]:
    """Let Home Assistant load custom_components/retrowalk in every test."""
    return


type MakeWearable = Callable[..., VirtualWearable]


@pytest.fixture
async def make_wearable(hass: HomeAssistant, enable_bluetooth: Any) -> AsyncGenerator[MakeWearable]:
    """Create virtual wearables advertising through a virtual proxy; detached at teardown."""
    detach: list[Callable[[], None]] = []

    def make(
        scenario: str = "sit:600s",
        placement: Placement = Placement.FOOT,
        address: str = ADDRESS,
        name: str = NAME,
        seed: int = 1,
        loop: bool = True,
        speed: float | None = None,
    ) -> VirtualWearable:
        """With `speed`, wearer time runs with the wall clock (times speed) on its own."""
        device = VirtualWearable(
            address=address,
            name=name,
            placement=placement,
            scenario=parse_scenario(scenario),
            seed=seed,
            loop=loop,
        )
        detach.append(async_attach_virtual_wearable(hass, device))
        if speed is not None:
            runner = RealtimeRunner(device, speed=speed)
            runner.start(hass.loop)
            detach.append(runner.stop)
        return device

    yield make
    for undo in reversed(detach):
        undo()


def entry_for(
    placement: Placement = Placement.FOOT, address: str = ADDRESS, title: str = NAME, **options: Any
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


type Walk = Callable[[VirtualWearable, float], Awaitable[None]]


@pytest.fixture
def walk(hass: HomeAssistant) -> Walk:
    """Advance a device and let Home Assistant process everything it sent."""

    async def _walk(device: VirtualWearable, seconds: float) -> None:
        step = 5.0
        while seconds > 0:
            advance(device, min(step, seconds))
            seconds -= step
            await hass.async_block_till_done()

    return _walk
