"""WitMotion Bluetooth 5.0 attitude sensors (BWT901BLECL, WT9011DCL and their "WT901BLE" kin).

Sources (WitMotion's own): the SDK repository WITMOTION/WitBluetooth_BWT901BLE5_0 --
`Python/BWT901BLE5.0_python_sdk/device_model.py` (bleak client: UUIDs, byte-stream parser, read
and write commands, unlock/save), `Android_Java/wit-example-ble5/WitSDK/.../Device/DeviceModel.java`
(current Android SDK: output-rate codes, battery register and voltage-to-percent table),
`Android_Java/Old_Example/.../Bwt901bleResolver.java` (0x71 reply: start register + 4 values
used), `IOS_swift/BleExample/BleExampleApp.swift` (rate writes for 50 and 10 Hz) -- and the
WT901BLECL datasheet v20-0707 §6 (data packet formulas, single-return register packet and its
magnetic-field example) plus the WT901 datasheet v20-0702 §6.2 (angle example).

Wire format. Service 0000ffe5-0000-1000-8000-00805f9a34fb: notify 0000ffe4-..., write
0000ffe9-... (WitMotion's base is ...00805f9a34fb, one digit off the Bluetooth SIG base, so
these are not SIG 16-bit UUIDs). The sensor streams 20-byte packets over the notify
characteristic, one per sample at the output rate:
    0x55 0x61 then nine int16 LE: acc xyz (/32768*16 g), gyro xyz (/32768*2000 deg/s),
    angle xyz (/32768*180 deg: roll, pitch, yaw).
There is no checksum, sequence number or timestamp. A register read `FF AA 27 <reg> 00` is
answered with `0x55 0x71 <reg lo> <reg hi>` followed by eight int16 LE registers starting at
<reg> (20 bytes). Register writes are `FF AA <reg> <lo> <hi>`, accepted after the unlock
`FF AA 69 88 B5` (for 10 s, per WitMotion's protocol documents) and kept over power cycles
after the save `FF AA 00 00 00`. Writes are never
acknowledged, so setup reads a register back to confirm it. WitMotion's Python SDK and older
Android SDK treat the notifications as one byte stream, resyncing on `55 61`/`55 71`; so does
this module (a packet may be split across notifications, or several may share one).

Configuration. RRATE (register 0x03) codes per the SDK: 1 Hz 0x03, 5 Hz 0x05, 10 Hz 0x06
(factory default), 50 Hz 0x08, 100 Hz 0x09, 200 Hz 0x0B. Default here 100 Hz: each sample is
its own notification, and at BlueZ's default 30-50 ms connection interval a controller moving
4-7 packets per connection event carries 80-140 notifications per second, so 200 Hz would
overrun the sensor's radio queue on common links while 100 Hz fits; 100 Hz is also about the
foot detector's grid (104 Hz), so a higher rate adds nothing it uses. `rate=200` stays
available for short-interval adapters. (WitMotion's SDK offers 200 Hz but documents no BLE
throughput; the interval figures are BlueZ defaults, not vendor statements.) The ranges are
not configured: every vendor decoder and the datasheet read the packet with one fixed scale
(±16 g, ±2000 deg/s) and no SDK writes a range register, so changing one would make the
packets disagree with WitMotion's own formulas.
Battery: register 0x64 holds the cell voltage in 0.01 V; percent by the SDK's step table.

Vendor examples reproduced in tests/devices/test_witmotion.py (all pass): the datasheet's
magnetic-field reply `55 71 3A 00 68 01 69 00 7A 00 ...` -> 360, 105, 122; the datasheet's
angle bytes 0x829C / 0xFF28 / 0x24E6 -> -176.33 / -1.19 / 51.89 deg placed in a 0x61 packet;
the SDK's and datasheet's command bytes (read 0x3A/0x51/0x40/0x64/0x03, unlock, save, rate
writes for 1/5/10/50/100/200 Hz); the SDK's voltage-to-percent steps. Not applicable: the
magnetometer, quaternion and temperature replies (read by the vendor apps for display; the
step engine uses acc and gyro only, and we never request them), the magnetic-type register 0x72
and version registers 0x2E/0x2F (display only), the interpolated battery tables in
`Old_Example/.../Bwt901bleProcessor.java` (superseded by the current SDK's steps),
and the bandwidth register 0x1F (left at the owner's setting: no vendor source says which
bandwidth the packet formulas assume), and the WTVB01-BT50 manual's `55 61` example (a
vibration sensor whose 0x61 packet is 28 bytes of other quantities). WitMotion publishes no
complete BWT901BLECL 0x61 example packet, so none is reproduced.
"""

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, override

