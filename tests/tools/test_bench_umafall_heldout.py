"""UMAFall's held-out people (tools/bench/umafall_heldout.py) on trial files written here: the
original file layout read per sensor, samples stamped alike averaged, the grid, the units and the
labels, a corrupt trial left out, and the command's exit codes. Synthetic signals: they test the
conversion, not the engine."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import STANDARD_GRAVITY
from tools.bench import daily, umafall_heldout as u

NAME = "UMAFall_Subject_12_ADL_Walking_1_2016-06-04_21-48-44.csv"
SENSORS = [
    "% MAC Address; Sensor_ID; Position; Device Model",
    "%F4:09:D8:72:64:3A; 0; RIGHTPOCKET; samsung-SM-G900F-5.0",
    "%B0:B4:48:B8:77:03; 4; ANKLE; SensorTag",
    "%C4:BE:84:70:0E:80; 3; WRIST; SensorTag",
]


def _trial(folder: Path, name: str = NAME, rows: list[str] | None = None) -> Path:
    """A trial in the data set's layout: the phone at 200 Hz in batches of two samples stamped
    alike, the ankle's accelerometer and gyroscope at 20 Hz (the wrist sent nothing)."""
    if rows is None:
        rows = []
        for k in range(400):  # 2 s of phone: x rises 0.5 g a second, stamped in pairs
            stamp = 100 + 10 * (k // 2)
            rows.append(f"{stamp};{k};{0.25 * k / 100:.6f};1.0;0.0;0;0")
        for k in range(41):  # 2 s of ankle, its first sample 50 ms after the phone's
            stamp = 150 + 50 * k
            rows.append(f"{stamp};{k};0.0;0.0;-1.0;0;4")
            rows.append(f"{stamp + 5};{k};{90.0};0.0;0.0;1;4")  # 90 deg/s about x
            rows.append(f"{stamp + 7};{k};1.0;1.0;1.0;2;4")  # a magnetometer: not read
    text = ["% Universidad de Malaga", "% ID: Subject_12_ADL_Walking_1", *SENSORS, ""]
    text += ["% TimeStamp; Sample No; X-Axis; Y-Axis; Z-Axis; Sensor Type; Sensor ID;", *rows]
    path = folder / name
    path.write_text("\n".join(text) + "\n")
    return path


def test_a_trial_is_read_per_sensor_on_the_shared_datas_grid_and_units(tmp_path: Path) -> None:
    phone, ankle = sorted(u.read_trial(_trial(tmp_path)), key=lambda c: c.rate)[::-1]
    assert (phone.location, phone.rate, phone.gyro) == ("pocket", 200.0, None)
    assert phone.name == "umafall_s12_pocket_Walking1_2016-06-04_21-48-44_00000p000s_walking"
    assert phone.subject == "umafall-s12" and phone.source == NAME
    # Stamped every 10 ms in pairs: a pair is one sample, their mean, and the grid starts there.
    assert phone.t[1] == pytest.approx(0.005) and phone.t[-1] == pytest.approx(1.99)
    assert phone.acc[0, 0] == pytest.approx(0.25 * 0.5 / 100 * STANDARD_GRAVITY)
    assert phone.acc[0, 1] == pytest.approx(STANDARD_GRAVITY)
    assert (ankle.location, ankle.rate, ankle.t[1]) == ("ankle", 20.0, pytest.approx(0.05))
    assert ankle.acc[3] == pytest.approx([0.0, 0.0, -STANDARD_GRAVITY])
    assert ankle.gyro is not None and ankle.gyro[3] == pytest.approx([math.radians(90), 0, 0])
    assert len(ankle.t) == 41  # the wrist, which sent nothing, has no segment


@pytest.mark.parametrize(
    ("name", "rows", "why"),
    [
        ("UMAFall_Subject_12_Fall_forwardFall_1_2016-06-04_21-48-44.csv", [], "daily-activity"),
        ("UMAFall_Subject_12_ADL_Swimming_1_2016-06-04_21-48-44.csv", [], "daily-activity"),
        (NAME, ["194;14;0.06;1.012.598.156;0.25;0;0;"], "malformed"),
        (NAME, ["194;14;0.06;1.0;0.25;0;0", "194;14;0.06;1.0;0.25;0"], "7 numbers"),
    ],
)
def test_what_is_no_trial_is_refused(tmp_path: Path, name: str, rows: list[str], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        u.read_trial(_trial(tmp_path, name, rows))


def test_the_conversion_writes_the_daily_layout_and_leaves_a_corrupt_trial_out(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _trial(raw)
    _trial(raw, NAME.replace("Walking_1", "Aplausing_2"))
    _trial(raw, NAME.replace("Subject_12", "Subject_03"))  # another subject: not asked for
    _trial(raw, NAME.replace("Walking_1", "Bending_1"), ["194;14;0.06;1.012.598;0.25;0;0;"])
    n, refused = u.convert(raw, tmp_path / "out", {12})
    assert n == 4 and len(refused) == 1 and "Bending_1" in refused[0]
    segments = daily.read_labels(tmp_path / "out")
    walk = [s for s in segments if s.activity == "walking"]
    clap = [s for s in segments if s.activity == "clapping"]
    assert {s.location for s in walk} == {"pocket", "ankle"} and len(clap) == 2
    assert all(s.walking and s.expected == "yes" for s in walk)
    assert all(not s.walking and s.expected == "no" for s in clap)
    ankle = next(s for s in walk if s.location == "ankle")
    assert (ankle.rate, ankle.has_gyro, ankle.duration_s) == (20.0, True, pytest.approx(2.05))
    t, acc, gyro = daily.load_segment(tmp_path / "out", ankle)
    assert len(t) == 41 and gyro is not None and acc[0, 2] == pytest.approx(-STANDARD_GRAVITY)
    with (tmp_path / "out" / "labels.csv").open(newline="") as fh:
        assert next(csv.reader(fh)) == list(daily.LABEL_FIELDS)


def test_the_comparison_finds_a_conversion_equal_or_not(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    _trial(raw)
    u.convert(raw, tmp_path / "a", {12})
    u.convert(raw, tmp_path / "b", {12})
    assert "2 segments in both" in u.compare(tmp_path / "a", tmp_path / "b")
    assert "acc 0.000 m/s^2" in u.compare(tmp_path / "a", tmp_path / "b")
    seg = next(s for s in daily.read_labels(tmp_path / "b") if s.location == "ankle")
    data = np.loadtxt(tmp_path / "b" / seg.file, delimiter=",", skiprows=1)
    data[:, 1] += 1.0
    np.savetxt(tmp_path / "b" / seg.file, data, delimiter=",", header="t,ax,ay,az,gx,gy,gz")
    assert "acc 1.000 m/s^2" in u.compare(tmp_path / "a", tmp_path / "b")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "labels.csv").write_text(",".join(daily.LABEL_FIELDS) + "\n")
    assert u.compare(tmp_path / "a", tmp_path / "c") == "compare: no segment in both"


def test_subjects_are_read_as_ranges() -> None:
    assert u.subject_range("11-19") == set(range(11, 20))
    assert u.subject_range("3,5-6") == {3, 5, 6}
    with pytest.raises(ValueError, match="invalid literal"):
        u.subject_range("eleven")


def test_the_command_refuses_what_it_cannot_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert u.main([str(tmp_path / "missing")]) == 2
    assert u.main([str(tmp_path), "--subjects", "x"]) == 2
    assert u.main([str(tmp_path)]) == 2  # no trials of 11-19
    assert "no trials" in capsys.readouterr().err
    _trial(tmp_path)
    _trial(tmp_path, NAME.replace("Walking_1", "Bending_1"), ["1;1;1.0.0;1;1;0;0;"])
    out = tmp_path / "converted"
    assert (
        u.main([str(tmp_path), "--subjects", "12", "--out", str(out), "--compare", str(out)]) == 0
    )
    printed = capsys.readouterr()
    assert "2 segments in both" in printed.out and "1 trials left out" in printed.out
    assert "Bending_1" in printed.err
