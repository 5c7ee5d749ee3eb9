"""Helpers shared by the Home Assistant tests: config entries, waiting, and wearer time.

Fixtures live in conftest.py; everything a test imports comes from here.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, NamedTuple

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ADDRESS, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.retrowalk.const import (
    CONF_ACTIVE_END,
    CONF_ACTIVE_START,
    CONF_BACKWARD_GOAL,
    CONF_CALIBRATION,
    CONF_PLACEMENT,
    CONF_PROTOCOL,
    CONF_SEDENTARY_MINUTES,
    DOMAIN,
)
from custom_components.retrowalk.coordinator import RetrowalkCoordinator
from custom_components.retrowalk.gait import Placement
from custom_components.retrowalk_virtual.device import SUPPORTED_RATE, VirtualWearable
from custom_components.retrowalk_virtual.model import parse_scenario

ADDRESS = "D0:5E:57:1A:00:01"
NAME = "Retrowalk IMU Test"
# Entity ids start with the device name (has_entity_name).
PREFIX = "retrowalk_imu_test"

type MakeWearable = Callable[..., VirtualWearable]
type Walk = Callable[[VirtualWearable, float], Awaitable[None]]
type SnapshotEntities = Callable[[Platform], Awaitable[None]]


class Started(NamedTuple):
    """A virtual wearable, and its entry set up with the wearable streaming."""

    device: VirtualWearable
    coordinator: RetrowalkCoordinator
    entry: MockConfigEntry


type Start = Callable[..., Awaitable[Started]]


def entry_for(
    placement: Placement = Placement.FOOT,
    address: str = ADDRESS,
    title: str = NAME,
    entry_id: str | None = None,
    calibration: Any = None,
    **options: Any,
) -> MockConfigEntry:
    """A config entry as the config flow creates it (with `calibration`: after a walk)."""
    data = {CONF_ADDRESS: address, CONF_PROTOCOL: "retrowalk_imu"}
    if calibration is not None:
        data[CONF_CALIBRATION] = calibration
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        unique_id=address,
        data=data,
        options={CONF_PLACEMENT: str(placement), **options},
        version=1,
        minor_version=2,
        entry_id=entry_id,
    )


async def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the event loop run until `condition` holds (connections are background tasks)."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


async def load_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up an entry (its wearable may be away)."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def setup_entry(hass: HomeAssistant, entry: MockConfigEntry) -> RetrowalkCoordinator:
    """Add and set up an entry, then wait for its wearable to stream."""
    await load_entry(hass, entry)
    coordinator: RetrowalkCoordinator = entry.runtime_data
    await wait_for(lambda: coordinator.connection.connected)
    return coordinator


async def fire_until(hass: HomeAssistant, condition: Callable[[], bool], seconds: float) -> None:
    """Advance Home Assistant's clock (backoffs, advertisements) until `condition` holds.

    Bounded by a number of rounds, not by an asyncio timeout: firing time changes runs every
    loop timer due within `seconds`, a timeout's own timer included.
    """
    for _ in range(2000):
        if condition():
            return
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
        await asyncio.sleep(0.002)
    raise AssertionError("condition not reached")


def advance(device: VirtualWearable, seconds: float, batch: int = 20) -> None:
    """Let wearer time pass, delivering frames as a real device would (about 20 samples each)."""
    total = round(seconds * SUPPORTED_RATE)
    while total > 0:
        produced = device.advance(min(batch, total))
        if produced == 0:
            break
        total -= produced


def stored_state(
    today: dict[str, int] | None = None, lifetime: dict[str, int] | None = None, **extra: Any
) -> dict[str, Any]:
    """What the coordinator stores (persist.py) for a foot-worn wearable without a calibration:
    today's and the lifetime counts (zero where not given), and `extra` keys."""
    return {
        "ledger": {
            "today": {"day": dt_util.now().date().isoformat(), **(today or {})},
            "lifetime": {"day": "0001-01-01", **(lifetime or {})},
        },
        "nudges": {},
        "engine": None,
        "placement": "foot",
    } | extra


def nudge_options(sedentary_minutes: int, **options: Any) -> dict[str, Any]:
    """Entry options for nudge tests: sedentary after `sedentary_minutes`, active 08:00-21:00
    (around the 10:00 local that freeze_in_berlin usually sets)."""
    return {
        CONF_SEDENTARY_MINUTES: sedentary_minutes,
        CONF_ACTIVE_START: "08:00:00",
        CONF_ACTIVE_END: "21:00:00",
        **options,
    }


