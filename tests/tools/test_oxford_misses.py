"""tools/bench/oxford_misses.py: where a counter's unmatched steps lie, on made-up step times."""

from __future__ import annotations

import math
import warnings

import numpy as np

from custom_components.retrowalk.gait import Direction, StepEvent
from tools.bench import oxford_misses as om

from ..gait.test_gate import cand


def test_unmatched_steps_are_sorted_by_where_they_lie() -> None:
    # Two walks of 0.5 s steps, a pause of 5 s between them.
    truth = np.r_[10.0 + 0.5 * np.arange(20), 24.5 + 0.5 * np.arange(20)]
    found = truth.copy()
    found = np.delete(found, [0, 10, 39])  # the first step, one mid-walk, the very last
    found[15] += 0.45  # one step off time: a miss and an extra, count-neutral
    found = np.r_[found, 8.0, 14.25, 40.0]  # handling before, a double, handling after
    e, missed = om.errors(truth, found)
    assert e.misses == {"start": 1, "mid": 1, "end": 1}
    assert e.extras == {"before": 1, "double": 1, "after": 1}
    assert e.late == 1
    assert e.net == len(found) - len(truth)
    assert sorted(missed) == [0, 10, 39]
    assert om.cells(e) == ["+0", "start 1 end 1 mid 1", "before 1 after 1 double 1", "1"]


def test_a_step_by_a_long_true_interval_is_slow() -> None:
    # A hesitation: one true interval of 1.2 s among 0.5 s steps, and a step missed next to it.
    truth = np.r_[10.0 + 0.5 * np.arange(10), 15.7 + 0.5 * np.arange(10)]
    found = np.delete(truth, 10)
    e, _ = om.errors(truth, found)
    assert e.misses == {"slow": 1}
    assert om.walks(truth) == [(10.0, float(truth[-1]))]


def test_closing_table_shows_each_walks_last_steps_against_the_signal() -> None:
    # A 50 Hz walk of 0.5 s steps, a 2 m/s^2 bounce, whose last step is a soft 0.5 m/s^2 one,
    # then standing: the last step's peak is a quarter of the walk's (peak / RMS about 0.35).
    fs = 50.0
    t = np.arange(0, 20, 1 / fs)
    truth = 2.0 + 0.5 * np.arange(20)
    amp = np.where(t < truth[-1] - 0.25, 2.0, 0.5) * (t < truth[-1] + 0.25)
    bounce = amp * np.cos(2 * np.pi * (t - 2.0) / 0.5)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = 9.81 + bounce
    found = truth[:-1]  # the last step missed
    rows = om.closing(t, acc, truth, found, fs)
    assert len(rows) == 1
    end, med, *cells = rows[0]
    assert (end, med) == ("11.50", "0.50")
    second_last, last = cells[:5], cells[5:]
    assert second_last[0] == "counted" and last[0] == "MISSED"
    assert last[1] == "1.00"
    assert 0.3 < float(last[2]) < 0.7  # m/s^2, the smoothing takes a little off
    assert float(last[3]) < 0.5 < float(second_last[3])  # below the peak threshold, unlike the rest
    assert float(last[4]) < 0  # the dip before it
    # A one-step walk has no interval to show and no row.
    assert om.closing(t, acc, np.array([5.0]), found, fs) == []


def test_handling_features_tell_a_standing_shake_from_the_walks_steps() -> None:
    # A 50 Hz walk of 0.5 s steps bouncing vertically (z), after standing still; a sideways
    # (x) shake at 2 s while standing, counted as a soft step with the phone tilted 30 degrees.
    fs = 50.0
    t = np.arange(0, 16, 1 / fs)
    truth = 4.0 + 0.5 * np.arange(20)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = 9.81 + 2.0 * np.cos(2 * np.pi * (t - 4.0) / 0.5) * (t > 3.75) * (t < 13.75)
    acc[:, 0] = 2.0 * np.exp(-(((t - 2.0) / 0.05) ** 2))
    tilt = (float(np.sin(np.radians(30))), 0.0, float(np.cos(np.radians(30))))
    steps = [cand(float(x), amplitude=2.0, up=(0.0, 0.0, 1.0)) for x in truth]
    shake = cand(2.0, amplitude=0.5, up=tilt)
    restored = StepEvent(t=14.5, direction=Direction.FORWARD, confidence=0.5)  # no features
    rows = om.features(t, acc, truth, [shake, *steps, restored], fs)
    kinds = [r.kind for r in rows]
    assert kinds == ["before", *["first"] * 2, *["mid"] * 16, *["last"] * 2, "after"]
    names = [n for n, _ in om.FEATURES]
    before = dict(zip(names, rows[0][1], strict=True))
    mid = dict(zip(names, rows[5][1], strict=True))
    assert before["jolt m/s2"] == 0.5 and before["jolt/walk"] == 0.25
    assert abs(before["posture deg"] - 30.0) < 0.1 and mid["posture deg"] < 0.1
    assert before["vertical share"] < 0.1  # sideways
    assert mid["vertical share"] > 0.9  # vertical
    assert abs(mid["interval/walk"] - 1.0) < 1e-9
    after = dict(zip(names, rows[-1][1], strict=True))
    assert np.isnan(after["jolt m/s2"]) and np.isnan(after["posture deg"])
    table = om.handling_table(rows)
    assert "before: 1 steps, 0 restored, 1 jolts under 1 m/s^2" in table
    assert "after: 1 steps, 1 restored, 0 jolts under 1 m/s^2" in table
    assert "mid: 16 steps" in table
    assert not any(r.between for r in rows)


