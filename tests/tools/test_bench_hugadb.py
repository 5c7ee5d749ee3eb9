"""The HuGaDB thigh bench (tools/bench/hugadb.py) on files written here: the reader and its
refusals, steps given to the activity of the sample they fall on, walking stretches and the
swing's step estimate, the tables' arithmetic and the command's exit codes. Synthetic signals:
they test the bench, not the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import STANDARD_GRAVITY, Placement
from tools.bench import hugadb as h


def _columns() -> list[str]:
    names = [
        f"{kind}_{sensor}_{axis}"
        for sensor in ("rf", "rs", "rt", "lf", "ls", "lt")
        for kind in ("acc", "gyro")
        for axis in "xyz"
    ]
    return [*names, "EMG_r", "EMG_l", "act"]


def _write(folder: Path, name: str, thigh_g: np.ndarray, labels: np.ndarray) -> Path:
    """A file in the data set's layout: both thighs' accelerometers given (g), all else 0."""
    n = len(labels)
    data = np.zeros((n, h.COLUMNS), dtype=np.int64)
    codes = np.round(thigh_g * h.CODES_PER_G).astype(np.int64)
    for first in h.THIGHS.values():
        data[:, first : first + 3] = codes
    data[:, -1] = labels
    lines = ["#Activity\twalking", "#ActivityID\t1", "#Date\t03-08-12-13", "\t".join(_columns())]
    lines += ["\t".join(str(v) for v in row) for row in data]
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _still(seconds: float) -> np.ndarray:
    """A thigh at rest, its x axis along it (down)."""
    return np.tile([-1.0, 0.0, 0.0], (round(seconds * h.RATE_HZ), 1))


def test_a_file_is_read_with_its_person_labels_and_both_thighs(tmp_path: Path) -> None:
    labels = np.array([8] * 100 + [1] * 50)
    rec = h.read(_write(tmp_path, "HuGaDB_v1_various_07_03.txt", _still(150 / h.RATE_HZ), labels))
    assert rec.person == "07" and rec.labels.tolist() == labels.tolist()
    assert set(rec.sensors) == {"right thigh", "left thigh"}
    assert rec.sensors["left thigh"].acc[0] == pytest.approx([-STANDARD_GRAVITY, 0.0, 0.0])
    assert rec.sensors["left thigh"].gyro is None  # the thigh's engine reads none
    assert rec.t[-1] == pytest.approx(149 / h.RATE_HZ)


@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("walking_01_00.txt", "", "file name"),
        ("HuGaDB_v1_walking_01_00.txt", "#Activity\n1 2 3\n", "column header"),
        ("HuGaDB_v1_walking_01_00.txt", "acc_rf_x\n1 2\n3 4\n", "39 numbers"),
        ("HuGaDB_v1_walking_01_00.txt", "acc_rf_x\n" + " ".join(["x"] * 39) + "\n", "malformed"),
        ("HuGaDB_v1_walking_01_00.txt", "acc_rf_x\n" + ("0 " * 38 + "13\n") * 2, "label"),
    ],
)
def test_what_is_no_data_file_is_refused(tmp_path: Path, name: str, text: str, why: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=why):
        h.read(path)


def test_steps_go_to_the_activity_of_their_sample() -> None:
    labels = np.array([5.0] * 59 + [1.0] * 59)  # a second of sitting, then one of walking
    got = h.by_label(labels, np.array([0.0, 0.5, 1.2, 1.9, 99.0]))
    # The last one lies past the file's end: it goes to its last sample's activity.
    assert got == {5: 2, 1: 3}


def test_walking_stretches_must_last_ten_seconds() -> None:
    n = round(h.MIN_STRETCH_S * h.RATE_HZ)
    labels = np.array([1.0] * n + [8.0] * 5 + [1.0] * (n - 1) + [8.0])
    assert h.stretches(labels, h.WALKING) == [(0, n)]


def test_the_swing_gives_two_steps_a_stride() -> None:
    t = np.arange(round(30 * h.RATE_HZ)) / h.RATE_HZ
    angle = 0.3 * np.sin(2 * np.pi * 0.9 * t)  # the thigh swinging +-17 degrees, 0.9 strides/s
    swing = np.stack([np.cos(angle), np.sin(angle), 0 * t], axis=1)
    assert h.swing_steps(swing * STANDARD_GRAVITY) == pytest.approx(2 * 0.9 * 30, rel=0.02)


def test_rates_and_tables_add_up() -> None:
    tl = h.Tally.empty()
    tl.seconds.update({9: 1800.0, 5: 1800.0, 1: 120.0})
    tl.people.update({9: {"01"}, 5: {"01", "02"}, 1: {"02"}})
    tl.steps["engine"].update({9: 15, 1: 220})
    tl.steps["detector alone"].update({9: 900, 5: 3, 1: 230})
    table = h.activity_table(tl, peers=False)
    assert "bicycling" in table and "15 (30/h)" in table and "220 (110/min)" in table
    assert "mobgap*" not in table
    # Not walking: an hour of cycling and sitting, 15 steps; walking: 220 in two minutes.
    summary = h.summary(tl, peers=False)
    assert "1.00 h" in summary and "15 (15/h)" in summary and "903 (903/h)" in summary
    assert "220 (110/min)" in summary
    assert h.rate(5, 0.0, "no") == "-"


def test_apart_from_moving_leaves_out_the_seconds_next_to_a_movement() -> None:
    r = h.RATE_HZ
    # 10 s standing, 5 s walking, 10 s standing, 3 s standing up, 10 s sitting, 10 s cycling.
    parts = [(8, 10.0), (1, 5.0), (8, 10.0), (7, 3.0), (5, 10.0), (9, 10.0)]
    labels = np.concatenate([np.full(round(s * r), k, dtype=np.float64) for k, s in parts])
    apart = h.apart_from_moving(labels)
    t = np.arange(len(labels)) / r
    assert not apart[np.isin(labels, h.MOVING)].any()  # a movement is never apart
    # Standing: apart up to 2 s before the walk and from 2 s after it to 2 s before standing up.
    assert apart[(t > 0.5) & (t < 7.9)].all() and not apart[(t > 8.1) & (t < 16.9)].any()
    assert apart[(t > 17.1) & (t < 22.9)].all() and not apart[(t > 23.1) & (t < 29.9)].any()
    # Standing up is a movement; sitting after it is apart from 2 s on, and so is cycling.
    assert apart[t > 30.1].all()
    # The edge: a sample 2 s or more after a movement is apart, one nearer is not.
    edge = np.array([1.0] + [8.0] * 300, dtype=np.float64)
    first = int(np.flatnonzero(h.apart_from_moving(edge))[0])
    assert first / r >= h.EDGE_S > (first - 1) / r
    # A file shorter than the 4 s window: a second of standing after a walk is near it.
    short = np.array([1.0] * 10 + [8.0] * round(r), dtype=np.float64)
    assert h.apart_from_moving(short).shape == short.shape and not h.apart_from_moving(short).any()
    tl = h.Tally.empty()
    tl.seconds.update({8: 3600.0, 1: 60.0})
    tl.apart_seconds.update({8: 1800.0})
    tl.apart.update({8: 5})
    table = h.activity_table(tl, peers=False)
    assert "engine, 2 s from moving" in table and "5 in 30.0 min (10/h)" in table
    assert table.splitlines()[2].rstrip().endswith("-")  # walking: never apart


def test_the_swing_line_says_what_share_the_engine_counts() -> None:
    tl = h.Tally.empty()
    assert h.swing_line(tl).endswith("none")
    tl.swing, tl.swung = 200.0, 180.0
    assert "180 steps" in h.swing_line(tl) and "(90 %)" in h.swing_line(tl)
    assert "rhythm" not in h.swing_line(tl)  # the shank's and foot's: no step rhythm measured
    tl.rhythm, tl.doubled, tl.stretches = 190.0, 1, 4
    assert "step rhythm 190 (95 %)" in h.swing_line(tl)
    assert h.swing_line(tl).endswith("1.5 times the rhythm or more in 1 of 4 stretches")


def _walk(name: str, stride_hz: float, swing: float, bounce: float) -> h.Recording:
    """30 s labelled walking: a thigh swinging `swing` rad once a stride, a bounce every step."""
    t = np.arange(round(30 * h.RATE_HZ)) / h.RATE_HZ
    angle = swing * np.sin(2 * np.pi * stride_hz * t)
    lift = 1.0 + bounce * np.sin(2 * np.pi * 2 * stride_hz * t)
    acc = STANDARD_GRAVITY * lift[:, None] * np.stack([np.cos(angle), np.sin(angle), 0 * t], 1)
    return h.Recording(name, "01", np.full(len(t), float(h.WALKING)), {"rt": h.Sensor(acc, None)})


def test_a_slow_walker_s_swing_is_checked_against_the_step_rhythm() -> None:
    # A slow walker (0.7 strides a second, 84 steps a minute) whose step bounce outweighs the
    # swing on the axes: the swing's band peaks at the step, and gives twice the steps. The
    # magnitude (the bounce alone) gives the steps. A brisk walker's swing and rhythm agree.
    slow = _walk("HuGaDB_v1_walking_01_00.txt", 0.7, swing=0.05, bounce=0.3)
    brisk = _walk("HuGaDB_v1_walking_01_01.txt", 0.9, swing=0.4, bounce=0.05)
    tl = h.tally([slow, brisk], None)
    assert (tl.stretches, tl.doubled) == (2, 1)
    assert tl.swing == pytest.approx(2 * (1.4 + 0.9) * 30, rel=0.03)
    assert tl.rhythm == pytest.approx((1.4 + 1.8) * 30, rel=0.03)
    shank = h.tally([slow], None, Placement.SHANK)  # no gyroscope: left out
    assert (shank.corrupted, shank.stretches, shank.rhythm) == (1, 0, 0.0)


def test_the_command_counts_a_still_file_and_refuses_what_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert h.main([str(tmp_path / "missing"), "--no-peers"]) == 2
    assert h.main([str(tmp_path), "--no-peers"]) == 2  # no files
    _write(tmp_path, "HuGaDB_v1_sitting_03_00.txt", _still(20.0), np.full(round(20 * h.RATE_HZ), 5))
    assert h.main([str(tmp_path), "--no-peers"]) == 0
    out = capsys.readouterr().out
    assert "sitting" in out and "0 (0/h)" in out and "mobgap*" not in out
    (tmp_path / "HuGaDB_v1_sitting_03_01.txt").write_text("not a file of it\n")
    assert h.main([str(tmp_path), "--no-peers"]) == 2
    assert "column header" in capsys.readouterr().err


def _write_legs(folder: Path, name: str, gyro_codes: np.ndarray, labels: np.ndarray) -> Path:
    """A file whose right shin's gyroscope reads `gyro_codes` and the left's clips; still."""
    path = _write(folder, name, _still(len(labels) / h.RATE_HZ), labels)
    lines = path.read_text().splitlines()
    first = h.SENSORS[Placement.SHANK]["right shank"]
    clipped = h.SENSORS[Placement.SHANK]["left shank"]
    out = lines[:4]
    for row, codes in zip(lines[4:], gyro_codes, strict=True):
        cells = row.split("\t")
        cells[first + 3 : first + 6] = [str(int(c)) for c in codes]
        cells[clipped + 3] = str(h.CLIPPED)
        out.append("\t".join(cells))
    path.write_text("\n".join(out) + "\n")
    return path


@pytest.mark.parametrize(("activity", "per_dps"), [("walking", 16.4), ("bicycling", 65.5)])
def test_a_shin_s_gyroscope_is_read_at_its_files_range(
    tmp_path: Path, activity: str, per_dps: float
) -> None:
    labels = np.full(30, 1 if activity == "walking" else 9)
    codes = np.tile([1640.0, 0.0, -655.0], (30, 1))
    path = _write_legs(tmp_path, f"HuGaDB_v1_{activity}_02_00.txt", codes, labels)
    rec = h.read(path, Placement.SHANK)
    assert set(rec.sensors) == {"right shank", "left shank"}
    gyro = rec.sensors["right shank"].gyro
    assert gyro is not None
    assert np.degrees(gyro[0]) == pytest.approx([1640.0 / per_dps, 0.0, -655.0 / per_dps])
    assert rec.sensors["left shank"].gyro is None  # it clips: the data set's corrupted ones


def test_the_command_runs_the_shins_and_leaves_corrupted_ones_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    n = round(20 * h.RATE_HZ)
    _write_legs(tmp_path, "HuGaDB_v1_sitting_03_00.txt", np.zeros((n, 3)), np.full(n, 5))
    assert h.main([str(tmp_path), "--placement", "shank"]) == 0
    out = capsys.readouterr().out
    assert "shank-min" in out and "0 (0/h)" in out
    # One shin of one file, 20 s: a third of a sensor-minute.
    assert " 0.3 " in out
    assert "1 sensors left out" in out and "mobgap*: run at the thigh only" in out


def test_lengthwise_turns_the_thighs_as_a_phone_lies_in_a_pocket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = np.full(30, 8)
    path = _write(tmp_path, "HuGaDB_v1_standing_04_00.txt", _still(30 / h.RATE_HZ), labels)
    rec = h.read(path)
    rec.sensors["left thigh"].acc[:] = [1.0, 2.0, 3.0]
    turned = h.lengthwise(rec)
    assert turned.sensors["left thigh"].acc[0] == pytest.approx([2.0, 1.0, -3.0])
    # A proper rotation, as a real phone turns: the turned x and y span the turned z (a
    # mirror would give +z), and lengths are kept.
    b = h.read(path)
    b.sensors["left thigh"].acc[:3] = np.eye(3)
    x, y, z = h.lengthwise(b).sensors["left thigh"].acc[:3]
    assert np.cross(x, y) == pytest.approx(z) and np.linalg.norm(z) == 1.0
    assert rec.sensors["left thigh"].acc[0] == pytest.approx([1.0, 2.0, 3.0])  # not changed
    # The thigh at rest, x down, becomes y down: a phone upright in the pocket.
    still = h.lengthwise(h.read(path)).sensors["right thigh"].acc[0]
    assert still == pytest.approx([0.0, -STANDARD_GRAVITY, 0.0])
    assert h.main([str(tmp_path), "--no-peers", "--lengthwise"]) == 0
    assert "standing" in capsys.readouterr().out
    assert h.main([str(tmp_path), "--lengthwise", "--placement", "shank"]) == 2
    assert "thighs only" in capsys.readouterr().err
