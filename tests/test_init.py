"""The integration sets up and unloads in a test Home Assistant."""

import copy
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    ConfigEntries,
    ConfigEntry,
    ConfigEntryDisabler,
    ConfigEntryState,
)
from homeassistant.const import CONF_ADDRESS, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir, storage
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retrowalk.const import (
    CONF_PLACEMENT,
    CONF_PROTOCOL,
    DOMAIN,
    NOT_SEEN_REPAIR_HOURS,
)
from custom_components.retrowalk.gait import Direction, Placement
from custom_components.retrowalk.issues import (
    async_ask_for_calibration,
    async_store_lost,
    async_store_restored,
    async_track_not_seen,
)
from custom_components.retrowalk.storage import BACKUP_EVERY, SAVE_DELAY
from custom_components.retrowalk_virtual.model import parse_scenario
from custom_components.retrowalk_virtual.reference import ReferenceRun

from .common import (
    ADDRESS,
    Start,
    Walk,
    advance,
    entry_for,
    load_entry,
    store_keys,
    stored_state,
    tick,
    wait_for,
)


async def test_setup_and_unload_without_the_wearable(
    hass: HomeAssistant, enable_bluetooth: object
) -> None:
    """Setup does not wait for a wearable that is away; unloading stops the connection attempts."""
    entry = entry_for()
    await load_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.retrowalk_imu_test_forward_steps_today").state == "0"
    assert hass.states.get("sensor.retrowalk_imu_test_cadence").state == "unavailable"
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_unload_writes_the_counts_once_and_loses_no_step(
    hass: HomeAssistant, start: Start, walk: Walk, hass_storage: dict[str, Any]
) -> None:
    """The coordinator shuts down once (Home Assistant calls it on unload): one write, which
    holds the steps the engine still held when the stream ended."""
    device, coordinator, entry = await start("forward:200", loop=False)
    await walk(device, 32)  # mid walk
    held = copy.deepcopy(coordinator.stream.engine).flush().steps
    assert held
    counted = coordinator.ledger.today.forward
    key = f"{DOMAIN}.{entry.entry_id}"
    writes: list[dict[str, Any]] = []
    write = storage.Store._async_write_data  # the test harness's, which fills hass_storage

    async def record(store: storage.Store[Any], data: dict[str, Any]) -> None:
        if store.key == key:
            writes.append(data)
        await write(store, data)

    with patch.object(storage.Store, "_async_write_data", record):
        assert await hass.config_entries.async_unload(entry.entry_id)
    assert len(writes) == 1
    saved = hass_storage[key]["data"]["ledger"]
    assert saved["today"]["forward"] == counted + len(held)
    assert saved == coordinator.ledger.to_dict()


async def test_entry_with_unknown_protocol_fails_clearly(
    hass: HomeAssistant, enable_bluetooth: object
) -> None:
    entry = entry_for()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, "protocol": "nope"})
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == (
        "Unknown wearable protocol nope: update Retrowalk, or remove and re-add the wearable"
        " (removing it deletes its stored counts)"
    )


@pytest.mark.parametrize(
    ("data_placement", "options", "expected"),
    [
        ("foot", {}, "foot"),  # as the 1.1 config flow stored it
        ("foot", {"placement": "thigh", "forward_goal": 9000}, "thigh"),  # changed in the options
        (None, {}, "waist"),  # the 1.1 hidden default, now written down
    ],
)
async def test_entries_from_1_1_keep_their_placement_in_the_options(
    hass: HomeAssistant,
    enable_bluetooth: object,
    data_placement: str | None,
    options: dict[str, Any],
    expected: str,
) -> None:
    data = {CONF_ADDRESS: ADDRESS, CONF_PROTOCOL: "retrowalk_imu"}
    if data_placement is not None:
        data[CONF_PLACEMENT] = data_placement
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=ADDRESS, data=data, options=options, version=1, minor_version=1
    )
    await load_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, 2)
    assert entry.data == {CONF_ADDRESS: ADDRESS, CONF_PROTOCOL: "retrowalk_imu"}
    assert entry.options == {**options, CONF_PLACEMENT: expected}
    assert entry.runtime_data.placement == Placement(expected)
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_an_entry_from_a_newer_major_version_is_left_alone(
    hass: HomeAssistant, enable_bluetooth: object
) -> None:
    entry = entry_for()
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, version=2, minor_version=1)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR
    assert entry.options[CONF_PLACEMENT] == "foot"  # untouched


