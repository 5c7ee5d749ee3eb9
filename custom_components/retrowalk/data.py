"""What the entities show: a frozen snapshot of one wearable, built when entities are written.

The coordinator publishes it as its data (DataUpdateCoordinator[RetrowalkData]); entity
descriptions read it instead of reaching into the ledger, the stream or the connection. It is
built only when the write throttle fires (at most every UPDATE_INTERVAL_WHILE_WALKING seconds
while walking), never per notification, so the hot path stays as cheap as before.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from .gait import Bout, Direction, Placement
from .ledger import DayTotals
from .session import SessionResult
from .settings import Settings
from .stream import CalibrationStatus
from .walktest import Outcome, WalkTestResult

if TYPE_CHECKING:
    from .coordinator import RetrowalkCoordinator

# Stride length and speed need a foot or shank sensor (with a gyroscope, see measures_strides).
STRIDE_PLACEMENTS = (Placement.FOOT, Placement.SHANK)


class Gait(StrEnum):
    """What the wearer is doing now, as the live gait sensor shows it."""

    STILL = "still"
    FORWARD = "forward"
    BACKWARD = "backward"
    SIDEWAYS = "sideways"

    @classmethod
    def of(cls, walking: bool, direction: Direction | None) -> Gait:
        """Left and right are both sideways; no walk (or no direction yet) is still."""
        if not walking or direction is None:
            return cls.STILL
        if direction in (Direction.LEFT, Direction.RIGHT):
            return cls.SIDEWAYS
        return cls(str(direction))


def measures_strides(placement: Placement, has_gyro: bool) -> bool:
    """Stride length and speed need a foot or shank sensor with a gyroscope."""
    return placement in STRIDE_PLACEMENTS and has_gyro


@dataclass(frozen=True, slots=True, kw_only=True)
class RetrowalkData:
    """One wearable as its entities see it at one write."""

    settings: Settings
    today: DayTotals  # a copy: the ledger's own goes on counting
    lifetime: DayTotals
    streak: int  # days in a row with the backward goal met
    last_step: datetime | None
    connected: bool
    battery: int | None
    rssi: int | None
    walking: bool
    cadence: float | None
    gait: Gait
    calibration: CalibrationStatus
    sedentary: bool
    nudge_response_rate: float | None
    measures_strides: bool
    last_walk: Mapping[Direction, Bout]
    last_test: WalkTestResult | None  # the last test that timed a walk (a failed one leaves it)
    last_attempt: Outcome | None  # the outcome of the last test, failed or not
    tests_ok: int
    walk_test_running: bool
    last_session: SessionResult | None
    session_running: bool

    @property
    def times_strides(self) -> bool:
        """Step-time variability is timed from the instrumented foot's own landings (no gyro)."""
        return self.settings.placement in STRIDE_PLACEMENTS


def snapshot_of(c: RetrowalkCoordinator, now: datetime) -> RetrowalkData:
    """The coordinator's state at `now` (local time), copied where it goes on changing."""
    settings, ledger, stream, backward = c.settings, c.ledger, c.stream, c.backward
    tests = backward.walk_tests
    return RetrowalkData(
        settings=settings,
        today=replace(ledger.today),
        lifetime=replace(ledger.lifetime),
        streak=ledger.streak(settings.nudge.backward_goal),
        last_step=ledger.last_step,
        connected=c.connection.connected,
        battery=c.connection.battery,
        rssi=c.presence.rssi,
        walking=stream.walking,
        cadence=stream.cadence,
        gait=Gait.of(stream.walking, stream.direction),
        calibration=stream.calibration_status,
        sedentary=c.nudges.is_sedentary(now),
        nudge_response_rate=c.nudges.response_rate(),
        measures_strides=measures_strides(settings.placement, c.protocol_cls.has_gyro),
        last_walk=MappingProxyType(dict(stream.last_walk)),
        last_test=next((t for t in reversed(tests) if t.outcome is Outcome.OK), None),
        last_attempt=tests[-1].outcome if tests else None,
        tests_ok=sum(t.outcome is Outcome.OK for t in tests),
        walk_test_running=backward.walk_test is not None,
        last_session=backward.last_session,
        session_running=backward.session is not None,
    )
