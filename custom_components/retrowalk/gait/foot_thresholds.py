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
    # The most velocity a stride may end its integration with: max_drift (m/s^2) per second of
    # the stride, plus drift_lift (m/s) for a still test that fires while the segment still
    # moves (see PEDAL_DRIFT).
    max_drift: float = math.inf
    drift_lift: float = 0.0
    # m/s^2: the peak |acc| a stride must reach (0: no such test), see SHANK_FORCE.
    min_force: float = 0.0


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
#
# Pedalling (FootDetector._pedal_stroke; docs/walking_gate.md, "Pedalling at the foot and the
# shank"). A foot on a pedal goes round the crank's 0.17 m circle and is never still: the still
# test passes only for a few hundredths of a second, where |acc| crosses g while the segment's
# rotation turns round, and the tilt taken there is off by the crank's centripetal acceleration
# (0.6-1.9 g at 60-100 rpm). Gravity then stays in the stride's integration: it ends with a
# velocity of several m/s, where two real stances leave drift only. Measured as that velocity
# per second of the stride (m/s^2), strides of walking stay under PEDAL_DRIFT: 99.4-99.9 % of
# HuGaDB's foot strides (walking and stairs, 18 people), 98.8-99.8 % of its shank strides with
# the shank's lift speed (below), every virtual walking stride; a mis-tilt of 24 degrees leaves
# g sin 24 = 4 m/s^2. The virtual ride's shank strides drift more in 95 %, HuGaDB's rider's
# (the only real cycling, one person) in 62 % at the shank and 78 % at the foot.
PEDAL_DRIFT = 4.0  # m/s^2
# The shank's still test fires into the lift while it translates at 0.3-0.7 m/s (above): its
# strides may start with that velocity on top of their drift.
SHANK_LIFT_SPEED = 0.7  # m/s
# Drift alone is no proof: fast walking, stairs and running also leave it (a loaded stance
# tilts the frame too: 4 % of UCI's walking and 41 % of its jogging strides drift more than
# PEDAL_DRIFT, 12 % of UMAFall's 20 Hz ankle walking strides). But a walking or running stride
# stood still for longer than a pedal's crossing of g (0.04-0.09 s on the real rider), or it
# landed: an impact more than a foot on a pedal feels, g plus the centripetal acceleration,
# g + 0.17 m x (9.4 rad/s)^2 = 2.5 g at 90 rpm (the shank, nearer the knee, feels less). At
# higher cadences a foot may feel more, and its strokes count as before. With both, the rule
# refuses none of UCI's or UMAFall's jogging strides and 0-1.2 % of the walking ones above.
# A sensor at 20 Hz samples few impacts (86 % of UMAFall's ankle walking strides peak under
# 2.5 g, UCI's foot at 104 Hz 8 %): there the drift and the stance carry the rule alone (UMAFall
# ankle walking 528 -> 524 steps). Without a gyro there is no drift test (max_drift inf), and
# pedalling is not refused.
PEDAL_STILL = 0.12  # s
PEDAL_FORCE = 2.5 * GRAVITY  # m/s^2
# A shank turns over a planted foot when its wearer rises from a chair, sits down or draws the
# feet in under the seat: the knee travels forward and back, the strap turns fast enough to pass
# the swing test, and the integration between the two stances, from a seated shank's tilt, ends
# far enough away to pass for a stride (docs/walking_gate.md, "Shank: a turn over a planted
# foot"). A shank that carries its foot to a new place swings about the knee, the strap feeling
# the swing's centripetal acceleration, and lands with an impact: HuGaDB's 12,625 walking and
# stairs strides at the shin (18 people, 58.8 Hz) peak at 1.21 g or more (1st percentile 1.78 g).
# At 20 Hz impacts fall between samples: UMAFall's ankle strides reach down to 1.14 g walking and
# 1.18 g upstairs (a limit of 1.2 g lost that stride, 2 of its 42 upstairs steps; 1.15 g refuses
# the walking one, and the ankle still counts its 524 walking steps, one at another time).
# Turning over a planted foot stays near g: 165 of HuGaDB's 201 strides counted while its people
# sat down or stood up peaked under 1.15 g. The foot needs no such test: a planted foot does not
# move, so its stance does not end. Without a gyro the swing test already asks |acc| to stray
# 6 m/s^2 from g (swing_peak), so there is no force test either.
SHANK_FORCE = 1.15 * GRAVITY  # m/s^2
THRESHOLDS = {
    (Placement.FOOT, True): Thresholds(1.0, 3.0, 0.04, 2.0, 0.25, max_drift=PEDAL_DRIFT),
    (Placement.SHANK, True): Thresholds(
        1.5,
        2.0,
        0.04,
        2.5,
        0.25,
        run_gyro=0.0,
        blip=0.03,
        still_lift=True,
        from_quietest=True,
        max_drift=PEDAL_DRIFT,
        drift_lift=SHANK_LIFT_SPEED,
        min_force=SHANK_FORCE,
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
