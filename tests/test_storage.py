"""The store (storage.py): counts on disk within seconds, an hourly backup, and a corrupt store
restored from the backup."""

import asyncio
from datetime import timedelta
import json
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import STORAGE_DIR
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.retrowalk.coordinator import RetrowalkCoordinator
from custom_components.retrowalk.storage import BACKUP_EVERY, RetrowalkStore

from .common import Start, Walk, entry_for, store_keys, stored_state


async def test_corrupt_store_restores_from_backup(hass: HomeAssistant, start: Start) -> None:
    good = stored_state({"forward": 120, "backward": 30}, {"forward": 5000, "backward": 700})
    _, coordinator, entry = await start(stored={"ledger": 3}, backup=good)
    assert coordinator.ledger.lifetime.forward == 5000
    assert coordinator.ledger.today.backward == 30
    issue = ir.async_get(hass).async_get_issue("retrowalk", f"store_restored_{entry.entry_id}")
    assert issue is not None


async def test_empty_store_starts_at_zero_without_an_issue(
    hass: HomeAssistant, start: Start
) -> None:
    _, coordinator, _ = await start()
    assert coordinator.ledger.lifetime.total == 0
    assert not ir.async_get(hass).issues


async def test_counts_reach_disk_during_a_long_walk(
    hass: HomeAssistant, start: Start, walk: Walk, hass_storage: dict[str, Any]
) -> None:
    """Steps in every notification must not postpone the save forever."""
    device, coordinator, entry = await start("forward:400", loop=False)
    start = dt_util.utcnow()
    for n in range(1, 9):  # 40 s of walking, 24 s of wall clock in 3 s ticks
        await walk(device, 5)
        async_fire_time_changed(hass, start + timedelta(seconds=3 * n))
        await hass.async_block_till_done()
    saved = hass_storage[f"retrowalk.{entry.entry_id}"]["data"]["ledger"]["today"]["forward"]
    assert 0 < saved <= coordinator.ledger.today.forward


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A config directory of the test's own: the unreadable store is copied aside on disk."""
    return hass_tmp_config_dir


async def test_malformed_store_without_a_backup_keeps_the_file_and_says_counts_are_lost(
    hass: HomeAssistant, start: Start, hass_storage: dict[str, Any]
) -> None:
    """Nothing to restore from: the issue must not claim a backup, and the unreadable file is
    copied aside before the first save overwrites it, so the counts can be recovered by hand."""
    entry_id = "lost"
    primary, _ = store_keys(entry_id)
    path = Path(hass.config.path(STORAGE_DIR, primary))
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps({"version": 1, "key": primary, "data": {"ledger": 3}})
    path.write_text(raw)  # the file on disk; the test's storage serves the same content
    hass_storage[primary] = json.loads(raw)
    _, coordinator, _ = await start(entry_id=entry_id)
    assert coordinator.ledger.lifetime.total == 0
    issues = ir.async_get(hass)
    assert issues.async_get_issue("retrowalk", f"store_restored_{entry_id}") is None
    issue = issues.async_get_issue("retrowalk", f"store_lost_{entry_id}")
    assert issue is not None and issue.translation_key == "store_lost"
    kept = Path(f"{path}.malformed")
    assert issue.translation_placeholders == {"kept": str(kept)}
    await coordinator.store.async_save_now(coordinator.stored())
    assert hass_storage[primary]["data"]["ledger"] == coordinator.ledger.to_dict()
    assert kept.read_text() == raw


