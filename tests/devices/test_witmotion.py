"""WitMotion Bluetooth 5.0 sensors: vendor examples, the byte stream, setup and faults.

Vendor sources (module docstring of devices/witmotion.py): the SDK repository
WITMOTION/WitBluetooth_BWT901BLE5_0 and the WT901BLECL / WT901 datasheets.
"""

from collections.abc import Callable

import numpy as np
import pytest

from custom_components.retrowalk.devices import match_protocol, replies, witmotion
from custom_components.retrowalk.devices.base import (
    BATTERY_LEVEL_CHAR,
    DEG,
    STANDARD_GRAVITY,
    DecodeError,
    SetupError,
)
from custom_components.retrowalk.devices.witmotion import (
    NOTIFY,
    SAVE,
    UNLOCK,
    WRITE,
    DataPacket,
    PacketStream,
    RegisterReply,
    WitMotion,
    battery_percent,
    rate_command,
    read_command,
)
from tools import wire

from .fakes import FakeLink


def data_packet(*values: int) -> bytes:
    """A `55 61` packet of nine int16 (acc, gyro, angle)."""
    return b"\x55\x61" + np.array(values, dtype="<i2").tobytes()


def reply_packet(register: int, *values: int) -> bytes:
    regs = np.zeros(8, dtype="<i2")
    regs[: len(values)] = values
    return b"\x55\x71" + register.to_bytes(2, "little") + regs.tobytes()


REST = data_packet(0, 0, 2048, 0, 0, 0, 0, 0, 0)  # lying flat: +1 g on z


# --- vendor examples ---------------------------------------------------------------------------


def test_datasheet_magnetic_field_reply() -> None:
    # WT901BLECL datasheet v20-0707 §6.1.2.1: "55 71 3A 00 68 01 69 00 7A 00 00 ... (20 bytes)"
    # -> magnetic field x=360, y=105, z=122.
    reply = RegisterReply.parse(bytes.fromhex("55713a00680169007a00" + "00" * 10))
    assert reply.start == 0x3A
    assert reply.values[:3] == (360, 105, 122)
    assert len(reply.values) == 8  # "fixed upload 8 registers"


def test_datasheet_angle_example_in_a_data_packet() -> None:
    # WT901 datasheet v20-0702 §6.2: angle registers 0x829C, 0xFF28, 0x24E6 are -176.33, -1.19
    # and 51.89 degrees; the BLE 5.0 packet carries its angles with the same formula (WT901BLECL
    # datasheet §6.1.1, /32768*180).
    packet = b"\x55\x61" + bytes(12) + bytes.fromhex("9c8228ffe624")
    angles = DataPacket.parse(packet).angle_deg
    assert tuple(round(a, 2) for a in angles) == (-176.33, -1.19, 51.89)


def test_datasheet_and_sdk_scaling() -> None:
    # Datasheet §6.1.1 / SDK device_model.processData: acc /32768*16 g, gyro /32768*2000 °/s.
    packet = DataPacket.parse(data_packet(2048, -1024, 32767, 16384, -16384, 0, 16384, 0, 0))
    assert packet.acc_g == (1.0, -0.5, 32767 / 32768 * 16)
    assert packet.gyro_dps == (1000.0, -1000.0, 0.0)
    assert packet.angle_deg == (90.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("command", "expected", "source"),
    [
        (read_command(0x3A), "ffaa273a00", "datasheet §6.1.2 read magnetic field"),
        (read_command(0x51), "ffaa275100", "datasheet §6.1.2 read quaternion"),
        (read_command(0x40), "ffaa274000", "datasheet §6.1.2 read temperature"),
        (read_command(0x64), "ffaa276400", "WitSDK DeviceModel.ReadDataTh battery"),
        (read_command(0x03), "ffaa270300", "BleExampleApp.swift read rate"),
        (UNLOCK, "ffaa6988b5", "Bwt901ble.swift unlockReg; device_model.unlock"),
        (SAVE, "ffaa000000", "Bwt901ble.swift saveReg; device_model.save"),
        (rate_command(50), "ffaa030800", "BleExampleApp.swift setBackRate50hz"),
        (rate_command(10), "ffaa030600", "BleExampleApp.swift setBackRate10hz"),
        (rate_command(1), "ffaa030300", "WitSDK DeviceModel.SetRRate(1)"),
        (rate_command(5), "ffaa030500", "WitSDK DeviceModel.SetRRate(5)"),
        (rate_command(100), "ffaa030900", "WitSDK DeviceModel.SetRRate(100)"),
        (rate_command(200), "ffaa030b00", "WitSDK DeviceModel.SetRRate(200)"),
    ],
)
def test_vendor_command_bytes(command: bytes, expected: str, source: str) -> None:
    assert command.hex() == expected, source


