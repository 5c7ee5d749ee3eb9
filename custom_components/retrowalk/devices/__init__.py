"""Wearable protocols: bytes from a BLE wearable in, IMU samples out (no Home Assistant imports)."""

from collections.abc import Mapping, Sequence
from typing import Any

from .base import WearableProtocol
from .movesense import Movesense
from .polar import PolarH10, PolarVeritySense
from .retrowalk_imu import RetrowalkImu
from .thingy52 import Thingy52
from .witmotion import WitMotion

# Most specific first: the first protocol whose matcher accepts an advertisement wins.
PROTOCOLS: tuple[type[WearableProtocol], ...] = (
    RetrowalkImu,
    PolarVeritySense,
    PolarH10,
    Movesense,
    Thingy52,
    WitMotion,
)


def match_protocol(
    name: str | None,
    service_uuids: Sequence[str],
    manufacturer_data: Mapping[int, bytes],
) -> type[WearableProtocol] | None:
    """Return the protocol for an advertisement, or None if no supported wearable sent it."""
    for protocol in PROTOCOLS:
        if protocol.matches(name, service_uuids, manufacturer_data):
            return protocol
    return None


def protocol_by_key(key: str) -> type[WearableProtocol]:
    """Return the protocol stored in a config entry; KeyError for unknown keys."""
    for protocol in PROTOCOLS:
        if protocol.key == key:
            return protocol
    raise KeyError(key)


def manifest_matchers() -> list[dict[str, Any]]:
    """Return every protocol's matchers, as manifest.json's `bluetooth` list."""
    return [matcher for protocol in PROTOCOLS for matcher in protocol.manifest_matchers()]


__all__ = ["PROTOCOLS", "manifest_matchers", "match_protocol", "protocol_by_key"]
