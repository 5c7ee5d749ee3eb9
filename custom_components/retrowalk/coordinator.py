"""The push coordinator: notifications → decoder → gait engine → counts, nudges and entities."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
import logging
import time as monotonic_clock
from typing import Any

from homeassistant.components import bluetooth
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_track_time_change, async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .connection import WearableConnection
from .const import (
    CONF_CALIBRATION,
    CONF_PROTOCOL,
    DOMAIN,
    UPDATE_INTERVAL_WHILE_WALKING,
)
from .devices import protocol_by_key
from .devices.base import DecodeError, SampleBatch
from .gait import Bout, Direction, EngineUpdate, GaitEngine, Placement, StepEvent
from .issues import async_ask_for_calibration, async_calibrated, async_track_not_seen
from .ledger import Ledger
from .nudge import Nudge, NudgePolicy
from .session import Session, SessionResult, counts_declared
from .settings import Settings
from .storage import RetrowalkStore
from .walktest import HISTORY, WalkTest, WalkTestResult

_LOGGER = logging.getLogger(__name__)

type RetrowalkConfigEntry = ConfigEntry[RetrowalkCoordinator]

TICK = timedelta(seconds=30)
BACKUP_EVERY = timedelta(hours=1)
# A reconnect restarts the device timeline; the engine must see a gap, never time going back.
MIN_RECONNECT_GAP = 1.0
STRIDE_PLACEMENTS = (Placement.FOOT, Placement.SHANK)
# Event types of the backward walking event entity.
BACKWARD_WALK_TEST = "backward_walk_test"
BACKWARD_SESSION = "backward_session"


def _walks_to_dict(walks: dict[Direction, Bout]) -> dict[str, dict[str, Any]]:
    return {str(d): asdict(bout) | {"direction": str(d)} for d, bout in walks.items()}


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


def _walks_from_dict(data: Any) -> dict[Direction, Bout]:
    """Last walks from the store; a malformed one is skipped (logged), never the counts."""
    walks: dict[Direction, Bout] = {}
    stored = data.values() if isinstance(data, dict) else ()
    for raw in stored:
        try:
            bout = Bout(
                start=float(raw["start"]),
                end=float(raw["end"]),
                direction=Direction(raw["direction"]),
                steps=int(raw["steps"]),
                stride_length_m=_optional(raw.get("stride_length_m")),
                speed_m_s=_optional(raw.get("speed_m_s")),
                step_time_cv=_optional(raw.get("step_time_cv")),
            )
        except (KeyError, ValueError, TypeError) as err:
            _LOGGER.warning("Ignoring a malformed last walk in the store: %r", err)
            continue
        walks[bout.direction] = bout
    return walks


def _tests_from_list(data: Any) -> list[WalkTestResult]:
    """Walk test history from the store; a malformed result is skipped (logged)."""
    tests: list[WalkTestResult] = []
    for raw in data if isinstance(data, list) else ():
        try:
            tests.append(WalkTestResult.from_dict(raw))
        except (KeyError, ValueError, TypeError, AttributeError) as err:
            _LOGGER.warning("Ignoring a malformed walk test result in the store: %r", err)
    return tests[-HISTORY:]


def _session_from_dict(data: Any) -> SessionResult | None:
    if data is None:
        return None
    try:
        return SessionResult.from_dict(data)
    except (KeyError, ValueError, TypeError, AttributeError) as err:
        _LOGGER.warning("Ignoring a malformed backward session in the store: %r", err)
        return None


@dataclass(slots=True)
class StreamStats:
    """Counters for diagnostics (kept out of entities so the recorder stays quiet)."""

    batches: int = 0
    samples: int = 0
    lost_samples: int = 0
    clipped_samples: int = 0
    gaps: int = 0
    gap_seconds: float = 0.0
    steps: int = 0


class RetrowalkCoordinator(DataUpdateCoordinator[None]):
    """Owns one wearable's connection, gait engine, counts and nudge policy."""

    config_entry: RetrowalkConfigEntry

    def __init__(self, hass: HomeAssistant, entry: RetrowalkConfigEntry) -> None:
        """Set up state; nothing connects until async_start()."""
        super().__init__(hass, _LOGGER, config_entry=entry, name=entry.title)
        self.address: str = entry.data[CONF_ADDRESS]
        self.protocol_cls = protocol_by_key(entry.data[CONF_PROTOCOL])
        self.settings = Settings.from_options(entry.options)
        self.store = RetrowalkStore(hass, entry.entry_id)
        self.engine = GaitEngine(self.settings.placement)
        self.ledger = Ledger.new(dt_util.now().date())
        self.nudges = NudgePolicy(settings=self.settings.nudge)
        self.stats = StreamStats()
        # The last walking bout with measured strides, per direction (foot/shank with a gyro).
        self.last_walk: dict[Direction, Bout] = {}
        # The guided 3-metre backward walk test: the running one and the results so far.
        self.walk_test: WalkTest | None = None
        self.walk_tests: list[WalkTestResult] = []
        # A backward walk session the user started, and the last one that ended.
        self.session: Session | None = None
        self.last_session: SessionResult | None = None
        self._result_listeners: list[Callable[[str, dict[str, Any]], None]] = []
        self.decode_errors: Counter[str] = Counter()
        self.walking = False
        self.direction: Direction | None = None
        self.cadence: float | None = None
        self.rssi: int | None = None
        self._nudge_listeners: list[Callable[[Nudge], None]] = []
        self._connection_seen = 0
        self._t_offset = 0.0
        self._last_t: float | None = None
        self._last_sample_mono = 0.0
        # Entities are written at once when a walk starts or stops, at most every
        # UPDATE_INTERVAL_WHILE_WALKING seconds while steps stream in (keeps the recorder quiet).
        self._writes = Debouncer(
            hass,
            _LOGGER,
            cooldown=UPDATE_INTERVAL_WHILE_WALKING,
            immediate=True,
            function=self.async_update_listeners,
        )
        self._unsubs: list[CALLBACK_TYPE] = []
        self._last_backup = dt_util.utcnow()
        self.last_seen = dt_util.utcnow()
        self._calibration_saved = False
        self.connection = WearableConnection(
            hass,
            self.address,
            entry.title,
            self.protocol_cls,
            on_batch=self.async_on_batch,
            on_change=self._async_connection_changed,
            on_decode_error=self._async_on_decode_error,
        )

    # --- life cycle -------------------------------------------------------------------------

    async def async_load(self) -> None:
        """Restore counts, nudge state and calibration saved before a restart or reload."""
        # The store validates by restoring: a copy that loads has already been applied.
        loaded = await self.store.async_load(self._restore)
        if loaded.data is None and (calibration := self.config_entry.data.get(CONF_CALIBRATION)):
            self.engine = GaitEngine(self.settings.placement, state=calibration)
        self.ledger.roll_to(dt_util.now().date())
        self._calibration_saved = self.engine.calibration.done
        _LOGGER.debug("Loaded %s state from %s", self.name, loaded.source)

    def _restore(self, data: dict[str, Any]) -> None:
        """Apply stored data; raises on malformed content (the store then tries its backup)."""
        ledger = Ledger.from_dict(data["ledger"])
        nudges = NudgePolicy.from_dict(data["nudges"], self.settings.nudge)
        engine = self.engine
        walks: dict[Direction, Bout] = {}
        if data.get("placement") == self.settings.placement:
            if data.get("engine"):
                engine = GaitEngine.from_dict(data["engine"])
            walks = _walks_from_dict(data.get("last_walk"))
        self.ledger, self.nudges, self.engine = ledger, nudges, engine
        self.last_walk = walks
        self.walk_tests = _tests_from_list(data.get("walk_tests"))
        self.last_session = _session_from_dict(data.get("last_session"))
        if seen := data.get("last_seen"):
            self.last_seen = datetime.fromisoformat(seen)

    def snapshot(self) -> dict[str, Any]:
        """Everything that must survive a restart, JSON-safe."""
        return {
            "ledger": self.ledger.to_dict(),
            "nudges": self.nudges.to_dict(),
            "engine": self.engine.to_dict(),
            "placement": str(self.settings.placement),
            "last_seen": self.last_seen.isoformat(),
            "last_walk": _walks_to_dict(self.last_walk),
            "walk_tests": [t.to_dict() for t in self.walk_tests],
            "last_session": None if self.last_session is None else self.last_session.to_dict(),
        }

    @callback
    def async_start(self) -> None:
        """Connect and start the clocks."""
        self.connection.async_start(
            lambda coro: self.config_entry.async_create_background_task(
                self.hass, coro, f"{DOMAIN} {self.address} connection"
            )
        )
        self._unsubs += [
            async_track_time_interval(self.hass, self._async_tick, TICK),
            async_track_time_change(self.hass, self._async_midnight, hour=0, minute=0, second=0),
        ]

    async def async_shutdown(self) -> None:
        """Disconnect, cancel timers and write the counts."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self._writes.async_shutdown()
        await self.connection.async_stop()
        await self.store.async_save_now(self.snapshot())
        await super().async_shutdown()

    # --- data path (hot: every notification) ------------------------------------------------

    @callback
    def async_on_batch(self, batch: SampleBatch) -> None:
        """Feed one decoded notification to the engine (the connection's data callback)."""
        self._align_timeline(batch)
        t = batch.t + self._t_offset
        update = self.engine.process(t, batch.acc, batch.gyro)
        self._last_t = float(t[-1])
        self._last_sample_mono = monotonic_clock.monotonic()
        stats = self.stats
        stats.batches += 1
        stats.samples += len(batch)
        stats.lost_samples += batch.lost
        stats.clipped_samples += batch.clipped
        if update.gap_s > 0:
            stats.gaps += 1
            stats.gap_seconds += update.gap_s
        self._async_apply(update)

    @callback
    def _async_apply(self, update: EngineUpdate) -> None:
        """Count the engine's new steps (each arrives exactly once) and follow the walking state."""
        now = dt_util.now()
        self.nudges.record_data(now)
        if update.steps:
            last_t = self._last_t if self._last_t is not None else update.steps[-1].t
            steps = [
                (now - timedelta(seconds=max(0.0, last_t - step.t)), step.direction)
                for step in update.steps
            ]
            declared = self.session.declared(update.steps) if self.session else None
            self.stats.steps += self.ledger.add_steps(steps, declared=declared)
            self.store.schedule_save(self.snapshot)
        self._async_follow_test_and_session(update)
        self._note_walking(now, update)
        started_or_stopped = update.walking != self.walking
        self.walking, self.direction, self.cadence = (
            update.walking,
            update.direction,
            update.cadence,
        )
        for bout in update.bouts:
            if bout.stride_length_m is not None or bout.step_time_cv is not None:
                self.last_walk[bout.direction] = bout
                self.store.schedule_save(self.snapshot)
        if started_or_stopped or update.bouts:
            self._async_push_now()
        elif update.steps:
            self._async_push_soon()

    def _async_follow_test_and_session(self, update: EngineUpdate) -> None:
        """Feed the running walk test and session the new steps on the sample clock."""
        if self._last_t is None:
            return
        if self.walk_test and (result := self.walk_test.update(self._last_t, update.steps)):
            self._async_walk_test_done(result)
        if self.session and (done := self.session.update(self._last_t, update.steps)):
            self._async_session_done(done)

    def _note_walking(self, now: datetime, update: EngineUpdate) -> None:
        """Tell the nudge policy which steps belong to which bout: only a walk ends sitting."""
        steps = update.steps
        if update.bouts:
            # Steps up to the last bout that ended belong to the bouts that ended.
            ended_at = update.bouts[-1].end
            self._record_steps(now, [s for s in steps if s.t <= ended_at])
            self.nudges.end_bout()
            steps = tuple(s for s in steps if s.t > ended_at)
        self._record_steps(now, steps)

    def _record_steps(self, now: datetime, steps: Sequence[StepEvent]) -> None:
        if steps:
            backward = any(step.direction is Direction.BACKWARD for step in steps)
            self.nudges.record_steps(now, len(steps), backward=backward)

    def _align_timeline(self, batch: SampleBatch) -> None:
        """Continue the engine's timeline across reconnects (each connection restarts at 0)."""
        if self.connection.connections == self._connection_seen:
            return
        self._connection_seen = self.connection.connections
        if self._last_t is not None:
            away = max(MIN_RECONNECT_GAP, monotonic_clock.monotonic() - self._last_sample_mono)
            self._t_offset = self._last_t + away - float(batch.t[0])
            # Steps taken while disconnected are lost; the gap is recorded, never filled in.
            self.stats.gaps += 1
            self.stats.gap_seconds += away

    @callback
    def _async_on_decode_error(self, err: DecodeError) -> None:
        if not self.decode_errors[err.reason]:
            _LOGGER.warning(
                "Ignoring malformed data from %s (%s); counted in diagnostics", self.name, err
            )
        self.decode_errors[err.reason] += 1

    # --- entity updates ---------------------------------------------------------------------

    @callback
    def _async_push_now(self) -> None:
        """Write entities now; the throttle's window restarts from this write."""
        self._writes.async_cancel()
        self._writes.async_schedule_call()

    @callback
    def _async_push_soon(self) -> None:
        """Write entities now, or at the end of the throttle's window if one is open."""
        self._writes.async_schedule_call()

    @callback
    def _async_connection_changed(self) -> None:
        if not self.connection.connected:
            # The stream ended: steps the engine still held are counted, the bout is closed.
            self._async_apply(self.engine.flush())
            self.walking, self.direction, self.cadence = False, None, None
            if self.walk_test and (result := self.walk_test.disconnected()):
                self._async_walk_test_done(result)
            if self.session:
                self._async_session_done(self.session.end())
        self._async_push_now()

    # --- clocks -----------------------------------------------------------------------------

    @callback
    def _async_tick(self, now: datetime) -> None:
        local = dt_util.as_local(now)
        if info := bluetooth.async_last_service_info(self.hass, self.address, connectable=True):
            self.rssi = info.rssi
        self._async_track_presence(now)
        self._async_track_calibration()
        self.ledger.roll_to(local.date())
        self._async_check_nudges(local)
        self._async_push_now()
        if now - self._last_backup >= BACKUP_EVERY:
            self._last_backup = now
            self.hass.async_create_task(self.store.async_save_backup(self.snapshot()))

    @callback
    def _async_track_presence(self, now: datetime) -> None:
        """Raise a repair issue when no adapter or proxy has heard the wearable for a day."""
        if self.connection.connected or bluetooth.async_address_present(
            self.hass, self.address, connectable=True
        ):
            self.last_seen = now
        async_track_not_seen(self.hass, self.config_entry.entry_id, self.name, now, self.last_seen)

    @callback
    def _async_track_calibration(self) -> None:
        """Once a calibration walk finished, keep it and retire the calibration repair issue."""
        done = self.engine.calibration.done
        if done and not self._calibration_saved:
            async_calibrated(self.hass, self.config_entry.entry_id)
            self.store.schedule_save(self.snapshot)
        self._calibration_saved = done

    @callback
    def _async_midnight(self, now: datetime) -> None:
        if self.ledger.roll_to(dt_util.as_local(now).date()):
            self.store.schedule_save(self.snapshot)
            self.hass.async_create_task(self.store.async_save_backup(self.snapshot()))
        self._async_push_now()

    @callback
    def _async_check_nudges(self, now: datetime) -> None:
        fired = self.nudges.check(
            now,
            backward_steps=self.ledger.today.backward,
            backward_seconds=self.ledger.today.backward_seconds,
        )
        for nudge in fired:
            _LOGGER.debug("Nudge %s: %s", nudge.type, nudge.data)
            for listener in list(self._nudge_listeners):
                listener(nudge)
        if fired:
            self.store.schedule_save(self.snapshot)

    @callback
    def async_add_nudge_listener(self, listener: Callable[[Nudge], None]) -> CALLBACK_TYPE:
        """Subscribe to nudges (the event entity does)."""
        self._nudge_listeners.append(listener)
        return lambda: self._nudge_listeners.remove(listener)

    @callback
    def async_add_result_listener(
        self, listener: Callable[[str, dict[str, Any]], None]
    ) -> CALLBACK_TYPE:
        """Subscribe to walk test and session results (the backward walking event entity)."""
        self._result_listeners.append(listener)
        return lambda: self._result_listeners.remove(listener)

    @callback
    def _async_fire_result(self, event_type: str, data: dict[str, Any]) -> None:
        for listener in list(self._result_listeners):
            listener(event_type, data)
        self.store.schedule_save(self.snapshot)
        self._async_push_now()

    @callback
    def _async_walk_test_done(self, result: WalkTestResult) -> None:
        self.walk_test = None
        result = replace(result, when=dt_util.now().isoformat())
        self.walk_tests = [*self.walk_tests, result][-HISTORY:]
        _LOGGER.debug("Backward walk test of %s: %s", self.name, result)
        self._async_fire_result(BACKWARD_WALK_TEST, result.to_dict())

    @callback
    def _async_session_done(self, result: SessionResult) -> None:
        self.session = None
        result = replace(result, when=dt_util.now().isoformat())
        self.last_session = result
        self._async_fire_result(BACKWARD_SESSION, result.to_dict())

    # --- user actions -----------------------------------------------------------------------

    def _require_connection(self) -> None:
        if not self.connection.connected:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="needs_connection",
                translation_placeholders={"name": self.name},
            )

    @callback
    def async_start_walk_test(self) -> None:
        """Start the guided 3-metre backward walk test (needs live stride data)."""
        if not self.measures_strides:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="cannot_time_walk",
                translation_placeholders={"name": self.name, "placement": str(self.placement)},
            )
        self._require_connection()
        self.walk_test = WalkTest(self._last_t)
        self._async_push_now()

    @callback
    def async_start_session(self) -> None:
        """Start a backward walk session ("Going now"); a running one goes on."""
        self._require_connection()
        if self.session is None:
            self.session = Session(self._last_t, declare=counts_declared(self.placement))
        self._async_push_now()

    @callback
    def async_snooze(self, minutes: float) -> datetime:
        """Hold nudges; survives a restart."""
        until = self.nudges.snooze(dt_util.now(), minutes)
        self.store.schedule_save(self.snapshot)
        self._async_push_now()
        return until

    @callback
    def async_start_calibration(self) -> None:
        """Start the explicit calibration walk ("walk forward 20 steps")."""
        self.engine.start_calibration()
        self._async_push_now()

    @callback
    def async_apply_settings(self, settings: Settings) -> None:
        """Apply changed options live; a new placement needs a new engine and calibration."""
        placement_changed = settings.placement != self.settings.placement
        self.settings = settings
        self.nudges.settings = settings.nudge
        if placement_changed:
            self.engine = GaitEngine(settings.placement)
            self.last_walk.clear()  # measured where the sensor no longer is
            self.walk_test = None  # a test must be timed where it started: the user starts anew
            async_ask_for_calibration(
                self.hass, self.config_entry.entry_id, self.name, str(settings.placement)
            )
        self.store.schedule_save(self.snapshot)
        self._async_push_now()

    @property
    def calibration_status(self) -> str:
        """Automatic (learned from walking), calibrating, or calibrated (explicit walk)."""
        calibration = self.engine.calibration
        if calibration.active:
            return "calibrating"
        return "calibrated" if calibration.done else "automatic"

    @property
    def measures_strides(self) -> bool:
        """Stride length and speed need a foot or shank sensor with a gyroscope."""
        return self.placement in STRIDE_PLACEMENTS and self.protocol_cls.has_gyro

    @property
    def times_strides(self) -> bool:
        """Step-time variability is timed from the instrumented foot's own landings."""
        return self.placement in STRIDE_PLACEMENTS

    @property
    def placement(self) -> Placement:
        """Where the wearable is worn."""
        return self.settings.placement
