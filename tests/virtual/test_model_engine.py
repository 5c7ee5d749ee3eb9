"""End to end: the real gait engine counts the virtual wearer's steps per direction.

The model is physically consistent, not tuned to the engine: a failure here is either a physics
mistake in the model or a weakness of the engine, to be told apart by looking at the signal.
"""

from __future__ import annotations

from collections import Counter

import pytest

from custom_components.retrowalk.gait import GaitEngine, Placement
from custom_components.retrowalk.gait.types import Direction
from custom_components.retrowalk_virtual.model import ScenarioStream, parse_scenario

SPEC = "stand:3s,forward:60,backward:40,forward:40,backward:30,stand:3s"
BATCH = 20


def _count(
    spec: str, placement: Placement, seed: int
) -> tuple[Counter[Direction], Counter[Direction]]:
    stream = ScenarioStream(parse_scenario(spec), placement, seed=seed)
    engine = GaitEngine(placement)
    counted: Counter[Direction] = Counter()
    while not stream.finished:
        chunk = stream.read(BATCH)
        update = engine.process(chunk.t, chunk.acc, chunk.gyro)
        counted.update(step.direction for step in update.steps)
    engine.flush()
    return stream.truth(), counted


@pytest.mark.parametrize("placement", [Placement.FOOT, Placement.WAIST, Placement.THIGH])
@pytest.mark.parametrize("seed", [0, 1])
def test_engine_counts_within_ten_percent_each_direction_where_it_claims_one(
    placement: Placement, seed: int
) -> None:
    truth, counted = _count(SPEC, placement, seed)
    print(placement, seed, dict(truth), dict(counted))
    assert truth == Counter({Direction.FORWARD: 100, Direction.BACKWARD: 70})
    total = sum(counted.values())
    assert abs(total - truth.total()) <= 0.1 * truth.total()
    for direction in (Direction.FORWARD, Direction.BACKWARD):
        assert abs(counted[direction] - truth[direction]) <= 0.1 * truth[direction], direction
