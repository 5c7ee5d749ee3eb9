"""The soak's own bookkeeping (tools/soak.py): what it clears, and how it reads memory growth.

Its earlier clearing of the harness's store-write record never ran (the record belongs to an
autospecced function's `.mock`, not to a Mock), which made the harness look like a leak of ours.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from custom_components.retrowalk_virtual.segments import Activity
from tools.soak import false_step_figures, forget_recorded_writes, warm_growth

KEY = "retrowalk_soak_probe"


async def test_forget_recorded_writes_clears_the_harness_record(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    store: Store[dict[str, int]] = Store(hass, 1, KEY)
    await store.async_save({"steps": 1})
    recorder = Store._async_write_data.mock  # type: ignore[attr-defined]
    saved = [c.args[1] for c in recorder.call_args_list if c.args[0] is store]
    assert saved and saved[-1]["data"] == {"steps": 1}  # the harness keeps every saved snapshot

    forget_recorded_writes()

    assert recorder.call_args_list == []
    assert hass_storage[KEY]["data"] == {"steps": 1}  # what was saved stays saved
    await store.async_save({"steps": 2})  # and saving still goes through the harness
    assert hass_storage[KEY]["data"] == {"steps": 2}
    assert len(recorder.call_args_list) == 1


def test_warm_growth_counts_from_the_end_of_the_first_walking_hour() -> None:
    rss = [(h / 2, 100.0 + (3.0 if h >= 15 else 0.0)) for h in range(48)]  # first walk at 7.5 h
    trimmed = [(h, {"anon": r - 40.0, "file": 40.0}) for h, r in rss]
    out = warm_growth({7, 12}, rss, trimmed, rss_end=103.4, trimmed_end={"anon": 63.1})
    assert out == {
        "warm_since_hour": 8.0,
        "warm_rss_growth_mib": 0.4,
        "warm_anon_growth_mib": 0.1,
    }
    assert warm_growth(set(), rss, trimmed, 103.4, {"anon": 63.1}) == {}  # never walked
    assert warm_growth({23}, rss, trimmed, 103.4, {"anon": 63.1}) == {}  # walked too late


def test_false_step_figures_are_per_hour_of_each_activity() -> None:
    idle = {Activity.TYPE: 7200.0, Activity.LIE: 1800.0, Activity.EAT: 0.0}
    out = false_step_figures(Counter({Activity.TYPE: 30, Activity.LIE: 1}), idle)
    assert out["idle_hours"] == 2.5
    assert out["false_steps"] == 31
    assert out["false_steps_per_idle_hour"] == 12.4
    assert out["false_steps_by_activity"] == {
        "lie": {"hours": 0.5, "steps": 1, "per_hour": 2.0},
        "type": {"hours": 2.0, "steps": 30, "per_hour": 15.0},
    }
    assert false_step_figures(Counter(), {})["false_steps_per_idle_hour"] is None