import numpy as np

from custom_components.retrowalk.gait.types import STANDARD_GRAVITY, FloatArray, Placement

from .base import DEG, DecodeError, SampleBatch, SetupError, WearableProtocol
from .replies import Replies
from .timeline import ReceiveTimeline

# Named in annotations only, which nothing in devices/ evaluates (Python 3.14 defers them).
if TYPE_CHECKING:
    from .base import BatchSink, ErrorHook, GattLink


def _wit_uuid(short: int) -> str:
    # WitMotion's base UUID differs from the Bluetooth SIG base in one digit (9a vs 9b).
    return f"0000{short:04x}-0000-1000-8000-00805f9a34fb"


SERVICE = _wit_uuid(0xFFE5)
NOTIFY = _wit_uuid(0xFFE4)
WRITE = _wit_uuid(0xFFE9)
# WitMotion's scanner (Python SDK test.py) keeps any name containing "WT"; the sensors advertise
# names like "WT901BLE68", and a WT9011DCL's model name starts "WT901" too. A manifest matcher
# needs three literal characters before its "*", and "WT901" keeps WitMotion's other BLE
# products with different packets (the WTVB01-BT50 vibration sensor) out.
NAME_PREFIX = "WT901"

HEADER = 0x55
DATA = 0x61
REPLY = 0x71
PACKET_BYTES = 20
_FLAGS = (DATA, REPLY)

ACC_FULL_SCALE_G = 16.0
GYRO_FULL_SCALE_DPS = 2000.0
ANGLE_FULL_SCALE_DEG = 180.0
INT16_SCALE = 32768.0
# Within 2 % of full scale counts as saturated (the Thingy:52's margin too): factory calibration
# can move where a saturated axis reads.
_CLIP_RAW = 0.98 * INT16_SCALE

REG_SAVE = 0x00
REG_RRATE = 0x03
REG_READ = 0x27
REG_UNLOCK = 0x69
REG_BATTERY = 0x64
UNLOCK_KEY = 0xB588
RATE_CODES: dict[int, int] = {1: 0x03, 5: 0x05, 10: 0x06, 50: 0x08, 100: 0x09, 200: 0x0B}
# 50 Hz is the least the gait detectors are built for; the SDK's 1-10 Hz serve displays.
GAIT_RATES = (50, 100, 200)
DEFAULT_RATE_HZ = 100
# The SDKs leave 100 ms between unlock, write and save for the sensor's MCU to act on each.
COMMAND_GAP_S = 0.1
# Current SDK's battery steps: percent once the cell voltage (0.01 V) is strictly above each.
BATTERY_STEPS: tuple[tuple[int, int], ...] = (
    (396, 100),
    (393, 90),
    (387, 75),
    (382, 60),
    (379, 50),
    (377, 40),
    (373, 30),
    (370, 20),
    (368, 15),
    (350, 10),
    (340, 5),
)


def write_command(register: int, value: int) -> bytes:
    """`FF AA <reg> <lo> <hi>`: write a 16-bit register (needs unlocking first)."""
    return bytes([0xFF, 0xAA, register, value & 0xFF, (value >> 8) & 0xFF])


def read_command(register: int) -> bytes:
    """`FF AA 27 <reg> 00`: ask for a 0x71 reply holding eight registers from `register`."""
    return write_command(REG_READ, register)


UNLOCK = write_command(REG_UNLOCK, UNLOCK_KEY)
SAVE = write_command(REG_SAVE, 0x0000)


def rate_command(rate_hz: int) -> bytes:
    """Set RRATE to `rate_hz` (one of RATE_CODES)."""
    return write_command(REG_RRATE, RATE_CODES[rate_hz])


def _int16s(packet: bytes) -> tuple[int, ...]:
    return tuple(int(v) for v in np.frombuffer(packet, dtype="<i2", offset=2))