@pytest.mark.parametrize(
    ("centivolts", "percent"),
    [(420, 100), (397, 100), (396, 90), (394, 90), (388, 75), (383, 60), (380, 50),
     (378, 40), (374, 30), (371, 20), (369, 15), (351, 10), (341, 5), (340, 0), (0, 0)],
)  # fmt: skip
def test_sdk_battery_steps(centivolts: int, percent: int) -> None:
    # WitSDK DeviceModel.GetBatteryPercent: v = register 0x64 / 100, percent when v > each step.
    assert battery_percent(centivolts) == percent


# --- decoding ----------------------------------------------------------------------------------


def test_decode_units_and_receive_time() -> None:
    device = WitMotion(rate=100)
    batch = device.decode(data_packet(2048, 0, -2048, 1638, 0, 0, 0, 0, 0), received=5.0)
    assert batch is not None
    np.testing.assert_allclose(batch.acc, [[STANDARD_GRAVITY, 0, -STANDARD_GRAVITY]])
    assert batch.gyro is not None
    np.testing.assert_allclose(batch.gyro, [[1638 / 32768 * 2000 * DEG, 0, 0]])
    assert (batch.t[0], batch.lost, batch.clipped) == (0.0, 0, 0)
    batch = device.decode(REST, received=5.01)
    assert batch is not None
    assert batch.t[0] == pytest.approx(0.01)


def test_saturated_axes_are_counted_as_clipped() -> None:
    device = WitMotion()
    batch = device.decode(
        data_packet(32767, 0, 0, 0, 0, 0, 0, 0, 0)
        + data_packet(0, 0, 0, 0, -32768, 0, 0, 0, 0)
        + data_packet(0, 0, 2048, 0, 0, 0, 32767, 0, 0),  # a full-scale angle is not clipping
        received=1.0,
    )
    assert batch is not None
    assert (len(batch), batch.clipped) == (3, 2)


def test_packets_split_and_joined_across_notifications() -> None:
    device = WitMotion()
    packets = [data_packet(k, 0, 2048, 0, 0, 0, 0, 0, 0) for k in range(4)]
    stream = b"".join(packets)
    assert device.decode(stream[:7], received=1.0) is None
    batch = device.decode(stream[7:45], received=1.01)
    assert batch is not None
    assert len(batch) == 2
    batch = device.decode(stream[45:], received=1.02)
    assert batch is not None
    np.testing.assert_allclose(batch.acc[:, 0], np.array([2, 3]) / 2048 * STANDARD_GRAVITY)
    assert not device.error_counts


def test_garbage_is_skipped_and_reported_without_losing_samples() -> None:
    errors: list[DecodeError] = []
    device = WitMotion(on_error=errors.append)
    batch = device.decode(b"\x00\x55\x62\x13" + REST + b"\x55", received=1.0)
    assert batch is not None
    assert len(batch) == 1
    assert [e.reason for e in errors] == ["sync"]
    assert "4 bytes" in str(errors[0])
    # The held 0x55 is a header whose flag comes next.
    batch = device.decode(REST[1:], received=1.01)
    assert batch is not None
    assert len(batch) == 1
    with pytest.raises(DecodeError) as err:
        device.decode(b"\x01\x02\x03", received=1.02)
    assert err.value.reason == "sync"


