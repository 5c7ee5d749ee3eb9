"""Step counts, walking time, goals, streak, cadence and gait sensors."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfLength,
    UnitOfSpeed,
    UnitOfTime,
)
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .const import UNIT_STEPS
from .data import Gait, RetrowalkData
from .entity import RetrowalkEntity, RetrowalkEntityDescription, platform_setup
from .gait import Bout, Direction
from .session import SessionResult
from .stream import CalibrationStatus
from .walktest import WalkTestResult

PARALLEL_UPDATES = 0

type Value = StateType | datetime
type ValueFn = Callable[[RetrowalkData], Value]  # reads a sensor's value off the snapshot


def _percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole > 0 else None


def _of[T](result: Callable[[RetrowalkData], T | None], read: Callable[[T], Value]) -> ValueFn:
    """Read a value off a result the snapshot may not hold yet (unknown until then)."""

    def value(d: RetrowalkData) -> Value:
        found = result(d)
        return None if found is None else read(found)

    return value


def _last_test(read: Callable[[WalkTestResult], Value]) -> ValueFn:
    """A value of the last test that timed a backward walk (a failed attempt leaves it)."""
    return _of(lambda d: d.last_test, read)


def _last_session(read: Callable[[SessionResult], Value]) -> ValueFn:
    return _of(lambda d: d.last_session, read)


def _last_walk(
    direction: Direction, read: Callable[[Bout], float | None], scale: float = 1.0
) -> ValueFn:
    """A measure of the last walk with strides in `direction`, scaled (to percent, say)."""

    def scaled(bout: Bout) -> Value:
        x = read(bout)
        return None if x is None else round(scale * x, 3)

    return _of(lambda d: d.last_walk.get(direction), scaled)


def _test_attributes(d: RetrowalkData) -> dict[str, Any]:
    """The last test's details, the last attempt's outcome and whether one is running."""
    t = d.last_test
    return {
        "distance_m": None if t is None else t.distance_m,
        "time_3m_s": None if t is None else t.time_3m_s,
        "steps": None if t is None else t.steps,
        "tested_at": None if t is None else t.when,
        "last_outcome": None if d.last_attempt is None else str(d.last_attempt),
        "tests": d.tests_ok,
        "running": d.walk_test_running,
    }


def _session_attributes(d: RetrowalkData) -> dict[str, Any]:
    r = d.last_session
    return {
        "declared_steps": None if r is None else r.declared_steps,
        "ended_at": None if r is None else r.when,
        "running": d.session_running,
    }


def _equivalent(d: RetrowalkData) -> int:
    return round(d.today.forward + d.settings.equivalence * d.today.backward)


@dataclass(frozen=True, kw_only=True)
class RetrowalkSensorDescription(SensorEntityDescription, RetrowalkEntityDescription):
    """A sensor and how to read it from the coordinator's snapshot."""

    value_fn: ValueFn
    daily: bool = False  # resets at local midnight: last_reset tells the statistics
    attributes_fn: Callable[[RetrowalkData], dict[str, Any]] | None = None


def _sensor(
    key: str, value_fn: ValueFn, unit: str, state_class: SensorStateClass, **extra: Any
) -> RetrowalkSensorDescription:
    """A sensor; its key names its translation unless `translation_key` says otherwise."""
    extra.setdefault("translation_key", key)
    return RetrowalkSensorDescription(
        key=key,
        native_unit_of_measurement=unit,
        state_class=state_class,
        value_fn=value_fn,
        **extra,
    )


def _steps_today(key: str, value_fn: ValueFn, **extra: Any) -> RetrowalkSensorDescription:
    """A step count that starts again at local midnight."""
    return _sensor(key, value_fn, UNIT_STEPS, SensorStateClass.TOTAL, daily=True, **extra)


def _steps_lifetime(key: str, value_fn: ValueFn) -> RetrowalkSensorDescription:
    return _sensor(key, value_fn, UNIT_STEPS, SensorStateClass.TOTAL_INCREASING)


def _share(key: str, value_fn: ValueFn) -> RetrowalkSensorDescription:
    """A percentage of a total or of a goal."""
    return _sensor(key, value_fn, PERCENTAGE, SensorStateClass.MEASUREMENT)


def _measured(
    key: str,
    value_fn: ValueFn,
    device_class: SensorDeviceClass | None,
    unit: str,
    precision: int | None,
    **extra: Any,
) -> RetrowalkSensorDescription:
    """A measurement, shown with `precision` decimals."""
    return _sensor(
        key,
        value_fn,
        unit,
        SensorStateClass.MEASUREMENT,
        device_class=device_class,
        suggested_display_precision=precision,
        **extra,
    )


def _stride(
    key: str, value_fn: ValueFn, device_class: SensorDeviceClass, unit: str
) -> RetrowalkSensorDescription:
    """Measured from the strides: unavailable where the wearable cannot measure them."""
    return _measured(key, value_fn, device_class, unit, 2, available_fn=_measures_strides)


def _wearable(
    key: str, value_fn: ValueFn, device_class: SensorDeviceClass, unit: str, **extra: Any
) -> RetrowalkSensorDescription:
    """A measurement of the wearable itself, named by its device class (no translation)."""
    return _measured(
        key,
        value_fn,
        device_class,
        unit,
        None,
        translation_key=None,
        entity_category=EntityCategory.DIAGNOSTIC,
        **extra,
    )


