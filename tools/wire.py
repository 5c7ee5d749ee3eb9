"""What each supported wearable sends over the air for given samples, and the decoder for it.

One `Encoder` per protocol in ENCODERS, keyed by the protocol's `key` and in the order of the
devices registry (PROTOCOLS): the sensor's full scale as the device runs it and how its firmware
packs samples into notifications (sources in each devices/ module); the rate Retrowalk asks the
device for (`nominal_rate`) and a decoder in the state its `start()` leaves it
(`example_decoder()`) come from the protocol itself. The decoder bench (tools/bench/decoders.py)
re-sends recorded walks through these, so a decoder that loses gyro or samples shows up as lost
accuracy. Development only (the integration never encodes). A protocol plugs in with one
`@encodes(Protocol, ...)` pack function here; one without it is left out of the decoder bench,
which names it (a new protocol works without one). tests/tools/test_wire.py checks every encoder
round-trips.

Input: acc (N, 3) m/s², gyro (N, 3) rad/s of consecutive samples at `Encoder.rate` Hz, sample k
taken at k / rate seconds. Output: (ready, notification) pairs in the order the device sends
them, `ready` the time in seconds of the newest sample the notification carries (when the device
can send it at the earliest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
import struct

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.devices import (
    DEG,
    PROTOCOLS,
    STANDARD_GRAVITY,
    Movesense,
    PolarH10,
    PolarVeritySense,
    RetrowalkImu,
    Thingy52,
    WearableProtocol,
    WitMotion,
    movesense,
    polar,
    retrowalk_imu_spec,
    thingy52,
    witmotion,
)
from custom_components.retrowalk.gait import FloatArray

Notifications = list[tuple[float, bytes]]
# acc (N, 3) m/s², gyro (N, 3) rad/s and the rate in Hz in, notifications out (module docstring).
type Pack = Callable[[FloatArray, FloatArray, float], Notifications]
# The MTU a phone or a Home Assistant adapter usually negotiates (the Polar SDK's minimum is 232).
MTU = 247


@dataclass(frozen=True, slots=True, kw_only=True)
class Encoder:
    """How one wearable sends samples; see the module docstring."""

    protocol: type[WearableProtocol]
    acc_range_g: float
    gyro_range_dps: float | None  # None: the device streams no gyro
    pack: Pack  # its docstring names the source of the format

    @property
    def rate(self) -> float:
        """The rate Retrowalk asks the device for, in Hz."""
        return self.protocol.nominal_rate

    def decoder(self) -> WearableProtocol:
        """A decoder in the state the device's start() leaves it."""
        return self.protocol.example_decoder()

    def encode(self, acc: FloatArray, gyro: FloatArray) -> Notifications:
        """Saturate at the sensor's full scale, then pack as the firmware does."""
        acc = np.clip(
            acc, -self.acc_range_g * STANDARD_GRAVITY, self.acc_range_g * STANDARD_GRAVITY
        )
        if self.gyro_range_dps is not None:
            limit = self.gyro_range_dps * DEG
            gyro = np.clip(gyro, -limit, limit)
        return self.pack(acc, gyro, self.rate)


_REGISTERED: dict[str, Encoder] = {}


def encodes(
    protocol: type[WearableProtocol],
    *,
    acc_range_g: float,
    gyro_range_dps: float | None,
) -> Callable[[Pack], Pack]:
    """Register the decorated pack function as `protocol`'s encoder (one per protocol)."""

    def register(pack: Pack) -> Pack:
        if protocol.key in _REGISTERED:
            raise ValueError(f"a second encoder for {protocol.key}")
        _REGISTERED[protocol.key] = Encoder(
            protocol=protocol,
            acc_range_g=acc_range_g,
            gyro_range_dps=gyro_range_dps,
            pack=pack,
        )
        return pack

    return register


def _chunks(n: int, size: int) -> Iterable[slice]:
    return (slice(i, min(i + size, n)) for i in range(0, n, size))


def _ready(stop: int, rate: float) -> float:
    return (stop - 1) / rate


# --- Retrowalk IMU: docs/retrowalk_imu_profile.md -----------------------------------------------


