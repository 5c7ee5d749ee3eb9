"""Decoder and setup sequence for the open Retrowalk IMU profile (see retrowalk_imu_spec)."""

from typing import TYPE_CHECKING, override

from custom_components.retrowalk.gait.types import Placement

from . import retrowalk_imu_spec as spec
from .base import DecodeError, SampleBatch, SetupError, WearableProtocol, check_physical
from .timeline import Timeline, Unwrapper, uniform

# Named in annotations only, which nothing in devices/ evaluates (Python 3.14 defers them).
if TYPE_CHECKING:
    from .base import BatchSink, ErrorHook, GattLink

_SEQ_MODULUS = 1 << 16


class RetrowalkImu(WearableProtocol):
    """ESP32/nRF52 builds and the virtual wearable: batched int16 acc+gyro with seq and µs time."""

    key = "retrowalk_imu"
    manufacturer = "Retrowalk"
    model = "Retrowalk IMU"
    # The foot first (the setup form's default): it is where backward steps, running, stride
    # length and the 3-metre walk test are all measured (gait/advice.py; README accuracy tables).
    placements = (
        Placement.FOOT,
        Placement.SHANK,
        Placement.WAIST,
        Placement.THIGH,
        Placement.CHEST,
        Placement.WRIST,
    )
    # Header plus one six-axis sample; builds should negotiate 247 for ~19 samples a frame.
    min_mtu = 26
    has_gyro = True
    nominal_rate = 104.0
    advertised_services = (spec.SERVICE_UUID,)
    name_prefixes = (spec.LOCAL_NAME_PREFIX,)
    notes = "our open profile (docs/retrowalk_imu_profile.md) for ESP32/nRF52 builds"
    # Four frames of 5 samples at 104 Hz, ±16 g and ±2000 dps (header, then acc and gyro int16
    # per sample), across the wrap of the 16-bit sequence number and of the 32-bit µs clock.
    example_frames = (
        bytes.fromhex(
            "01 1f feff 2d35ffff 6800 05 68000000ff075e0044ff0000 68000000ff075e0044ff0000 "
            "68000000ff075e0044ff0000 68000000ff075e0044ff0000 68000000ff075e0044ff0000"
        ),
        bytes.fromhex(
            "01 1f ffff faf0ffff 6800 05 d1000000ff07bc0044ff0000 d1000000ff07bc0044ff0000 "
            "d1000000ff07bc0044ff0000 d1000000ff07bc0044ff0000 d1000000ff07bc0044ff0000"
        ),
        bytes.fromhex(
            "01 1f 0000 c7ac0000 6800 05 39010000ff071a0144ff0000 39010000ff071a0144ff0000 "
            "39010000ff071a0144ff0000 39010000ff071a0144ff0000 39010000ff071a0144ff0000"
        ),
        bytes.fromhex(
            "01 1f 0100 94680100 6800 05 a2010000ff07770144ff0000 a2010000ff07770144ff0000 "
            "a2010000ff07770144ff0000 a2010000ff07770144ff0000 a2010000ff07770144ff0000"
        ),
    )

    def __init__(
        self,
        *,
        on_error: ErrorHook | None = None,
        config: spec.StartCommand | None = None,
    ) -> None:
        """Stream with `config` (rate and ranges; default 104 Hz, ±16 g, ±2000 dps)."""
        super().__init__(on_error=on_error)
        self.config = config or spec.StartCommand()
        self.status: spec.Status | None = None
        self._timeline = Timeline()
        self._clock = Unwrapper(32)
        self._last_seq: int | None = None

    @override
    async def start(self, link: GattLink, on_batch: BatchSink) -> None:
        self._check_mtu(link)
        await link.start_notify(spec.DATA_UUID, lambda data: self._deliver(data, on_batch))
        await link.write(spec.CONTROL_UUID, self.config.encode(), response=True)
        try:
            status = spec.Status.parse(await link.read(spec.CONTROL_UUID))
        except ValueError as err:
            raise SetupError("status", str(err)) from err
        if status.version != spec.PROTOCOL_VERSION:
            raise SetupError("version", f"profile version {status.version}")
        if status.result is not spec.Result.OK:
            raise SetupError(status.result.name.lower(), "start command refused")
        wanted = (self.config.rate_hz, self.config.acc_range_g, self.config.gyro_range_dps)
        got = (status.rate_hz, status.acc_range_g, status.gyro_range_dps)
        if status.state is not spec.State.STREAMING or got != wanted:
            raise SetupError("config_mismatch", f"device reports {status}")
        self.status = status

    @override
    async def stop(self, link: GattLink) -> None:
        await self._write_best_effort(link, spec.CONTROL_UUID, spec.StopCommand().encode())

    @override
    def _decode(self, data: bytes, received: float) -> SampleBatch | None:
        frame, clipped = spec.decode_frame(data)
        n = frame.acc.shape[0]
        period = 1.0 / frame.rate_hz
        t0 = self._clock.peek(frame.t0_us)
        first_dev = t0 * 1e-6
        if self._last_seq is not None:
            ahead = (frame.seq - self._last_seq) % _SEQ_MODULUS
            # A sequence number at or behind the last one is a repeat, unless the device
            # restarted, which shows as a clock jump too.
            if ahead == 0 and not self._timeline.is_clock_jump(first_dev, received):
                raise DecodeError("duplicate", f"sequence {frame.seq} again")
            if ahead >= _SEQ_MODULUS // 2 and not self._timeline.is_clock_jump(first_dev, received):
                raise DecodeError("stale", f"sequence {frame.seq} after {self._last_seq}")
        check_physical(frame.acc, frame.gyro)
        t, lost = self._timeline.place(uniform(first_dev, n, period), period, received)
        self._clock.commit(frame.t0_us, t0)
        self._last_seq = frame.seq
        return SampleBatch(t=t, acc=frame.acc, gyro=frame.gyro, lost=lost, clipped=clipped)
