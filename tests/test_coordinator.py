"""The whole data path through Home Assistant's bluetooth stack and the virtual wearable:
advertisement → connection → notifications → decoder → engine → counts and entities."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.retrowalk.const import DOMAIN
from custom_components.retrowalk.gait import (
    Bout,
    Direction,
    EngineUpdate,
    GaitEngine,
    Placement,
    StepEvent,
)

from .common import (
    MakeWearable,
    Start,
    Started,
    Walk,
    entry_for,
    freeze_in_berlin,
    setup_entry,
    state,
    stored_state,
    tick,
    wait_for,
)

FORWARD = "sensor.retrowalk_imu_test_forward_steps_today"
BACKWARD = "sensor.retrowalk_imu_test_backward_steps_today"


def _close(counted: int, truth: int, tolerance: float = 0.1) -> bool:
    return abs(counted - truth) <= max(2, tolerance * truth)


async def test_walking_is_counted_by_direction(
    hass: HomeAssistant, start: Start, walk: Walk
) -> None:
    scenario = "sit:5s,forward:60,sit:5s,backward:40,sit:10s"
    device, coordinator, _ = await start(scenario, loop=False)
    await walk(device, 120)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=5))
    await hass.async_block_till_done()

    truth = device.truth.delivered
    today = coordinator.ledger.today
    assert _close(today.forward, truth[Direction.FORWARD]), (today, truth)
    assert _close(today.backward, truth[Direction.BACKWARD]), (today, truth)
    assert state(hass, FORWARD).state == str(today.forward)
    assert state(hass, BACKWARD).state == str(today.backward)
    assert (
        int(state(hass, "sensor.retrowalk_imu_test_forward_steps_lifetime").state) == today.forward
    )
    assert float(state(hass, "sensor.retrowalk_imu_test_backward_walking_today").state) > 0
    assert state(hass, "binary_sensor.retrowalk_imu_test_connectivity").state == "on"


async def test_reconnect_mid_walk_never_double_counts(
    hass: HomeAssistant, start: Start, walk: Walk
) -> None:
    device, coordinator, _ = await start("forward:200", loop=False)
    await walk(device, 30)
    before = coordinator.ledger.today.forward
    device.drop_link()
    await walk(device, 10)  # steps while disconnected are missed, not counted later
    await wait_for(lambda: coordinator.connection.connected, 10)
    await walk(device, 60)
    truth = device.truth
    counted = coordinator.ledger.today.forward
    assert truth.missed[Direction.FORWARD] > 0
    assert counted <= truth.delivered[Direction.FORWARD] + 2
    assert counted > before
    assert _close(counted, truth.delivered[Direction.FORWARD], 0.12)
    assert coordinator.stats.gaps >= 1
    assert coordinator.connection.connections == 2


async def test_malformed_frames_are_ignored_and_counted(
    hass: HomeAssistant, start: Start, walk: Walk, caplog: pytest.LogCaptureFixture
) -> None:
    device, coordinator, _ = await start("forward:80", loop=False)
    frames = 0

    def mangle(data: bytes) -> list[bytes]:
        nonlocal frames
        frames += 1
        if frames % 10 == 0:
            return [data[:7], data]  # a truncated copy, then the real frame
        if frames % 10 == 5:
            return [data, data]  # a duplicate
        return [data]

    device.frame_filter = mangle
    await walk(device, 60)
    errors = coordinator.decode_errors
    assert errors["length"] >= 5
    assert errors["duplicate"] >= 5
    assert caplog.text.count("Ignoring malformed data") == 2  # once per reason
    truth = device.truth.delivered[Direction.FORWARD]
    assert _close(coordinator.ledger.today.forward, truth)


async def test_unload_releases_the_connection_and_reload_keeps_counts(
    hass: HomeAssistant, start: Start, walk: Walk
) -> None:
    device, coordinator, entry = await start("forward:60,backward:30", loop=False)
    await walk(device, 60)
    counts = coordinator.ledger.to_dict()
    assert counts["today"]["forward"] > 0

    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not device.connected

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    restored = entry.runtime_data
    assert restored.ledger.to_dict() == counts
    assert state(hass, FORWARD).state == str(counts["today"]["forward"])
    await wait_for(lambda: restored.connection.connected)


async def _walked_before_midnight(
    hass: HomeAssistant, start: Start, walk: Walk, freezer: FrozenDateTimeFactory, utc: str
) -> tuple[Started, int]:
    """A wearer in Berlin who walked at `utc`, shortly before midnight; the steps counted."""
    await freeze_in_berlin(hass, freezer, utc)
    started = await start("forward:40", loop=False)
    await walk(started.device, 30)  # wearer time: Home Assistant's clock stands still
    walked = started.coordinator.ledger.today.forward
    assert walked > 0
    return started, walked


async def test_counts_reset_at_local_midnight(
    hass: HomeAssistant, start: Start, walk: Walk, freezer: FrozenDateTimeFactory
) -> None:
    # 23:50 in Berlin; DST starts that night
    utc = "2026-03-28 22:50:00+00:00"
    (_, coordinator, _), walked = await _walked_before_midnight(hass, start, walk, freezer, utc)
    forward = state(hass, FORWARD)
    assert forward.attributes["state_class"] == "total"
    assert dt_util.parse_datetime(forward.attributes["last_reset"]) == dt_util.parse_datetime(
        "2026-03-28T00:00:00+01:00"
    )

    freezer.move_to("2026-03-28 23:00:01+00:00")  # 00:00:01 local, 29 March
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert state(hass, FORWARD).state == "0"
    assert coordinator.ledger.lifetime.forward == walked
    assert coordinator.ledger.history[-1].forward == walked
    last_reset = state(hass, FORWARD).attributes["last_reset"]
    assert dt_util.parse_datetime(last_reset) == dt_util.parse_datetime("2026-03-29T00:00:00+01:00")


async def test_midnight_backs_up_the_finished_day(
    hass: HomeAssistant,
    start: Start,
    walk: Walk,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The day rolled over at midnight is in the backup at once, not only at the next hour."""
    # 23:59:45 in Berlin: the first 30 s tick comes after midnight, so midnight rolls the day.
    utc = "2026-06-10 21:59:45+00:00"
    (_, _, entry), walked = await _walked_before_midnight(hass, start, walk, freezer, utc)
    assert f"retrowalk.{entry.entry_id}.backup" not in hass_storage
    freezer.move_to("2026-06-10 22:00:00+00:00")
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    backup = hass_storage[f"retrowalk.{entry.entry_id}.backup"]["data"]["ledger"]
    assert backup["today"] == {**backup["today"], "day": "2026-06-11", "forward": 0}
    assert backup["history"][-1]["day"] == "2026-06-10"
    assert backup["history"][-1]["forward"] == walked


