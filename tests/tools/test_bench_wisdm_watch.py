"""The WISDM 2019 watch bench (tools/bench/wisdm_watch.py) on files written here: blocks split
where the activity changes, samples dropped and counted, the refusals, the tables' arithmetic,
a wearer's state carried, and the command's exit codes. Synthetic signals: they test the bench,
not the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import STANDARD_GRAVITY, GaitEngine
from tools.bench import wisdm_watch as w

START_NS = 90426708196641


def _lines(who: str, code: str, seconds: float, t0: float = 0.0) -> list[str]:
    """A watch lying still, face up, at 20 Hz from `t0` (s), in the raw files' format."""
    n = round(seconds * 20)
    stamps = START_NS + np.round((t0 + np.arange(n) / 20) * 1e9).astype(np.int64)
    return [f"{who},{code},{s},0.1,-0.2,{STANDARD_GRAVITY};" for s in stamps]


def _write(folder: Path, who: str, lines: list[str]) -> Path:
    path = folder / f"data_{who}_accel_watch.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_file_splits_into_one_block_an_activity_with_its_own_clock(tmp_path: Path) -> None:
    lines = _lines("1600", "D", 10.0) + _lines("1600", "F", 5.0, t0=100.0)
    lines.insert(5, lines[4])  # a repeated sample
    blocks = w.read(_write(tmp_path, "1600", lines))
    assert [(b.person, b.code, b.dropped) for b in blocks] == [("1600", "D", 1), ("1600", "F", 0)]
    assert blocks[0].t[0] == 0.0 and blocks[1].t[0] == 0.0
    assert blocks[0].seconds == pytest.approx(9.95) and blocks[1].seconds == pytest.approx(4.95)
    assert np.all(np.diff(blocks[0].t) > 0)
    assert blocks[1].acc[0] == pytest.approx([0.1, -0.2, STANDARD_GRAVITY])


@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("data_1600_gyro_watch.txt", "1600,A,1,0,0,0;\n", "not a WISDM watch"),
        ("data_1600_accel_watch.txt", "1600,A,1,0,0;\n", "malformed"),
        ("data_1600_accel_watch.txt", "1600,A,x,0,0,0;\n", "malformed"),
        ("data_1600_accel_watch.txt", "1601,A,1,0,0,0;\n", "person 1601"),
        ("data_1600_accel_watch.txt", "1600,N,1,0,0,0;\n", "activity N"),
    ],
)
def test_what_is_no_watch_file_is_refused(tmp_path: Path, name: str, text: str, why: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=why):
        w.read(path)


def test_rates_and_tables_add_up() -> None:
    tl = w.Tally()
    tl.seconds.update({"D": 1800.0, "F": 3600.0, "A": 600.0, "P": 360.0})
    tl.people.update({"D": {"1", "2"}, "F": {"1", "2"}, "A": {"1", "2"}, "P": {"1"}})
    tl.counting.update({"D": 0, "F": 1, "A": 2, "P": 1})
    for counter, counts in [
        ("engine", {"D": 0, "F": 12, "A": 600, "P": 30}),
        ("detector alone", {"D": 5, "F": 90, "A": 610, "P": 40}),
        ("Espruino", {"D": 3, "F": 36, "A": 620, "P": 36}),
    ]:
        tl.steps[counter].update(counts)
    table = w.activity_table(tl)
    assert "typing" in table and "held out" in table and "12 (12/h)" in table
    assert "sitting" in table and "tuned on" in table and "0 (0/h)" in table
    assert "1 of 2" in table and "600 (60/min)" in table and "30 (300/h)" in table
    summary = w.summary(tl)
    held = next(line for line in summary.splitlines() if "no" in line and "held out" in line)
    tuned = next(line for line in summary.splitlines() if "no" in line and "tuned on" in line)
    assert "1.00 h" in held and "12 (12/h)" in held and "36 (36/h)" in held
    assert "0.50 h" in tuned and "5 (10/h)" in tuned
    assert "maybe" in summary and "yes" in summary


def test_a_wearer_s_state_is_carried_through_the_person_s_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, "1600", _lines("1600", "D", 5.0) + _lines("1600", "E", 5.0, t0=10.0))
    _write(tmp_path, "1601", _lines("1601", "D", 5.0))
    seen: list[object] = []
    real = GaitEngine

    def engine(placement: object, state: object = None, gated: bool = True) -> object:
        if gated:
            seen.append(state)
        return real(placement, state=state, gated=gated)  # type: ignore[arg-type]

    monkeypatch.setattr(w, "GaitEngine", engine)
    w.tally(list(w.blocks(tmp_path)), wearer=True)
    # 1600's second block starts from its first's state; 1601 starts afresh.
    assert seen[0] is None and isinstance(seen[1], dict) and seen[2] is None
    seen.clear()
    w.tally(list(w.blocks(tmp_path)))
    assert seen == [None, None, None]


def test_the_command_counts_blocks_and_refuses_what_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert w.main([str(tmp_path / "missing")]) == 2
    assert w.main([str(tmp_path)]) == 2  # no files
    lines = _lines("1600", "D", 30.0)
    lines.insert(3, lines[2])
    _write(tmp_path, "1600", lines + _lines("1600", "H", 30.0, t0=40.0))
    assert w.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 blocks of 1 people at the wrist, a fresh engine a block" in out
    assert "eating soup" in out and "0 (0/h)" in out and "1 samples dropped" in out
    assert w.main([str(tmp_path), "--wearer"]) == 0
    assert "each person's engine carried" in capsys.readouterr().out
    _write(tmp_path, "1601", ["1601,A,1,0,0;"])
    assert w.main([str(tmp_path)]) == 2
    assert "malformed" in capsys.readouterr().err
