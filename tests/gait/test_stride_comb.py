"""The wrist's stride comb (gait/stride_comb.py): it finds a stride-locked walk's soft steps, turns
on only where the stride is measured, keeps a walk across a short gap in the data, never sustains
itself, and leaves the output independent of the caller's batching.

Synthetic signals: a hanging watch whose arm swing locks the detector onto the stride
(test_gate_stride_fill.wrist_walk), and irregular arm movement that does not repeat.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from custom_components.retrowalk.gait import GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.stride_comb import CombParams, StrideComb, autocorrelation
from custom_components.retrowalk.gait.trunk import TrunkDetector
from custom_components.retrowalk.gait.trunk_params import TrunkParams, shipped_params
from tools.bench import daily

from ..data import shared
from .test_gate_stride_fill import HANGING, G, K, wrist_walk

FS = 50.0
STRIDE = 1.1  # wrist_walk's stride (two 0.55 s steps)


def candidates(
    t: np.ndarray,
    acc: np.ndarray,
    *,
    comb: bool = True,
    batch: int = 20,
    gated: bool = False,
) -> list[StepEvent]:
    """Every step candidate of the wrist detector (`gated`: the steps the gate counts of them),
    `batch` samples at a time; `comb`: the detector's stride comb as shipped, else off (the
    arm's swing measured for the gate as shipped either way)."""
    params = shipped_params(Placement.WRIST)
    if not comb:
        params = replace(params, comb=None)
    engine = GaitEngine(
        Placement.WRIST, gated=gated, detector=TrunkDetector(Placement.WRIST, params)
    )
    out: list[StepEvent] = []
    for i in range(0, len(t), batch):
        out += engine.process(t[i : i + batch], acc[i : i + batch]).steps
    return out + list(engine.flush().steps)


def hanging_history(vertical: np.ndarray) -> np.ndarray:
    """A hanging watch's raw acceleration for this vertical signal (m/s^2 about 1 g)."""
    return np.outer(G + vertical, HANGING)


def comb() -> StrideComb:
    """The wrist detector's stride comb, as the detector builds it."""
    c = TrunkDetector(Placement.WRIST)._comb
    assert c is not None
    return c


def test_the_autocorrelation_is_the_overlaps_normalised_product() -> None:
    x = np.random.default_rng(3).normal(size=200)
    x -= x.mean()
    lags = np.arange(1, 120)
    expected = [
        float(x[k:] @ x[:-k]) / np.sqrt(float(x[k:] @ x[k:]) * float(x[:-k] @ x[:-k])) for k in lags
    ]
    assert np.allclose(autocorrelation(x, lags), expected)
    assert autocorrelation(np.zeros(50), np.arange(1, 10)).tolist() == [0.0] * 9


@pytest.fixture(scope="module")
def partly_locked() -> tuple[np.ndarray, np.ndarray]:
    """A real partly locked wrist walk: WISDM subject 1608's two minutes of walking, where the
    detector alone finds one candidate per stride for the first 9 s and now and then after."""
    base = shared("daily-living")
    (seg,) = [
        s
        for s in daily.select(daily.read_labels(base), datasets=["wisdm_reduced"])
        if s.subject == "wisdm_reduced-1608" and s.location == "wrist" and s.activity == "walking"
    ]
    t, acc, _ = daily.load_segment(base, seg)
    return t, acc


@pytest.mark.parametrize("batch", [1, 7, 20, 333])
def test_a_partly_locked_real_walk_is_counted_step_by_step_whatever_the_batch(
    partly_locked: tuple[np.ndarray, np.ndarray], batch: int
) -> None:
    t, acc = partly_locked
    got = candidates(t, acc, batch=batch)
    assert got == candidates(t, acc, batch=20)
    # 144 candidates without the comb, 206 with it (its spectrum says 242 steps).
    assert len(got) >= 1.3 * len(candidates(t, acc, comb=False))


def test_the_comb_keeps_a_real_walk_across_a_short_gap(
    partly_locked: tuple[np.ndarray, np.ndarray],
) -> None:
    """A lost link for 0.3 s mid-walk: the history starts again (too short to measure the
    stride for 6.4 s), but the walk goes on, and so does the comb."""
    t, acc = partly_locked
    whole = [s.t for s in candidates(t, acc) if 60.0 < s.t < 66.0]
    hole = (t > 59.7) & (t < 60.0)
    cut = [s.t for s in candidates(t[~hole], acc[~hole]) if 60.0 < s.t < 66.0]
    assert len(whole) >= 11  # a step every ~0.5 s
    assert len(cut) >= len(whole) - 1


def test_a_walk_locked_onto_the_stride_throughout_is_left_to_the_stride_fill() -> None:
    t, acc = wrist_walk(4 * K)
    assert candidates(t, acc) == candidates(t, acc, comb=False)