def _walk_steps(truth: np.ndarray) -> list[StepEvent]:
    return [cand(float(x), amplitude=2.0, up=(0.0, 0.0, 1.0)) for x in truth]


def _row(rows: list[om.HandlingRow], t_index: int) -> dict[str, float]:
    return dict(zip([n for n, _ in om.FEATURES], rows[t_index].values, strict=True))


def test_a_step_in_a_pause_between_walks_is_before_or_after_the_nearer_walk() -> None:
    # Two walks (4-9.5 s, 14-19.5 s) with a 4.5 s pause; unmatched steps at 10.5 s (near the first
    # walk's end), 13 s (near the second's start), one before and one after everything.
    truth = np.r_[4.0 + 0.5 * np.arange(12), 14.0 + 0.5 * np.arange(12)]
    assert om.handling_class(truth, 10.5, None) == ("after", True)
    assert om.handling_class(truth, 13.0, None) == ("before", True)
    assert om.handling_class(truth, 2.0, None) == ("before", False)
    assert om.handling_class(truth, 21.0, None) == ("after", False)
    assert om.handling_class(truth, 7.2, None) is None  # an extra inside a walk
    assert om.handling_class(truth, 9.5, 11) == ("last", False)
    assert om.handling_class(truth, 14.0, 12) == ("first", False)
    fs = 50.0
    t = np.arange(0, 22, 1 / fs)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = 9.81
    extra = [
        StepEvent(t=x, direction=Direction.FORWARD, confidence=0.9) for x in (2.0, 10.5, 13.0, 21.0)
    ]
    rows = om.features(t, acc, truth, [*extra, *_walk_steps(truth)], fs)
    assert [(r.kind, r.between) for r in rows[:4]] == [
        ("before", False),
        ("after", True),
        ("before", True),
        ("after", False),
    ]
    table = om.handling_table(rows)
    assert "before: 2 steps, 2 restored, 0 jolts under 1 m/s^2, 1 in a pause between walks" in table
    assert "after: 2 steps, 2 restored, 0 jolts under 1 m/s^2, 1 in a pause between walks" in table


def _standing_then_walk() -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """12 s at 50 Hz of still, upright acceleration, with ten true steps from 4 s, 0.5 s apart."""
    fs = 50.0
    t = np.arange(0, 12, 1 / fs)
    acc = np.zeros((len(t), 3))
    acc[:, 2] = 9.81
    return fs, t, 4.0 + 0.5 * np.arange(10), acc


def test_posture_is_nan_when_unknown_and_upside_down_is_180_degrees() -> None:
    # A step whose "up" is NaN has no posture (min(1, nan) would have made it 0 degrees); one whose
    # "up" is the walk's reversed, with a rounding error past -1, is 180 degrees (acos of a dot
    # product just under -1 would raise).
    fs, t, truth, acc = _standing_then_walk()
    odd = [
        cand(x, amplitude=2.0, up=up)
        for x, up in ((1.0, (0.0, 0.0, math.nan)), (2.0, (0.0, 0.0, -1.0000000000000002)))
    ]
    rows = om.features(t, acc, truth, [*odd, *_walk_steps(truth)], fs)
    assert math.isnan(_row(rows, 0)["posture deg"])
    assert _row(rows, 1)["posture deg"] == 180.0


def test_a_recording_without_a_measured_matched_step_gives_nan_not_a_warning() -> None:
    # Every true step restored (no StepFeatures): nothing to take the walk's median jolt and "up"
    # from. np.median of nothing warns (and is NaN by accident): guarded, NaN on purpose.
    fs, t, truth, acc = _standing_then_walk()
    restored = [StepEvent(t=float(x), direction=Direction.FORWARD, confidence=0.5) for x in truth]
    shake = cand(1.0, amplitude=0.5, up=(0.0, 0.0, 1.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = om.features(t, acc, truth, [shake, *restored], fs)
    before = _row(rows, 0)
    assert before["jolt m/s2"] == 0.5
    assert math.isnan(before["jolt/walk"]) and math.isnan(before["posture deg"])


def test_gravity_near_the_recording_edge_is_not_read_as_a_jolt() -> None:
    # Standing still, a small sideways shake at 0.28 s, inside the first half second: the 1 s
    # gravity mean there must not be pulled towards zero by padding, or the missing gravity
    # reads as a vertical jolt (vertical share near 1, as with the edge zero-padded).
    fs, t, truth, acc = _standing_then_walk()
    acc[:, 0] = 1.0 * np.exp(-(((t - 0.28) / 0.05) ** 2))
    shake = StepEvent(t=0.28, direction=Direction.FORWARD, confidence=0.5)
    rows = om.features(t, acc, truth, [shake, *_walk_steps(truth)], fs)
    assert rows[0].kind == "before"
    assert _row(rows, 0)["vertical share"] < 0.1
    grav = om.centred_mean(acc, round(fs))
    assert np.allclose(grav[:, 2], 9.81)
