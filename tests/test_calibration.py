"""The calibration job (calibration.py): the config flow's walk, a new placement, a walk."""

import copy
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.retrowalk.const import DOMAIN
from custom_components.retrowalk.gait import GaitEngine, Placement

from .common import (
    PREFIX,
    MakeWearable,
    Start,
    Walk,
    entry_for,
    press,
    setup_entry,
    state,
    stored_state,
    tick,
    wait_for,
)

CALIBRATION = f"sensor.{PREFIX}_calibration"
GAIT = f"sensor.{PREFIX}_current_gait"


def _walked_calibration() -> dict[str, Any]:
    """What the config flow stores after a calibration walk at the foot."""
    state = GaitEngine(Placement.FOOT).to_dict()
    state["calibration"]["done"] = True
    return state


async def test_calibration_walked_in_the_config_flow_is_applied(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable()
    entry = entry_for(calibration=_walked_calibration())
    coordinator = await setup_entry(hass, entry)
    assert coordinator.data.calibration == "calibrated"
    assert state(hass, CALIBRATION).state == "calibrated"
    assert not ir.async_get(hass).issues
    # Applied at setup, it is not a calibration walk that finished now.
    assert not coordinator.calibration.async_finished()


@pytest.mark.parametrize("engine", [{"version": -1, "placement": "foot"}, None])
async def test_the_config_flows_walk_applies_when_the_store_has_no_readable_engine(
    start: Start, engine: Any
) -> None:
    """A store whose engine part is unreadable (or missing) keeps its counts, and the walk."""
    stored = stored_state({"backward": 24}) | {"engine": engine}
    started = await start(stored=stored, calibration=_walked_calibration())
    assert started.coordinator.ledger.today.backward == 24
    assert started.coordinator.stream.engine.calibration.done
    assert started.coordinator.data.calibration == "calibrated"


async def test_a_restored_engine_is_not_replaced_by_the_config_flows_walk(
    hass: HomeAssistant, start: Start
) -> None:
    """The store's engine learnt after the config flow's walk: a restart keeps what it learnt."""
    started = await start()
    assert started.coordinator.stored()["engine"] is not None
    assert await hass.config_entries.async_unload(started.entry.entry_id)
    hass.config_entries.async_update_entry(
        started.entry, data={**started.entry.data, "calibration": _walked_calibration()}
    )
    assert await hass.config_entries.async_setup(started.entry.entry_id)
    await hass.async_block_till_done()
    # The walk stored in the entry is calibrated; the engine restored (never calibrated) is not.
    assert state(hass, CALIBRATION).state == "automatic"
    assert not started.entry.runtime_data.stream.engine.calibration.done
    assert not ir.async_get(hass).issues


@pytest.mark.parametrize(
    "calibration",
    [
        "walked",  # not a mapping
        {"version": 99, "placement": "foot"},  # an engine state from another version
        _walked_calibration() | {"detector": 3},  # a part of it of the wrong type
    ],
)
async def test_unreadable_calibration_from_setup_is_ignored_and_asked_for_again(
    hass: HomeAssistant,
    start: Start,
    walk: Walk,
    caplog: pytest.LogCaptureFixture,
    calibration: Any,
) -> None:
    """Setup goes on (the counts never depend on it); the user is asked for a calibration walk."""
    device, coordinator, entry = await start("forward:60", loop=False, calibration=calibration)
    assert entry.state is ConfigEntryState.LOADED
    assert "Ignoring the unreadable calibration stored for Retrowalk IMU Test" in caplog.text
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"calibrate_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "calibration_unreadable"
    assert issue.translation_placeholders == {"name": "Retrowalk IMU Test"}
    assert state(hass, CALIBRATION).state == "automatic"
    await walk(device, 40)
    assert coordinator.ledger.today.forward > 0


async def test_placement_change_asks_for_calibration(hass: HomeAssistant, start: Start) -> None:
    _, coordinator, entry = await start(placement=Placement.FOOT)
    hass.config_entries.async_update_entry(entry, options={"placement": "waist"})
    await hass.async_block_till_done()
    assert coordinator.placement is Placement.WAIST
    assert coordinator.stream.engine.placement is Placement.WAIST
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"calibrate_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_key == "calibration_needed"
    assert issue.translation_placeholders == {
        "name": "Retrowalk IMU Test",
        "placement": "waist/hip",
    }


async def test_placement_change_mid_walk_counts_what_the_old_engine_held(
    hass: HomeAssistant, start: Start, walk: Walk
) -> None:
    """The old engine's held steps are counted once (not dropped), and the walk it saw ends."""
    device, coordinator, entry = await start("forward:200", loop=False)
    await walk(device, 32)
    assert coordinator.stream.walking
    assert state(hass, GAIT).state == "forward"
    # What the old engine still holds, from a copy (the engine itself must stay untouched).
    held = copy.deepcopy(coordinator.stream.engine).flush().steps
    assert held, "the walk must end with steps the engine still holds"
    before = coordinator.ledger.today.total
    hass.config_entries.async_update_entry(entry, options={"placement": "shank"})
    await hass.async_block_till_done()
    assert coordinator.ledger.today.total == before + len(held)
    assert coordinator.ledger.lifetime.total == coordinator.ledger.today.total
    assert not coordinator.stream.walking
    assert state(hass, GAIT).state == "still"
    # The new engine starts from nothing: nothing of the old one is counted again.
    assert not coordinator.stream.engine.flush().steps
    await walk(device, 20)
    assert coordinator.ledger.today.total > before + len(held)


async def test_explicit_calibration_walk_retires_the_repair_issue(
    hass: HomeAssistant, start: Start, walk: Walk, freezer: FrozenDateTimeFactory
) -> None:
    device, coordinator, entry = await start("forward:200", loop=False)
    for placement in ("shank", "foot"):  # moved, and back where the wearable is
        hass.config_entries.async_update_entry(entry, options={"placement": placement})
        await hass.async_block_till_done()
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, f"calibrate_{entry.entry_id}") is not None
    await tick(hass, freezer, 31)  # no walk finished: the issue stays
    assert issues.async_get_issue(DOMAIN, f"calibrate_{entry.entry_id}") is not None

    coordinator.async_start_calibration()
    await hass.async_block_till_done()
    assert state(hass, CALIBRATION).state == "calibrating"
    await walk(device, 30)
    await tick(hass, freezer, 31)
    assert state(hass, CALIBRATION).state == "calibrated"
    assert issues.async_get_issue(DOMAIN, f"calibrate_{entry.entry_id}") is None
    assert not coordinator.calibration.async_finished()  # reported once


