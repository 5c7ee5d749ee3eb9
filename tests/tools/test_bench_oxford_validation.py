"""The Oxford validation bench (tools/bench/oxford_validation.py) on walks written here: file
names, the loader's truth, dropped timestamps and the phone's counter, the table's placements.
Synthetic signals: they test the bench, not the engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import GaitEngine, Placement
from tools.bench import oxford_validation as v

G = 9.80665


def _write(path: Path, seconds: float = 30.0, hw: bool = True, hz: float = 1.8) -> Path:
    """A phone at 100 Hz bouncing at the step rate; the truth counts a step per bounce."""
    t = np.arange(0.0, seconds, 0.01)
    acc = np.zeros((len(t), 3))
    acc[:, 1] = G * (1.0 + 0.3 * np.sin(2 * np.pi * hz * t))
    truth = np.floor(t * hz)
    phone = truth if hw else np.zeros(len(t))
    ns = (t * 1e9).astype(np.int64) + 2_117_738_378_638
    rows = [
        f"{n},{a[0]},{a[1]},{a[2]},0,{int(g)},{int(p)}"
        for n, a, g, p in zip(ns, acc, truth, phone, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_walks_are_found_by_name_with_their_positions(tmp_path: Path) -> None:
    for name in (
        "user1_frontpocket_1.csv",
        "user2_bag_2.csv",
        "user1_hand_3.csv",
        "user1_shoe_4.csv",
        "notes.csv",
    ):
        (tmp_path / name).write_text("")
    found = {p.name: pos for p, pos in v.walks(tmp_path)}
    assert found == {
        "user1_frontpocket_1.csv": "FrontPocket",
        "user2_bag_2.csv": "Purse",
        "user1_hand_3.csv": "InHand",
    }


def test_the_truth_is_where_the_ground_truth_count_rises(tmp_path: Path) -> None:
    (t, acc, truth, n), hw = v.load(_write(tmp_path / "user1_hand_1.csv"), 50.0)
    assert n == len(truth) == 53  # floor(30 s x 1.8) rises after the first sample
    assert truth[0] == pytest.approx(1 / 1.8, abs=0.01)
    assert np.allclose(np.diff(t), 0.02)
    assert acc.shape == (len(t), 3)
    assert hw == 53
    _, hw = v.load(_write(tmp_path / "user1_bag_1.csv", hw=False), 50.0)
    assert hw is None  # a phone whose counter never counted


def test_samples_not_later_than_every_one_before_are_dropped(tmp_path: Path) -> None:
    # Two samples from the past in a row: the second is later than the first of them but not
    # than the samples before it. Comparing with the previous sample only would keep it, and
    # its old ground-truth count rising again would make a step twice.
    path = _write(tmp_path / "user1_armband_1.csv")
    lines = path.read_text().splitlines()
    lines[200:200] = [lines[150], lines[151]]
    lines.insert(100, lines[99])  # the same time again
    path.write_text("\n".join(lines) + "\n")
    (_, _, truth, n), _ = v.load(path, 50.0)
    assert n == len(truth) == 53
    assert np.all(np.diff(truth) > 0)


def test_a_sample_is_kept_only_if_later_than_every_one_before() -> None:
    ts = np.array([1.0, 2.0, 3.0, 1.5, 2.5, 3.0, 4.0])
    assert v.in_time(ts).tolist() == [True, True, True, False, False, False, True]


def test_a_count_rising_by_two_is_two_steps(tmp_path: Path) -> None:
    path = _write(tmp_path / "user1_hand_1.csv")
    rows = [line.split(",") for line in path.read_text().splitlines()]
    for row in rows[1000:]:
        row[5] = str(int(row[5]) + 1)  # one more step, counted with the others at row 1000
    path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    (_, _, truth, _), _ = v.load(path, 50.0)
    assert len(truth) == 54
    assert np.count_nonzero(truth == truth[np.searchsorted(truth, 10.0)]) == 2


def test_a_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "user1_hand_1.csv"
    path.write_text("1,2,3,4\n5,6,7,8\n")
    with pytest.raises(ValueError, match="7 columns"):
        v.load(path, 50.0)


def test_pockets_run_as_thigh_and_count_with_the_trunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path / "user1_frontpocket_1.csv")
    _write(tmp_path / "user2_neckpouch_1.csv")
    _write(tmp_path / "user2_hand_1.csv")
    monkeypatch.setattr(v, "run_peers", lambda recs, loaded: (dict.fromkeys(v.PEERS), ["off"]))
    ran: list[Placement] = []

    def engine(placement: Placement) -> GaitEngine:
        ran.append(placement)
        return GaitEngine(placement)

    monkeypatch.setattr(v, "GaitEngine", engine)
    text = v.rate_block(v.walks(tmp_path), 50.0)
    assert ran == [Placement.THIGH, Placement.WRIST, Placement.CHEST]  # files in name order
    rows = {line.split()[0]: line.split() for line in text.splitlines()[3:6]}
    assert rows["user1_frontpocket"][1] == Placement.THIGH.value
    assert rows["user2_neckpouch"][1] == Placement.CHEST.value
    trunk = [line.split() for line in text.splitlines() if "waist-like (trunk)" in line]
    assert trunk[0][3] == "2"  # the pocket and the pouch: n in the engine's trunk row
    hand = [line.split() for line in text.splitlines() if line.strip().startswith("hand-held")]
    assert hand[0][2] == "1"
    assert "n/a: off" in text
    # As a user who calls a hip pocket the waist would set it up (--pockets-as waist).
    ran.clear()
    text = v.rate_block(v.walks(tmp_path), 50.0, Placement.WAIST)
    assert ran == [Placement.WAIST, Placement.WRIST, Placement.CHEST]
    assert text.splitlines()[3].split()[:2] == ["user1_frontpocket", Placement.WAIST.value]


def test_the_command_says_where_the_walks_come_from_when_none_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert v.main([str(tmp_path)]) == 2
    assert "Oxford-step-counter/DataSet" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("given", "placement"), [([], Placement.THIGH), (["--pockets-as", "waist"], Placement.WAIST)]
)
def test_the_command_runs_the_pockets_as_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: list[str], placement: Placement
) -> None:
    _write(tmp_path / "user1_frontpocket_1.csv")
    asked: list[Placement] = []

    def block(files: list[tuple[Path, str]], fs: float, pockets: Placement) -> str:
        asked.append(pockets)
        return ""

    monkeypatch.setattr(v, "rate_block", block)
    assert v.main([str(tmp_path), *given]) == 0
    assert asked == [placement] * len(v.RATES)
