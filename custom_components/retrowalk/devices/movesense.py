"""Movesense sensors running the GATT SensorData Protocol (GSP) sample firmware.

Sources: movesense.com/docs/esw/gatt_sensordata_protocol (GD-77 v1.0) and movesense-device-lib
`samples/gatt_sensordata_app` (GATTSensorDataClient.cpp, python_client), read at
github.com/alexisduque/movesense-device-lib commit 07177ff (a mirror of the official library).

Wire format: commands written to 34800001 are `<cmd> <client reference != 0> <payload>`
(0 HELLO, 1 SUBSCRIBE + ASCII path such as "/Meas/IMU6/104", 2 UNSUBSCRIBE). Notifications on
34800002 are `<type> <reference> ...`: type 1 command result (HELLO: "Hello"; SUBSCRIBE with no
free subscription slot: status 507 as bytes 01 FB), type 2 DATA, type 3 DATA_PART2.
IMU6 data: u32 LE timestamp (ms) of the first sample, N x acc xyz float32 (m/s^2), then
N x gyro xyz float32 (deg/s). The sensor unsubscribes everything on disconnect.

What the firmware does, per GATTSensorDataClient::onNotify and ::onSubscribeResult:
- it splits a serialised notification at a fixed 150 payload bytes, never at the link's MTU: the
  first 150 bytes go in a DATA packet, the rest in exactly one DATA_PART2 packet (its message
  buffer holds 158 bytes, so a part 2 carries at most 156). A DATA packet is therefore up to 152
  bytes, and a link whose MTU is below 155 cannot carry it at all;
- a subscription it refuses for any reason but a full slot table (unknown path, unsupported
  rate, sensor error) only frees the slot: no command result is sent, so silence after SUBSCRIBE
  is the only sign of it.

Vendor test vectors: the device library publishes none for GSP. Its examples, as they apply:
python_client/movesense_sensor_data.py joins a DATA packet with the DATA_PART2 that follows and
reads 8 samples per 104 Hz notification (IMU9 there; IMU6 is the same layout without the
magnetometer block) - reproduced in tests/devices/test_movesense.py. Not applicable: its ECG
branch (reference 100, int32 samples) and FETCH_LOG / offline logbook data (Retrowalk subscribes
IMU6 only).
"""

import struct
from typing import TYPE_CHECKING, override

import numpy as np

from custom_components.retrowalk.gait.types import FloatArray, Placement

from .base import (
    DEG,
    DecodeError,
    SampleBatch,
    SetupError,
    WearableProtocol,
    check_physical,
    uuid16,
)
from .replies import Replies
from .timeline import Timeline, Unwrapper, uniform

# Named in annotations only, which nothing in devices/ evaluates (Python 3.14 defers them).
if TYPE_CHECKING:
    from .base import BatchSink, ErrorHook, GattLink

GSP_SERVICE = "34802252-7185-4d5d-b431-630e7050e8f0"
GSP_COMMAND = "34800001-7185-4d5d-b431-630e7050e8f0"
GSP_DATA = "34800002-7185-4d5d-b431-630e7050e8f0"
# Whiteboard service of the stock firmware (2.x, older 0xFE06): identifies a Movesense in adverts.
WHITEBOARD_SERVICES = (uuid16(0xFDF3), uuid16(0xFE06))
SUUNTO_COMPANY_ID = 0x009F
NAME_PREFIX = "Movesense"

CMD_HELLO = 0
CMD_SUBSCRIBE = 1
CMD_UNSUBSCRIBE = 2
RESP_COMMAND_RESULT = 1
RESP_DATA = 2
RESP_DATA_PART2 = 3

RATES = (13, 26, 52, 104, 208, 416, 833, 1666)
# GATTSensorDataClient::onNotify: a DATA packet carries the first 150 bytes of the serialised
# notification, one DATA_PART2 the rest, from a 158-byte buffer (2 of them the packet header).
FIRST_PART_BYTES = 150
PART2_MAX_BYTES = 158 - 2
_PACKET_HEADER = 2
_ATT_HEADER = 3
HELLO_REFERENCE = 0x48
STREAM_REFERENCE = 0x52
# IMU6 payload: uint32 ms timestamp of the first sample, N acc xyz float32 then N gyro xyz float32.
_TIMESTAMP = struct.Struct("<I")
_SAMPLE_BYTES = 2 * 3 * 4