async def freeze_in_berlin(hass: HomeAssistant, freezer: FrozenDateTimeFactory, utc: str) -> None:
    """Home Assistant in Berlin (a local midnight and DST that are not UTC's), its clock frozen
    at `utc`."""
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to(utc)


async def press(hass: HomeAssistant, button: str) -> None:
    """Press a button entity and let Home Assistant process what it started."""
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await hass.async_block_till_done()


def state(hass: HomeAssistant, entity_id: str) -> State:
    """An entity's state, which must exist."""
    found = hass.states.get(entity_id)
    assert found is not None, entity_id
    return found


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    """Move Home Assistant's (frozen) clock on and run what became due."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


# The snapshot scene: a day with a stored past and a live walk, so that every entity has a value
# to show (or says why not). Wearer time is scripted and Home Assistant's clock frozen, so the
# values come out the same on every run.
SCENE_START = "2026-06-10 08:00:00+00:00"  # 10:00 in Berlin
SCENE_BACKWARD_GOAL = 20


def scene_storage(entry_id: str) -> dict[str, Any]:
    """What an earlier run stored: a goal met yesterday and the day before, a timed walk test
    and a failed attempt after it, and a past backward session."""

    def day(iso: str, backward: int) -> dict[str, Any]:
        return {"day": iso, "forward": 4000, "backward": backward, "backward_seconds": 30.0}

    data = {
        "ledger": {
            "today": day("2026-06-10", 0) | {"forward": 0, "backward_seconds": 0.0},
            "lifetime": day("0001-01-01", 60) | {"forward": 8000, "backward_seconds": 60.0},
            "history": [day("2026-06-08", 30), day("2026-06-09", 30)],
            "last_step": None,
        },
        "nudges": {},
        "engine": None,
        "placement": "foot",
        "walk_tests": [
            {
                "outcome": "ok",
                "steps": 9,
                "time_s": 6.3,
                "distance_m": 2.9,
                "speed_m_s": 0.46,
                "when": "2026-06-09T18:30:00+02:00",
            },
            {"outcome": "no_walk", "when": "2026-06-09T18:32:00+02:00"},
        ],
        "last_session": {"steps": 30, "declared_steps": 0, "minutes": 0.4, "speed_m_s": 0.5},
    }
    return {"version": 1, "key": f"{DOMAIN}.{entry_id}", "data": data}


async def walk_with_the_clock(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, device: VirtualWearable, seconds: float
) -> None:
    """Let wearer time and Home Assistant's clock pass together, a second at a time, as they
    do for a real wearer (steps are stamped by wall clock, so this keeps their spacing)."""
    while seconds > 0:
        advance(device, min(1.0, seconds))
        await tick(hass, freezer, min(1.0, seconds))
        seconds -= 1.0


async def setup_scene(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    make_wearable: MakeWearable,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> RetrowalkCoordinator:
    """Set the entry up on the scene and walk it: forward, then a backward session whose steps
    meet the backward goal (a goal_reached nudge and a backward_session result fire)."""
    await freeze_in_berlin(hass, freezer, SCENE_START)
    hass_storage[f"{DOMAIN}.{entry.entry_id}"] = scene_storage(entry.entry_id)
    device = make_wearable("forward:60,stand:10s", loop=False, seed=7)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_BACKWARD_GOAL: SCENE_BACKWARD_GOAL}
    )
    coordinator = await setup_entry(hass, entry)
    # A forward walk first: a fresh engine learns which way is forward from the dominant walking.
    await walk_with_the_clock(hass, freezer, device, 45)
    coordinator.async_start_session()
    device.play(parse_scenario("stand:5s,backward:40,stand:130s"), loop=False)
    await walk_with_the_clock(hass, freezer, device, 165)  # two still minutes end the session
    assert coordinator.backward.session is None
    assert coordinator.backward.last_session is not None
    return coordinator


def store_keys(entry_id: str) -> tuple[str, str]:
    """The entry's store and backup keys in hass_storage."""
    return f"retrowalk.{entry_id}", f"retrowalk.{entry_id}.backup"
