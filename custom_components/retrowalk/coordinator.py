"""The push coordinator: wires the connection, sample stream, counts, nudges and entities."""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_track_time_change, async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .backward import BackwardActivities
from .connection import WearableConnection
from .const import CONF_CALIBRATION, CONF_PROTOCOL, DOMAIN, UPDATE_INTERVAL_WHILE_WALKING
from .devices import protocol_by_key
from .devices.base import SampleBatch
from .gait import EngineUpdate, GaitEngine, Placement
from .issues import async_ask_for_calibration, async_calibrated
from .ledger import Ledger
from .nudge import Nudge, NudgePolicy
from .persist import restore, to_store
from .presence import Presence
from .settings import Settings
from .storage import RetrowalkStore
from .stream import SampleStream

_LOGGER = logging.getLogger(__name__)

type RetrowalkConfigEntry = ConfigEntry[RetrowalkCoordinator]

TICK = timedelta(seconds=30)
BACKUP_EVERY = timedelta(hours=1)
STRIDE_PLACEMENTS = (Placement.FOOT, Placement.SHANK)


class RetrowalkCoordinator(DataUpdateCoordinator[None]):
    """Owns one wearable's connection, sample stream, counts and nudge policy."""

    config_entry: RetrowalkConfigEntry

    def __init__(self, hass: HomeAssistant, entry: RetrowalkConfigEntry) -> None:
        """Set up state; nothing connects until async_start()."""
        super().__init__(hass, _LOGGER, config_entry=entry, name=entry.title)
        self.address: str = entry.data[CONF_ADDRESS]
        self.protocol_cls = protocol_by_key(entry.data[CONF_PROTOCOL])
        self.settings = Settings.from_options(entry.options)
        self.store = RetrowalkStore(hass, entry.entry_id)
        self.stream = SampleStream(entry.title, GaitEngine(self.settings.placement))
        self.stats, self.decode_errors = self.stream.stats, self.stream.decode_errors
        self.backward = BackwardActivities(entry.title, self._async_result)
        self.ledger = Ledger.new(dt_util.now().date())
        self.nudges = NudgePolicy(settings=self.settings.nudge)
        self._nudge_listeners: list[Callable[[Nudge], None]] = []
        self._unsubs: list[CALLBACK_TYPE] = []
        self.presence = Presence(hass, self.address, entry.entry_id, entry.title)
        self._last_backup = dt_util.utcnow()
        # Entities are written at once when a walk starts or stops, at most every
        # UPDATE_INTERVAL_WHILE_WALKING seconds while steps stream in (keeps the recorder quiet).
        self._writes = Debouncer(
            hass,
            _LOGGER,
            cooldown=UPDATE_INTERVAL_WHILE_WALKING,
            immediate=True,
            function=self.async_update_listeners,
        )
        self.connection = WearableConnection(
            hass,
            self.address,
            entry.title,
            self.protocol_cls,
            on_batch=self.async_on_batch,
            on_change=self._async_connection_changed,
            on_decode_error=self.stream.decode_error,
        )

    async def async_load(self) -> None:
        """Restore counts, nudge state and calibration saved before a restart or reload."""
        # The store validates by restoring: a copy that loads has already been applied.
        loaded = await self.store.async_load(partial(restore, self))
        if loaded.data is None and (calibration := self.config_entry.data.get(CONF_CALIBRATION)):
            self.stream.engine = GaitEngine(self.settings.placement, state=calibration)
        self.ledger.roll_to(dt_util.now().date())
        self.stream.calibration_finished()  # a calibration restored is not a new one
        _LOGGER.debug("Loaded %s state from %s", self.name, loaded.source)

    def snapshot(self) -> dict[str, Any]:
        """Everything that must survive a restart, JSON-safe."""
        return to_store(self)

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

    @callback
    def async_on_batch(self, batch: SampleBatch) -> None:
        """Feed one decoded notification through the stream (the connection's data callback)."""
        self._async_apply(self.stream.process(batch, self.connection.connections))

    @callback
    def _async_apply(self, update: EngineUpdate) -> None:
        """Count the engine's update, follow the walking state and write entities when due."""
        started_or_stopped = update.walking != self.stream.walking
        declared = self.backward.declared(update.steps)
        if self.stream.count(update, dt_util.now(), self.ledger, self.nudges, declared):
            self.store.schedule_save(self.snapshot)
        self.backward.async_follow(self.stream.last_t, update.steps)
        if started_or_stopped or update.bouts:
            self._async_push_now()
        elif update.steps:
            self._writes.async_schedule_call()  # at once, or when the throttle's window ends

    @callback
    def _async_push_now(self) -> None:
        """Write entities now; the throttle's window restarts from this write."""
        self._writes.async_cancel()
        self._writes.async_schedule_call()

    @callback
    def _async_connection_changed(self) -> None:
        if not self.connection.connected:
            # The stream ended: steps the engine still held are counted, the bout is closed.
            self._async_apply(self.stream.engine.flush())
            self.stream.stopped()
            self.backward.async_disconnected()
        self._async_push_now()

    @callback
    def _async_result(self) -> None:
        self.store.schedule_save(self.snapshot)
        self._async_push_now()

    @callback
    def _async_tick(self, now: datetime) -> None:
        self.presence.async_update(now, self.connection.connected)
        if self.stream.calibration_finished():  # keep it; the repair issue is retired
            async_calibrated(self.hass, self.config_entry.entry_id)
            self.store.schedule_save(self.snapshot)
        local = dt_util.as_local(now)
        self.ledger.roll_to(local.date())
        fired = self.nudges.check(
            local,
            backward_steps=self.ledger.today.backward,
            backward_seconds=self.ledger.today.backward_seconds,
        )
        for nudge in fired:
            _LOGGER.debug("Nudge %s: %s", nudge.type, nudge.data)
            for listener in list(self._nudge_listeners):
                listener(nudge)
        if fired:
            self.store.schedule_save(self.snapshot)
        self._async_push_now()
        if now - self._last_backup >= BACKUP_EVERY:
            self._last_backup = now
            self.hass.async_create_task(self.store.async_save_backup(self.snapshot()))

    @callback
    def _async_midnight(self, now: datetime) -> None:
        if self.ledger.roll_to(dt_util.as_local(now).date()):
            self.store.schedule_save(self.snapshot)
            self.hass.async_create_task(self.store.async_save_backup(self.snapshot()))
        self._async_push_now()

    @callback
    def async_add_nudge_listener(self, listener: Callable[[Nudge], None]) -> CALLBACK_TYPE:
        """Subscribe to nudges (the event entity does)."""
        self._nudge_listeners.append(listener)
        return lambda: self._nudge_listeners.remove(listener)

    @callback
    def async_start_walk_test(self) -> None:
        """Start the guided 3-metre backward walk test (needs live stride data)."""
        self.backward.start_walk_test(
            self.stream.last_t,
            self.placement,
            connected=self.connection.connected,
            measures_strides=self.measures_strides,
        )
        self._async_push_now()

    @callback
    def async_start_session(self) -> None:
        """Start a backward walk session ("Going now"); a running one goes on."""
        connected = self.connection.connected
        self.backward.start_session(self.stream.last_t, self.placement, connected=connected)
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
        self.stream.engine.start_calibration()
        self._async_push_now()

    @callback
    def async_apply_settings(self, settings: Settings) -> None:
        """Apply changed options live; a new placement needs a new engine and calibration."""
        placement_changed = settings.placement != self.settings.placement
        self.settings = settings
        self.nudges.settings = settings.nudge
        if placement_changed:
            self.stream.new_placement(settings.placement)
            self.backward.walk_test = None  # timed where it started: the user starts anew
            async_ask_for_calibration(
                self.hass, self.config_entry.entry_id, self.name, str(settings.placement)
            )
        self.store.schedule_save(self.snapshot)
        self._async_push_now()

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
