"""The open "Retrowalk IMU" GATT profile: UUIDs, byte layouts, encoders and parsers.

Both sides of the link use this module: the integration's decoder and the virtual wearable
(and any firmware port, see docs/retrowalk_imu_profile.md). Every layout is defined once here.
"""

from dataclasses import dataclass
from enum import IntEnum
import struct

import numpy as np
import numpy.typing as npt

from custom_components.retrowalk.gait.types import STANDARD_GRAVITY, FloatArray

from .base import DEG, DecodeError


def _uuid(short: int) -> str:
    return f"5277{short:04x}-7e3a-4c1b-9d5f-2b8e6a4c0d17"


SERVICE_UUID = _uuid(0x0001)
CONTROL_UUID = _uuid(0x0002)  # write: commands; read: status
DATA_UUID = _uuid(0x0003)  # notify: sample frames
LOCAL_NAME_PREFIX = "Retrowalk IMU"

PROTOCOL_VERSION = 1
RATES_HZ = (26, 52, 104, 208)
ACC_RANGES_G = (2, 4, 8, 16)  # flag/command code = index
GYRO_RANGES_DPS = (250, 500, 1000, 2000)

# Frame header: version u8, flags u8, seq u16, t0 u32 (µs of first sample), rate u16 (Hz), n u8.
HEADER = struct.Struct("<BBHIHB")
FLAG_ACC_RANGE_MASK = 0x03
FLAG_GYRO_RANGE_SHIFT = 2
FLAG_GYRO_RANGE_MASK = 0x0C
FLAG_HAS_GYRO = 0x10
FLAG_RESERVED = 0xE0
MAX_SAMPLES = 255
INT16_MAX = 32767
INT16_MIN = -32768
_FULL_SCALE_COUNTS = 32768.0


class Opcode(IntEnum):
    """First byte of a control write."""

    START = 0x01
    STOP = 0x02


class Result(IntEnum):
    """Outcome of the last control write, reported in the status."""

    OK = 0
    UNKNOWN_COMMAND = 1
    BAD_LENGTH = 2
    BAD_RATE = 3
    BAD_RANGE = 4


class State(IntEnum):
    """Streaming state in the status."""

    IDLE = 0
    STREAMING = 1


START = struct.Struct("<BHBB")  # opcode, rate Hz, acc range code, gyro range code
STATUS = struct.Struct("<BBBBHBB")  # version, state, result, flags, rate, acc code, gyro code
STATUS_FLAG_HAS_GYRO = 0x01


