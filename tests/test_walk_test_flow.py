"""The guided 3-metre backward walk test and backward sessions end to end: button or action →
virtual wearer → foot engine → test result entities, event and stored history."""

from typing import Any

from homeassistant.core import CoreState, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest

from custom_components.retrowalk.const import DOMAIN
from custom_components.retrowalk.gait import Direction, Placement
from custom_components.retrowalk.walktest import TIMEOUT_S
from custom_components.retrowalk_virtual.model import parse_scenario
from custom_components.retrowalk_virtual.segments import TYPICAL_CADENCE, Activity

from .common import (
    ADDRESS,
    PREFIX,
    MakeWearable,
    Walk,
    entry_for,
    press,
    setup_entry,
    state,
    wait_for,
)

TEST_BUTTON = f"button.{PREFIX}_start_3_metre_backward_walk_test"
SESSION_BUTTON = f"button.{PREFIX}_start_backward_walk_session"
TIME = f"sensor.{PREFIX}_backward_walk_test_time"
SPEED = f"sensor.{PREFIX}_backward_walk_test_speed"
EVENT = f"event.{PREFIX}_backward_walking"
# A forward walk first: a fresh engine learns which way is forward from the dominant walking.
WARM_UP = "forward:60,stand:20s"
WARM_UP_S = 75.0
BACKWARD_STEPS = 9  # the virtual walker's backward steps are 0.36 m: 8 steps forward of 3 m


def events(hass: HomeAssistant) -> list[Any]:
    seen: list[Any] = []
    hass.bus.async_listen(
        "state_changed",
        lambda e: seen.append(e.data["new_state"]) if e.data["entity_id"] == EVENT else None,
    )
    return seen


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
    assert abs(time_s - true_time) <= 0.3
    assert speed == pytest.approx(true_distance / true_time, rel=0.15)
    attributes = state(hass, TIME).attributes
    assert attributes["last_outcome"] == "ok"
    assert attributes["time_3m_s"] == pytest.approx(3.0 / speed, abs=0.01)
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
    assert entry.runtime_data.backward.walk_tests == coordinator.backward.walk_tests
    assert float(state(hass, TIME).state) == time_s


@pytest.fixture
async def ready(hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk) -> Any:
    """A foot wearable set up and warmed up: (device, coordinator)."""
    device = make_wearable(WARM_UP, loop=False)
    coordinator = await setup_entry(hass, entry_for(Placement.FOOT))
    await walk(device, WARM_UP_S)
    return device, coordinator


async def _press_and_play(
    hass: HomeAssistant, device: Any, button: str, scenario: str
) -> list[Any]:
    """Press `button`, then the wearer plays `scenario` once; the events fired from the press on."""
    fired = events(hass)
    await press(hass, button)
    device.play(parse_scenario(scenario), loop=False)
    return fired


async def test_no_walk_times_out(hass: HomeAssistant, walk: Walk, ready: Any) -> None:
    device, coordinator = ready
    fired = events(hass)
    device_id = _device_id(hass, coordinator)
    await hass.services.async_call(
        DOMAIN, "start_backward_walk_test", {"device_id": device_id}, blocking=True
    )
    device.play(parse_scenario("stand:120s"), loop=False)
    await walk(device, TIMEOUT_S - 5)
    assert coordinator.backward.walk_test is not None
    await walk(device, 10)
    assert coordinator.backward.walk_test is None
    assert [e.attributes["outcome"] for e in fired] == ["no_walk"]
    assert state(hass, TIME).state == "unknown"  # a failed attempt is no result
    assert state(hass, TIME).attributes["last_outcome"] == "no_walk"


async def test_walking_forward_instead(hass: HomeAssistant, walk: Walk, ready: Any) -> None:
    device, _ = ready
    fired = await _press_and_play(hass, device, TEST_BUTTON, "stand:3s,forward:6,stand:20s")
    await walk(device, 20)
    assert [e.attributes["outcome"] for e in fired] == ["walked_forward"]
    assert fired[0].attributes["time_s"] is None
    assert state(hass, SPEED).state == "unknown"


async def test_disconnect_mid_test(hass: HomeAssistant, walk: Walk, ready: Any) -> None:
    device, coordinator = ready
    scenario = f"stand:3s,backward:{BACKWARD_STEPS},stand:20s"
    fired = await _press_and_play(hass, device, TEST_BUTTON, scenario)
    await walk(device, 6)  # part of the way
    device.in_range = False
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    await hass.async_block_till_done()
    assert [e.attributes["outcome"] for e in fired] == ["disconnected"]
    assert coordinator.backward.walk_test is None
    assert state(hass, TEST_BUTTON).state == "unavailable"
    with pytest.raises(ServiceValidationError) as err:  # not while the wearable is away
        await hass.services.async_call(DOMAIN, "start_backward_walk_test", {}, blocking=True)
    assert err.value.translation_key == "needs_connection"