async def test_a_setup_that_fails_before_the_counts_load_does_not_overwrite_them(
    hass: HomeAssistant, enable_bluetooth: object, hass_storage: dict[str, Any]
) -> None:
    """Home Assistant runs an entry's on-unload callbacks when its setup fails, the
    coordinator's shutdown among them: what it would write is an empty day over the saved one."""
    entry = entry_for()
    key = f"{DOMAIN}.{entry.entry_id}"
    saved = stored_state({"forward": 120, "backward": 30}, {"forward": 5000, "backward": 700})
    hass_storage[key] = {"version": 1, "key": key, "data": copy.deepcopy(saved)}
    entry.add_to_hass(hass)
    with patch(
        "custom_components.retrowalk.coordinator.RetrowalkStore.async_load",
        side_effect=OSError("disk gone"),
    ):
        assert not await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert hass_storage[key]["data"]["ledger"] == saved["ledger"]


async def test_an_unload_that_fails_leaves_the_wearable_counting(
    hass: HomeAssistant, start: Start, walk: Walk, caplog: pytest.LogCaptureFixture
) -> None:
    """The stream stops before the platforms unload; one that fails to keeps the entry loaded
    until Home Assistant restarts, so the stream starts again and the steps go on counting:
    each step the wearer took once, the ones the engine held at the stop included.

    Expected: the same wearer through the same decoder and engine, its stream ended at the same
    wearer time (a step at the edge of a stream can fall either side of it, gait/edges.py)."""
    scenario, before, after = "forward:200", 32.0, 30.0
    twin = ReferenceRun(parse_scenario(scenario), placement=Placement.FOOT, seed=1)
    await twin.start()
    device, coordinator, entry = await start(scenario, loop=False, seed=1)
    await walk(device, before)  # mid walk: the stop counts what the engine held
    assert copy.deepcopy(coordinator.stream.engine).flush().steps
    with patch("homeassistant.components.button.async_unload_entry", return_value=False):
        assert not await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.FAILED_UNLOAD
    await wait_for(lambda: coordinator.connection.connected)
    await walk(device, after)
    held = copy.deepcopy(coordinator.stream.engine).flush().steps
    advance(twin.device, before)
    twin.end_stream()
    advance(twin.device, after)
    assert device.truth.missed.total() == 0  # wearer time stood still while the link was down
    walked = twin.finish()[Direction.FORWARD]
    assert coordinator.ledger.today.forward + len(held) == walked
    assert abs(walked - device.truth.delivered[Direction.FORWARD]) <= 2
    assert "could not be unloaded (a platform failed to)" in caplog.text
    await coordinator.async_shutdown()  # cleanup


REAL_FORWARD_UNLOAD = ConfigEntries.async_forward_entry_unload


async def _forward_unload_raising_for_button(
    entries: ConfigEntries, entry: ConfigEntry, domain: Platform | str
) -> bool:
    if domain == Platform.BUTTON:
        raise RuntimeError("stuck")
    return await REAL_FORWARD_UNLOAD(entries, entry, domain)


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        # Home Assistant catches what a platform's own unload raises: that platform reports False.
        (
            patch("homeassistant.components.button.async_unload_entry", side_effect=RuntimeError),
            "(a platform failed to)",
        ),
        # Raised on the way to a platform: async_unload_platforms itself raises.
        (
            patch.object(
                ConfigEntries, "async_forward_entry_unload", _forward_unload_raising_for_button
            ),
            "(a platform raised)",
        ),
    ],
    ids=["platform-raises", "forwarding-raises"],
)
async def test_an_unload_that_raises_leaves_the_wearable_counting(
    hass: HomeAssistant,
    start: Start,
    walk: Walk,
    caplog: pytest.LogCaptureFixture,
    target: Any,
    logged: str,
) -> None:
    """Home Assistant catches what async_unload_entry raises and keeps the entry loaded (failed
    to unload), so the stream starts again as when a platform returns False."""
    device, coordinator, entry = await start("forward:200", loop=False)
    with target:
        assert not await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.FAILED_UNLOAD
    await wait_for(lambda: coordinator.connection.connected)
    await walk(device, 30)
    assert coordinator.ledger.today.forward > 0
    assert f"could not be unloaded {logged}" in caplog.text
    await coordinator.async_shutdown()  # cleanup