class CommandError(ValueError):
    """A control write the device must refuse; `result` goes into the status."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.name.lower())
        self.result = result


@dataclass(frozen=True, slots=True)
class StartCommand:
    """Start (or re-configure) streaming."""

    rate_hz: int = 104
    acc_range_g: int = 16
    gyro_range_dps: int = 2000

    def encode(self) -> bytes:
        """Serialise as `01 <rate u16> <acc code> <gyro code>`."""
        return START.pack(
            Opcode.START,
            self.rate_hz,
            ACC_RANGES_G.index(self.acc_range_g),
            GYRO_RANGES_DPS.index(self.gyro_range_dps),
        )


@dataclass(frozen=True, slots=True)
class StopCommand:
    """Stop streaming."""

    def encode(self) -> bytes:
        """Serialise as `02`."""
        return bytes([Opcode.STOP])


def parse_command(data: bytes) -> StartCommand | StopCommand:
    """Parse a control write as the device does; raises CommandError with the status result."""
    if not data:
        raise CommandError(Result.BAD_LENGTH)
    if data[0] == Opcode.STOP:
        if len(data) != 1:
            raise CommandError(Result.BAD_LENGTH)
        return StopCommand()
    if data[0] != Opcode.START:
        raise CommandError(Result.UNKNOWN_COMMAND)
    if len(data) != START.size:
        raise CommandError(Result.BAD_LENGTH)
    _, rate, acc_code, gyro_code = START.unpack(data)
    if rate not in RATES_HZ:
        raise CommandError(Result.BAD_RATE)
    if acc_code >= len(ACC_RANGES_G) or gyro_code >= len(GYRO_RANGES_DPS):
        raise CommandError(Result.BAD_RANGE)
    return StartCommand(rate, ACC_RANGES_G[acc_code], GYRO_RANGES_DPS[gyro_code])


@dataclass(frozen=True, slots=True)
class Status:
    """What a read of the control characteristic returns."""

    state: State
    result: Result
    has_gyro: bool
    rate_hz: int
    acc_range_g: int
    gyro_range_dps: int
    version: int = PROTOCOL_VERSION

    def encode(self) -> bytes:
        """Serialise the 8-byte status."""
        return STATUS.pack(
            self.version,
            self.state,
            self.result,
            STATUS_FLAG_HAS_GYRO if self.has_gyro else 0,
            self.rate_hz,
            ACC_RANGES_G.index(self.acc_range_g),
            GYRO_RANGES_DPS.index(self.gyro_range_dps),
        )

    @classmethod
    def parse(cls, data: bytes) -> Status:
        """Parse a status read; raises ValueError on anything not in the profile."""
        if len(data) != STATUS.size:
            raise ValueError(f"{len(data)}-byte status")
        version, state, result, flags, rate, acc_code, gyro_code = STATUS.unpack(data)
        if acc_code >= len(ACC_RANGES_G) or gyro_code >= len(GYRO_RANGES_DPS):
            raise ValueError("range code outside the profile")
        return cls(
            state=State(state),
            result=Result(result),
            has_gyro=bool(flags & STATUS_FLAG_HAS_GYRO),
            rate_hz=rate,
            acc_range_g=ACC_RANGES_G[acc_code],
            gyro_range_dps=GYRO_RANGES_DPS[gyro_code],
            version=version,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Frame:
    """One data notification in SI units: acc m/s² (N, 3), gyro rad/s (N, 3) or None."""

    seq: int
    t0_us: int
    rate_hz: int
    acc_range_g: int
    gyro_range_dps: int
    acc: FloatArray
    gyro: FloatArray | None

    @property
    def acc_lsb(self) -> float:
        """Acceleration per count in m/s²."""
        return self.acc_range_g * STANDARD_GRAVITY / _FULL_SCALE_COUNTS

    @property
    def gyro_lsb(self) -> float:
        """Angular rate per count in rad/s."""
        return self.gyro_range_dps * DEG / _FULL_SCALE_COUNTS


def max_samples(mtu: int, *, has_gyro: bool = True) -> int:
    """Return how many samples fit one notification at this ATT MTU."""
    per_sample = 12 if has_gyro else 6
    return max(0, min(MAX_SAMPLES, (mtu - 3 - HEADER.size) // per_sample))


def _quantize(values: FloatArray, lsb: float) -> npt.NDArray[np.int16]:
    # Saturate like the IMU itself does at full scale rather than wrapping around.
    return np.clip(np.rint(values / lsb), INT16_MIN, INT16_MAX).astype("<i2")


def encode_frame(frame: Frame) -> bytes:
    """Serialise a frame; values beyond the selected range saturate at full scale."""
    n = frame.acc.shape[0]
    if not 1 <= n <= MAX_SAMPLES or frame.acc.shape != (n, 3):
        raise ValueError("a frame holds 1-255 samples of 3 axes")
    if frame.gyro is not None and frame.gyro.shape != (n, 3):
        raise ValueError("gyro must match acc in shape")
    flags = ACC_RANGES_G.index(frame.acc_range_g) | (
        GYRO_RANGES_DPS.index(frame.gyro_range_dps) << FLAG_GYRO_RANGE_SHIFT
    )
    columns = [_quantize(frame.acc, frame.acc_lsb)]
    if frame.gyro is not None:
        flags |= FLAG_HAS_GYRO
        columns.append(_quantize(frame.gyro, frame.gyro_lsb))
    header = HEADER.pack(
        PROTOCOL_VERSION, flags, frame.seq & 0xFFFF, frame.t0_us & 0xFFFFFFFF, frame.rate_hz, n
    )
    return header + np.hstack(columns).astype("<i2").tobytes()


def decode_frame(data: bytes) -> tuple[Frame, int]:
    """Parse a notification; returns the frame and how many samples sit at full scale."""
    if len(data) < HEADER.size:
        raise DecodeError("length", f"{len(data)}-byte frame")
    version, flags, seq, t0_us, rate, n = HEADER.unpack_from(data)
    if version != PROTOCOL_VERSION:
        raise DecodeError("version", f"profile version {version}")
    if flags & FLAG_RESERVED:
        raise DecodeError("frame_type", f"reserved flag bits {flags:#04x}")
    if rate not in RATES_HZ:
        raise DecodeError("rate", f"{rate} Hz")
    axes = 6 if flags & FLAG_HAS_GYRO else 3
    if n == 0 or len(data) != HEADER.size + n * axes * 2:
        raise DecodeError("length", f"{len(data)} bytes for {n} samples")
    counts = np.frombuffer(data, dtype="<i2", offset=HEADER.size).reshape(n, axes)
    acc_range = ACC_RANGES_G[flags & FLAG_ACC_RANGE_MASK]
    gyro_range = GYRO_RANGES_DPS[(flags & FLAG_GYRO_RANGE_MASK) >> FLAG_GYRO_RANGE_SHIFT]
    acc = counts[:, :3] * (acc_range * STANDARD_GRAVITY / _FULL_SCALE_COUNTS)
    gyro = counts[:, 3:] * (gyro_range * DEG / _FULL_SCALE_COUNTS) if axes == 6 else None
    clipped = int(np.count_nonzero(np.any((counts == INT16_MAX) | (counts == INT16_MIN), axis=1)))
    frame = Frame(
        seq=seq,
        t0_us=t0_us,
        rate_hz=rate,
        acc_range_g=acc_range,
        gyro_range_dps=gyro_range,
        acc=acc.astype(np.float64),
        gyro=None if gyro is None else gyro.astype(np.float64),
    )
    return frame, clipped