def feed(
    c: StrideComb, acc: np.ndarray, med: float | None, count: int = 0, *, mixed: bool = True
) -> list[int]:
    """The comb's delays for `acc` arriving in 12-sample blocks (a 50 Hz detector's 0.25 s),
    the bout's candidates `med` apart (once half that if `mixed`; None: no bout)."""
    intervals = [] if med is None else [med] * 5 + ([med / 2] if mixed else [med])
    return [c.delay(acc[i : i + 12], count + i, intervals) for i in range(0, len(acc), 12)]


def swing(seconds: float, start: float = 0.0) -> np.ndarray:
    """A hanging arm swinging once per stride from `start` (s): the signal repeats with it."""
    t = np.arange(start, start + seconds, 1 / FS)
    return hanging_history(2.0 * np.cos(2 * np.pi * t / STRIDE))


def test_the_comb_turns_on_only_where_the_stride_is_measured() -> None:
    c = comb()
    delays = feed(c, swing(8.0), med=STRIDE)
    on = next(i for i, d in enumerate(delays) if d)
    # The history must hold four strides' lags' worth (6.4 s) before the stride is measured.
    assert 6.4 <= on * 12 / FS <= 6.4 + 1.25
    assert delays[-1] == round(STRIDE / 2 * FS)
    assert c.period == pytest.approx(STRIDE, abs=1 / FS)
    # Candidates a step apart once the comb shows the steps: it stays.
    assert set(feed(c, swing(3.0, start=8.0), med=STRIDE / 2, count=400)) == {
        round(STRIDE / 2 * FS)
    }
    # The bout ended: off.
    assert feed(c, swing(0.2), med=None, count=600) == [0]


def test_the_comb_keeps_the_walk_but_not_the_history_across_a_gap() -> None:
    c = comb()
    feed(c, swing(8.0), med=STRIDE)
    assert c.period is not None
    c.forget_signal()
    # Kept while the bout goes on, though nothing can be measured for 6.4 s.
    assert set(feed(c, swing(3.0, start=8.5), med=STRIDE)) == {round(STRIDE / 2 * FS)}
    c.reset()
    assert c.period is None
    assert set(feed(c, swing(3.0), med=STRIDE)) == {0}


def test_candidates_a_stride_apart_are_not_enough() -> None:
    c = comb()
    # Locked onto the stride throughout (the gate's stride fill counts that walk), an interval
    # too short to be a stride (0.6 s), or a level forearm: never on.
    assert set(feed(c, swing(10.0), med=STRIDE, mixed=False)) == {0}
    assert set(feed(c, swing(10.0), med=0.6)) == {0}
    t = np.arange(0, 10.0, 1 / FS)
    level = np.outer(G + 2.0 * np.cos(2 * np.pi * t / STRIDE), (0.0, 0.0, 1.0))
    assert set(feed(comb(), level, med=STRIDE)) == {0}


def test_the_comb_turns_off_where_the_signal_stops_repeating() -> None:
    """Re-measured on the unfiltered history, so the comb's own copies of each jolt half a
    stride later cannot keep it on."""
    c = comb()
    feed(c, swing(8.0), med=STRIDE)
    assert c.period is not None
    rng = np.random.default_rng(1)
    noise = hanging_history(rng.normal(scale=2.0, size=round(8.0 * FS)))
    delays = feed(c, noise, med=STRIDE, count=400)
    off = next(i for i, d in enumerate(delays) if not d)
    assert off * 12 / FS < 6.0  # as soon as the noise dominates the history
    assert c.period is None


@pytest.mark.parametrize(("seed", "shortest"), [(0, 0.8), (1, 0.8), (2, 0.4), (3, 0.4)])
def test_irregular_arm_movement_is_not_counted_more_with_the_comb(
    seed: int, shortest: float
) -> None:
    """Jolts at random intervals on a hanging arm that moves at random. Over a few strides such
    jolts can line up with a lag in the stride range by chance, so the comb may turn on for a
    while (copying each jolt half a stride later at half height); the gate still counts no more
    than without it (the stride fill counts these stride-like runs double without the comb)."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, 120.0, 1 / FS)
    vertical = np.convolve(rng.normal(scale=1.5, size=len(t)), np.ones(15) / 15, mode="same")
    tj = 2.0
    while tj < t[-1] - 2:
        vertical += rng.uniform(2.0, 4.0) * np.exp(-0.5 * ((t - tj) / 0.05) ** 2)
        tj += rng.uniform(shortest, 1.3)
    acc = hanging_history(vertical)
    assert len(candidates(t, acc)) > 100  # the detector takes them for a walk's strides
    assert len(candidates(t, acc, gated=True)) <= len(candidates(t, acc, comb=False, gated=True))


def test_the_comb_is_off_by_default_and_at_every_other_placement() -> None:
    assert TrunkParams().comb is None
    for placement in (Placement.WAIST, Placement.THIGH, Placement.CHEST):
        assert shipped_params(placement).comb is None
    assert shipped_params(Placement.WRIST).comb == CombParams()


def fills(
    *, period: float | None, med: float | None, dt: float, reported: float = 10.0
) -> list[float]:
    """The lost steps the wrist detector restores between candidates at 10.0 and 10.0 + dt
    (the first reported at `reported`), the comb's stride `period` (None: off)."""
    det = TrunkDetector(Placement.WRIST)
    assert det._comb is not None
    det._comb.period = period
    det._last_step, det._last_report = 10.0, reported
    return [round(t - 10.0, 6) for t in det._fills(10.0 + dt, med)]


