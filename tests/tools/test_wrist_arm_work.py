"""The wrist arm-work comparison's features on signals whose answer is known."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tools.bench import hmp_wrist
from tools.bench.wrist_arm_work import (
    FS,
    STROKE_HEADER,
    Features,
    hmp,
    hmp_sensed,
    main,
    run_cvs,
)


def test_run_cvs_finds_regular_runs_of_ten_in_the_gates_interval_range() -> None:
    steady = np.arange(12) * 0.5  # 12 candidates 0.5 s apart: three runs of ten
    assert run_cvs(steady) == pytest.approx([0.0, 0.0, 0.0])
    assert run_cvs(np.arange(12) * 0.2) == []  # faster than any step
    jittered = steady + np.array([0, 0.1, -0.1] * 4)
    assert all(cv > 0.2 for cv in run_cvs(jittered))


def test_features_tell_a_steady_swing_from_noise_and_read_the_forearm_posture() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(int(60 * FS)) / FS
    g = 9.80665
    level = np.stack([np.zeros_like(t), np.zeros_like(t), np.full_like(t, g)], axis=1)
    swing = level.copy()
    swing[:, 2] += 3.0 * np.sin(2 * math.pi * 1.8 * t)  # a walk-like 1.8 Hz bounce
    noisy = level + rng.normal(0.0, 1.5, level.shape)
    steady, rough = Features(), Features()
    steady.add(swing)
    rough.add(noisy)
    assert steady.rates is not None and np.median(steady.rates) == pytest.approx(1.8, abs=0.1)
    assert steady.regularity is not None and rough.regularity is not None
    assert np.median(steady.regularity) > 0.9
    assert np.median(rough.regularity) < 0.3
    assert steady.elevation is not None and max(steady.elevation) < 5.0  # forearm level
    assert steady.hanging_s == 0.0
    hanging = Features()
    hanging.add(np.stack([np.full_like(t, -g), np.zeros_like(t), np.zeros_like(t)], axis=1))
    assert hanging.hanging_s == pytest.approx(60.0)
    assert hanging.elevation is not None and min(hanging.elevation) > 85.0
    row = steady.row("x", "y")
    assert row[0] == "x" and row[4] == "0"  # no time hanging


def _write_trial(folder: Path, name: str, acc_g: np.ndarray) -> None:
    """An HMP trial file: acc in g (n, 3) as the data set's 6-bit codes (clipped at 1.5 g)."""
    codes = np.clip(np.round((acc_g + 1.5) / 3.0 * 63), 0, 63).astype(int)
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("\n".join(" ".join(map(str, row)) for row in codes) + "\n")


def _brushing(seconds: float, stroke_g: float, bursts: tuple[float, float] | None) -> np.ndarray:
    """A level forearm, thumb up (gravity on y), scrubbing along x at 4.5 Hz; with bursts (on s,
    off s) the scrubbing stops and starts."""
    t = np.arange(int(seconds * hmp_wrist.RATE_HZ)) / hmp_wrist.RATE_HZ
    on = np.ones_like(t) if bursts is None else (t % sum(bursts) < bursts[0]).astype(float)
    x = stroke_g * np.sin(2 * math.pi * 4.5 * t) * on
    return np.stack([x, np.ones_like(t), np.zeros_like(t)], axis=1)


