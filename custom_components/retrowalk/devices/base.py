"""Contract shared by every wearable protocol: batches, errors, the GATT link, the base class.

Nothing here imports Home Assistant: a protocol turns notification bytes into samples and knows
which GATT reads/writes start and stop the stream. The coordinator adapts a BleakClient to
`GattLink` and feeds `SampleBatch`es to the gait engine.
"""

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
import time
from typing import Any, ClassVar, Protocol, Self

import numpy as np

from custom_components.retrowalk.gait.types import STANDARD_GRAVITY, FloatArray, Placement

DEG = np.pi / 180.0

# Per-axis plausibility limits. The widest range any supported IMU can be set to is ±16 g and
# ±2000 dps; the margin allows for factory calibration pushing a saturated axis slightly past
# full scale. Anything beyond is a corrupted frame, never motion.
ACC_LIMIT = 16.0 * STANDARD_GRAVITY * 1.1
GYRO_LIMIT = 2000.0 * DEG * 1.1

BATTERY_LEVEL_CHAR = "00002a19-0000-1000-8000-00805f9b34fb"


def uuid16(short: int) -> str:
    """Expand a 16-bit SIG UUID to the 128-bit lowercase form bleak and hassfest use."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


class DecodeError(ValueError):
    """A notification that cannot become samples; `reason` is a stable diagnostics counter key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


