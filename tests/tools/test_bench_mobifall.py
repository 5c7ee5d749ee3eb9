"""The MobiFall pocket bench (tools/bench/mobifall.py) on files written here: the reader, its
refusals and the samples it drops, the walk's step rhythm, the tables' arithmetic and the
command's exit codes. Synthetic signals: they test the bench, not the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import STANDARD_GRAVITY, Placement
from tools.bench import mobifall as m

HEADER = [
    "#Acceleration force along the x y z axes (including gravity).",
    "#timestamp(ns),x,y,z(m/s^2)",
    "#Activity: 1 - STD - Standing - 300s",
    "#Subject ID: 3",
    "",
    "@DATA",
]


def _write(folder: Path, name: str, t_s: np.ndarray, acc: np.ndarray) -> Path:
    """A file in the data set's layout under sub<who>/ADL/<code>/ (ns time stamps, m/s^2)."""
    code, _, who, _ = name.split("_")
    path = folder / f"sub{who}" / "ADL" / code / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    ns = np.round(t_s * 1e9).astype(np.int64) + 939489614000
    rows = [f"{t}, {x}, {y}, {z}" for t, (x, y, z) in zip(ns, acc, strict=True)]
    path.write_text("\n".join([*HEADER, *rows]) + "\n")
    return path


def _still(seconds: float, hz: float = 87.0) -> tuple[np.ndarray, np.ndarray]:
    """A phone lying still and upright in a pocket, its y axis up, at a phone's irregular rate."""
    rng = np.random.default_rng(3)
    t = np.cumsum(rng.uniform(0.5, 1.5, round(seconds * hz)) / hz)
    return t - t[0], np.tile([0.0, STANDARD_GRAVITY, 0.0], (len(t), 1))


def test_a_file_is_read_onto_the_bench_s_rate_with_its_person_and_activity(tmp_path: Path) -> None:
    t, acc = _still(10.0)
    acc[:, 0] = np.interp(t, [0.0, t[-1]], [0.0, 2.0])  # x rises steadily: interpolation keeps it
    trial = m.read(_write(tmp_path, "STD_acc_3_1", t, acc))
    assert (trial.code, trial.person, trial.dropped) == ("STD", "3", 0)
    assert trial.t[0] == 0.0 and np.diff(trial.t) == pytest.approx(1 / m.RATE_HZ)
    assert trial.t[-1] == pytest.approx(t[-1], abs=2 / m.RATE_HZ)
    middle = len(trial.t) // 2
    assert trial.acc[middle, 0] == pytest.approx(2.0 * trial.t[middle] / t[-1], abs=0.01)
    assert trial.acc[middle, 1] == pytest.approx(STANDARD_GRAVITY, abs=0.01)
    assert m.read(_write(tmp_path, "STD_acc_3_1", t, acc), fs=100.0).t[1] == pytest.approx(0.01)


def test_samples_not_later_than_one_before_are_dropped_and_counted(tmp_path: Path) -> None:
    t, acc = _still(5.0)
    t[10] = t[9]  # repeated
    t[20] = t[18]  # back in time
    trial = m.read(_write(tmp_path, "WAL_acc_4_1", t, acc))
    assert trial.dropped == 2 and np.all(np.diff(trial.t) > 0)


def test_a_slow_start_is_left_out_and_counted(tmp_path: Path) -> None:
    # A second at 5 Hz, as most of the data set's recordings open, then the phone's fast rate.
    slow = np.arange(5) * 0.2
    t_fast, acc_fast = _still(10.0)
    t = np.concatenate([slow, 1.0 + t_fast])
    acc = np.concatenate([np.tile([5.0, 0.0, 0.0], (5, 1)), acc_fast])
    trial = m.read(_write(tmp_path, "STU_acc_2_1", t, acc))
    assert trial.lead_in_s == pytest.approx(1.0)
    assert trial.t[-1] == pytest.approx(t_fast[-1], abs=2 / m.RATE_HZ)
    assert trial.acc[:, 0] == pytest.approx(0.0, abs=1e-6)  # nothing of the slow start
    tl = m.tally([trial], None, Placement.THIGH)
    assert tl.lead_in == [pytest.approx(1.0)] and tl.trial_s["STU"][0] == pytest.approx(10.0, 0.02)


@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("WAL_gyro_2_1.txt", "@DATA\n1, 2, 3, 4\n2, 2, 3, 4\n", "file name"),
        ("XYZ_acc_2_1.txt", "@DATA\n1, 2, 3, 4\n2, 2, 3, 4\n", "file name"),
        ("WAL_acc_2_1.txt", "#header only\n", "@DATA"),
        ("WAL_acc_2_1.txt", "@DATA\n1, 2, x, 4\n2, 2, 3, 4\n", "malformed"),
        ("WAL_acc_2_1.txt", "@DATA\n1, 2, 3\n2, 2, 3\n", "time and 3 axes"),
        ("WAL_acc_2_1.txt", "@DATA\n1, 2, 3, 4\n", "at least two rows"),
        ("WAL_acc_2_1.txt", "@DATA\n5, 2, 3, 4\n5, 2, 3, 4\n", "increasing"),
        ("WAL_acc_2_1.txt", "@DATA\n0, 2, 3, 4\n200000000, 2, 3, 4\n", "never sampled"),
    ],
)
def test_what_is_no_data_file_is_refused(tmp_path: Path, name: str, text: str, why: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=why):
        m.read(path)