def test_stream_holds_at_most_one_partial_packet() -> None:
    stream = PacketStream()
    assert stream.feed(REST[:19]) == ([], 0)
    # No checksum: a byte lost inside a packet shows only through the framing after it.
    assert stream.feed(b"\x00" + REST) == ([REST[:19] + b"\x00", REST], 0)
    stream.clear()
    assert stream.feed(REST[5:]) == ([], 15)


def test_register_reply_after_setup_is_ignored() -> None:
    device = WitMotion()
    assert device.decode(reply_packet(0x64, 395), received=1.0) is None
    assert not device.error_counts


@pytest.mark.parametrize(
    ("parse", "packet"),
    [
        (DataPacket.parse, reply_packet(0x03, 9)),
        (DataPacket.parse, REST[:19]),
        (RegisterReply.parse, REST),
        (RegisterReply.parse, reply_packet(0x03) + b"\x00"),
    ],
)
def test_parsers_reject_other_packets(parse: Callable[[bytes], object], packet: bytes) -> None:
    with pytest.raises(DecodeError) as err:
        parse(packet)
    assert err.value.reason == "frame_type"


def test_outage_counts_lost_samples() -> None:
    device = WitMotion(rate=100)
    for k in range(5):
        assert device.decode(REST, received=10.0 + 0.01 * k) is not None
    batch = device.decode(REST, received=10.04 + 2.0)
    assert batch is not None
    assert batch.lost == 199
    assert batch.t[0] == pytest.approx(2.04)


def test_encoder_round_trips_through_the_decoder() -> None:
    rng = np.random.default_rng(3)
    acc = rng.uniform(-15, 15, (50, 3)) * STANDARD_GRAVITY
    gyro = rng.uniform(-1900, 1900, (50, 3)) * DEG
    device = WitMotion(rate=100)
    batches = [
        device.decode(frame, received=0.01 * k)
        for k, frame in enumerate(wire.witmotion_encode(acc, gyro))
    ]
    got_acc = np.concatenate([b.acc for b in batches if b is not None])
    got_gyro = np.concatenate([b.gyro for b in batches if b is not None and b.gyro is not None])
    np.testing.assert_allclose(got_acc, acc, atol=16 * STANDARD_GRAVITY / 32768)
    np.testing.assert_allclose(got_gyro, gyro, atol=2000 * DEG / 32768)
    assert sum(b.lost for b in batches if b is not None) == 0
    # Beyond full scale the sensor saturates, and so does its encoder.
    (frame,) = wire.witmotion_encode(np.array([[20 * STANDARD_GRAVITY, 0, 0]]), np.zeros((1, 3)))
    assert DataPacket.parse(frame).acc_g[0] == pytest.approx(16 * 32767 / 32768)


# --- setup -------------------------------------------------------------------------------------


class FakeSensor:
    """Plays the sensor's register file behind a FakeLink (replies arrive as notifications)."""

    def __init__(self, rate_code: int = 0x06, centivolts: int | None = 385) -> None:
        self.registers: dict[int, int] = {0x03: rate_code}
        if centivolts is not None:
            self.registers[0x64] = centivolts
        self.unlocked = False
        self.saved: dict[int, int] = {}
        self.honour_writes = True
        self.answer_reads = True

    def __call__(self, link: FakeLink, char: str, cmd: bytes) -> None:
        assert char == WRITE
        assert cmd[:2] == b"\xff\xaa" and len(cmd) == 5
        register, value = cmd[2], int.from_bytes(cmd[3:5], "little")
        if register == 0x27:
            if self.answer_reads and value in self.registers:
                # The rate tick keeps streaming data while the reply is produced.
                link.notify(NOTIFY, REST + reply_packet(value, self.registers[value])[:9])
                link.notify(NOTIFY, reply_packet(value, self.registers[value])[9:])
        elif register == 0x69:
            self.unlocked = value == 0xB588
        elif register == 0x00:
            self.saved = dict(self.registers)
        elif self.unlocked and self.honour_writes:
            self.registers[register] = value


