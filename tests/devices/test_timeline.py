"""Shared timeline, unwrapping and acc/gyro merging (devices/timeline.py, devices/merge.py)."""

import numpy as np
import pytest

from custom_components.retrowalk.devices.base import DecodeError
from custom_components.retrowalk.devices.merge import ImuMerger
from custom_components.retrowalk.devices.timeline import (
    ReceiveTimeline,
    Timeline,
    Unwrapper,
    uniform,
)

P = 0.01


def test_contiguous_frames_continue_without_loss() -> None:
    tl = Timeline()
    t1, lost1 = tl.place(uniform(1000.0, 5, P), P, received=10.0)
    t2, lost2 = tl.place(uniform(1000.05, 5, P), P, received=10.05)
    assert (lost1, lost2) == (0, 0)
    assert t1[0] == 0.0
    np.testing.assert_allclose(np.concatenate([t1, t2]), np.arange(10) * P, atol=1e-9)


def test_gap_inside_a_frame_counts_too() -> None:
    tl = Timeline()
    _, lost = tl.place(np.array([0.0, 0.01, 0.05, 0.06]), P, received=0.0)
    assert lost == 3


def test_duplicate_and_stale_frames_are_refused() -> None:
    tl = Timeline()
    tl.place(uniform(0.0, 5, P), P, received=0.0)
    tl.place(uniform(0.05, 5, P), P, received=0.05)
    with pytest.raises(DecodeError) as dup:
        tl.place(uniform(0.05, 5, P), P, received=0.1)
    assert dup.value.reason == "duplicate"
    with pytest.raises(DecodeError) as stale:
        tl.place(uniform(0.0, 5, P), P, received=0.1)
    assert stale.value.reason == "stale"


# Two frames of 5 samples: (device time, receive time) of each, then the second frame's lost count
# and first sample time. Device time decides unless it jumps (a restart or a glitch), when receive
# time does.
@pytest.mark.parametrize(
    ("first", "second", "lost", "t0"),
    [
        pytest.param((0.0, 1.0), (0.08, 1.1), 3, 0.08, id="gap_counts_lost_samples"),
        pytest.param(
            (5000.0, 100.0), (10.0, 100.05), 0, 5 * P, id="backward_jump_reanchors_going_on"
        ),
        # Device time leaps an hour while only 50 ms passed on the receiver.
        pytest.param((0.0, 100.0), (3600.0, 100.05), 0, 0.05, id="forward_jump_is_no_huge_gap"),
        pytest.param((0.0, 100.0), (-500.0, 103.05), 300, 0.05 + 300 * P, id="jump_and_outage"),
        pytest.param((0.0, 100.0), (10.05, 110.1), 1000, 10.05, id="long_genuine_gap_is_lost"),
    ],
)
def test_second_frame_after_a_gap_or_clock_jump(
    first: tuple[float, float], second: tuple[float, float], lost: int, t0: float
) -> None:
    tl = Timeline()
    t1, _ = tl.place(uniform(first[0], 5, P), P, received=first[1])
    t2, lost2 = tl.place(uniform(second[0], 5, P), P, received=second[1])
    assert lost2 == lost
    assert t2[0] == pytest.approx(t0)
    assert t2[0] > t1[-1]


def test_times_must_increase_within_a_frame() -> None:
    with pytest.raises(DecodeError) as err:
        Timeline().place(np.array([0.0, 0.0]), P, received=0.0)
    assert err.value.reason == "timestamp"
    with pytest.raises(DecodeError):
        Timeline().place(np.zeros(0), P, received=0.0)


def test_unwrapper_handles_wrap_in_both_directions() -> None:
    u = Unwrapper(16)
    assert u.peek(65530) == 65530
    u.commit(65530, 65530)
    assert u.peek(4) == 65540
    u.commit(4, 65540)
    assert u.peek(65535) == 65535
    assert Unwrapper(None).peek(123) == 123


def test_receive_timeline_follows_nominal_rate_and_detects_outage() -> None:
    rt = ReceiveTimeline(0.02)
    times = [rt.place(1, 5.0 + 0.02 * k + (0.015 if k % 3 else 0.0))[0][0] for k in range(10)]
    np.testing.assert_allclose(times, np.arange(10) * 0.02)
    t, lost = rt.place(1, 5.0 + 0.02 * 10 + 1.0)
    assert lost == 50
    assert t[0] == pytest.approx(0.02 * 60)


def test_receive_timeline_pulls_back_when_device_is_slow() -> None:
    rt = ReceiveTimeline(0.02)
    last = -1.0
    for k in range(100):
        (t,), _ = rt.place(1, 0.03 * k)
        assert t > last
        last = t
    assert last == pytest.approx(0.03 * 99, abs=0.35)


def _released(m: ImuMerger) -> tuple[int, bool]:
    """How many samples the merger releases now, and whether they come with gyro."""
    out = m.pop()
    assert out is not None
    return out[0].size, out[2] is not None


def test_merger_interpolates_gyro_at_acc_times() -> None:
    m = ImuMerger()
    t_acc = uniform(0.0, 4, 0.02)
    acc = np.ones((4, 3))
    m.push_acc(t_acc, acc)
    assert m.pop() is None
    t_gyro = uniform(0.01, 4, 0.02)
    m.push_gyro(t_gyro, np.column_stack([t_gyro, 2 * t_gyro, -t_gyro]))
    out = m.pop()
    assert out is not None
    t, _, g = out
    np.testing.assert_allclose(t, t_acc)
    assert g is not None
    # Before the first gyro sample (within tolerance) the first gyro value is held.
    np.testing.assert_allclose(g[1:, 0], t_acc[1:])
    np.testing.assert_allclose(g[1:, 1], 2 * t_acc[1:])


def test_merger_releases_acc_without_gyro_when_gyro_is_silent() -> None:
    m = ImuMerger(hold_s=0.1)
    # 0.2 s frames: the wait is 1.5 frames (0.3 s), longer than hold_s, so one frame waits...
    m.push_acc(uniform(0.0, 20, 0.01), np.zeros((20, 3)))
    assert m.hold_s == pytest.approx(0.3)
    assert m.pop() is None
    # ...and the next one, 0.39 s of acc without gyro, goes without.
    m.push_acc(uniform(0.2, 20, 0.01), np.zeros((20, 3)))
    assert _released(m) == (40, False)


def test_merger_waits_a_whole_frame_for_the_gyro_twin() -> None:
    # A Verity Sense frame: 57 samples at 52 Hz span 1.08 s, more than the 1 s minimum hold.
    m = ImuMerger()
    t = uniform(0.0, 57, 1 / 52)
    m.push_acc(t, np.zeros((57, 3)))
    assert m.pop() is None
    m.push_gyro(t, np.ones((57, 3)))
    assert _released(m) == (57, True)


def test_merger_releases_acc_from_before_the_gyro_stream() -> None:
    m = ImuMerger()
    m.push_acc(uniform(0.0, 10, 0.01), np.zeros((10, 3)))
    m.push_gyro(uniform(0.5, 10, 0.01), np.zeros((10, 3)))
    assert _released(m) == (10, False)


def test_merger_drops_repeats_and_resets_on_clock_jump() -> None:
    m = ImuMerger()
    assert m.push_acc(uniform(100.0, 3, 0.01), np.zeros((3, 3))) == 3
    assert m.push_acc(uniform(100.0, 3, 0.01), np.zeros((3, 3))) == 0
    assert m.push_acc(uniform(0.0, 3, 0.01), np.zeros((3, 3))) == 3
