"""Soak benchmark: the "day" preset through the virtual wearable into a real Home Assistant test
instance, as fast as possible, with a simulated clock (not part of ./scripts/test).

Run it with ./scripts/soak (a pytest invocation of this module: the Home Assistant instance, its
bluetooth stack and the frozen wall clock come from pytest-homeassistant-custom-component).
Settings come from the environment (the wrapper sets them from its options): SOAK_HOURS,
SOAK_PLACEMENT, SOAK_DISCONNECTS (per 24 h), SOAK_SEED, SOAK_PRESET (the scenario, looped; "day"
by default), SOAK_REPORT (a JSON copy of the figures).

Time: the wall clock (freezegun) and Home Assistant's event-loop clock both advance by exactly the
wearer time that was streamed, one second at a time, so throttled entity updates, the 30 s tick,
hourly backups, reconnect backoffs and midnight all happen at their simulated times.
"""

import asyncio
from collections import Counter, defaultdict
from collections.abc import Callable
import contextlib
import ctypes
from datetime import timedelta
import gc
import json
import logging
import os
from pathlib import Path
import random
import resource
import statistics
import sys
from typing import Any
from unittest.mock import Mock

from freezegun import api as freezegun_api
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ADDRESS, EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import storage
from homeassistant.util import dt as dt_util
import numpy as np
import pytest
from pytest_homeassistant_custom_component.common import (  # type: ignore[import-untyped]
    MockConfigEntry,
)

from custom_components.retrowalk.const import CONF_PLACEMENT, CONF_PROTOCOL, DOMAIN
from custom_components.retrowalk.coordinator import RetrowalkCoordinator
from custom_components.retrowalk.devices import SampleBatch
from custom_components.retrowalk.devices.retrowalk_imu_spec import max_samples
from custom_components.retrowalk.gait import Direction, Placement
from custom_components.retrowalk_virtual.device import DEFAULT_MTU, SUPPORTED_RATE, VirtualWearable
from custom_components.retrowalk_virtual.model import expected_steps, scenario_seconds
from custom_components.retrowalk_virtual.presets import PRESETS
from custom_components.retrowalk_virtual.reference import ReferenceRun
from custom_components.retrowalk_virtual.setup import async_attach_virtual_wearable

HOURS = float(os.environ.get("SOAK_HOURS", "24"))
PLACEMENT = Placement(os.environ.get("SOAK_PLACEMENT", "foot"))
DISCONNECTS_PER_DAY = int(os.environ.get("SOAK_DISCONNECTS", "4"))
SEED = int(os.environ.get("SOAK_SEED", "1"))
PRESET = os.environ.get("SOAK_PRESET", "day")
REPORT = os.environ.get("SOAK_REPORT")
ADDRESS = "D0:5E:57:1A:50:AC"
NAME = "Retrowalk IMU Soak"
START = "2026-06-09 22:00:00+00:00"  # local midnight in Europe/Berlin
START_UTC = dt_util.parse_datetime(START, raise_on_error=True)
BATCH = max_samples(DEFAULT_MTU)  # samples per advance: one full notification, as the device sends
WRITE_GOAL = 1800


# Looked up on freezegun's module at call time: freezegun replaces module-level references to the
# clock functions while the wall clock is frozen, which would include our own copies.
def real_perf_ns() -> int:
    return int(freezegun_api.real_perf_counter_ns())


def real_monotonic() -> float:
    return float(freezegun_api.real_monotonic())


