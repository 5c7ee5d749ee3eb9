"""The Retrowalk integration: a BLE wearable as a forward and backward step counter."""

import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .const import CONF_PLACEMENT, CONF_PROTOCOL, DOMAIN
from .coordinator import RetrowalkConfigEntry, RetrowalkCoordinator
from .devices import PROTOCOLS
from .gait import Placement
from .issues import async_delete_issues
from .services import async_setup_services
from .settings import Settings
from .storage import RetrowalkStore

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SENSOR,
]

PROTOCOL_KEYS = frozenset(p.key for p in PROTOCOLS)
# Entries from before 1.2 without a placement anywhere were counted as worn at the waist.
LEGACY_PLACEMENT = Placement.WAIST

_LOGGER = logging.getLogger(__name__)
_NOT_UNLOADED = (
    "%s could not be unloaded (a platform %s); it goes on counting until Home Assistant restarts"
)

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions (once, for every wearable)."""
    async_setup_services(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: RetrowalkConfigEntry) -> bool:
    """Bring an entry from an older version of the integration to the current layout.

    Home Assistant itself refuses entries of a newer major version (a downgrade) before calling
    this, so only older layouts arrive here.
    """
    if entry.version == 1 and entry.minor_version < 2:
        # 1.1 kept the placement in data and, once changed, in options too (options won); 1.2
        # keeps it in options only.
        data = dict(entry.data)
        stored = data.pop(CONF_PLACEMENT, LEGACY_PLACEMENT)
        placement = str(entry.options.get(CONF_PLACEMENT, stored))
        hass.config_entries.async_update_entry(
            entry,
            data=data,
            options={**entry.options, CONF_PLACEMENT: placement},
            minor_version=2,
        )
        _LOGGER.debug("Migrated %s to 1.2 (placement %s in options)", entry.title, placement)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: RetrowalkConfigEntry) -> bool:
    """Set up a wearable from a config entry.

    Setup does not wait for the wearable: counts and the midnight reset must work while it is
    out of range or charging; the connection is made (and re-made) in the background.
    """
    if entry.data.get(CONF_PROTOCOL) not in PROTOCOL_KEYS:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="unknown_protocol",
            translation_placeholders={"protocol": str(entry.data.get(CONF_PROTOCOL))},
        )
    coordinator = RetrowalkCoordinator(hass, entry)
    await coordinator.async_load()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_options_updated))
    coordinator.async_start()
    return True


async def _async_options_updated(hass: HomeAssistant, entry: RetrowalkConfigEntry) -> None:
    """Apply changed options without a reload (goals change often)."""
    entry.runtime_data.async_apply_settings(Settings.from_options(entry.options))


async def async_unload_entry(hass: HomeAssistant, entry: RetrowalkConfigEntry) -> bool:
    """Unload a config entry.

    The stream stops first, while the entities are still there: a running walk test or session
    then ends as interrupted and its event still fires (once; the platforms' unload removes the
    event entity). The coordinator then shuts down once, by itself (DataUpdateCoordinator
    registers its async_shutdown with the entry's on-unload callbacks): it writes the counts.

    Should a platform fail to unload (return False, or raise: Home Assistant catches what this
    raises), Home Assistant keeps the entry loaded (failed to unload: the coordinator is not shut
    down, the entry cannot be unloaded again) until it restarts; the stream then starts again,
    so that the wearable goes on counting meanwhile.
    """
    connection = entry.runtime_data.connection
    await connection.async_stop()
    try:
        if await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
            if entry.disabled_by is not None:
                # Disabled: no tick or walk is left to retire its issues. A reload keeps them
                # (with the user's "ignore"): setup raises none of them again by itself.
                async_delete_issues(hass, entry.entry_id)
            return True
    except Exception:
        _LOGGER.warning(_NOT_UNLOADED, entry.title, "raised")
        connection.async_start()
        raise
    _LOGGER.warning(_NOT_UNLOADED, entry.title, "failed to")
    connection.async_start()
    return False


async def async_remove_entry(hass: HomeAssistant, entry: RetrowalkConfigEntry) -> None:
    """Delete the stored counts of a removed wearable.

    Home Assistant removes an entry that failed to unload without unloading it again, and its
    coordinator still streams (async_unload_entry started it again): it shuts down first (link,
    clocks, pending writes), else its pending save and hourly backup would write the files back
    and the link would stay up until a restart. Its own store deletes them: the pending save is
    that store's to cancel.
    """
    async_delete_issues(hass, entry.entry_id)
    coordinator: RetrowalkCoordinator | None = getattr(entry, "runtime_data", None)
    if entry.state is ConfigEntryState.FAILED_UNLOAD and coordinator is not None:
        try:
            await coordinator.async_shutdown()  # its last write of the counts is deleted below
        finally:  # a removed wearable's counts go even if shutting it down failed
            await coordinator.store.async_remove()
        return
    await RetrowalkStore(hass, entry).async_remove()
