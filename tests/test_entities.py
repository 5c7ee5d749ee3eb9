"""Entities, goals, buttons, actions, nudges and repairs of a set-up wearable."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.retrowalk.const import (
    CONF_ACTIVE_END,
    CONF_ACTIVE_START,
    CONF_BACKWARD_GOAL,
    CONF_SEDENTARY_MINUTES,
    DOMAIN,
)
from custom_components.retrowalk.gait import Direction, Placement
from custom_components.retrowalk_virtual.model import parse_scenario

from .common import ADDRESS, MakeWearable, Walk, entry_for, setup_entry, wait_for

PREFIX = "retrowalk_imu_test"


def state(hass: HomeAssistant, entity_id: str) -> Any:
    found = hass.states.get(entity_id)
    assert found is not None, entity_id
    return found


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_sedentary_nudge_snooze_walk_response(
    hass: HomeAssistant,
    make_wearable: MakeWearable,
    walk: Walk,
    freezer: FrozenDateTimeFactory,
) -> None:
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to("2026-06-10 08:00:00+00:00")  # 10:00 local
    device = make_wearable("forward:30,sit:7200s", loop=False)
    coordinator = await setup_entry(
        hass,
        entry_for(
            **{
                CONF_SEDENTARY_MINUTES: 30,
                CONF_ACTIVE_START: "08:00:00",
                CONF_ACTIVE_END: "21:00:00",
                CONF_BACKWARD_GOAL: 20,
            }
        ),
    )
    events: list[Any] = []
    hass.bus.async_listen(
        "state_changed",
        lambda e: events.append(e.data["new_state"])
        if e.data["entity_id"] == f"event.{PREFIX}_nudge"
        else None,
    )
    await walk(device, 25)  # the forward walk, then sitting starts
    assert coordinator.ledger.today.forward > 0
    for _ in range(31):  # sit for 31 minutes while the wearable keeps streaming
        await walk(device, 1)
        await tick(hass, freezer, 60)
    assert state(hass, f"binary_sensor.{PREFIX}_sedentary").state == "on"
    sedentary = [e for e in events if e.attributes.get("event_type") == "sedentary"]
    assert len(sedentary) == 1
    assert sedentary[0].attributes["sedentary_minutes"] >= 30
    assert sedentary[0].attributes["backward_minutes_goal"] == 10

    response = await hass.services.async_call(
        DOMAIN, "snooze", {"minutes": 45}, blocking=True, return_response=True
    )
    assert response is not None
    assert dt_util.parse_datetime(str(response["snoozed_until"])) == dt_util.now() + timedelta(
        minutes=45
    )
    # The wearer gets up and walks backwards: sitting ends, the nudge counts as answered.
    device.play(parse_scenario("backward:30,sit:600s"), loop=False)
    await walk(device, 30)
    await tick(hass, freezer, 30)
    assert state(hass, f"binary_sensor.{PREFIX}_sedentary").state == "off"
    assert state(hass, f"sensor.{PREFIX}_nudge_response_rate_today").state == "100.0"
    assert coordinator.ledger.today.backward >= 20
    goal = [e for e in events if e.attributes.get("event_type") == "goal_reached"]
    assert len(goal) == 1
    assert float(state(hass, f"sensor.{PREFIX}_backward_goal_progress").state) >= 100


async def test_goal_numbers_change_options_live(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable()
    entry = entry_for()
    coordinator = await setup_entry(hass, entry)
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": f"number.{PREFIX}_backward_steps_goal", "value": 800},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert entry.options[CONF_BACKWARD_GOAL] == 800
    assert coordinator.settings.nudge.backward_goal == 800
    assert float(state(hass, f"number.{PREFIX}_backward_steps_goal").state) == 800
    assert coordinator is entry.runtime_data  # applied without a reload


async def test_placement_change_asks_for_calibration(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable()
    entry = entry_for(Placement.FOOT)
    coordinator = await setup_entry(hass, entry)
    hass.config_entries.async_update_entry(entry, options={"placement": "waist"})
    await hass.async_block_till_done()
    assert coordinator.placement is Placement.WAIST
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"calibrate_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders == {"name": "Retrowalk IMU Test", "placement": "waist"}


async def test_calibration_button_and_finished_calibration(
    hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk, freezer: FrozenDateTimeFactory
) -> None:
    device = make_wearable("forward:200", loop=False)
    await setup_entry(hass, entry_for())
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{PREFIX}_start_calibration_walk"}, blocking=True
    )
    await hass.async_block_till_done()
    assert state(hass, f"sensor.{PREFIX}_calibration").state == "calibrating"
    await walk(device, 30)
    await tick(hass, freezer, 31)
    assert state(hass, f"sensor.{PREFIX}_calibration").state == "calibrated"


async def test_snooze_button_holds_nudges(hass: HomeAssistant, make_wearable: MakeWearable) -> None:
    make_wearable()
    coordinator = await setup_entry(hass, entry_for())
    await hass.services.async_call(
        "button", "press", {"entity_id": f"button.{PREFIX}_snooze_nudges"}, blocking=True
    )
    assert coordinator.nudges.snoozed_until is not None
    assert coordinator.nudges.snoozed_until > dt_util.now() + timedelta(minutes=29)


async def test_actions_validate_their_target(
    hass: HomeAssistant, make_wearable: MakeWearable, caplog: pytest.LogCaptureFixture
) -> None:
    device = make_wearable()
    entry = entry_for()
    coordinator = await setup_entry(hass, entry)
    device_entry = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, ADDRESS.lower()), entry.entry_id
    )
    assert device_entry is not None
    await hass.services.async_call(
        DOMAIN, "snooze", {"device_id": device_entry.id, "minutes": 10}, blocking=True
    )
    assert coordinator.nudges.snoozed_until is not None
    # Targeting a device must not use the device registry's deprecated multi-entry access.
    assert "which is deprecated" not in caplog.text
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "snooze", {"device_id": "nope"}, blocking=True)
    assert err.value.translation_key == "unknown_device"

    await hass.services.async_call(
        DOMAIN, "calibrate", {"device_id": device_entry.id}, blocking=True
    )
    assert coordinator.engine.calibration.active
    device.in_range = False
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "calibrate", {}, blocking=True)
    assert err.value.translation_key == "not_connected"

    assert await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "snooze", {}, blocking=True)
    assert err.value.translation_key == "no_wearable"


async def test_live_entities_unavailable_while_away_counts_stay(
    hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk, caplog: pytest.LogCaptureFixture
) -> None:
    device = make_wearable("forward:40,sit:600s", loop=False)
    coordinator = await setup_entry(hass, entry_for())
    await walk(device, 30)
    counted = coordinator.ledger.today.forward
    assert state(hass, f"sensor.{PREFIX}_battery").state == "87"
    device.in_range = False
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    await walk(device, 10)
    assert state(hass, f"sensor.{PREFIX}_cadence").state == "unavailable"
    assert state(hass, f"sensor.{PREFIX}_current_gait").state == "unavailable"
    assert state(hass, f"sensor.{PREFIX}_forward_steps_today").state == str(counted)
    assert caplog.text.count("Retrowalk IMU Test is unavailable") == 1
    device.in_range = True
    await wait_for(lambda: coordinator.connection.connected, 10)
    assert caplog.text.count("Retrowalk IMU Test is back online") == 1
    assert state(hass, f"sensor.{PREFIX}_current_gait").state == "still"


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


async def test_sideways_steps_and_gait(
    hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk
) -> None:
    # Forward first: a fresh engine learns which way is forward from the dominant walking.
    device = make_wearable("forward:80,left:30,right:30,sit:60s", loop=False)
    coordinator = await setup_entry(hass, entry_for())
    await walk(device, 90)
    truth = device.truth.delivered[Direction.LEFT] + device.truth.delivered[Direction.RIGHT]
    assert abs(coordinator.ledger.today.sideways - truth) <= max(3, 0.2 * truth)


async def test_walking_speed_stride_length_and_variability_of_the_last_walk(
    hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk
) -> None:
    # Forward first (a fresh engine learns which way is forward), a pause ends each bout.
    device = make_wearable("forward:60,sit:10s,backward:40,sit:30s", loop=False)
    coordinator = await setup_entry(hass, entry_for(Placement.FOOT))
    speed = f"sensor.{PREFIX}_backward_walking_speed"
    assert state(hass, speed).state == "unknown"  # no walk measured yet: unknown, not zero
    await walk(device, 110)
    assert set(coordinator.last_walk) == {Direction.FORWARD, Direction.BACKWARD}
    backward = float(state(hass, speed).state)
    forward = float(state(hass, f"sensor.{PREFIX}_forward_walking_speed").state)
    stride = float(state(hass, f"sensor.{PREFIX}_backward_stride_length").state)
    variability = float(state(hass, f"sensor.{PREFIX}_backward_step_time_variability").state)
    # The virtual walker (virtual/styles.py): backward strides 2 x 0.36 m at 85 steps/min,
    # forward 2 x 0.70 m at 105 steps/min.
    assert stride == pytest.approx(0.72, rel=0.1)
    assert backward == pytest.approx(0.72 * 85 / 120, rel=0.1)
    assert forward == pytest.approx(1.40 * 105 / 120, rel=0.1)
    assert 0.0 <= variability < 15.0
    saved = coordinator.snapshot()["last_walk"]["backward"]
    assert saved["stride_length_m"] == pytest.approx(stride, abs=1e-3)
    attributes = state(hass, speed).attributes
    assert attributes["state_class"] == "measurement"
    assert attributes["unit_of_measurement"] == "m/s"


@pytest.mark.parametrize("placement", [Placement.WAIST, Placement.WRIST])
async def test_stride_entities_unavailable_where_they_cannot_be_measured(
    hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk, placement: Placement
) -> None:
    device = make_wearable("forward:40,sit:30s", loop=False, placement=placement)
    await setup_entry(hass, entry_for(placement))
    await walk(device, 60)
    for key in (
        "backward_walking_speed",
        "forward_walking_speed",
        "backward_stride_length",
        "backward_step_time_variability",
    ):
        assert state(hass, f"sensor.{PREFIX}_{key}").state == "unavailable", key
    assert state(hass, f"sensor.{PREFIX}_forward_steps_today").state != "unavailable"
