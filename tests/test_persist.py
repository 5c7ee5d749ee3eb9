"""persist.py: what survives a restart — the coordinator's state to and from the store's JSON."""

from collections.abc import Callable
import json
from typing import Any

from homeassistant.core import HomeAssistant
import pytest

from custom_components.retrowalk.gait import Bout, Direction, GaitEngine, Placement
from custom_components.retrowalk.persist import (
    engine_from_calibration,
    restore,
    to_store,
    walks_from_dict,
    walks_to_dict,
)

from .common import Start, state, stored_state

BACKWARD_BOUT = Bout(
    start=10.0,
    end=30.0,
    direction=Direction.BACKWARD,
    steps=24,
    stride_length_m=0.7,
    speed_m_s=0.5,
    step_time_cv=0.04,
)
FORWARD_BOUT = Bout(start=40.0, end=50.0, direction=Direction.FORWARD, steps=12)


def _engine(placement: Placement, backward: int) -> dict[str, Any]:
    """A stored engine state whose counters say `backward` steps were counted."""
    data = GaitEngine(placement).to_dict()
    data["totals"] = {"backward": backward}
    return data


def test_last_walks_round_trip_through_json() -> None:
    walks = {Direction.BACKWARD: BACKWARD_BOUT, Direction.FORWARD: FORWARD_BOUT}
    data = json.loads(json.dumps(walks_to_dict(walks)))
    assert data["backward"]["direction"] == "backward"
    assert walks_from_dict(data) == walks


@pytest.mark.parametrize("data", [None, [], "garbage", {}])
def test_no_stored_walks_are_no_walks(data: Any) -> None:
    assert walks_from_dict(data) == {}


def test_a_malformed_walk_is_skipped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    good = walks_to_dict({Direction.BACKWARD: BACKWARD_BOUT})["backward"]
    data = {
        "backward": good,
        "forward": good | {"direction": "forward", "speed_m_s": "fast"},
        "sideways": good | {"direction": "sideways"},
        "short": {"start": 1.0},
    }
    assert walks_from_dict(data) == {Direction.BACKWARD: BACKWARD_BOUT}
    assert caplog.text.count("Ignoring a malformed last walk") == 3


def test_an_unreadable_calibration_gives_no_engine(caplog: pytest.LogCaptureFixture) -> None:
    assert engine_from_calibration("Shoe", Placement.FOOT, {"version": -1}) is None
    assert "Ignoring the unreadable calibration stored for Shoe" in caplog.text
    engine = engine_from_calibration("Shoe", Placement.FOOT, _engine(Placement.FOOT, 7))
    assert engine is not None
    assert engine.placement is Placement.FOOT
    assert engine.totals[Direction.BACKWARD] == 7


async def test_the_state_round_trips_through_the_store(start: Start) -> None:
    stored = stored_state(
        {"forward": 100, "backward": 24},
        {"forward": 900, "backward": 240},
        engine=_engine(Placement.FOOT, 240),
        last_walk=walks_to_dict({Direction.BACKWARD: BACKWARD_BOUT}),
        last_seen="2026-06-01T08:00:00+00:00",
    )
    _, coordinator, _ = await start(stored=stored)
    data = json.loads(json.dumps(to_store(coordinator)))  # JSON-safe
    assert data["placement"] == "foot"
    assert data["ledger"]["today"]["backward"] == 24
    assert data["ledger"]["lifetime"]["forward"] == 900
    assert data["engine"]["totals"]["backward"] == 240
    assert data["last_walk"] == stored["last_walk"]
    assert data["last_seen"] == coordinator.presence.last_seen.isoformat()
    assert data["walk_tests"] == [] and data["last_session"] is None

    # What was written restores to the same state.
    ledger = coordinator.ledger.to_dict()
    walks = coordinator.stream.last_walk
    coordinator.ledger.today.backward += 5
    coordinator.stream.last_walk = {}
    restore(coordinator, data)
    assert coordinator.ledger.to_dict() == ledger
    assert coordinator.stream.last_walk == walks
    assert coordinator.stream.engine.totals[Direction.BACKWARD] == 240


async def test_calibration_and_walks_of_another_placement_are_dropped(start: Start) -> None:
    """The wearable was moved (wrist to foot) while Home Assistant was down: the counts stay,
    the learned axes and the measured walks belong to the wrist and are not used."""
    stored = stored_state(
        {"backward": 24},
        {"backward": 24},
        placement="wrist",
        engine=_engine(Placement.WRIST, 99),
        last_walk=walks_to_dict({Direction.BACKWARD: BACKWARD_BOUT}),
    )
    _, coordinator, _ = await start(stored=stored)
    assert coordinator.ledger.today.backward == 24
    assert coordinator.stream.engine.placement is Placement.FOOT
    assert coordinator.stream.engine.totals.get(Direction.BACKWARD, 0) != 99
    assert coordinator.stream.last_walk == {}