SUBSCRIBE_PATH = "/Meas/IMU6/{rate}"
# HTTP 507 Insufficient Storage: the firmware's only command result for SUBSCRIBE.
STATUS_NO_FREE_SLOT = 507


def subscribe_command(rate: int, reference: int = STREAM_REFERENCE) -> bytes:
    """Build `01 <ref> "/Meas/IMU6/<rate>"`."""
    return bytes([CMD_SUBSCRIBE, reference]) + SUBSCRIBE_PATH.format(rate=rate).encode("ascii")


def http_status(data: bytes) -> int:
    """Status of a command result; the sample firmware writes 507 big-endian, newer builds LE."""
    little = int.from_bytes(data[:2], "little")
    big = int.from_bytes(data[:2], "big")
    return little if 100 <= little < 600 or not 100 <= big < 600 else big


def _is_whole(body: bytes) -> bool:
    return len(body) > _TIMESTAMP.size and (len(body) - _TIMESTAMP.size) % _SAMPLE_BYTES == 0


def _parse_imu6(body: bytes) -> tuple[int, FloatArray, FloatArray]:
    (timestamp_ms,) = _TIMESTAMP.unpack_from(body)
    floats = np.frombuffer(body, dtype="<f4", offset=_TIMESTAMP.size).astype(np.float64)
    n = floats.size // 6
    return timestamp_ms, floats[: 3 * n].reshape(n, 3), floats[3 * n :].reshape(n, 3) * DEG