def _state(
    key: str, states: type[StrEnum], value_fn: ValueFn, **extra: Any
) -> RetrowalkSensorDescription:
    """One of the values of `states` (an enum sensor: translations name each)."""
    return RetrowalkSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENUM,
        options=[str(state) for state in states],
        value_fn=value_fn,
        **extra,
    )


def _measures_strides(d: RetrowalkData) -> bool:
    return d.measures_strides


SPEED = SensorDeviceClass.SPEED
M_S = UnitOfSpeed.METERS_PER_SECOND

SENSORS: tuple[RetrowalkSensorDescription, ...] = (
    _steps_today("forward_steps_today", lambda d: d.today.forward),
    # How many of them the user declared in a session rather than the engine measured.
    _steps_today(
        "backward_steps_today",
        lambda d: d.today.backward,
        attributes_fn=lambda d: {"declared": d.today.declared_backward},
    ),
    _steps_today("sideways_steps_today", lambda d: d.today.sideways),
    _steps_lifetime("forward_steps_lifetime", lambda d: d.lifetime.forward),
    _steps_lifetime("backward_steps_lifetime", lambda d: d.lifetime.backward),
    _sensor(
        "backward_time_today",
        lambda d: round(d.today.backward_seconds / 60, 2),
        UnitOfTime.MINUTES,
        SensorStateClass.TOTAL,
        device_class=SensorDeviceClass.DURATION,
        suggested_display_precision=1,
        daily=True,
    ),
    _steps_today("forward_equivalent_steps_today", _equivalent),
    _share("backward_share_today", lambda d: _percent(d.today.backward, d.today.total)),
    _share(
        "backward_goal_progress",
        lambda d: _percent(d.today.backward, d.settings.nudge.backward_goal),
    ),
    _share("forward_goal_progress", lambda d: _percent(d.today.forward, d.settings.forward_goal)),
    _measured(
        "backward_streak",
        lambda d: d.streak,
        SensorDeviceClass.DURATION,
        UnitOfTime.DAYS,
        0,  # whole days (a duration would show 2 decimals)
    ),
    _measured(
        "cadence",
        lambda d: round(d.cadence, 1) if d.walking and d.cadence else 0,
        None,
        "steps/min",
        0,
        needs_connection=True,
    ),
    _state("current_gait", Gait, lambda d: d.gait, needs_connection=True),
    _stride(
        "backward_walking_speed", _last_walk(Direction.BACKWARD, lambda b: b.speed_m_s), SPEED, M_S
    ),
    _stride(
        "forward_walking_speed", _last_walk(Direction.FORWARD, lambda b: b.speed_m_s), SPEED, M_S
    ),
    _stride(
        "backward_stride_length",
        _last_walk(Direction.BACKWARD, lambda b: b.stride_length_m),
        SensorDeviceClass.DISTANCE,
        UnitOfLength.METERS,
    ),
    # Step-time variability is timed from the foot's own landings: no gyroscope needed.
    _measured(
        "backward_step_time_variability",
        _last_walk(Direction.BACKWARD, lambda b: b.step_time_cv, scale=100.0),
        None,
        PERCENTAGE,
        1,
        available_fn=lambda d: d.times_strides,
    ),
    _steps_today("declared_backward_steps_today", lambda d: d.today.declared_backward),
    _measured(
        "backward_walk_test_time",
        _last_test(lambda t: t.time_s),
        SensorDeviceClass.DURATION,
        UnitOfTime.SECONDS,
        1,
        available_fn=_measures_strides,
        attributes_fn=_test_attributes,
    ),
    _stride("backward_walk_test_speed", _last_test(lambda t: t.speed_m_s), SPEED, M_S),
    _sensor(
        "backward_session_steps",
        _last_session(lambda r: r.steps),
        UNIT_STEPS,
        SensorStateClass.MEASUREMENT,
        attributes_fn=_session_attributes,
    ),
    _measured(
        "backward_session_minutes",
        _last_session(lambda r: r.minutes),
        SensorDeviceClass.DURATION,
        UnitOfTime.MINUTES,
        1,
    ),
    _stride("backward_session_speed", _last_session(lambda r: r.speed_m_s), SPEED, M_S),
    RetrowalkSensorDescription(
        key="last_walk",
        translation_key="last_walk",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda d: d.last_step,
    ),
    _share("nudge_response_rate", lambda d: d.nudge_response_rate),
    _wearable(
        "battery", lambda d: d.battery, SensorDeviceClass.BATTERY, PERCENTAGE, needs_connection=True
    ),
    _wearable(
        "signal_strength",
        lambda d: d.rssi,
        SensorDeviceClass.SIGNAL_STRENGTH,
        SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        entity_registry_enabled_default=False,
    ),
    _state(
        "calibration",
        CalibrationStatus,
        lambda d: d.calibration,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
)


class RetrowalkSensor(RetrowalkEntity, SensorEntity):
    """A value of the coordinator's snapshot."""

    entity_description: RetrowalkSensorDescription

    @property
    @override
    def native_value(self) -> Value:
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        attributes = self.entity_description.attributes_fn
        return None if attributes is None else attributes(self.coordinator.data)

    @property
    @override
    def last_reset(self) -> datetime | None:
        if not self.entity_description.daily:
            return None
        return dt_util.start_of_local_day(self.coordinator.data.today.day)


async_setup_entry = platform_setup(RetrowalkSensor, SENSORS)
