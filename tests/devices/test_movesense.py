"""Movesense GSP: IMU6 data packets, DATA_PART2 continuations, setup sequence.

Layouts per the wire format in devices/movesense.py's docstring
(movesense.com/docs/esw/gatt_sensordata_protocol, movesense-device-lib gatt_sensordata_app,
GATTSensorDataClient.cpp at github.com/alexisduque/movesense-device-lib 07177ff).
"""

import struct

import numpy as np
import pytest

from custom_components.retrowalk.devices import replies
from custom_components.retrowalk.devices.base import DEG, DecodeError, SampleBatch, SetupError
from custom_components.retrowalk.devices.movesense import (
    GSP_COMMAND,
    GSP_DATA,
    GSP_SERVICE,
    STREAM_REFERENCE,
    Movesense,
    http_status,
    subscribe_command,
)

from .fakes import FakeLink

RATE = 104


def imu6_body(ts_ms: int, n: int, seed: float = 0.0) -> bytes:
    acc = [(0.1 * k + seed, -0.2, 9.81) for k in range(n)]
    gyro = [(10.0 * k, -5.0, 0.5) for k in range(n)]
    floats = [v for s in acc for v in s] + [v for s in gyro for v in s]
    return struct.pack("<I", ts_ms) + struct.pack(f"<{6 * n}f", *floats)


def data(ts_ms: int, n: int) -> bytes:
    return bytes([2, STREAM_REFERENCE]) + imu6_body(ts_ms, n)


def test_subscribe_command_bytes() -> None:
    assert subscribe_command(104) == bytes([1, 0x52]) + b"/Meas/IMU6/104"


def test_imu6_packet_decodes_to_si_units() -> None:
    device = Movesense()
    batch = device.decode(data(1000, 2), received=5.0)
    assert batch is not None
    np.testing.assert_allclose(batch.acc, [[0.0, -0.2, 9.81], [0.1, -0.2, 9.81]], rtol=1e-6)
    assert batch.gyro is not None
    np.testing.assert_allclose(batch.gyro, np.array([[0, -5, 0.5], [10, -5, 0.5]]) * DEG, rtol=1e-6)
    np.testing.assert_allclose(batch.t, [0.0, 1 / RATE])


def test_timestamps_gaps_duplicates_and_ms_wraparound() -> None:
    device = Movesense()
    start = 2**32 - 40  # wraps within the next packets
    step_ms = 1000 * 8 / RATE
    first = device.decode(data(start, 8), received=0.0)
    second = device.decode(data(round(start + step_ms) % 2**32, 8), received=0.08)
    assert first is not None
    assert second is not None
    assert second.lost == 0
    assert second.t[0] == pytest.approx(first.t[-1] + 1 / RATE, abs=1e-3)
    with pytest.raises(DecodeError) as err:
        device.decode(data(round(start + step_ms) % 2**32, 8), received=0.1)
    assert err.value.reason == "duplicate"
    third = device.decode(data(round(start + 4 * step_ms) % 2**32, 8), received=0.32)
    assert third is not None
    assert third.lost == 16
    assert third.t[0] > second.t[-1]


# movesense-device-lib samples/gatt_sensordata_app/GATTSensorDataClient.cpp, onNotify: the first
# 150 bytes of the serialised notification go in a DATA packet, the rest in one DATA_PART2.
SPLIT = 150


def firmware_packets(ts_ms: int, n: int) -> list[bytes]:
    body = imu6_body(ts_ms, n)
    if len(body) <= SPLIT:
        return [bytes([2, STREAM_REFERENCE]) + body]
    part1, part2 = body[:SPLIT], body[SPLIT:]
    return [bytes([2, STREAM_REFERENCE]) + part1, bytes([3, STREAM_REFERENCE]) + part2]


def test_part2_completes_a_frame_split_at_150_bytes() -> None:
    device = Movesense()
    part1, part2 = firmware_packets(500, 8)  # 4 + 192 bytes: IMU6 at 104 Hz, 8 samples
    assert (len(part1), len(part2)) == (152, 48)
    assert device.decode(part1, received=0.0) is None
    batch = device.decode(part2, received=0.01)
    assert batch is not None
    assert len(batch) == 8
    np.testing.assert_allclose(batch.acc[:, 0], 0.1 * np.arange(8), rtol=1e-6, atol=1e-7)
    assert batch.gyro is not None
    np.testing.assert_allclose(batch.gyro[:, 0], 10.0 * np.arange(8) * DEG, rtol=1e-6)


