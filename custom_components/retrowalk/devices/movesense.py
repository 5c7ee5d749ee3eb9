"""Movesense sensors running the GATT SensorData Protocol (GSP) sample firmware.

Sources: movesense.com/docs/esw/gatt_sensordata_protocol (GD-77 v1.0) and movesense-device-lib
`samples/gatt_sensordata_app` (GATTSensorDataClient.cpp, python_client).

Wire format: commands written to 34800001 are `<cmd> <client reference != 0> <payload>`
(0 HELLO, 1 SUBSCRIBE + ASCII path such as "/Meas/IMU6/104", 2 UNSUBSCRIBE). Notifications on
34800002 are `<type> <reference> ...`: type 1 command result (HELLO: "Hello"; errors: u16 LE
HTTP-like status, e.g. 507), type 2 DATA, type 3 DATA_PART2 (continuation of the previous DATA
when the frame exceeded one notification; its bytes after the 2-byte header are appended).
IMU6 data: u32 LE timestamp (ms) of the first sample, N x acc xyz float32 (m/s^2), then
N x gyro xyz float32 (deg/s). The sensor unsubscribes everything on disconnect.
"""

from collections.abc import Callable
import struct
from typing import override

import numpy as np

from custom_components.retrowalk.gait.types import Placement

from .base import (
    DEG,
    DecodeError,
    FloatArray,
    GattLink,
    SampleBatch,
    SetupError,
    WearableProtocol,
    check_physical,
    now_if_none,
    uuid16,
)
from .replies import Replies
from .timeline import Timeline, Unwrapper, uniform

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
HELLO_REFERENCE = 0x48
STREAM_REFERENCE = 0x52
# IMU6 payload: uint32 ms timestamp of the first sample, N acc xyz float32 then N gyro xyz float32.
_TIMESTAMP = struct.Struct("<I")
_SAMPLE_BYTES = 2 * 3 * 4


def subscribe_command(rate: int, reference: int = STREAM_REFERENCE) -> bytes:
    """Build `01 <ref> "/Meas/IMU6/<rate>"`."""
    return bytes([CMD_SUBSCRIBE, reference]) + f"/Meas/IMU6/{rate}".encode("ascii")


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
    placements = (
        Placement.SHANK,
        Placement.FOOT,
        Placement.WAIST,
        Placement.THIGH,
        Placement.CHEST,
    )
    requires_bonding = False
    # DATA_PART2 continuations carry frames larger than one notification, so any MTU works.
    min_mtu = 23
    has_gyro = True
    nominal_rate = 104.0
    advertised_services = (GSP_SERVICE,)
    name_prefixes = (NAME_PREFIX,)

    def __init__(
        self,
        *,
        on_error: Callable[[DecodeError], None] | None = None,
        rate: int = 104,
    ) -> None:
        """Stream IMU6 at `rate` Hz (one of RATES)."""
        super().__init__(on_error=on_error)
        if rate not in RATES:
            raise ValueError(f"Movesense rate must be one of {RATES}")
        self.rate = rate
        self._timeline = Timeline()
        self._clock = Unwrapper(32)
        self._pending: bytes | None = None
        self._max_payload: int | None = None

    @override
    async def start(self, link: GattLink, on_batch: Callable[[SampleBatch], None]) -> None:
        self._check_mtu(link)
        self._max_payload = link.mtu - 3
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
            reply = await replies.wait_for(lambda d: len(d) >= 2 and d[1] == STREAM_REFERENCE)
            if reply[0] != RESP_COMMAND_RESULT:
                break
            status = http_status(reply[2:4]) if len(reply) >= 4 else 0
            if status >= 400:
                raise SetupError(f"status_{status}", "subscription refused")
        replies.close()

    def _late_result(self, data: bytes) -> None:
        if len(data) >= 4 and http_status(data[2:4]) >= 400:
            self._report(DecodeError("command_result", f"late error result {data.hex()}"))

    @override
    async def stop(self, link: GattLink) -> None:
        try:
            await link.write(GSP_COMMAND, bytes([CMD_UNSUBSCRIBE, STREAM_REFERENCE]), response=True)
        except Exception:  # the link may already be gone; the sensor unsubscribes on disconnect
            return

    @override
    def decode(self, data: bytes, received: float | None = None) -> SampleBatch | None:
        received = now_if_none(received)
        if len(data) < 2 or data[0] not in (RESP_DATA, RESP_DATA_PART2):
            raise DecodeError("frame_type", f"GSP packet {data[:2].hex()}")
        if data[1] != STREAM_REFERENCE:
            raise DecodeError("reference", f"unknown client reference {data[1]}")
        body = bytes(data[2:])
        if data[0] == RESP_DATA_PART2:
            if self._pending is None:
                raise DecodeError("continuation", "part 2 without part 1")
            body, self._pending = self._pending + body, None
            if not _is_whole(body):
                # Only possible at tiny MTUs: more continuation packets follow.
                self._pending = body
                return None
            return self._emit([body], received)
        held, self._pending = self._pending, None
        bodies = []
        if held is not None:
            if not _is_whole(held):
                self._report(DecodeError("truncated", "frame without its continuation"))
            else:
                bodies.append(held)
        if _is_whole(body) and len(data) != self._max_payload:
            bodies.append(body)
        else:
            # The sensor splits a frame only when it fills a whole notification, so a full-size
            # packet waits for the next one to show whether a DATA_PART2 follows.
            self._pending = body
        return self._emit(bodies, received) if bodies else None

    def _emit(self, bodies: list[bytes], received: float) -> SampleBatch:
        period = 1.0 / self.rate
        times, accs, gyros = [], [], []
        raw_last = ext_last = 0
        for body in bodies:
            raw_last, acc, gyro = _parse_imu6(body)
            ext_last = self._clock.peek(raw_last)
            times.append(uniform(ext_last * 1e-3, acc.shape[0], period))
            accs.append(acc)
            gyros.append(gyro)
        acc, gyro = np.concatenate(accs), np.concatenate(gyros)
        check_physical(acc, gyro)
        t, lost = self._timeline.place(np.concatenate(times), period, received)
        self._clock.commit(raw_last, ext_last)
        return SampleBatch(t=t, acc=acc, gyro=gyro, lost=lost)