@pytest.fixture(autouse=True)
def no_command_gaps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(witmotion, "COMMAND_GAP_S", 0.0)


async def test_setup_configures_rate_saves_and_reads_battery() -> None:
    sensor = FakeSensor(rate_code=0x06)
    link = FakeLink(mtu=23, on_write=sensor)
    batches = []
    protocol = WitMotion(rate=100)
    await protocol.start(link, batches.append)
    assert link.ops()[0] == ("notify", NOTIFY)
    assert link.writes(WRITE) == [
        read_command(0x03),
        UNLOCK,
        rate_command(100),
        SAVE,
        read_command(0x03),
        read_command(0x64),
    ]
    assert sensor.saved[0x03] == 0x09
    assert protocol.battery == 60
    assert await protocol.battery_level(link) == 60
    # Samples sent while the sensor still ran at its old rate were held back, none lost.
    assert batches == []
    assert not protocol.error_counts
    link.notify(NOTIFY, REST)
    link.notify(NOTIFY, REST)
    assert [len(b) for b in batches] == [1, 1]
    assert all(b.lost == 0 for b in batches)
    await protocol.stop(link)
    assert link.writes(WRITE)[-1] == read_command(0x64)


async def test_setup_leaves_flash_alone_when_the_rate_is_already_set() -> None:
    sensor = FakeSensor(rate_code=0x0B)
    link = FakeLink(on_write=sensor)
    protocol = WitMotion(rate=200)
    await protocol.start(link, lambda _: None)
    assert link.writes(WRITE) == [read_command(0x03), read_command(0x64)]
    assert sensor.saved == {}


async def test_setup_detects_a_rate_the_sensor_did_not_take() -> None:
    sensor = FakeSensor()
    sensor.honour_writes = False
    link = FakeLink(on_write=sensor)
    with pytest.raises(SetupError) as err:
        await WitMotion().start(link, lambda _: None)
    assert err.value.reason == "config_rejected"
    assert "0x06" in str(err.value)


async def test_setup_times_out_when_the_sensor_never_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(replies, "REPLY_TIMEOUT_S", 0.05)
    sensor = FakeSensor()
    sensor.answer_reads = False
    with pytest.raises(SetupError) as err:
        await WitMotion().start(FakeLink(on_write=sensor), lambda _: None)
    assert err.value.reason == "timeout"


async def test_battery_is_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replies, "REPLY_TIMEOUT_S", 0.05)
    link = FakeLink(on_write=FakeSensor(rate_code=0x09, centivolts=None))
    protocol = WitMotion()
    await protocol.start(link, lambda _: None)
    assert protocol.battery is None
    assert await protocol.battery_level(link) is None
    link.reads[BATTERY_LEVEL_CHAR] = [b"\x21"]  # a standard Battery Service, if it has one
    assert await protocol.battery_level(link) == 33


async def test_link_lost_during_setup_propagates() -> None:
    link = FakeLink(on_write=FakeSensor())
    link.fail_writes = True
    with pytest.raises(ConnectionError):
        await WitMotion().start(link, lambda _: None)


def test_rates_and_matching() -> None:
    for rate in (50, 100, 200):
        assert WitMotion(rate=rate).rate == rate
    for rate in (10, 120):
        with pytest.raises(ValueError, match="rate"):
            WitMotion(rate=rate)
    assert WitMotion.placements[0].value == "foot"
    assert match_protocol("WT901BLE68", [], {}) is WitMotion
    assert match_protocol("WT9011DCL-BT50", [], {}) is WitMotion
    assert match_protocol("WTVB01-BT50", [], {}) is None