def forget_recorded_writes() -> None:
    """Clear the test harness's record of every store load, write and removal.

    pytest-homeassistant-custom-component patches these Store methods with autospec mocks
    (plain functions carrying a `.mock`) that keep each call's arguments for the life of the
    test: for writes, the whole saved data. Over a simulated day that is about 4 MB of Python
    objects, in steps while the wearer walks (when the store saves most often), and it looked
    like a leak of Retrowalk's (sys._debugmallocstats: pymalloc's live blocks +4.1 MB a day;
    tracemalloc: live store snapshots back to the start). A real Home Assistant keeps no such
    record.
    """
    for name in ("_async_load", "_async_write_data", "async_remove"):
        recorder = getattr(getattr(storage.Store, name), "mock", None)
        if isinstance(recorder, Mock):
            recorder.reset_mock()


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def trimmed_rss_mib() -> dict[str, float]:
    """RSS after glibc hands its free heap pages back (malloc_trim): live memory, not retention.

    Split as the kernel counts it: anonymous pages (heaps, arenas, stacks: where a leak shows)
    and pages of mapped files (shared libraries' code and data, paged in as code first runs).
    """
    with contextlib.suppress(OSError):  # not glibc: no trimming, the plain RSS
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    parts: dict[str, float] = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile"):
                parts[key.removeprefix("Rss").lower()] = int(value.split()[0]) / 1024
    return parts


def current_rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.fixture(autouse=True)
def _custom(enable_custom_integrations: Any) -> None:
    return


class SimulatedLoopClock:
    """Home Assistant's event-loop clock = real monotonic time + the simulated time streamed."""

    def __init__(self, hass: HomeAssistant) -> None:
        self.offset = 0.0
        self._loop = hass.loop
        self._loop.time = self.time  # type: ignore[method-assign]

    def time(self) -> float:
        return real_monotonic() + self.offset

    def restore(self) -> None:
        del self._loop.time


