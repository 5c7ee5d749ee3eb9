"""Fault injection through the virtual wearable and the real coordinator: link drops mid-bout,
refused connections and lost proxy slots, mangled notifications, sequence wrap, device clock jumps,
restarts in the middle of a bout, a corrupt store, and a fuzzed recording-CSV reader.

Nothing here mocks the coordinator, the connection or the wearable: faults are injected at the
virtual device (the radio side) or on disk, and counts are compared with an identical wearable
that walks the same scenario without faults.
"""

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
import logging
import random
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.retrowalk.const import RECONNECT_BACKOFF
from custom_components.retrowalk.coordinator import RetrowalkCoordinator
from custom_components.retrowalk.devices.base import SampleBatch
from custom_components.retrowalk.devices.retrowalk_imu import RetrowalkImu
from custom_components.retrowalk.gait import Direction, EngineUpdate, GaitEngine, Placement
from custom_components.retrowalk.virtual.device import SUPPORTED_RATE, VirtualWearable
from custom_components.retrowalk.virtual.model import parse_scenario, scenario_seconds

from .conftest import MakeWearable, Walk, entry_for, setup_entry, wait_for

REF_ADDRESS = "D0:5E:57:1A:00:02"
DIRECTIONS = (Direction.FORWARD, Direction.BACKWARD)
# Alternating forward and backward bouts, short pauses between them.
BOUTS = ",".join(["forward:150,sit:3s,backward:90,sit:3s"] * 4)
# A step at the edge of a gap may be lost beyond the ones the wearer took while disconnected
# (the engine needs the stride on both sides of a step); never more than this per gap.
EDGE_ALLOWANCE = 2


def counts(coordinator: RetrowalkCoordinator) -> Counter[Direction]:
    today = coordinator.ledger.today
    return Counter({Direction.FORWARD: today.forward, Direction.BACKWARD: today.backward})


async def reconnect(hass: HomeAssistant, coordinator: RetrowalkCoordinator) -> None:
    """Let the backoff (or the next advertisement) elapse on Home Assistant's clock."""
    await fire_until(hass, lambda: coordinator.connection.connected, 3)


async def drop(hass: HomeAssistant, device: VirtualWearable, coordinator: Any) -> None:
    """Break the link from the device side and wait until the coordinator has noticed."""
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)


class DirectLink:
    """A GATT link straight to a VirtualWearable, without Home Assistant (for reference runs)."""

    def __init__(self, device: VirtualWearable) -> None:
        self.device = device
        device.accept(lambda: None)

    @property
    def mtu(self) -> int:
        return self.device.mtu

    async def write(self, char: str, data: bytes, *, response: bool = True) -> None:
        self.device.write(char, data)

    async def read(self, char: str) -> bytes:
        return self.device.read(char)

    async def start_notify(self, char: str, callback: Callable[[bytes], None]) -> None:
        self.device.subscribe(char, callback)


class Reference:
    """The same wearer, decoder and gait engine, uninterrupted and outside Home Assistant."""

    def __init__(self, scenario: str, seed: int) -> None:
        self.device = VirtualWearable(
            address=REF_ADDRESS,
            name="Reference",
            placement=Placement.FOOT,
            scenario=parse_scenario(scenario),
            seed=seed,
            loop=False,
        )
        self.engine = GaitEngine(Placement.FOOT)
        self.counts: Counter[Direction] = Counter()

    async def start(self) -> None:
        await RetrowalkImu().start(DirectLink(self.device), self._on_batch)

    def _on_batch(self, batch: SampleBatch) -> None:
        self._count(self.engine.process(batch.t, batch.acc, batch.gyro))

    def _count(self, update: EngineUpdate) -> None:
        self.counts.update(step.direction for step in update.steps)

    def finish(self) -> Counter[Direction]:
        self._count(self.engine.flush())
        return self.counts


