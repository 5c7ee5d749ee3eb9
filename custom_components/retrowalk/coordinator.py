"""The push coordinator: wires the connection, sample stream, counts, nudges and entities."""

from datetime import datetime
from functools import partial
import logging

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_ADDRESS
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .backward import BackwardActivities, going_down
from .calibration import Calibration
from .clock import async_track_clock
from .connection import WearableConnection
from .const import CONF_PROTOCOL, DOMAIN
from .counted import as_counted
from .data import RetrowalkData, measures_strides, snapshot_of
from .devices import protocol_by_key
from .devices.base import SampleBatch
from .gait import EngineUpdate, GaitEngine, Placement
from .ledger import Ledger
from .nudge import NudgePolicy
from .nudge_events import NudgeEvents
from .persist import restore, to_store
from .presence import Presence
from .settings import Settings
from .storage import RetrowalkStore
from .stream import SampleStream
from .throttle import WriteThrottle

_LOGGER = logging.getLogger(__name__)

type RetrowalkConfigEntry = ConfigEntry[RetrowalkCoordinator]


class RetrowalkCoordinator(DataUpdateCoordinator[RetrowalkData]):
    """Owns one wearable's connection, stream, counts and nudges; publishes RetrowalkData."""

    config_entry: RetrowalkConfigEntry

    def __init__(self, hass: HomeAssistant, entry: RetrowalkConfigEntry) -> None:
        """Set up state; nothing connects until async_start()."""
        self.settings = Settings.of_entry(entry)  # may fail: before the base ties in shutdown
        super().__init__(hass, _LOGGER, config_entry=entry, name=entry.title)
        self.address: str = entry.data[CONF_ADDRESS]
        self.protocol_cls = protocol_by_key(entry.data[CONF_PROTOCOL])
        self.store = RetrowalkStore(hass, entry)
        self.stream = SampleStream(entry.title, GaitEngine(self.settings.placement))
        self.backward = BackwardActivities(entry.title, self._async_result)
        self.ledger = Ledger.new(dt_util.now().date())
        self.nudges = NudgePolicy(settings=self.settings.nudge)
        self.nudge_events = NudgeEvents()
        self.calibration = Calibration(hass, entry, self.stream)
        self._stop_clock: CALLBACK_TYPE = lambda: None  # until async_start()
        self.presence = Presence(hass, self.address, entry.entry_id, entry.title)
        self._writes = WriteThrottle(hass, _LOGGER, self._async_publish)
        self.connection = WearableConnection(
            hass,
            self.address,
            entry.title,
            self.protocol_cls,
            on_batch=self.async_on_batch,
            on_change=self._async_connection_changed,
            on_decode_error=self.stream.decode_error,
            start_task=lambda coro: entry.async_create_background_task(
                hass, coro, f"{DOMAIN} {self.address} connection"
            ),
        )

    async def async_load(self) -> None:
        """Restore counts, nudge state and calibration saved before a restart or reload."""
        fresh = self.stream.engine  # replaced by a stored engine of this placement, if readable
        loaded = await self.store.async_load(partial(restore, self))  # restores what loads
        self.calibration.async_load(self.placement, restored=self.stream.engine is not fresh)
        self.ledger.roll_to(dt_util.now().date())
        self.data = snapshot_of(self, dt_util.now())  # what the entities show when added
        _LOGGER.debug("Loaded %s state from %s", self.name, loaded.source)

    stored = to_store  # everything that must survive a restart, JSON-safe (persist.py)

    @callback
    def async_start(self) -> None:
        """Connect and start the clocks."""
        self.connection.async_start()
        self._stop_clock = async_track_clock(self.hass, self._async_tick, self._async_midnight)

    async def async_shutdown(self) -> None:
        """Disconnect, cancel timers and write the counts (once: the entry calls it on unload)."""
        self._stop_clock()
        self._writes.async_shutdown()
        await self.connection.async_stop()
        if self.data is not None:  # loaded: a setup that failed before must not write zeros
            await self.store.async_save_now(self.stored())
        await super().async_shutdown()

    @callback
    def async_on_batch(self, batch: SampleBatch) -> None:
        """Feed one decoded notification through the stream (the connection's data callback)."""
        self.nudges.record_data(now := dt_util.now())  # only data that arrived is a sign of wear
        # A declared backward walk must not teach the engine that most walking is forward; set
        # per batch, it follows the session's start and end and any engine the stream swaps in.
        self.stream.engine.hold_forward(self.backward.session is not None)
        self._async_apply(self.stream.process(batch, self.connection.streams), now)

    @callback
    def _async_apply(self, update: EngineUpdate, now: datetime | None = None) -> None:
        """Count the engine's update, follow the walking state and write entities when due."""
        session = self.backward.session is not None
        update = as_counted(update, self.stream.engine.placement, session=session)
        started_or_stopped = update.walking != self.stream.walking
        declared = self.backward.session_steps(self.stream.last_t, update.steps)
        if self.stream.count(update, now or dt_util.now(), self.ledger, self.nudges, declared):
            self.store.schedule_save(self.stored)
        self.backward.async_follow(self.stream.last_t, update.steps)
        if started_or_stopped or update.bouts:
            self._writes.async_now()
        elif update.steps:
            self._writes.async_soon()

    @callback
    def _async_publish(self) -> None:
        """The throttle fired: snapshot the state (only now, not per notification) and write."""
        self.async_set_updated_data(snapshot_of(self, dt_util.now()))

    @callback
    def _async_connection_changed(self) -> None:
        if not self.connection.connected:
            # The stream ended: steps the engine still held are counted, the bout is closed.
            self._async_apply(self.stream.engine.flush())
            self.stream.stopped()
            self.backward.async_disconnected(interrupted=going_down(self.hass, self.config_entry))
        self._writes.async_now()

    @callback
    def _async_result(self) -> None:
        self.store.schedule_save(self.stored)
        self._writes.async_now()

    @callback
    def _async_tick(self, now: datetime) -> None:
        self.presence.async_update(now, self.connection.connected)
        local = dt_util.as_local(now)
        self.ledger.roll_to(local.date())
        # A calibration that finished is kept; nudges fired change the policy's state.
        finished = self.calibration.async_finished()
        if self.nudge_events.async_check(self.nudges, local, self.ledger.today) or finished:
            self.store.schedule_save(self.stored)
        self._writes.async_now()
        self.store.schedule_backup(self.stored, now)

    @callback
    def _async_midnight(self, now: datetime) -> None:
        if self.ledger.roll_to(dt_util.as_local(now).date()):
            self.store.schedule_save(self.stored)
            self.store.schedule_backup(self.stored)
        self._writes.async_now()

    @callback
    def async_start_walk_test(self) -> None:
        """Start the guided 3-metre backward walk test (needs live stride data)."""
        self.backward.start_walk_test(
            self.stream.last_t,
            self.placement,
            connected=self.connection.connected,
            measures_strides=measures_strides(self.placement, self.protocol_cls.has_gyro),
        )
        self._writes.async_now()

    @callback
    def async_start_session(self) -> None:
        """Start a backward walk session ("Going now"); a running one goes on."""
        connected = self.connection.connected
        self.backward.start_session(self.stream.last_t, self.placement, connected=connected)
        self._writes.async_now()

    @callback
    def async_snooze(self, minutes: float) -> datetime:
        """Hold nudges; survives a restart."""
        until = self.nudges.snooze(dt_util.now(), minutes)
        self._async_result()
        return until

    @callback
    def async_start_calibration(self) -> None:
        """Start the explicit calibration walk ("walk forward 20 steps")."""
        self.stream.engine.start_calibration()
        self._writes.async_now()

    @callback
    def async_apply_settings(self, settings: Settings) -> None:
        """Apply changed options live; a new placement needs a new engine and calibration."""
        placement_changed = settings.placement != self.settings.placement
        self.settings, self.nudges.settings = settings, settings.nudge
        if placement_changed:
            self.calibration.async_new_placement(settings.placement, self._async_apply)
            self.backward.new_placement()  # a running test: the user starts anew
        self._async_result()

    @property
    def placement(self) -> Placement:
        """Where the wearable is worn."""
        return self.settings.placement
