"""The waist-turn tool (tools/bench/waist_turn.py) on signals written here: a swinging pocket
turns the sensor more than a trunk's walk, windows end once a second inside the stretch, and
the limit is the largest 99th percentile of the waist-worn walking. Synthetic signals: they test
the tool, not the engine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from custom_components.retrowalk.gait.trunk_params import WAIST_TURN_DEG
from tools.bench import waist_turn

from ..gait.test_trunk import trunk_walk
from ..gait.test_trunk_swing import pocket_walk


def test_a_pocket_turns_more_than_a_trunk_once_a_second_inside_the_walk() -> None:
    pocket = pocket_walk(16)
    start, end = float(pocket.steps[0]), float(pocket.steps[-1])
    got = waist_turn.turns(pocket.t, pocket.acc, start, end)
    # Windows of 4 s ending once a second from start + 4 s to the end.
    assert len(got) == math.floor(end - start - 4.0) + 1
    assert min(got) > WAIST_TURN_DEG
    assert max(got) == pytest.approx(20 / math.sqrt(2), abs=1.0)
    trunk = trunk_walk(30)
    got = waist_turn.turns(trunk.t, trunk.acc, float(trunk.steps[0]), float(trunk.steps[-1]))
    assert got and max(got) < WAIST_TURN_DEG


def test_the_limit_is_the_largest_99th_percentile_of_waist_worn_walking() -> None:
    got = {
        "hapt waist": [float(x) for x in range(101)],  # 99th percentile 99
        "umafall waist": [5.0] * 10,
        "oxford FrontPocket": [500.0] * 10,  # not waist-worn
    }
    assert waist_turn.waist_limit(got) == pytest.approx(99.0)
    header, rows = waist_turn.table(got)
    assert [r[0] for r in rows] == ["hapt waist", "oxford FrontPocket", "umafall waist"]
    assert rows[2][header.index("p50")] == "5.0"
    assert np.isnan(waist_turn.waist_limit({"oxford FrontPocket": [500.0]}))