def test_frame_under_150_bytes_comes_whole_at_once() -> None:
    # 52 Hz: 4 samples, 100 bytes, one DATA packet: delivered without waiting for a next packet.
    (packet,) = firmware_packets(0, 4)
    batch = Movesense(rate=52).decode(packet, received=0.0)
    assert batch is not None
    assert len(batch) == 4


def test_part1_without_part2_is_counted_and_dropped() -> None:
    errors: list[DecodeError] = []
    device = Movesense(on_error=errors.append)
    part1, _ = firmware_packets(0, 8)
    assert device.decode(part1, received=0.0) is None
    batch = device.decode(firmware_packets(round(16000 / RATE), 8)[0], received=0.1)
    assert batch is None  # the new frame's part 1 waits for its part 2
    assert [e.reason for e in errors] == ["truncated"]
    assert device.error_counts["truncated"] == 1


def test_no_second_continuation() -> None:
    # The firmware sends at most one DATA_PART2, from a 158-byte buffer: 156 payload bytes.
    device = Movesense()
    device.decode(firmware_packets(0, 8)[0], received=0.0)
    with pytest.raises(DecodeError) as err:
        device.decode(bytes([3, STREAM_REFERENCE]) + bytes(157), received=0.0)
    assert err.value.reason == "length"
    device.decode(firmware_packets(0, 8)[0], received=0.0)
    with pytest.raises(DecodeError) as err:
        device.decode(bytes([3, STREAM_REFERENCE]) + bytes(20), received=0.0)  # not whole
    assert err.value.reason == "length"
    with pytest.raises(DecodeError) as err:  # the pending part 1 was dropped with its part 2
        device.decode(bytes([3, STREAM_REFERENCE]) + bytes(48), received=0.0)
    assert err.value.reason == "continuation"


def test_split_frame_not_at_150_bytes_is_rejected() -> None:
    # What an MTU-based split (the old assumption) would send: not what the firmware does.
    frame = data(500, 8)
    with pytest.raises(DecodeError) as err:
        Movesense().decode(frame[:158], received=0.0)
    assert err.value.reason == "length"