async def test_a_store_that_cannot_be_kept_aside_is_logged(
    hass: HomeAssistant, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    """The copy fails (here: no such file on disk, the test storage serves it): logged, the
    setup goes on at 0 and the issue still says the counts are lost."""
    _, coordinator, entry = await start(stored={"ledger": 3})
    assert coordinator.ledger.lifetime.total == 0
    issue_id = f"store_lost_{entry.entry_id}"
    assert ir.async_get(hass).async_get_issue("retrowalk", issue_id) is not None
    assert "Could not keep the unreadable Retrowalk store" in caplog.text


async def test_backup_is_written_once_an_hour_or_when_asked(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    entry = entry_for()
    entry.add_to_hass(hass)
    store = RetrowalkStore(hass, entry)
    _, backup = store_keys(entry.entry_id)
    written = 0

    def stored() -> dict[str, Any]:
        nonlocal written
        written += 1
        return {"written": written}

    start = dt_util.utcnow()
    store.schedule_backup(stored, start + BACKUP_EVERY - timedelta(seconds=1))
    await hass.async_block_till_done()
    assert backup not in hass_storage and written == 0  # not even collected
    store.schedule_backup(stored, start + BACKUP_EVERY)
    await hass.async_block_till_done()
    assert hass_storage[backup]["data"] == {"written": 1}
    store.schedule_backup(stored, start + 2 * BACKUP_EVERY - timedelta(seconds=1))
    await hass.async_block_till_done()
    assert written == 1  # the hour counts from the last backup
    store.schedule_backup(stored)  # midnight: at once
    await hass.async_block_till_done()
    assert hass_storage[backup]["data"] == {"written": 2}


def _backup_held_until(coordinator: RetrowalkCoordinator) -> asyncio.Event:
    """Schedule a backup whose write waits until the returned event is set."""
    release = asyncio.Event()
    write = coordinator.store.async_save_backup

    async def slow_write(data: dict[str, Any]) -> None:
        await release.wait()
        await write(data)

    with patch.object(coordinator.store, "async_save_backup", slow_write):
        coordinator.store.schedule_backup(coordinator.stored)
    return release


async def test_unload_waits_for_a_backup_being_written(
    hass: HomeAssistant, start: Start, hass_storage: dict[str, Any]
) -> None:
    """The backup write is the entry's: unloading (and so a reload) waits until it is on disk."""
    _, coordinator, entry = await start()
    release = _backup_held_until(coordinator)
    unload = hass.async_create_task(hass.config_entries.async_unload(entry.entry_id))
    try:
        done, _ = await asyncio.wait({unload}, timeout=1.0)
        assert not done
    finally:
        release.set()  # also when it fails: teardown must not wait for the write forever
    assert await unload
    _, backup = store_keys(entry.entry_id)
    assert hass_storage[backup]["data"]["ledger"] == coordinator.ledger.to_dict()


async def test_removing_the_entry_deletes_both_files(
    hass: HomeAssistant, start: Start, hass_storage: dict[str, Any]
) -> None:
    _, coordinator, entry = await start()
    await coordinator.store.async_save_now(coordinator.stored())
    coordinator.store.schedule_backup(coordinator.stored)
    await hass.async_block_till_done()
    assert all(key in hass_storage for key in store_keys(entry.entry_id))
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not any(key in hass_storage for key in store_keys(entry.entry_id))


async def test_removing_waits_for_a_backup_being_written(
    hass: HomeAssistant, start: Start, hass_storage: dict[str, Any]
) -> None:
    """A backup write that finished after the delete would leave its file behind."""
    _, coordinator, entry = await start()
    release = _backup_held_until(coordinator)
    remove = hass.async_create_task(coordinator.store.async_remove())
    try:
        done, _ = await asyncio.wait({remove}, timeout=0.2)
        assert not done
    finally:
        release.set()
    await remove
    await hass.async_block_till_done()
    assert not any(key in hass_storage for key in store_keys(entry.entry_id))


async def test_a_good_store_is_loaded_and_its_backup_left_alone(
    hass: HomeAssistant, start: Start
) -> None:
    primary = stored_state({"forward": 12}, {"forward": 40})
    older = stored_state({"forward": 2}, {"forward": 30})
    _, coordinator, _ = await start(stored=primary, backup=older)
    assert (coordinator.ledger.today.forward, coordinator.ledger.lifetime.forward) == (12, 40)
    assert not ir.async_get(hass).issues


@pytest.mark.parametrize(
    "envelope",
    [
        {"key": "retrowalk.damaged", "data": {}},  # no version
        {"version": 1, "key": "retrowalk.damaged"},  # no data
        ["not", "a", "store"],
    ],
)
async def test_a_store_file_that_is_no_store_restores_from_backup(
    hass: HomeAssistant,
    start: Start,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    envelope: Any,
) -> None:
    """A file that decodes (so Home Assistant does not move it aside) but is not a store's
    envelope: the setup goes on from the backup, as for malformed content inside one."""
    primary, _ = store_keys("damaged")
    hass_storage[primary] = envelope
    good = stored_state({"forward": 120}, {"forward": 5000})
    _, coordinator, _ = await start(entry_id="damaged", backup=good)
    assert coordinator.ledger.lifetime.forward == 5000
    assert ir.async_get(hass).async_get_issue("retrowalk", "store_restored_damaged") is not None
    assert "Ignoring malformed Retrowalk store file retrowalk.damaged" in caplog.text


async def test_a_store_of_an_unknown_old_version_restores_from_backup(
    hass: HomeAssistant, start: Start, hass_storage: dict[str, Any]
) -> None:
    """Version 0 was never written (Home Assistant has no migration for it): not ours, so the
    setup goes on from the backup, as for any malformed file."""
    primary, _ = store_keys("old")
    hass_storage[primary] = {"version": 0, "key": primary, "data": stored_state({"forward": 1})}
    good = stored_state({"forward": 120}, {"forward": 5000})
    _, coordinator, _ = await start(entry_id="old", backup=good)
    assert coordinator.ledger.lifetime.forward == 5000
    assert ir.async_get(hass).async_get_issue("retrowalk", "store_restored_old") is not None


async def test_a_store_of_a_newer_version_fails_the_setup_and_is_left_untouched(
    hass: HomeAssistant, make_wearable: Any, hass_storage: dict[str, Any]
) -> None:
    """A downgrade: the newer version can still read the file, so it is neither overwritten nor
    replaced by the backup, and the setup fails saying why."""
    make_wearable("sit:600s", loop=True, seed=1)
    entry = entry_for(entry_id="newer")
    primary, backup = store_keys("newer")
    newer = {"version": 2, "key": primary, "data": stored_state({"forward": 1}, {"forward": 9})}
    hass_storage[primary] = json.loads(json.dumps(newer))
    hass_storage[backup] = {"version": 1, "key": backup, "data": stored_state({"forward": 3})}
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert entry.reason.startswith("The saved counts of ")
    assert f"{primary}) were written by a newer Retrowalk (store version 2, " in entry.reason
    assert "this one reads up to 1)" in entry.reason
    assert hass_storage[primary] == newer