async def test_entities_update_at_most_every_two_seconds_while_walking(
    hass: HomeAssistant, start: Start, walk: Walk
) -> None:
    device, _, _ = await start("forward:300", loop=False)
    writes: list[str] = []
    hass.bus.async_listen(
        "state_changed",
        lambda event: writes.append(event.data["entity_id"])
        if event.data["entity_id"] == FORWARD
        else None,
    )
    await walk(device, 5)  # the bout starts: pushed at once
    for _ in range(10):
        await walk(device, 1)  # frames keep arriving, no time passes for the throttle
    first = len(writes)
    assert 1 <= first <= 3
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=3))
    await hass.async_block_till_done()
    assert len(writes) == first + 1


async def test_corrupt_store_restores_from_backup(hass: HomeAssistant, start: Start) -> None:
    good = stored_state({"forward": 120, "backward": 30}, {"forward": 5000, "backward": 700})
    _, coordinator, entry = await start(stored={"ledger": 3}, backup=good)
    assert coordinator.ledger.lifetime.forward == 5000
    assert coordinator.ledger.today.backward == 30
    issue = ir.async_get(hass).async_get_issue("retrowalk", f"store_restored_{entry.entry_id}")
    assert issue is not None


async def test_last_walks_survive_a_restart_and_a_malformed_one_is_skipped(
    hass: HomeAssistant, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    walk = {"start": 10.0, "end": 30.0, "steps": 24, "step_time_cv": 0.04}
    stored = stored_state(
        {"backward": 24},
        {"backward": 24},
        last_walk={
            "backward": walk | {"direction": "backward", "stride_length_m": 0.7, "speed_m_s": 0.5},
            "forward": walk | {"direction": "forward", "speed_m_s": "fast"},
        },
    )
    _, coordinator, _ = await start(stored=stored)
    assert coordinator.ledger.today.backward == 24  # the counts are not lost to a bad walk
    assert state(hass, "sensor.retrowalk_imu_test_backward_walking_speed").state == "0.5"
    assert state(hass, "sensor.retrowalk_imu_test_backward_stride_length").state == "0.7"
    assert state(hass, "sensor.retrowalk_imu_test_backward_step_time_variability").state == "4.0"
    assert state(hass, "sensor.retrowalk_imu_test_forward_walking_speed").state == "unknown"
    assert "Ignoring a malformed last walk" in caplog.text


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


async def test_only_a_bout_of_several_steps_ends_sitting(hass: HomeAssistant, start: Start) -> None:
    """Steps of a bout that ended and of the next one, reported together, are kept apart."""
    _, coordinator, _ = await start()
    policy = coordinator.nudges
    before = policy.last_walk

    def update(times: list[float], ended: list[Bout]) -> EngineUpdate:
        steps = tuple(StepEvent(t=t, direction=Direction.BACKWARD, confidence=1.0) for t in times)
        return EngineUpdate(
            steps=steps, bouts=tuple(ended), walking=True, direction=None, cadence=None, gap_s=0.0
        )

    three = Bout(start=1.0, end=3.0, direction=Direction.BACKWARD, steps=3)
    # A three-step shuffle ends, and one step of something new follows in the same batch.
    coordinator._async_apply(update([1.0, 2.0, 3.0, 9.0], [three]))
    assert policy.last_walk == before  # neither is a walk
    assert coordinator.ledger.today.backward == 4  # but every step is counted
    coordinator._async_apply(update([9.5, 10.0, 10.5], []))  # the new bout reaches 4 steps
    assert policy.last_walk is not None and policy.last_walk != before
    assert policy.last_backward == policy.last_walk


async def test_placement_change_asks_for_calibration(hass: HomeAssistant, start: Start) -> None:
    _, coordinator, entry = await start(placement=Placement.FOOT)
    hass.config_entries.async_update_entry(entry, options={"placement": "waist"})
    await hass.async_block_till_done()
    assert coordinator.placement is Placement.WAIST
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"calibrate_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {"name": "Retrowalk IMU Test", "placement": "waist"}


async def test_not_seen_for_a_day_raises_a_repair_issue(
    hass: HomeAssistant, enable_bluetooth: Any, freezer: FrozenDateTimeFactory
) -> None:
    entry = entry_for()
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    issues = ir.async_get(hass)
    await tick(hass, freezer, 3600)
    assert issues.async_get_issue(DOMAIN, f"not_seen_{entry.entry_id}") is None
    for _ in range(24):
        await tick(hass, freezer, 3600)
    assert issues.async_get_issue(DOMAIN, f"not_seen_{entry.entry_id}") is not None


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
    assert state(hass, "sensor.retrowalk_imu_test_calibration").state == "calibrated"
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
    assert state(hass, "sensor.retrowalk_imu_test_calibration").state == "automatic"
    await walk(device, 40)
    assert coordinator.ledger.today.forward > 0
