"""Step counts, walking time, goals, streak, cadence and gait sensors."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
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
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .coordinator import RetrowalkConfigEntry, RetrowalkCoordinator
from .entity import RetrowalkEntity, RetrowalkEntityDescription
from .gait import Bout, Direction
from .session import SessionResult
from .walktest import Outcome, WalkTestResult

PARALLEL_UPDATES = 0

STEPS = "steps"
GAIT_OPTIONS = ["still", "forward", "backward", "sideways"]

type Value = StateType | datetime


def _percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole > 0 else None


def _gait(c: RetrowalkCoordinator) -> str:
    if not c.stream.walking or c.stream.direction is None:
        return "still"
    if c.stream.direction in (Direction.LEFT, Direction.RIGHT):
        return "sideways"
    return str(c.stream.direction)


def _last_walk(
    direction: Direction, read: Callable[[Bout], float | None], scale: float = 1.0
) -> Callable[[RetrowalkCoordinator], float | None]:
    def value(c: RetrowalkCoordinator) -> float | None:
        bout = c.stream.last_walk.get(direction)
        x = None if bout is None else read(bout)
        return None if x is None else round(scale * x, 3)

    return value


def _last_test(c: RetrowalkCoordinator) -> WalkTestResult | None:
    """The last test that timed a backward walk (a failed attempt leaves it standing)."""
    return next((t for t in reversed(c.backward.walk_tests) if t.outcome is Outcome.OK), None)


def _test_value(
    read: Callable[[WalkTestResult], float | None],
) -> Callable[[RetrowalkCoordinator], Value]:
    def value(c: RetrowalkCoordinator) -> Value:
        test = _last_test(c)
        return None if test is None else read(test)

    return value


def _session_value(
    read: Callable[[SessionResult], float | int | None],
) -> Callable[[RetrowalkCoordinator], Value]:
    def value(c: RetrowalkCoordinator) -> Value:
        session = c.backward.last_session
        return None if session is None else read(session)

    return value


def _test_attributes(c: RetrowalkCoordinator) -> dict[str, Any]:
    """The last test's details, the last attempt's outcome and whether one is running."""
    test = _last_test(c)
    attempt = c.backward.walk_tests[-1] if c.backward.walk_tests else None
    return {
        "distance_m": None if test is None else test.distance_m,
        "time_3m_s": None if test is None else test.time_3m_s,
        "steps": None if test is None else test.steps,
        "tested_at": None if test is None else test.when,
        "last_outcome": None if attempt is None else str(attempt.outcome),
        "tests": sum(t.outcome is Outcome.OK for t in c.backward.walk_tests),
        "running": c.backward.walk_test is not None,
    }


def _session_attributes(c: RetrowalkCoordinator) -> dict[str, Any]:
    last = c.backward.last_session
    return {
        "declared_steps": None if last is None else last.declared_steps,
        "ended_at": None if last is None else last.when,
        "running": c.backward.session is not None,
    }


def _equivalent(c: RetrowalkCoordinator) -> int:
    today = c.ledger.today
    return round(today.forward + c.settings.equivalence * today.backward)


@dataclass(frozen=True, kw_only=True)
class RetrowalkSensorDescription(SensorEntityDescription, RetrowalkEntityDescription):
    """A sensor and how to read it from the coordinator."""

    value_fn: Callable[[RetrowalkCoordinator], Value]
    daily: bool = False  # resets at local midnight: last_reset tells the statistics
    attributes_fn: Callable[[RetrowalkCoordinator], dict[str, Any]] | None = None


SENSORS: tuple[RetrowalkSensorDescription, ...] = (
    RetrowalkSensorDescription(
        key="forward_steps_today",
        translation_key="forward_steps_today",
        native_unit_of_measurement=STEPS,
        state_class=SensorStateClass.TOTAL,
        daily=True,
        value_fn=lambda c: c.ledger.today.forward,
    ),
    RetrowalkSensorDescription(
        key="backward_steps_today",
        translation_key="backward_steps_today",
        native_unit_of_measurement=STEPS,
        state_class=SensorStateClass.TOTAL,
        daily=True,
        value_fn=lambda c: c.ledger.today.backward,
        # How many of them the user declared in a session rather than the engine measured.
        attributes_fn=lambda c: {"declared": c.ledger.today.declared_backward},
    ),
    RetrowalkSensorDescription(
        key="sideways_steps_today",
        translation_key="sideways_steps_today",
        native_unit_of_measurement=STEPS,
        state_class=SensorStateClass.TOTAL,
        daily=True,
        value_fn=lambda c: c.ledger.today.sideways,
    ),
    RetrowalkSensorDescription(
        key="forward_steps_lifetime",
        translation_key="forward_steps_lifetime",
        native_unit_of_measurement=STEPS,
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda c: c.ledger.lifetime.forward,
    ),
    RetrowalkSensorDescription(
        key="backward_steps_lifetime",
        translation_key="backward_steps_lifetime",
        native_unit_of_measurement=STEPS,
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda c: c.ledger.lifetime.backward,
    ),
    RetrowalkSensorDescription(
        key="backward_time_today",
        translation_key="backward_time_today",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=1,
        state_class=SensorStateClass.TOTAL,
        daily=True,
        value_fn=lambda c: round(c.ledger.today.backward_seconds / 60, 2),
    ),
    RetrowalkSensorDescription(
        key="forward_equivalent_steps_today",
        translation_key="forward_equivalent_steps_today",
        native_unit_of_measurement=STEPS,
        state_class=SensorStateClass.TOTAL,
        daily=True,
        value_fn=_equivalent,
    ),
    RetrowalkSensorDescription(
        key="backward_share_today",
        translation_key="backward_share_today",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda c: _percent(c.ledger.today.backward, c.ledger.today.total),
    ),
    RetrowalkSensorDescription(
        key="backward_goal_progress",
        translation_key="backward_goal_progress",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda c: _percent(c.ledger.today.backward, c.settings.nudge.backward_goal),
    ),
    RetrowalkSensorDescription(
        key="forward_goal_progress",
        translation_key="forward_goal_progress",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda c: _percent(c.ledger.today.forward, c.settings.forward_goal),
    ),
    RetrowalkSensorDescription(
        key="backward_streak",
        translation_key="backward_streak",
        native_unit_of_measurement=UnitOfTime.DAYS,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda c: c.ledger.streak(c.settings.nudge.backward_goal),
    ),
    RetrowalkSensorDescription(
        key="cadence",
        translation_key="cadence",
        native_unit_of_measurement="steps/min",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        needs_connection=True,
        value_fn=lambda c: (
            round(c.stream.cadence, 1) if c.stream.walking and c.stream.cadence else 0
        ),
    ),
    RetrowalkSensorDescription(
        key="current_gait",
        translation_key="current_gait",
        device_class=SensorDeviceClass.ENUM,
        options=GAIT_OPTIONS,
        needs_connection=True,
        value_fn=_gait,
    ),
    RetrowalkSensorDescription(
        key="backward_walking_speed",
        translation_key="backward_walking_speed",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.METERS_PER_SECOND,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        available_fn=lambda c: c.measures_strides,
        value_fn=_last_walk(Direction.BACKWARD, lambda b: b.speed_m_s),
    ),
    RetrowalkSensorDescription(
        key="forward_walking_speed",
        translation_key="forward_walking_speed",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.METERS_PER_SECOND,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        available_fn=lambda c: c.measures_strides,
        value_fn=_last_walk(Direction.FORWARD, lambda b: b.speed_m_s),
    ),
    RetrowalkSensorDescription(
        key="backward_stride_length",
        translation_key="backward_stride_length",
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.METERS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        available_fn=lambda c: c.measures_strides,
        value_fn=_last_walk(Direction.BACKWARD, lambda b: b.stride_length_m),
    ),
    RetrowalkSensorDescription(
        key="backward_step_time_variability",
        translation_key="backward_step_time_variability",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        available_fn=lambda c: c.times_strides,
        value_fn=_last_walk(Direction.BACKWARD, lambda b: b.step_time_cv, scale=100.0),
    ),
    RetrowalkSensorDescription(
        key="declared_backward_steps_today",
        translation_key="declared_backward_steps_today",
        native_unit_of_measurement=STEPS,
        state_class=SensorStateClass.TOTAL,
        daily=True,
        value_fn=lambda c: c.ledger.today.declared_backward,
    ),
    RetrowalkSensorDescription(
        key="backward_walk_test_time",
        translation_key="backward_walk_test_time",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        available_fn=lambda c: c.measures_strides,
        value_fn=_test_value(lambda t: t.time_s),
        attributes_fn=_test_attributes,
    ),
    RetrowalkSensorDescription(
        key="backward_walk_test_speed",
        translation_key="backward_walk_test_speed",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.METERS_PER_SECOND,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        available_fn=lambda c: c.measures_strides,
        value_fn=_test_value(lambda t: t.speed_m_s),
    ),
    RetrowalkSensorDescription(
        key="backward_session_steps",
        translation_key="backward_session_steps",
        native_unit_of_measurement=STEPS,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_session_value(lambda r: r.steps),
        attributes_fn=_session_attributes,
    ),
    RetrowalkSensorDescription(
        key="backward_session_minutes",
        translation_key="backward_session_minutes",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=_session_value(lambda r: r.minutes),
    ),
    RetrowalkSensorDescription(
        key="backward_session_speed",
        translation_key="backward_session_speed",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.METERS_PER_SECOND,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        available_fn=lambda c: c.measures_strides,
        value_fn=_session_value(lambda r: r.speed_m_s),
    ),
    RetrowalkSensorDescription(
        key="last_walk",
        translation_key="last_walk",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda c: c.ledger.last_step,
    ),
    RetrowalkSensorDescription(
        key="nudge_response_rate",
        translation_key="nudge_response_rate",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda c: c.nudges.response_rate(),
    ),
    RetrowalkSensorDescription(
        key="battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        needs_connection=True,
        value_fn=lambda c: c.connection.battery,
    ),
    RetrowalkSensorDescription(
        key="signal_strength",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda c: c.presence.rssi,
    ),
    RetrowalkSensorDescription(
        key="calibration",
        translation_key="calibration",
        device_class=SensorDeviceClass.ENUM,
        options=["automatic", "calibrating", "calibrated"],
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c: c.stream.calibration_status,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RetrowalkConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of one wearable."""
    coordinator = entry.runtime_data
    async_add_entities(RetrowalkSensor(coordinator, description) for description in SENSORS)


class RetrowalkSensor(RetrowalkEntity, SensorEntity):
    """A value derived from the coordinator."""

    entity_description: RetrowalkSensorDescription

    @property
    @override
    def native_value(self) -> Value:
        return self.entity_description.value_fn(self.coordinator)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        attributes = self.entity_description.attributes_fn
        return None if attributes is None else attributes(self.coordinator)

    @property
    @override
    def last_reset(self) -> datetime | None:
        if not self.entity_description.daily:
            return None
        day = self.coordinator.ledger.today.day
        return dt_util.start_of_local_day(day)
