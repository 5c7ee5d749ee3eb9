"""Polar Measurement Data (PMD) service: Verity Sense acc + gyro, H10 acc.

Sources: polarofficial/polar-ble-sdk, Android `pmd/` package (PmdControlPointCommand,
PmdControlPointResponse, PmdSetting, PmdDataFrame, model/AccData, model/GyrData,
BlePMDClient.parseDeltaFramesAll, model/PmdTimeStampUtils).

Wire format:
- Control point FB005C81 (read/write/indicate). Read -> `0F <features...>`. Write
  `<op> <type> [<setting> <count=1> <value LE>]...` (op 1 get settings, 2 start, 3 stop).
  Reply `F0 <op> <type> <status> <more> <params...>`; params of a successful GET are
  `[<setting> <count> <values>]...` (rate/resolution/range u16, channels u8, factor float32),
  `more != 0` announces a continuation reply. Device-initiated `01 <type>` = stream stopped.
- Data FB005C82: `<type> <u64 ns since 2000-01-01, LAST sample> <frame type> <samples>`.
  Frame type bit 7 = delta compressed. Raw ACC types 0/1/2 = int8/16/24 x3 in mG. Compressed:
  a reference sample (3 x int16) then blocks `<bit width> <count> <count x 3 deltas, packed
  LSB first, two's complement>`; ACC type 1 x factor = mG, ACC type 0 x factor = g,
  GYRO type 0 x factor = deg/s.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
import math
import struct
from typing import ClassVar, override

import numpy as np

from custom_components.retrowalk.gait.types import Placement

from .base import (
    DEG,
    STANDARD_GRAVITY,
    DecodeError,
    FloatArray,
    GattLink,
    SampleBatch,
    SetupError,
    WearableProtocol,
    check_physical,
    now_if_none,
)
from .merge import ImuMerger
from .replies import Replies
from .timeline import Timeline, uniform

PMD_SERVICE = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
PMD_CP = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
PMD_DATA = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"
POLAR_COMPANY_ID = 0x006B

ACC = 2
GYRO = 5
# Feature-read bitmap: byte 1 of the `0F ...` reply, bit = measurement type for these two.
_FEATURE_BIT = {ACC: 1 << 2, GYRO: 1 << 5}

OP_GET_SETTINGS = 0x01
OP_START = 0x02
OP_STOP = 0x03
CP_RESPONSE = 0xF0
CP_FEATURES = 0x0F
CP_MEASUREMENT_STOPPED = 0x01

# PMD timestamps count nanoseconds since 2000-01-01T00:00:00Z and mark the LAST sample of a frame.
HEADER_SIZE = 10
_COMPRESSED = 0x80
_MILLI_G = STANDARD_GRAVITY / 1000.0
_MAX_SAMPLES_PER_FRAME = 2048


class Setting(IntEnum):
    """PMD measurement setting types."""

    SAMPLE_RATE = 0
    RESOLUTION = 1
    RANGE = 2
    RANGE_MILLIUNIT = 3
    CHANNELS = 4
    FACTOR = 5


_SETTING_SIZE = {
    Setting.SAMPLE_RATE: 2,
    Setting.RESOLUTION: 2,
    Setting.RANGE: 2,
    Setting.RANGE_MILLIUNIT: 4,
    Setting.CHANNELS: 1,
    Setting.FACTOR: 4,
}

STATUS_REASONS = (
    "success",
    "invalid_op_code",
    "invalid_measurement_type",
    "not_supported",
    "invalid_length",
    "invalid_parameter",
    "already_in_state",
    "invalid_resolution",
    "invalid_sample_rate",
    "invalid_range",
    "invalid_mtu",
    "invalid_number_of_channels",
    "invalid_state",
    "device_in_charger",
    "disk_full",
)
STATUS_ALREADY_IN_STATE = 6


@dataclass(frozen=True, slots=True)
class CpResponse:
    """`F0 <op> <type> <status> [<more> <params...>]` on the control point."""

    op: int
    measurement: int
    status: int
    more: bool
    params: bytes

    @property
    def reason(self) -> str:
        """Status as a SetupError reason key."""
        return (
            STATUS_REASONS[self.status]
            if self.status < len(STATUS_REASONS)
            else f"status_{self.status}"
        )


def parse_cp_response(data: bytes) -> CpResponse:
    """Parse a control point response; the more flag and parameters only follow a success."""
    if len(data) < 4 or data[0] != CP_RESPONSE:
        raise SetupError("cp_reply", f"not a control point response: {data.hex()}")
    ok = data[3] == 0
    return CpResponse(
        op=data[1],
        measurement=data[2],
        status=data[3],
        more=ok and len(data) > 4 and data[4] != 0,
        params=bytes(data[5:]) if ok else b"",
    )


def parse_settings(params: bytes) -> dict[Setting, list[int]]:
    """Parse `[type, count, values...]...` settings; LE per-type widths, FACTOR as raw bits."""
    out: dict[Setting, list[int]] = {}
    i = 0
    while i < len(params):
        if i + 2 > len(params) or params[i] not in _SETTING_SIZE:
            raise SetupError("settings", f"bad settings block at {i}: {params.hex()}")
        kind, count = Setting(params[i]), params[i + 1]
        size = _SETTING_SIZE[kind]
        i += 2
        if i + size * count > len(params):
            raise SetupError("settings", "settings block truncated")
        out[kind] = [
            int.from_bytes(params[i + k * size : i + (k + 1) * size], "little")
            for k in range(count)
        ]
        i += size * count
    return out


def factor_from(settings: Mapping[Setting, list[int]]) -> float:
    """FACTOR from a start response (float32 bits); 1.0 when the device sends none (H10)."""
    raw = settings.get(Setting.FACTOR)
    if not raw:
        return 1.0
    (factor,) = struct.unpack("<f", raw[0].to_bytes(4, "little"))
    if not (math.isfinite(factor) and 0.0 < factor < 1000.0):
        raise SetupError("factor", f"implausible scaling factor {factor}")
    return float(factor)


def choose_settings(
    available: Mapping[Setting, list[int]], preferred_rate: float
) -> dict[Setting, int]:
    """Rate nearest the preferred one; widest range and finest resolution (steps saturate less)."""
    chosen: dict[Setting, int] = {}
    for kind, values in available.items():
        if not values or kind in (Setting.FACTOR, Setting.RANGE_MILLIUNIT):
            continue
        if kind is Setting.SAMPLE_RATE:
            chosen[kind] = min(values, key=lambda r: (abs(r - preferred_rate), -r))
        else:
            chosen[kind] = max(values)
    if Setting.SAMPLE_RATE not in chosen:
        raise SetupError("settings", "device lists no sample rate")
    return chosen


def encode_start(measurement: int, selection: Mapping[Setting, int]) -> bytes:
    """Build `02 <type> [<setting> 01 <value LE>]...` in setting-type order."""
    out = bytearray([OP_START, measurement])
    for kind in sorted(selection):
        out += bytes([kind, 1]) + selection[kind].to_bytes(_SETTING_SIZE[kind], "little")
    return bytes(out)


def decode_delta_frames(payload: bytes, channels: int, resolution: int) -> FloatArray:
    """Decode a reference sample then `[bit width][count][LSB-first signed deltas]` blocks."""
    ref_size = (resolution + 7) // 8
    if len(payload) < channels * ref_size:
        raise DecodeError("length", "delta frame shorter than its reference sample")
    rows = [
        [
            int.from_bytes(payload[k * ref_size : (k + 1) * ref_size], "little", signed=True)
            for k in range(channels)
        ]
    ]
    i = channels * ref_size
    while i < len(payload):
        if i + 2 > len(payload):
            raise DecodeError("length", "delta block header truncated")
        width, count = payload[i], payload[i + 1]
        i += 2
        if not 1 <= width <= 32:
            raise DecodeError("frame", f"delta width {width}")
        nbytes = (width * count * channels + 7) // 8
        if i + nbytes > len(payload):
            raise DecodeError("length", "delta block truncated")
        bits = int.from_bytes(payload[i : i + nbytes], "little")
        i += nbytes
        mask, sign = (1 << width) - 1, 1 << (width - 1)
        for s in range(count):
            prev = rows[-1]
            row = []
            for c in range(channels):
                field = (bits >> ((s * channels + c) * width)) & mask
                row.append(prev[c] + (field - (1 << width) if field & sign else field))
            rows.append(row)
        if len(rows) > _MAX_SAMPLES_PER_FRAME:
            raise DecodeError("length", "implausibly many samples")
    return np.array(rows, dtype=np.float64)


def _raw_samples(payload: bytes, width: int) -> FloatArray:
    step = 3 * width
    if len(payload) == 0 or len(payload) % step:
        raise DecodeError(
            "length", f"{len(payload)} bytes is not a whole number of {step}-byte samples"
        )
    n = len(payload) // step
    vals = [
        int.from_bytes(payload[k * width : (k + 1) * width], "little", signed=True)
        for k in range(3 * n)
    ]
    return np.array(vals, dtype=np.float64).reshape(n, 3)


@dataclass(slots=True)
class _StreamConfig:
    rate: float
    factor: float
    last_ts: int | None = None


class PolarPmdProtocol(WearableProtocol):
    """Shared PMD logic; subclasses pick the measurements and the preferred rate."""

    manufacturer = "Polar Electro"
    measurements: ClassVar[tuple[int, ...]]

    def __init__(
        self,
        *,
        on_error: Callable[[DecodeError], None] | None = None,
        rate: float | None = None,
    ) -> None:
        super().__init__(on_error=on_error)
        self.preferred_rate = rate or self.nominal_rate
        self.streams: dict[int, _StreamConfig] = {}
        self._timeline = Timeline()
        self._epoch_ns: int | None = None
        self._early: list[tuple[bytes, float]] | None = []
        self._merger = ImuMerger() if GYRO in self.measurements else None

    @override
    async def start(self, link: GattLink, on_batch: Callable[[SampleBatch], None]) -> None:
        self._check_mtu(link)
        replies = Replies(after_setup=self._unsolicited)
        # The device only answers on the control point once both CCCDs are enabled
        # (the Polar SDK waits for both).
        await link.start_notify(PMD_CP, replies.push)
        await link.start_notify(PMD_DATA, lambda data: self._deliver(data, on_batch))
        features = await link.read(PMD_CP)
        if len(features) < 2 or features[0] != CP_FEATURES:
            raise SetupError("features", f"unexpected feature read {features.hex()}")
        for measurement in self.measurements:
            if not features[1] & _FEATURE_BIT[measurement]:
                raise SetupError("not_supported", f"measurement {measurement} not offered")
        for measurement in self.measurements:
            available = parse_settings(
                await self._request(link, replies, bytes([OP_GET_SETTINGS, measurement]))
            )
            selection = choose_settings(available, self.preferred_rate)
            start = encode_start(measurement, selection)
            try:
                params = await self._request(link, replies, start)
            except SetupError as err:
                if err.reason != STATUS_REASONS[STATUS_ALREADY_IN_STATE]:
                    raise
                # A stream left running by an earlier connection: restart it with our settings.
                await self._request(link, replies, bytes([OP_STOP, measurement]))
                params = await self._request(link, replies, start)
            self.streams[measurement] = _StreamConfig(
                rate=float(selection[Setting.SAMPLE_RATE]),
                factor=factor_from(parse_settings(params)),
            )
            early, self._early = self._early or [], []
            for data, received in early:
                self._deliver(data, on_batch, received)
        self._early = None
        replies.close()

    async def _request(self, link: GattLink, replies: Replies, command: bytes) -> bytes:
        await link.write(PMD_CP, command, response=True)

        def answers(data: bytes) -> bool:
            return (
                len(data) >= 3
                and data[0] == CP_RESPONSE
                and data[1] == command[0]
                and data[2] == command[1]
            )

        response = parse_cp_response(await replies.wait_for(answers))
        if response.status:
            raise SetupError(response.reason, f"request {command.hex()} refused")
        params = bytearray(response.params)
        more = response.more
        while more:
            # Continuations repeat the 5-byte response header; only what follows it is payload.
            part = parse_cp_response(await replies.wait_for(answers))
            params += part.params
            more = part.more
        return bytes(params)

    def _unsolicited(self, data: bytes) -> None:
        if data[:1] == bytes([CP_MEASUREMENT_STOPPED]):
            self._report(
                DecodeError("stream_stopped", f"device stopped measurement {data[1:].hex()}")
            )

    @override
    async def stop(self, link: GattLink) -> None:
        for measurement in self.streams:
            try:
                await link.write(PMD_CP, bytes([OP_STOP, measurement]), response=True)
            except Exception:  # the link may already be gone; stopping is best effort
                return

    @override
    def decode(self, data: bytes, received: float | None = None) -> SampleBatch | None:
        received = now_if_none(received)
        if len(data) <= HEADER_SIZE:
            raise DecodeError("length", f"{len(data)}-byte PMD frame")
        measurement = data[0] & 0x3F
        stream = self.streams.get(measurement)
        if stream is None:
            if self._early is not None and measurement in self.measurements:
                # Data can overtake the START reply; keep it until the stream's factor is known.
                self._early.append((bytes(data), received))
                return None
            raise DecodeError("frame_type", f"measurement {measurement} not started")
        timestamp = int.from_bytes(data[1:9], "little")
        values = self._values(measurement, data[9], data[HEADER_SIZE:], stream.factor)
        n = values.shape[0]
        period = self._period(stream, timestamp, n)
        # Seconds since 2000 as a float would lose sub-µs precision; count from the first frame.
        if self._epoch_ns is None:
            self._epoch_ns = timestamp
        t_dev = uniform((timestamp - self._epoch_ns) * 1e-9 - (n - 1) * period, n, period)
        if self._merger is None:
            check_physical(values, None)
            t, lost = self._timeline.place(t_dev, period, received)
            return SampleBatch(t=t, acc=values, gyro=None, lost=lost)
        is_acc = measurement == ACC
        check_physical(values if is_acc else None, None if is_acc else values)
        push = self._merger.push_acc if is_acc else self._merger.push_gyro
        if push(t_dev, values) == 0:
            raise DecodeError("duplicate", "frame holds no new samples")
        merged = self._merger.pop()
        if merged is None:
            return None
        t_acc, acc, gyro = merged
        t, lost = self._timeline.place(t_acc, 1.0 / self.streams[ACC].rate, received)
        return SampleBatch(t=t, acc=acc, gyro=gyro, lost=lost)

    def _period(self, stream: _StreamConfig, timestamp: int, n: int) -> float:
        # Like the Polar SDK: spread a frame between the previous frame's timestamp and its own
        # when they are contiguous, which absorbs the device's small deviation from nominal rate.
        nominal = 1.0 / stream.rate
        previous, stream.last_ts = stream.last_ts, max(timestamp, stream.last_ts or 0)
        if previous is not None and timestamp > previous:
            measured = (timestamp - previous) * 1e-9 / n
            if abs(measured - nominal) < 0.05 * nominal:
                return measured
        return nominal

    @staticmethod
    def _values(measurement: int, frame_byte: int, payload: bytes, factor: float) -> FloatArray:
        compressed, frame_type = bool(frame_byte & _COMPRESSED), frame_byte & 0x7F
        if measurement == ACC and not compressed and frame_type <= 2:
            return _raw_samples(payload, frame_type + 1) * _MILLI_G
        if measurement == ACC and compressed and frame_type == 1:
            return decode_delta_frames(payload, 3, 16) * (factor * _MILLI_G)
        if measurement == ACC and compressed and frame_type == 0:
            # Compressed type 0 counts in g (SDK multiplies factor by 1000 to reach mG).
            return decode_delta_frames(payload, 3, 16) * (factor * STANDARD_GRAVITY)
        if measurement == GYRO and compressed and frame_type == 0:
            return decode_delta_frames(payload, 3, 16) * (factor * DEG)
        raise DecodeError("frame_type", f"measurement {measurement} frame type {frame_byte:#04x}")


class PolarVeritySense(PolarPmdProtocol):
    """Verity Sense in normal mode: delta-compressed acc and gyro at 52 Hz."""

    key = "polar_verity_sense"
    model = "Verity Sense"
    name_prefixes = ("Polar Sense",)
    placements = (Placement.WRIST, Placement.SHANK)
    # Not documented as needing a bond; the coordinator pairs on an authentication error anyway.
    requires_bonding = False
    # The Polar SDK always negotiates a large MTU; below ~232 the device answers INVALID_MTU.
    min_mtu = 232
    has_gyro = True
    nominal_rate = 52.0
    measurements = (ACC, GYRO)


class PolarH10(PolarPmdProtocol):
    """H10 chest strap: raw int16 acc in mG, 25-200 Hz, bonded link only."""

    key = "polar_h10"
    model = "H10"
    name_prefixes = ("Polar H10",)
    placements = (Placement.CHEST,)
    # PMD control point writes need an encrypted link (bleak #1943, btleplug #232).
    requires_bonding = True
    min_mtu = 232
    has_gyro = False
    nominal_rate = 50.0
    measurements = (ACC,)
