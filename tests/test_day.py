"""The product in everyday life, through the virtual Bluetooth stack: a wearer who walks to the
desk, then eats and types, is sedentary and gets the nudge on time."""

from datetime import datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.retrowalk.clock import TICK
from custom_components.retrowalk.gait import Direction, Placement
from custom_components.retrowalk.nudge import Nudge, NudgeType
from custom_components.retrowalk_virtual.device import VirtualWearable

from .common import Start, Started, Walk, freeze_in_berlin, nudge_options

SEDENTARY_MINUTES = 5
STEP_S = 10.0  # wearer time and wall time advance together, this much at a time


async def _live(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    walk: Walk,
    device: VirtualWearable,
    seconds: float,
) -> None:
    """Wearer time and wall time pass together, STEP_S at a time."""
    for _ in range(round(seconds / STEP_S)):
        await walk(device, STEP_S)
        freezer.tick(timedelta(seconds=STEP_S))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


async def _walk_then_sit_and_be_nudged_on_time(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    start: Start,
    walk: Walk,
    placement: Placement,
    scenario: str,
    utc: str,
) -> Started:
    """Live `scenario` (a 30-step walk, then no walking) from `utc` into the first nudge check
    after SEDENTARY_MINUTES: the walk counts, the sedentary nudge comes on time after it, and
    nothing since counts as a walk. Returns the wearable and its entry for further checks."""
    await freeze_in_berlin(hass, freezer, utc)
    started = await start(scenario, placement, loop=False, **nudge_options(SEDENTARY_MINUTES))
    device, coordinator, _ = started
    fired: list[tuple[datetime, Nudge]] = []
    coordinator.nudge_events.async_add_listener(lambda nudge: fired.append((dt_util.now(), nudge)))

    async def live(seconds: float) -> None:
        await _live(hass, freezer, walk, device, seconds)

    await live(30)  # the walk (about 20 s), then what follows it begins
    assert coordinator.ledger.today.forward >= 25
    walked_until = coordinator.nudges.last_walk
    assert walked_until is not None
    await live(SEDENTARY_MINUTES * 60 + 60)

    sedentary = [(when, n) for when, n in fired if n.type is NudgeType.SEDENTARY]
    counted = coordinator.ledger.today.forward + coordinator.ledger.today.backward
    assert sedentary, f"no nudge; {counted} steps, last walk {coordinator.nudges.last_walk}"
    when, nudge = sedentary[0]
    due = walked_until + timedelta(minutes=SEDENTARY_MINUTES)
    # On time: at the first nudge check once the threshold has passed.
    assert due <= when <= due + TICK + timedelta(seconds=STEP_S)
    assert nudge.data["sedentary_minutes"] == SEDENTARY_MINUTES
    assert coordinator.nudges.last_walk == walked_until  # nothing since counted as a walk
    return started


@pytest.mark.parametrize(
    "placement",
    [
        Placement.FOOT,
        Placement.WAIST,
        # The virtual wrist's strokes vary cycle by cycle as real arm work does (arms.py):
        # eating and typing there are no walk either.
        Placement.WRIST,
    ],
)
async def test_seated_arm_work_is_sedentary_and_nudged_on_time(
    hass: HomeAssistant,
    start: Start,
    walk: Walk,
    freezer: FrozenDateTimeFactory,
    placement: Placement,
) -> None:
    """Walk to the desk, then eat and type (10:00 local)."""
    device, _, _ = await _walk_then_sit_and_be_nudged_on_time(
        hass,
        freezer,
        start,
        walk,
        placement,
        "forward:30,eat:150s,type:600s",
        "2026-06-10 08:00:00+00:00",
    )
    assert device.truth.delivered[Direction.FORWARD] == 30


@pytest.mark.parametrize("placement", list(Placement))
async def test_driving_is_sedentary_and_nudged_on_time(
    hass: HomeAssistant,
    start: Start,
    walk: Walk,
    freezer: FrozenDateTimeFactory,
    placement: Placement,
) -> None:
    """Walk to the car, get in and drive (08:00 local): the seat's vibration and the car's
    manoeuvres are no walk, so the nudge comes on time (the virtual car: dev/.../drive.py,
    docs/daily_life.md)."""
    await _walk_then_sit_and_be_nudged_on_time(
        hass, freezer, start, walk, placement, "forward:30,drive:480s", "2026-06-10 06:00:00+00:00"
    )