def _ran(fired: list[Any], event_type: str) -> list[Any]:
    """The events of `event_type` fired, each once: an entity restored after a reload shows its
    last event again (same time stamp), an unloaded one is unavailable; neither is a new event."""
    seen = {e.state: e for e in fired if e.attributes.get("event_type") == event_type}
    return list(seen.values())


async def test_a_reload_interrupts_the_test_and_ends_the_session_once(
    hass: HomeAssistant, walk: Walk, ready: Any
) -> None:
    device, coordinator = ready
    entry = coordinator.config_entry
    before = coordinator.ledger.today.backward
    fired = await _press_and_play(
        hass, device, SESSION_BUTTON, f"stand:3s,backward:{BACKWARD_STEPS},stand:20s"
    )
    await press(hass, TEST_BUTTON)
    await walk(device, 6)  # part of the way
    assert coordinator.backward.walk_test is not None and coordinator.backward.session is not None
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    # Home Assistant ended the stream, not the wearable: the test says so, and the events fired
    # while the event entity was still there.
    tests = _ran(fired, "backward_walk_test")
    assert [e.attributes["outcome"] for e in tests] == ["interrupted"]
    sessions = _ran(fired, "backward_session")
    assert len(sessions) == 1
    reloaded = entry.runtime_data
    assert reloaded is not coordinator
    assert [t.outcome for t in reloaded.backward.walk_tests][-1] == "interrupted"
    assert state(hass, TIME).attributes["last_outcome"] == "interrupted"
    assert reloaded.backward.walk_test is None and reloaded.backward.session is None
    # The session's steps so far are kept: its result is each backward step counted once.
    last = reloaded.backward.last_session
    assert last is not None and last.to_dict() == {
        k: sessions[0].attributes[k] for k in last.to_dict()
    }
    assert 0 < last.steps == reloaded.ledger.today.backward - before
    steps_session = f"sensor.{PREFIX}_backward_session_steps"
    assert float(state(hass, steps_session).state) == last.steps

    await walk(device, 30)  # the wearer goes on after the reload: nothing is reported again
    assert len(_ran(fired, "backward_walk_test")) == 1
    assert len(_ran(fired, "backward_session")) == 1
    assert reloaded.backward.last_session == last


async def test_home_assistant_stopping_interrupts_the_test(
    hass: HomeAssistant, walk: Walk, ready: Any
) -> None:
    device, coordinator = ready
    scenario = f"stand:3s,backward:{BACKWARD_STEPS},stand:20s"
    fired = await _press_and_play(hass, device, TEST_BUTTON, scenario)
    await walk(device, 6)
    # Stopping, Home Assistant cancels the entry's background tasks (the connection's) without
    # unloading the entry.
    hass.set_state(CoreState.stopping)
    try:
        await coordinator.connection.async_stop()
        await hass.async_block_till_done()
    finally:
        hass.set_state(CoreState.running)
    assert [e.attributes["outcome"] for e in fired] == ["interrupted"]
    assert coordinator.backward.walk_tests[-1].outcome == "interrupted"


@pytest.mark.parametrize("placement", [Placement.WRIST, Placement.WAIST])
async def test_only_where_strides_are_measured(
    hass: HomeAssistant, make_wearable: MakeWearable, placement: Placement
) -> None:
    make_wearable(placement=placement)
    coordinator = await setup_entry(hass, entry_for(placement))
    assert state(hass, TIME).state == "unavailable"
    assert state(hass, SPEED).state == "unavailable"
    assert state(hass, TEST_BUTTON).state == "unavailable"
    assert state(hass, SESSION_BUTTON).state != "unavailable"  # sessions work everywhere
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "start_backward_walk_test", {}, blocking=True)
    assert err.value.translation_key == "cannot_time_walk"
    assert coordinator.backward.walk_test is None


def _device_id(hass: HomeAssistant, coordinator: Any) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, ADDRESS.lower()), coordinator.config_entry.entry_id
    )
    assert device is not None
    return device.id


async def test_a_session_at_the_foot_reports_steps_minutes_and_speed(
    hass: HomeAssistant, walk: Walk, ready: Any
) -> None:
    device, coordinator = ready
    fired = await _press_and_play(hass, device, SESSION_BUTTON, "stand:5s,backward:80,stand:200s")
    await walk(device, 70)
    assert coordinator.backward.session is not None
    assert state(hass, f"sensor.{PREFIX}_backward_session_steps").attributes["running"] is True
    await walk(device, 130)  # two minutes without a step end it
    assert coordinator.backward.session is None
    sessions = [e for e in fired if e.attributes.get("event_type") == "backward_session"]
    assert len(sessions) == 1
    data = sessions[0].attributes
    truth = device.truth.delivered[Direction.BACKWARD]
    assert abs(data["steps"] - truth) <= 3
    assert data["declared_steps"] == 0  # the foot tells backward by itself
    assert data["minutes"] == pytest.approx(80 * 60 / 85 / 60, rel=0.1)
    assert data["speed_m_s"] == pytest.approx(0.72 * 85 / 120, rel=0.1)
    assert float(state(hass, f"sensor.{PREFIX}_backward_session_steps").state) == data["steps"]
    minutes = float(state(hass, f"sensor.{PREFIX}_backward_session_time").state)
    assert minutes == data["minutes"]
    assert float(state(hass, f"sensor.{PREFIX}_backward_session_speed").state) == pytest.approx(
        data["speed_m_s"]
    )
    assert state(hass, f"sensor.{PREFIX}_declared_backward_steps_today").state == "0"


