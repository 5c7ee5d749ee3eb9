"""Retrowalk IMU profile: encoder/decoder round trip, documented example frames, seq/time wrap.

Layouts per docs/retrowalk_imu_profile.md (sections "Data frame", "Control", "Status").
"""

import numpy as np
import pytest

from custom_components.retrowalk.devices import retrowalk_imu_spec as spec
from custom_components.retrowalk.devices.base import (
    DEG,
    STANDARD_GRAVITY,
    DecodeError,
    SampleBatch,
    SetupError,
)
from custom_components.retrowalk.devices.retrowalk_imu import RetrowalkImu

from .fakes import FakeLink

G = STANDARD_GRAVITY
# docs/retrowalk_imu_profile.md, "Example frame": seq 0x1234, t0 1 000 000 µs, 104 Hz,
# ±16 g / ±2000 dps, two samples: (0, 0, 1 g, 0, 0, 0) and (-0.5 g, 0, 1 g, 0, 0, 100 dps).
EXAMPLE_HEADER = "01 1f 3412 40420f00 6800 02"
EXAMPLE_SAMPLES = "0000 0000 0008 0000 0000 0000  00fc 0000 0008 0000 0000 6606"
EXAMPLE_FRAME = bytes.fromhex(EXAMPLE_HEADER + EXAMPLE_SAMPLES)
EXAMPLE_START = bytes.fromhex("01 6800 03 03")
EXAMPLE_STATUS = bytes.fromhex("01 01 00 01 6800 03 03")


def frame_of(
    acc: np.ndarray,
    gyro: np.ndarray | None,
    *,
    seq: int = 0,
    t0_us: int = 0,
    rate: int = 104,
    ranges: tuple[int, int] = (16, 2000),
) -> spec.Frame:
    """A frame of these samples; `ranges` are the acc (g) and gyro (dps) full scales."""
    return spec.Frame(
        seq=seq,
        t0_us=t0_us,
        rate_hz=rate,
        acc_range_g=ranges[0],
        gyro_range_dps=ranges[1],
        acc=acc,
        gyro=gyro,
    )


def make_frame(seq: int, t0_us: int, n: int = 4, rate: int = 104, gyro: bool = True) -> spec.Frame:
    """n samples at rest (1 g up, no rotation)."""
    acc = np.tile([0.0, 0.0, G], (n, 1))
    return frame_of(acc, np.zeros((n, 3)) if gyro else None, seq=seq, t0_us=t0_us, rate=rate)


def test_documented_example_frame() -> None:
    acc = np.array([[0.0, 0.0, G], [-0.5 * G, 0.0, G]])
    gyro = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 100 * DEG]])
    frame = frame_of(acc, gyro, seq=0x1234, t0_us=1_000_000)
    assert spec.encode_frame(frame) == EXAMPLE_FRAME
    decoded, clipped = spec.decode_frame(EXAMPLE_FRAME)
    assert clipped == 0
    assert (decoded.seq, decoded.t0_us, decoded.rate_hz) == (0x1234, 1_000_000, 104)
    np.testing.assert_allclose(decoded.acc, acc)
    assert decoded.gyro is not None
    np.testing.assert_allclose(decoded.gyro, gyro, atol=2000 * DEG / 32768)


def test_acc_only_frames_and_saturation() -> None:
    acc = np.array([[0.0, 0.0, G], [5 * G, 0.0, 0.0], [-5 * G, 0.0, 0.0]])
    frame = frame_of(acc, None, seq=1, rate=52, ranges=(2, 250))
    data = spec.encode_frame(frame)
    assert len(data) == 11 + 3 * 6
    decoded, clipped = spec.decode_frame(data)
    assert decoded.gyro is None
    assert clipped == 2
    assert decoded.acc[1, 0] == pytest.approx(2 * G, rel=1e-4)
    assert decoded.acc[2, 0] == pytest.approx(-2 * G)


