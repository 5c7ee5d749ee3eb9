"""Which way a foot sensor's toes point, from one stride's pitch.

The ankle bends further toes-down (plantarflexion, 40-50 degrees in walking) than toes-up
(dorsiflexion, about 20), whichever way its wearer walks: forwards the foot peels off its toes,
pitched toes-down, and lands on its heel with the toes a little up; backwards it lands on its
toes, pitched toes-down, and peels off its heel. So along the line a stride travels, the end of
the foot that tilted further down during the stride is the toes. A stride can then vote for
where forward is without assuming its walk went forward, and a long backward walk confirms the
learned forward axis instead of turning it round (heading.py).

Measured per stride (tools/bench/facing.py), the cue says "toes ahead" on 99.4 % of the UCI runs'
forward strides and 98.0 % of HuGaDB's held-out foot strides (walking, stairs, running and the
rest), and "toes behind" on 69.8 % of UCI's backward strides (78 % weighted as below) and on all
64 backward strides of the Bandai motion capture. It says nothing about side steps (the foot rolls
instead) or about a stride from standing (no push-off; the detector asks for none), and holds at
the foot only: the shank has no toes, and its tilt extremes do not tell the two walks apart.
"""

from __future__ import annotations

import math

import numpy as np

from .types import FloatArray
from .zupt import rotate

# The difference between the extremes at which a stride's vote counts in full: the ankle's
# toes-up range. Smaller differences (a shuffle, a stiff or slow backward step) vote less; on
# the UCI runs the wrong votes are mostly small ones (backward: median 5.5 degrees wrong against
# 9.5 right).
FULL_VOTE = math.radians(20.0)


def toes_ahead(rotation: FloatArray, frame: FloatArray, travel: FloatArray) -> float:
    """How clearly the toes point along the stride's travel: +1 ahead, -1 behind, 0 unknown.

    `rotation` is the stride's body_to_start quaternions, `frame` the level frame of its start
    (z up) and `travel` its horizontal displacement in that frame. The sensor axis that points
    along the travel at the start is followed through the stride; how far it tilts down against
    how far up says which end of the foot pitched further down.
    """
    norm = math.hypot(float(travel[0]), float(travel[1]))
    if not math.isfinite(norm) or norm == 0.0:
        return 0.0
    along = frame.T @ np.array([travel[0] / norm, travel[1] / norm, 0.0])
    rise = rotate(rotation, np.broadcast_to(along, (len(rotation), 3))) @ frame[2]
    tilt = np.arcsin(np.clip(rise, -1.0, 1.0))
    down, up = -float(tilt.min()), float(tilt.max())
    return max(-1.0, min(1.0, (down - up) / FULL_VOTE))
