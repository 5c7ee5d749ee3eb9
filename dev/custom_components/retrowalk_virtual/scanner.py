"""A remote scanner that advertises virtual wearables, the way an ESPHome Bluetooth proxy does."""

from bluetooth_data_tools import monotonic_time_coarse
from homeassistant.components.bluetooth import BaseHaRemoteScanner, HaBluetoothConnector

from custom_components.retrowalk.devices.retrowalk_imu_spec import SERVICE_UUID

from .client import VirtualBleakClient
from .device import VirtualWearable

SOURCE = "retrowalk-virtual-proxy"
RSSI = -58


class VirtualProxyScanner(BaseHaRemoteScanner):
    """Connectable remote scanner whose connector opens VirtualBleakClient links."""

    def __init__(self) -> None:
        """Create the scanner with its connector."""
        connector = HaBluetoothConnector(
            client=VirtualBleakClient, source=SOURCE, can_connect=lambda: True
        )
        super().__init__(SOURCE, SOURCE, connector, True)

    def advertise(self, device: VirtualWearable) -> None:
        """Inject one advertisement of the device (when it is in range)."""
        if not device.in_range:
            return
        self._async_on_advertisement(
            device.address,
            RSSI,
            device.name,
            [SERVICE_UUID],
            {},
            {},
            None,
            {},
            monotonic_time_coarse(),
        )
