"""The Erciyes waist bench (tools/bench/erciyes.py) on files written here: the export's and the
transcription's formats, the folders' labels, samples the unit did not deliver, the rhythm over
the moving span, the calibrated and learned modes and the command's exit codes. Synthetic signals:
they test the bench, not the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import STANDARD_GRAVITY
from tools.bench import erciyes as e

from ..gait.test_trunk import MOUNT, trunk_walk

HEADER = (
    "// Start Time: 0\n// Update Rate: 25.0Hz\n// Scenario: 34.3\n// Firmware Version: 1.0.7\n"
    "Counter\tTemperature\tVelInc_X\tVelInc_Y\tVelInc_Z\tAcc_X\tAcc_Y\tAcc_Z\tRSSI\t\n"
)


def _export(
    path: Path, counter: np.ndarray, acc: np.ndarray, *, empty_at: int | None = None
) -> None:
    """An Xsens export as the data set ships it (fewer columns; the names find them)."""
    lines = []
    for k, (c, a) in enumerate(zip(counter, acc, strict=True)):
        if k == empty_at:  # a sample the unit did not deliver: its counter, no readings
            lines.append(f"{int(c) % 65536}\t0\t\t\t\t\t\t\t-128.0000\t")
            continue
        v = a * 0.04
        lines.append(
            f"{int(c) % 65536}\t0\t{v[0]}\t{v[1]}\t{v[2]}\t{a[0]}\t{a[1]}\t{a[2]}\t-64.0000\t"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")


def _trial_path(root: Path, person: str, folder: str, trial: int, suffix: str = "txt") -> Path:
    return root / person / "Testler Export" / folder / f"Test_{trial}" / f"{e.WAIST_UNIT}.{suffix}"


def _still(seconds: float) -> np.ndarray:
    return np.tile([STANDARD_GRAVITY, 0.0, 0.0], (round(seconds * e.RATE_HZ), 1))


def test_the_export_is_read_by_its_column_names_in_time_from_its_counter(tmp_path: Path) -> None:
    acc = _still(2.0)
    acc[:, 1] = np.arange(len(acc))  # tells the rows apart
    counter = 65530 + np.arange(len(acc))  # wraps past 65535 after six samples
    path = _trial_path(tmp_path, "101", "802-YurumeGeri", 3)
    _export(path, counter, acc, empty_at=10)
    (rec,) = e.trials(tmp_path)
    assert (rec.person, rec.activity, rec.trial, rec.dropped) == ("101", 802, 3, 1)
    assert len(rec.t) == len(acc) - 1
    # Across the wrap time runs on; where the empty row was, one sample's time is missing.
    assert np.diff(rec.t)[:9] == pytest.approx(0.04)
    assert rec.t[10] - rec.t[9] == pytest.approx(0.08)
    assert rec.acc[10, 1] == 11.0
    assert rec.acc[0] == pytest.approx([STANDARD_GRAVITY, 0.0, 0.0])


def test_a_sample_beyond_any_imus_range_is_left_out_as_the_device_layer_drops_it(
    tmp_path: Path,
) -> None:
    acc = _still(2.0)
    acc[20] = [300.9, -82.3, 679.2]  # a lone glitch of 69 g between 1 g samples
    acc[30] = [150.0, 0.0, 0.0]  # 15 g: a hard knock, within a 16 g unit's range, kept
    path = _trial_path(tmp_path, "109", "801-Yurume Ileri", 1)
    _export(path, np.arange(len(acc)), acc)
    (rec,) = e.trials(tmp_path)
    assert rec.dropped == 1
    assert len(rec.t) == len(acc) - 1
    assert rec.t[20] - rec.t[19] == pytest.approx(0.08)
    assert np.abs(rec.acc).max() == pytest.approx(150.0)


def test_the_transcription_reads_as_the_export(tmp_path: Path) -> None:
    path = _trial_path(tmp_path, "209", "801", 1, "csv")
    path.parent.mkdir(parents=True)
    rows = [f"{100 + k},0.39,0.0,0.0,9.75,0.0,0.0" for k in range(30)]
    path.write_text("counter,vx,vy,vz,ax,ay,az\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (rec,) = e.trials(tmp_path)
    assert (rec.person, rec.activity, rec.trial) == ("209", 801, 1)
    assert rec.t[-1] == pytest.approx(29 * 0.04)
    assert rec.acc[0] == pytest.approx([9.75, 0.0, 0.0])


def test_only_the_waist_units_walking_trials_are_taken_forward_ones_first(tmp_path: Path) -> None:
    acc = _still(1.0)
    for person, folder, trial, unit in [
        ("102", "802-YurumeGeri", 1, e.WAIST_UNIT),
        ("102", "801-Yurume Ileri", 2, e.WAIST_UNIT),
        ("102", "803-TempoluYavasKosu", 1, e.WAIST_UNIT),  # jogging: not read
        ("102", "801-Yurume Ileri", 1, "340527"),  # the thigh unit: not read
        ("101", "802-YurumeGeri", 1, e.WAIST_UNIT),
    ]:
        path = _trial_path(tmp_path, person, folder, trial).with_name(f"{unit}.txt")
        _export(path, np.arange(len(acc)), acc)
    (tmp_path / "102" / "Info.txt").write_text("not a trial", encoding="utf-8")
    got = [(r.person, r.activity, r.trial) for r in e.trials(tmp_path)]
    assert got == [("101", 802, 1), ("102", 801, 2), ("102", 802, 1)]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Counter\tAcc_X\tAcc_Y\n1\t9.8\t0\n2\t9.8\t0\n", "needs the columns"),
        ("Counter\tAcc_X\tAcc_Y\tAcc_Z\n1\t9.8\t0\t0\n2\t\t\t\n", "at least two rows"),
    ],
)
def test_a_file_without_readings_is_refused(tmp_path: Path, text: str, why: str) -> None:
    path = _trial_path(tmp_path, "103", "801", 1)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=why):
        list(e.trials(tmp_path))
    assert e.main([str(tmp_path)]) == 2


def test_the_rhythm_counts_the_span_that_moves_only() -> None:
    t = np.arange(round(10 * e.RATE_HZ)) / e.RATE_HZ
    walk = np.tile([STANDARD_GRAVITY, 0.0, 0.0], (len(t), 1))
    walk[:, 0] += 2.0 * np.sin(2 * np.pi * 1.8 * t)  # 18 steps in 10 s
    acc = np.concatenate([_still(8.0), walk, _still(8.0)])
    rec = e.Trial("101", 801, 1, np.arange(len(acc)) / e.RATE_HZ, acc)
    assert e.walk_steps(rec) == pytest.approx(18.0, abs=1.5)
    assert e.walk_steps(e.Trial("101", 801, 1, rec.t, _still(26.0))) == 0.0


def _walk_trial(person: str, activity: int, trial: int, *, backward: bool, seed: int) -> e.Trial:
    w = trunk_walk(24, backward=backward, lead=6.0, tail=6.0, t0=0.0, seed=seed, fs=e.RATE_HZ)
    return e.Trial(person, activity, trial, w.t - w.t[0], w.acc)


def test_a_calibrated_wearer_walking_backwards_is_labelled_backward(tmp_path: Path) -> None:
    recs = [
        _walk_trial("101", 801, 1, backward=False, seed=1),
        _walk_trial("101", 802, 1, backward=True, seed=2),
        _walk_trial("101", 802, 2, backward=True, seed=3),
    ]
    res = e.tally(recs, learned=False)
    fwd_row, *backs = res.rows
    assert fwd_row.trial.activity == 801 and fwd_row.steps >= 20 and fwd_row.backward == 0
    for r in backs:
        assert r.scored and r.steps >= 20 and r.backward >= r.steps - 2
        assert r.rhythm == pytest.approx(24, abs=4)
    table = e.activity_table(res)
    assert "walking backward" in table and "2 / 2" in table


def test_learned_without_a_calibration_the_backward_trials_can_outweigh_one_forward() -> None:
    # The mode a user who did not calibrate is in: the axis is only what walking taught it.
    recs = [
        _walk_trial("101", 801, 1, backward=False, seed=1),
        *[_walk_trial("101", 802, k, backward=True, seed=k + 1) for k in range(1, 4)],
    ]
    calibrated = e.tally(recs, learned=False)
    learned = e.tally(recs, learned=True)
    assert [r.backward for r in calibrated.rows[1:]] != [r.backward for r in learned.rows[1:]]
    assert all(r.backward >= r.steps - 2 for r in calibrated.rows[1:])


def test_the_command_prints_both_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    w = trunk_walk(20, lead=6.0, tail=6.0, t0=0.0, seed=4, fs=e.RATE_HZ, mount=MOUNT)
    _export(_trial_path(tmp_path, "110", "801-Yurume Ileri", 1), np.arange(len(w.t)), w.acc)
    assert e.main([str(tmp_path), "--learned"]) == 0
    out = capsys.readouterr().out
    assert (
        "1 waist trials (340535) of 1 people as waist (axis learned from the forward trials)" in out
    )
    assert "walking forward" in out and "labelled backward" in out
    assert e.main([str(tmp_path / "missing")]) == 2


def test_a_backward_trial_with_no_forward_one_before_is_counted_not_scored() -> None:
    recs = [
        _walk_trial("105", 802, 1, backward=True, seed=5),
        _walk_trial("209", 801, 1, backward=False, seed=6),
        _walk_trial("209", 802, 1, backward=True, seed=7),
    ]
    res = e.tally(recs, learned=False)
    assert [r.scored for r in res.rows] == [False, True, True]
    assert res.rows[0].steps >= 20
    table = e.activity_table(res)
    back_line = next(line for line in table.splitlines() if line.startswith("walking backward"))
    # 2 trials of 2 people, 1 scored, labelled right, mostly right 1 of 1.
    cells = back_line.split()
    assert cells[2:4] == ["2", "2"] and cells[-6:] == ["1", "100.0", "%", "1", "/", "1"]
    assert "not scored" in e.trial_table(res)


def test_another_unit_is_read_as_its_placement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w = trunk_walk(20, lead=6.0, tail=6.0, t0=0.0, seed=8, fs=e.RATE_HZ)
    waist = _trial_path(tmp_path, "110", "801-Yurume Ileri", 1)
    _export(waist, np.arange(len(w.t)), w.acc)
    _export(waist.with_name("340539.txt"), np.arange(len(w.t)), w.acc)
    assert [r.person for r in e.trials(tmp_path, "340539")] == ["110"]
    assert list(e.trials(tmp_path, "340527")) == []
    assert e.main([str(tmp_path), "--unit", "chest"]) == 0
    assert "1 chest trials (340539) of 1 people as chest" in capsys.readouterr().out
    assert e.main([str(tmp_path), "--unit", "thigh"]) == 2