async def _session_after_a_forward_walk(
    hass: HomeAssistant,
    make_wearable: MakeWearable,
    walk: Walk,
    placement: Placement,
    *,
    backward: int,
) -> tuple[Any, Any, int, dict[str, Any]]:
    """A new wearer walks 40 steps forward, then `backward` steps in a session until it ends.

    Returns the wearable, the coordinator, the day's steps before the session and the session's
    `backward_session` event data.
    """
    device = make_wearable("forward:40,stand:20s", loop=False, placement=placement)
    coordinator = await setup_entry(hass, entry_for(placement))
    await walk(device, 50)
    before = coordinator.ledger.today.total
    fired = events(hass)
    await hass.services.async_call(DOMAIN, "start_backward_session", {}, blocking=True)
    device.play(parse_scenario(f"stand:5s,backward:{backward},stand:200s"), loop=False)
    await walk(device, 210 + 0.7 * backward)
    sessions = [e for e in fired if e.attributes.get("event_type") == "backward_session"]
    assert len(sessions) == 1
    return device, coordinator, before, dict(sessions[0].attributes)


async def test_a_declared_session_at_the_wrist_counts_declared_steps_apart(
    hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk
) -> None:
    device, coordinator, before, data = await _session_after_a_forward_walk(
        hass, make_wearable, walk, Placement.WRIST, backward=60
    )
    truth = device.truth.delivered[Direction.BACKWARD]
    today = coordinator.ledger.today
    # Declared steps count as backward, each step once: the engine's own backward count is the
    # backward count less the declared ones.
    assert today.backward == data["steps"]
    assert data["declared_steps"] == today.declared_backward > 0
    assert abs(today.total - before - truth) <= 3  # every step of the session counted once
    # The wrist engine is never sure of a direction (it is chance there), so every step of the
    # session counts backward, declared where the engine said forward, and no more than walked.
    # (It once re-learned "forward" from the long backward walk and was "sure" of 13 of 60.)
    assert today.backward - today.declared_backward < data["steps"]
    assert truth - 2 <= data["steps"] <= truth + 2
    assert data["speed_m_s"] is None
    declared = state(hass, f"sensor.{PREFIX}_declared_backward_steps_today")
    assert int(declared.state) == today.declared_backward
    backward = state(hass, f"sensor.{PREFIX}_backward_steps_today")
    assert int(backward.state) == today.backward
    assert backward.attributes["declared"] == today.declared_backward
    assert state(hass, f"sensor.{PREFIX}_backward_session_speed").state == "unavailable"


async def test_moving_the_wearable_cancels_a_running_test(
    hass: HomeAssistant, make_wearable: MakeWearable
) -> None:
    make_wearable()
    entry = entry_for(Placement.FOOT)
    coordinator = await setup_entry(hass, entry)
    await press(hass, TEST_BUTTON)
    assert coordinator.backward.walk_test is not None
    hass.config_entries.async_update_entry(entry, options={"placement": "wrist"})
    await hass.async_block_till_done()
    assert coordinator.backward.walk_test is None
    assert state(hass, TIME).state == "unavailable"


@pytest.mark.parametrize("placement", [Placement.WAIST, Placement.FOOT])
async def test_a_long_declared_session_stays_backward_for_a_new_wearer(
    hass: HomeAssistant, make_wearable: MakeWearable, walk: Walk, placement: Placement
) -> None:
    # A wearer who walked 40 steps forward, uncalibrated, then 300 backward in a session. The
    # engine's automatic axis learned from the session would take them for forward once they
    # outnumbered the forward steps (38 of 300 stayed backward at the waist, 60 at the foot);
    # the session holds it (GaitEngine.hold_forward), so the engine itself says backward.
    device, coordinator, _, data = await _session_after_a_forward_walk(
        hass, make_wearable, walk, placement, backward=300
    )
    truth = device.truth.delivered[Direction.BACKWARD]
    assert truth >= 290
    assert data["declared_steps"] == 0  # the engine tells backward here by itself
    assert data["steps"] >= truth - 10
    assert coordinator.ledger.today.backward >= truth - 10
