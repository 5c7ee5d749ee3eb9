"""The streaming contract of the virtual wearable's signal model."""

from __future__ import annotations

from collections import Counter
import time

import numpy as np
import pytest

from custom_components.retrowalk.gait.types import Direction, Placement
from custom_components.retrowalk_virtual.model import (
    BLOCK,
    Chunk,
    ScenarioStream,
    Segment,
    expected_steps,
    parse_scenario,
    scenario_seconds,
)

SPEC = "sit:5s,forward:12,backward:8,left:4,right:4,stand:3s"


def _read_all(stream: ScenarioStream, size: int) -> tuple[Chunk, list[Chunk]]:
    chunks = []
    while not stream.finished:
        chunk = stream.read(size)
        assert 0 < len(chunk.t) <= size
        chunks.append(chunk)
    steps = tuple(s for c in chunks for s in c.steps)
    whole = Chunk(
        t=np.concatenate([c.t for c in chunks]),
        acc=np.concatenate([c.acc for c in chunks]),
        gyro=np.concatenate([c.gyro for c in chunks]),
        steps=steps,
    )
    return whole, chunks


@pytest.mark.parametrize("placement", [Placement.FOOT, Placement.WRIST])
def test_chunk_size_does_not_change_the_samples(placement: Placement) -> None:
    scenario = parse_scenario(SPEC)
    small, _ = _read_all(ScenarioStream(scenario, placement, seed=4), 7)
    large, _ = _read_all(ScenarioStream(scenario, placement, seed=4), 500)
    odd, _ = _read_all(ScenarioStream(scenario, placement, seed=4), BLOCK + 3)
    for other in (large, odd):
        np.testing.assert_array_equal(small.t, other.t)
        np.testing.assert_array_equal(small.acc, other.acc)
        np.testing.assert_array_equal(small.gyro, other.gyro)
        assert small.steps == other.steps


def test_same_seed_same_wearer_other_seed_other_wearer() -> None:
    scenario = parse_scenario(SPEC)
    a = ScenarioStream(scenario, Placement.WAIST, seed=11).read(3000)
    b = ScenarioStream(scenario, Placement.WAIST, seed=11).read(3000)
    c = ScenarioStream(scenario, Placement.WAIST, seed=12).read(3000)
    np.testing.assert_array_equal(a.acc, b.acc)
    np.testing.assert_array_equal(a.gyro, b.gyro)
    assert a.steps == b.steps
    assert not np.allclose(a.acc, c.acc, atol=0.2)
    assert [s[0] for s in a.steps] != [s[0] for s in c.steps]  # step timing jitters by seed


def test_truth_counts_equal_the_scenario_steps() -> None:
    scenario = parse_scenario(SPEC + ",forward:30s,sit:4s")
    stream = ScenarioStream(scenario, Placement.FOOT)
    whole, chunks = _read_all(stream, 97)
    truth = stream.truth()
    # 30 s at 105 steps/min is 52.5 step periods, less the time to start and to stop.
    assert truth[Direction.FORWARD] == 12 + 50
    assert (truth[Direction.BACKWARD], truth[Direction.LEFT], truth[Direction.RIGHT]) == (8, 4, 4)
    assert Counter(d for _, d in whole.steps) == truth
    # Every step is reported with the chunk holding the first sample at or after it.
    for chunk in chunks:
        for t_step, _ in chunk.steps:
            assert chunk.t[0] - 1 / 104 < t_step <= chunk.t[-1] + 1e-9


def _finished(stream: ScenarioStream) -> bool:
    # A function call keeps mypy from narrowing the property across reads.
    return stream.finished


def _current(stream: ScenarioStream) -> Segment | None:
    return stream.current


def test_stream_properties_follow_the_scenario() -> None:
    scenario = [
        Segment(activity="sit", seconds=2.0),  # type: ignore[arg-type]
        Segment(activity="forward", steps=4),  # type: ignore[arg-type]
    ]
    stream = ScenarioStream(scenario, Placement.CHEST, rate=52.0)
    assert stream.current == scenario[0]
    assert stream.position_s == 0.0
    assert not _finished(stream)
    first = stream.read(52)
    np.testing.assert_allclose(first.t, np.arange(52) / 52.0)
    assert stream.position_s == pytest.approx(1.0)
    stream.read(52)
    assert stream.current == scenario[1]
    rest = stream.read(10**6)
    assert len(rest.t) > 0
    assert _finished(stream)
    assert _current(stream) is None
    assert len(stream.read(10).t) == 0
    assert stream.truth() == Counter({Direction.FORWARD: 4})
    with pytest.raises(ValueError, match="negative"):
        stream.read(-1)