def test_without_the_comb_one_lost_step_is_restored_half_way() -> None:
    assert fills(period=None, med=0.5, dt=1.0) == [0.5]
    assert fills(period=None, med=0.5, dt=0.81) == [0.405]
    assert fills(period=None, med=0.5, dt=0.79) == []  # a step and a half: not steady
    assert fills(period=None, med=0.5, dt=1.19) == [0.595]
    assert fills(period=None, med=0.5, dt=1.5) == []  # two lost: a pause, not a miss
    assert fills(period=None, med=0.5, dt=1.0, reported=10.3) == [0.5]  # the peaks' rhythm
    assert fills(period=None, med=None, dt=1.0) == []  # no rhythm yet


def test_with_the_comb_up_to_two_lost_steps_are_restored_by_its_stride() -> None:
    # The candidates' median is stride-long (1.0) but the comb's stride says 0.5 s steps.
    assert fills(period=1.0, med=1.0, dt=1.0) == [0.5]
    assert fills(period=1.0, med=1.0, dt=1.5) == [0.5, 1.0]
    assert fills(period=1.0, med=1.0, dt=1.3) == [pytest.approx(1.3 / 3), pytest.approx(2.6 / 3)]
    assert fills(period=1.0, med=1.0, dt=1.25) == []  # two and a half steps: not steady
    assert fills(period=1.0, med=1.0, dt=2.0) == []  # three lost: a pause
    # The previous step was reported at its hump, 0.3 s after its peak: the lost step comes
    # after it, half-way to the next peak.
    assert fills(period=1.0, med=1.0, dt=1.0, reported=10.3) == [0.65]


def step_time(*, period: float | None, humps: list[float]) -> float:
    """Where the wrist detector reports a peak at 10.0 (height 3) inside a bout whose
    candidates came a stride (1.0 s) apart, with humps of height 2 at 10.0 + each of `humps`,
    the comb's stride `period` (None: off)."""
    det = TrunkDetector(Placement.WRIST)
    assert det._comb is not None
    det._comb.period = period
    det._in_bout, det._last_step, det._intervals = True, 9.0, [1.0] * 6
    det._humps = [(10.0, 3.0), *((10.0 + dt, 2.0) for dt in humps)]
    return round(det._step_time((10.0, 3.0, 3.0)) - 10.0, 6)


def test_with_the_comb_a_step_is_reported_within_half_a_step_not_half_a_stride() -> None:
    # Without the comb the stride-long median is all there is: half of it (0.5 s).
    assert step_time(period=None, humps=[0.2]) == 0.2
    assert step_time(period=None, humps=[0.45]) == 0.45
    # With it, a step is half its 1.0 s stride: a hump 0.45 s on is the next (soft) step's,
    # which the comb is there to find; within a quarter of the stride it is this step's own.
    assert step_time(period=1.0, humps=[0.2]) == 0.2
    assert step_time(period=1.0, humps=[0.45]) == 0.0
    assert step_time(period=1.0, humps=[0.2, 0.45]) == 0.2


def test_a_restarted_clock_ends_the_comb_at_once(
    partly_locked: tuple[np.ndarray, np.ndarray],
) -> None:
    """The wearable restarts its clock mid-walk and the wearer then stands still: the old
    bout's stride does not comb the new stream's first seconds (it did for 7.6 s before)."""
    t, acc = partly_locked
    det = TrunkDetector(Placement.WRIST)
    walk = t < 40.0
    grid = np.arange(t[0], 40.0, 1 / FS)
    det.feed(
        grid, np.column_stack([np.interp(grid, t[walk], acc[walk, k]) for k in range(3)]), None
    )
    assert det._comb is not None and det._comb.period is not None
    det.end_segment()
    still = np.arange(0.0, 0.5, 1 / FS)
    det.feed(still, hanging_history(np.zeros(len(still))), None)
    assert det._comb.period is None
