"""connection.py: the link to one wearable through Home Assistant's bluetooth stack and the
virtual proxy — connecting and streaming, reconnecting (sooner on an advertisement), counting
failures and logging them once, stopping cleanly, and the one-shot stream of the config flow."""

import asyncio
from datetime import timedelta
import itertools
import logging
from typing import Any
from unittest.mock import patch

from bleak.exc import BleakError
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import numpy as np
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.retrowalk.connection import (
    BleakLink,
    DeviceNotFoundError,
    WearableConnection,
    async_stream_until,
)
from custom_components.retrowalk.const import RECONNECT_BACKOFF
from custom_components.retrowalk.devices.base import BATTERY_LEVEL_CHAR, SampleBatch, SetupError
from custom_components.retrowalk.devices.retrowalk_imu import RetrowalkImu
from custom_components.retrowalk.gait import EngineUpdate
from custom_components.retrowalk.stream import MIN_RECONNECT_GAP
from custom_components.retrowalk_virtual.client import VirtualBleakClient
from custom_components.retrowalk_virtual.device import VirtualWearable

from .common import ADDRESS, NAME, MakeWearable, Start, advance, fire_until, state, wait_for

LOGGER = "custom_components.retrowalk"
CONNECTED = "binary_sensor.retrowalk_imu_test_connectivity"
# Longer than any test runs: only an advertisement (or a fired clock) can end the wait.
NO_BACKOFF = (3600.0,)
# A fired clock past the longest backoff (it also runs the timers of asyncio timeouts).
BACKOFF_MAX = max(RECONNECT_BACKOFF) + 1


async def fire(hass: HomeAssistant, seconds: float) -> None:
    """Move Home Assistant's clock (and the loop's timers due by then) on by `seconds`."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await asyncio.sleep(0.01)
    await hass.async_block_till_done()


def lines(caplog: pytest.LogCaptureFixture, text: str) -> int:
    return sum(text in r.getMessage() for r in caplog.records)


async def test_a_connection_streams_and_reads_the_battery(start: Start, walk: Any) -> None:
    device, coordinator, _ = await start("forward:60", loop=False)
    connection = coordinator.connection
    assert connection.connected
    assert connection.connections == 1 and connection.failures == 0
    assert connection.last_error is None
    assert connection.battery == device.battery
    assert isinstance(connection.protocol, RetrowalkImu)
    assert device.streaming
    await walk(device, 20)
    assert coordinator.ledger.today.forward > 0  # batches reach the coordinator


async def test_a_new_advertisement_ends_the_backoff(
    hass: HomeAssistant, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    """Home Assistant passes on an advertisement whose content changed (or of a wearable it had
    forgotten); that one means the wearable is there: try at once, not after the backoff."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    with patch("custom_components.retrowalk.connection.RECONNECT_BACKOFF", NO_BACKOFF):
        device, coordinator, _ = await start()
        connection = coordinator.connection
        device.drop_link()
        await wait_for(lambda: not connection.connected)
        await hass.async_block_till_done()
        assert state(hass, CONNECTED).state == "off"
        assert lines(caplog, f"{NAME} is unavailable") == 1
        await fire(hass, 2)  # the same advertisement again: Home Assistant does not pass it on
        await asyncio.sleep(0.1)
        assert not connection.connected  # waiting out the backoff
        device.name = f"{NAME} 2"
        await fire(hass, 2)  # the virtual proxy advertises every second; the backoff is 1 h
        await wait_for(lambda: connection.connected)
    assert connection.connections == 2
    assert connection.failures == 0  # a dropped link is not a failed attempt
    assert lines(caplog, f"{NAME} is back online") == 1
    await hass.async_block_till_done()
    assert state(hass, CONNECTED).state == "on"


