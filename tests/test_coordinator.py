"""The whole data path through Home Assistant's bluetooth stack and the virtual wearable:
advertisement → connection → notifications → decoder → engine → counts and entities."""

import asyncio
from datetime import timedelta

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.retrowalk.gait import (
    Bout,
    Direction,
    EngineUpdate,
    StepEvent,
)
from custom_components.retrowalk.nudge import WALK_STEPS

from .common import (
    Start,
    Walk,
    state,
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
    assert coordinator.stream.stats.gaps >= 1
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
    errors = coordinator.stream.decode_errors
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


async def test_only_data_that_arrived_is_a_sign_of_wear(
    hass: HomeAssistant, start: Start, walk: Walk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's flush when the wearable goes away counts its steps but is no data from it:
    the sedentary nudge must go stale from the last notification, not from the disconnect."""
    device, coordinator, _ = await start("forward:60", loop=False)
    await walk(device, 30)
    last_data = coordinator.nudges.last_data
    last_t = coordinator.stream.last_t
    assert last_data is not None and last_t is not None
    counted = coordinator.ledger.today.total
    # The engine is stood in for: the flush releases a walk's worth of held steps (which steps
    # a foot engine holds back at a disconnect is not what is tested here).
    held = tuple(
        StepEvent(t=last_t - 0.5 * k, direction=Direction.FORWARD, confidence=1.0)
        for k in range(WALK_STEPS, 0, -1)
    )
    flush = EngineUpdate(
        steps=held, bouts=(), walking=False, direction=None, cadence=None, gap_s=0.0
    )
    monkeypatch.setattr(coordinator.stream.engine, "flush", lambda: flush)
    await asyncio.sleep(0.01)  # the wearable goes a moment after its last notification
    device.in_range = False
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
    assert coordinator.ledger.today.total == counted + len(held)  # the held steps are counted
    assert coordinator.nudges.last_walk is not None and coordinator.nudges.last_walk > last_data
    assert coordinator.nudges.last_data == last_data
