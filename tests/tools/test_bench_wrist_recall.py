"""wrist_recall's comparison of the wrist with the pocket on the same walks."""

from __future__ import annotations

import numpy as np

from tools.bench.daily import Segment, Stream
from tools.bench.gate_eval import per_segment
from tools.bench.wrist_recall import against_pocket, walk_steps


def _segment(activity: str, walking: bool, start: float, duration: float) -> Segment:
    return Segment(
        name=f"s_{activity}_{start}",
        dataset="spsw",
        subject="spsw-s01",
        location="wrist",
        activity=activity,
        walking=walking,
        expected="yes" if walking else "maybe",
        duration_s=duration,
        rate=100.0,
        has_gyro=True,
        session="s01_01",
        start_s=start,
        file="",
    )


def test_walk_steps_counts_walking_and_turning_only() -> None:
    parts = [
        ("standing_up", False, 0.0, 1.0),
        ("walking", True, 1.0, 2.0),
        ("turning", True, 3.0, 1.0),
        ("sitting_down", False, 4.0, 1.0),
    ]
    stream = Stream(
        key="k",
        dataset="spsw",
        location="wrist",
        t=np.arange(0.0, 5.0, 0.01),
        acc=np.zeros((500, 3)),
        gyro=None,
        segments=[(_segment(a, w, s, d), s) for a, w, s, d in parts],
    )
    steps = np.array([0.5, 1.2, 1.8, 2.6, 3.4, 4.5])  # one standing up, four walking, one sitting
    assert walk_steps(per_segment(stream, steps)) == {"s01_01": 4}


def test_against_pocket_takes_the_walks_both_counted() -> None:
    wrist = {"a": 8, "b": 0, "c": 5}
    pocket = {"a": 10, "b": 11, "d": 9}  # "c" has no pocket, "d" no wrist: left out
    assert against_pocket(wrist, pocket) == (8, 21, 1, 2)
