"""Event entities: nudges and backward walking results."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.retrowalk.const import CONF_BACKWARD_GOAL, DOMAIN
from custom_components.retrowalk_virtual.model import parse_scenario

from .common import (
    PREFIX,
    SnapshotEntities,
    Start,
    Walk,
    freeze_in_berlin,
    nudge_options,
    state,
    tick,
)


async def test_all_entities(snapshot_entities: SnapshotEntities) -> None:
    """Every event entity: state, unit, device and state class, on the scene of tests/common.py."""
    await snapshot_entities(Platform.EVENT)


async def test_sedentary_nudge_snooze_walk_response(
    hass: HomeAssistant, start: Start, walk: Walk, freezer: FrozenDateTimeFactory
) -> None:
    await freeze_in_berlin(hass, freezer, "2026-06-10 08:00:00+00:00")  # 10:00 local
    options = nudge_options(30, **{CONF_BACKWARD_GOAL: 20})
    device, coordinator, _ = await start("forward:30,sit:7200s", loop=False, **options)
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