class SetupError(RuntimeError):
    """The device refused or garbled the GATT setup sequence; `reason` is a stable key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleBatch:
    """Consecutive samples of one wearable.

    `t` is seconds on a per-connection monotonic timeline (0 = first sample of the connection),
    derived from device timestamps where the device sends them. `acc` is (N, 3) m/s² including
    gravity, `gyro` (N, 3) rad/s or None (a gyro-capable device can still deliver an occasional
    batch without gyro, e.g. while its gyro stream starts). `lost` counts samples judged missing
    before and inside this batch. `clipped` counts samples with an axis at full scale.
    """

    t: FloatArray
    acc: FloatArray
    gyro: FloatArray | None
    lost: int = 0
    clipped: int = 0

    def __len__(self) -> int:
        return int(self.t.shape[0])


def check_physical(acc: FloatArray | None, gyro: FloatArray | None) -> None:
    """Reject values no body-worn IMU can produce (corruption, wrong scaling, NaN floats)."""
    if acc is not None and (not np.all(np.isfinite(acc)) or np.any(np.abs(acc) > ACC_LIMIT)):
        raise DecodeError("range", "acceleration outside physical limits")
    if gyro is not None and (not np.all(np.isfinite(gyro)) or np.any(np.abs(gyro) > GYRO_LIMIT)):
        raise DecodeError("range", "angular rate outside physical limits")


class GattLink(Protocol):
    """The subset of a GATT client a protocol needs; characteristics are 128-bit UUID strings."""

    @property
    def mtu(self) -> int:
        """Negotiated ATT MTU (payload per notification is MTU - 3)."""

    async def write(self, char: str, data: bytes, *, response: bool = True) -> None:
        """Write a characteristic value."""

    async def read(self, char: str) -> bytes:
        """Read a characteristic value."""

    async def start_notify(self, char: str, callback: Callable[[bytes], None]) -> None:
        """Enable notifications (or indications) and deliver each value to `callback`."""


async def read_battery(link: GattLink) -> int | None:
    """Battery level from the standard Battery Service (0x180F/0x2A19), or None if unavailable."""
    try:
        data = await link.read(BATTERY_LEVEL_CHAR)
    except Exception:  # battery is optional; any GATT failure means "unknown"
        return None
    if len(data) < 1 or data[0] > 100:
        return None
    return int(data[0])


def matches_name(name: str | None, prefixes: Sequence[str]) -> bool:
    """Whether an advertised local name starts with one of `prefixes`."""
    return name is not None and any(name.startswith(p) for p in prefixes)


def has_service(service_uuids: Sequence[str], wanted: Sequence[str]) -> bool:
    """Whether any of the `wanted` (lowercase 128-bit) UUIDs is advertised."""
    present = {u.lower() for u in service_uuids}
    return any(w in present for w in wanted)


# What a protocol calls with each DecodeError, and with each batch it decodes.
type ErrorHook = Callable[[DecodeError], None]
type BatchSink = Callable[[SampleBatch], None]


class WearableProtocol(ABC):
    """One wearable's GATT protocol: advertisement matching, setup sequence and frame decoding.

    Decode errors raised inside the notification callback never propagate into the BLE stack:
    they are counted in `error_counts` (keyed by reason, for diagnostics) and passed to the
    optional `on_error` hook, so the coordinator can log the first one and carry on. Any other
    exception from `decode` (a bug; the fuzz harness calls `decode` directly and still sees it)
    is counted the same way under "internal".
    """

    key: ClassVar[str]
    manufacturer: ClassVar[str]
    model: ClassVar[str]
    placements: ClassVar[tuple[Placement, ...]]
    requires_bonding: ClassVar[bool] = False
    min_mtu: ClassVar[int] = 23
    has_gyro: ClassVar[bool]
    nominal_rate: ClassVar[float]
    # What its advertisements carry; matches() and manifest_matchers() both derive from these.
    advertised_services: ClassVar[tuple[str, ...]] = ()
    name_prefixes: ClassVar[tuple[str, ...]] = ()
    # What a buyer should know beyond the attributes above (README table, tools/wearables_table).
    notes: ClassVar[str] = ""
    # Valid notifications as the device sends them, in order, for a decoder from
    # example_decoder(): the fuzzers' seeds (tools/fuzz.py) and the clean stream the contract
    # tests mutate (tests/devices/test_fuzz.py). A few frames, kept as bytes so that they read as
    # what a capture of the device shows; required of every protocol (tests/devices).
    example_frames: ClassVar[tuple[bytes, ...]]

    def __init__(self, *, on_error: ErrorHook | None = None) -> None:
        self.error_counts: Counter[str] = Counter()
        self._on_error = on_error

    @classmethod
    def example_decoder(cls) -> Self:
        """A decoder in the state start() leaves it in, without a device, for example_frames."""
        return cls()

    @classmethod
    def matches(
        cls,
        name: str | None,
        service_uuids: Sequence[str],
        manufacturer_data: Mapping[int, bytes],
    ) -> bool:
        """Whether an advertisement belongs to this wearable."""
        return has_service(service_uuids, cls.advertised_services) or matches_name(
            name, cls.name_prefixes
        )

    @classmethod
    def manifest_matchers(cls) -> list[dict[str, Any]]:
        """Entries for manifest.json's `bluetooth` key (the same rules as matches())."""
        return [
            *({"service_uuid": uuid, "connectable": True} for uuid in cls.advertised_services),
            *({"local_name": f"{prefix}*", "connectable": True} for prefix in cls.name_prefixes),
        ]

    @abstractmethod
    async def start(self, link: GattLink, on_batch: BatchSink) -> None:
        """Run the setup sequence and subscribe; raises SetupError when the device refuses."""

    async def battery_level(self, link: GattLink) -> int | None:
        """Battery percent once streaming; the standard Battery Service unless overridden."""
        return await read_battery(link)

    async def stop(self, link: GattLink) -> None:  # noqa: B027 (a default, not abstract)
        """Best-effort stop of the stream (the link may already be gone).

        By default nothing is sent: the device stops streaming when its notifications are
        disabled or the link drops, both of which the coordinator does.
        """

    def decode(self, data: bytes, received: float | None = None) -> SampleBatch | None:
        """Decode one data notification; None while nothing is complete yet.

        None means the notification was accepted but held: part of a split frame, or acc
        samples waiting for the gyro samples of the same instants.

        `received` is the monotonic receive time in seconds (defaults to now); only devices
        without timestamps use it for sample times, others use it to tell clock jumps from gaps.
        """
        return self._decode(data, now_if_none(received))

    @abstractmethod
    def _decode(self, data: bytes, received: float) -> SampleBatch | None:
        """decode() with the receive time settled."""

    def _report(self, error: DecodeError) -> None:
        self.error_counts[error.reason] += 1
        if self._on_error is not None:
            self._on_error(error)

    def _deliver(
        self,
        data: bytes,
        on_batch: BatchSink,
        received: float | None = None,
    ) -> None:
        try:
            batch = self.decode(bytes(data), received)  # decode() settles the time
        except DecodeError as err:
            self._report(err)
            return
        except Exception as err:  # a decoder bug must not escape into the BLE stack's callback
            self._report(DecodeError("internal", f"{type(err).__name__}: {err}"))
            return
        if batch is not None and len(batch):
            on_batch(batch)

    @staticmethod
    async def _write_best_effort(link: GattLink, char: str, data: bytes) -> bool:
        """Write with response, for stopping a stream; False when the link is already gone."""
        try:
            await link.write(char, data, response=True)
        except Exception:  # a stop is best effort: the device stops anyway when the link drops
            return False
        return True

    def _check_mtu(self, link: GattLink, why: str = "") -> None:
        """Refuse a link whose MTU cannot carry the protocol's packets (`why`: which ones)."""
        if link.mtu < self.min_mtu:
            raise SetupError("mtu", f"MTU {link.mtu} < {self.min_mtu}{why}")


def now_if_none(received: float | None) -> float:
    """Receive time given by the caller, else the monotonic clock now."""
    return time.monotonic() if received is None else received