async def test_soak(
    hass: HomeAssistant, enable_bluetooth: Any, freezer: FrozenDateTimeFactory
) -> None:
    wall_start = real_monotonic()
    logging.getLogger().setLevel(logging.WARNING)
    # Timings go into a buffer allocated and touched before the start figures are taken, so the
    # soak's own bookkeeping does not show up as memory growth. np.zeros would not do: calloc
    # maps fresh zero pages, which count towards RSS only when first written (4 MiB a day).
    handler_ns = np.full(round(HOURS * 3600 * SUPPORTED_RATE / BATCH * 1.5) + 10_000, -1, np.int64)
    n_timed = 0
    gc.collect()
    rss_start = current_rss_mib()
    trimmed_start = trimmed_rss_mib()
    peak_start = peak_rss_mib()
    await hass.config.async_set_time_zone("Europe/Berlin")
    freezer.move_to(START)
    clock = SimulatedLoopClock(hass)
    hass.loop.set_debug(False)  # the test harness's slow-callback checks assume a real clock

    day = PRESETS[PRESET]()
    device = VirtualWearable(
        address=ADDRESS, name=NAME, placement=PLACEMENT, scenario=day, seed=SEED, loop=True
    )
    detach = async_attach_virtual_wearable(hass, device)
    # The same wearer through the same decoder and engine, never disconnected: what Home
    # Assistant counts while connected is judged against it, separating the link's effect from
    # the engine's own accuracy (which the truth comparison mixes in).
    twin = ReferenceRun(day, placement=PLACEMENT, seed=SEED, loop=True)
    await twin.start()

    # Event-loop time spent on each notification's batch (decode is timed separately: it is
    # the protocol's, and runs just before).
    original = RetrowalkCoordinator.async_on_batch

    def timed(self: RetrowalkCoordinator, batch: SampleBatch) -> None:
        nonlocal n_timed
        t0 = real_perf_ns()
        original(self, batch)
        if n_timed < len(handler_ns):
            handler_ns[n_timed] = real_perf_ns() - t0
            n_timed += 1

    RetrowalkCoordinator.async_on_batch = timed  # type: ignore[method-assign]

    writes: dict[int, Counter[str]] = defaultdict(Counter)  # simulated hour → entity → writes

    def on_state(event: Event[Any]) -> None:
        if event.data["entity_id"].startswith(("sensor.", "binary_sensor.", "event.")):
            hour = int((dt_util.utcnow() - START_UTC).total_seconds() // 3600)
            writes[hour][event.data["entity_id"]] += 1

    unlisten = hass.bus.async_listen(EVENT_STATE_CHANGED, on_state)
    nudges: Counter[str] = Counter()

    entry = MockConfigEntry(
        domain=DOMAIN,
        title=NAME,
        unique_id=ADDRESS,
        data={CONF_ADDRESS: ADDRESS, CONF_PROTOCOL: "retrowalk_imu"},
        options={CONF_PLACEMENT: str(PLACEMENT)},
        minor_version=2,
    )
    entry.add_to_hass(hass)
    try:
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        coordinator: RetrowalkCoordinator = entry.runtime_data
        await until(lambda: coordinator.connection.connected)
        coordinator.nudge_events.async_add_listener(lambda nudge: nudges.update([str(nudge.type)]))

        total_s = round(HOURS * 3600)
        rng = random.Random(SEED)
        n_drops = round(DISCONNECTS_PER_DAY * HOURS / 24)
        # Outages of 1-10 min at random times of day (the wearer leaves the proxy's range).
        drops = sorted(rng.sample(range(600, max(601, total_s - 900)), n_drops))
        outages = {start: rng.randint(60, 600) for start in drops}
        walking_hours: set[int] = set()
        rss_samples: list[tuple[float, float]] = []
        trimmed_samples: list[tuple[float, dict[str, float]]] = []
        out_until = -1
        steps_before = 0
        hour_steps: Counter[int] = Counter()
        for second in range(total_s):
            if device.streaming:
                twin.link_up(device.model_seconds)
            else:
                twin.link_down(device.model_seconds)
            if second in outages:
                device.in_range = False
                device.drop_link()
                out_until = second + outages[second]
            if second == out_until:
                device.in_range = True
            left = SUPPORTED_RATE
            while left:
                n = min(BATCH, left)
                device.advance(n)
                twin.device.advance(n)
                left -= n
            freezer.tick(timedelta(seconds=1))
            clock.offset += 1.0
            await asyncio.sleep(0)  # timers now due run (ticks, throttled pushes, backoffs)
            if second % 60 == 59:
                await hass.async_block_till_done()
                steps_now = coordinator.stream.stats.steps
                hour_steps[second // 3600] += steps_now - steps_before
                steps_before = steps_now
            if second % 1800 == 0:
                forget_recorded_writes()
                gc.collect()
                rss_samples.append((second / 3600, current_rss_mib()))
                trimmed_samples.append((second / 3600, trimmed_rss_mib()))
        await hass.async_block_till_done()
        twin.link_down(device.model_seconds)
        twin.finish()
        device.in_range = True
        await until(lambda: coordinator.connection.connected)
        await hass.config_entries.async_unload(entry.entry_id)  # flushes the engine
        await hass.async_block_till_done()

        walking_hours = {h for h, steps in hour_steps.items() if steps >= 100}
        truth = device.truth
        ledger = coordinator.ledger
        counted = Counter(
            {
                Direction.FORWARD: ledger.lifetime.forward,
                Direction.BACKWARD: ledger.lifetime.backward,
            }
        )
        pass_s = scenario_seconds(day)
        full_passes = int(total_s // pass_s)
        one_pass = expected_steps(day)  # the same plan every pass: planned once
        planned = Counter({d: n * full_passes for d, n in one_pass.items() if full_passes})
        idle_s = twin.timeline.idle_seconds(float(total_s))
        per_entity: dict[str, list[int]] = defaultdict(list)
        for hour in sorted(walking_hours):
            for entity_id, n in writes[hour].items():
                per_entity[entity_id].append(n)
        write_rows = sorted(
            ((max(v), statistics.mean(v), e) for e, v in per_entity.items()), reverse=True
        )
        gc.collect()
        rss_end = current_rss_mib()
        trimmed_end = trimmed_rss_mib()
        us = np.sort(handler_ns[:n_timed]) / 1000
        figures = {
            "hours": HOURS,
            "preset": PRESET,
            "placement": str(PLACEMENT),
            "seed": SEED,
            "disconnects": n_drops,
            "outage_seconds": sum(outages.values()),
            "scenario_day_seconds": pass_s,
            "planned_full_passes": {str(d): n for d, n in planned.items()},
            "full_passes": full_passes,
            "true_delivered": {str(d): truth.delivered[d] for d in DIRECTIONS},
            "true_missed": {str(d): truth.missed[d] for d in DIRECTIONS},
            "counted": {str(d): counted[d] for d in DIRECTIONS},
            "twin_while_connected": {str(d): twin.while_connected[d] for d in DIRECTIONS},
            "twin_total": {str(d): twin.totals[d] for d in DIRECTIONS},
            "sideways_true": truth.delivered[Direction.LEFT] + truth.delivered[Direction.RIGHT],
            **false_step_figures(twin.false_steps, idle_s),
            "nudges": dict(nudges),
            "sideways_counted": ledger.lifetime.sideways,
            "gaps": coordinator.stream.stats.gaps,
            "gap_seconds": round(coordinator.stream.stats.gap_seconds, 1),
            "lost_samples": coordinator.stream.stats.lost_samples,
            "decode_errors": dict(coordinator.stream.decode_errors),
            "connections": coordinator.connection.connections,
            "notifications": len(us),
            "handler_us_median": round(float(np.median(us)), 1),
            "handler_us_p99": round(float(np.percentile(us, 99)), 1),
            "handler_us_max": round(float(us[-1]), 1),
            "walking_hours": len(walking_hours),
            "writes_per_walking_hour": [
                {"entity": e, "max": m, "mean": round(a, 1)} for m, a, e in write_rows
            ],
            "rss_mib_start": round(rss_start, 1),
            "rss_mib_end": round(rss_end, 1),
            "rss_mib_trace": [(round(h, 1), round(r, 1)) for h, r in rss_samples],
            **{
                f"trimmed_{kind}_mib_{label}": round(parts[kind], 1)
                for kind in ("anon", "file")
                for label, parts in (("start", trimmed_start), ("end", trimmed_end))
            },
            **{
                f"trimmed_{kind}_mib_trace": [
                    (round(h, 1), round(p[kind], 1)) for h, p in trimmed_samples
                ]
                for kind in ("anon", "file")
            },
            **warm_growth(walking_hours, rss_samples, trimmed_samples, rss_end, trimmed_end),
            "peak_rss_mib_start": round(peak_start, 1),
            "peak_rss_mib_end": round(peak_rss_mib(), 1),
            "wall_seconds": round(real_monotonic() - wall_start, 1),
        }
        report(figures)
        worst = write_rows[0][0] if write_rows else 0
        assert worst <= WRITE_GOAL, write_rows[:3]
        for d in DIRECTIONS:
            assert abs(counted[d] - twin.while_connected[d]) <= 2 + n_drops // 10, (d, counted)
    finally:
        RetrowalkCoordinator.async_on_batch = original  # type: ignore[method-assign]
        unlisten()
        detach()
        clock.restore()


DIRECTIONS = (Direction.FORWARD, Direction.BACKWARD)


def false_step_figures(false_steps: Counter[Any], idle_s: dict[Any, float]) -> dict[str, Any]:
    """False steps while the wearer did not walk: per hour of each activity and overall.

    Judged on the uninterrupted twin (the same engine on the same samples), against the virtual
    truth of what the wearer was doing; steps within WALK_EDGE_S of a walk are the walk's.
    """
    hours = sum(idle_s.values()) / 3600
    total = sum(false_steps.values())
    return {
        "idle_hours": round(hours, 2),
        "false_steps": total,
        "false_steps_per_idle_hour": round(total / hours, 1) if hours else None,
        "false_steps_by_activity": {
            str(activity): {
                "hours": round(seconds / 3600, 2),
                "steps": false_steps[activity],
                "per_hour": round(3600 * false_steps[activity] / seconds, 1),
            }
            for activity, seconds in sorted(idle_s.items(), key=lambda kv: str(kv[0]))
            if seconds > 0
        },
    }


def warm_growth(
    walking_hours: set[int],
    rss: list[tuple[float, float]],
    trimmed: list[tuple[float, dict[str, float]]],
    rss_end: float,
    trimmed_end: dict[str, float],
) -> dict[str, Any]:
    """Memory growth after warm-up: from the end of the first walking hour to the end.

    The first walk runs code paths (and fills caches) nothing ran before; after that, a process
    that keeps nothing per step stays flat however long it streams.
    """
    if not walking_hours:
        return {}
    since = min(walking_hours) + 1.0
    k = next((i for i, (h, _) in enumerate(rss) if h >= since), None)
    if k is None:
        return {}
    return {
        "warm_since_hour": rss[k][0],
        "warm_rss_growth_mib": round(rss_end - rss[k][1], 1),
        "warm_anon_growth_mib": round(trimmed_end["anon"] - trimmed[k][1]["anon"], 1),
    }


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(5000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError("condition not reached")


def report(figures: dict[str, Any]) -> None:
    def pct(counted: int, truth: int) -> str:
        return f"{100 * counted / truth:.1f} %" if truth else "n/a"

    lines = [
        f"soak: {figures['hours']:g} h of the '{figures['preset']}' preset, placement "
        f"{figures['placement']}, seed {figures['seed']}, {figures['disconnects']} disconnects "
        f"({figures['outage_seconds']} s out of range)",
        f"steps (forward / backward; planned for {figures['full_passes']} full passes):",
    ]
    for d in ("forward", "backward"):
        delivered, twin = figures["true_delivered"][d], figures["twin_while_connected"][d]
        counted = figures["counted"][d]
        lines.append(
            f"  {d:8s} planned {figures['planned_full_passes'].get(d, '-')}, "
            f"true while connected {delivered}, missed while away {figures['true_missed'][d]}, "
            f"counted {counted} ({pct(counted, delivered)} of connected); "
            f"uninterrupted twin while connected {twin} (counted - twin: {counted - twin:+d})"
        )
    lines.append(
        f"false steps while not walking (uninterrupted twin): {figures['false_steps']} in "
        f"{figures['idle_hours']:g} h, {figures['false_steps_per_idle_hour']} per hour; "
        "by activity: "
        + ", ".join(
            f"{name} {row['per_hour']:g}/h ({row['steps']} in {row['hours']:g} h)"
            for name, row in figures["false_steps_by_activity"].items()
        )
    )
    lines.append(f"nudges fired: {figures['nudges'] or 'none'}")
    lines += [
        f"gaps {figures['gaps']} ({figures['gap_seconds']} s), "
        f"lost samples {figures['lost_samples']}, "
        f"decode errors {figures['decode_errors'] or 'none'}, connections {figures['connections']}",
        f"event-loop time per notification (coordinator batch handler, {figures['notifications']} "
        f"notifications): median {figures['handler_us_median']} µs, p99 "
        f"{figures['handler_us_p99']} µs, max {figures['handler_us_max']} µs",
        f"state writes per entity per walking hour ({figures['walking_hours']} walking hours; "
        f"goal ≤ {WRITE_GOAL}):",
    ]
    lines += [
        f"  {row['entity']}: max {row['max']}, mean {row['mean']}"
        for row in figures["writes_per_walking_hour"][:8]
    ]
    lines += [
        f"RSS now: start {figures['rss_mib_start']} MiB, end {figures['rss_mib_end']} MiB "
        f"(every 30 min: {' '.join(f'{r:g}' for _h, r in figures['rss_mib_trace'])})",
        *(
            f"RSS after malloc_trim, {title}: start {figures[f'trimmed_{kind}_mib_start']} MiB, "
            f"end {figures[f'trimmed_{kind}_mib_end']} MiB (every 30 min: "
            f"{' '.join(f'{r:g}' for _h, r in figures[f'trimmed_{kind}_mib_trace'])})"
            for kind, title in (("anon", "anonymous"), ("file", "mapped files"))
        ),
        *(
            [
                f"after warm-up (from hour {figures['warm_since_hour']:g}, the end of the first "
                f"walking hour): RSS {figures['warm_rss_growth_mib']:+g} MiB, anonymous after "
                f"malloc_trim {figures['warm_anon_growth_mib']:+g} MiB"
            ]
            if "warm_since_hour" in figures
            else []
        ),
        f"peak RSS: start {figures['peak_rss_mib_start']} MiB, "
        f"end {figures['peak_rss_mib_end']} MiB",
        f"wall time {figures['wall_seconds']} s",
    ]
    text = "\n".join(lines)
    print("\n" + text, file=sys.stderr)
    if REPORT:
        Path(REPORT).write_text(json.dumps(figures, indent=1) + "\n")
