"""What each supported wearable sends over the air for given samples, and the decoder for it.

One `Encoder` per protocol in ENCODERS, keyed by the protocol's `key`: the rate Retrowalk asks
the device for, the sensor's full scale as the device runs it, how its firmware packs samples into
notifications (sources in each devices/ module), and a decoder in the state its `start()` leaves
it. The decoder bench (tools/bench/decoders.py) re-sends recorded walks through these, so a
decoder that loses gyro or samples shows up as lost accuracy. A new protocol plugs in with one
entry here (tests/tools/test_wire.py checks every entry round-trips).

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
    PolarH10,
    PolarVeritySense,
    RetrowalkImu,
    WearableProtocol,
    polar,
)
from custom_components.retrowalk.devices.movesense import (
    FIRST_PART_BYTES,
    RESP_DATA,
    RESP_DATA_PART2,
    STREAM_REFERENCE,
    Movesense,
)
from custom_components.retrowalk.devices.retrowalk_imu_spec import Frame, encode_frame, max_samples
from custom_components.retrowalk.devices.thingy52 import (
    ACC_FULL_SCALE_G,
    GYRO_BLE_MAX_DPS,
    GYRO_BLE_MIN_DPS,
    Thingy52,
)
from custom_components.retrowalk.devices.witmotion import (
    ACC_FULL_SCALE_G as ACC_FULL_SCALE_G_WIT,
    GYRO_FULL_SCALE_DPS as GYRO_FULL_SCALE_DPS_WIT,
    WitMotion,
)
from custom_components.retrowalk.gait import FloatArray
from tools.fuzz import TS0, h10, pack_delta, verity, witmotion_encode

Notifications = list[tuple[float, bytes]]
# The MTU a phone or a Home Assistant adapter usually negotiates (the Polar SDK's minimum is 232).
MTU = 247


@dataclass(frozen=True, slots=True, kw_only=True)
class Encoder:
    """How one wearable sends samples; see the module docstring."""

    protocol: type[WearableProtocol]
    rate: float
    acc_range_g: float
    gyro_range_dps: float | None  # None: the device streams no gyro
    decoder: Callable[[], WearableProtocol]
    pack: Callable[[FloatArray, FloatArray, float], Notifications]
    source: str

    def encode(self, acc: FloatArray, gyro: FloatArray) -> Notifications:
        """Saturate at the sensor's full scale, then pack as the firmware does."""
        acc = np.clip(
            acc, -self.acc_range_g * STANDARD_GRAVITY, self.acc_range_g * STANDARD_GRAVITY
        )
        if self.gyro_range_dps is not None:
            limit = self.gyro_range_dps * DEG
            gyro = np.clip(gyro, -limit, limit)
        return self.pack(acc, gyro, self.rate)


def _chunks(n: int, size: int) -> Iterable[slice]:
    return (slice(i, min(i + size, n)) for i in range(0, n, size))


def _ready(stop: int, rate: float) -> float:
    return (stop - 1) / rate


# --- Retrowalk IMU: docs/retrowalk_imu_profile.md -----------------------------------------------