@dataclass(frozen=True, slots=True)
class DataPacket:
    """One 0x61 packet in the units of the datasheet: g, deg/s, deg."""

    acc_g: tuple[float, float, float]
    gyro_dps: tuple[float, float, float]
    angle_deg: tuple[float, float, float]

    @classmethod
    def parse(cls, packet: bytes) -> DataPacket:
        """Decode a whole 20-byte `55 61` packet."""
        if len(packet) != PACKET_BYTES or packet[0] != HEADER or packet[1] != DATA:
            raise DecodeError("frame_type", f"not a data packet: {packet[:2].hex()}")
        raw = _int16s(packet)

        def scaled(values: tuple[int, ...], full: float) -> tuple[float, float, float]:
            x, y, z = (v / INT16_SCALE * full for v in values)
            return x, y, z

        return cls(
            acc_g=scaled(raw[0:3], ACC_FULL_SCALE_G),
            gyro_dps=scaled(raw[3:6], GYRO_FULL_SCALE_DPS),
            angle_deg=scaled(raw[6:9], ANGLE_FULL_SCALE_DEG),
        )


@dataclass(frozen=True, slots=True)
class RegisterReply:
    """One 0x71 packet: eight signed 16-bit registers starting at `start`."""

    start: int
    values: tuple[int, ...]

    @classmethod
    def parse(cls, packet: bytes) -> RegisterReply:
        """Decode a whole 20-byte `55 71` packet."""
        if len(packet) != PACKET_BYTES or packet[0] != HEADER or packet[1] != REPLY:
            raise DecodeError("frame_type", f"not a register reply: {packet[:2].hex()}")
        return cls(start=int.from_bytes(packet[2:4], "little"), values=_int16s(packet)[1:])


def battery_percent(centivolts: int) -> int:
    """Charge in percent from register 0x64 (cell voltage in 0.01 V), per the SDK's steps."""
    return next((percent for above, percent in BATTERY_STEPS if centivolts > above), 0)


class PacketStream:
    """Cuts the notification byte stream into 20-byte packets, as the vendor parsers do.

    Bytes before a `55 61`/`55 71` header are skipped (counted); an incomplete packet waits for
    the next notification.
    """

    def __init__(self) -> None:
        self._held = b""

    def feed(self, data: bytes) -> tuple[list[bytes], int]:
        """Return the complete packets now available and how many bytes were skipped."""
        buf = self._held + data
        packets: list[bytes] = []
        skipped = i = 0
        end = len(buf)
        while i < end:
            j = buf.find(HEADER, i)
            if j < 0:
                skipped += end - i
                i = end
                break
            skipped += j - i
            i = j
            if i + 1 >= end:
                break  # a lone header byte: its flag comes with the next notification
            if buf[i + 1] not in _FLAGS:
                skipped += 1
                i += 1
                continue
            if end - i < PACKET_BYTES:
                break
            packets.append(buf[i : i + PACKET_BYTES])
            i += PACKET_BYTES
        self._held = buf[i:]
        return packets, skipped

    def clear(self) -> None:
        """Forget a partial packet (a new connection starts a new stream)."""
        self._held = b""


def decode_samples(packets: list[bytes]) -> tuple[FloatArray, FloatArray, int]:
    """Acc (m/s²) and gyro (rad/s) of whole `55 61` packets, and how many had an axis clipped."""
    raw = np.frombuffer(b"".join(p[2:] for p in packets), dtype="<i2").reshape(-1, 9)
    motion = raw[:, :6].astype(np.float64)
    acc = motion[:, :3] * (ACC_FULL_SCALE_G * STANDARD_GRAVITY / INT16_SCALE)
    gyro = motion[:, 3:] * (GYRO_FULL_SCALE_DPS * DEG / INT16_SCALE)
    clipped = int(np.count_nonzero(np.any(np.abs(motion) >= _CLIP_RAW, axis=1)))
    return acc, gyro, clipped


