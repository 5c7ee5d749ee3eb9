"""The coordinator's clock (clock.py): the 30 s tick, and local midnight rolling the day over."""

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.retrowalk.clock import TICK, async_track_clock

from .common import Start, Started, Walk, freeze_in_berlin, state

FORWARD = "sensor.retrowalk_imu_test_forward_steps_today"


async def test_ticks_every_30_seconds_and_at_local_midnight_until_stopped(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    await freeze_in_berlin(hass, freezer, "2026-06-10 21:59:00+00:00")  # 23:59 in Berlin
    ticks: list[datetime] = []
    midnights: list[datetime] = []
    # Callbacks, as the coordinator's are: a plain function (list.append) would run as an
    # executor job in the background, which async_block_till_done does not wait for (this test
    # failed in CI that way, now and then).
    stop = async_track_clock(
        hass, callback(lambda now: ticks.append(now)), callback(lambda now: midnights.append(now))
    )

    async def move(seconds: float) -> None:
        freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()

    # Every check is 5 s from a boundary: what is tested is the clock, not the timer's rounding.
    await move(TICK.total_seconds() - 5)
    assert (ticks, midnights) == ([], [])
    await move(10)  # 35 s
    assert len(ticks) == 1
    await move(35)  # 70 s: past 00:00:00 local (not UTC's midnight) and the second tick
    assert len(ticks) == 2
    assert [dt_util.as_local(m).strftime("%d %H:%M") for m in midnights] == ["11 00:00"]
    stop()
    stop()  # stopping twice is harmless (the entry may unload after a failed start)
    await move(24 * 3600)
    assert (len(ticks), len(midnights)) == (2, 1)


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