async def test_placement_change_with_the_wearable_away_is_not_data_from_it(
    hass: HomeAssistant, start: Start, walk: Walk
) -> None:
    """The engine was flushed when the wearable went: nothing to count, and no sign of wear."""
    device, coordinator, entry = await start("forward:60", loop=False)
    await walk(device, 30)
    device.in_range = False
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    counted, last_data = coordinator.ledger.today.total, coordinator.nudges.last_data
    hass.config_entries.async_update_entry(entry, options={"placement": "shank"})
    await hass.async_block_till_done()
    assert coordinator.placement is Placement.SHANK
    assert coordinator.ledger.today.total == counted
    assert coordinator.nudges.last_data == last_data


async def test_a_calibration_walk_forgets_the_wrists_learned_hanging_side(
    start: Start,
    walk: Walk,
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
) -> None:
    """The watch was moved to the other wrist: the user presses the calibration button and walks.

    The side learned on the old wrist (+x up; the virtual watch hangs with -x up) is forgotten
    with the walk, which is the first of the walks that learn the new one, and so it is stored.
    """
    old_wrist = {"sign": 1, "votes": [1, 1, 1]}
    engine = GaitEngine(Placement.WRIST).to_dict() | {"gate": old_wrist}
    stored = stored_state(placement="wrist", engine=engine)
    device, coordinator, entry = await start(
        "forward:200", Placement.WRIST, loop=False, stored=stored
    )
    assert coordinator.stored()["engine"]["gate"] == old_wrist
    await press(hass, f"button.{PREFIX}_start_calibration_walk")
    assert state(hass, CALIBRATION).state == "calibrating"
    await walk(device, 30)
    await tick(hass, freezer, 31)
    assert state(hass, CALIBRATION).state == "calibrated"
    learning = {"sign": 0, "votes": [-1]}
    assert coordinator.stored()["engine"]["gate"] == learning
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert hass_storage[f"{DOMAIN}.{entry.entry_id}"]["data"]["engine"]["gate"] == learning


async def test_reconfigure_moves_a_loaded_wearable_without_a_reload(
    hass: HomeAssistant, start: Start, walk: Walk, caplog: pytest.LogCaptureFixture
) -> None:
    """Reconfigure applies the placement once, live (the update listener), with our own text:
    a reload on top used the deprecated reload-with-listener path (logged; breaks in Home
    Assistant 2026.12) and showed Home Assistant's generic message instead of ours."""
    device, coordinator, entry = await start("forward:200", loop=False)
    await walk(device, 30)
    counted = coordinator.ledger.today.total
    assert counted > 0
    result = await entry.start_reconfigure_flow(hass)
    with patch("custom_components.retrowalk.async_unload_entry") as unload:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"placement": "shank"}
        )
        await hass.async_block_till_done()
    assert result["reason"] == "reconfigure_successful"
    assert result.get("translation_domain") is None  # our en.json text, not the generic one
    unload.assert_not_called()
    assert entry.state is ConfigEntryState.LOADED
    assert coordinator is entry.runtime_data and coordinator.placement is Placement.SHANK
    assert coordinator.ledger.today.total >= counted
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"calibrate_{entry.entry_id}")
    assert issue is not None and issue.translation_key == "calibration_needed"
    assert "update listener" not in caplog.text
