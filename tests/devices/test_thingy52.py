"""Thingy:52 motion service: configuration write and raw notifications.

Layouts per the wire format in devices/thingy52.py's docstring (Nordic-Thingy52-FW ble_tms.h).
"""

import struct

import numpy as np
import pytest

from custom_components.retrowalk.devices.base import DEG, STANDARD_GRAVITY, DecodeError, SetupError
from custom_components.retrowalk.devices.thingy52 import (
    CONFIGURATION_SERVICE,
    MOTION_CONFIG,
    RAW_DATA,
    MotionConfig,
    Thingy52,
)

from .fakes import FakeLink

DEFAULT_CONFIG = bytes.fromhex("e803f401f4010a0001")  # 1000 ms, 500 ms, 500 ms, 10 Hz, WoM on


def raw(acc: tuple[int, int, int], gyro: tuple[int, int, int] = (0, 0, 0)) -> bytes:
    return struct.pack("<9h", *acc, *gyro, 16, -16, 0)


def test_config_layout() -> None:
    config = MotionConfig.parse(DEFAULT_CONFIG)
    assert config == MotionConfig(1000, 500, 500, 10, 1)
    assert config.encode() == DEFAULT_CONFIG
    with pytest.raises(SetupError) as err:
        MotionConfig.parse(DEFAULT_CONFIG[:8])
    assert err.value.reason == "config_length"


def test_raw_fixed_point_scaling() -> None:
    batch = Thingy52().decode(raw((1024, 0, -512), (32, -64, 0)), received=1.0)
    assert batch is not None
    np.testing.assert_allclose(batch.acc, [[STANDARD_GRAVITY, 0, -0.5 * STANDARD_GRAVITY]])
    assert batch.gyro is not None
    np.testing.assert_allclose(batch.gyro, [[1 * DEG, -2 * DEG, 0]])
    assert batch.clipped == 0
    assert batch.t[0] == 0.0


def test_two_g_limit_is_flagged() -> None:
    batch = Thingy52().decode(raw((2047, 0, 0)), received=0.0)
    assert batch is not None
    assert batch.clipped == 1


@pytest.mark.parametrize(
    ("packet", "reason"),
    [(bytes(17), "length"), (bytes(19), "length"), (raw((32767, 0, 0)), "range")],
    ids=["short", "long", "absurd"],
)
def test_rejects(packet: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as err:
        Thingy52().decode(packet, received=0.0)
    assert err.value.reason == reason


def test_receive_time_timeline_and_outage() -> None:
    device = Thingy52(rate=50)
    times = []
    for k in range(5):
        batch = device.decode(raw((0, 0, 1024)), received=10.0 + 0.02 * k)
        assert batch is not None
        times.append(batch.t[0])
    np.testing.assert_allclose(times, np.arange(5) * 0.02)
    batch = device.decode(raw((0, 0, 1024)), received=10.0 + 0.02 * 4 + 2.0)
    assert batch is not None
    assert batch.lost == 99


async def test_setup_read_modify_write_then_subscribe() -> None:
    link = FakeLink(mtu=23)
    applied = bytes.fromhex("e803f401f401320001")
    link.reads[MOTION_CONFIG] = [DEFAULT_CONFIG, applied]
    protocol = Thingy52(rate=50)
    await protocol.start(link, lambda _: None)
    assert link.ops() == [
        ("read", MOTION_CONFIG),
        ("write", MOTION_CONFIG),
        ("read", MOTION_CONFIG),
        ("notify", RAW_DATA),
    ]
    assert link.writes(MOTION_CONFIG) == [applied]
    link.notify(RAW_DATA, b"\x00")
    assert protocol.error_counts == {"length": 1}
    await protocol.stop(link)
    assert len(link.log) == 4


async def test_setup_detects_rejected_config() -> None:
    link = FakeLink()
    link.reads[MOTION_CONFIG] = [DEFAULT_CONFIG]
    with pytest.raises(SetupError) as err:
        await Thingy52(rate=100).start(link, lambda _: None)
    assert err.value.reason == "config_rejected"


def test_rate_validation_and_matching() -> None:
    with pytest.raises(ValueError, match="rate"):
        Thingy52(rate=300)
    assert Thingy52.matches("MyThingy", [CONFIGURATION_SERVICE], {0x59: b"\x01"})
    assert Thingy52.matches("Thingy", [], {})
    assert not Thingy52.matches("Nordic_HRM", [], {0x59: b""})


@pytest.mark.parametrize(
    ("gyro", "clipped"),
    [
        ((1023 * 32, 0, 0), 1),  # clamped at the upper limit
        ((0, -1024 * 32, 0), 1),  # clamped at the lower limit
        ((0, 0, 1022 * 32 + 31), 0),  # 1022.97 deg/s: the largest value below the clamp
        ((-1023 * 32 - 31, 0, 0), 0),  # -1023.97 deg/s: the most negative below the clamp
    ],
    ids=["upper", "lower", "below_upper", "above_lower"],
)
def test_gyro_clamped_by_the_ble_format_is_flagged(
    gyro: tuple[int, int, int], clipped: int
) -> None:
    # Nordic-Thingy52-FW source/modules/m_motion.c (6ada0a9), drv_motion_evt_handler
    # (DRV_MOTION_EVT_RAW): each 16Q16 value is clamped to its Q format's integer range before
    # the shift into int16; for gyro (RAW_Q_FORMAT_GYR_INTEGER_BITS 11) that is
    # upper (1 << 10) - 1 = 1023 and lower -(1 << 10) = -1024 deg/s, while the MPU-9250 runs at
    # +-2000 deg/s. A foot swing at 1500 deg/s arrives as 1023.
    batch = Thingy52().decode(raw((0, 0, 1024), gyro), received=0.0)
    assert batch is not None
    assert batch.clipped == clipped
    assert batch.gyro is not None
    assert np.max(np.abs(batch.gyro)) <= 1024 * DEG