def test_loop_keeps_going_with_continuous_time() -> None:
    scenario = parse_scenario("stand:2s,forward:4")
    stream = ScenarioStream(scenario, Placement.WAIST, loop=True)
    chunk = stream.read(104 * 60)
    assert len(chunk.t) == 104 * 60
    assert not stream.finished
    np.testing.assert_allclose(np.diff(chunk.t), 1 / 104)
    # Each repetition lasts 2 s + 3.7 s (standing still, 4 steps at 105/min, stopping).
    assert 4 * 10 <= stream.truth()[Direction.FORWARD] <= 4 * 11
    assert stream.current is not None


def test_a_watch_is_worn_as_a_watch() -> None:
    # Not a random rotation: x along the forearm towards the hand, so a hanging arm (standing)
    # reads gravity along -x, whatever the seed, as real left-wrist watches do.
    for seed in (1, 2):
        stream = ScenarioStream(parse_scenario("stand:2s"), Placement.WRIST, seed=seed)
        still = stream.read(50).acc.mean(axis=0)
        assert still[0] < -0.9 * 9.80665, still


def test_default_mounting_is_a_seeded_nontrivial_rotation() -> None:
    scenario = parse_scenario("stand:2s")
    a = ScenarioStream(scenario, Placement.FOOT, seed=1)
    b = ScenarioStream(scenario, Placement.FOOT, seed=1)
    c = ScenarioStream(scenario, Placement.FOOT, seed=2)
    np.testing.assert_array_equal(a.mounting, b.mounting)
    assert not np.allclose(a.mounting, c.mounting)
    assert not np.allclose(a.mounting, np.eye(3), atol=0.2)
    np.testing.assert_allclose(a.mounting @ a.mounting.T, np.eye(3), atol=1e-12)
    # The foot stands flat, so gravity shows in the sensor frame along the mounting's up.
    still = a.read(50).acc.mean(axis=0)
    np.testing.assert_allclose(still, a.mounting @ [0.0, 0.0, 9.80665], atol=0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mounting": np.diag([1.0, 1.0, -1.0])}, "proper rotation"),
        ({"mounting": np.eye(2)}, "3x3"),
        ({"rate": 0.0}, "rate"),
        ({"rate": float("nan")}, "rate"),
    ],
)
def test_bad_stream_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ScenarioStream(parse_scenario("sit:1s"), Placement.FOOT, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-empty"):
        ScenarioStream([], Placement.FOOT)


@pytest.mark.parametrize("rate", [12.5, 52.0, 208.0])
def test_other_rates_keep_the_physics(rate: float) -> None:
    stream = ScenarioStream(
        parse_scenario("stand:2s,forward:8,stand:2s"), Placement.WAIST, rate=rate
    )
    chunk = stream.read(10**6)
    assert chunk.t[-1] == pytest.approx((len(chunk.t) - 1) / rate)
    norm = np.linalg.norm(chunk.acc, axis=1)
    assert abs(float(np.median(norm)) - 9.80665) < 0.3
    assert 1.0 < float(np.ptp(norm)) < 12.0
    assert stream.truth()[Direction.FORWARD] == 8


def test_generation_speed() -> None:
    """Goal: >= 1 M samples/s of CPU time; asserted loosely (shared CI machines are noisy)."""
    scenario = parse_scenario("sit:20min,forward:600,stand:5min,backward:300,sit:10min")
    rates = {}
    for placement in (Placement.FOOT, Placement.WAIST, Placement.WRIST):
        best = 0.0
        for _ in range(2):
            stream = ScenarioStream(scenario, placement)
            start = time.process_time()
            n = 0
            while not stream.finished:
                n += len(stream.read(20_000).t)
            best = max(best, n / max(time.process_time() - start, 1e-9))
        rates[placement] = best
    print({str(p): f"{r / 1e6:.2f} M samples/s" for p, r in rates.items()})
    assert min(rates.values()) > 0.3e6


def test_expected_steps_and_length_without_rendering() -> None:
    scenario = parse_scenario("sit:3s,forward:9,backward:20s,left:3,stand:2s")
    expected = expected_steps(scenario)
    assert expected[Direction.FORWARD] == 9
    assert expected[Direction.LEFT] == 3
    stream = ScenarioStream(scenario, Placement.FOOT, seed=8)
    chunk = stream.read(10**6)
    assert stream.truth() == expected
    assert scenario_seconds(scenario) == pytest.approx(len(chunk.t) / 104.0, abs=1 / 104.0)
    assert scenario_seconds(parse_scenario("day")) == pytest.approx(86400.0)
