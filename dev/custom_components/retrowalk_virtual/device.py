"""The virtual wearable itself: a Retrowalk IMU device whose wearer walks a scenario.

The wearer's clock runs whether or not anyone is connected, like a real person wearing a real
sensor: steps taken while the link is down are never delivered (and are reported as missed).
No Home Assistant imports; the virtual Bluetooth client and proxy scanner sit on top of this.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
import logging

import numpy as np

from custom_components.retrowalk.devices.base import BATTERY_LEVEL_CHAR
from custom_components.retrowalk.devices.retrowalk_imu_spec import (
    CONTROL_UUID,
    DATA_UUID,
    CommandError,
    Frame,
    Result,
    StartCommand,
    State,
    Status,
    StopCommand,
    encode_frame,
    max_samples,
    parse_command,
)
from custom_components.retrowalk.gait.types import Direction, Placement

from .model import Activity, ScenarioStream, Segment

_LOGGER = logging.getLogger(__name__)

SUPPORTED_RATE = 104
DEFAULT_MTU = 247
# What the retrowalk_virtual.fault action can make the device do (setup.py).
FAULTS = ("drop_link", "out_of_range", "in_range", "refuse", "hang")
# What the wearer does once a non-looping scenario has ended.
REST = [Segment(activity=Activity.SIT, seconds=600.0)]

type Notify = Callable[[bytes], None]
# Fault injection: turns one outgoing frame into what actually reaches the air (none, one, more).
type FrameFilter = Callable[[bytes], list[bytes]]


class VirtualRefusedError(Exception):
    """The virtual device refused a connection (out of range, no free slot, already connected)."""


@dataclass(slots=True)
class Truth:
    """Ground truth for tests, the soak and the end-to-end suite."""

    delivered: Counter[Direction] = field(default_factory=Counter)
    missed: Counter[Direction] = field(default_factory=Counter)
    frames: int = 0
    samples: int = 0


class VirtualWearable:
    """A wearable that streams the Retrowalk IMU profile from a gait model."""

    def __init__(
        self,
        *,
        address: str,
        name: str,
        placement: Placement,
        scenario: list[Segment],
        seed: int = 0,
        loop: bool = True,
        mtu: int = DEFAULT_MTU,
    ) -> None:
        """Put the sensor on a wearer who is about to start the scenario."""
        self.address = address
        self.name = name
        self.placement = placement
        self.mtu = mtu
        self.seed = seed
        self.loop = loop
        self.in_range = True
        self.refuse_connections = 0
        # Connection attempts that get no answer at all (a proxy that hangs), until they time out.
        self.hang_connections = 0
        self.battery = 87
        self.frame_filter: FrameFilter | None = None
        self.truth = Truth()
        self._stream = ScenarioStream(
            scenario, placement, rate=SUPPORTED_RATE, seed=seed, loop=loop
        )
        self._sample_index = 0
        self._ended = False
        self._seq = 0
        self._state = State.IDLE
        self._result = Result.OK
        self._config = StartCommand()
        self._notify: Notify | None = None
        self._link_lost: Callable[[], None] | None = None

    # --- scenario ---------------------------------------------------------------------------

    def play(self, scenario: list[Segment], *, loop: bool | None = None) -> None:
        """The wearer starts a new scenario now (the sample clock keeps running)."""
        if loop is not None:
            self.loop = loop
        self._start(scenario, loop=self.loop)
        self._ended = False

    def _start(self, scenario: list[Segment], *, loop: bool) -> None:
        # Same sensor, same strap: a new scenario must not re-mount it (the engine learned its
        # orientation); only the wearer's variability continues with a new seed.
        self._stream = ScenarioStream(
            scenario,
            self.placement,
            rate=SUPPORTED_RATE,
            seed=self.seed + self._seq,
            loop=loop,
            mounting=self._stream.mounting,
        )

    @property
    def scenario_finished(self) -> bool:
        """Whether a non-looping scenario has played to its end."""
        return self._ended or self._stream.finished

    @property
    def model_seconds(self) -> float:
        """Seconds of wearer time since the device was switched on."""
        return self._sample_index / SUPPORTED_RATE

    # --- the radio link ---------------------------------------------------------------------

    @property
    def streaming(self) -> bool:
        """Whether samples generated now reach a subscriber."""
        return self._state is State.STREAMING and self._notify is not None

    @property
    def connected(self) -> bool:
        """Whether a central holds the link."""
        return self._link_lost is not None

    def hangs(self) -> bool:
        """Whether the next connection attempt goes unanswered (uses one hang_connections)."""
        if self.hang_connections <= 0:
            return False
        self.hang_connections -= 1
        return True

    def accept(self, link_lost: Callable[[], None]) -> None:
        """A central connects; raises VirtualRefusedError as a real device or proxy would."""
        if not self.in_range:
            raise VirtualRefusedError("out of range")
        if self.refuse_connections > 0:
            self.refuse_connections -= 1
            raise VirtualRefusedError("no free connection slot")
        if self._link_lost is not None:
            raise VirtualRefusedError("already connected")
        self._link_lost = link_lost

    def release(self) -> None:
        """The central disconnected (or the link broke): stop streaming."""
        self._link_lost = None
        self._notify = None
        self._state = State.IDLE

    def drop_link(self) -> None:
        """Break the link from the device side (walked out of range, battery pulled)."""
        lost = self._link_lost
        self.release()
        if lost is not None:
            lost()

    # --- GATT server ------------------------------------------------------------------------

    def read(self, char: str) -> bytes:
        """Serve a characteristic read."""
        if char == CONTROL_UUID:
            return Status(
                state=self._state,
                result=self._result,
                has_gyro=True,
                rate_hz=SUPPORTED_RATE,
                acc_range_g=self._config.acc_range_g,
                gyro_range_dps=self._config.gyro_range_dps,
            ).encode()
        if char == BATTERY_LEVEL_CHAR:
            return bytes([self.battery])
        raise KeyError(char)

    def write(self, char: str, data: bytes) -> None:
        """Serve a characteristic write (the control point)."""
        if char != CONTROL_UUID:
            raise KeyError(char)
        try:
            command = parse_command(data)
        except CommandError as err:
            self._result = err.result
            return
        if isinstance(command, StopCommand):
            self._state, self._result = State.IDLE, Result.OK
            return
        if command.rate_hz != SUPPORTED_RATE:
            self._result = Result.BAD_RATE
            return
        self._config = command
        self._state, self._result = State.STREAMING, Result.OK

    def subscribe(self, char: str, notify: Notify | None) -> None:
        """Enable (or with None, disable) notifications of the data characteristic."""
        if char != DATA_UUID:
            raise KeyError(char)
        self._notify = notify

    # --- time passes ------------------------------------------------------------------------

    def advance(self, samples: int) -> int:
        """Let `samples` sample periods of wearer time pass; returns how many were generated."""
        chunk = self._stream.read(samples)
        if chunk.t.shape[0] == 0 and samples > 0:
            # The scenario is over but the wearer is still wearing it: a real sensor keeps
            # streaming while they sit, so does this one.
            self._start(REST, loop=True)
            self._ended = True
            chunk = self._stream.read(samples)
        n = int(chunk.t.shape[0])
        if n == 0:
            return 0
        self._sample_index += n
        streaming = self.streaming
        target = self.truth.delivered if streaming else self.truth.missed
        target.update(direction for _t, direction in chunk.steps)
        if streaming:
            self._send(chunk.acc, chunk.gyro, self._sample_index - n)
        return n

    def _send(self, acc: np.ndarray, gyro: np.ndarray, first_index: int) -> None:
        per_frame = max_samples(self.mtu)
        config = self._config
        for start in range(0, acc.shape[0], per_frame):
            stop = min(start + per_frame, acc.shape[0])
            index = first_index + start
            data = encode_frame(
                Frame(
                    seq=self._seq,
                    t0_us=round(index * 1_000_000 / SUPPORTED_RATE),
                    rate_hz=SUPPORTED_RATE,
                    acc_range_g=config.acc_range_g,
                    gyro_range_dps=config.gyro_range_dps,
                    acc=acc[start:stop],
                    gyro=gyro[start:stop],
                )
            )
            self._seq = (self._seq + 1) & 0xFFFF
            self.truth.frames += 1
            self.truth.samples += stop - start
            for out in self.frame_filter(data) if self.frame_filter else [data]:
                if self._notify is None:  # a notification callback may have dropped the link
                    return
                self._notify(out)
