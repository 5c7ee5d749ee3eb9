"""Shared fixtures: a test Home Assistant with bluetooth, and virtual wearables behind a proxy.

Helpers (entry_for, setup_entry, wait_for, ...) live in tests/common.py; only fixtures live here.
"""

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.retrowalk.const import DOMAIN
from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk_virtual.device import VirtualWearable
from custom_components.retrowalk_virtual.model import parse_scenario
from custom_components.retrowalk_virtual.runner import RealtimeRunner
from custom_components.retrowalk_virtual.setup import async_attach_virtual_wearable

from .common import (
    ADDRESS,
    NAME,
    MakeWearable,
    Start,
    Started,
    Walk,
    advance,
    entry_for,
    setup_entry,
    setup_scene,
)

# A fixed id keeps the entity registry entries in the snapshots stable.
MOCK_ENTRY_ID = "01JRETROWALKTESTENTRY00001"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: Any) -> Generator[None]:
    """Let Home Assistant load custom_components/retrowalk in every test."""
    return


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots through Home Assistant's serializer: registry ids, contexts and times become
    ANY, states and registry entries are written field by field."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Enable entities that are off by default (signal strength), so snapshots cover them."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def mock_config_entry() -> MockConfigEntry:
    """A foot-worn wearable's entry as the config flow creates it (not yet added to hass)."""
    return entry_for(Placement.FOOT, entry_id=MOCK_ENTRY_ID)


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


@pytest.fixture
def start(hass: HomeAssistant, make_wearable: MakeWearable, hass_storage: dict[str, Any]) -> Start:
    """Create a virtual wearable (make_wearable's arguments) and set up its entry (entry_for's
    keywords) on what an earlier run `stored` (and its `backup`); returns once it streams."""

    async def _start(
        scenario: str = "sit:600s",
        placement: Placement = Placement.FOOT,
        *,
        loop: bool = True,
        seed: int = 1,
        stored: Any = None,
        backup: Any = None,
        **options: Any,
    ) -> Started:
        device = make_wearable(scenario, placement=placement, loop=loop, seed=seed)
        entry = entry_for(placement, **options)
        store = f"{DOMAIN}.{entry.entry_id}"
        for key, data in ((store, stored), (f"{store}.backup", backup)):
            if data is not None:
                hass_storage[key] = {"version": 1, "key": key, "data": data}
        return Started(device, await setup_entry(hass, entry), entry)

    return _start


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


@pytest.fixture
def snapshot_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    make_wearable: MakeWearable,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    entity_registry_enabled_by_default: None,
) -> Callable[[Platform], Awaitable[None]]:
    """Set up one platform on the scene of tests/common.py and snapshot all its entities."""

    async def _snapshot(platform: Platform) -> None:
        with patch("custom_components.retrowalk.PLATFORMS", [platform]):
            await setup_scene(hass, mock_config_entry, make_wearable, freezer, hass_storage)
        await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)

    return _snapshot