def _retrowalk_imu(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    out = []
    for seq, part in enumerate(_chunks(len(acc), max_samples(MTU))):
        frame = Frame(
            seq=seq & 0xFFFF,
            t0_us=round(part.start * 1e6 / rate) & 0xFFFFFFFF,
            rate_hz=round(rate),
            acc_range_g=16,
            gyro_range_dps=2000,
            acc=acc[part],
            gyro=gyro[part],
        )
        out.append((_ready(part.stop, rate), encode_frame(frame)))
    return out


# --- Movesense GSP: devices/movesense.py --------------------------------------------------------

# python_client/movesense_sensor_data.py reads 8 samples per 104 Hz notification.
_MOVESENSE_SAMPLES = 8


def _movesense(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    out = []
    for part in _chunks(len(acc), _MOVESENSE_SAMPLES):
        body = struct.pack("<I", round(part.start * 1e3 / rate) & 0xFFFFFFFF)
        body += acc[part].astype("<f4").tobytes() + (gyro[part] / DEG).astype("<f4").tobytes()
        ready = _ready(part.stop, rate)
        out.append((ready, bytes([RESP_DATA, STREAM_REFERENCE]) + body[:FIRST_PART_BYTES]))
        if len(body) > FIRST_PART_BYTES:
            out.append(
                (ready, bytes([RESP_DATA_PART2, STREAM_REFERENCE]) + body[FIRST_PART_BYTES:])
            )
    return out


# --- Nordic Thingy:52: devices/thingy52.py -----------------------------------------------------


def _thingy52(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    # m_motion.c: 16Q16 driver values clamped to the Q format's integer range, then shifted
    # (an arithmetic shift floors): acc Q6.10 g, gyro Q11.5 deg/s.
    acc_counts = np.floor(acc / STANDARD_GRAVITY * (1 << 10))
    gyro_dps = np.clip(gyro / DEG, GYRO_BLE_MIN_DPS, GYRO_BLE_MAX_DPS)
    gyro_counts = np.floor(gyro_dps * (1 << 5))
    rows = np.hstack([acc_counts, gyro_counts, np.zeros_like(acc_counts)]).astype("<i2")
    return [(k / rate, row.tobytes()) for k, row in enumerate(rows)]


# --- Polar PMD: devices/polar.py ----------------------------------------------------------------

_PMD_PAYLOAD = MTU - 3 - polar.HEADER_SIZE


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
    ts = TS0 + round((stop - 1) * 1e9 / rate)
    return bytes([measurement]) + ts.to_bytes(8, "little") + bytes([frame_type])


def _verity(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    device = verity()
    out = []
    for measurement, values, unit, frame_type in (
        (polar.ACC, acc, STANDARD_GRAVITY / 1000.0, 0x81),
        (polar.GYRO, gyro, DEG, 0x80),
    ):
        factor = device.streams[measurement].factor * unit
        counts = np.clip(np.rint(values / factor), -32768, 32767).astype(np.int64)
        for part, payload in _delta_frames(counts):
            header = _pmd_header(measurement, part.stop, rate, frame_type)
            out.append((_ready(part.stop, rate), header + payload))
    # Both streams interleave on one characteristic in the order their frames fill up.
    return sorted(out, key=lambda item: item[0])


def _h10(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    # Raw frame type 1: int16 mG, as many samples as fit one notification.
    counts = np.clip(np.rint(acc / (STANDARD_GRAVITY / 1000.0)), -32768, 32767).astype("<i2")
    out = []
    for part in _chunks(len(acc), _PMD_PAYLOAD // 6):
        header = _pmd_header(polar.ACC, part.stop, rate, 0x01)
        out.append((_ready(part.stop, rate), header + counts[part].tobytes()))
    return out


# --- WitMotion BLE 5.0: devices/witmotion.py -----------------------------------------------------


def _witmotion(acc: FloatArray, gyro: FloatArray, rate: float) -> Notifications:
    # One 20-byte 0x61 packet per sample, sent as it is sampled (no device timestamps).
    return [(k / rate, packet) for k, packet in enumerate(witmotion_encode(acc, gyro))]


ENCODERS: dict[str, Encoder] = {
    encoder.protocol.key: encoder
    for encoder in (
        Encoder(
            protocol=RetrowalkImu,
            rate=104.0,
            acc_range_g=16.0,
            gyro_range_dps=2000.0,
            decoder=RetrowalkImu,
            pack=_retrowalk_imu,
            source="docs/retrowalk_imu_profile.md; frames of max_samples(247) samples",
        ),
        Encoder(
            protocol=PolarVeritySense,
            rate=52.0,
            # tools.fuzz.verity(): factors 0.244 mG and 0.061 deg/s per count of 16 bits.
            acc_range_g=8.0,
            gyro_range_dps=2000.0,
            decoder=verity,
            pack=_verity,
            source="polar-ble-sdk PMD: delta frames (acc 0x81, gyro 0x80) filling MTU 247",
        ),
        Encoder(
            protocol=PolarH10,
            rate=50.0,
            acc_range_g=8.0,  # choose_settings() takes the widest range the H10 offers
            gyro_range_dps=None,
            decoder=h10,
            pack=_h10,
            source="polar-ble-sdk PMD: raw int16 mG frames (type 1) filling MTU 247",
        ),
        Encoder(
            protocol=Movesense,
            rate=104.0,
            # Not set by Retrowalk; assumed the sensor's defaults (the API yaml names none).
            acc_range_g=8.0,
            gyro_range_dps=2000.0,
            decoder=Movesense,
            pack=_movesense,
            source="GATTSensorDataClient.cpp: IMU6, 8 samples, DATA 150 B + DATA_PART2",
        ),
        Encoder(
            protocol=Thingy52,
            rate=50.0,
            # drv_motion.c leaves the MPU-9250 at ±2 g / ±2000 deg/s; the chip saturates 1 LSB
            # short of full scale.
            acc_range_g=ACC_FULL_SCALE_G * 32767 / 32768,
            gyro_range_dps=2000.0,
            decoder=Thingy52,
            pack=_thingy52,
            source="m_motion.c: one Q6.10/Q11.5 sample per notification, gyro clamped at 1024",
        ),
        Encoder(
            protocol=WitMotion,
            rate=WitMotion.nominal_rate,
            # The 0x61 packet's fixed scales (WitMotion SDK): ±16 g, ±2000 deg/s.
            acc_range_g=ACC_FULL_SCALE_G_WIT,
            gyro_range_dps=GYRO_FULL_SCALE_DPS_WIT,
            decoder=WitMotion,
            pack=_witmotion,
            source="WitBluetooth_BWT901BLE5_0: one 55 61 packet per sample at 100 Hz",
        ),
    )
}


def missing() -> list[str]:
    """Protocols in the registry without an encoder here."""
    return [p.key for p in PROTOCOLS if p.key not in ENCODERS]