@encodes(RetrowalkImu, acc_range_g=16.0, gyro_range_dps=2000.0)
def _retrowalk_imu(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    """docs/retrowalk_imu_profile.md; frames of max_samples(247) samples."""
    out = []
    for seq, part in enumerate(_chunks(len(acc), retrowalk_imu_spec.max_samples(MTU))):
        frame = retrowalk_imu_spec.Frame(
            seq=seq & 0xFFFF,
            t0_us=round(part.start * 1e6 / rate) & 0xFFFFFFFF,
            rate_hz=round(rate),
            acc_range_g=16,
            gyro_range_dps=2000,
            acc=acc[part],
            gyro=gyro[part],
        )
        out.append((_ready(part.stop, rate), retrowalk_imu_spec.encode_frame(frame)))
    return out


# --- Polar PMD: devices/polar.py ----------------------------------------------------------------

_PMD_PAYLOAD = MTU - 3 - polar.HEADER_SIZE
# Any PMD time (ns since 2000-01-01) will do; this one is in 2022.
_PMD_EPOCH_NS = 700_000_000 * 10**9


def pack_delta(samples: npt.NDArray[np.int64], width: int = 8) -> bytes:
    """Reference sample + one delta block, LSB-first (wire format in devices/polar.py)."""
    ref = struct.pack("<3h", *samples[0])
    deltas = np.diff(samples, axis=0).ravel()
    bits = 0
    for k, d in enumerate(deltas):
        bits |= (int(d) & ((1 << width) - 1)) << (k * width)
    nbytes = (len(deltas) * width + 7) // 8
    return ref + bytes([width, len(samples) - 1]) + bits.to_bytes(nbytes, "little")


def _delta_width(counts: npt.NDArray[np.int64]) -> int:
    deltas = np.diff(counts, axis=0)
    largest = int(np.max(np.maximum(deltas, -deltas - 1), initial=0))
    return largest.bit_length() + 1  # two's complement: one sign bit


def _delta_frames(counts: npt.NDArray[np.int64]) -> Iterable[tuple[slice, bytes]]:
    """Greedy: as many samples as fit one notification in one delta block (the SDK's format)."""
    start = 0
    while start < len(counts):
        stop = start + 1
        # At most 256 samples (a u8 count of deltas after the reference sample).
        while stop < len(counts) and stop - start < 256:
            width = _delta_width(counts[start : stop + 1])
            if 6 + 2 + (width * 3 * (stop - start) + 7) // 8 > _PMD_PAYLOAD:
                break
            stop += 1
        block = counts[start:stop]
        yield slice(start, stop), pack_delta(block, max(1, _delta_width(block)))
        start = stop


def _pmd_header(measurement: int, stop: int, rate: float, frame_type: int) -> bytes:
    # The timestamp marks the LAST sample of the frame, ns since 2000-01-01.
    ts = _PMD_EPOCH_NS + round((stop - 1) * 1e9 / rate)
    return bytes([measurement]) + ts.to_bytes(8, "little") + bytes([frame_type])


@encodes(PolarVeritySense, acc_range_g=8.0, gyro_range_dps=2000.0)
def _verity(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    """polar-ble-sdk PMD: delta frames (acc 0x81, gyro 0x80) filling MTU 247.

    Ranges: the example factors, 0.244 mG and 0.061 deg/s per count of 16 bits.
    """
    out = []
    for measurement, values, unit, frame_type in (
        (polar.ACC, acc, STANDARD_GRAVITY / 1000.0, 0x81),
        (polar.GYRO, gyro, DEG, 0x80),
    ):
        factor = PolarVeritySense.example_factors[measurement] * unit
        counts = np.clip(np.rint(values / factor), -32768, 32767).astype(np.int64)
        for part, payload in _delta_frames(counts):
            header = _pmd_header(measurement, part.stop, rate, frame_type)
            out.append((_ready(part.stop, rate), header + payload))
    # Both streams interleave on one characteristic in the order their frames fill up.
    return sorted(out, key=lambda item: item[0])


@encodes(PolarH10, acc_range_g=8.0, gyro_range_dps=None)
def _h10(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    """polar-ble-sdk PMD: raw int16 mG frames (type 1) filling MTU 247.

    Range: choose_settings() takes the widest the H10 offers.
    """
    # Raw frame type 1: int16 mG, as many samples as fit one notification.
    counts = np.clip(np.rint(acc / (STANDARD_GRAVITY / 1000.0)), -32768, 32767).astype("<i2")
    out = []
    for part in _chunks(len(acc), _PMD_PAYLOAD // 6):
        header = _pmd_header(polar.ACC, part.stop, rate, 0x01)
        out.append((_ready(part.stop, rate), header + counts[part].tobytes()))
    return out


# --- Movesense GSP: devices/movesense.py --------------------------------------------------------

# python_client/movesense_sensor_data.py reads 8 samples per 104 Hz notification.
_MOVESENSE_SAMPLES = 8


@encodes(Movesense, acc_range_g=8.0, gyro_range_dps=2000.0)
def _movesense(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    """GATTSensorDataClient.cpp: IMU6, 8 samples, DATA 150 B + DATA_PART2.

    Ranges: not set by Retrowalk; assumed the sensor's defaults (the API yaml names none).
    """
    out = []
    split = movesense.FIRST_PART_BYTES
    reference = movesense.STREAM_REFERENCE
    for part in _chunks(len(acc), _MOVESENSE_SAMPLES):
        body = struct.pack("<I", round(part.start * 1e3 / rate) & 0xFFFFFFFF)
        body += acc[part].astype("<f4").tobytes() + (gyro[part] / DEG).astype("<f4").tobytes()
        ready = _ready(part.stop, rate)
        out.append((ready, bytes([movesense.RESP_DATA, reference]) + body[:split]))
        if len(body) > split:
            out.append((ready, bytes([movesense.RESP_DATA_PART2, reference]) + body[split:]))
    return out


# --- Nordic Thingy:52: devices/thingy52.py -----------------------------------------------------


@encodes(Thingy52, acc_range_g=thingy52.ACC_FULL_SCALE_G * 32767 / 32768, gyro_range_dps=2000.0)
def _thingy52(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    """m_motion.c: one Q6.10/Q11.5 sample per notification, gyro clamped at 1024.

    Ranges: drv_motion.c leaves the MPU-9250 at ±2 g / ±2000 deg/s; the chip saturates 1 LSB
    short of full scale.
    """
    # m_motion.c: 16Q16 driver values clamped to the Q format's integer range, then shifted
    # (an arithmetic shift floors): acc Q6.10 g, gyro Q11.5 deg/s.
    acc_counts = np.floor(acc / STANDARD_GRAVITY * (1 << 10))
    gyro_dps = np.clip(gyro / DEG, thingy52.GYRO_BLE_MIN_DPS, thingy52.GYRO_BLE_MAX_DPS)
    gyro_counts = np.floor(gyro_dps * (1 << 5))
    rows = np.hstack([acc_counts, gyro_counts, np.zeros_like(acc_counts)]).astype("<i2")
    return [(k / rate, row.tobytes()) for k, row in enumerate(rows)]


# --- WitMotion BLE 5.0: devices/witmotion.py -----------------------------------------------------


def witmotion_encode(
    acc: FloatArray, gyro: FloatArray, angle_deg: FloatArray | None = None
) -> list[bytes]:
    """The notifications a WitMotion sensor sends for samples in m/s² and rad/s.

    One 20-byte `55 61` packet per sample (devices/witmotion.py); values are rounded to the
    packet's resolution and saturate at its full scale, as the sensor's would. Angles default to
    zero: the decoder does not use them. Send them at the protocol's `rate`, one per period.
    """
    n = len(acc)
    angle = np.zeros((n, 3)) if angle_deg is None else angle_deg
    full = witmotion.INT16_SCALE
    scaled = np.column_stack(
        [
            np.asarray(acc) / (witmotion.ACC_FULL_SCALE_G * STANDARD_GRAVITY),
            np.asarray(gyro) / (witmotion.GYRO_FULL_SCALE_DPS * DEG),
            angle / witmotion.ANGLE_FULL_SCALE_DEG,
        ]
    )
    raw = np.clip(np.rint(scaled * full), -full, full - 1).astype("<i2")
    head = bytes([witmotion.HEADER, witmotion.DATA])
    return [head + row.tobytes() for row in raw]


@encodes(
    WitMotion, acc_range_g=witmotion.ACC_FULL_SCALE_G, gyro_range_dps=witmotion.GYRO_FULL_SCALE_DPS
)
def _witmotion(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    """WitBluetooth_BWT901BLE5_0: one 55 61 packet per sample at 100 Hz.

    Ranges: the 0x61 packet's fixed scales (WitMotion SDK), ±16 g and ±2000 deg/s.
    """
    # One 20-byte 0x61 packet per sample, sent as it is sampled (no device timestamps).
    return [(k / rate, packet) for k, packet in enumerate(witmotion_encode(acc, gyro))]


# Looked up per registered protocol, in the registry's order; missing() names any without one.
ENCODERS: dict[str, Encoder] = {
    p.key: _REGISTERED[p.key] for p in PROTOCOLS if p.key in _REGISTERED
}


def missing() -> list[str]:
    """Protocols in the registry without an encoder here."""
    return [p.key for p in PROTOCOLS if p.key not in ENCODERS]
