"""The short-walks tool's cutting (tools/bench/short_walks.py): pieces on their own clocks."""

from __future__ import annotations

import numpy as np
import pytest

from tools.bench import daily, short_walks


def _stream(seconds: float, rate: float = 10.0, start: float = 3.0) -> daily.Stream:
    t = start + np.arange(round(seconds * rate)) / rate
    seg = daily.Segment(
        name="w1",
        dataset="d",
        subject="s",
        location="wrist",
        activity="walking",
        walking=True,
        expected="yes",
        duration_s=seconds,
        rate=rate,
        has_gyro=False,
        session="",
        start_s=0.0,
        file="w1.csv",
    )
    acc = np.column_stack([t, 2 * t, 3 * t])
    return daily.Stream(
        key="w1", dataset="d", location="wrist", t=t, acc=acc, gyro=None, segments=[(seg, 0.0)]
    )


def test_a_walk_is_cut_into_whole_pieces_each_starting_at_zero() -> None:
    stream = _stream(25.0)
    pieces = short_walks.cut(stream, 10.0)
    assert [start for start, _ in pieces] == pytest.approx([3.0, 13.0])  # the last 5 s dropped
    for start, piece in pieces:
        assert len(piece.t) == 100
        assert piece.t[0] == pytest.approx(0.0)
        # The samples are the segment's own, moved onto the piece's clock.
        assert piece.acc[:, 0] == pytest.approx(piece.t + start)
        ((seg, offset),) = piece.segments
        assert offset == 0.0 and seg.name.startswith("w1@")
    assert pieces[0][1].segments[0][0].name != pieces[1][1].segments[0][0].name


def test_a_walk_shorter_than_a_piece_gives_none_and_an_exact_one_one() -> None:
    assert short_walks.cut(_stream(9.9), 10.0) == []
    assert len(short_walks.cut(_stream(10.0), 10.0)) == 1


def test_steps_per_minute_are_a_median_with_quartiles() -> None:
    assert short_walks.per_minute([10, 20, 30], 10.0) == "120 [90-150]"
    assert short_walks.per_minute([], 10.0) == "-"
