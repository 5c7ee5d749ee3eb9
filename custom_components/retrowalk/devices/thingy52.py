"""Nordic Thingy:52 Thingy Motion Service (raw accelerometer/gyroscope notifications).

Sources: NordicSemiconductor/Nordic-Thingy52-FW (`ble_tms.h`, `m_motion.c`, `drv_motion.c`;
documentation v2.2.0 `ble__tms_8h.html`), read at commit 6ada0a9.

Wire format: motion configuration EF680401 (read/write, exactly 9 bytes LE: u16 pedometer
interval ms, u16 temperature compensation interval ms, u16 compass interval ms, u16 motion
processing rate Hz 5-200, u8 wake-on-motion). Raw data EF680406 (notify, 18 bytes LE): accel
xyz int16 Q6.10 (g), gyro xyz int16 Q11.5 (deg/s), compass xyz int16 Q12.4 (uT). Sampling
starts when the raw CCCD is enabled. No timestamps; the MPU-9250 stays at +-2 g / +-2000 dps.

Saturation (m_motion.c, drv_motion_evt_handler, DRV_MOTION_EVT_RAW): before packing the 16Q16
driver values into the Q formats above, the firmware clamps each to its Q format's integer range:
gyro to [-1024, 1023] deg/s although the chip measures up to 2000, acc to [-32, 31] g (never
reached: the chip stops at 2 g). A gyro axis at the clamp value means the true rate was at least
that high.

Vendor test vectors: Nordic publishes none for the motion service. What tests/devices reproduces
instead is the firmware's own packing (m_motion.c: Q formats, clamps; ble_tms.h: layouts). Not
followed: Nordic's web library (NordicPlayground/Nordic-Thingy52-Thingyjs js/RawDataSensor.js)
divides raw acc by 64 and gyro by 2048, the Q formats' integer-bit counts as powers of two, which
contradicts the firmware's shift (acc 1/1024 g, gyro 1/32 deg/s per count): a resting Thingy
reads 16 g there.
"""

from dataclasses import dataclass, replace
import struct
from typing import TYPE_CHECKING, override

import numpy as np

from custom_components.retrowalk.gait.types import STANDARD_GRAVITY, Placement

from .base import DEG, DecodeError, SampleBatch, SetupError, WearableProtocol, check_physical
from .timeline import ReceiveTimeline

# Named in annotations only, which nothing in devices/ evaluates (Python 3.14 defers them).
if TYPE_CHECKING:
    from .base import BatchSink, ErrorHook, GattLink


def _thingy_uuid(short: int) -> str:
    return f"ef68{short:04x}-9b35-4933-9b10-52ffa9740042"


CONFIGURATION_SERVICE = _thingy_uuid(0x0100)  # the one the Thingy advertises
MOTION_SERVICE = _thingy_uuid(0x0400)
MOTION_CONFIG = _thingy_uuid(0x0401)
RAW_DATA = _thingy_uuid(0x0406)
NAME_PREFIX = "Thingy"

MIN_RATE_HZ = 5
MAX_RATE_HZ = 200
# Raw data: nine int16 LE: accel Q6.10 (g), gyro Q11.5 (deg/s), compass Q12.4 (µT, unused here).
_RAW = struct.Struct("<9h")
_ACC_LSB_G = 1.0 / (1 << 10)
_GYRO_LSB_DPS = 1.0 / (1 << 5)
# The firmware leaves the MPU-9250 at the InvenSense defaults: ±2 g, ±2000 dps. Anything at the
# top of the accelerometer range is saturated (heel strikes exceed 2 g at the foot).
ACC_FULL_SCALE_G = 2.0
_CLIP_G = ACC_FULL_SCALE_G * 0.98
# m_motion.c clamps gyro to the Q11.5 integer range, [-2^10, 2^10 - 1] deg/s, then shifts into
# int16: a clamped axis arrives as exactly these counts (any true rate from 1023 deg/s up).
GYRO_BLE_MIN_DPS = -(1 << 10)
GYRO_BLE_MAX_DPS = (1 << 10) - 1
_GYRO_CLAMP_COUNTS = (GYRO_BLE_MIN_DPS << 5, GYRO_BLE_MAX_DPS << 5)


