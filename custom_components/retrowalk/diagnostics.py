"""Diagnostics: stream health and decoder counters, with addresses and names redacted."""

from dataclasses import asdict
from typing import Any

from homeassistant.components import bluetooth
from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import HomeAssistant

from .coordinator import RetrowalkConfigEntry

TO_REDACT = frozenset(
    {CONF_ADDRESS, "address", "advertisement", "name", "source", "device", "title", "local_name"}
)


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: RetrowalkConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    coordinator = entry.runtime_data
    connection = coordinator.connection
    protocol = connection.protocol
    service_info = bluetooth.async_last_service_info(hass, coordinator.address, connectable=True)
    return {
        "entry": async_redact_data(
            {"title": entry.title, "data": dict(entry.data), "options": dict(entry.options)},
            TO_REDACT,
        ),
        "protocol": coordinator.protocol_cls.key,
        "placement": str(coordinator.placement),
        "connection": {
            "connected": connection.connected,
            "connections": connection.connections,
            "failures": connection.failures,
            "last_error": connection.last_error,
            "battery": connection.battery,
        },
        "stream": asdict(coordinator.stream.stats),
        # Samples the gait engine discarded: unusable values, time going backwards, repeats.
        "dropped_samples": coordinator.stream.engine.dropped,
        "decode_errors": dict(coordinator.stream.decode_errors),
        "protocol_errors": dict(protocol.error_counts) if protocol else {},
        "calibration": str(coordinator.stream.calibration_status),
        "today": coordinator.ledger.today.to_dict(),
        "lifetime": coordinator.ledger.lifetime.to_dict(),
        "nudges": coordinator.nudges.to_dict(),
        "walk_test": {
            "running": coordinator.backward.walk_test is not None,
            "results": [t.to_dict() for t in coordinator.backward.walk_tests[-5:]],
        },
        "backward_session": {
            "running": coordinator.backward.session is not None,
            "last": None
            if coordinator.backward.last_session is None
            else coordinator.backward.last_session.to_dict(),
        },
        "service_info": async_redact_data(
            service_info.as_dict() if service_info else None, TO_REDACT
        ),
    }
