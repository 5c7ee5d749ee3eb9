"""A fresh engine's first walk from standing on the real UCI foot runs (gait/edges.py LeadOff).

Each UCI run starts from standing with a slow forward walk, and in every run the other foot led it
off: the reference's first stride of the instrumented foot is as long as its second (0.8-1.2 of
it), a whole stride. A fresh engine has no usual stride length yet and judges its first stride by
the second: it must count the other foot's step before the first landing, and only that one. The
engine was tuned on session 2023_08_23 (2023_08_30 is the check set), not on these first strides.
No real walk here starts with the instrumented foot's half stride (the gaitmap walk in
tools/bench/foot_turns.py does, outside ../shared/data).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.retrowalk.gait import GaitEngine, Placement, StepEvent
from custom_components.retrowalk.gait.edges import is_half
from tools.bench import uci


@pytest.mark.parametrize("gated", [True, False], ids=["gated", "detector"])
@pytest.mark.parametrize("fs", [104.0, 52.0])
def test_a_walk_the_other_foot_led_off_keeps_its_first_step(
    uci_dir: Path, fs: float, gated: bool
) -> None:
    paths = sorted(uci_dir.glob("*.npz"))
    assert len(paths) == 18
    for path in paths:
        name = path.stem
        ref = uci.reference(path)
        assert not is_half(ref[0].length, ref[1].length), name  # the data's own lengths
        t, acc, gyro = uci.load_run(path, fs)
        end = int((ref[2].t_mid - float(t[0])) * fs)  # into the third stride
        engine = GaitEngine(Placement.FOOT, gated=gated)
        steps: list[tuple[float, StepEvent]] = []
        for i in range(0, end, 20):
            j = min(i + 20, end)
            update = engine.process(t[i:j], acc[i:j], gyro[i:j])
            steps += [(float(t[j - 1]), s) for s in update.steps]
        first = [s for _, s in steps[:3]]
        assert [s.sensor_foot for s in first] == [False, True, False], name
        # The first landing is the reference's first stride's (its midpoint to 0.8 s after it).
        assert 0.0 <= first[1].t - ref[0].t_mid <= 0.8, name
        # Reported only once the second stride was measured: it judged the first.
        assert steps[0][0] > ref[1].t_mid, name