async def test_random_disconnects_mid_bout_lose_only_the_gap(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    faulty = make_wearable(BOUTS, loop=False, seed=7)
    ref = Reference(BOUTS, seed=7)
    reference = ref.device
    await ref.start()
    coordinator = await setup_entry(hass, entry_for())
    rng = random.Random(20261124)
    end = scenario_seconds(parse_scenario(BOUTS)) - 8.0  # data must follow every drop
    drops = 0

    def lockstep(samples: int) -> None:
        while samples > 0:
            n = min(samples, rng.randint(1, 20))
            faulty.advance(n)
            reference.advance(n)
            samples -= n

    while True:
        lockstep(rng.randint(2 * SUPPORTED_RATE, 6 * SUPPORTED_RATE))  # walk 2-6 s
        await hass.async_block_till_done()
        if faulty.model_seconds >= end:
            break
        await drop(hass, faulty, coordinator)
        drops += 1
        lockstep(rng.randint(0, 2 * SUPPORTED_RATE))  # 0-2 s of steps nobody receives
        await reconnect(hass, coordinator)
    while not faulty.scenario_finished:
        lockstep(SUPPORTED_RATE)
    await hass.async_block_till_done()
    faulty.drop_link()  # the stream ends: the engine flushes what it held
    await hass.async_block_till_done()

    got, want = counts(coordinator), ref.finish()
    missed = faulty.truth.missed
    assert drops >= 100
    assert reference.truth.missed.total() == 0
    assert missed.total() > 0
    for d in DIRECTIONS:
        assert got[d] <= want[d], (d, got, want)
        assert got[d] >= want[d] - missed[d] - EDGE_ALLOWANCE * drops, (d, got, want, missed)
    assert coordinator.stats.gaps >= drops  # every disconnect shows as a gap
    assert coordinator.connection.connections == drops + 1


# Let the longest reconnect backoff elapse in one step.
BACKOFF_MAX = RECONNECT_BACKOFF[-1] + 1
CADENCE = "sensor.retrowalk_imu_test_cadence"
CONNECTED = "binary_sensor.retrowalk_imu_test_connectivity"
FORWARD = "sensor.retrowalk_imu_test_forward_steps_today"


def online_lines(caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    """How many times the connection said it became unavailable, and back online."""
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    return (
        sum("Retrowalk IMU Test is unavailable" in line for line in lines),
        sum("Retrowalk IMU Test is back online" in line for line in lines),
    )


async def fire_until(hass: HomeAssistant, condition: Callable[[], bool], seconds: float) -> None:
    """Advance Home Assistant's clock (backoffs, advertisements) until `condition` holds.

    Bounded by a number of rounds, not by an asyncio timeout: firing time changes runs every
    loop timer due within `seconds`, a timeout's own timer included.
    """
    for _ in range(2000):
        if condition():
            return
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
        await asyncio.sleep(0.002)
    raise AssertionError("condition not reached")


def state(hass: HomeAssistant, entity_id: str) -> str:
    found = hass.states.get(entity_id)
    assert found is not None, entity_id
    return found.state


@pytest.mark.parametrize("fault", ["no_slot", "out_of_range"])
async def test_setup_without_a_connection_retries_until_it_can(
    hass: HomeAssistant,
    make_wearable: MakeWearable,
    walk: Walk,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.retrowalk")
    device = make_wearable("forward:100", loop=False)
    if fault == "no_slot":
        device.refuse_connections = 1000  # the proxy's slots are all taken
    else:
        device.in_range = False
    entry = entry_for()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    coordinator: RetrowalkCoordinator = entry.runtime_data
    connection = coordinator.connection
    await fire_until(hass, lambda: connection.failures >= 2, BACKOFF_MAX)

    assert entry.state is ConfigEntryState.LOADED
    assert not connection.connected
    assert state(hass, CADENCE) == STATE_UNAVAILABLE
    assert state(hass, CONNECTED) == "off"
    assert state(hass, FORWARD) == "0"  # counts stay available while the wearable is away
    assert online_lines(caplog) == (1, 0)

    device.in_range, device.refuse_connections = True, 0  # back in range, a slot frees
    await fire_until(hass, lambda: connection.connected, BACKOFF_MAX)
    await hass.async_block_till_done()
    assert online_lines(caplog) == (1, 1)
    assert state(hass, CONNECTED) == "on"
    assert state(hass, CADENCE) != STATE_UNAVAILABLE
    await walk(device, 30)
    assert coordinator.ledger.today.forward > 30


async def test_reconnect_refused_then_out_of_range_logs_once_and_recovers(
    hass: HomeAssistant,
    make_wearable: MakeWearable,
    walk: Walk,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.retrowalk")
    device = make_wearable("forward:200", loop=False)
    coordinator = await setup_entry(hass, entry_for())
    connection = coordinator.connection
    await walk(device, 20)
    before = coordinator.ledger.today.forward
    assert online_lines(caplog) == (0, 0)

    device.refuse_connections = 1000
    await drop(hass, device, coordinator)
    await fire_until(hass, lambda: connection.failures >= 2, BACKOFF_MAX)
    device.in_range, device.refuse_connections = False, 0  # then the wearer walks away
    await fire_until(hass, lambda: connection.failures >= 4, BACKOFF_MAX)
    await walk(device, 10)  # nobody listens: missed, never counted
    assert not connection.connected
    assert state(hass, CADENCE) == STATE_UNAVAILABLE
    assert coordinator.ledger.today.forward == before
    assert online_lines(caplog) == (1, 0)

    device.in_range = True
    await fire_until(hass, lambda: connection.connected, BACKOFF_MAX)
    await walk(device, 30)
    assert online_lines(caplog) == (1, 1)
    assert coordinator.ledger.today.forward > before
    assert coordinator.ledger.today.forward <= device.truth.delivered[Direction.FORWARD] + 2
    assert device.truth.missed[Direction.FORWARD] > 0
    assert connection.connections == 2