def test_hmp_rows_measure_real_trials_as_their_sensor_read_them(tmp_path: Path) -> None:
    brush = tmp_path / "Brush_teeth"
    _write_trial(
        brush,
        "Accelerometer-2011-03-24-12-00-00-brush_teeth-f1.txt",
        _brushing(60.0, 1.0, (6.0, 1.0)),
    )
    # Strokes of 1.8 g: the sensor cuts them at 1.5 g.
    _write_trial(
        brush, "Accelerometer-2011-03-24-12-05-00-brush_teeth-m1.txt", _brushing(30.0, 1.8, None)
    )
    t = np.arange(int(40 * hmp_wrist.RATE_HZ)) / hmp_wrist.RATE_HZ
    sway = np.stack([0.05 * np.sin(2 * math.pi * 0.5 * t), np.zeros_like(t), np.ones_like(t)], 1)
    _write_trial(tmp_path / "Eat_meat", "Accelerometer-2011-03-24-13-00-00-eat_meat-f1.txt", sway)
    _write_trial(tmp_path / "Walk", "Accelerometer-2011-03-24-14-00-00-walk-f1.txt", sway)
    got = hmp(tmp_path)
    assert list(got) == ["brush_teeth", "eat_meat"]  # HMP's order; walking is no arm work
    features, strokes = got["brush_teeth"]
    assert features.seconds == pytest.approx(90.0, abs=0.2)
    # The first table's features at 20 Hz: a level forearm. (Its stroke rate is the magnitude's:
    # a stroke across gravity swings the magnitude at twice its rate, past 20 Hz's reach.)
    assert features.elevation is not None and np.median(features.elevation) < 5.0
    assert strokes.seconds == pytest.approx(90.0, abs=0.1)
    # All the motion is along the forearm, none along gravity; thumb up reads 90 degrees.
    assert strokes.x_sq / strokes.dyn_sq > 0.9 and strokes.up_sq / strokes.dyn_sq < 0.05
    assert strokes.roll is not None and np.median(strokes.roll) > 85.0
    assert strokes.kinds is not None and all(k[0] for k in strokes.kinds)
    assert np.median([k[1] for k in strokes.kinds]) == pytest.approx(4.5, abs=0.3)
    # Only the 1.8 g trial sits at the sensor's limits (twice a cycle, at each peak).
    assert 0.1 < strokes.clipped / (30 * hmp_wrist.RATE_HZ) < 0.5
    # A metronome's cycles: no spread, no drift.
    assert strokes.jitter and max(strokes.jitter) < 0.05
    assert strokes.drift8 and max(strokes.drift8) < 0.1
    # 6 s on, 1 s off: the inner bursts last 6 s and the pauses 1 s (the 0.5 s RMS blurs both).
    assert strokes.bursts and np.median(strokes.bursts) == pytest.approx(6.0, abs=0.6)
    assert strokes.pauses and np.median(strokes.pauses) == pytest.approx(1.0, abs=0.6)
    eating = got["eat_meat"][1]
    assert eating.windows == 0 and eating.clipped == 0  # too gentle to be scrubbing
    row = strokes.row("HMP brush_teeth")
    assert row[0] == "HMP brush_teeth" and len(row) == len(STROKE_HEADER)


def test_the_hmp_sensor_clips_and_quantises() -> None:
    g = hmp_wrist.STANDARD_GRAVITY
    acc = np.array([[0.0, 0.0, g], [2.0 * g, 0.0, g], [0.01, -1.6 * g, 0.0]])
    sensed, at_limit = hmp_sensed(acc)
    assert at_limit == 2
    assert sensed[1, 0] == pytest.approx(1.5 * g) and sensed[2, 1] == pytest.approx(-1.5 * g)
    assert abs(sensed[0, 2] - g) <= 3.0 / 63 * g / 2 + 1e-9  # within half a code
    assert sensed[2, 0] == pytest.approx(hmp_wrist.decode(np.array([31.0]))[0]) or sensed[
        2, 0
    ] == pytest.approx(hmp_wrist.decode(np.array([32.0]))[0])


def test_main_adds_hmp_rows_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_trial(
        tmp_path / "Brush_teeth",
        "Accelerometer-2011-03-24-12-00-00-brush_teeth-f1.txt",
        _brushing(30.0, 1.0, None),
    )
    common = ["--seeds", "1", "--seconds", "30", "--virtual-only"]
    main(common)
    plain = capsys.readouterr().out
    assert "virtual brush" in plain and "HMP" not in plain
    main([*common, "--hmp", str(tmp_path)])
    out = capsys.readouterr().out
    for row in ("HMP brush_teeth", "virtual brush, HMP sensor", "virtual eat, HMP sensor"):
        assert row in out
    assert STROKE_HEADER[0] in out


def test_main_refuses_a_missing_hmp_folder_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--seeds", "1", "--seconds", "30", "--virtual-only", "--hmp", str(tmp_path / "no")])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert "is no folder" in captured.err and captured.out == ""
