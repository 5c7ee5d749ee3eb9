"""The replay command line and the recording CSV format."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
import subprocess
import sys

import numpy as np
import pytest

from custom_components.retrowalk.gait.cli import main
from custom_components.retrowalk.gait.gate_params import STRIDE_FILL
from custom_components.retrowalk.gait.recording import (
    BadValueError,
    EmptyRecordingError,
    MissingColumnsError,
    Recording,
    TimeOrderError,
    read_recording,
    write_recording,
)

from .synth import walk
from .test_gate_stride_fill import wrist_walk

ROOT = Path(__file__).resolve().parents[2]


def replay(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["replay", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def forward_then_back(tmp_path: Path) -> Path:
    w = walk(["forward"] * 6 + ["backward"] * 3)
    path = tmp_path / "rec.csv"
    write_recording(path, Recording(w.t, w.acc, w.gyro))
    return path


def test_recording_round_trip(tmp_path: Path) -> None:
    w = walk(["forward"] * 2)
    for gyro in (w.gyro, None):
        path = tmp_path / "r.csv"
        write_recording(path, Recording(w.t, w.acc, gyro))
        rec = read_recording(path)
        assert np.allclose(rec.t, w.t) and np.allclose(rec.acc, w.acc, atol=1e-6)
        assert (rec.gyro is None) == (gyro is None)


def test_columns_in_any_order_and_case(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("AX,t,az,ay\n1,0.0,3,2\n1,0.01,3,2\n")
    rec = read_recording(path)
    assert rec.acc.tolist() == [[1, 2, 3], [1, 2, 3]] and rec.gyro is None


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        ("t,ax,ay\n0,1,2\n", MissingColumnsError, "az"),
        ("t,ax,ay,az,gx\n0,1,2,3,4\n", MissingColumnsError, "gy"),
        ("t,ax,ay,az\n0,1,2,3\n0.01,1,x,3\n", BadValueError, ":3:"),
        ("t,ax,ay,az\n0,1,2,3\n0.01,1,2\n", BadValueError, ":3:"),
        ("t,ax,ay,az\n0,1,2,3\n0.01,1,nan,3\n", BadValueError, "non-finite"),
        ("t,ax,ay,az\n0,1,2,3\n0.02,1,2,3\n0.01,1,2,3\n", TimeOrderError, "backwards.*sample 3"),
        ("t,ax,ay,az\n0,1,2,3\n0.02,1,2,3\n0.02,1,2,3\n0.01,1,2,3\n", TimeOrderError, "sample 4"),
        ("", EmptyRecordingError, "empty"),
        ("t,ax,ay,az\n", EmptyRecordingError, "no samples"),
    ],
)
def test_bad_recordings_raise_typed_errors(
    tmp_path: Path, text: str, error: type[Exception], words: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(error, match=words):
        read_recording(path)
    code, out, err = replay(str(path), "--placement", "foot")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err


def test_a_repeated_time_stamp_is_dropped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("t,ax,ay,az\n0,1,2,3\n0.01,4,5,6\n0.01,7,8,9\n0.01,7,8,9\n0.02,1,2,3\n")
    rec = read_recording(path)
    assert rec.t.tolist() == [0, 0.01, 0.02] and rec.repeated == 2
    assert rec.acc[1].tolist() == [4, 5, 6]  # the first sample with that time is kept


def test_replay_of_a_file_with_one_repeated_time_stamp(
    forward_then_back: Path, tmp_path: Path
) -> None:
    """A held-out recording was rejected outright for one repeated time stamp: now it counts."""
    _, clean, _ = replay(str(forward_then_back), "--placement", "foot")
    lines = forward_then_back.read_text().splitlines(keepends=True)
    lines.insert(400, lines[400 - 1])  # sample 398 written twice, in the middle of a stride
    dup = tmp_path / "dup.csv"
    dup.write_text("".join(lines))
    code, out, err = replay(str(dup), "--placement", "foot", "--calibrate-with", str(dup))
    assert code == 0
    assert out.splitlines()[-1] == json.dumps(
        {"summary": {"forward": 12, "backward": 6, "left": 0, "right": 0}}
    )
    assert err.count("dropped 1 sample(s) repeating the previous sample's time") == 2
    code, out, err = replay(str(dup), "--placement", "foot")
    assert (code, out) == (0, clean)


def test_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    code, _, err = replay(str(tmp_path / "nope.csv"), "--placement", "foot")
    assert code == 2 and "cannot read" in err


def test_replay_prints_steps_and_summary(forward_then_back: Path) -> None:
    code, out, _ = replay(str(forward_then_back), "--placement", "foot")
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    steps, summary = lines[:-1], lines[-1]
    assert len(steps) == 18
    # The instrumented foot's steps (every second one) carry the stride; the other foot's do not,
    # and the first stride after standing has no stride time, so no speed.
    base = {"t", "direction", "confidence"}
    assert all(set(s) == base for s in steps[0::2])
    assert set(steps[1]) == base | {"stride_length_m"}
    assert all(set(s) == base | {"stride_length_m", "speed_m_s"} for s in steps[3::2])
    # synth.walk: 1.3 m strides, one every 0.7 s swing + 0.45 s stance.
    assert all(abs(s["stride_length_m"] - 1.3) < 0.03 for s in steps[1::2])
    assert all(abs(s["speed_m_s"] - 1.3 / 1.15) < 0.03 for s in steps[3::2])
    assert [s["direction"] for s in steps[-6:]] == ["backward"] * 6
    assert summary == {"summary": {"forward": 12, "backward": 6, "left": 0, "right": 0}}


def test_calibrate_with_a_forward_walk(tmp_path: Path) -> None:
    back = tmp_path / "back.csv"
    w = walk(["backward"] * 4)
    write_recording(back, Recording(w.t, w.acc, w.gyro))
    # The shank (an ankle strap) has nothing but the majority to go by: at the foot a stride's
    # pitch says which way the toes point (facing.py), and the calibration would change nothing.
    code, out, _ = replay(str(back), "--placement", "shank")
    assert json.loads(out.splitlines()[-1])["summary"]["forward"] == 8
    fwd = tmp_path / "fwd.csv"
    w = walk(["forward"] * 5, t0=10.0)
    write_recording(fwd, Recording(w.t, w.acc, w.gyro))
    code, out, _ = replay(str(back), "--placement", "shank", "--calibrate-with", str(fwd))
    assert code == 0
    assert (
        json.loads(out.splitlines()[-1])["summary"]
        == {"summary": {"forward": 0, "backward": 8, "left": 0, "right": 0}}["summary"]
    )


def test_bad_placement_is_an_argument_error(forward_then_back: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["replay", str(forward_then_back), "--placement", "ear"])
    assert exc.value.code == 2


def test_module_entry_point(forward_then_back: Path) -> None:
    # One subprocess only: importing the package pulls in Home Assistant through the integration's
    # __init__, which takes seconds. The error paths are covered in-process above.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    cmd = [sys.executable, "-m", "custom_components.retrowalk.gait", "replay"]
    args = [*cmd, str(forward_then_back), "--placement", "foot"]
    ok = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout.splitlines()[-1])["summary"]["backward"] == 6


def test_replay_prints_steps_in_time_order_even_where_the_gate_returns_them_late(
    tmp_path: Path,
) -> None:
    # A stride-locked wrist walk: the gate returns the steps restored in its first strides late,
    # all at once (gate.py, stride fill); the replay's lines stay in time order.
    t, acc = wrist_walk(4 * STRIDE_FILL)
    path = tmp_path / "wrist.csv"
    write_recording(path, Recording(t, acc, None))
    code, out, _ = replay(str(path), "--placement", "wrist")
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    steps, summary = lines[:-1], lines[-1]
    times = [s["t"] for s in steps]
    assert len(times) >= 4 * STRIDE_FILL - 2
    assert times == sorted(times)
    assert sum(summary["summary"].values()) == len(steps)