async def test_failed_attempts_are_counted_and_logged_once(
    hass: HomeAssistant, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    device, coordinator, _ = await start()
    connection = coordinator.connection
    device.refuse_connections = 1000  # the proxy's slots are all taken
    device.drop_link()
    await fire_until(hass, lambda: connection.failures >= 3, BACKOFF_MAX)
    assert not connection.connected
    assert connection.last_error is not None
    assert lines(caplog, f"{NAME} is unavailable") == 1  # said once
    assert lines(caplog, f"{NAME} still unavailable") >= 2  # the rest at debug
    device.refuse_connections = 0
    await fire_until(hass, lambda: connection.connected, BACKOFF_MAX)
    assert connection.last_error is None
    assert connection.connections == 2
    assert lines(caplog, f"{NAME} is back online") == 1
    await hass.async_block_till_done()
    assert state(hass, CONNECTED).state == "on"


async def test_an_unknown_address_is_not_found_and_retried(
    hass: HomeAssistant, enable_bluetooth: Any
) -> None:
    changes: list[bool] = []
    connection = WearableConnection(
        hass,
        "D0:5E:57:1A:FF:FF",
        "Nobody",
        RetrowalkImu,
        on_batch=lambda batch: None,
        on_change=lambda: changes.append(connection.connected),
        on_decode_error=lambda err: None,
        start_task=lambda coro: hass.async_create_background_task(coro, "test"),
    )
    assert connection.protocol is None
    connection.async_start()
    await wait_for(lambda: connection.failures >= 1)
    assert connection.last_error == "DeviceNotFoundError"
    assert not connection.connected
    assert changes and not any(changes)
    await connection.async_stop()
    await connection.async_stop()  # stopping twice is harmless


async def test_stopping_frees_the_slot_even_when_the_link_fails(
    hass: HomeAssistant, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    """The stop command and the disconnect may fail on a link that is going: logged, not raised,
    and the connection is marked down."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    _, coordinator, _ = await start()
    connection = coordinator.connection
    with (
        patch.object(RetrowalkImu, "stop", side_effect=BleakError("gone")),
        patch.object(VirtualBleakClient, "disconnect", side_effect=BleakError("gone")),
    ):
        await connection.async_stop()
    assert not connection.connected
    assert f"Stop command to {NAME} failed" in caplog.text
    assert f"Disconnect from {NAME} failed" in caplog.text
    await hass.async_block_till_done()
    assert state(hass, CONNECTED).state == "off"


async def test_stopping_disconnects(hass: HomeAssistant, start: Start) -> None:
    device, coordinator, _ = await start()
    await coordinator.connection.async_stop()
    assert not device.connected
    assert not coordinator.connection.connected
    await asyncio.sleep(0.05)
    assert not device.connected  # and stays away: the loop is stopped


async def _stream(
    hass: HomeAssistant, device: VirtualWearable, samples: int, limit: float = 5.0
) -> list[SampleBatch]:
    """Run async_stream_until until `samples` arrived, the wearer walking meanwhile."""
    batches: list[SampleBatch] = []

    def done(batch: SampleBatch) -> bool:
        batches.append(batch)
        return sum(len(b) for b in batches) >= samples

    task = asyncio.create_task(async_stream_until(hass, ADDRESS, RetrowalkImu, NAME, done, limit))
    await wait_for(lambda: device.streaming or task.done())
    while not task.done():
        advance(device, 0.5)
        await asyncio.sleep(0.01)
    await task
    return batches


async def test_stream_until_done_then_disconnects(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    device = make_wearable("forward:60")
    batches = await _stream(hass, device, 200)
    assert sum(len(b) for b in batches) >= 200
    assert not device.connected


async def test_stream_until_times_out_and_disconnects(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    device = make_wearable()
    with pytest.raises(TimeoutError):
        await async_stream_until(hass, ADDRESS, RetrowalkImu, NAME, lambda b: False, 0.05)
    assert not device.connected


async def test_stream_until_stop_failure_is_logged(
    hass: HomeAssistant, make_wearable: MakeWearable, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    device = make_wearable("forward:60")
    with patch.object(RetrowalkImu, "stop", side_effect=BleakError("gone")):
        await _stream(hass, device, 20)
    assert f"Stop command to {NAME} failed" in caplog.text
    assert not device.connected


async def test_stream_until_needs_a_known_wearable(
    hass: HomeAssistant, enable_bluetooth: Any
) -> None:
    with pytest.raises(DeviceNotFoundError):
        await async_stream_until(hass, ADDRESS, RetrowalkImu, NAME, lambda b: True, 1.0)


async def test_a_refused_setup_releases_the_link(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    device = make_wearable()
    with (
        patch.object(RetrowalkImu, "start", side_effect=SetupError("refused")),
        pytest.raises(SetupError),
    ):
        await async_stream_until(hass, ADDRESS, RetrowalkImu, NAME, lambda b: True, 1.0)
    assert not device.connected


async def test_the_link_adapter_reads_writes_and_reports_the_mtu(
    hass: HomeAssistant, start: Start
) -> None:
    device, coordinator, _ = await start()
    client = coordinator.connection._client
    assert client is not None
    link = BleakLink(client)
    assert link.mtu == device.mtu
    battery_level = "00002a19-0000-1000-8000-00805f9b34fb"
    assert (await link.read(battery_level))[0] == device.battery


async def test_notifications_before_the_connection_is_set_up_continue_the_timeline(
    hass: HomeAssistant, start: Start, walk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wearable streams from its start command on: notifications arrive while the battery is
    still being read. They belong to the new connection (its clock restarts at 0), so the engine
    must see them after a gap, never as time going back."""
    device, coordinator, _ = await start("forward:200", loop=False)
    await walk(device, 10)
    serve = device.read

    def read_while_streaming(char: str) -> bytes:
        if char == BATTERY_LEVEL_CHAR:
            advance(device, 1.0)  # a second of notifications arrives before the answer
        return serve(char)

    monkeypatch.setattr(device, "read", read_while_streaming)
    assert coordinator.stream.last_t is not None
    seen = [coordinator.stream.last_t]  # the times the engine saw: the first connection's last
    process = coordinator.stream.engine.process

    def recorded(t: Any, acc: Any, gyro: Any) -> EngineUpdate:
        seen.extend(np.asarray(t, dtype=float).tolist())
        return process(t, acc, gyro)

    monkeypatch.setattr(coordinator.stream.engine, "process", recorded)
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    await fire_until(hass, lambda: coordinator.connection.connected, BACKOFF_MAX)
    await walk(device, 5)
    assert len(seen) >= 300  # the early second, then five more
    assert all(b > a for a, b in itertools.pairwise(seen))
    assert seen[1] >= seen[0] + MIN_RECONNECT_GAP  # a gap, never time going back
