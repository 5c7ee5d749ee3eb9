"""The guided 3-metre backward walk test and backward sessions end to end: button or action →
virtual wearer → foot engine → test result entities, event and stored history."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest

from custom_components.retrowalk.const import DOMAIN
from custom_components.retrowalk.gait import Direction, Placement
from custom_components.retrowalk.virtual.model import parse_scenario
from custom_components.retrowalk.virtual.segments import TYPICAL_CADENCE, Activity
from custom_components.retrowalk.walktest import STOP_S, TIMEOUT_S

from .conftest import ADDRESS, MakeWearable, Walk, entry_for, setup_entry, wait_for

PREFIX = "retrowalk_imu_test"
TEST_BUTTON = f"button.{PREFIX}_start_3_metre_backward_walk_test"
SESSION_BUTTON = f"button.{PREFIX}_start_backward_walk_session"
TIME = f"sensor.{PREFIX}_backward_walk_test_time"
SPEED = f"sensor.{PREFIX}_backward_walk_test_speed"
EVENT = f"event.{PREFIX}_backward_walking"
# A forward walk first: a fresh engine learns which way is forward from the dominant walking.
WARM_UP = "forward:60,stand:20s"
WARM_UP_S = 75.0
BACKWARD_STEPS = 9  # the virtual walker's backward steps are 0.36 m: 8 steps forward of 3 m


def state(hass: HomeAssistant, entity_id: str) -> Any:
    found = hass.states.get(entity_id)
    assert found is not None, entity_id
    return found


def events(hass: HomeAssistant) -> list[Any]:
    seen: list[Any] = []
    hass.bus.async_listen(
        "state_changed",
        lambda e: seen.append(e.data["new_state"]) if e.data["entity_id"] == EVENT else None,
    )
    return seen


async def press(hass: HomeAssistant, button: str) -> None:
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await hass.async_block_till_done()


async def test_a_good_test_times_the_walk(
    hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk
) -> None:
    device = make_wearable(WARM_UP, loop=False)
    entry = entry_for(Placement.FOOT)
    coordinator = await setup_entry(hass, entry)
    fired = events(hass)
    await walk(device, WARM_UP_S)
    assert state(hass, TIME).state == "unknown"  # no test yet: unknown, not zero
    await press(hass, TEST_BUTTON)
    assert state(hass, TIME).attributes["running"] is True
    device.play(parse_scenario(f"stand:3s,backward:{BACKWARD_STEPS},stand:20s"), loop=False)
    await walk(device, 25)
    # The scripted walk: n steps one step period apart, the first lifting off one period before
    # it lands (virtual/plan.py spaces the contacts exactly (n - 1) periods apart).
    period = 60.0 / TYPICAL_CADENCE[Activity.BACKWARD]
    true_time = BACKWARD_STEPS * period
    true_distance = (BACKWARD_STEPS - 1) * 0.36
    time_s = float(state(hass, TIME).state)
    speed = float(state(hass, SPEED).state)
    print(f"time {time_s} true {true_time:.2f}; speed {speed} true {true_distance / true_time:.3f}")
    print(coordinator.walk_tests, device.truth.delivered)
    assert abs(time_s - true_time) <= 0.3
    assert speed == pytest.approx(true_distance / true_time, rel=0.15)
    attributes = state(hass, TIME).attributes
    assert attributes["last_outcome"] == "ok"
    assert attributes["state_class"] == "measurement"
    assert attributes["running"] is False
    assert state(hass, SPEED).attributes["unit_of_measurement"] == "m/s"
    tests = [e for e in fired if e.attributes.get("event_type") == "backward_walk_test"]
    assert len(tests) == 1
    assert tests[0].attributes["outcome"] == "ok"
    assert tests[0].attributes["time_s"] == time_s
    assert tests[0].attributes["steps"] == pytest.approx(BACKWARD_STEPS, abs=1)

    # The history survives a restart.
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.runtime_data.walk_tests == coordinator.walk_tests
    assert float(state(hass, TIME).state) == time_s