async def test_removing_an_entry_that_failed_to_unload_stops_it_and_keeps_its_files_deleted(
    hass: HomeAssistant,
    start: Start,
    walk: Walk,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant removes an entry that failed to unload without unloading it again; its
    coordinator, streaming again since, must stop before the files go, or its pending save and
    hourly backup write them back and the link stays up until a restart."""
    device, coordinator, entry = await start("forward:400", loop=False)
    with patch("homeassistant.components.button.async_unload_entry", return_value=False):
        assert not await hass.config_entries.async_unload(entry.entry_id)
    await wait_for(lambda: coordinator.connection.connected)
    await walk(device, 30)
    await tick(hass, freezer, SAVE_DELAY + 1)  # the counts on disk
    coordinator.store.schedule_backup(coordinator.stored)  # and a backup
    await walk(device, 10)  # more steps: a save is pending
    keys = store_keys(entry.entry_id)
    assert all(key in hass_storage for key in keys)

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not any(key in hass_storage for key in keys)
    await walk(device, 30)  # the wearer walks on, out of Home Assistant's reach
    for seconds in (SAVE_DELAY + 1, BACKUP_EVERY.total_seconds() + 60):
        await tick(hass, freezer, seconds)
    assert not any(key in hass_storage for key in keys)
    assert not coordinator.connection.connected
    assert not device.connected  # the link is released, and not made again


async def test_a_failed_shutdown_on_removal_still_deletes_the_files(
    hass: HomeAssistant,
    start: Start,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """Removing a wearable deletes its counts even when stopping its coordinator raises."""
    _, coordinator, entry = await start("forward:400", loop=False)
    with patch("homeassistant.components.button.async_unload_entry", return_value=False):
        assert not await hass.config_entries.async_unload(entry.entry_id)
    await tick(hass, freezer, SAVE_DELAY + 1)
    keys = store_keys(entry.entry_id)
    await coordinator.store.async_save_now(coordinator.stored())
    coordinator.store.schedule_backup(coordinator.stored)
    await hass.async_block_till_done()
    assert all(key in hass_storage for key in keys)
    shutdown = coordinator.async_shutdown
    with patch.object(coordinator, "async_shutdown", side_effect=RuntimeError("boom")):
        await hass.config_entries.async_remove(entry.entry_id)
        await hass.async_block_till_done()
    assert not any(key in hass_storage for key in keys)
    await shutdown()  # cleanup


@pytest.mark.parametrize("how", ["reload", "disable", "remove"])
async def test_disabling_or_removing_retires_the_wearables_repair_issues(
    hass: HomeAssistant, enable_bluetooth: object, how: str
) -> None:
    """A lost wearable's "not seen for a day" (and its other issues) must not outlive it: once
    it is disabled or removed no tick or calibration walk is left to retire them. A reload keeps
    them, with the user's "ignore" (setup raises none of them again by itself). Another
    wearable's issues stay."""
    entry = entry_for()
    await load_entry(hass, entry)
    seen = dt_util.utcnow()
    later = seen + timedelta(hours=NOT_SEEN_REPAIR_HOURS)
    for entry_id in (entry.entry_id, "other"):
        async_track_not_seen(hass, entry_id, "shoe", later, seen)
        async_ask_for_calibration(hass, entry_id, "shoe", "foot")
        async_store_restored(hass, entry_id)
        async_store_lost(hass, entry_id, "nothing")
    registry = ir.async_get(hass)
    not_seen = f"not_seen_{entry.entry_id}"
    ir.async_ignore_issue(hass, DOMAIN, not_seen, True)

    def ours(entry_id: str) -> list[str]:
        return [i for (d, i) in registry.issues if d == DOMAIN and i.endswith(f"_{entry_id}")]

    assert len(ours(entry.entry_id)) == 4
    if how == "remove":
        await hass.config_entries.async_remove(entry.entry_id)
    elif how == "disable":
        await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    else:
        assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    if how == "reload":
        assert len(ours(entry.entry_id)) == 4
        issue = registry.async_get_issue(DOMAIN, not_seen)
        assert issue is not None and issue.dismissed_version is not None
    else:
        assert ours(entry.entry_id) == []
    assert len(ours("other")) == 4


async def test_removing_a_wearable_that_failed_to_unload_retires_its_issues(
    hass: HomeAssistant, enable_bluetooth: object
) -> None:
    """Home Assistant removes an entry that failed to unload without unloading it again."""
    entry = entry_for()
    await load_entry(hass, entry)
    async_store_lost(hass, entry.entry_id, "nothing")
    with patch("homeassistant.components.button.async_unload_entry", return_value=False):
        assert not await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.FAILED_UNLOAD
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"store_lost_{entry.entry_id}")
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"store_lost_{entry.entry_id}") is None