async def test_malformed_content_raises_before_anything_changes(start: Start) -> None:
    _, coordinator, _ = await start(stored=stored_state({"backward": 24}))
    before = to_store(coordinator)
    good = json.loads(json.dumps(before))
    for broken in (
        {k: v for k, v in good.items() if k != "ledger"},
        good | {"nudges": "garbage"},
        # Times without a zone cannot be compared with the clock's: they would fail later, at
        # every notification (the ledger) or tick (the nudge policy), instead of now.
        good | {"ledger": good["ledger"] | {"last_step": "2026-06-01T08:00:00"}},
        good | {"nudges": good["nudges"] | {"last_walk": "2026-06-01T08:00:00"}},
    ):
        with pytest.raises((KeyError, ValueError, TypeError, AttributeError)):
            restore(coordinator, broken)
        assert to_store(coordinator) == before


async def test_last_walks_survive_a_restart_and_a_malformed_one_is_skipped(
    hass: HomeAssistant, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    walk = {"start": 10.0, "end": 30.0, "steps": 24, "step_time_cv": 0.04}
    stored = stored_state(
        {"backward": 24},
        {"backward": 24},
        last_walk={
            "backward": walk | {"direction": "backward", "stride_length_m": 0.7, "speed_m_s": 0.5},
            "forward": walk | {"direction": "forward", "speed_m_s": "fast"},
        },
    )
    _, coordinator, _ = await start(stored=stored)
    assert coordinator.ledger.today.backward == 24  # the counts are not lost to a bad walk
    assert state(hass, "sensor.retrowalk_imu_test_backward_walking_speed").state == "0.5"
    assert state(hass, "sensor.retrowalk_imu_test_backward_stride_length").state == "0.7"
    assert state(hass, "sensor.retrowalk_imu_test_backward_step_time_variability").state == "4.0"
    assert state(hass, "sensor.retrowalk_imu_test_forward_walking_speed").state == "unknown"
    assert "Ignoring a malformed last walk" in caplog.text


async def _restore_broken(
    start: Start,
    broken: Callable[[dict[str, Any]], dict[str, Any]],
    placement: Placement = Placement.FOOT,
) -> tuple[Any, Any, Any]:
    """Restore a store of 30 backward steps that `broken` spoiled; the counts must come back.

    Returns the coordinator, and its last-seen time and engine from before the restore.
    """
    stored = stored_state({"backward": 24}, placement=str(placement))
    _, coordinator, _ = await start(placement=placement, stored=stored)
    data = json.loads(json.dumps(to_store(coordinator)))
    data["ledger"]["today"]["backward"] = 30
    seen, engine = coordinator.presence.last_seen, coordinator.stream.engine
    restore(coordinator, broken(data))
    assert coordinator.ledger.today.backward == 30
    return coordinator, seen, engine


@pytest.mark.parametrize("last_seen", ["garbage", "2026-06-01T08:00:00", 17])
async def test_a_malformed_last_seen_is_skipped_and_the_counts_kept(
    start: Start, caplog: pytest.LogCaptureFixture, last_seen: Any
) -> None:
    """Presence is no reason to fall back to an hour-old backup: the counts restore."""
    coordinator, seen, _ = await _restore_broken(start, lambda d: d | {"last_seen": last_seen})
    assert coordinator.presence.last_seen == seen
    assert "Ignoring a malformed last-seen time in the store" in caplog.text


@pytest.mark.parametrize(
    "engine",
    [
        {"version": -1, "placement": "foot"},  # an engine version this one cannot read
        "garbage",
        None,
    ],
)
async def test_a_malformed_engine_state_is_skipped_and_the_counts_kept(
    start: Start, caplog: pytest.LogCaptureFixture, engine: Any
) -> None:
    """What the engine learned is no reason to lose the counts (the backup holds it too)."""
    coordinator, _, current = await _restore_broken(start, lambda d: d | {"engine": engine})
    assert coordinator.stream.engine is current
    if engine is not None:
        assert "Ignoring the engine state in the store" in caplog.text


@pytest.mark.parametrize("gate", [{"sign": 2, "votes": []}, {"votes": [1, 0]}, "garbage"])
async def test_a_malformed_learned_hanging_side_costs_only_itself(
    start: Start, caplog: pytest.LogCaptureFixture, gate: Any
) -> None:
    """The wrist gate's learned side is part of the engine state: a bad one costs only itself.

    The counts, the forward axes the detector learned and the calibration walk are restored.
    """
    learned = {"auto": [0.6, 0.8, 0.0], "auto_weight": 40.0, "calibrated": [0.0, 1.0, 0.0]}

    def broken(data: dict[str, Any]) -> dict[str, Any]:
        engine = data["engine"]
        engine["detector"] |= learned | {"calibrated_steps": 20}
        engine["calibration"] = {"done": True, "quality": 0.9}
        return data | {"engine": engine | {"gate": gate}}

    coordinator, _, current = await _restore_broken(start, broken, Placement.WRIST)
    assert coordinator.stream.engine is not current
    assert coordinator.stream.engine.calibration.done
    restored = coordinator.stored()["engine"]
    assert restored["detector"] | learned == restored["detector"]
    assert restored["gate"] == {"sign": 0, "votes": []}
    assert "Ignoring the walking gate's learned state" in caplog.text
    assert "Ignoring the engine state in the store" not in caplog.text
