"""Wearable protocols: bytes from a BLE wearable in, IMU samples out (no Home Assistant imports)."""

from collections.abc import Mapping, Sequence
from typing import Any

from custom_components.retrowalk.gait.types import STANDARD_GRAVITY

from .base import (
    ACC_LIMIT,
    DEG,
    GYRO_LIMIT,
    DecodeError,
    GattLink,
    SampleBatch,
    SetupError,
    WearableProtocol,
)
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


# The public API: what the integration, tools/ and tests use without reaching into modules.
__all__ = [
    "ACC_LIMIT",
    "DEG",
    "GYRO_LIMIT",
    "PROTOCOLS",
    "STANDARD_GRAVITY",
    "DecodeError",
    "GattLink",
    "Movesense",
    "PolarH10",
    "PolarVeritySense",
    "RetrowalkImu",
    "SampleBatch",
    "SetupError",
    "Thingy52",
    "WearableProtocol",
    "WitMotion",
    "manifest_matchers",
    "match_protocol",
    "protocol_by_key",
]