def test_encoder_refuses_malformed_frames() -> None:
    with pytest.raises(ValueError, match="1-255"):
        spec.encode_frame(make_frame(0, 0, n=0))
    bad = frame_of(np.zeros((2, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="gyro"):
        spec.encode_frame(bad)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (EXAMPLE_FRAME[:10], "length"),
        (EXAMPLE_FRAME[:-1], "length"),
        (b"\x02" + EXAMPLE_FRAME[1:], "version"),
        (EXAMPLE_FRAME[:1] + b"\x3f" + EXAMPLE_FRAME[2:], "frame_type"),
        (EXAMPLE_FRAME[:8] + b"\x64\x00" + EXAMPLE_FRAME[10:], "rate"),
        (EXAMPLE_FRAME[:10] + b"\x00" + EXAMPLE_FRAME[11:], "length"),
    ],
    ids=["header", "truncated", "version", "reserved_flags", "rate", "zero_samples"],
)
def test_malformed_frames(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as err:
        spec.decode_frame(data)
    assert err.value.reason == reason


def test_max_samples() -> None:
    assert spec.max_samples(247) == 19
    assert spec.max_samples(247, has_gyro=False) == 38
    assert spec.max_samples(23) == 0
    assert spec.max_samples(517, has_gyro=False) == 83


def test_commands_and_status() -> None:
    assert spec.StartCommand(104, 16, 2000).encode() == EXAMPLE_START
    assert spec.parse_command(EXAMPLE_START) == spec.StartCommand(104, 16, 2000)
    assert spec.StopCommand().encode() == b"\x02"
    assert spec.parse_command(b"\x02") == spec.StopCommand()
    for data, result in [
        (b"", spec.Result.BAD_LENGTH),
        (b"\x02\x00", spec.Result.BAD_LENGTH),
        (b"\x07", spec.Result.UNKNOWN_COMMAND),
        (b"\x01\x68\x00\x03", spec.Result.BAD_LENGTH),
        (b"\x01\x64\x00\x03\x03", spec.Result.BAD_RATE),
        (b"\x01\x68\x00\x04\x03", spec.Result.BAD_RANGE),
    ]:
        with pytest.raises(spec.CommandError) as err:
            spec.parse_command(data)
        assert err.value.result is result
    status = spec.Status(spec.State.STREAMING, spec.Result.OK, True, 104, 16, 2000)
    assert status.encode() == EXAMPLE_STATUS
    assert spec.Status.parse(EXAMPLE_STATUS) == status
    for bad in (EXAMPLE_STATUS[:-1], EXAMPLE_STATUS[:-1] + b"\x09"):
        with pytest.raises(ValueError):  # noqa: PT011 - only the type is part of the contract
            spec.Status.parse(bad)


def test_sequence_and_timestamp_wraparound() -> None:
    device = RetrowalkImu()
    period_us = 1e6 / 104
    t0 = 2**32 - 20_000  # the µs counter wraps during the second frame
    batches = []
    for k in range(4):
        seq = (0xFFFE + k) & 0xFFFF
        data = spec.encode_frame(make_frame(seq, round(t0 + 4 * k * period_us) % 2**32))
        batch = device.decode(data, received=0.04 * k)
        assert batch is not None
        batches.append(batch)
    t = np.concatenate([b.t for b in batches])
    np.testing.assert_allclose(t, np.arange(16) / 104, atol=2e-6)
    assert sum(b.lost for b in batches) == 0


def test_duplicates_reordering_and_gaps() -> None:
    device = RetrowalkImu()
    period_us = 1e6 / 104

    def frame(seq: int) -> bytes:
        return spec.encode_frame(make_frame(seq, round(seq * 4 * period_us)))

    assert device.decode(frame(10), received=0.0) is not None
    assert device.decode(frame(11), received=0.04) is not None
    for seq, reason in [(11, "duplicate"), (10, "stale")]:
        with pytest.raises(DecodeError) as err:
            device.decode(frame(seq), received=0.05)
        assert err.value.reason == reason
    batch = device.decode(frame(14), received=0.16)
    assert batch is not None
    assert batch.lost == 8
    with pytest.raises(DecodeError) as err:
        device.decode(frame(13), received=0.17)
    assert err.value.reason == "stale"


def test_device_restart_is_a_clock_jump_not_stale() -> None:
    device = RetrowalkImu()
    first = device.decode(spec.encode_frame(make_frame(5000, 3_000_000_000)), received=50.0)
    restarted = device.decode(spec.encode_frame(make_frame(0, 0)), received=50.04)
    assert first is not None
    assert restarted is not None
    assert restarted.t[0] > first.t[-1]
    with pytest.raises(DecodeError) as err:
        device.decode(spec.encode_frame(make_frame(0, 0)), received=50.08)
    assert err.value.reason == "duplicate"


async def test_setup_sequence() -> None:
    device_status = EXAMPLE_STATUS
    link = FakeLink()
    link.reads[spec.CONTROL_UUID] = [device_status]
    batches: list[SampleBatch] = []
    protocol = RetrowalkImu()
    await protocol.start(link, batches.append)
    assert link.ops() == [
        ("notify", spec.DATA_UUID),
        ("write", spec.CONTROL_UUID),
        ("read", spec.CONTROL_UUID),
    ]
    assert link.writes(spec.CONTROL_UUID) == [EXAMPLE_START]
    assert protocol.status == spec.Status.parse(EXAMPLE_STATUS)
    link.notify(spec.DATA_UUID, EXAMPLE_FRAME)
    link.notify(spec.DATA_UUID, EXAMPLE_FRAME)
    assert len(batches) == 1
    assert protocol.error_counts == {"duplicate": 1}
    await protocol.stop(link)
    assert link.writes(spec.CONTROL_UUID)[-1] == b"\x02"
    link.fail_writes = True
    await protocol.stop(link)


@pytest.mark.parametrize(
    ("status", "mtu", "reason"),
    [
        (
            spec.Status(spec.State.IDLE, spec.Result.BAD_RATE, True, 104, 16, 2000).encode(),
            247,
            "bad_rate",
        ),
        (
            spec.Status(spec.State.STREAMING, spec.Result.OK, True, 52, 16, 2000).encode(),
            247,
            "config_mismatch",
        ),
        (
            spec.Status(spec.State.IDLE, spec.Result.OK, True, 104, 16, 2000).encode(),
            247,
            "config_mismatch",
        ),
        (
            spec.Status(
                spec.State.STREAMING, spec.Result.OK, True, 104, 16, 2000, version=2
            ).encode(),
            247,
            "version",
        ),
        (b"\x01", 247, "status"),
        (EXAMPLE_STATUS, 23, "mtu"),
    ],
    ids=["refused", "other_rate", "idle", "version", "garbled", "mtu"],
)
async def test_setup_failures(status: bytes, mtu: int, reason: str) -> None:
    link = FakeLink(mtu=mtu)
    link.reads[spec.CONTROL_UUID] = [status]
    with pytest.raises(SetupError) as err:
        await RetrowalkImu().start(link, lambda _: None)
    assert err.value.reason == reason


def test_matching() -> None:
    assert RetrowalkImu.matches(None, [spec.SERVICE_UUID.upper()], {})
    assert RetrowalkImu.matches("Retrowalk IMU 3F2A", [], {})
    assert not RetrowalkImu.matches("Retro", [], {})
