"""The daily-living benchmark's loader and scoring (tools/bench/daily.py), on small made-up folders.

One test reads the real labels.csv and a segment per data set, so a format change is caught.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import Placement
from tools.bench import daily
from tools.peers.peer_common import pieces

from ..data import shared

FIELDS = list(daily.LABEL_FIELDS)


def _write(base: Path, name: str, dataset: str, rows: np.ndarray) -> str:
    path = base / dataset / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = ["t", "ax", "ay", "az", "gx", "gy", "gz"][: rows.shape[1]]
    np.savetxt(path, rows, delimiter=",", header=",".join(cols), comments="", fmt="%.4f")
    return f"{dataset}/{name}.csv"


def _segment(
    base: Path,
    name: str,
    dataset: str,
    *,
    start: float,
    duration: float,
    rate: float,
    activity: str = "sitting",
    expected: str = "no",
    session: str = "s1",
    subject: str = "p1",
    location: str = "waist",
    gyro: bool = True,
) -> dict[str, str]:
    n = round(duration * rate)
    t = np.arange(n) / rate
    rows = np.column_stack([t, np.full(n, 0.1), np.zeros(n), np.full(n, 9.8)])
    if gyro:
        rows = np.column_stack([rows, np.full((n, 3), 0.01)])
    return {
        "segment": name,
        "dataset": dataset,
        "subject": subject,
        "location": location,
        "activity": activity,
        "walking": "yes" if activity == "walking" else "no",
        "steps_expected": expected,
        "duration_s": f"{duration:.3f}",
        "rate": f"{rate:g}",
        "n_samples": str(n),
        "has_gyro": "yes" if gyro else "no",
        "session": session,
        "start_s": f"{start:.3f}",
        "file": _write(base, name, dataset, rows),
        "source_file": "x",
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rows = [
        # A spsw-like session: three contiguous segments, deliberately listed out of order.
        _segment(
            tmp_path,
            "b",
            "spsw",
            start=1.0,
            duration=2.0,
            rate=100,
            activity="walking",
            expected="yes",
        ),
        _segment(tmp_path, "a", "spsw", start=0.0, duration=1.0, rate=100),
        _segment(
            tmp_path,
            "c",
            "spsw",
            start=3.0,
            duration=1.0,
            rate=100,
            activity="standing_up",
            expected="maybe",
        ),
        # A HAPT-like session with a 5 s unlabelled hole between its two segments.
        _segment(tmp_path, "h1", "hapt", start=2.0, duration=2.0, rate=50, session="exp01"),
        _segment(
            tmp_path,
            "h2",
            "hapt",
            start=9.0,
            duration=2.0,
            rate=50,
            session="exp01",
            activity="walking",
            expected="yes",
        ),
        # Separate recordings (no stitching), one without a gyroscope, two subjects.
        _segment(
            tmp_path,
            "u1",
            "umafall",
            start=0.0,
            duration=3.0,
            rate=20,
            location="ankle",
            session="trial1",
        ),
        _segment(
            tmp_path,
            "u2",
            "umafall",
            start=0.0,
            duration=3.0,
            rate=200,
            location="pocket",
            session="trial2",
            subject="p2",
            gyro=False,
        ),
        _segment(
            tmp_path,
            "u3",
            "umafall",
            start=0.0,
            duration=3.0,
            rate=20,
            location="ankle",
            session="trial3",
            subject="p3",
        ),
    ]
    with (tmp_path / "labels.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return tmp_path


def test_read_labels_types_every_field(folder: Path) -> None:
    segs = {s.name: s for s in daily.read_labels(folder)}
    b = segs["b"]
    assert (b.dataset, b.location, b.activity, b.expected) == ("spsw", "waist", "walking", "yes")
    assert b.walking and not segs["a"].walking
    assert (b.duration_s, b.rate, b.start_s) == (2.0, 100.0, 1.0)
    assert b.has_gyro and not segs["u2"].has_gyro


def test_contiguous_sessions_are_stitched_on_their_clock(folder: Path) -> None:
    streams = {s.key: s for s in daily.build_streams(daily.read_labels(folder), folder)}
    spsw = streams["spsw/p1/waist/s1"]
    assert [seg.name for seg, _ in spsw.segments] == ["a", "b", "c"]
    assert len(spsw.t) == 400  # 1 + 2 + 1 s at 100 Hz, no sample lost or doubled
    assert np.all(np.diff(spsw.t) > 0)
    assert np.allclose(np.diff(spsw.t), 0.01)
    assert spsw.gyro is not None and spsw.gyro.shape == (400, 3)


def test_holes_between_labelled_segments_stay_holes(folder: Path) -> None:
    streams = {s.key: s for s in daily.build_streams(daily.read_labels(folder), folder)}
    hapt = streams["hapt/p1/waist/exp01"]
    assert hapt.t[0] == pytest.approx(2.0)
    gaps = np.diff(hapt.t)
    assert gaps.max() == pytest.approx(5.02)  # 4 s ends at 3.98; the next starts at 9.0
    assert np.count_nonzero(gaps > 0.03) == 1


def test_separate_recordings_are_one_stream_each_without_fake_gyro(folder: Path) -> None:
    streams = daily.build_streams(daily.read_labels(folder), folder)
    uma = [s for s in streams if s.dataset == "umafall"]
    assert sorted(len(s.segments) for s in uma) == [1, 1, 1]
    pocket = next(s for s in uma if s.location == "pocket")
    assert pocket.gyro is None
    assert pocket.t[0] == 0.0 and len(pocket.t) == 600


def test_steps_are_attributed_to_segments_by_time(folder: Path) -> None:
    streams = {s.key: s for s in daily.build_streams(daily.read_labels(folder), folder)}
    hapt = streams["hapt/p1/waist/exp01"]
    steps = np.array([20.0, 1.0, 2.0, 3.9, 4.5, 9.0, 10.99, 11.0])  # in any order
    counts, outside = hapt.attribute(steps)
    assert counts == {"h1": 2, "h2": 2}
    assert outside == 4  # before the first, in the hole, at and after the end
    times, outside = hapt.split(steps)
    assert [t.tolist() for t in times] == [[2.0, 3.9], [9.0, 10.99]]
    assert outside == 4


def test_a_step_on_a_boundary_counts_in_one_segment(folder: Path) -> None:
    """Contiguous segments share their boundary time, and start + duration can round just past
    the next start (2.14 + 2.5 > 4.64): a step there is counted once, in the segment it opens."""
    seg = daily.read_labels(folder)[0]
    walk = replace(seg, name="walk", start_s=2.14, duration_s=2.5)
    turn = replace(seg, name="turn", start_s=4.64, duration_s=1.53)
    assert walk.start_s + walk.duration_s > turn.start_s
    empty = np.empty(0)
    stream = daily.Stream("k", "spsw", "waist", empty, empty, None, [(walk, 2.14), (turn, 4.64)])
    counts, outside = stream.attribute(np.array([2.14, 4.64, 6.0]))
    assert counts == {"walk": 1, "turn": 2}
    assert outside == 0


def test_quick_keeps_the_first_subjects_of_each_data_set(folder: Path) -> None:
    segs = daily.read_labels(folder)
    quick = daily.select(segs, subjects=daily.QUICK_SUBJECTS)
    assert {s.subject for s in quick if s.dataset == "umafall"} == {"p1", "p2"}
    assert {s.name for s in quick if s.dataset == "spsw"} == {"a", "b", "c"}
    assert daily.select(segs) == segs


def test_select_keeps_the_named_data_sets_and_locations(folder: Path) -> None:
    segs = daily.read_labels(folder)
    assert {s.name for s in daily.select(segs, datasets=["hapt"])} == {"h1", "h2"}
    ankle = daily.select(segs, datasets=["umafall", "spsw"], locations=["ankle"])
    assert {s.name for s in ankle} == {"u1", "u3"}
    assert daily.select(segs, locations=["ankle"], subjects=1) == [ankle[0]]


def test_load_segment_rejects_an_unknown_column_layout(folder: Path) -> None:
    seg = daily.read_labels(folder)[0]
    (folder / seg.file).write_text("t,ax,ay\n0,1,2\n")
    with pytest.raises(ValueError, match="expected t,ax,ay,az"):
        daily.load_segment(folder, seg)


def test_locations_map_to_the_engine_placements() -> None:
    assert daily.PLACEMENT["pocket"] is Placement.THIGH
    assert daily.PLACEMENT["ankle"] is Placement.SHANK
    assert daily.PLACEMENT["wrist"] is Placement.WRIST
    assert set(daily.PLACEMENT) == set(daily.LOCATIONS) == set(daily.PEERS)
    assert set(daily.GOAL_FALSE_PER_H) == set(daily.LOCATIONS)


def test_rates_and_cadence_and_a_peer_that_did_not_run(folder: Path) -> None:
    segs = {s.name: s for s in daily.read_labels(folder)}
    no = [segs["a"], segs["h1"]]  # 3 s in all
    assert daily.per_hour(no, {"a": 1, "h1": 2}) == "3600"
    assert daily.per_hour(no, {"a": 1, "h1": -1}) == "n/a"
    assert daily.per_hour([], {}) == "-"
    walk = [segs["b"], segs["h2"]]  # 2 s each
    assert daily.cadence(walk, {"b": 3, "h2": 5}) == "120 [105-135]"
    assert daily.cadence(walk, {"b": -1, "h2": 4}) == "n/a"


def test_the_real_labels_and_one_segment_per_data_set_load() -> None:
    base = shared("daily-living")
    segs = daily.read_labels(base)
    assert {s.location for s in segs} == set(daily.LOCATIONS)
    assert {s.dataset for s in segs} == {"hapt", "spsw", "umafall", "wisdm_reduced"}
    with (base / "labels.csv").open(newline="") as fh:
        n_samples = {r["segment"]: int(r["n_samples"]) for r in csv.DictReader(fh)}
    for dataset in ("hapt", "spsw", "umafall", "wisdm_reduced"):
        seg = next(s for s in segs if s.dataset == dataset)
        t, acc, gyro = daily.load_segment(base, seg)
        assert len(t) == n_samples[seg.name] == len(acc)
        assert (gyro is not None) == seg.has_gyro
        assert 5.0 < float(np.median(np.linalg.norm(acc, axis=1))) < 15.0  # m/s^2 with gravity


def test_pieces_split_a_stream_at_its_holes_only() -> None:
    t = np.concatenate((np.arange(0, 1, 0.01), 5 + np.arange(0, 1, 0.01)))
    assert pieces(t) == [(0, 100), (100, 200)]
    assert pieces(np.arange(0, 1, 0.01)) == [(0, 100)]
    assert pieces(np.empty(0)) == []
