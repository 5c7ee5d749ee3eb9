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

from .common import Start, Walk, freeze_in_berlin, nudge_options

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
    await freeze_in_berlin(hass, freezer, "2026-06-10 08:00:00+00:00")  # 10:00 local
    options = nudge_options(SEDENTARY_MINUTES)
    device, coordinator, _ = await start(
        "forward:30,eat:150s,type:600s", placement, loop=False, **options
    )
    fired: list[tuple[datetime, Nudge]] = []
    coordinator.nudge_events.async_add_listener(lambda nudge: fired.append((dt_util.now(), nudge)))

    async def live(seconds: float) -> None:
        await _live(hass, freezer, walk, device, seconds)

    await live(30)  # the walk to the desk (about 20 s), then the meal begins
    assert coordinator.ledger.today.forward >= 25
    walked_until = coordinator.nudges.last_walk
    assert walked_until is not None
    await live(SEDENTARY_MINUTES * 60 + 60)  # eating, then typing

    sedentary = [(when, n) for when, n in fired if n.type is NudgeType.SEDENTARY]
    assert sedentary, (
        f"no nudge; {coordinator.ledger.today.forward + coordinator.ledger.today.backward} steps, "
        f"last walk {coordinator.nudges.last_walk}"
    )
    when, nudge = sedentary[0]
    due = walked_until + timedelta(minutes=SEDENTARY_MINUTES)
    # On time: at the first nudge check once the threshold has passed.
    assert due <= when <= due + TICK + timedelta(seconds=STEP_S)
    assert nudge.data["sedentary_minutes"] == SEDENTARY_MINUTES
    assert coordinator.nudges.last_walk == walked_until  # arm work never counted as a walk
    assert device.truth.delivered[Direction.FORWARD] == 30


@pytest.mark.parametrize("placement", list(Placement))
async def test_driving_is_sedentary_and_nudged_on_time(
    hass: HomeAssistant,
    start: Start,
    walk: Walk,
    freezer: FrozenDateTimeFactory,
    placement: Placement,
) -> None:
    """Walk to the car, get in and drive: the seat's vibration and the car's manoeuvres are no
    walk, so the nudge comes on time (the virtual car: dev/.../drive.py, docs/daily_life.md)."""
    await freeze_in_berlin(hass, freezer, "2026-06-10 06:00:00+00:00")  # 08:00 local
    options = nudge_options(SEDENTARY_MINUTES)
    device, coordinator, _ = await start("forward:30,drive:480s", placement, loop=False, **options)
    fired: list[tuple[datetime, Nudge]] = []
    coordinator.nudge_events.async_add_listener(lambda nudge: fired.append((dt_util.now(), nudge)))

    async def live(seconds: float) -> None:
        await _live(hass, freezer, walk, device, seconds)

    await live(30)  # the walk to the car (about 20 s), then getting in
    walked_until = coordinator.nudges.last_walk
    assert walked_until is not None
    await live(SEDENTARY_MINUTES * 60 + 60)  # driving

    sedentary = [(when, n) for when, n in fired if n.type is NudgeType.SEDENTARY]
    counted = coordinator.ledger.today.forward + coordinator.ledger.today.backward
    assert sedentary, f"no nudge; {counted} steps, last walk {coordinator.nudges.last_walk}"
    when, _ = sedentary[0]
    due = walked_until + timedelta(minutes=SEDENTARY_MINUTES)
    assert due <= when <= due + TICK + timedelta(seconds=STEP_S)
    assert coordinator.nudges.last_walk == walked_until  # driving never counted as a walk