def test_a_walk_s_rhythm_is_its_magnitude_s_step_frequency() -> None:
    t = np.arange(round(60 * m.RATE_HZ)) / m.RATE_HZ
    # A phone swinging once a stride (0.8 Hz) with a bounce every step (1.6 Hz): the swing is
    # stronger on the axes, but the magnitude repeats every step.
    angle = 0.4 * np.sin(2 * np.pi * 0.8 * t)
    bounce = 1.0 + 0.2 * np.sin(2 * np.pi * 1.6 * t)
    acc = STANDARD_GRAVITY * bounce[:, None] * np.stack([np.sin(angle), np.cos(angle), 0 * t], 1)
    assert m.rhythm_steps(acc, m.RATE_HZ, m.RHYTHM_HZ["WAL"]) == pytest.approx(96, rel=0.02)
    # A jog of 156 steps a minute: its band finds it, a walk's does not reach it.
    jog = acc * (1.0 + 0.5 * np.sin(2 * np.pi * 2.6 * t))[:, None]
    assert m.rhythm_steps(jog, m.RATE_HZ, m.RHYTHM_HZ["JOG"]) == pytest.approx(156, rel=0.02)
    assert m.rhythm_steps(jog, m.RATE_HZ, m.RHYTHM_HZ["WAL"]) == pytest.approx(96, rel=0.02)


def test_rates_and_tables_add_up() -> None:
    tl = m.Tally(Placement.THIGH, m.RATE_HZ)
    tl.seconds.update({"STD": 1800.0, "WAL": 600.0, "STU": 20.0, "CSO": 36.0})
    tl.people.update({"STD": {"2", "3"}, "WAL": {"2", "3"}, "STU": {"2"}, "CSO": {"2"}})
    tl.steps["engine"].update({"STD": [0, 3], "WAL": [290, 310], "STU": [0, 12], "CSO": [5]})
    tl.steps["detector alone"].update({"STD": [6, 3], "WAL": [250, 300], "STU": [4, 12]})
    tl.steps["detector alone"]["CSO"] = [9]
    tl.rhythm["WAL"] = [300.0, 320.0]
    tl.trial_s.update({"WAL": [300.0, 300.0], "STU": [10.0, 10.0]})
    table = m.activity_table(tl, peers=False)
    assert "standing" in table and "3 (6/h)" in table and "600 (60/min)" in table
    assert "stepping out of a car" in table and "5 (500/h)" in table and "mobgap*" not in table
    summary = m.summary(tl, peers=False)
    # Not walking: half an hour of standing, 3 steps; walking and stairs: 612 in 10 min 20 s.
    assert "0.50 h" in summary and "3 (6/h)" in summary and "612 (59/min)" in summary
    trials = m.per_trial(tl, peers=False)
    # 290 / 300 and 310 / 320: both 97 %; 290 and 310 steps in 5 minutes: 58 and 62 a minute.
    assert "97% (97-97%)" in trials and "60 (58-62)" in trials and "62 (60-64)" in trials
    assert "6 (0-12)" in trials  # the stairs' trials, median (range)
    stairs_none = next(line for line in trials.splitlines() if "stairs up: trials with no" in line)
    assert stairs_none.split()[-2:] == ["1", "0"]  # the engine's one empty trial; none alone
    assert m.per_trial(m.Tally(Placement.THIGH, m.RATE_HZ), peers=False) == ""


def test_the_command_counts_still_trials_and_refuses_what_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert m.main([str(tmp_path / "missing"), "--no-peers"]) == 2
    assert m.main([str(tmp_path), "--no-peers"]) == 2  # no files
    _write(tmp_path, "STD_acc_3_1", *_still(30.0))
    _write(tmp_path, "SCH_acc_3_1", *_still(6.0))
    assert m.main([str(tmp_path), "--no-peers", "--placement", "waist"]) == 0
    out = capsys.readouterr().out
    assert "2 trials as waist at 50 Hz" in out and "sitting down on a chair" in out
    assert "0 (0/h)" in out and "mobgap*" not in out
    bad = tmp_path / "sub3" / "ADL" / "STD" / "STD_acc_3_2.txt"
    bad.write_text("no data here\n")
    assert m.main([str(tmp_path), "--no-peers"]) == 2
    assert "@DATA" in capsys.readouterr().err
