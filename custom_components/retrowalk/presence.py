"""Whether Home Assistant still hears the wearable: signal strength, last seen, the repair issue."""

from datetime import datetime

from homeassistant.components import bluetooth
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .issues import async_track_not_seen


class Presence:
    """Follows one wearable's radio presence through any adapter or proxy."""

    def __init__(self, hass: HomeAssistant, address: str, entry_id: str, name: str) -> None:
        """Start as seen now; the store may restore an earlier `last_seen`."""
        self.hass, self.address, self.entry_id, self.name = hass, address, entry_id, name
        self.rssi: int | None = None
        self.last_seen = dt_util.utcnow()

    @callback
    def async_update(self, now: datetime, connected: bool) -> None:
        """Note the signal and whether it is heard; a day unheard raises a repair issue."""
        # Once Home Assistant no longer hears it, its last signal is no signal strength now.
        info = bluetooth.async_last_service_info(self.hass, self.address, connectable=True)
        self.rssi = None if info is None else info.rssi
        if connected or bluetooth.async_address_present(self.hass, self.address, connectable=True):
            self.last_seen = now
        async_track_not_seen(self.hass, self.entry_id, self.name, now, self.last_seen)
