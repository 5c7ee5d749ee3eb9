"""The Bangle.js log bench (tools/bench/bangle_logs.py) on logs written here: the reader, the
counters on still and walking logs, the summary's arithmetic and the command's handling of a
folder without the logs. Synthetic signals: they test the bench, not the engine."""

from __future__ import annotations

from pathlib import Path
import re

import numpy as np
import pytest

from tools.bench import bangle_logs as b
from tools.peers import espruino


def _write(path: Path, t_ms: np.ndarray, xyz: np.ndarray) -> Path:
    rows = "\n".join(f"{int(t)},{x},{y},{z}" for t, (x, y, z) in zip(t_ms, xyz, strict=True))
    path.write_text(f"{b.HEADER}\n{rows}\n")
    return path


def _still(seconds: float) -> tuple[np.ndarray, np.ndarray]:
    t_ms = np.arange(0, seconds * 1000, 80) + 86
    xyz = np.tile([0, -2000, -7944], (len(t_ms), 1))
    return t_ms, xyz


def _walk(seconds: float, hz: float = 1.8) -> tuple[np.ndarray, np.ndarray]:
    """A hanging forearm (gravity on the watch's -x) bouncing at the step rate, 12.5 Hz counts."""
    t_ms = np.arange(0, seconds * 1000, 80) + 86
    bounce = 0.35 * np.sin(2 * np.pi * hz * t_ms / 1000.0)
    xyz = np.stack(
        [np.rint(-espruino.ONE_G * (1.0 + bounce)), np.full(len(t_ms), 900), np.zeros(len(t_ms))],
        axis=1,
    ).astype(int)
    return t_ms, xyz


def test_a_log_is_read_in_seconds_and_its_counts_scale_to_gravity(tmp_path: Path) -> None:
    log = b.read_log(_write(tmp_path / "a.csv", *_still(10.0)))
    assert log.t[0] == pytest.approx(0.086)
    assert np.allclose(np.diff(log.t), 0.08)
    assert log.hours == pytest.approx((log.t[-1] - log.t[0]) / 3600.0)
    assert np.linalg.norm(log.acc[0]) == pytest.approx(
        np.hypot(2000, 7944) / 8192 * b.STANDARD_GRAVITY
    )
    assert log.counts.dtype == np.int64


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("t,x,y,z\n1,2,3,4\n", "not a Bangle.js log"),
        (f"{b.HEADER}\n86,1,2,x\n", "malformed row"),
        (f"{b.HEADER}\n86,1,2\n166,1,2\n", "rows must hold"),
        (f"{b.HEADER}\n86,1,2,3\n86,1,2,3\n", "times do not increase"),
        ("", "not a Bangle.js log"),
    ],
)
def test_a_malformed_log_is_refused_with_its_reason(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=reason):
        b.read_log(path)


def test_a_still_watch_counts_nothing_and_a_walking_one_counts_its_steps(tmp_path: Path) -> None:
    still = b.count(b.read_log(_write(tmp_path / "s.csv", *_still(120.0))))
    assert still == {"engine": 0, "detector alone": 0, "Espruino": 0}
    walking = b.count(b.read_log(_write(tmp_path / "w.csv", *_walk(60.0))))
    assert abs(walking["Espruino"] - 108) <= 6  # 1.8 steps/s, fed as the watch sampled them
    assert walking["detector alone"] >= walking["engine"] > 0


def test_the_watch_counter_gets_the_logged_samples_one_poll_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A log with the logger's drop-outs (every 7th sample missing: 160 ms gaps) is fed as
    # logged, not resampled onto a 12.5 Hz grid.
    t_ms, xyz = _walk(30.0)
    keep = np.arange(len(t_ms)) % 7 != 3
    log = b.read_log(_write(tmp_path / "w.csv", t_ms[keep], xyz[keep]))
    fed: list[tuple[np.ndarray, np.ndarray]] = []
    real = espruino.watch_polls

    def spy(times: np.ndarray, counts: np.ndarray) -> np.ndarray:
        fed.append((times, counts))
        return real(times, counts)

    monkeypatch.setattr(b.espruino, "watch_polls", spy)
    b.count(log)
    assert len(fed) == 1
    assert np.array_equal(fed[0][0], log.t) and np.array_equal(fed[0][1], log.counts)


def test_every_expected_count_is_the_one_its_file_name_carries() -> None:
    for name, (_, n) in b.EXPECTED.items():
        named = re.search(r"-a(\d+)-b\d+\.csv$|-(\d+)\.csv$|^(\d+)_", name)
        if named and not name.startswith("100"):
            assert n == int(next(g for g in named.groups() if g)), name
    assert b.EXPECTED["0_HughB_train_journey_b31.csv"][1] == 0  # b31: the firmware's count
    assert b.EXPECTED["HughB-drive-a3-b136.csv"][1] == 3


def test_every_expected_log_has_a_group_and_a_count() -> None:
    assert len(b.EXPECTED) == 36
    assert {g for g, _ in b.EXPECTED.values()} == set(b.GROUPS)
    assert all(n == 0 for g, n in b.EXPECTED.values() if g == b.NO_STEPS)
    assert all(n > 0 for g, n in b.EXPECTED.values() if g != b.NO_STEPS)


def test_the_summary_reports_errors_false_steps_and_everyday_share() -> None:
    def row(name: str, group: str, expected: int, hours: float, steps: int) -> b.Row:
        return b.Row(name, group, expected, hours, dict.fromkeys(b.COUNTERS, steps))

    rows = [
        row("a", b.SHORT, 100, 0.02, 90),
        row("b", b.SHORT, 100, 0.02, 104),
        row("c", b.SHORT, 150, 0.02, 150),
        row("d", b.LONG, 1000, 0.5, 900),
        row("e", b.NO_STEPS, 0, 2.0, 5),
        row("f", b.EVERYDAY, 200, 1.0, 50),
    ]
    text = b.summary(rows)
    assert "4.0 / 10.0 %, 2/3 within 5 %, 344 of 350 (-1.7 %)" in text
    assert "10.0 / 10.0 %, 0/1 within 5 %, 900 of 1,000 (-10.0 %)" in text
    assert "5 in 2.00 h (2.5/h)" in text
    assert "50 of 200 (25 %)" in text
    assert len(text.splitlines()) == 2 + len(b.COUNTERS)
    assert "a" in b.log_table(rows).splitlines()[2]


def test_the_command_runs_the_logs_it_finds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "HughB-static-0.csv", *_still(60.0))
    _write(tmp_path / "100.csv", *_walk(40.0))
    assert b.main([str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "HughB-static-0.csv" in out and "100.csv" in out
    assert "0 in 0.02 h (0.0/h)" in out
    assert "HughB-walk-6605.csv missing: left out" in err


def test_the_command_says_where_the_logs_come_from_when_none_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert b.main([str(tmp_path)]) == 2
    assert "clone gfwilliams/step-count" in capsys.readouterr().err
