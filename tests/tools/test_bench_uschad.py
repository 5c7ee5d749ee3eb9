"""The USC-HAD hip bench (tools/bench/uschad.py) on .mat files written here: the reader's units
and labels, its refusals, the tables' arithmetic, the direction table and the command's exit
codes. Synthetic signals: they test the bench, not the engine."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import scipy.io  # type: ignore[import-untyped]

from custom_components.retrowalk.gait import STANDARD_GRAVITY
from tools.bench import uschad as u
from tools.peers import external


def _write(folder: Path, who: int, name: str, readings: np.ndarray, **meta: str) -> Path:
    """A trial in the data set's layout, Subject<who>/<name>.mat, with its own metadata."""
    path = folder / f"Subject{who}" / f"{name}.mat"
    path.parent.mkdir(parents=True, exist_ok=True)
    scipy.io.savemat(path, {"title": "USC Human Motion Dataset", **meta, u.READINGS: readings})
    return path


def _still(seconds: float) -> np.ndarray:
    """Upright and still: x along gravity (1 g), no turn."""
    rows = round(seconds * u.RATE_HZ)
    return np.tile([1.0, 0.0, 0.0, 0.0, 0.0, 0.0], (rows, 1))


def _walk(seconds: float, steps_hz: float = 1.9) -> np.ndarray:
    """A hip walking: 0.3 g up and down at every step, forward sway a quarter step later."""
    t = np.arange(round(seconds * u.RATE_HZ)) / u.RATE_HZ
    phase = 2 * np.pi * steps_hz * t
    out = np.zeros((len(t), 6))
    out[:, 0] = 1.0 + 0.3 * np.sin(phase)
    out[:, 1] = 0.15 * np.cos(phase)
    return out


def test_a_trial_is_read_in_si_units_labelled_by_its_name(tmp_path: Path) -> None:
    readings = _still(2.0)
    readings[:, 3] = 90.0  # degrees a second about x
    # The file's own metadata says another activity and trial: the name is the label.
    path = _write(tmp_path, 13, "a9t4", readings, activity_number="2", trial="1")
    trial = u.read(path)
    assert (trial.activity, trial.person, trial.name) == (9, "13", "a9t4")
    assert trial.t[-1] == pytest.approx(1.99) and np.diff(trial.t) == pytest.approx(0.01)
    assert trial.acc[0] == pytest.approx([STANDARD_GRAVITY, 0.0, 0.0])
    assert trial.gyro[0] == pytest.approx([math.pi / 2, 0.0, 0.0])


@pytest.mark.parametrize(
    ("folder", "name", "readings", "why"),
    [
        ("Subject1", "a13t1", _still(1.0), "not a USC-HAD trial"),  # no 13th activity
        ("Person1", "a1t1", _still(1.0), "not a USC-HAD trial"),
        ("Subject1", "a1t1", np.ones((10, 3)), "6 columns"),
        ("Subject1", "a1t1", np.ones((1, 6)), "at least two rows"),
        ("Subject1", "a1t1", np.full((10, 6), np.nan), "not finite"),
    ],
)
def test_what_is_no_trial_is_refused(
    tmp_path: Path, folder: str, name: str, readings: np.ndarray, why: str
) -> None:
    path = tmp_path / folder / f"{name}.mat"
    path.parent.mkdir()
    scipy.io.savemat(path, {u.READINGS: readings})
    with pytest.raises(ValueError, match=why):
        u.read(path)


def test_a_file_without_readings_or_no_mat_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, 1, "a1t1", _still(1.0))
    scipy.io.savemat(path, {"title": "no readings"})
    with pytest.raises(ValueError, match=f"no {u.READINGS}"):
        u.read(path)
    path.write_text("not a MAT file")
    with pytest.raises(ValueError, match=f"no {u.READINGS}"):
        u.read(path)


def test_trials_come_in_person_activity_and_trial_order(tmp_path: Path) -> None:
    for who, name in [(10, "a1t1"), (2, "a12t1"), (2, "a2t10"), (2, "a2t2")]:
        _write(tmp_path, who, name, _still(1.0))
    order = [(t.person, t.name) for t in u.trials(tmp_path)]
    assert order == [("2", "a2t2"), ("2", "a2t10"), ("2", "a12t1"), ("10", "a1t1")]


