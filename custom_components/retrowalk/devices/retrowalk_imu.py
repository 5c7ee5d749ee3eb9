"""Decoder and setup sequence for the open Retrowalk IMU profile (see retrowalk_imu_spec)."""

from collections.abc import Callable
from typing import override

from custom_components.retrowalk.gait.types import Placement

from .base import (
    DecodeError,
    GattLink,
    SampleBatch,
    SetupError,
    WearableProtocol,
    check_physical,
    now_if_none,
)
from .retrowalk_imu_spec import (
    CONTROL_UUID,
    DATA_UUID,
    LOCAL_NAME_PREFIX,
    PROTOCOL_VERSION,
    SERVICE_UUID,
    Result,
    StartCommand,
    State,
    Status,
    StopCommand,
    decode_frame,
)
from .timeline import Timeline, Unwrapper, uniform

_SEQ_MODULUS = 1 << 16


class RetrowalkImu(WearableProtocol):
    """ESP32/nRF52 builds and the virtual wearable: batched int16 acc+gyro with seq and µs time."""

    key = "retrowalk_imu"
    manufacturer = "Retrowalk"
    model = "Retrowalk IMU"
    placements = (
        Placement.SHANK,
        Placement.FOOT,
        Placement.WAIST,
        Placement.THIGH,
        Placement.CHEST,
        Placement.WRIST,
    )
    requires_bonding = False
    # Header plus one six-axis sample; builds should negotiate 247 for ~19 samples a frame.
    min_mtu = 26
    has_gyro = True
    nominal_rate = 104.0
    advertised_services = (SERVICE_UUID,)
    name_prefixes = (LOCAL_NAME_PREFIX,)
    notes = "our open profile (docs/retrowalk_imu_profile.md) for ESP32/nRF52 builds"

    def __init__(
        self,
        *,
        on_error: Callable[[DecodeError], None] | None = None,
        config: StartCommand | None = None,
    ) -> None:
        """Stream with `config` (rate and ranges; default 104 Hz, ±16 g, ±2000 dps)."""
        super().__init__(on_error=on_error)
        self.config = config or StartCommand()
        self.status: Status | None = None
        self._timeline = Timeline()
        self._clock = Unwrapper(32)
        self._last_seq: int | None = None

    @override
    async def start(self, link: GattLink, on_batch: Callable[[SampleBatch], None]) -> None:
        self._check_mtu(link)
        await link.start_notify(DATA_UUID, lambda data: self._deliver(data, on_batch))
        await link.write(CONTROL_UUID, self.config.encode(), response=True)
        try:
            status = Status.parse(await link.read(CONTROL_UUID))
        except ValueError as err:
            raise SetupError("status", str(err)) from err
        if status.version != PROTOCOL_VERSION:
            raise SetupError("version", f"profile version {status.version}")
        if status.result is not Result.OK:
            raise SetupError(status.result.name.lower(), "start command refused")
        wanted = (self.config.rate_hz, self.config.acc_range_g, self.config.gyro_range_dps)
        got = (status.rate_hz, status.acc_range_g, status.gyro_range_dps)
        if status.state is not State.STREAMING or got != wanted:
            raise SetupError("config_mismatch", f"device reports {status}")
        self.status = status

    @override
    async def stop(self, link: GattLink) -> None:
        try:
            await link.write(CONTROL_UUID, StopCommand().encode(), response=True)
        except Exception:  # the link may already be gone; stopping is best effort
            return

    @override
    def decode(self, data: bytes, received: float | None = None) -> SampleBatch | None:
        received = now_if_none(received)
        frame, clipped = decode_frame(data)
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
