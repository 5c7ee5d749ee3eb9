"""A persistent connection to one wearable through Home Assistant's bluetooth stack.

Works the same through a local adapter or an ESPHome Bluetooth proxy: the device comes from
`async_ble_device_from_address` and `establish_connection` picks the best path. The connection is
re-established with backoff (2-60 s), and at once when Home Assistant passes on a new
advertisement: one whose content changed, or from a device it had forgotten. The bluetooth
manager drops repeats of an unchanged advertisement, so a wearable that only lost the link and
advertises as before waits out the backoff.
"""

import asyncio
from collections.abc import Callable, Coroutine
import contextlib
import logging
from typing import Any

from bleak import BleakClient
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError
import bleak_retry_connector
from bleak_retry_connector import establish_connection
from homeassistant.components import bluetooth
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

from .const import CONNECT_TIMEOUT, RECONNECT_BACKOFF
from .devices.base import DecodeError, SampleBatch, SetupError, WearableProtocol

_LOGGER = logging.getLogger(__name__)

CONNECT_ERRORS = (BleakError, TimeoutError, SetupError, OSError, EOFError)


class DeviceNotFoundError(Exception):
    """No connectable path to the wearable is known right now."""


class BleakLink:
    """Adapts a connected BleakClient to the protocols' GattLink."""

    def __init__(self, client: BleakClient) -> None:
        """Wrap a connected client."""
        self._client = client

    @property
    def mtu(self) -> int:
        """The negotiated ATT MTU."""
        return int(self._client.mtu_size)

    async def write(self, char: str, data: bytes, *, response: bool = True) -> None:
        """Write a characteristic."""
        await self._client.write_gatt_char(char, data, response=response)

    async def read(self, char: str) -> bytes:
        """Read a characteristic."""
        return bytes(await self._client.read_gatt_char(char))

    async def start_notify(self, char: str, callback: Callable[[bytes], None]) -> None:
        """Subscribe to notifications of a characteristic."""
        await self._client.start_notify(char, lambda _sender, data: callback(bytes(data)))


async def async_open_stream(
    hass: HomeAssistant,
    ble_device: BLEDevice,
    protocol: WearableProtocol,
    name: str,
    on_batch: Callable[[SampleBatch], None],
    on_disconnect: Callable[[BleakClient], None] | None = None,
) -> BleakClient:
    """Connect (pairing if the protocol needs it), run the protocol's setup and subscribe."""
    # Looked up now, not at import: Home Assistant's bluetooth setup swaps in its wrapper class
    # that routes the connection through the best adapter or proxy.
    client_cls = bleak_retry_connector.BleakClientWithServiceCache
    async with asyncio.timeout(CONNECT_TIMEOUT * 3):
        client = await establish_connection(
            client_cls,
            ble_device,
            name,
            disconnected_callback=on_disconnect,
            max_attempts=2,
            pair=protocol.requires_bonding,
            ble_device_callback=lambda: (
                bluetooth.async_ble_device_from_address(hass, ble_device.address, True)
                or ble_device
            ),
        )
    try:
        await protocol.start(BleakLink(client), on_batch)
    except BaseException:
        await client.disconnect()
        raise
    return client