def test_rates_and_tables_add_up() -> None:
    tl = u.Tally()
    tl.seconds.update({9: 1800.0, 1: 600.0, 7: 36.0})
    tl.people.update({9: {"1", "2"}, 1: {"1", "2"}, 7: {"1"}})
    tl.trial_s.update({9: [900.0, 900.0], 1: [300.0, 300.0], 7: [36.0]})
    tl.steps["engine"].update({9: [0, 3], 1: [290, 310], 7: [5]})
    tl.steps["detector alone"].update({9: [6, 3], 1: [250, 300], 7: [9]})
    tl.backward.update({1: [29, 0], 7: [5]})
    tl.rhythm[1] = [300.0, 320.0]
    table = u.activity_table(tl, peers=False)
    assert "standing" in table and "3 (6/h)" in table and "600 (60/min)" in table
    assert "jumping up" in table and "5 (500/h)" in table and "mobgap" not in table
    summary = u.summary(tl, peers=False)
    assert "0.50 h" in summary and "3 (6/h)" in summary and "600 (60/min)" in summary
    trials = u.per_trial(tl, peers=False)
    # 290 / 300 and 310 / 320: both 97 %; 290 and 310 steps in 5 minutes: 58 and 62 a minute.
    assert "97% (97-97%)" in trials and "60 (58-62)" in trials and "62 (60-64)" in trials
    none = next(line for line in trials.splitlines() if "trials with no step" in line)
    assert none.split()[-2:] == ["0", "0"]
    direction = u.direction_table(tl)
    # 29 of 600 backward (4.8 %), the worst trial 10 %; jumping's 5 of 5; standing not listed.
    assert "4.8 %" in direction and "10 %" in direction and "100.0 %" in direction
    assert "standing" not in direction
    assert u.per_trial(u.Tally(), peers=False) == "" and u.direction_table(u.Tally()) == ""


def test_the_command_counts_trials_and_refuses_what_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert u.main([str(tmp_path / "missing"), "--no-peers"]) == 2
    assert u.main([str(tmp_path), "--no-peers"]) == 2  # no files
    _write(tmp_path, 1, "a9t1", _still(30.0))
    _write(tmp_path, 1, "a1t1", _walk(30.0))
    assert u.main([str(tmp_path), "--no-peers"]) == 0
    out = capsys.readouterr().out
    assert "2 trials of 1 people as waist at 100 Hz" in out
    assert "0 (0/h)" in out and "mobgap" not in out and "labelled backward" in out
    # The walk's rhythm: 1.9 steps a second, 57 in its 30 s.
    rhythm = next(line for line in out.splitlines() if "its rhythm, a minute" in line)
    assert rhythm.split()[-2] == "114"
    (tmp_path / "Subject1" / "a8t1.mat").write_text("broken")
    assert u.main([str(tmp_path), "--no-peers"]) == 2
    assert "a8t1.mat" in capsys.readouterr().err


def test_the_peer_s_steps_fill_its_column_or_say_why_it_did_not_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, 1, "a9t1", _still(30.0))
    _write(tmp_path, 1, "a8t1", _still(60.0))
    asked: list[tuple[int, list[str]]] = []

    def peer(name: str, streams: list[object], locations: list[str]) -> list[np.ndarray]:
        asked.append((len(streams), locations))
        return [np.arange(7.0), np.arange(3.0)]  # in trial order: sitting 7 steps, standing 3

    monkeypatch.setattr(external, "run_peer", peer)
    assert u.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert asked == [(2, ["waist", "waist"])]
    # Sitting (activity 8) first: 7 steps in a minute; standing 3 in half a minute.
    assert "mobgap" in out and "7 (420/h)" in out and "3 (360/h)" in out and "10 (400/h)" in out

    def unavailable(*_: object) -> list[np.ndarray]:
        raise external.PeerUnavailableError("no .venv-peers")

    monkeypatch.setattr(external, "run_peer", unavailable)
    assert u.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "mobgap n/a: no .venv-peers" in out and "detector alone" in out
