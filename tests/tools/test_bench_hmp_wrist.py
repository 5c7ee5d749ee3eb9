"""The HMP wrist bench (tools/bench/hmp_wrist.py) on trials written here: the reader and its
refusals, the folder walk, the counters on a still and a walking trial, the learned side's
effect, the tables' arithmetic and the command's handling of a folder without trials. Synthetic
signals: they test the bench, not the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import STANDARD_GRAVITY
from tools.bench import hmp_wrist as h
from tools.bench.data import rate


def _codes(g: np.ndarray) -> np.ndarray:
    """Accelerations in g as the data set's 6-bit codes."""
    return h.encode(g * STANDARD_GRAVITY).astype(int)


def _write(folder: Path, activity: str, who: str, g: np.ndarray, stamp: str = "12-00-00") -> Path:
    sub = folder / activity.capitalize()
    sub.mkdir(parents=True, exist_ok=True)
    path = sub / f"Accelerometer-2011-03-24-{stamp}-{activity}-{who}.txt"
    path.write_text("\n".join(" ".join(str(v) for v in row) for row in _codes(g)) + "\n")
    return path


def _still(seconds: float, x: float = -1.0) -> np.ndarray:
    """The forearm at rest along x (-1: hanging, x towards the hand)."""
    n = int(seconds * h.RATE_HZ)
    return np.tile([x, 0.0, 0.0], (n, 1))


def _walk(seconds: float, hz: float = 1.8, x: float = -1.0) -> np.ndarray:
    """A forearm along x bouncing at the step rate: a heel strike's jolt once a step."""
    t = np.arange(int(seconds * h.RATE_HZ)) / h.RATE_HZ
    phase = (t * hz) % 1.0
    jolt = 0.45 * np.exp(-(((phase - 0.5) / 0.06) ** 2))
    return np.stack([x * (1.0 + jolt - jolt.mean()), 0.15 * np.sin(np.pi * hz * t), 0 * t], axis=1)


def test_codes_decode_to_the_manuals_range() -> None:
    g = h.decode(np.array([0.0, 31.5, 63.0])) / STANDARD_GRAVITY
    assert g.tolist() == pytest.approx([-1.5, 0.0, 1.5])


def test_the_sensor_codes_to_the_nearest_step_and_clips_at_its_range() -> None:
    g = np.array([-2.0, -1.5, -0.01, 0.0, 0.024, 1.49, 1.5, 3.0]) * STANDARD_GRAVITY
    assert h.encode(g).tolist() == [0, 0, 31, 32, 32, 63, 63, 63]
    # Decoded, every value within the range is back within half a code (3 g / 63 / 2).
    inside = np.linspace(-1.5, 1.5, 101) * STANDARD_GRAVITY
    assert np.abs(h.decode(h.encode(inside)) - inside).max() <= 1.5 / 63 * STANDARD_GRAVITY + 1e-9


def test_a_trial_is_read_with_its_activity_volunteer_and_time(tmp_path: Path) -> None:
    path = _write(tmp_path, "brush_teeth", "f1", _still(2.0))
    trial = h.read_trial(path)
    assert (trial.activity, trial.volunteer) == ("brush_teeth", "f1")
    assert len(trial.t) == 64 and trial.seconds == pytest.approx(2.0)
    assert np.diff(trial.t) == pytest.approx(np.full(63, 1 / 32))
    # 1 g on -x codes to 10 (rounded), which reads about -0.98 g back.
    assert trial.acc[0, 0] / STANDARD_GRAVITY == pytest.approx(-1.5 + 10 / 63 * 3)


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("Accelerometer-2011-03-24-12-00-00-juggle-f1.txt", "1 2 3\n1 2 3\n", "known activity"),
        ("notes.txt", "1 2 3\n1 2 3\n", "known activity"),
        ("Accelerometer-2011-03-24-12-00-00-walk-f1.txt", "1 2\n1 2\n", "three codes"),
        ("Accelerometer-2011-03-24-12-00-00-walk-f1.txt", "1 2 3\n", "at least two rows"),
        ("Accelerometer-2011-03-24-12-00-00-walk-f1.txt", "1 2 x\n1 2 3\n", "malformed row"),
        ("Accelerometer-2011-03-24-12-00-00-walk-f1.txt", "1 2 64\n1 2 3\n", "outside 0-63"),
        ("Accelerometer-2011-03-24-12-00-00-walk-f1.txt", "1 2 -1\n1 2 3\n", "outside 0-63"),
    ],
)
def test_a_bad_trial_is_refused_with_its_reason(
    tmp_path: Path, name: str, text: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=reason):
        h.read_trial(path)


def test_the_folder_walk_takes_the_activities_folders_only(tmp_path: Path) -> None:
    _write(tmp_path, "walk", "m2", _still(1.0), "12-00-01")
    _write(tmp_path, "walk", "f1", _still(1.0), "12-00-00")
    _write(tmp_path, "brush_teeth", "f1", _still(1.0))
    # The UCI copy's model folders hold trials too, under their own names: never read.
    model = tmp_path / "Walk_MODEL"
    model.mkdir()
    (model / "Accelerometer-2011-03-24-12-00-00-walk-f1_1.txt").write_text("1 2 3\n1 2 3\n")
    (model / "Accelerometer-2011-03-24-12-00-00-walk-m9.txt").write_text("1 2 3\n1 2 3\n")
    (tmp_path / "README.txt").write_text("the data set's readme\n")
    found = [(t.activity, t.volunteer) for t in h.trials(tmp_path)]
    assert found == [("brush_teeth", "f1"), ("walk", "f1"), ("walk", "m2")]