@pytest.mark.parametrize(
    ("packet", "reason"),
    [
        (b"\x02", "frame_type"),
        (b"\x01\x52\xc8\x00", "frame_type"),
        (bytes([2, 0x63]) + imu6_body(0, 1), "reference"),
        (bytes([3, STREAM_REFERENCE]) + bytes(10), "continuation"),
        (bytes([2, STREAM_REFERENCE]) + struct.pack("<I6f", 0, *[float("nan")] * 6), "range"),
        (bytes([2, STREAM_REFERENCE]) + struct.pack("<I6f", 0, 500.0, 0, 0, 0, 0, 0), "range"),
    ],
    ids=["short", "command_result", "reference", "orphan_part2", "nan", "absurd"],
)
def test_rejects(packet: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as err:
        Movesense().decode(packet, received=0.0)
    assert err.value.reason == reason


class MovesenseDevice:
    def __init__(
        self, subscribe_reply: bytes | None = None, hello: bool = True, streams: bool = True
    ) -> None:
        self.subscribe_reply = subscribe_reply
        self.hello = hello
        # False: a subscription the firmware refused in onSubscribeResult (no reply, no data).
        self.streams = streams

    def __call__(self, link: FakeLink, char: str, payload: bytes) -> None:
        assert char == GSP_COMMAND
        if payload[0] == 0 and self.hello:
            link.notify(GSP_DATA, bytes([1, payload[1]]) + b"Hello")
        elif payload[0] == 1:
            if self.subscribe_reply is not None:
                link.notify(GSP_DATA, self.subscribe_reply)
                if http_status(self.subscribe_reply[2:4]) < 400:
                    self.stream(link)
            elif self.streams:
                self.stream(link)

    @staticmethod
    def stream(link: FakeLink) -> None:
        for packet in firmware_packets(0, 8):
            link.notify(GSP_DATA, packet)


async def test_setup_sequence_and_stream() -> None:
    link = FakeLink(on_write=MovesenseDevice(subscribe_reply=bytes([1, STREAM_REFERENCE, 200, 0])))
    batches: list[SampleBatch] = []
    protocol = Movesense()
    await protocol.start(link, batches.append)
    assert link.ops() == [("notify", GSP_DATA), ("write", GSP_COMMAND), ("write", GSP_COMMAND)]
    assert link.writes(GSP_COMMAND) == [bytes([0, 0x48]), subscribe_command(104)]
    assert len(batches) == 1
    link.notify(GSP_DATA, bytes([1, STREAM_REFERENCE, 0xF4, 0x01]))  # late 500
    link.notify(GSP_DATA, bytes([1, STREAM_REFERENCE, 200, 0]))
    assert protocol.error_counts == {"command_result": 1}
    await protocol.stop(link)
    assert link.writes(GSP_COMMAND)[-1] == bytes([2, STREAM_REFERENCE])
    link.fail_writes = True
    await protocol.stop(link)


def test_http_status_in_either_byte_order() -> None:
    # gatt_sensordata_app answers "no free slot" with bytes 01 FB (507 big-endian).
    assert http_status(bytes([0x01, 0xFB])) == 507
    assert http_status((404).to_bytes(2, "little")) == 404
    assert http_status((200).to_bytes(2, "little")) == 200
    assert http_status(b"\xff\xff") == 0xFFFF


@pytest.mark.parametrize("reply", [bytes([0x01, 0xFB]), (507).to_bytes(2, "little")])
async def test_refused_subscription(reply: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    device = MovesenseDevice(subscribe_reply=bytes([1, STREAM_REFERENCE]) + reply)
    with pytest.raises(SetupError) as err:
        await Movesense().start(FakeLink(on_write=device), lambda _: None)
    assert err.value.reason == "status_507"
    assert "subscription slots are taken" in str(err.value)
    monkeypatch.setattr(replies, "REPLY_TIMEOUT_S", 0.01)
    with pytest.raises(SetupError) as err:
        await Movesense().start(FakeLink(on_write=MovesenseDevice(hello=False)), lambda _: None)
    assert err.value.reason == "timeout"


async def test_silently_refused_subscription_has_a_clear_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GATTSensorDataClient::onSubscribeResult frees the slot on resultCode >= 400 and sends
    # nothing: HELLO answered, then silence.
    monkeypatch.setattr(replies, "REPLY_TIMEOUT_S", 0.01)
    link = FakeLink(on_write=MovesenseDevice(streams=False))
    with pytest.raises(SetupError) as err:
        await Movesense(rate=208).start(link, lambda _: None)
    assert err.value.reason == "subscribe_silent"
    assert "/Meas/IMU6/208" in str(err.value)
    assert link.writes(GSP_COMMAND) == [bytes([0, 0x48]), subscribe_command(208)]


@pytest.mark.parametrize(("mtu", "ok"), [(23, False), (154, False), (155, True), (247, True)])
async def test_links_below_mtu_155_are_refused(mtu: int, ok: bool) -> None:
    # A DATA packet is 2 + 150 bytes and needs ATT MTU 155; the firmware never splits smaller.
    assert Movesense.min_mtu == 155
    link = FakeLink(mtu=mtu, on_write=MovesenseDevice())
    batches: list[SampleBatch] = []
    if ok:
        await Movesense().start(link, batches.append)
        assert len(batches) == 1
        return
    with pytest.raises(SetupError) as err:
        await Movesense().start(link, batches.append)
    assert err.value.reason == "mtu"
    assert "152 bytes" in str(err.value)
    assert link.log == []


def test_rate_validation_and_matching() -> None:
    with pytest.raises(ValueError, match="rate"):
        Movesense(rate=100)
    # Advertisement seen in the wild: name "Movesense 204730000081", service fe06, company 0x009F.
    assert Movesense.matches("Movesense 204730000081", ["0000fe06-0000-1000-8000-00805f9b34fb"], {})
    assert Movesense.matches(None, [GSP_SERVICE], {})
    assert not Movesense.matches("Suunto 9", [], {0x9F: b""})


async def test_other_error_results_are_refusals_too() -> None:
    # The sample firmware sends only 507; a build that answers other errors is still refused.
    device = MovesenseDevice(
        subscribe_reply=bytes([1, STREAM_REFERENCE]) + (404).to_bytes(2, "little")
    )
    with pytest.raises(SetupError) as err:
        await Movesense().start(FakeLink(on_write=device), lambda _: None)
    assert err.value.reason == "status_404"
