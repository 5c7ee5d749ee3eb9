"""Protocol registry, advertisement matching, manifest matchers and the shared base helpers."""

import asyncio

import numpy as np
import pytest

from custom_components.retrowalk.devices import (
    PROTOCOLS,
    manifest_matchers,
    match_protocol,
    protocol_by_key,
)
from custom_components.retrowalk.devices.base import (
    BATTERY_LEVEL_CHAR,
    DecodeError,
    SampleBatch,
    SetupError,
    check_physical,
    now_if_none,
    read_battery,
    uuid16,
)
from custom_components.retrowalk.devices.movesense import Movesense
from custom_components.retrowalk.devices.polar import PolarH10, PolarVeritySense
from custom_components.retrowalk.devices.replies import Replies
from custom_components.retrowalk.devices.retrowalk_imu import RetrowalkImu
from custom_components.retrowalk.devices.thingy52 import Thingy52
from custom_components.retrowalk.devices.witmotion import WitMotion
from custom_components.retrowalk.gait.types import Placement

from .fakes import FakeLink

# Advertisements as scanners report them (names/services per the sources in each devices/ module).
ADVERTS = [
    ("Polar H10 A1B2C3D4", [uuid16(0x180D), uuid16(0xFEEE)], {107: b"\x3f"}, PolarH10),
    ("Polar Sense B5D1E2F3", [uuid16(0x180D), uuid16(0xFEEE)], {107: b""}, PolarVeritySense),
    ("Movesense 204730000081", [uuid16(0xFE06)], {0x9F: b"\xff\xd4"}, Movesense),
    ("Thingy", ["ef680100-9b35-4933-9b10-52ffa9740042"], {0x59: b"\x12\x34"}, Thingy52),
    (None, ["52770001-7e3a-4c1b-9d5f-2b8e6a4c0d17"], {}, RetrowalkImu),
    ("Retrowalk IMU 01", [], {}, RetrowalkImu),
    ("WT901BLE68", [], {}, WitMotion),
    ("Polar Vantage V2 1234", [uuid16(0x180D)], {107: b""}, None),
    (None, [], {0x9F: b""}, None),
]


def test_every_protocol_has_an_advertisement_here() -> None:
    assert {expected for *_, expected in ADVERTS} >= set(PROTOCOLS)


@pytest.mark.parametrize(("name", "uuids", "mfr", "expected"), ADVERTS)
def test_match_protocol(
    name: str | None, uuids: list[str], mfr: dict[int, bytes], expected: type | None
) -> None:
    assert match_protocol(name, uuids, mfr) is expected


def test_protocol_by_key_and_class_attributes() -> None:
    keys = [p.key for p in PROTOCOLS]
    assert len(set(keys)) == len(keys)
    for protocol in PROTOCOLS:
        assert protocol_by_key(protocol.key) is protocol
        assert protocol.placements
        assert all(isinstance(p, Placement) for p in protocol.placements)
        assert protocol.nominal_rate > 0
        assert protocol.min_mtu >= 23
    with pytest.raises(KeyError):
        protocol_by_key("fitbit")
    assert PolarH10.requires_bonding
    assert not PolarH10.has_gyro


def test_every_protocol_has_example_frames_and_decoder() -> None:
    # The fuzzers and contract tests take them from the protocol (tools/fuzz.py, test_fuzz.py);
    # a registered protocol without example_frames fails here by name.
    for protocol in PROTOCOLS:
        assert isinstance(protocol.__dict__.get("example_frames"), tuple), protocol.key
        assert all(isinstance(f, bytes) and f for f in protocol.example_frames), protocol.key
        assert type(protocol.example_decoder()) is protocol


def test_manifest_matchers_are_valid_for_hassfest() -> None:
    allowed = {"connectable", "service_uuid", "local_name", "manufacturer_id"}
    for matcher in manifest_matchers():
        assert set(matcher) <= allowed
        if "local_name" in matcher:
            assert "*" not in matcher["local_name"][:3]
        if "service_uuid" in matcher:
            assert matcher["service_uuid"] == matcher["service_uuid"].lower()


async def test_read_battery() -> None:
    link = FakeLink()
    assert await read_battery(link) is None
    link.reads[BATTERY_LEVEL_CHAR] = [b"\x57"]
    assert await read_battery(link) == 87
    link.reads[BATTERY_LEVEL_CHAR] = [b"\xff"]
    assert await read_battery(link) is None
    link.reads[BATTERY_LEVEL_CHAR] = [b""]
    assert await read_battery(link) is None
    # Protocols read it through the standard service unless they know better.
    link.reads[BATTERY_LEVEL_CHAR] = [b"\x2a"]
    assert await Thingy52().battery_level(link) == 42


def test_errors_and_helpers() -> None:
    err = DecodeError("length", "3 bytes")
    assert (err.reason, str(err)) == ("length", "length: 3 bytes")
    assert str(SetupError("mtu")) == "mtu"
    assert isinstance(err, ValueError)
    assert now_if_none(1.5) == 1.5
    assert now_if_none(None) > 0
    check_physical(np.zeros((1, 3)), np.zeros((1, 3)))
    with pytest.raises(DecodeError):
        check_physical(np.zeros((1, 3)), np.full((1, 3), 100.0))
    batch = SampleBatch(t=np.zeros(2), acc=np.zeros((2, 3)), gyro=None)
    assert (len(batch), batch.lost, batch.clipped) == (2, 0, 0)


async def test_replies_skip_unrelated_and_hand_over_after_setup() -> None:
    late: list[bytes] = []
    replies = Replies(after_setup=late.append)
    replies.push(b"\x01")
    replies.push(b"\x02")
    assert await replies.wait_for(lambda d: d == b"\x02") == b"\x02"
    replies.close()
    replies.push(b"\x03")
    assert late == [b"\x03"]
    Replies().close()
    silent = Replies()
    silent.close()
    silent.push(b"\x04")
    await asyncio.sleep(0)