def test_a_still_arm_counts_nothing_and_a_walk_counts_its_steps(tmp_path: Path) -> None:
    still = h.read_trial(_write(tmp_path, "drink_glass", "f1", _still(30.0)))
    assert h.count(still) == {"engine": 0, "detector alone": 0, "Espruino": 0}
    walk = h.read_trial(_write(tmp_path, "walk", "f1", np.vstack([_still(2.0), _walk(20.0)])))
    steps = h.count(walk)
    assert 30 <= steps["engine"] <= 37  # 36 steps at 1.8 a second, the first ones confirmed late
    assert steps["detector alone"] >= steps["engine"]
    assert steps["Espruino"] > 0  # the peer runs on the trial (its count is its own)


def test_a_known_hanging_side_makes_a_raised_forearm_a_hand_in_front(tmp_path: Path) -> None:
    """Fresh, either end of x down is hanging; once the wearer's side is -x, a walk with +x down
    (the forearm raised) needs the longer run of a hand in front, so 8 steps count only fresh."""
    walk = np.vstack([_still(2.0, x=1.0), _walk(4.6, x=1.0), _still(3.0, x=1.0)])
    trial = h.read_trial(_write(tmp_path, "walk", "f1", walk))
    assert h.count(trial)["engine"] > 0
    assert h.count(trial, sign=-1)["engine"] == 0
    assert h.count(trial, sign=1)["engine"] == h.count(trial)["engine"]


def _trial(activity: str, who: str, seconds: float) -> h.Trial:
    t = np.arange(int(seconds * h.RATE_HZ)) / h.RATE_HZ
    return h.Trial(activity, who, "x", t, np.zeros((len(t), 3)))


def test_the_tables_sum_per_activity_and_per_kind() -> None:
    counted = [
        (_trial("walk", "f1", 60.0), {"engine": 100, "detector alone": 110, "Espruino": 90}),
        (_trial("walk", "m1", 60.0), {"engine": 0, "detector alone": 10, "Espruino": 20}),
        (_trial("comb_hair", "f1", 1800.0), {"engine": 30, "detector alone": 300, "Espruino": 9}),
        (_trial("brush_teeth", "f1", 1800.0), {"engine": 0, "detector alone": 0, "Espruino": 1}),
    ]
    table = h.rows(counted)
    assert [r.activity for r in table] == ["brush_teeth", "comb_hair", "walk"]  # EXPECTED order
    walk = table[-1]
    assert (walk.trials, walk.volunteers, walk.counting) == (2, 2, 1)
    assert walk.steps == {"engine": 100, "detector alone": 120, "Espruino": 110}
    text = h.activity_table(table)
    assert "100 (50/min)" in text and "30 (60/h)" in text and "1 of 2" in text
    summary = h.summary(table)
    assert "1.00 h" in summary and "30 (30/h)" in summary and "10 (10/h)" in summary
    assert "maybe" not in summary  # no transitions among these trials
    assert rate(5, 0.0, "no") == "-"


def test_the_command_reports_a_missing_folder_and_an_empty_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert h.main([str(tmp_path / "nowhere")]) == 2
    assert "no folder" in capsys.readouterr().err
    assert h.main([str(tmp_path)]) == 2
    assert "no HMP trials" in capsys.readouterr().err


def test_the_command_names_a_file_that_is_no_trial_and_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "walk", "f1", _still(3.0))
    (tmp_path / "Walk" / "Accelerometer-2011-03-24-12-00-09-walk-f1.txt").write_text("1 2 99\n")
    assert h.main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "12-00-09-walk-f1.txt" in err and "three codes" in err


def test_the_command_prints_both_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "brush_teeth", "f1", _still(10.0))
    _write(tmp_path, "walk", "f1", np.vstack([_still(2.0), _walk(10.0)]))
    assert h.main([str(tmp_path), "--sign", "-1"]) == 0
    out = capsys.readouterr().out
    assert "brush_teeth" in out and "walk" in out and "steps expected" in out


def test_every_confirmed_run_is_measured_and_said_hanging_or_in_front(tmp_path: Path) -> None:
    hanging = h.read_trial(_write(tmp_path, "walk", "f1", np.vstack([_still(2.0), _walk(20.0)])))
    runs = h.confirmed_runs(hanging)
    assert [r.source for r in runs] == ["walk, hanging"]
    assert runs[0].counted == h.count(hanging)["engine"]
    assert runs[0].interval == pytest.approx(1 / 1.8, abs=0.05)
    # The same walk with the forearm raised, once the wearer's side is known: a hand in front.
    raised = np.vstack([_still(2.0, x=1.0), _walk(20.0, x=1.0)])
    trial = h.read_trial(_write(tmp_path, "walk", "m1", raised, "12-00-01"))
    assert [r.source for r in h.confirmed_runs(trial, sign=-1)] == ["walk, in front"]
    assert [r.source for r in h.confirmed_runs(trial)] == ["walk, hanging"]


def test_the_runs_table_is_printed_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "walk", "f1", np.vstack([_still(2.0), _walk(20.0)]))
    assert h.main([str(tmp_path)]) == 0
    assert "walk, hanging" not in capsys.readouterr().out
    assert h.main([str(tmp_path), "--runs"]) == 0
    assert "walk, hanging" in capsys.readouterr().out
