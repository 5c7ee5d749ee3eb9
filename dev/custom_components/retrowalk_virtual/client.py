"""A bleak backend for virtual wearables, as an ESPHome proxy's backend is for real ones.

Home Assistant's bluetooth manager instantiates it through the virtual proxy's connector, so the
integration's ordinary `establish_connection` path reaches it: nothing in the coordinator knows the
device is virtual.
"""

import asyncio
from typing import Any, override

from bleak.assigned_numbers import CharacteristicPropertyName
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError

from custom_components.retrowalk.devices.base import BATTERY_LEVEL_CHAR, uuid16
from custom_components.retrowalk.devices.retrowalk_imu_spec import (
    CONTROL_UUID,
    DATA_UUID,
    SERVICE_UUID,
)

from .device import VirtualRefusedError, VirtualWearable

# Virtual wearables by address; the client looks its device up at connect time.
DEVICES: dict[str, VirtualWearable] = {}


def _services(mtu: int) -> BleakGATTServiceCollection:
    collection = BleakGATTServiceCollection()
    layout: tuple[
        tuple[str, int, tuple[tuple[str, int, list[CharacteristicPropertyName]], ...]], ...
    ] = (
        (SERVICE_UUID, 1, ((CONTROL_UUID, 2, ["read", "write"]), (DATA_UUID, 4, ["notify"]))),
        (uuid16(0x180F), 10, ((BATTERY_LEVEL_CHAR, 11, ["read"]),)),
    )
    for service_uuid, handle, chars in layout:
        service = BleakGATTService(None, handle, service_uuid)
        collection.add_service(service)
        for char_uuid, char_handle, properties in chars:
            collection.add_characteristic(
                BleakGATTCharacteristic(
                    None, char_handle, char_uuid, properties, lambda: mtu - 3, service
                )
            )
    return collection


class VirtualBleakClient(BaseBleakClient):
    """GATT client for a VirtualWearable."""

    def __init__(self, address_or_ble_device: BLEDevice | str, **kwargs: Any) -> None:
        """Bind to an address; the device is looked up when connecting."""
        kwargs.setdefault("timeout", 10.0)
        super().__init__(address_or_ble_device, **kwargs)
        self._device: VirtualWearable | None = None

    @property
    @override
    def mtu_size(self) -> int:
        return self._device.mtu if self._device else 23

    @property
    @override
    def is_connected(self) -> bool:
        return self._device is not None

    @override
    async def connect(self, pair: bool, **kwargs: Any) -> None:
        device = DEVICES.get(self.address)
        if device is None:
            raise BleakError(f"{self.address}: no such device")
        if device.hangs():
            await asyncio.Event().wait()  # until the caller's timeout cancels the attempt
        try:
            device.accept(self._link_lost)
        except VirtualRefusedError as err:
            raise BleakError(f"{self.address}: {err}") from err
        self._device = device
        self.services = _services(device.mtu)

    def _link_lost(self) -> None:
        self._device = None
        if self._disconnected_callback is not None:
            # Like a real backend: the callback arrives later from the event loop, not in-line.
            asyncio.get_running_loop().call_soon(self._disconnected_callback)

    @override
    async def disconnect(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            device.release()
            if self._disconnected_callback is not None:
                asyncio.get_running_loop().call_soon(self._disconnected_callback)

    @override
    async def pair(self, *args: Any, **kwargs: Any) -> None:
        """The Retrowalk IMU profile needs no bonding."""

    @override
    async def unpair(self) -> None:
        """Nothing to forget."""

    def _connected_device(self) -> VirtualWearable:
        if self._device is None:
            raise BleakError("Not connected")
        return self._device

    @override
    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        try:
            return bytearray(self._connected_device().read(characteristic.uuid))
        except KeyError as err:
            raise BleakError(f"{characteristic.uuid} is not readable") from err

    @override
    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        raise BleakError("the virtual wearable has no readable descriptors")

    @override
    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: Any, response: bool
    ) -> None:
        try:
            self._connected_device().write(characteristic.uuid, bytes(data))
        except KeyError as err:
            raise BleakError(f"{characteristic.uuid} is not writable") from err

    @override
    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Any) -> None:
        raise BleakError("the virtual wearable has no writable descriptors")

    @override
    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        try:
            self._connected_device().subscribe(
                characteristic.uuid, lambda data: callback(bytearray(data))
            )
        except KeyError as err:
            raise BleakError(f"{characteristic.uuid} does not notify") from err

    @override
    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        if self._device is not None:
            self._device.subscribe(characteristic.uuid, None)
