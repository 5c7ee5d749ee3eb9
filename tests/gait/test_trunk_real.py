"""The trunk detector on a small subset of the real shared recordings: fails if accuracy drops.

Oxford (real phones, per-step foot-switch truth): seven recordings, one per carrying position and
mixing both users, plus the slowest walk (in the hand on carpet, 0.72 s per step), resampled
(anti-aliased) to 50 and 100 Hz and streamed through GaitEngine in 20-sample batches. Goals from
the issue: median |count error| <= 3%, none worse than 8%, per-step F1 >= 0.95 within +-0.3 s.
The detector was tuned on all 36 optimisation recordings (see the trunk module's docstring), so
this guards against regressions rather than measuring generalisation.

Bandai (motion capture turned into IMU signals by tools/bvh2rec.py): walk vs walk-back bout
direction with the forward axis learned from the other styles' forward walks. The issue's goal is
95% at the waist; the pelvis-centre site reaches 25 of 28 clips (89%: both takes of the
"not-confident" style and one "feminine" take look backwards by the phase feature), and the
thresholds below pin that level rather than pretend to the goal.
"""

from __future__ import annotations

from dataclasses import dataclass
import importlib
from types import ModuleType

import numpy as np
import pytest

from custom_components.retrowalk.gait import Direction, FloatArray, GaitEngine, Placement
from custom_components.retrowalk.gait.cli import stream
from custom_components.retrowalk.gait.recording import Recording
from tools.bench.oxford import f1

from ..data import shared

UNIFORM_HZ = 400.0

# name, placement: pockets and purse at the waist, neck pouch at the chest, hand/arm as wrist.
OXFORD = [
    ("Samsung_Carmelo_Hard_FrontPocket_1", Placement.WAIST),
    ("Pixel_Jamie_Hard_BackPocket_2", Placement.WAIST),
    ("Samsung_Carmelo_Hard_Purse_2", Placement.WAIST),
    ("Pixel_Jamie_Hard_NeckPouch_1", Placement.CHEST),
    ("Pixel_Jamie_Hard_InHand_2", Placement.WRIST),
    ("Samsung_Carmelo_Hard_Armband_1", Placement.WRIST),
    ("Pixel_Jamie_Hard_SwingingArm_2", Placement.WRIST),
    # Its heel strikes can be lower than the hump before them: guards the step timing (F1).
    ("Pixel_Jamie_Carpet_InHand_1", Placement.WRIST),
]


def lowpass_decimate(x: FloatArray, factor: int) -> FloatArray:
    """Windowed-sinc anti-alias filter (cut-off 0.45 of the new rate), then keep every factor-th."""
    n = 16 * factor + 1
    k = np.arange(n) - n // 2
    taps = np.sinc(0.9 * k / factor) * np.hamming(n)
    taps /= taps.sum()
    y = np.stack([np.convolve(x[:, i], taps, mode="same") for i in range(x.shape[1])], axis=1)
    return np.asarray(y[::factor], dtype=np.float64)


@dataclass(frozen=True)
class Oxford:
    t: FloatArray
    acc: FloatArray
    truth: FloatArray


def load_oxford(name: str, fs: float) -> Oxford:
    base = shared("oxford-steps", "optimisation", "data", name)
    raw = np.loadtxt(base / "accelerometer.csv", delimiter=",", ndmin=2)
    keep = np.concatenate(([True], np.diff(raw[:, 0]) > 0))
    t0 = raw[0, 0]
    t_raw = (raw[keep, 0] - t0) / 1e9
    grid = np.arange(t_raw[0], t_raw[-1], 1.0 / UNIFORM_HZ)
    uniform = np.stack([np.interp(grid, t_raw, raw[keep, 2 + i]) for i in range(3)], axis=1)
    factor = round(UNIFORM_HZ / fs)
    acc = lowpass_decimate(uniform, factor)
    t = grid[::factor][: len(acc)]
    sc = np.loadtxt(base / "stepcounter.csv", delimiter=",", ndmin=2)
    onsets = [sc[1:, 0][np.diff(sc[:, k]) == 1] for k in (1, 2)]
    return Oxford(t, acc, np.sort(np.concatenate(onsets) - t0) / 1e9)


@pytest.mark.parametrize("fs", [50.0, 100.0])
def test_oxford_step_counting_meets_the_goals(fs: float) -> None:
    errors = []
    for name, placement in OXFORD:
        rec = load_oxford(name, fs)
        steps = stream(GaitEngine(placement), Recording(rec.t, rec.acc, None), batch=20)
        found = np.array([s.t for s in steps])
        error = abs(len(found) - len(rec.truth)) / len(rec.truth)
        score = f1(rec.truth, found)
        assert error <= 0.08, (name, len(found), len(rec.truth))
        assert score >= 0.95, (name, score)
        errors.append(error)
        if placement is not Placement.WRIST:
            # These walks are all forward: the learned axis must keep them forward.
            forward = sum(s.direction is Direction.FORWARD for s in steps) / len(steps)
            assert forward >= 0.9, (name, forward)
    assert float(np.median(errors)) <= 0.03


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    shared("bandai-mocap")
    # The bench module is the single definition of how clips are judged; imported lazily so the
    # Oxford tests above do not depend on it.
    return importlib.import_module("tools.bench.bandai")


@pytest.mark.parametrize("placement", [Placement.WAIST, Placement.CHEST])
def test_bandai_forward_and_backward_walks(bench: ModuleType, placement: Placement) -> None:
    clips = bench.load_clips()
    res = bench.evaluate_location(placement, clips)
    ok, n = bench._score(res, clips, ("walk", "walk-back"))
    assert n == 28
    # 89% without the walking gate, below the 95% goal (see the module docstring). The
    # gate's heel-strike jolt (gait/gate.py) turns one soft backward clip at the chest
    # (walk-back_feminine_001: peaks 0.8-1.0 m/s^2 in this 30 fps mocap) into no bout: 24.
    assert ok >= (25 if placement is Placement.WAIST else 24)
    back_ok, back_n = bench._score(res, clips, ("walk-back",))
    # Never labelled forward; at the chest the soft clip above is no bout at all.
    assert back_n == 9
    assert back_ok == (9 if placement is Placement.WAIST else 8)
    assert all(
        res.labels.get(c.name) is not Direction.FORWARD for c in clips if c.kind == "walk-back"
    )
    diag_ok, diag_n = bench._score(res, clips, ("walk-left", "walk-right"))
    assert diag_ok >= 0.9 * diag_n  # diagonal walks are forward walking too
