"""Polar Measurement Data (PMD) service: Verity Sense acc + gyro, H10 acc.

Sources: polarofficial/polar-ble-sdk, Android `pmd/` package (PmdControlPointCommand,
PmdControlPointResponse, PmdSetting, PmdDataFrame, model/AccData, model/GyrData,
BlePMDClient.parseDeltaFramesAll, model/PmdTimeStampUtils) and the iOS counterparts.

Wire format:
- Control point FB005C81 (read/write/indicate). Read -> `0F <features...>`. Write
  `<op> <type> [<setting> <count=1> <value LE>]...` (op 1 get settings, 2 start, 3 stop).
  Reply `F0 <op> <type> <status> <more> <params...>`; params of a successful GET are
  `[<setting> <count> <values>]...` (rate/resolution/range u16, range in milli-units u32,
  channels u8, factor float32, security 16 bytes), `more != 0` announces a continuation reply.
  Device-initiated `01 <type>...` = those streams stopped.
- Data FB005C82: `<type> <u64 ns since 2000-01-01, LAST sample> <frame type> <samples>`.
  Frame type bit 7 = delta compressed. Raw ACC types 0/1/2 = int8/16/24 x3 in mG. Compressed:
  a reference sample then blocks `<bit width> <count> <count x 3 deltas, packed LSB first, two's
  complement>`; ACC type 1 (int16) x factor = mG, ACC type 0 (int16) x factor = g, GYRO type 0
  (int16) x factor = deg/s, GYRO type 1: the reference and the running sums are the bit patterns
  of float32 deg/s (32-bit deltas added modulo 2^32), x factor.

Timing: a frame's samples are spread evenly up to its timestamp, since the previous frame's
timestamp when the two are contiguous (PmdTimeStampUtils); whether a frame is
contiguous with the previous one is judged against the device's real sample period, learned
from contiguous frames (a sensor's clock can run a few percent off nominal), so that losses and
stale frames are counted at the real rate. A stop notification closes the listed streams Retrowalk
runs and starts them again with the settings chosen at setup.

Published vectors: tests/devices/polar_vectors.py holds every polar-ble-sdk PMD unit test (Android
and iOS) about what Retrowalk decodes, with its provenance; tests/devices/test_polar_vectors.py
runs the 57 that apply, all passing. The 19 that do not apply, and why:
- MagDataTest (Android 3, iOS 3): magnetometer frames; Retrowalk never starts MAGNETOMETER.
- PmdActiveMeasurementTest (4): the GET_MEASUREMENT_STATUS reply, a request Retrowalk never makes.
- PmdTimeStampUtilsTest.swift testPerformanceExample: a timing benchmark that asserts no values.
- BlePmdClientTest "process control point response when status is fail": the ATT status of the
  GATT operation, which bleak turns into an exception before any PMD parsing.
- BlePmdClientTest "test previous timestamp" and "... reset": they mock the sample parser and
  feed ACC compressed type 3, which no Polar parser decodes; Retrowalk keeps the previous
  timestamp per started stream and makes a fresh protocol object per connection.
- BlePmdClientTest "startMeasurement - ..." for online ECG, offline ACC, a secret, offline
  recording and "notifications not enabled": measurements, recording modes and encryption
  Retrowalk never uses (the start path it uses, factor reply and refusals, is covered).
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
import math
import struct
from typing import TYPE_CHECKING, ClassVar, Self, override

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait.types import STANDARD_GRAVITY, FloatArray, Placement

from .base import DEG, DecodeError, SampleBatch, SetupError, WearableProtocol, check_physical
from .merge import ImuMerger
from .replies import Replies
from .timeline import Timeline

# Named in annotations only, which nothing in devices/ evaluates (Python 3.14 defers them).
if TYPE_CHECKING:
    from .base import BatchSink, ErrorHook, GattLink

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
_INT64_MAX = 2**63 - 1

# A sensor's sample clock runs off its own oscillator, a few percent from nominal at most; a lost
# notification takes a whole frame (tens of samples), so a frame after a loss spaces its samples
# at 1.5x nominal or more. Within this band of nominal, two frames are taken as contiguous while
# the device's real rate is still being learned.
CLOCK_TOLERANCE = 0.10
# Contiguous samples needed before the learned rate replaces nominal (2-3 frames).
_LEARN_SAMPLES = 100
# The learned rate forgets older frames (halving the weight past this many samples) so that it
# follows the oscillator's drift with temperature.
_FORGET_SAMPLES = 20_000

type IntArray = npt.NDArray[np.int64]


class Setting(IntEnum):
    """PMD measurement setting types."""

    SAMPLE_RATE = 0
    RESOLUTION = 1
    RANGE = 2
    RANGE_MILLIUNIT = 3
    CHANNELS = 4
    FACTOR = 5
    # An AES key offered for encrypted measurements; Retrowalk streams unencrypted.
    SECURITY = 6


_SETTING_SIZE = {
    Setting.SAMPLE_RATE: 2,
    Setting.RESOLUTION: 2,
    Setting.RANGE: 2,
    Setting.RANGE_MILLIUNIT: 4,
    Setting.CHANNELS: 1,
    Setting.FACTOR: 4,
    Setting.SECURITY: 16,
}
# Listed by the device but never chosen: the factor is the device's answer, not a request; the
# milli-unit range duplicates RANGE; a security key would encrypt the stream.
_NOT_CHOSEN = (Setting.FACTOR, Setting.RANGE_MILLIUNIT, Setting.SECURITY)

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
    """Parse `[type, count, values...]...` settings; LE per-type widths, FACTOR as raw bits.

    A setting type newer than this list has an unknown width, so it ends the list (types come
    in increasing order, as the iOS SDK's parser assumes too); what precedes it is kept.
    """
    out: dict[Setting, list[int]] = {}
    i = 0
    while i < len(params):
        if i + 2 > len(params):
            raise SetupError("settings", f"bad settings block at {i}: {params.hex()}")
        if params[i] not in _SETTING_SIZE:
            break
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
    """Rate nearest the preferred one; widest range and finest resolution (steps saturate less).

    A 0 Hz rate cannot time a single sample: it is never chosen, and a device offering nothing
    else is refused here rather than failing on every frame.
    """
    chosen: dict[Setting, int] = {}
    for kind, values in available.items():
        if not values or kind in _NOT_CHOSEN:
            continue
        if kind is Setting.SAMPLE_RATE:
            rates = [r for r in values if r > 0]
            if not rates:
                raise SetupError("invalid_sample_rate", f"device offers only {values} Hz")
            chosen[kind] = min(rates, key=lambda r: (abs(r - preferred_rate), -r))
        else:
            chosen[kind] = max(values)
    if Setting.SAMPLE_RATE not in chosen:
        raise SetupError("settings", "device lists no sample rate")
    return chosen


def encode_start(measurement: int, selection: Mapping[Setting, int]) -> bytes:
    """Build `02 <type> [<setting> 01 <value LE>]...` in setting-type order (never FACTOR)."""
    out = bytearray([OP_START, measurement])
    for kind in sorted(selection):
        if kind is not Setting.FACTOR:
            out += bytes([kind, 1]) + selection[kind].to_bytes(_SETTING_SIZE[kind], "little")
    return bytes(out)


@dataclass(frozen=True, slots=True)
class DataFrame:
    """The header fields of a PMD data notification and the samples' bytes."""

    measurement: int
    timestamp: int
    compressed: bool
    frame_type: int
    payload: bytes


def parse_data_frame(data: bytes) -> DataFrame:
    """Split `<type> <u64 timestamp> <frame type> <payload>`; a frame without payload is refused."""
    if len(data) <= HEADER_SIZE:
        raise DecodeError("length", f"{len(data)}-byte PMD frame")
    return DataFrame(
        measurement=data[0] & 0x3F,
        timestamp=int.from_bytes(data[1:9], "little"),
        compressed=bool(data[9] & _COMPRESSED),
        frame_type=data[9] & 0x7F,
        payload=bytes(data[HEADER_SIZE:]),
    )


def delta_frame_ints(payload: bytes, channels: int, resolution: int) -> IntArray:
    """Decode a reference sample then `[bit width][count][LSB-first signed deltas]` blocks.

    Integers as the SDK's parseDeltaFramesAll returns them: running sums, not wrapped to
    `resolution` bits (the caller wraps the 32-bit float patterns).
    """
    ref_size = (resolution + 7) // 8
    if len(payload) < channels * ref_size:
        raise DecodeError("length", "delta frame shorter than its reference sample")
    ref = [
        int.from_bytes(payload[k * ref_size : (k + 1) * ref_size], "little", signed=True)
        for k in range(channels)
    ]
    parts = [np.array([ref], dtype=np.int64)]
    samples = 1
    i = channels * ref_size
    while i < len(payload):
        if i + 2 > len(payload):
            raise DecodeError("length", "delta block header truncated")
        width, count = payload[i], payload[i + 1]
        i += 2
        if not 1 <= width <= 32:
            raise DecodeError("frame", f"delta width {width}")
        nbits = width * count * channels
        nbytes = (nbits + 7) // 8
        if i + nbytes > len(payload):
            raise DecodeError("length", "delta block truncated")
        samples += count
        if samples > _MAX_SAMPLES_PER_FRAME:
            raise DecodeError("length", "implausibly many samples")
        if count:
            bits = np.unpackbits(
                np.frombuffer(payload, dtype=np.uint8, count=nbytes, offset=i), bitorder="little"
            )[:nbits].reshape(-1, width)
            fields = bits.astype(np.int64) @ (np.int64(1) << np.arange(width, dtype=np.int64))
            fields -= (fields >> (width - 1)) << width  # two's complement of `width` bits
            parts.append(fields.reshape(count, channels))
        i += nbytes
    return np.cumsum(np.concatenate(parts), axis=0)


def decode_delta_frames(payload: bytes, channels: int, resolution: int) -> FloatArray:
    """Integer delta-compressed samples as floats (counts, before the factor)."""
    return delta_frame_ints(payload, channels, resolution).astype(np.float64)


def decode_float_delta_frames(payload: bytes, channels: int) -> FloatArray:
    """Delta-compressed float32 samples: 32-bit patterns summed modulo 2^32, then read as floats."""
    patterns = (delta_frame_ints(payload, channels, 32) & 0xFFFFFFFF).astype(np.uint32)
    return patterns.view(np.float32).astype(np.float64)


def sample_offsets_ns(previous: int | None, timestamp: int, n: int, period_ns: float) -> IntArray:
    """Times of a frame's `n` samples relative to its timestamp (that of the last sample), ns.

    As polar-ble-sdk's PmdTimeStampUtils.getTimeStamps: with the previous frame's timestamp the
    samples divide the interval since it evenly (rounded to the ns, ties to even); without one
    they lie `period_ns` apart. A frame whose first sample would precede the device's epoch, or
    a missing rate, is refused like the SDK refuses it.
    """
    if n <= 0:
        raise DecodeError("length", "frame without samples")
    if previous is None:
        if not (math.isfinite(period_ns) and period_ns > 0):
            raise DecodeError("rate", "no previous frame and no sample rate to time samples")
        if timestamp < period_ns * n:
            raise DecodeError("timestamp", f"samples before the device epoch ({timestamp} ns)")
        return -np.round(period_ns * np.arange(n - 1, -1, -1, dtype=np.float64)).astype(np.int64)
    interval = timestamp - previous
    if interval <= 0 or interval > _INT64_MAX // max(1, n - 1):
        raise DecodeError("timestamp", f"previous frame at {previous}, this one at {timestamp}")
    # Exact rational rounding of previous + (k + 1) * interval / n, at any timestamp magnitude.
    q, r = np.divmod(np.arange(1, n, dtype=np.int64) * interval, n)
    q += (2 * r > n) | ((2 * r == n) & ((q + previous % 2) % 2 == 1))
    return np.append(q - interval, np.int64(0))


def decode_values(frame: DataFrame, factor: float) -> FloatArray:
    """A data frame's samples in SI units: acc m/s², gyro rad/s (`factor` from the START reply)."""
    measurement, frame_type, payload = frame.measurement, frame.frame_type, frame.payload
    if measurement == ACC and not frame.compressed and frame_type <= 2:
        return _raw_samples(payload, frame_type + 1) * _MILLI_G
    if measurement == ACC and frame.compressed and frame_type == 1:
        return decode_delta_frames(payload, 3, 16) * (factor * _MILLI_G)
    if measurement == ACC and frame.compressed and frame_type == 0:
        # Compressed type 0 counts in g (SDK multiplies factor by 1000 to reach mG).
        return decode_delta_frames(payload, 3, 16) * (factor * STANDARD_GRAVITY)
    if measurement == GYRO and frame.compressed and frame_type == 0:
        return decode_delta_frames(payload, 3, 16) * (factor * DEG)
    if measurement == GYRO and frame.compressed and frame_type == 1:
        return decode_float_delta_frames(payload, 3) * (factor * DEG)
    raise DecodeError(
        "frame_type",
        f"measurement {measurement} frame type {frame_type:#04x}"
        f"{' compressed' if frame.compressed else ''}",
    )


def _raw_samples(payload: bytes, width: int) -> FloatArray:
    step = 3 * width
    if len(payload) == 0 or len(payload) % step:
        raise DecodeError(
            "length", f"{len(payload)} bytes is not a whole number of {step}-byte samples"
        )
    if width == 3:
        b = np.frombuffer(payload, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v -= (v >> 23) << 24  # sign of the 24-bit value
    else:
        v = np.frombuffer(payload, dtype="<i1" if width == 1 else "<i2")
    return v.astype(np.float64).reshape(-1, 3)


@dataclass(slots=True)
class _StreamConfig:
    rate: float
    factor: float
    last_ts: int | None = None
    # The device's real sample period, learned from contiguous frames (ns and sample count).
    learned_ns: float = 0.0
    learned_n: float = 0.0
    selection: dict[Setting, int] = field(default_factory=dict)

    def period_ns(self) -> float:
        if self.learned_n >= _LEARN_SAMPLES:
            return self.learned_ns / self.learned_n
        return 1e9 / self.rate

    def learn(self, interval_ns: int, n: int) -> None:
        self.learned_ns += interval_ns
        self.learned_n += n
        if self.learned_n > _FORGET_SAMPLES:
            self.learned_ns /= 2
            self.learned_n /= 2

    def contiguous(self, interval_ns: int, n: int) -> bool:
        """Whether `n` samples fill the interval since the previous frame (no frame lost)."""
        period = self.period_ns()  # the nominal one until it is learned
        if self.learned_n < _LEARN_SAMPLES:
            return abs(interval_ns / n - period) <= CLOCK_TOLERANCE * period
        return abs(interval_ns / period - n) < 0.5


class PolarPmdProtocol(WearableProtocol):
    """Shared PMD logic; subclasses pick the measurements and the preferred rate."""

    manufacturer = "Polar Electro"
    measurements: ClassVar[tuple[int, ...]]
    # What the START reply's factor setting gives (mG, deg/s per count) to example_frames.
    example_factors: ClassVar[Mapping[int, float]]

    def __init__(self, *, on_error: ErrorHook | None = None, rate: float | None = None) -> None:
        super().__init__(on_error=on_error)
        self.preferred_rate = rate or self.nominal_rate
        self.streams: dict[int, _StreamConfig] = {}
        self._timeline = Timeline()
        self._epoch_ns: int | None = None
        self._early: list[tuple[bytes, float]] | None = []
        self._merger = ImuMerger() if GYRO in self.measurements else None
        self._replies = Replies()
        self._link: GattLink | None = None
        self._on_batch: BatchSink = lambda _: None
        self._running = False
        self._restarts: set[asyncio.Task[None]] = set()
        self._restart_lock = asyncio.Lock()

    @classmethod
    @override
    def example_decoder(cls) -> Self:
        device = cls()
        for measurement, factor in cls.example_factors.items():
            device.assume_started(measurement, rate=cls.nominal_rate, factor=factor)
        return device

    def assume_started(self, measurement: int, *, rate: float, factor: float) -> None:
        """Decode `measurement` frames as if start() had opened the stream at `rate` and `factor`.

        For notifications without a device (fuzzing, benchmarks, captured traffic): `factor`
        is the unit per raw count the START reply would give (mG or mdps per LSB).
        """
        self.streams[measurement] = _StreamConfig(rate=rate, factor=factor)

    @override
    async def start(self, link: GattLink, on_batch: BatchSink) -> None:
        self._check_mtu(link)
        self._link, self._on_batch = link, on_batch
        self._replies = replies = Replies(after_setup=self._unsolicited)
        # The device only answers on the control point once both CCCDs are enabled
        # (the Polar SDK waits for both).
        await link.start_notify(PMD_CP, self._on_cp)
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
            await self._start_stream(link, replies, measurement, selection)
        self._early = None
        replies.close()
        self._running = True

    async def _start_stream(
        self, link: GattLink, replies: Replies, measurement: int, selection: dict[Setting, int]
    ) -> None:
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
            selection=selection,
        )
        early, self._early = self._early or [], []
        for data, received in early:
            self._deliver(data, self._on_batch, received)

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

    def _on_cp(self, data: bytes) -> None:
        # Replies go to whoever awaits them (setup, a restart); the rest is unsolicited.
        self._replies.push(data)

    def _unsolicited(self, data: bytes) -> None:
        if data[:1] != bytes([CP_MEASUREMENT_STOPPED]):
            return
        stopped = [m for m in data[1:] if m in self.streams]
        self._report(DecodeError("stream_stopped", f"device stopped measurement {data[1:].hex()}"))
        link = self._link
        if not (self._running and stopped and link is not None):
            return
        # Like the SDK, the stopped streams are closed: their state (timestamps, rate) belongs to
        # a measurement that has ended. Unlike an app, nobody is there to start them again, so
        # Retrowalk does, with the settings it chose at setup.
        selections = {m: self.streams.pop(m).selection for m in stopped}
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # notified outside the event loop: nothing can await the device
            self._report(DecodeError("restart_failed", "no event loop to restart streams in"))
            return
        # Their frames from now until the restart's reply wait for it, as at setup.
        self._early = []
        task = loop.create_task(self._restart(link, selections))
        self._restarts.add(task)
        task.add_done_callback(self._restarts.discard)

    async def _restart(self, link: GattLink, selections: dict[int, dict[Setting, int]]) -> None:
        async with self._restart_lock:
            self._replies = replies = Replies(after_setup=self._unsolicited)
            try:
                for measurement, selection in selections.items():
                    await self._start_stream(link, replies, measurement, selection)
            except Exception as err:  # a lost link or a refusal: report, the stream stays closed
                self._report(DecodeError("restart_failed", f"{type(err).__name__}: {err}"))
            finally:
                self._early = None
                replies.close()

    @override
    async def stop(self, link: GattLink) -> None:
        self._running = False
        for task in list(self._restarts):
            task.cancel()
        for measurement in self.measurements:
            if not await self._write_best_effort(link, PMD_CP, bytes([OP_STOP, measurement])):
                return  # the link is gone: no use trying the other streams

    @override
    def _decode(self, data: bytes, received: float) -> SampleBatch | None:
        frame = parse_data_frame(data)
        stream = self.streams.get(frame.measurement)
        if stream is None:
            if self._early is not None and frame.measurement in self.measurements:
                # Data can overtake the START reply; keep it until the stream's factor is known.
                self._early.append((bytes(data), received))
                return None
            raise DecodeError("frame_type", f"measurement {frame.measurement} not started")
        values = decode_values(frame, stream.factor)
        n = values.shape[0]
        offsets, period = self._sample_times(stream, frame.timestamp, n)
        # Seconds since 2000 as a float would lose sub-µs precision; count from the first frame.
        if self._epoch_ns is None:
            self._epoch_ns = frame.timestamp
        t_dev = (frame.timestamp - self._epoch_ns) * 1e-9 + offsets.astype(np.float64) * 1e-9
        if self._merger is None:
            check_physical(values, None)
            t, lost = self._timeline.place(t_dev, period, received)
            return SampleBatch(t=t, acc=values, gyro=None, lost=lost)
        is_acc = frame.measurement == ACC
        check_physical(values if is_acc else None, None if is_acc else values)
        push = self._merger.push_acc if is_acc else self._merger.push_gyro
        if push(t_dev, values) == 0:
            raise DecodeError("duplicate", "frame holds no new samples")
        merged = self._merger.pop()
        if merged is None:
            return None
        t_acc, acc, gyro = merged
        acc_stream = self.streams.get(ACC)
        acc_period = period if acc_stream is None else acc_stream.period_ns() * 1e-9
        t, lost = self._timeline.place(t_acc, acc_period, received)
        return SampleBatch(t=t, acc=acc, gyro=gyro, lost=lost)

    @staticmethod
    def _sample_times(stream: _StreamConfig, timestamp: int, n: int) -> tuple[IntArray, float]:
        # Like the Polar SDK, a frame contiguous with the previous one spreads its samples since
        # that frame's timestamp, which absorbs the device's deviation from its nominal rate; the
        # deviation is also learned, so that frames after a loss, and the timeline's judgement of
        # gaps and stale frames, use the device's real rate rather than the nominal one.
        if not stream.rate > 0:
            raise DecodeError("rate", f"stream started at {stream.rate} Hz")
        previous, stream.last_ts = stream.last_ts, timestamp
        if (
            previous is not None
            and timestamp > previous
            and stream.contiguous(timestamp - previous, n)
        ):
            stream.learn(timestamp - previous, n)
        else:
            previous = None  # not contiguous: the samples lie at the learned period instead
        period_ns = stream.period_ns()
        return sample_offsets_ns(previous, timestamp, n, period_ns), period_ns * 1e-9


class PolarVeritySense(PolarPmdProtocol):
    """Verity Sense in normal mode: delta-compressed acc and gyro at 52 Hz."""

    key = "polar_verity_sense"
    model = "Verity Sense"
    name_prefixes = ("Polar Sense",)
    placements = (Placement.WRIST, Placement.SHANK)
    # Polar documents no bond for the Verity Sense's PMD service, so Retrowalk connects without
    # pairing (connection.py pairs only when requires_bonding says so; nothing retries with
    # pairing after an authentication error).
    requires_bonding = False
    # The Polar SDK always negotiates a large MTU; below ~232 the device answers INVALID_MTU.
    min_mtu = 232
    has_gyro = True
    nominal_rate = 52.0
    measurements = (ACC, GYRO)
    example_factors: ClassVar[Mapping[int, float]] = {ACC: 0.244, GYRO: 0.061}
    # Delta-compressed acc (0x81) and gyro (0x80) frames of 12 samples each, interleaved as the
    # device sends them: a reference sample, then one block of 8-bit deltas.
    example_frames = (
        bytes.fromhex(
            "02 1bd2619b4ae6b609 81 0000fdffe803 08 0b 070101080101070101 060101050101040101 "
            "02fa01000101ff0101 fe0101fc01f6"
        ),
        bytes.fromhex(
            "05 1bd2619b4ae6b609 80 0000fdffe803 08 0b 070101080101070101 060101050101040101 "
            "02fa01000101ff0101 fe0101fc01f6"
        ),
        bytes.fromhex(
            "02 671423a94ae6b609 81 1b000200e903 08 0b f90101f9fa01f80101 f90101f80101f90101 "
            "f90101fa0101fcfa01 fc01f6ff0101"
        ),
        bytes.fromhex(
            "05 671423a94ae6b609 80 1b000200e903 08 0b f90101f9fa01f80101 f90101f80101f90101 "
            "f90101fa0101fcfa01 fc01f6ff0101"
        ),
    )


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
    example_factors: ClassVar[Mapping[int, float]] = {ACC: 1.0}
    # Raw frames (type 1: int16 mG) of 10 samples each.
    example_frames = (
        bytes.fromhex(
            "02 009580994ae6b609 01 0000fdffe803 0700feffe903 0f00ffffea03 16000000eb03 "
            "1c000100ec03 21000200ed03 25000300ee03 2700fdffef03 2700fefff003 2600fffff103"
        ),
        bytes.fromhex(
            "02 00576ca54ae6b609 01 24000000f203 20000100e803 1b000200e903 14000300ea03 "
            "0d00fdffeb03 0500feffec03 feffffffed03 f6ff0000ee03 efff0100ef03 e8ff0200f003"
        ),
        bytes.fromhex(
            "02 001958b14ae6b609 01 e2ff0300f103 defffdfff203 dafffeffe803 d9ffffffe903 "
            "d9ff0000ea03 daff0100eb03 ddff0200ec03 e2ff0300ed03 e7fffdffee03 eefffeffef03"
        ),
    )
