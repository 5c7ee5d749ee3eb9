"""The Mobilise-D lab bench's scoring (tools/bench/mobgap_lab.py): steps inside the reference's
walking bouts, matched one to one, and steps outside every bout, on arrays built here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tools.bench import mobgap_lab
from tools.peers import external


def _test(ics: list[float], wbs: list[tuple[float, float]]) -> mobgap_lab.LabTest:
    t = np.arange(0.0, 20.0, 0.01)
    zeros = np.zeros((len(t), 3))
    return mobgap_lab.LabTest(
        name="HA-001 Test11 Trial1",
        t=t,
        acc=zeros,
        gyro=zeros,
        ics=np.asarray(ics),
        wbs=np.asarray(wbs, dtype=np.float64).reshape(-1, 2),
        home=np.empty(0),
    )


def test_steps_inside_widened_bouts_are_matched_and_the_rest_counted_outside() -> None:
    test = _test([1.0, 1.6, 2.2, 10.0, 10.5], [(1.0, 2.2), (10.0, 10.5)])
    # 0.8 lies within MATCH_S before the first bout (a step the reference placed at its start);
    # 2.9 and 5.0 lie outside every widened bout; 10.45 pairs with 10.5.
    found = np.array([5.0, 0.8, 1.65, 2.9, 10.45])
    s = mobgap_lab.score(test, found)
    assert s.inside == 3
    assert s.outside == 2
    assert s.f1 == pytest.approx(2 * 3 / (5 + 3))
    # Over the whole recording the two steps outside count against it: 3 of 5 matched, 5 found.
    assert s.f1_all == pytest.approx(2 * 3 / (5 + 5))


def test_a_perfect_count_scores_one_and_nothing_outside() -> None:
    ics = [1.0, 1.55, 2.1, 2.65]
    s = mobgap_lab.score(_test(ics, [(1.0, 2.65)]), np.array(ics[::-1]))
    assert (s.inside, s.outside, s.f1, s.f1_all) == (4, 0, 1.0, 1.0)


def test_the_summary_reports_each_counters_error_against_the_reference() -> None:
    tests = [_test([1.0, 1.5, 2.0, 2.5], [(1.0, 2.5)]), _test([1.0, 1.5], [(1.0, 1.5)])]
    steps = {
        "engine": [np.array([1.0, 1.5, 2.0]), np.array([1.0, 1.5, 9.0])],
        "detector": [np.array([1.0, 1.5, 2.0, 2.5]), np.array([1.0, 1.5, 9.0])],
        "mobgap": [np.array([1.0, 1.5, 2.0, 2.5]), np.array([1.0, 1.5])],
        "mobgap home": [np.empty(0), np.empty(0)],
    }
    by_name = {row[0]: row for row in mobgap_lab.summary(tests, steps)}
    assert by_name["engine"][1] == "12.5 / 25.0 %"  # 3 of 4 and 2 of 2: median of 25 and 0
    assert by_name["engine"][3] == "1"
    # Whole recordings: 3 of 4 (F1 6/7) and 2 of 2 with 9.0 extra (F1 4/5).
    assert by_name["engine"][4] == "0.829 / 0.800"
    assert by_name["mobgap"][1] == "0.0 / 0.0 %"
    assert by_name["mobgap home"][2] == "0.000 / 0.000"


def test_without_the_peers_environment_the_bench_says_so_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RETROWALK_PEERS_PYTHON", str(tmp_path / "no-python"))
    assert mobgap_lab.main([str(tmp_path)]) == 2
    assert "setup_peers" in capsys.readouterr().err


def test_the_loader_turns_the_runners_arrays_into_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    arrays = {
        "name0": np.array("MS-001 Test5 Trial1"),
        "t0": np.arange(3) / 100.0,
        "acc0": np.ones((3, 3)),
        "gyro0": np.zeros((3, 3)),
        "ics0": np.array([0.01]),
        "wbs0": np.array([0.0, 0.02]),
        "native0": np.array([0.01, 0.02]),
    }
    seen: list[object] = []

    def fake(name: str, streams: object, locations: object, extra: object) -> object:
        seen.append((name, extra))
        return arrays

    monkeypatch.setattr(external, "run_peer_arrays", fake)
    (test,) = mobgap_lab.load(Path("/lab"))
    assert seen[0][0] == "mobgap_lab"
    assert test.name == "MS-001 Test5 Trial1"
    assert test.wbs.shape == (1, 2)
    assert test.home.tolist() == [0.01, 0.02]


def test_a_failing_mobgap_run_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(mobgap_lab, "load", lambda _dir: [_test([1.0, 1.5], [(1.0, 1.5)])])

    def broken(*_args: object) -> object:
        raise external.PeerUnavailableError("run_mobgap.py exited 1: boom")

    monkeypatch.setattr(external, "run_peer", broken)
    assert mobgap_lab.main([str(tmp_path)]) == 2
    assert "boom" in capsys.readouterr().err
