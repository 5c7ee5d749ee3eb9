"""What the foot detector (foot.py) takes for a stance and for a stride, per placement and sensor.

The detector's rules are the same at the foot and the shank, with or without a gyro; only these
limits differ. They live here, with the reasons for each, so foot.py reads as the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

import numpy as np
import numpy.typing as npt

from .stride import MAX_STRIDE_TIME_S
from .types import STANDARD_GRAVITY as GRAVITY, FloatArray, Placement


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Stance and stride limits for one placement / sensor combination."""

    still_gyro: float  # rad/s: stance needs |gyro| below this
    still_acc: float  # m/s^2: and | |acc| - g | below this
    min_stance: float  # s
    swing_peak: float  # peak |gyro| (rad/s), or peak | |acc| - g | without gyro, during a stride
    min_length: float  # m: shorter strides are weight shifts or fidgeting, not steps
    # The foot's running stance: rotation below this fraction of still_gyro, with the acceleration
    # allowed up to run_acc times still_acc (0 disables it).
    run_gyro: float = 0.6
    run_acc: float = 3.0
    min_duration: float = 0.15  # s
    max_duration: float = MAX_STRIDE_TIME_S
    # s: motion this brief does not end a stance (0: any motion does), see FootDetector._resume.
    blip: float = 0.0
    # The still test can fire mid-lift (see THRESHOLDS): inside a walk, a stride cut short by a
    # brief still phase goes on whatever its length, see FootDetector._end_stride.
    still_lift: bool = False
    # Measure each stride from its stance's quietest moment, see FootDetector._quietest.
    from_quietest: bool = False


# The shank keeps rotating over the ankle during stance (about 1-1.7 rad/s when walking backward
# in the Bandai captures), so it needs a looser gyro bound but a tighter acceleration bound; it
# has no still moment at all when running, so the foot's running-stance rule is off. Its stance
# rotation straddles the 1.5 rad/s bound, so a real stance flickers: the Bandai backward captures
# show stances broken by 1-3 moving samples (10-30 ms), each half shorter than foot.py's
# _PAUSE_IN_SWING, which the glide rule then took for pauses in a swing and merged two or three
# strides into one.
# No segment lifts and swings in 30 ms: motion that brief does not end a shank stance (blip).
# At toe-off the shank translates (0.3-0.7 m/s) with little rotation and |acc| near g, so the
# still test fires 0.06-0.15 s into the lift (Bandai backward walks): a still lift (still_lift).
# For the same reason the last still sample is no zero-velocity moment (from_quietest).
THRESHOLDS = {
    (Placement.FOOT, True): Thresholds(1.0, 3.0, 0.04, 2.0, 0.25),
    (Placement.SHANK, True): Thresholds(
        1.5, 2.0, 0.04, 2.5, 0.25, run_gyro=0.0, blip=0.03, still_lift=True, from_quietest=True
    ),
    # Without a gyro the held stance tilt leaks gravity and shortens strides (about 4x in tests).
    (Placement.FOOT, False): Thresholds(math.inf, 1.5, 0.08, 6.0, 0.06),
    (Placement.SHANK, False): Thresholds(math.inf, 2.0, 0.08, 6.0, 0.06),
}


def still_samples(
    acc: FloatArray, gyro: FloatArray | None, th: Thresholds
) -> npt.NDArray[np.bool_]:
    """Which samples pass the stance test (a stance is a run of them, see Thresholds)."""
    dev = np.abs(np.sqrt(np.einsum("ij,ij->i", acc, acc)) - GRAVITY)
    still: npt.NDArray[np.bool_]
    if gyro is None:
        still = dev < th.still_acc
        return still
    # Running stance pushes the acceleration far from g while the foot barely rotates, so a very
    # low rotation rate alone (with a looser acceleration bound) also counts.
    rate2 = np.einsum("ij,ij->i", gyro, gyro)
    still = ((rate2 < th.still_gyro**2) & (dev < th.still_acc)) | (
        (rate2 < (th.run_gyro * th.still_gyro) ** 2) & (dev < th.run_acc * th.still_acc)
    )
    return still