@dataclass(frozen=True, slots=True)
class MotionConfig:
    """The 9-byte motion configuration characteristic (all fields little-endian)."""

    pedometer_interval_ms: int
    temperature_compensation_interval_ms: int
    compass_interval_ms: int
    motion_rate_hz: int
    wake_on_motion: int

    _FORMAT = struct.Struct("<HHHHB")

    @classmethod
    def parse(cls, data: bytes) -> MotionConfig:
        """Parse the characteristic value; the firmware only ever holds exactly 9 bytes."""
        if len(data) != cls._FORMAT.size:
            raise SetupError("config_length", f"{len(data)}-byte motion configuration")
        return cls(*cls._FORMAT.unpack(data))

    def encode(self) -> bytes:
        """Serialise for a write (the firmware rejects any other length)."""
        return self._FORMAT.pack(
            self.pedometer_interval_ms,
            self.temperature_compensation_interval_ms,
            self.compass_interval_ms,
            self.motion_rate_hz,
            self.wake_on_motion,
        )


class Thingy52(WearableProtocol):
    """Raw motion data, one sample per notification, no device timestamps."""

    key = "nordic_thingy52"
    manufacturer = "Nordic Semiconductor"
    model = "Thingy:52"
    placements = (Placement.WAIST,)
    # The firmware answers pairing requests with "pairing not supported".
    requires_bonding = False
    has_gyro = True
    nominal_rate = 50.0
    advertised_services = (CONFIGURATION_SERVICE,)
    name_prefixes = (NAME_PREFIX,)
    notes = (
        f"accelerometer limited to ±{ACC_FULL_SCALE_G:g} g (clips at a heel strike),"
        f" gyro sent up to ±{-GYRO_BLE_MIN_DPS} °/s; no device timestamps"
    )
    # Eight samples, one a notification: acc Q6.10 g, gyro Q11.5 deg/s, compass (unused) zero.
    example_frames = (
        bytes.fromhex("000000000004 000000000000 000000000000"),
        bytes.fromhex("0a00fbff0004 01000200ffff 000000000000"),
        bytes.fromhex("1400f6ff0004 02000400feff 000000000000"),
        bytes.fromhex("1e00f1ff0004 03000600fdff 000000000000"),
        bytes.fromhex("2800ecff0004 04000800fcff 000000000000"),
        bytes.fromhex("3200e7ff0004 05000a00fbff 000000000000"),
        bytes.fromhex("3c00e2ff0004 06000c00faff 000000000000"),
        bytes.fromhex("4600ddff0004 07000e00f9ff 000000000000"),
    )

    def __init__(self, *, on_error: ErrorHook | None = None, rate: int = 50) -> None:
        """Configure the motion processing rate to `rate` Hz (5-200; ~100 is the practical top)."""
        super().__init__(on_error=on_error)
        if not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
            raise ValueError(f"Thingy:52 motion rate must be {MIN_RATE_HZ}-{MAX_RATE_HZ} Hz")
        self.rate = rate
        self._timeline = ReceiveTimeline(1.0 / rate)

    @override
    async def start(self, link: GattLink, on_batch: BatchSink) -> None:
        self._check_mtu(link)
        # Read-modify-write keeps the user's pedometer/compass settings.
        current = MotionConfig.parse(await link.read(MOTION_CONFIG))
        wanted = replace(current, motion_rate_hz=self.rate)
        await link.write(MOTION_CONFIG, wanted.encode(), response=True)
        applied = MotionConfig.parse(await link.read(MOTION_CONFIG))
        if applied.motion_rate_hz != self.rate:
            raise SetupError("config_rejected", f"rate stayed {applied.motion_rate_hz} Hz")
        # Raw sampling starts when this CCCD is enabled and stops when it is disabled (so stop()
        # has nothing to write).
        await link.start_notify(RAW_DATA, lambda data: self._deliver(data, on_batch))

    @override
    def _decode(self, data: bytes, received: float) -> SampleBatch | None:
        if len(data) != _RAW.size:
            raise DecodeError("length", f"{len(data)}-byte raw motion notification")
        raw = np.array(_RAW.unpack(data), dtype=np.float64)
        acc_g = raw[0:3] * _ACC_LSB_G
        acc = (acc_g * STANDARD_GRAVITY).reshape(1, 3)
        gyro = (raw[3:6] * _GYRO_LSB_DPS * DEG).reshape(1, 3)
        check_physical(acc, gyro)
        t, lost = self._timeline.place(1, received)
        gyro_clamped = np.any(np.isin(raw[3:6], _GYRO_CLAMP_COUNTS))
        clipped = int(bool(np.any(np.abs(acc_g) >= _CLIP_G)) or bool(gyro_clamped))
        return SampleBatch(t=t, acc=acc, gyro=gyro, lost=lost, clipped=clipped)
