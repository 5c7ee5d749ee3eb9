"""Long-term statistics compile for the counters, with the daily reset read as a new cycle."""

from collections.abc import Generator
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
)

from .common import Start, advance, freeze_in_berlin


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Any, enable_custom_integrations: Any
) -> Generator[None]:
    """The recorder must exist before Home Assistant's fixture: request it first."""
    return


FORWARD_TODAY = "sensor.retrowalk_imu_test_forward_steps_today"
FORWARD_LIFETIME = "sensor.retrowalk_imu_test_forward_steps_lifetime"


async def walk_in_time(
    hass: HomeAssistant, device: Any, freezer: FrozenDateTimeFactory, seconds: int
) -> None:
    """Walk with the wall clock moving too, so recorded states have distinct times."""
    for _ in range(seconds // 5):
        advance(device, 5)
        freezer.tick(timedelta(seconds=5))
        await hass.async_block_till_done()


async def test_counters_compile_statistics_across_midnight(
    hass: HomeAssistant, recorder_mock: Any, start: Start, freezer: FrozenDateTimeFactory
) -> None:
    await freeze_in_berlin(hass, freezer, "2026-06-10 21:40:00+00:00")  # 23:40 local
    device, coordinator, _ = await start("forward:60,sit:300s,forward:40,sit:600s", loop=False)
    await walk_in_time(hass, device, freezer, 45)
    before_midnight = coordinator.ledger.today.forward
    assert before_midnight > 40
    await async_wait_recording_done(hass)

    freezer.move_to("2026-06-10 22:00:30+00:00")  # 00:00:30 local: a new day
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    await walk_in_time(hass, device, freezer, 330)  # sitting, then 40 more steps today
    after_midnight = coordinator.ledger.today.forward
    assert after_midnight > 30
    await async_wait_recording_done(hass)

    start = dt_util.parse_datetime("2026-06-10 21:40:00+00:00")
    assert start is not None
    for offset in range(0, 30, 5):
        do_adhoc_statistics(hass, start=start + timedelta(minutes=offset))
    await async_wait_recording_done(hass)
    stats = await hass.async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        None,
        {FORWARD_TODAY, FORWARD_LIFETIME},
        "5minute",
        None,
        {"sum", "state"},
    )
    today = stats[FORWARD_TODAY]
    lifetime = stats[FORWARD_LIFETIME]
    # The daily counter's sum keeps growing through the reset: the statistics see one day's
    # steps plus the next day's, never a negative jump.
    assert today[-1]["sum"] == before_midnight + after_midnight
    assert lifetime[-1]["sum"] == before_midnight + after_midnight
    assert lifetime[-1]["state"] == before_midnight + after_midnight
    assert today[-1]["state"] == after_midnight
    sums = [row["sum"] for row in today]
    assert sums == sorted(sums)