class WitMotion(WearableProtocol):
    """One 0x61 packet (acc + gyro + angle) per sample, no device timestamps."""

    key = "witmotion_ble5"
    manufacturer = "WitMotion"
    model = "BWT901BLECL / WT9011DCL (Bluetooth 5.0)"
    # Strap-on boxes: ankle strap first, where backward steps are measured reliably.
    placements = (Placement.FOOT, Placement.SHANK, Placement.WAIST, Placement.CHEST)
    # One 20-byte packet per notification fits the default ATT MTU (the base's min_mtu).
    has_gyro = True
    nominal_rate = float(DEFAULT_RATE_HZ)
    # Matched by name only, as WitMotion's own scanner does (see NAME_PREFIX).
    advertised_services = ()
    name_prefixes = (NAME_PREFIX,)
    notes = (
        "strap-on, about 30 USD; no device timestamps (receive-time timeline); battery from its "
        "voltage register"
    )
    # Six 0x61 samples at 100 Hz (50 ms of them stay within the receive timeline's re-sync
    # window), with a register reply between two, one packet split across two notifications and
    # two sharing one, as the sensor's byte-stream bridge may send them.
    example_frames = (
        bytes.fromhex("5561 00000000ff07 d50100000000 000000000000"),
        bytes.fromhex("5561 44001500ff07 bc01f7ff0000 000000000000"),
        bytes.fromhex("5571 64008b010000 000000000000 000000000000"),
        bytes.fromhex("5561 81002a00ff07 7101edff0000 000000000000 5561 b0003f00ff"),
        bytes.fromhex("07fe00e4ff00 000000000000 00"),
        bytes.fromhex(
            "5561 cb005400ff07 6e00daff0000 000000000000 5561 d0006800ff07 d3ffd1ff0000 "
            "000000000000"
        ),
    )

    def __init__(self, *, on_error: ErrorHook | None = None, rate: int = DEFAULT_RATE_HZ) -> None:
        """Stream at `rate` Hz (50, 100 or 200; see the module docstring for the default)."""
        super().__init__(on_error=on_error)
        if rate not in GAIT_RATES:
            raise ValueError(f"WitMotion rate must be one of {GAIT_RATES} Hz")
        self.rate = rate
        self.battery: int | None = None
        self._stream = PacketStream()
        self._timeline = ReceiveTimeline(1.0 / rate)
        self._replies: Replies | None = None
        # Decoding straight away serves decode() without start() (benchmarks, fuzzing); start()
        # holds samples back until the sensor runs at the configured rate.
        self._streaming = True

    @override
    async def start(self, link: GattLink, on_batch: BatchSink) -> None:
        self._check_mtu(link)
        self._streaming = False
        self._stream.clear()
        self._replies = Replies()
        try:
            await link.start_notify(NOTIFY, lambda data: self._deliver(data, on_batch))
            await self._configure_rate(link)
            try:
                self.battery = battery_percent(await self._read_register(link, REG_BATTERY))
            except SetupError:  # battery is optional; a sensor without it still streams
                self.battery = None
        finally:
            self._replies = None
        self._streaming = True

    async def _configure_rate(self, link: GattLink) -> None:
        wanted = RATE_CODES[self.rate]
        if await self._read_register(link, REG_RRATE) == wanted:
            return  # unlock/write/save only when needed: saving rewrites the sensor's flash
        for command in (UNLOCK, rate_command(self.rate), SAVE):
            await link.write(WRITE, command, response=True)
            await asyncio.sleep(COMMAND_GAP_S)
        applied = await self._read_register(link, REG_RRATE)
        if applied != wanted:
            raise SetupError("config_rejected", f"RRATE stayed 0x{applied & 0xFFFF:02x}")

    async def _read_register(self, link: GattLink, register: int) -> int:
        assert self._replies is not None
        await link.write(WRITE, read_command(register), response=True)
        reply = await self._replies.wait_for(lambda p: RegisterReply.parse(p).start == register)
        return RegisterReply.parse(reply).values[0]

    @override
    async def battery_level(self, link: GattLink) -> int | None:
        # WitMotion's SDKs read it from register 0x64 (done in start()); only a sensor that did
        # not answer gets the standard Battery Service tried.
        if self.battery is not None:
            return self.battery
        return await super().battery_level(link)

    # stop() sends nothing: the sensor streams whenever connected and stops when the link drops.

    @override
    def _decode(self, data: bytes, received: float) -> SampleBatch | None:
        packets, skipped = self._stream.feed(data)
        samples = [p for p in packets if p[1] == DATA]
        if self._replies is not None:
            for packet in packets:
                if packet[1] == REPLY:
                    self._replies.push(packet)
        if skipped:
            error = DecodeError("sync", f"{skipped} bytes outside 55 61/55 71 packets")
            if not samples:
                raise error
            self._report(error)
        if not samples or not self._streaming:
            return None
        acc, gyro, clipped = decode_samples(samples)
        t, lost = self._timeline.place(len(samples), received)
        return SampleBatch(t=t, acc=acc, gyro=gyro, lost=lost, clipped=clipped)
