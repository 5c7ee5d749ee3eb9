"""At the wrist, where the engine's direction is chance, steps count forward unless declared."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import numpy as np
import pytest

from custom_components.retrowalk.counted import as_counted
from custom_components.retrowalk.devices.base import SampleBatch
from custom_components.retrowalk.gait import Bout, Direction, EngineUpdate, Placement, StepEvent
from custom_components.retrowalk.gait.advice import direction_is_chance

from .common import Start, wait_for

B, F = Direction.BACKWARD, Direction.FORWARD


def update(directions: list[Direction], walk: Direction | None = B) -> EngineUpdate:
    steps = tuple(
        StepEvent(t=1.0 + 0.6 * k, direction=d, confidence=0.5) for k, d in enumerate(directions)
    )
    bout = Bout(start=1.0, end=1.0 + 0.6 * len(steps), direction=B, steps=len(steps))
    return EngineUpdate(
        steps=steps, bouts=(bout,), walking=True, direction=walk, cadence=100.0, gap_s=0.0
    )


def test_only_the_wrist_is_chance() -> None:
    assert [p for p in Placement if direction_is_chance(p)] == [Placement.WRIST]


def test_at_the_wrist_every_direction_counts_forward() -> None:
    raw = update([B, F, B, Direction.LEFT])
    got = as_counted(raw, Placement.WRIST, session=False)
    assert [s.direction for s in got.steps] == [F] * 4
    assert [s.t for s in got.steps] == [s.t for s in raw.steps]
    assert [b.direction for b in got.bouts] == [F]
    assert got.direction is F
    assert as_counted(update([B], walk=None), Placement.WRIST, session=True).direction is None
    # In a session the steps are declared backward: the live walk shows it.
    assert as_counted(raw, Placement.WRIST, session=True).direction is B


@pytest.mark.parametrize("placement", [p for p in Placement if p is not Placement.WRIST])
def test_elsewhere_the_engine_s_directions_count(placement: Placement) -> None:
    raw = update([B, F, B])
    assert as_counted(raw, placement, session=False) is raw
    assert as_counted(raw, placement, session=True) is raw


@pytest.mark.parametrize(
    ("placement", "session", "backward", "declared"),
    [
        (Placement.WRIST, False, 0, 0),  # chance labels fill no backward goal
        (Placement.WRIST, True, 5, 5),  # in a session all five on the user's word
        (Placement.THIGH, False, 3, 0),  # mostly right: the engine's labels stand
        (Placement.WAIST, False, 3, 0),
    ],
)
async def test_what_the_ledger_counts_of_chance_labels(
    hass: HomeAssistant,
    start: Start,
    monkeypatch: pytest.MonkeyPatch,
    placement: Placement,
    session: bool,
    backward: int,
    declared: int,
) -> None:
    device, coordinator, _ = await start(placement=placement, loop=False)
    if session:
        coordinator.async_start_session()
    burst = update([B, F, B, F, B])
    # The engine is stood in for: which steps an engine finds is not what is tested here.
    monkeypatch.setattr(coordinator.stream.engine, "process", lambda *_: burst)
    t = np.linspace(0.0, 4.0, 200)
    coordinator.async_on_batch(SampleBatch(t=t, acc=np.tile([0.0, 0.0, 9.81], (200, 1)), gyro=None))
    today = coordinator.ledger.today
    assert (today.backward, today.declared_backward, today.forward) == (
        backward,
        declared,
        5 - backward,
    )
    # The nudge policy sees the walk (5 steps, WALK_STEPS 4) as backward as the ledger does,
    # and so does the live walk.
    assert (coordinator.nudges.last_backward is not None) == (backward > 0)
    assert coordinator.stream.direction is (B if backward else F)
    device.drop_link()
    await wait_for(lambda: not coordinator.connection.connected)
