"""Jogging and running by rate (tools/bench/jog_rate.py): where a stride dies, on made-up inputs,
and the tally on one real Bandai run clip and one UCI run."""

from __future__ import annotations

import numpy as np
import pytest

from custom_components.retrowalk.gait import Placement
from tools.bench import bandai, jog_rate, uci

from ..data import shared


def _arr(*v: float) -> np.ndarray:
    return np.array(v, dtype=np.float64)


def test_fate_takes_the_first_rule_that_lost_the_stride() -> None:
    window = (1.0, 1.1)
    runs = [(0.95, 1.02)]
    # Counted by the engine: counted, whatever the rest says.
    assert jog_rate.fate(window, 1.0, [], _arr(1.1), _arr(1.2)) == "counted"
    # Only the ungated detector has it: the gate dropped it.
    assert jog_rate.fate(window, 1.0, runs, _arr(1.25), _arr(5.0)) == "gate"
    # A stance was found there but no stride ended in it: a stride rule.
    assert jog_rate.fate(window, 1.0, runs, _arr(), _arr()) == "swing"
    # No stance overlapping the landing's stance: the stance test.
    assert jog_rate.fate(window, 1.0, [(1.2, 1.3)], _arr(), _arr()) == "stance"
    # Steps beyond the tolerance do not count for this landing.
    assert jog_rate.fate(window, 1.0, runs, _arr(1.0 + 0.31), _arr(0.0)) == "swing"


def test_stance_runs_need_the_detectors_stance_length() -> None:
    """A still stretch of 0.1 s is a stance; one of 0.02 s (under min_stance) is not."""
    fs = 100.0
    t = np.arange(0, 2.0, 1 / fs, dtype=np.float64)
    gyro = np.full((len(t), 3), 3.0)  # turning: not still
    acc = np.tile([0.0, 0.0, 9.80665], (len(t), 1))
    gyro[50:60] = 0.0  # 0.1 s still
    gyro[150:152] = 0.0  # 0.02 s still
    runs = jog_rate.stance_runs(t, acc, gyro, Placement.FOOT)
    assert len(runs) == 1
    assert 0.48 <= runs[0][0] <= 0.52 and 0.57 <= runs[0][1] <= 0.61


def test_a_bandai_run_clip_has_true_landings_and_a_fate_for_each() -> None:
    shared("bandai-mocap")
    clip = next(c for c in bandai.load_clips() if c.name == "run_feminine_001")
    tally = jog_rate.bandai_tally(clip, Placement.FOOT, 100.0)
    # The capture's feet land 10 times after a swing, the left (instrumented) foot 5 times: four
    # counted, one with a stance found but no stride ending in it (the table's 100 Hz foot row).
    assert tally.true_steps == 10
    assert tally.reasons == {"counted": 4, "swing": 1}
    assert tally.steps == 9


def test_uci_running_strides_are_all_counted_at_52_hz() -> None:
    """The foot's running strides at a supported device's rate, every one (table: 52 Hz)."""
    path = next(p for p in uci.runs() if p.stem == "2023_08_30_exp1000")
    res = jog_rate.uci_tally(path, 52.0)
    assert sum(res.running.reasons.values()) >= 5
    assert res.running.reasons["counted"] == sum(res.running.reasons.values())
    assert res.running.steps == res.running.true_steps


def test_grid_detail_finds_the_quietest_moment_and_the_longest_still_run() -> None:
    fs = 100.0
    t = np.arange(0, 1.0, 1 / fs, dtype=np.float64)
    gyro = np.full((len(t), 3), 1.0)  # |gyro| 1.73 rad/s: not still at the foot
    acc = np.tile([0.0, 0.0, 9.80665 + 5.0], (len(t), 1))  # loaded: 5 m/s^2 off g
    gyro[40:43] = 0.1  # 30 ms of slow turning under load: the foot's running rule passes it
    acc[60:70] = [0.0, 0.0, 9.80665]
    gyro[60:70] = 0.0  # 100 ms still
    view = jog_rate.grid(t, acc, gyro, Placement.FOOT)
    longest, rate, load = view.detail((0.35, 0.5))
    assert 1 <= longest < view.need  # still, but shorter than a stance (min_stance)
    assert rate == pytest.approx(np.sqrt(3) * 0.1, abs=1e-6)
    assert load == pytest.approx(5.0, abs=1e-6)
    longest, rate, load = view.detail((0.55, 0.75))
    assert longest >= 10 and rate == 0.0 and load == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(view.detail((5.0, 6.0))[1])


def test_the_quick_table_and_the_lost_strides(capsys: pytest.CaptureFixture[str]) -> None:
    """./scripts/bench jog --quick and its --lost listing: every row, and one line per stride
    not counted (the table's non-counted fates add up to the listing)."""
    shared("daily-living")
    assert jog_rate.main(["--quick", "--lost"]) == 0
    out = capsys.readouterr().out
    table, _, listing = out.partition(" strides not counted:\n")
    rows = [r for r in table.splitlines() if r.lstrip().startswith(("Bandai run (", "UCI "))]
    assert len(rows) == 2 * len(jog_rate.BANDAI_RATES) + 2 * len(jog_rate.UCI_RATES)
    lost = sum(int(x) for r in rows for x in r.split()[-5:-1])
    assert int(table.splitlines()[-1]) == lost == len(listing.splitlines())
    assert "stance at its quietest moment" in table and "UMAFall ankle jogging" in table
    # What the table must keep saying about the engine: the foot counts running at the
    # supported wearables' rates (every UCI running step at 104 and 52 Hz; most Bandai strides).
    cells = {
        (r.split("(")[0].strip(), r.split()[-11], r.split()[-10]): r.split()[-9:] for r in rows
    }
    for hz in ("104", "52"):
        steps, _, true, counted, *_, strides = cells[("UCI jog/run/sprint", "foot", hz)]
        assert steps == true and counted == strides, hz
    counted, strides = (
        cells[("Bandai run", "foot", "100")][3],
        cells[("Bandai run", "foot", "100")][-1],
    )
    assert int(counted) >= 0.7 * int(strides)