class Movesense(WearableProtocol):
    """IMU6 subscription over GSP; acc arrives in m/s², gyro in deg/s, timestamps in ms."""

    key = "movesense"
    manufacturer = "Movesense"
    model = "Movesense (GSP firmware)"
    # Movesense sells chest, wrist and clip-on holders; the clip goes on a shoe or ankle strap or
    # in a trouser pocket.
    placements = (
        Placement.FOOT,
        Placement.SHANK,
        Placement.WAIST,
        Placement.THIGH,
        Placement.CHEST,
        Placement.WRIST,
    )
    # The firmware sends DATA packets of up to 152 bytes whatever the MTU (module docstring).
    min_mtu = _ATT_HEADER + _PACKET_HEADER + FIRST_PART_BYTES
    has_gyro = True
    nominal_rate = 104.0
    advertised_services = (GSP_SERVICE,)
    name_prefixes = (NAME_PREFIX,)
    notes = "runs Movesense's gatt_sensordata_app firmware (GATT SensorData Protocol)"
    # IMU6 notifications at 104 Hz (u32 timestamp ms, acc floats, gyro floats): 8 samples split
    # after 150 bytes into DATA and DATA_PART2 as the firmware splits them, then 2 samples whole in
    # one DATA packet.
    example_frames = (
        bytes.fromhex(
            "02 52 00000000 00000000cdcccc3dcdcc4c3e 9a99993ecdcccc3e0000003f "
            "9a99193f3333333fcdcc4c3f 6666663f0000803fcdcc8c3f 9a99993f6666a63f3333b33f "
            "0000c03fcdcccc3f9a99d93f 6666e63f3333f33f00000040 66660640cdcc0c4033331340 "
            "000000000000803f00000040 00004040000080400000a040 0000c0400000e04000000041 "
            "000010410000204100003041 0000"
        ),
        bytes.fromhex(
            "03 52 404100005041000060410000 704100008041000088410000 9041000098410000a0410000 "
            "a8410000b0410000b841"
        ),
        bytes.fromhex(
            "02 52 4d000000 9a9919400000204066662640 cdcc2c40333333409a993940 "
            "0000c0410000c8410000d041 0000d8410000e0410000e841"
        ),
    )

    def __init__(self, *, on_error: ErrorHook | None = None, rate: int = 104) -> None:
        """Stream IMU6 at `rate` Hz (one of RATES)."""
        super().__init__(on_error=on_error)
        if rate not in RATES:
            raise ValueError(f"Movesense rate must be one of {RATES}")
        self.rate = rate
        self._timeline = Timeline()
        self._clock = Unwrapper(32)
        self._pending: bytes | None = None

    @override
    async def start(self, link: GattLink, on_batch: BatchSink) -> None:
        self._check_mtu(
            link,
            f": the GSP firmware sends IMU6 data in packets of up to"
            f" {_PACKET_HEADER + FIRST_PART_BYTES} bytes, which this link cannot carry",
        )
        replies = Replies(after_setup=self._late_result)

        def notified(data: bytes) -> None:
            if data[:1] == bytes([RESP_COMMAND_RESULT]):
                replies.push(data)
                return
            self._deliver(data, on_batch)
            # Stream data is the only success signal: SUBSCRIBE answers only when it fails.
            replies.push(bytes(data[:2]))

        await link.start_notify(GSP_DATA, notified)
        await link.write(GSP_COMMAND, bytes([CMD_HELLO, HELLO_REFERENCE]), response=True)
        await replies.wait_for(
            lambda d: d[:2] == bytes([RESP_COMMAND_RESULT, HELLO_REFERENCE]) and d[2:] == b"Hello"
        )
        await link.write(GSP_COMMAND, subscribe_command(self.rate), response=True)
        while True:
            try:
                reply = await replies.wait_for(lambda d: len(d) >= 2 and d[1] == STREAM_REFERENCE)
            except SetupError as err:
                # HELLO was answered, so the link works: the firmware refused the subscription
                # the only way it can besides "no free slot", by saying nothing.
                raise SetupError(
                    "subscribe_silent",
                    f"no IMU6 data after SUBSCRIBE {SUBSCRIBE_PATH.format(rate=self.rate)}: the"
                    " sensor answers a refused subscription (unknown path, unsupported rate,"
                    " sensor error) with silence; is it running the gatt_sensordata_app firmware?",
                ) from err
            if reply[0] != RESP_COMMAND_RESULT:
                break
            status = http_status(reply[2:4]) if len(reply) >= 4 else 0
            if status == STATUS_NO_FREE_SLOT:
                raise SetupError(
                    f"status_{status}",
                    "subscription refused: all the sensor's subscription slots are taken"
                    " (another app is streaming from it)",
                )
            if status >= 400:
                raise SetupError(f"status_{status}", "subscription refused")
        replies.close()

    def _late_result(self, data: bytes) -> None:
        if len(data) >= 4 and http_status(data[2:4]) >= 400:
            self._report(DecodeError("command_result", f"late error result {data.hex()}"))

    @override
    async def stop(self, link: GattLink) -> None:
        # Should the link be gone already, the sensor unsubscribes everything on disconnect.
        await self._write_best_effort(link, GSP_COMMAND, bytes([CMD_UNSUBSCRIBE, STREAM_REFERENCE]))

    @override
    def _decode(self, data: bytes, received: float) -> SampleBatch | None:
        if len(data) < 2 or data[0] not in (RESP_DATA, RESP_DATA_PART2):
            raise DecodeError("frame_type", f"GSP packet {data[:2].hex()}")
        if data[1] != STREAM_REFERENCE:
            raise DecodeError("reference", f"unknown client reference {data[1]}")
        body = bytes(data[2:])
        if data[0] == RESP_DATA_PART2:
            if self._pending is None:
                raise DecodeError("continuation", "part 2 without part 1")
            if len(body) > PART2_MAX_BYTES:
                # Beyond its 158-byte buffer the firmware sends whatever memory follows it.
                raise DecodeError("length", f"{len(body)}-byte part 2 (the firmware sends <= 156)")
            body, self._pending = self._pending + body, None
            if not _is_whole(body):
                raise DecodeError("length", f"{len(body)}-byte IMU6 frame from parts 1 and 2")
            return self._emit(body, received)
        if self._pending is not None:
            self._pending = None
            self._report(DecodeError("truncated", "part 1 without its part 2"))
        if len(body) == FIRST_PART_BYTES:
            # Cut at the firmware's fixed split: the rest follows in one DATA_PART2. (A whole
            # IMU6 frame is 4 + 24 N bytes, never exactly 150, so no frame is held by mistake.)
            self._pending = body
            return None
        if not _is_whole(body):
            raise DecodeError("length", f"{len(body)}-byte IMU6 frame in one DATA packet")
        return self._emit(body, received)

    def _emit(self, body: bytes, received: float) -> SampleBatch:
        period = 1.0 / self.rate
        raw_first, acc, gyro = _parse_imu6(body)
        first = self._clock.peek(raw_first)
        check_physical(acc, gyro)
        t_dev = uniform(first * 1e-3, acc.shape[0], period)
        t, lost = self._timeline.place(t_dev, period, received)
        self._clock.commit(raw_first, first)
        return SampleBatch(t=t, acc=acc, gyro=gyro, lost=lost)