class WearableConnection:
    """Keeps one wearable connected and streaming while started."""

    def __init__(
        self,
        hass: HomeAssistant,
        address: str,
        name: str,
        protocol_cls: type[WearableProtocol],
        *,
        on_batch: Callable[[SampleBatch], None],
        on_change: Callable[[], None],
        on_decode_error: Callable[[DecodeError], None],
        start_task: Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]],
    ) -> None:
        """Prepare (nothing happens until async_start); `start_task` runs the connection's task."""
        self.hass = hass
        self.address = address
        self.name = name
        self.protocol_cls = protocol_cls
        self._on_batch = on_batch
        self._on_change = on_change
        self._on_decode_error = on_decode_error
        self._start_task = start_task
        self._client: BleakClient | None = None
        self._protocol: WearableProtocol | None = None
        self._task: asyncio.Task[None] | None = None
        self._advertised = asyncio.Event()
        self._disconnected = asyncio.Event()
        self._unsub: CALLBACK_TYPE | None = None
        self._was_online = True  # log "unavailable" on the first failure too
        self.connected = False
        self.connections = 0
        # Streams opened: each restarts the wearable's clock, and its first notifications may
        # come before the connection is counted (while the battery is read).
        self.streams = 0
        self.failures = 0
        self.battery: int | None = None
        self.last_error: str | None = None

    @property
    def protocol(self) -> WearableProtocol | None:
        """The protocol instance of the current (or last) connection."""
        return self._protocol

    def async_start(self) -> None:
        """Start connecting in the background (again after async_stop: an unload that failed)."""
        self._unsub = bluetooth.async_register_callback(
            self.hass,
            self._async_advertised,
            bluetooth.BluetoothCallbackMatcher(address=self.address, connectable=True),
            bluetooth.BluetoothScanningMode.PASSIVE,
        )
        self._task = self._start_task(self._async_run())

    async def async_stop(self) -> None:
        """Stop streaming and free the connection slot."""
        if self._unsub:
            self._unsub()
            self._unsub = None
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._async_disconnect()

    @callback
    def _async_advertised(
        self, service_info: bluetooth.BluetoothServiceInfoBleak, change: bluetooth.BluetoothChange
    ) -> None:
        self._advertised.set()

    async def _async_run(self) -> None:
        attempt = 0
        while True:
            try:
                await self._async_connect_and_stream()
                attempt = 0
            except (*CONNECT_ERRORS, DeviceNotFoundError) as err:
                self._mark_offline(err)
                attempt += 1
            finally:
                await self._async_disconnect()
            delay = RECONNECT_BACKOFF[min(attempt, len(RECONNECT_BACKOFF) - 1)]
            self._advertised.clear()
            try:
                # An advertisement means the wearable is back in range: try at once.
                async with asyncio.timeout(delay):
                    await self._advertised.wait()
            except TimeoutError:
                pass

    async def _async_connect_and_stream(self) -> None:
        ble_device = bluetooth.async_ble_device_from_address(
            self.hass, self.address, connectable=True
        )
        if ble_device is None:
            raise DeviceNotFoundError(self.address)
        self._disconnected.clear()
        protocol = self.protocol_cls(on_error=self._on_decode_error)
        self._protocol = protocol
        self.streams += 1
        self._client = await async_open_stream(
            self.hass, ble_device, protocol, self.name, self._on_batch, self._async_on_disconnect
        )
        self.battery = await protocol.battery_level(BleakLink(self._client))
        self._mark_online()
        await self._disconnected.wait()
        self._mark_offline(None)

    @callback
    def _async_on_disconnect(self, _client: BleakClient) -> None:
        self._disconnected.set()

    def _mark_online(self) -> None:
        self.connected = True
        self.connections += 1
        self.last_error = None
        if not self._was_online:
            _LOGGER.info("%s is back online", self.name)
        self._was_online = True
        self._on_change()

    def _mark_offline(self, err: BaseException | None) -> None:
        self.connected = False
        if err is not None:
            self.failures += 1
            self.last_error = type(err).__name__
        if self._was_online:
            _LOGGER.info("%s is unavailable%s", self.name, f": {self.last_error}" if err else "")
        else:
            _LOGGER.debug("%s still unavailable: %r", self.name, err)
        self._was_online = False
        self._on_change()

    async def _async_disconnect(self) -> None:
        client, protocol = self._client, self._protocol
        self._client = None
        if client is None:
            return
        if protocol is not None and client.is_connected:
            try:
                await protocol.stop(BleakLink(client))
            except CONNECT_ERRORS as err:
                _LOGGER.debug("Stop command to %s failed: %r", self.name, err)
        try:
            await client.disconnect()
        except CONNECT_ERRORS as err:
            _LOGGER.debug("Disconnect from %s failed: %r", self.name, err)
        if self.connected:
            self.connected = False
            self._on_change()


async def async_stream_until(
    hass: HomeAssistant,
    address: str,
    protocol_cls: type[WearableProtocol],
    name: str,
    done: Callable[[SampleBatch], bool],
    limit: float,
) -> None:
    """Connect, stream until `done` says so, then disconnect.

    Raises TimeoutError after `limit` seconds. The config flow uses it to test a wearable before
    creating the entry and for calibration.
    """
    ble_device = bluetooth.async_ble_device_from_address(hass, address, connectable=True)
    if ble_device is None:
        raise DeviceNotFoundError(address)
    finished = asyncio.Event()

    def on_batch(batch: SampleBatch) -> None:
        if done(batch):
            finished.set()

    protocol = protocol_cls()
    client = await async_open_stream(hass, ble_device, protocol, name, on_batch)
    try:
        async with asyncio.timeout(limit):
            await finished.wait()
    finally:
        try:
            await protocol.stop(BleakLink(client))
        except CONNECT_ERRORS as err:
            _LOGGER.debug("Stop command to %s failed: %r", name, err)
        await client.disconnect()
