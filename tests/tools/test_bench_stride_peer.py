"""The stride bench's peer plumbing (tools/bench/stride.py, gaitmap): matching strides to the UCI
reference, reading the runner's arrays, the findings rows, and the bench's path without .venv-peers.

Made-up strides and arrays; gaitmap itself is not run here (it lives in .venv-peers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction
from tools.bench import stride, uci
from tools.peers import external


def _ref(
    t_mid: float, direction: Direction = Direction.FORWARD, length: float = 1.2
) -> uci.RefStride:
    return uci.RefStride(t_mid, direction, length, 0.6)


def _m(t: float, direction: Direction = Direction.FORWARD, length: float = 1.2) -> stride.Measured:
    return stride.Measured(t, direction, length, 1.0)


def test_match_reference_takes_the_stride_nearest_the_expected_heel_strike_once() -> None:
    # Expected heel strike: t_mid + 0.45 * 0.6 = t_mid + 0.27; window t_mid .. t_mid + 0.57.
    ref = [_ref(10.0), _ref(11.0), _ref(12.0, length=5.0), _ref(13.0)]
    times = [
        10.25,  # row 0 (0.02 s from its expected heel strike)
        10.30,  # also in row 0's window, farther: left over
        11.6,  # past row 1's window (11.57)
        12.27,  # inside the merged row 2: never matched
        12.95,  # before row 3's window middle
        13.27,  # row 3
    ]
    assert sorted(uci.match_reference(ref, times)) == [(0, 0), (3, 5)]


def test_match_reference_is_one_to_one_when_windows_overlap() -> None:
    ref = [_ref(10.0), _ref(10.3)]
    # 10.4 lies in both windows (row 0 expects its heel strike at 10.27, row 1 at 10.57); 10.6
    # only in row 1's, and nearest of all: row 1 takes 10.6 first, row 0 then 10.4.
    assert sorted(uci.match_reference(ref, [10.4, 10.6])) == [(0, 0), (1, 1)]


def test_peer_direction_by_the_larger_horizontal_component() -> None:
    assert stride.peer_direction(1.2, 0.1) is Direction.FORWARD
    assert stride.peer_direction(-1.0, 0.3) is Direction.BACKWARD
    assert stride.peer_direction(0.2, 0.9) is Direction.LEFT
    assert stride.peer_direction(0.2, -0.9) is Direction.RIGHT


def _out() -> dict[str, np.ndarray]:
    return {
        "ic0": np.array([1.0, 2.0, 3.0]),
        "length0": np.array([1.1, np.nan, 0.9]),
        "speed0": np.array([1.0, 1.0, 0.0]),
        "dx0": np.array([1.1, 0.0, -0.9]),
        "dy0": np.array([0.0, 0.0, 0.1]),
        "sl_length0": np.array([1.3, 1.2, 1.0]),
        "sl_speed0": np.array([1.2, np.nan, 0.8]),
        "sl_dx0": np.array([1.3, 1.2, 1.0]),
        "sl_dy0": np.array([0.0, 0.0, 0.0]),
    }


def test_peer_measured_reads_the_runner_arrays() -> None:
    rts = stride.peer_measured(_out(), 0)
    # The stride without a length is left out; a zero speed is no speed.
    assert [(m.t_hs, m.length, m.speed) for m in rts] == [(1.0, 1.1, 1.0), (3.0, 0.9, None)]
    assert [m.direction for m in rts] == [Direction.FORWARD, Direction.BACKWARD]
    sl = stride.peer_measured(_out(), 0, stride.PEER_METHODS["stride-level"])
    assert [(m.length, m.speed) for m in sl] == [(1.3, 1.2), (1.2, None), (1.0, 0.8)]


def test_matched_strides_and_found_row_report_what_the_peer_did_with_a_group() -> None:
    ref = [_ref(10.0), _ref(11.0, Direction.BACKWARD), _ref(12.0, Direction.BACKWARD)]
    strides = [
        _m(10.27),
        _m(11.27, Direction.BACKWARD, 1.0),
        _m(12.27, Direction.FORWARD, 0.8),  # a backward stride the peer moved forward
    ]
    back = stride.matched_strides(ref, strides, "backward")
    assert [m.t_hs for m in back] == [11.27, 12.27]
    assert stride.matched_strides(ref, strides, "sideways") == []
    row = stride.found_row("x backward", 5, 4, len(back), back)
    assert row == ["x backward", "5", "4", "2", "1", "1", "0", "0.80", "1.00"]
    assert len(row) == len(stride.FOUND_HEADER)
    empty = stride.found_row("none", 3, 0, 0, [])
    assert empty == ["none", "3", "0", "0", "0", "0", "0", "-", "-"]


def test_covered_counts_times_inside_any_span_once() -> None:
    spans = [(1.0, 2.0), (2.0, 3.0), (5.0, 6.0)]
    # 2.0 is the end of one span and the start of the next: counted once; 3.0 and 4.0 outside.
    assert stride.covered([1.5, 2.0, 3.0, 4.0, 5.5], spans) == 3
    assert stride.covered([1.5], []) == 0


def test_concat_puts_recordings_on_one_clock() -> None:
    a = (np.arange(3) / 100.0, np.ones((3, 3)), np.zeros((3, 3)))
    b = (np.arange(2) / 100.0 + 7.0, 2 * np.ones((2, 3)), np.ones((2, 3)))
    t, acc, gyro = stride.concat([a, b], 100.0)
    assert np.allclose(np.diff(t), 0.01) and t[0] == 0.0
    assert acc.shape == (5, 3) and acc[3, 0] == 2.0 and gyro[4, 0] == 1.0


def test_without_the_peers_environment_the_peer_says_it_did_not_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RETROWALK_PEERS_PYTHON", str(tmp_path / "missing" / "python"))
    t = np.arange(200) / 100.0
    rec = (t, np.zeros((200, 3)), np.zeros((200, 3)))
    with pytest.raises(external.PeerUnavailableError) as err:
        stride.run_gaitmap([rec])
    assert "setup_peers" in str(err.value)
    assert stride.peer_error(err.value).startswith("gaitmap (peer) NOT RUN: ")


def test_run_gaitmap_hands_the_calibration_streams_to_the_runner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, np.ndarray] = {}

    def fake(
        name: str,
        streams: list[external.Recording],
        locations: list[str],
        extra: dict[str, np.ndarray] | None = None,
    ) -> dict[str, np.ndarray]:
        assert name == stride.PEER_SCRIPT and locations == ["foot"] * len(streams)
        seen.update(extra or {})
        out = {k[:-1] + str(i): v for i in (0, 1) for k, v in _out().items()}
        spans = {"dtw_start0": np.array([0.5, 1.5]), "dtw_end0": np.array([1.5, 2.5])}
        return out | spans | {"dtw_start1": np.zeros(0), "dtw_end1": np.zeros(0)}

    monkeypatch.setattr(external, "run_peer_arrays", fake)
    t = np.arange(10) / 100.0
    rec = (t, np.zeros((10, 3)), np.zeros((10, 3)))
    runs = stride.run_gaitmap([rec, rec], calib=[1, 1])
    assert {k: int(v) for k, v in seen.items()} == {"calib0": 1, "calib1": 1}
    assert [r.dtw for r in runs] == [[(0.5, 1.5), (1.5, 2.5)], []]
    assert set(runs[0].strides) == set(stride.PEER_METHODS)
    assert len(runs[1].strides["stride-level"]) == 3


def test_bandai_found_row_counts_the_matched_strides_only() -> None:
    """On Bandai the 'moved' columns count the strides found (matched to the mocap), as on UCI:
    a stride of the peer's matching no true stride, or a shuffle, is in neither column."""
    truth = [
        (1.0, 1.2, None),
        (2.0, 0.1, 1.0),  # a shuffle in the mocap: matched, but no stride
        (3.0, 1.1, 1.0),
    ]
    strides = [
        _m(1.05),
        _m(2.02),  # takes the shuffle's landing
        _m(2.6, Direction.LEFT),  # nearest free landing 3.0, beyond MATCH_TOL_S
        _m(3.0, Direction.BACKWARD, 1.0),
        _m(3.05),  # the landing at 3.0 is taken already
    ]
    assert 0.05 < stride.MATCH_TOL_S < 0.4  # what the times above assume
    matched = stride.matched_true(strides, truth)
    assert [(e.t_hs, t[0]) for e, t in matched] == [(1.05, 1.0), (3.0, 3.0)]
    row = stride.found_row("g", 2, 2, len(matched), [e for e, _ in matched])
    assert row == ["g", "2", "2", "2", "1", "1", "0", "1.20", "1.00"]
