"""What the integration counts of the engine's directions; pure, no Home Assistant imports.

At a placement whose direction is chance (gait/advice.py, the wrist) the engine still labels
steps backward now and then; counted, they would fill the backward goal from forward walking.
There every step, bout and the live walk count forward, and backward steps come only from a
session the user declared (session.py), which takes these forward steps on the user's word.
"""

from __future__ import annotations

from dataclasses import replace

from .gait import Direction, EngineUpdate, Placement
from .gait.advice import direction_is_chance

_FORWARD = Direction.FORWARD


def as_counted(update: EngineUpdate, placement: Placement, *, session: bool) -> EngineUpdate:
    """`update` with the directions the integration counts at `placement`.

    `session`: a backward session runs, which declares these forward steps backward: the live
    walk shows backward then, as they are counted.
    """
    if not direction_is_chance(placement):
        return update
    live = Direction.BACKWARD if session else _FORWARD
    if not update.steps and not update.bouts and update.direction in (None, live):
        return update  # most notifications: nothing to relabel, no copy
    return replace(
        update,
        steps=tuple(
            s if s.direction is _FORWARD else replace(s, direction=_FORWARD) for s in update.steps
        ),
        bouts=tuple(
            b if b.direction is _FORWARD else replace(b, direction=_FORWARD) for b in update.bouts
        ),
        direction=None if update.direction is None else live,
    )
