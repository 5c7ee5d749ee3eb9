"""Persistence of counts, nudge state and calibration, with a backup for a corrupt store."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
import shutil
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError, UnsupportedStorageVersionError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .issues import async_store_lost, async_store_restored
from .persist import MALFORMED

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
# Counted steps reach disk at most this many seconds after they happened; a clean shutdown
# writes at once (the Store flushes pending saves on Home Assistant's final write).
SAVE_DELAY = 10.0
BACKUP_EVERY = timedelta(hours=1)


@dataclass(slots=True)
class Loaded:
    """What was read at setup and where it came from."""

    data: dict[str, Any] | None
    source: str  # "primary", "backup" or "none"


class RetrowalkStore:
    """The entry's primary store plus a less frequent backup copy."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Create the stores for one config entry."""
        self.hass, self.entry = hass, entry
        entry_id = entry.entry_id
        self._primary: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}")
        self._save_pending = False
        self._backup: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.backup"
        )
        self._last_backup = dt_util.utcnow()
        self._backup_writes: set[asyncio.Task[None]] = set()

    async def async_load(self, validate: Callable[[dict[str, Any]], None]) -> Loaded:
        """Load the primary store, else the backup; `validate` raises on malformed content.

        Home Assistant moves an undecodable file aside and reports it; here we also catch content
        that decodes but is not ours, and fall back to the last good backup rather than zero.
        """
        primary, found = await self._async_read(self._primary, validate)
        if primary is not None:
            return Loaded(primary, "primary")
        kept = await self._async_keep_unreadable() if found else None
        backup, _ = await self._async_read(self._backup, validate)
        if backup is not None:
            # A backup always trails a primary, so reaching it means the primary was corrupt
            # (Home Assistant moved it aside), malformed or deleted.
            _LOGGER.error(
                "Retrowalk's saved counts were unreadable; restored them from the last good backup"
            )
            async_store_restored(self.hass, self.entry.entry_id)
            return Loaded(backup, "backup")
        if kept is not None:  # a primary that was there but unreadable, and nothing to restore
            _LOGGER.error(
                "Retrowalk's saved counts were unreadable and no backup could be read; counting "
                "restarts at 0"
            )
            async_store_lost(self.hass, self.entry.entry_id, kept)
        return Loaded(None, "none")

    async def _async_keep_unreadable(self) -> str:
        """Copy the unreadable primary aside; return where the copy is (or was meant to be).

        The first save overwrites the primary, and by hand someone may still recover counts.
        """
        source = self._primary.path
        kept = f"{source}.malformed"
        try:
            await self.hass.async_add_executor_job(shutil.copyfile, source, kept)
        except OSError as err:
            _LOGGER.error("Could not keep the unreadable Retrowalk store %s: %r", source, err)
        else:
            _LOGGER.error("Kept the unreadable Retrowalk store %s as %s", source, kept)
        return kept

    async def _async_read(
        self, store: Store[dict[str, Any]], validate: Callable[[dict[str, Any]], None]
    ) -> tuple[dict[str, Any] | None, bool]:
        """One file's content if it is valid (else None), and whether there was a file."""
        try:
            data = await store.async_load()
        except MALFORMED as err:  # it decodes, but is no store's file (no version, no object)
            _LOGGER.error("Ignoring malformed Retrowalk store file %s: %r", store.key, err)
            return None, True
        except NotImplementedError:  # an older version than any we wrote: no migration, not ours
            _LOGGER.error("Ignoring Retrowalk store file %s of an unknown old version", store.key)
            return None, True
        except UnsupportedStorageVersionError as err:
            # Written by a newer Retrowalk (a downgrade): reading on would overwrite counts that
            # newer version can still read, so the setup stops here and says why.
            raise ConfigEntryError(
                translation_domain=DOMAIN,
                translation_key="store_too_new",
                translation_placeholders={
                    "name": self.entry.title,
                    "path": store.path,
                    "version": str(err.found_version),
                    "supported": str(err.max_supported_version),
                },
            ) from err
        if data is None:
            return None, False
        try:
            validate(data)
        except MALFORMED as err:
            _LOGGER.error("Ignoring malformed Retrowalk store content: %r", err)
            return None, True
        return data, True

    def schedule_save(self, stored: Callable[[], dict[str, Any]]) -> None:
        """Write within SAVE_DELAY seconds.

        The Store postpones a delayed write on every new request, so during a long walk (steps in
        every notification) it would never write; one pending write at a time keeps the bound.
        """
        if self._save_pending:
            return
        self._save_pending = True

        def collect() -> dict[str, Any]:
            self._save_pending = False
            return stored()

        self._primary.async_delay_save(collect, SAVE_DELAY)

    async def async_save_now(self, data: dict[str, Any]) -> None:
        """Write the primary store at once."""
        await self._primary.async_save(data)

    async def async_save_backup(self, data: dict[str, Any]) -> None:
        """Write the backup copy (hourly and at midnight)."""
        await self._backup.async_save(data)

    @callback
    def schedule_backup(
        self, stored: Callable[[], dict[str, Any]], now: datetime | None = None
    ) -> None:
        """Write the backup copy without waiting: at once, or, given `now`, once an hour.

        The write is the entry's task, not a background one: unloading waits for it (a background
        task would be cancelled), so a reload never starts while a backup is half written.
        """
        if now is not None:
            if now - self._last_backup < BACKUP_EVERY:
                return
            self._last_backup = now
        write = self.entry.async_create_task(
            self.hass, self.async_save_backup(stored()), f"{DOMAIN} {self.entry.entry_id} backup"
        )
        self._backup_writes.add(write)
        write.add_done_callback(self._backup_writes.discard)

    async def async_remove(self) -> None:
        """Delete both files when the entry is removed.

        A backup being written would write its file back after the delete, so it finishes first.
        """
        if self._backup_writes:
            await asyncio.wait(self._backup_writes)
        await self._primary.async_remove()
        await self._backup.async_remove()
